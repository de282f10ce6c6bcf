import Foundation
import HeraldModel
import HeraldStore
import HeraldTestSupport
import Testing

/// A person's command the lifecycle tables refuse exits 65 with the table's reason, and changes nothing.
@Suite(.serialized) struct LifecycleCommandTests {
    /// Everything a command could have changed.
    func snapshot(_ f: PublishFixture) throws -> (posts: [Post], deliveries: [Delivery]) {
        (try f.store().posts(), try f.deliveries())
    }

    func expectUnchanged(_ f: PublishFixture, _ before: (posts: [Post], deliveries: [Delivery]), _ what: String) throws {
        let after = try snapshot(f)
        #expect(after.posts == before.posts, "\(what) changed a post")
        #expect(after.deliveries == before.deliveries, "\(what) changed a delivery")
    }

    @Test func aPublishedDeliveryCannotBeRetriedCancelledOrMarkedAgain() throws {
        let f = try PublishFixture(hooksYAML: "  - {id: box, type: outbox, dir: out}", channelHooks: ["box"])
        try f.approvedPosts(at: [t0])
        #expect(try f.publish(now: "2027-03-01T09:00:30Z").status == 0)
        let d = try #require(try f.deliveries().first)
        #expect(d.state == .published)
        let before = try snapshot(f)
        for (command, reason) in [("retry", "it already went out; there is nothing to retry."),
                                  ("cancel", "it already went out; it cannot be cancelled."),
                                  ("mark-published", "it is already published; there is nothing to mark.")] {
            let r = try herald(["queue", command, d.id], directory: f.dir.path)
            #expect(r.status == 65, "\(command): \(r.stderr)")
            #expect(r.stderr.contains("\(d.id) is published; \(reason)"), "\(command): \(r.stderr)")
            try expectUnchanged(f, before, command)
        }
    }

    /// A delivery cancelled by a person while another hook published its post would never be sent if retried (only
    /// approved posts are claimed): the retry is refused with the post's reason, where it used to be accepted and then
    /// silently voided by the next pass.
    @Test func aRetryIsRefusedWhenItsPostCanNoLongerBeSent() throws {
        let f = try PublishFixture(hooksYAML: "  - {id: a, type: outbox, dir: out-a}\n  - {id: b, type: outbox, dir: out-b}", channelHooks: ["a", "b"])
        try f.approvedPosts(at: [t0])
        #expect(try herald(["queue", "refresh", "--now", "2027-03-01T09:00:10Z"], directory: f.dir.path).status == 0)
        let b = try #require(try f.deliveries().first { $0.hook == "b" })
        let cancel = try herald(["queue", "cancel", b.id, "--now", "2027-03-01T09:00:20Z"], directory: f.dir.path)
        #expect(cancel.status == 0, "\(cancel.stderr)")
        #expect(try f.publish(now: "2027-03-01T09:00:30Z").status == 0)
        #expect(try f.store().post("p-0").status == .published)
        let before = try snapshot(f)
        let retry = try herald(["queue", "retry", b.id, "--now", "2027-03-01T09:01:00Z"], directory: f.dir.path)
        #expect(retry.status == 65, "\(retry.stderr)")
        #expect(retry.stderr.contains("\(b.id) cannot be retried: its post p-0 is published; it already went out."), "\(retry.stderr)")
        try expectUnchanged(f, before, "queue retry")
    }

    /// A cancel a person took back: the delivery of a post still approved is retried, and goes out.
    @Test func aCancelledDeliveryOfAnApprovedPostCanBeRetried() throws {
        let f = try PublishFixture(hooksYAML: "  - {id: box, type: outbox, dir: out}", channelHooks: ["box"])
        try f.approvedPosts(at: [t0])
        #expect(try herald(["queue", "refresh", "--now", "2027-03-01T09:00:10Z"], directory: f.dir.path).status == 0)
        let d = try #require(try f.deliveries().first)
        #expect(try herald(["queue", "cancel", d.id, "--now", "2027-03-01T09:00:20Z"], directory: f.dir.path).status == 0)
        let again = try herald(["queue", "cancel", d.id, "--now", "2027-03-01T09:00:21Z"], directory: f.dir.path)
        #expect(again.status == 65)
        #expect(again.stderr.contains("\(d.id) is cancelled; it is already cancelled."), "\(again.stderr)")
        let retry = try herald(["queue", "retry", d.id, "--now", "2027-03-01T09:00:30Z"], directory: f.dir.path)
        #expect(retry.status == 0, "\(retry.stderr)")
        #expect(try f.publish(now: "2027-03-01T09:00:40Z").status == 0)
        #expect(try f.deliveries().first?.state == .published)
        #expect(try f.store().post("p-0").status == .published)
    }

    @Test func aPostCancelledTwiceOrEditedAfterItFailedIsRefusedWithTheReason() throws {
        let f = try PublishFixture(hooksYAML: "  - {id: box, type: outbox, dir: out}", channelHooks: ["box"])
        try f.approvedPosts(at: [t0, t0.addingTimeInterval(86_400)])
        #expect(try herald(["post", "cancel", "p-1"], directory: f.dir.path).status == 0)
        var before = try snapshot(f)
        let twice = try herald(["post", "cancel", "p-1"], directory: f.dir.path)
        #expect(twice.status == 65)
        #expect(twice.stderr.contains("p-1 is cancelled; it is already cancelled."), "\(twice.stderr)")
        try expectUnchanged(f, before, "a second cancel")
        // A failed post waits for a person's decision on its delivery; its text no longer changes.
        let store = try f.store()
        _ = try store.refreshQueue(now: t0, hooks: ["fb": [DueHook(hook: "box", maxAttempts: 1, maxLateness: 3600)]], notify: false)
        let claimed = try store.claim(owner: "test", limit: 1, now: t0, lease: 60, notify: false).claimed
        let d = try #require(claimed.first).delivery
        _ = try store.finish([(d, .failed(error: "HTTP 400", httpStatus: 400, exitCode: nil, excerpt: nil, disableHook: false), t0)],
                             owner: "test", notify: false)
        #expect(try store.post("p-0").status == .failed)
        before = try snapshot(f)
        let edit = try herald(["post", "edit", "p-0", "--body", "Better words"], directory: f.dir.path)
        #expect(edit.status == 65)
        #expect(edit.stderr.contains("p-0 is failed; its body can no longer change (retry its delivery with `herald queue retry`, or cancel it)."),
                "\(edit.stderr)")
        let move = try herald(["post", "move", "p-0", "--to", "2027-03-05 10:00"], directory: f.dir.path)
        #expect(move.status == 65)
        #expect(move.stderr.contains("p-0 is failed; it can no longer change"), "\(move.stderr)")
        try expectUnchanged(f, before, "an edit of a failed post")
        // The person's way out: a retry brings the post back to approved.
        #expect(try herald(["queue", "retry", d.id, "--now", "2027-03-01T09:01:00Z"], directory: f.dir.path).status == 0)
        #expect(try store.post("p-0").status == .approved)
    }
}
