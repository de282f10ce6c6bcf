import Foundation
import HeraldModel
import HeraldStore
import HeraldTestSupport
import Testing

/// The example strategy's slots, by channel: (weekdays, times) in Europe/Amsterdam.
private let slots: [String: (days: Set<String>, times: Set<String>)] = [
    "facebook": (["mon", "wed", "fri"], ["08:30", "17:30"]),
    "instagram": (["tue", "thu", "sat", "sun"], ["11:00", "18:00"]),
    "mastodon": (["tue", "fri"], ["12:00"]),
    "newsletter": (["thu"], ["07:00"]),
]
private let amsterdam = ZoneClock(identifier: "Europe/Amsterdam")!

private func onSlot(_ p: Post) -> Bool {
    let l = amsterdam.local(p.scheduledAt)
    guard let s = slots[p.channel] else { return false }
    return s.days.contains(l.date.weekday.shortName) && s.times.contains(l.time.description)
}

private func json(_ r: ProcessResult) -> Any? { try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) }

@Suite(.serialized) struct CrisisCloseTests {
    /// Closed minutes after opening: the apology has not gone out; the closing statement follows it, on a slot.
    @Test func theClosingStatementFollowsTheUnsentApologyOnAChannelSlot() throws {
        let f = try CrisisFixture()
        #expect(try f.run(["crisis", "open", "Contaminated batch of oat milk", "--as", "anna"], now: "2027-02-03T10:00:00Z").status == 0)
        let close = try f.run(["crisis", "close", "--summary", "Every delivery is now tested.", "--as", "anna"], now: "2027-02-03T10:05:00Z")
        #expect(close.status == 0, "\(close.stderr)")
        let posts = try f.posts()
        var resolutions: [Post] = []
        for channel in ["facebook", "instagram"] {
            let apology = try #require(posts.first { $0.channel == channel && ($0.topic ?? "").hasPrefix("Apology") })
            let resolved = try #require(posts.first { $0.channel == channel && ($0.topic ?? "").hasPrefix("Resolved") })
            #expect(apology.status == .drafted)
            #expect(resolved.scheduledAt > apology.scheduledAt, "\(channel): resolved \(resolved.scheduledAt.isoUTC), apology \(apology.scheduledAt.isoUTC)")
            resolutions.append(resolved)
            // Every closing post lands on one of the channel's slots, after the one before it.
            let closing = posts.filter { $0.channel == channel && $0.crisis != nil && $0.status == .drafted && !($0.topic ?? "").hasPrefix("Apology") }
                .sorted { $0.scheduledAt < $1.scheduledAt }
            #expect(closing.first?.id == resolved.id)
            #expect(closing.count == 5, "\(channel): \(closing.map { $0.topic ?? "" })")
            for p in closing { #expect(onSlot(p), "\(channel) \(p.topic ?? "") at \(amsterdam.isoLocal(p.scheduledAt)) is not a slot") }
        }
        // Mastodon's and the newsletter's slots are all taken by approved posts: nothing is squeezed in, and the
        // person closing is told.
        for channel in ["mastodon", "newsletter"] {
            #expect(!posts.contains { $0.channel == channel && ($0.topic ?? "").hasPrefix("Resolved") })
            #expect(close.stdout.contains("\(channel): no slot of its own in the next two weeks is free"))
        }
        #expect(close.stdout.contains("facebook: the closing statement goes out 2027-02-05T17:30:00+01:00, a slot beyond its cadence"))
        // No channel gets two posts at one time.
        for channel in slots.keys {
            let live = posts.filter { $0.channel == channel && ![.cancelled, .expired, .failed].contains($0.status) }
            #expect(Dictionary(grouping: live, by: \.scheduledAt).allSatisfy { $0.value.count == 1 }, "\(channel)")
        }
        // The closing statement cannot be approved ahead of the apology it follows.
        let early = try f.run(["approve", "--post", resolutions[0].id, "--as", "anna"], now: "2027-02-03T10:06:00Z")
        #expect(early.status == 65)
        #expect(early.stdout.contains("crisis posts go out in order"), "\(early.stdout)")
        #expect(try f.store().post(resolutions[0].id).status == .drafted)
        // Approved together, they go out in order (Instagram's once they have an image, as Instagram requires).
        for p in try f.posts() where p.channel == "instagram" && p.status == .drafted && p.media.isEmpty {
            let set = try f.run(["post", "set", p.id, "--media", "https://beanandbloom.example/img/\(p.id).jpg", "--force"], now: "2027-02-03T10:06:30Z")
            #expect(set.status == 0, "\(set.stderr)")
        }
        let both = try f.run(["approve", "2027-02", "--as", "anna"], now: "2027-02-03T10:07:00Z")
        #expect(both.status == 0, "\(both.stdout)")
        for r in resolutions { #expect(try f.store().post(r.id).status == .approved) }
    }

    /// An approved update is never cancelled unasked: close refuses and lists it, then does as told.
    @Test func approvedUpdatesAreListedAndAskedAboutBeforeClosing() throws {
        let f = try CrisisFixture()
        #expect(try f.run(["crisis", "open", "Contaminated batch of oat milk", "--as", "anna"], now: "2027-02-03T10:00:00Z").status == 0)
        #expect(try f.run(["crisis", "approve", "--as", "anna"], now: "2027-02-03T10:10:00Z").status == 0)
        let approvedUpdates = try f.posts().filter { ($0.topic ?? "").hasPrefix("Update") && $0.status == .approved }
        // None has gone out (nothing was published), so all of them are still to go.
        let pendingAtClose = approvedUpdates
        #expect(!pendingAtClose.isEmpty)
        let before = try f.posts()
        let refused = try f.run(["crisis", "close", "--summary", "Every delivery is now tested.", "--as", "anna"], now: "2027-02-06T09:00:00Z")
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("approved crisis updates have not gone out yet"), "\(refused.stderr)")
        #expect(refused.stderr.contains("--cancel-approved") && refused.stderr.contains("--keep-approved"))
        #expect(refused.stderr.contains("Nothing was changed"))
        for p in pendingAtClose { #expect(refused.stderr.contains(p.id)) }
        #expect(try f.posts() == before)
        #expect(try f.store().openCrisis() != nil)
        let both = try f.run(["crisis", "close", "--summary", "X", "--as", "anna", "--cancel-approved", "--keep-approved"], now: "2027-02-06T09:00:00Z")
        #expect(both.status == 64)
        #expect(try f.posts() == before)

        // Kept: they go out as approved, and the closing statement follows the last of them on each channel.
        let keep = try f.run(["crisis", "close", "--summary", "Every delivery is now tested.", "--as", "anna", "--keep-approved"],
                             now: "2027-02-06T09:00:00Z")
        #expect(keep.status == 0, "\(keep.stderr)")
        #expect(keep.stdout.contains("Kept \(pendingAtClose.count) approved update"))
        let after = try f.posts()
        for p in pendingAtClose { #expect(after.first { $0.id == p.id }?.status == .approved) }
        for channel in ["facebook", "instagram"] {
            let last = try #require(pendingAtClose.filter { $0.channel == channel }.map(\.scheduledAt).max())
            let resolved = try #require(after.first { $0.channel == channel && ($0.topic ?? "").hasPrefix("Resolved") })
            #expect(resolved.scheduledAt > last)
            #expect(onSlot(resolved))
        }
    }

    @Test func cancelApprovedCancelsAndListsThem() throws {
        let f = try CrisisFixture()
        #expect(try f.run(["crisis", "open", "Contaminated batch of oat milk", "--as", "anna"], now: "2027-02-03T10:00:00Z").status == 0)
        #expect(try f.run(["crisis", "approve", "--as", "anna"], now: "2027-02-03T10:10:00Z").status == 0)
        let pending = try f.posts().filter { ($0.topic ?? "").hasPrefix("Update") && $0.status == .approved }
        let close = try f.run(["crisis", "close", "--summary", "Every delivery is now tested.", "--as", "anna", "--cancel-approved"],
                              now: "2027-02-03T11:00:00Z")
        #expect(close.status == 0, "\(close.stderr)")
        for p in pending {
            #expect(try f.store().post(p.id).status == .cancelled)
            #expect(close.stdout.contains(p.id))
        }
    }

    /// Who approves and who acts is a named participant; crisis posts are the crisis owner's to approve.
    @Test func crisisActionsNameARealPersonAndTheOwnerApproves() throws {
        let f = try CrisisFixture()
        let before = try f.posts()
        let now = "2027-02-03T10:00:00Z"
        let blank = try f.run(["crisis", "open", "Oat milk", "--as", ""], now: now)
        #expect(blank.status == 64)
        #expect(blank.stderr.contains("--as: the name is empty"), "\(blank.stderr)")
        let missing = try f.run(["crisis", "open", "Oat milk"], now: now)
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("--as"))
        let nobody = try f.run(["crisis", "open", "Oat milk", "--as", "Nobody"], now: now)
        #expect(nobody.status == 65)
        #expect(nobody.stderr.contains("no participant of that id or name"))
        #expect(try f.store().crises().isEmpty)
        #expect(try f.posts() == before)

        let open = try f.run(["crisis", "open", "Oat milk", "--as", "ÁNNA"], now: now)
        #expect(open.status == 0, "\(open.stderr)")
        #expect(try f.store().openCrisis()?.openedBy == "Anna de Vries")
        let opened = try f.posts()

        // Someone who is not the crisis owner is refused, and nothing is approved.
        let lena = try f.run(["crisis", "approve", "--as", "Lena"], now: "2027-02-03T10:10:00Z")
        #expect(lena.status == 65)
        #expect(lena.stderr.contains("approved by the crisis owner, Anna de Vries"), "\(lena.stderr)")
        let newline = try f.run(["crisis", "approve", "--as", "\n"], now: "2027-02-03T10:10:00Z")
        #expect(newline.status == 64)
        #expect(newline.stderr.contains("control character"))
        let general = try f.run(["approve", "2027-02", "--as", "Lena"], now: "2027-02-03T10:10:00Z")
        #expect(general.status == 65)
        #expect(general.stdout.contains("approved by the crisis owner, Anna de Vries"))
        let generalNewline = try f.run(["approve", "2027-02", "--as", "\n"], now: "2027-02-03T10:10:00Z")
        #expect(generalNewline.status == 64)
        #expect(generalNewline.stderr.contains("control character"))
        let check = try f.run(["crisis", "check", "admit"], now: "2027-02-03T10:10:00Z")
        #expect(check.status == 64)
        #expect(try f.posts() == opened)
        let crisisID = try #require(try f.store().openCrisis()?.id)
        #expect(try f.store().crisisChecks(crisisID).allSatisfy { $0.doneAt == nil })

        // With --force it is done, and recorded as such.
        let forced = try f.run(["crisis", "approve", "--as", "lena", "--force"], now: "2027-02-03T10:20:00Z")
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(forced.stdout.contains("as Lena Bakker"))
        let apology = try #require(try f.posts().first { ($0.topic ?? "").hasPrefix("Apology") && $0.channel == "facebook" })
        #expect(apology.status == .approved && apology.approvedBy == "Lena Bakker")
        let show = try herald(["post", "show", apology.id], environment: f.environment, directory: f.dir.path)
        #expect(show.stdout.contains("approved        by Lena Bakker, 2027-02-03T11:20:00+01:00"), "\(show.stdout)")
        let showJSON = try #require(json(try herald(["post", "show", apology.id, "--json"], environment: f.environment, directory: f.dir.path))
            as? [String: Any])
        #expect(showJSON["approved_by"] as? String == "Lena Bakker")
        #expect(showJSON["approved_at"] as? String == "2027-02-03T10:20:00Z")
        #expect(try f.run(["crisis", "check", "admit", "--as", "lena bakker"], now: "2027-02-03T10:22:00Z").status == 0)
        #expect(try f.store().crisisChecks(crisisID).first { $0.step == .admit }?.doneBy == "Lena Bakker")
        let record = try f.run(["crisis", "show", crisisID], now: "2027-02-03T10:23:00Z")
        #expect(record.stdout.contains("Lena Bakker  approved: "), "\(record.stdout)")
        #expect(record.stdout.contains("not the crisis owner: --force"))

        // crisis list --json
        let list = try #require(json(try herald(["crisis", "list", "--json"], environment: f.environment, directory: f.dir.path)) as? [[String: Any]])
        #expect(list.count == 1)
        #expect(list[0]["id"] as? String == crisisID)
        #expect(list[0]["opened_by"] as? String == "Anna de Vries")
        #expect(list[0]["status"] as? String == "open")
        #expect(list[0]["opened_at"] as? String == "2027-02-03T10:00:00Z")
        #expect(list[0].keys.contains("closed_at") && list[0]["closed_at"] is NSNull)
        #expect(list[0]["channels"] as? [String] == ["facebook", "instagram", "mastodon", "newsletter"])
    }

    /// The texts state the strategy's real update cadence, in each language.
    @Test(arguments: [("en", "3", "within 3 days"), ("pl", "3", "w ciągu 3 dni"), ("de", "3", "innerhalb von 3 Tagen"),
                      ("nl", "3", "Binnen 3 dagen"), ("ru", "3", "в течение 3 дней"), ("en", "1", "within 1 day"),
                      ("en", "0.5", "within 12 hours"), ("ru", "1", "в течение 1 дня")])
    func crisisTextsStateTheRealCadence(_ locale: String, _ every: String, _ phrase: String) throws {
        let f = try CrisisFixture(locale: locale, prepare: false)
        f.dir.write("strategy.yaml", f.dir.read("strategy.yaml")!.replacingOccurrences(of: "update_every_days: 2 ", with: "update_every_days: \(every) "))
        let open = try f.run(["crisis", "open", "Oat milk", "--as", "anna"], now: "2027-02-03T10:00:00Z")
        #expect(open.status == 0, "\(open.stderr)")
        let posts = try f.posts().filter { $0.kind == .crisis }
        let apology = try #require(posts.first { $0.channel == "facebook" && ($0.topic ?? "").hasPrefix("Apology") })
        #expect(apology.body?.contains(phrase) == true, "\(apology.body ?? "")")
        for p in posts { #expect(!(p.body ?? "").contains("24"), "\(p.template ?? ""): \(p.body ?? "")") }
        // The first update follows the apology within that cadence.
        let firstUpdate = try #require(posts.filter { $0.channel == "facebook" && ($0.topic ?? "").hasPrefix("Update") }.map(\.scheduledAt).min())
        #expect(firstUpdate.timeIntervalSince(apology.scheduledAt) <= Double(every)! * 86_400)
    }
}
