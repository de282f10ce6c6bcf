import Foundation
import HeraldModel
import HeraldReports
import HeraldResults
import HeraldStore

/// What `herald results import` did.
public struct ResultsImport: Sendable {
    public var rows: Int
    public var snapshots: [ResultSnapshot]
    /// Rows that name no post Herald knows: reported, never guessed, not stored.
    public var unmatched: [ImportProblem]
    public var write: ResultsWrite
    /// Posts `--published` marked as published outside Herald (none on a dry run).
    public var markedPublished: [String] = []
}

extension Workspace {
    /// Imports per-post results, all or nothing: every problem as FILE:ROW:COLUMN and nothing stored unless every
    /// row that names a Herald post is valid, matches one post, that post is published, and no stored snapshot of the
    /// same post and time has other counts. Rows that name no Herald post are reported and left out (a network's
    /// export lists posts made without Herald too); a file in which no row names a Herald post is refused.
    ///
    /// With `markPublished` (`--published`), a row may also name a post that is not published yet but whose time has
    /// passed and that `PostLifecycle` lets go to published (`publishedElsewhere`: planned, drafted, approved, failed or
    /// expired, with no delivery waiting or in flight): after the snapshots are stored it is marked published outside
    /// Herald at its scheduled time. A snapshot captured before that time is refused.
    public func importResults(csv text: String, file: String, layout: ResultLayout, capturedAt: Date?, now: Date,
                              dryRun: Bool = false, markPublished: Bool = false) throws -> ResultsImport {
        let records: [CSVRecord]
        do { records = try CSVReader.parse(text) } catch {
            throw ImportError.invalid(file: file, problems: [ImportProblem(file: file, row: error.row, column: "-", message: error.message)], rows: 0)
        }
        guard let header = records.first else {
            throw ImportError.invalid(file: file, problems: [ImportProblem(file: file, row: 1, column: "-", message: "the file is empty; the first row must be the header.")], rows: 0)
        }
        let rows = records.dropFirst().map { (row: $0.row, fields: $0.fields.map(CSV.unguard)) }
        let clock = self.clock
        let reader = ResultsFile(layout: layout, capturedAt: capturedAt, now: now, today: clock.localDate(now)) { day in
            clock.instant(day.adding(days: 1), LocalTime(hour: 0, minute: 0)!).addingTimeInterval(-1)
        }
        let (parsed, parseProblems) = reader.read(header: header.fields.map(CSV.unguard), rows: rows)
        var problems = parseProblems.map { ImportProblem(file: file, row: $0.row, column: $0.column, message: $0.message) }
        func fail(_ row: Int, _ column: String, _ message: String) { problems.append(ImportProblem(file: file, row: row, column: column, message: message)) }
        let targets = try store.resultTargets()
        var unmatched: [ImportProblem] = []
        var snapshots: [ResultSnapshot] = []
        var rowOf: [Int] = []
        var seen: [String: Int] = [:]
        let source = "import:\(layout.rawValue)"
        var toMark: [String: Date] = [:]
        for r in parsed {
            // Every key the row gives must name the same post.
            var found: [(column: String, posts: [String])] = []
            if let p = r.keys.postID { found.append(("post_id", targets.posts[p] != nil ? [p] : [])) }
            if let d = r.keys.deliveryID { found.append(("delivery_id", targets.deliveries[d].map { [$0] } ?? [])) }
            if let n = r.keys.networkID { found.append((layout == .mastodon ? "id" : "network_id", targets.remoteIDs[n] ?? [])) }
            if let u = r.keys.url { found.append(("url", Workspace.posts(forURL: u, in: targets))) }
            if let net = r.keys.network {
                for i in found.indices { found[i].posts = found[i].posts.filter { targets.posts[$0]?.network == net } }
            }
            let named = found.filter { !$0.posts.isEmpty }
            if named.isEmpty {
                unmatched.append(ImportProblem(file: file, row: r.row, column: r.keys.column,
                                               message: "\(r.keys.shown) matches no Herald post (not imported; only posts Herald published or was told about are matched)."))
                continue
            }
            if let amb = named.first(where: { $0.posts.count > 1 }) {
                fail(r.row, amb.column, "\(amb.column) matches \(amb.posts.count) posts (\(amb.posts.joined(separator: ", "))); add a network column or use post_id.")
                continue
            }
            let ids = Set(named.map { $0.posts[0] })
            if ids.count > 1 || named.count < found.count {
                let said = found.map { "\($0.column) → \($0.posts.first ?? "no post")" }.joined(separator: ", ")
                fail(r.row, named[0].column, "the row's keys name different posts (\(said)); fix the row.")
                continue
            }
            let id = named[0].posts[0]
            guard let target = targets.posts[id] else { continue }
            if let net = r.keys.network, net != target.network {
                fail(r.row, "network", "post \(id) is on \(target.network.rawValue), not \(net.rawValue).")
                continue
            }
            if !target.published {
                guard markPublished else {
                    fail(r.row, named[0].column, "post \(id) is not published (it is \(target.status.rawValue)); results are taken only for posts that went out. If it went out outside Herald, say so with `herald post published \(id)`, or import with --published.")
                    continue
                }
                if toMark[id] == nil {
                    let post = try store.post(id)
                    if case .failure(let refusal) = PostLifecycle.transition(from: post.status, on: .publishedElsewhere) {
                        fail(r.row, named[0].column, "--published cannot mark it: \(refusal.message(for: id))")
                        continue
                    }
                    if post.scheduledAt > now {
                        fail(r.row, named[0].column, "--published marks only posts whose time has passed; post \(id) is due \(clock.isoLocal(post.scheduledAt)).")
                        continue
                    }
                    if let open = try store.openDelivery(post: id) {
                        fail(r.row, named[0].column, "--published cannot mark post \(id): its delivery \(open) is waiting or in flight (see `herald queue`).")
                        continue
                    }
                    toMark[id] = post.scheduledAt
                }
                if let at = toMark[id], r.capturedAt < at {
                    fail(r.row, "captured_at", "captured at \(r.capturedAt.isoUTC), before post \(id) went out at \(at.isoUTC).")
                    continue
                }
            }
            let key = "\(id)|\(target.network.rawValue)|\(Int64(r.capturedAt.timeIntervalSince1970))"
            if let first = seen[key] {
                fail(r.row, layout == .generic && !header.fields.contains("captured_at") && header.fields.contains("date") ? "date" : "captured_at",
                     "row \(first) already gives post \(id) at \(r.capturedAt.isoUTC); keep one snapshot per post and time.")
                continue
            }
            seen[key] = r.row
            snapshots.append(ResultSnapshot(postID: id, network: target.network, capturedAt: r.capturedAt, counts: r.counts, source: source))
            rowOf.append(r.row)
        }
        if problems.isEmpty, snapshots.isEmpty, !rows.isEmpty {
            throw ImportError.invalid(file: file, problems: unmatched + [ImportProblem(file: file, row: 1, column: "-", message: "no row names a Herald post; check the layout and the ids.")], rows: rows.count)
        }
        guard problems.isEmpty else { throw ImportError.invalid(file: file, problems: (problems + unmatched).sorted { ($0.row, $0.column) < ($1.row, $1.column) }, rows: rows.count) }
        if dryRun { return ResultsImport(rows: rows.count, snapshots: snapshots, unmatched: unmatched, write: ResultsWrite(inserted: 0, unchanged: 0, conflicts: [])) }
        let w = try store.importResults(snapshots, at: now)
        if w.conflicts.isEmpty, !toMark.isEmpty {
            try store.markPublishedElsewhere(toMark.keys.sorted().map { PublishedElsewhere(post: $0, at: toMark[$0]!) }, now: now)
        }
        if !w.conflicts.isEmpty {
            let list = w.conflicts.map { c in
                ImportProblem(file: file, row: rowOf[c.index], column: "captured_at",
                              message: "post \(snapshots[c.index].postID) already has a snapshot at \(snapshots[c.index].capturedAt.isoUTC) with other counts (\(snapshots[c.index].counts.differences(from: c.stored))); a snapshot is never changed: give the new counts another capture time.")
            }
            throw ImportError.invalid(file: file, problems: list, rows: rows.count)
        }
        return ResultsImport(rows: rows.count, snapshots: snapshots, unmatched: unmatched, write: w, markedPublished: toMark.keys.sorted())
    }

    static func posts(forURL url: String, in t: ResultTargets) -> [String] {
        if let p = t.urls[url] { return p }
        // The same address with or without a trailing slash.
        let other = url.hasSuffix("/") ? String(url.dropLast()) : url + "/"
        return t.urls[other] ?? []
    }

    /// The period's published posts with their latest results and the sentiment of inbox items that answer them.
    public func outcomes(_ range: DateRange) throws -> [PostOutcome] {
        let bounds = instants(range)
        let posts = try store.posts(PostQuery(from: bounds.from, to: bounds.to))
        let targets = try store.resultTargets()
        let latest = try store.latestResults()
        // Inbox items answer a post by its Herald id or by the network's id of one of its deliveries.
        var sentiment: [String: SentimentCount] = [:]
        for r in try store.inboxReplyCounts() {
            let post: String? = targets.posts[r.inReplyTo] != nil ? r.inReplyTo : targets.remoteIDs[r.inReplyTo]?.first
            guard let post else { continue }
            var s = sentiment[post] ?? SentimentCount()
            switch r.sentiment {
            case .positive: s.positive += r.count
            case .neutral: s.neutral += r.count
            case .negative: s.negative += r.count
            case nil: s.unlabelled += r.count
            }
            sentiment[post] = s
        }
        return posts.compactMap { p in
            guard targets.posts[p.id]?.published == true else { return nil }
            let local = clock.local(p.scheduledAt)
            return PostOutcome(id: p.id, channel: p.channel, kind: p.kind, campaign: p.campaign, owner: p.owner,
                               weekday: local.date.weekday, slot: local.time, latest: latest[p.id]?.counts,
                               sentiment: sentiment[p.id] ?? SentimentCount())
        }
    }
}
