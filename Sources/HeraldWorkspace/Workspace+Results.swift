import Foundation
import HeraldModel
import HeraldReports
import HeraldResults
import HeraldStore

/// What `herald results import` did.
public struct ResultsImport: Sendable {
    /// The file's rows (the header left out).
    public var rows = 0
    /// Snapshots the file gives for Herald posts, and how many posts they are of.
    public var snapshots = 0
    public var posts = 0
    /// Rows that name no post Herald knows: reported, never guessed, not stored.
    public var unmatched: [ImportProblem] = []
    /// New snapshots, and snapshots already stored with the same counts (on a dry run: what storing would find).
    public var inserted = 0
    public var unchanged = 0
    /// Posts `--published` marks as published outside Herald (on a dry run: would mark).
    public var markedPublished: [String] = []
}

/// A block of a results file's rows after parsing, handed from the reading thread to the storing one.
struct ResultsBlock: Sendable {
    /// The header, understood (the first block of a file whose header does).
    var columns: ResultColumns?
    var rows: [ResultRow] = []
    var problems: [ResultProblem] = []
    /// Rows read (valid or not).
    var records = 0
    /// The file could not be read on: the import stops with this.
    var error: ImportError?
}

/// A dry run's transaction rolled back, with what the import would have done.
private struct DryRunDone: Error { var result: ResultsImport }

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
    ///
    /// The file is streamed: a thread reads and parses a block of rows while this one matches and stores the previous
    /// block, all in one write transaction, rolled back at the end when any row had a problem (and on a dry run, which
    /// so checks against the stored snapshots too). Memory stays flat whatever the file's size (see `ResultsInserter`).
    /// `origin` is what the stored snapshots say they came from (default `import:<layout>`; the endpoint's
    /// `post.metrics` events say `endpoint:<source>`).
    public func importResults(_ source: CSVSource, file: String, layout: ResultLayout, capturedAt: Date?, now: Date,
                              dryRun: Bool = false, markPublished: Bool = false, origin: String? = nil) throws -> ResultsImport {
        let clock = self.clock
        let reader = ResultsFile(layout: layout, capturedAt: capturedAt, now: now, today: clock.localDate(now)) { day in
            clock.instant(day.adding(days: 1), LocalTime(hour: 0, minute: 0)!).addingTimeInterval(-1)
        }
        let handoff = Handoff<ResultsBlock>(capacity: 4)
        let producer = Thread { Workspace.readResults(source, reader, file: file, into: handoff) }
        producer.stackSize = 8 << 20
        producer.start()
        defer { handoff.cancel() }

        let result: ResultsImport, toMark: [(id: String, at: Date)]
        do {
            (result, toMark) = try store.importResults(at: now) { inserter in
                let r = try consumeResults(handoff, inserter, file: file, layout: layout, now: now, markPublished: markPublished,
                                           origin: origin ?? "import:\(layout.rawValue)")
                if dryRun { throw DryRunDone(result: r.0) }
                return r
            }
        } catch let done as DryRunDone {
            return done.result
        }
        if !toMark.isEmpty { try store.markPublishedElsewhere(toMark.map { PublishedElsewhere(post: $0.id, at: $0.at) }, now: now) }
        return result
    }

    /// The reading thread: parses the file's rows and hands them on in blocks of 1,024, then finishes the handoff.
    private static func readResults(_ source: CSVSource, _ reader: ResultsFile, file: String, into handoff: Handoff<ResultsBlock>) {
        defer { handoff.finish() }
        var block = ResultsBlock()
        do {
            var columns: ResultColumns?
            var header = true
            var go = true
            try source.records { record in
                let fields = record.fields.map(CSV.unguard)
                if header {
                    header = false
                    let (c, problems) = reader.columns(header: fields)
                    columns = c
                    block.columns = c
                    block.problems = problems
                    go = c != nil
                    return go
                }
                guard let columns else { return false }
                block.records += 1
                if let row = reader.row(record.row, fields, columns, problems: &block.problems) { block.rows.append(row) }
                if block.records == 1024 {
                    go = handoff.put(block)
                    block = ResultsBlock()
                }
                return go
            }
            if header { block.problems = [ResultProblem(row: 1, column: "-", message: "the file is empty; the first row must be the header.")] }
            _ = handoff.put(block)
        } catch {
            var failed = ResultsBlock()
            failed.records = block.records
            switch error {
            case let e as CSVSyntaxError where e.encoding: failed.error = .unreadable(path: file, reason: "\(e.message) (row \(e.row))")
            case let e as CSVSyntaxError: failed.error = .invalid(file: file, problems: [ImportProblem(file: file, row: e.row, column: "-", message: e.message)], rows: 0)
            default: failed.error = error as? ImportError ?? .unreadable(path: file, reason: "\(error)")
            }
            _ = handoff.put(failed)
        }
    }

    /// Matches and stores each block's rows as they come; throws `ImportError.invalid` with every problem at the end.
    /// The posts to mark published come back with the times to mark them at.
    private func consumeResults(_ handoff: Handoff<ResultsBlock>, _ ins: ResultsInserter, file: String, layout: ResultLayout,
                                now: Date, markPublished: Bool, origin: String) throws -> (ResultsImport, [(id: String, at: Date)]) {
        var problems: [ImportProblem] = []
        func fail(_ row: Int, _ column: String, _ message: String) { problems.append(ImportProblem(file: file, row: row, column: column, message: message)) }
        func sorted(_ list: [ImportProblem]) -> [ImportProblem] { list.sorted { ($0.row, $0.column) < ($1.row, $1.column) } }
        var result = ResultsImport()
        var columns: ResultColumns?
        var posts = BitSet()
        let source = origin
        var toMark: [String: Date] = [:]
        // Rows often name the same post one after another: its last lookup.
        var last: ResultPost?
        func post(_ id: String) throws -> ResultPost? {
            if let last, last.id == id { return last }
            last = try ins.post(id)
            return last
        }
        while let block = handoff.take() {
            result.rows += block.records
            if let error = block.error {
                if case .invalid(_, let found, _, _) = error { throw ImportError.invalid(file: file, problems: sorted(problems + found), rows: result.rows) }
                throw error
            }
            if let c = block.columns { columns = c }
            for p in block.problems { fail(p.row, p.column, p.message) }
            for r in block.rows {
                // Every key the row gives must name the same post.
                var found: [(column: String, posts: [String])] = []
                if let p = r.keys.postID { found.append(("post_id", try post(p) != nil ? [p] : [])) }
                if let d = r.keys.deliveryID { found.append(("delivery_id", try ins.post(delivery: d).map { [$0] } ?? [])) }
                if let n = r.keys.networkID { found.append((layout == .mastodon ? "id" : "network_id", try ins.posts(networkID: n))) }
                if let u = r.keys.url {
                    // The same address with or without a trailing slash.
                    var at = try ins.posts(url: u)
                    if at.isEmpty { at = try ins.posts(url: u.hasSuffix("/") ? String(u.dropLast()) : u + "/") }
                    found.append(("url", at))
                }
                if let net = r.keys.network {
                    for i in found.indices { found[i].posts = try found[i].posts.filter { try post($0)?.network == net } }
                }
                let named = found.filter { !$0.posts.isEmpty }
                if named.isEmpty {
                    result.unmatched.append(ImportProblem(file: file, row: r.row, column: r.keys.column,
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
                guard let target = try post(id) else { continue }
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
                        if case .failure(let refusal) = PostLifecycle.transition(from: target.status, on: .publishedElsewhere) {
                            fail(r.row, named[0].column, "--published cannot mark it: \(refusal.message(for: id))")
                            continue
                        }
                        if target.scheduledAt > now {
                            fail(r.row, named[0].column, "--published marks only posts whose time has passed; post \(id) is due \(clock.isoLocal(target.scheduledAt)).")
                            continue
                        }
                        if let open = try ins.openDelivery(post: id) {
                            fail(r.row, named[0].column, "--published cannot mark post \(id): its delivery \(open) is waiting or in flight (see `herald queue`).")
                            continue
                        }
                        toMark[id] = target.scheduledAt
                    }
                    if let at = toMark[id], r.capturedAt < at {
                        fail(r.row, "captured_at", "captured at \(r.capturedAt.isoUTC), before post \(id) went out at \(at.isoUTC).")
                        continue
                    }
                }
                let snapshot = ResultSnapshot(postID: id, network: target.network, capturedAt: r.capturedAt, counts: r.counts, source: source)
                switch try ins.add(snapshot, row: r.row) {
                case .inserted, .unchanged:
                    result.snapshots += 1
                    if posts.insert(target.rowid) { result.posts += 1 }
                case .repeated(let first):
                    fail(r.row, columns?.timeColumn ?? "captured_at", "row \(first) already gives post \(id) at \(r.capturedAt.isoUTC); keep one snapshot per post and time.")
                case .conflict(let stored):
                    fail(r.row, "captured_at", "post \(id) already has a snapshot at \(r.capturedAt.isoUTC) with other counts (\(r.counts.differences(from: stored))); a snapshot is never changed: give the new counts another capture time.")
                }
            }
        }
        if problems.isEmpty, result.snapshots == 0, result.rows > 0 {
            throw ImportError.invalid(file: file, problems: result.unmatched + [ImportProblem(file: file, row: 1, column: "-", message: "no row names a Herald post; check the layout and the ids.")], rows: result.rows)
        }
        guard problems.isEmpty else { throw ImportError.invalid(file: file, problems: sorted(problems + result.unmatched), rows: result.rows) }
        result.inserted = ins.inserted
        result.unchanged = ins.unchanged
        result.markedPublished = toMark.keys.sorted()
        return (result, result.markedPublished.map { ($0, toMark[$0]!) })
    }

    /// The period's published posts with their latest results and the sentiment of inbox items that answer them.
    /// `posts`: the period's posts when the caller has them already (the report does: a large year's are 150,000).
    public func outcomes(_ range: DateRange, posts known: [Post]? = nil) throws -> [PostOutcome] {
        let bounds = instants(range)
        let posts = try known ?? store.posts(PostQuery(from: bounds.from, to: bounds.to))
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
