import Foundation
import HeraldListening
import HeraldModel
import HeraldReports
import HeraldStore
import HeraldStrategy

/// One inbox item as a connector sends it or an export holds it, before it is checked.
///
/// JSON: `{"network": "instagram", "channel": "instagram", "kind": "comment", "id": "17890…", "author": {"handle":
/// "@kasia", "name": "Kasia", "followers": 120}, "text": "…", "url": "…", "created_at": "2027-01-05T10:00:00Z",
/// "in_reply_to": "p-1a2b3c4d", "location": "Amsterdam", "language": "pl"}`. CSV: the same fields as columns, with
/// `author_handle`, `author_name`, `author_followers`.
public struct InboxDraft: Sendable {
    public var fields: [String: String]
    public var followers: String?

    public init(fields: [String: String], followers: String? = nil) { self.fields = fields; self.followers = followers }

    /// The JSON object's fields, flattened as the CSV layout names them; nil with the reason when it is no object.
    public static func fromJSON(_ data: Data) -> (InboxDraft?, String?) {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) } catch {
            return (nil, "not JSON: \(InboxDraft.describe(error))")
        }
        guard let dict = object as? [String: Any] else { return (nil, "expected a JSON object ({…}) per line") }
        var fields: [String: String] = [:]
        var followers: String?
        for (key, value) in dict {
            if key == "author", let a = value as? [String: Any] {
                for (k, v) in a {
                    if k == "followers" { followers = v is NSNull ? nil : "\(v)" } else if let s = v as? String { fields["author_\(k)"] = s }
                }
            } else if let s = value as? String {
                fields[key] = s
            } else if value is NSNull {
                continue
            } else if let n = value as? NSNumber {
                if key == "author_followers" { followers = n.stringValue } else { fields[key] = n.stringValue }
            }
        }
        if followers == nil { followers = fields.removeValue(forKey: "author_followers") }
        return (InboxDraft(fields: fields, followers: followers), nil)
    }

    static func describe(_ error: any Error) -> String {
        var text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
        while text.hasSuffix(".") { text.removeLast() }  // the message goes on after it ("… Nothing was stored.")
        return text.count > 120 ? String(text.prefix(120)) + "…" : text
    }

    /// Whether a field holds only white space and line breaks (`trimmingCharacters(in: .whitespacesAndNewlines)` would
    /// leave nothing), without Foundation for ASCII text: this runs for every field of every item.
    static func isBlank(_ v: String) -> Bool {
        for b in v.utf8 {
            if b >= 0x80 { return v.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
            if !(b == 0x20 || (b >= 0x09 && b <= 0x0D)) { return false }
        }
        return true
    }

    /// `v` without spaces or tabs at either end (`trimmingCharacters(in: .whitespaces)`); as it is when it has none.
    static func trimmedSpaces(_ v: String) -> String {
        guard let first = v.utf8.first, let last = v.utf8.last,
              first < 0x80, last < 0x80, first != 0x20, first != 0x09, last != 0x20, last != 0x09 else {
            return v.trimmingCharacters(in: .whitespaces)
        }
        return v
    }

    /// The fields an item may have (CSV columns, JSON keys).
    public static let columns = ["network", "channel", "kind", "id", "author_handle", "author_name", "author_followers", "text", "url",
                                 "created_at", "in_reply_to", "location", "language"]
}

extension Workspace {
    /// The sorter's labels as the inbox keeps them; a language the source gave stays.
    static func labels(_ l: ListeningLabels, given: InboxLabels) -> InboxLabels {
        var out = given
        if out.language == nil, let lang = l.language.value {
            out.language = lang
            out.reasons["language"] = l.language.reason
        }
        out.sentiment = l.sentiment.value
        out.reasons["sentiment"] = l.sentiment.reason
        out.intent = l.intent.value
        out.reasons["intent"] = l.intent.reason
        out.spam = l.spam.value
        if l.spam.value { out.reasons["spam"] = l.spam.reason }
        if let t = l.topics.first { out.topic = t.value; out.reasons["topic"] = t.reason }
        return out
    }
}

/// What `herald inbox import` did. Counts only: the import streams, and keeps no item once it is stored.
public struct InboxImportResult: Sendable, Equatable {
    /// Items read (lines or rows that held an item, valid or not).
    public var read: Int
    /// Valid items in the file: what a dry run would import (duplicates of stored items included).
    public var valid: Int
    /// Items stored now.
    public var stored: Int
    /// Items already there (the same network id): left as they were.
    public var duplicates: Int
    /// Stored items that found nobody to answer them.
    public var unassigned: Int
}

extension Workspace {
    /// Checks one item and makes it ready to store: labels given, owner and deadline routed. Problems are returned as
    /// (field, message).
    public func inboxItem(_ d: InboxDraft, source: String, receivedAt: Date, openCounts: [String: Int],
                          router: InboxRouter, sorter: ListeningSorter? = nil) -> (InboxItem?, [(String, String)]) {
        let (checked, problems) = checkedInboxItem(d, source: source, receivedAt: receivedAt, router: router, sorter: sorter)
        guard var item = checked else { return (nil, problems) }
        route(&item, openCounts: openCounts, router: router)
        return (item, [])
    }

    /// Routes a checked item: its owner (the person with the fewest open items among those who qualify) and the note
    /// saying why. The brand's own replies are closed already and need nobody.
    func route(_ item: inout InboxItem, openCounts: [String: Int], router: InboxRouter) {
        route(&item, openCounts: openCounts, candidates: candidates(item, router: router))
    }

    /// Who may answer a checked item (nil for the brand's own reply): what routing needs besides the open counts.
    func candidates(_ item: InboxItem, router: InboxRouter) -> InboxCandidates? {
        item.isOwnReply ? nil : router.candidates(for: item, crisisTopic: strategy.inbox.isCrisisTopic(item.labels.topic))
    }

    /// Routes an item among its candidates by the open counts.
    func route(_ item: inout InboxItem, openCounts: [String: Int], candidates: InboxCandidates?) {
        guard let candidates, !item.isOwnReply else { return }
        let routed = candidates.pick(openCounts)
        item.owner = routed.owner
        item.status = routed.owner == nil ? .new : .assigned
        item.note = routed.owner == nil ? "unassigned: \(routed.reason)" : "routed: \(routed.reason)"
    }

    /// Checks one item and labels it, with its deadline, but does not route it (routing depends on the items before it;
    /// this does not, so an import checks items on one thread while it routes and stores them on another).
    func checkedInboxItem(_ d: InboxDraft, source: String, receivedAt: Date, router: InboxRouter,
                          sorter: ListeningSorter?) -> (InboxItem?, [(String, String)]) {
        var problems: [(String, String)] = []
        func field(_ k: String) -> String? {
            guard let v = d.fields[k], !InboxDraft.isBlank(v) else { return nil }
            return v
        }
        var network: Network?
        if let n = field("network") {
            network = Network(rawValue: n) ?? Network(rawValue: n.lowercased())
            if network == nil {
                let known = Network.allCases.map(\.rawValue)
                problems.append(("network", "'\(n)' is not a network Herald knows.\(Suggest.hint(for: n, in: known)) Known: \(known.joined(separator: ", "))."))
            }
        }
        var channel: Channel?
        if let c = field("channel") {
            channel = strategy.channel(c)
            if channel == nil {
                let known = strategy.channels.map(\.id)
                problems.append(("channel", "no channel '\(c)' in the strategy.\(Suggest.hint(for: c, in: known)) Known: \(known.joined(separator: ", "))."))
            } else if let network, channel!.network != network {
                problems.append(("channel", "channel '\(c)' is on \(channel!.network.rawValue), not \(network.rawValue)."))
            }
        } else if let network {
            let on = strategy.channels.filter { $0.network == network }
            if on.count == 1 { channel = on[0] } else {
                problems.append(("channel", on.isEmpty ? "no channel of the strategy is on \(network.rawValue); add the item's channel."
                                 : "\(on.count) channels are on \(network.rawValue) (\(on.map(\.id).joined(separator: ", "))); say which one."))
            }
        } else {
            problems.append(("network", "no network (or channel); say where the item was written, e.g. \"network\": \"instagram\"."))
        }
        var kind: InboxKind?
        if let k = field("kind") {
            kind = InboxKind(rawValue: k) ?? InboxKind(rawValue: k.lowercased())
            if kind == nil { problems.append(("kind", "'\(k)' is not comment, mention, message or review.")) }
        } else {
            kind = .comment
        }
        let text = d.fields["text"] ?? ""
        if InboxDraft.isBlank(text) { problems.append(("text", "no text.")) }
        let handle = field("author_handle")
        if handle == nil { problems.append(("author_handle", "no author handle (who wrote it).")) }
        var created: Date?
        if let c = field("created_at") {
            created = Date(iso: c)
            if created == nil { problems.append(("created_at", "'\(c)' is not an ISO 8601 time like 2027-01-05T10:00:00Z.")) }
            else if created! > receivedAt.addingTimeInterval(300) {
                problems.append(("created_at", "\(c) is in the future (received \(receivedAt.isoUTC)); check the clock of the tool that wrote it."))
            }
        } else {
            problems.append(("created_at", "no created_at (when it was written)."))
        }
        var followers: Int?
        if let f = d.followers.map(InboxDraft.trimmedSpaces), !f.isEmpty {
            followers = Int(f)
            if followers == nil || followers! < 0 { problems.append(("author_followers", "'\(f)' is not a whole number of followers.")) }
        }
        var language: String?
        if let l = field("language") {
            language = l.lowercased()
            if !StrategyLoader.bundledLocales.contains(language!) {
                problems.append(("language", "'\(l)' is not a language Herald sorts (\(StrategyLoader.bundledLocales.joined(separator: ", "))); leave it out to have it detected."))
            }
        }
        if let u = field("url"), !(u.hasPrefix("https://") || u.hasPrefix("http://")) {
            problems.append(("url", "'\(u)' is not a web address."))
        }
        for key in d.fields.keys where !InboxDraft.columns.contains(key) {
            problems.append((key, "unknown field '\(key)'.\(Suggest.hint(for: key, in: InboxDraft.columns)) The fields are \(InboxDraft.columns.joined(separator: ", "))."))
        }
        // A channel alone says the network too.
        guard problems.isEmpty, let channel, let kind, let handle, let created else { return (nil, problems) }
        let on = network ?? channel.network
        let networkID = field("id")
        var item = InboxItem(id: InboxItem.makeID(source: source, network: on, networkItemID: networkID, author: handle, createdAt: created, text: text),
                             source: source, network: on, channel: channel.id, kind: kind, networkItemID: networkID,
                             authorHandle: handle, authorName: field("author_name"), authorFollowers: followers, text: text,
                             url: field("url"), createdAt: created, receivedAt: receivedAt, inReplyTo: field("in_reply_to"),
                             location: field("location"), labels: InboxLabels(language: language, reasons: language.map { ["language": "given by the source (\($0))"] } ?? [:]))
        if let sorter { item.labels = Self.labels(sorter.sort(text, language: language), given: item.labels) }
        // The brand's own reply coming back in (from one of the channel's own handles, answering an item): it needs no
        // answer itself, and storing it marks the item it answers answered.
        if item.inReplyTo != nil, strategy.inbox.isOwnHandle(handle, on: channel) {
            item.isOwnReply = true
            item.status = .closed
            item.closeReason = .noReplyNeeded
            item.note = "the brand's own reply (\(handle)) to \(item.inReplyTo ?? "")"
            return (item, [])
        }
        item.deadline = router.deadline(for: item)
        return (item, [])
    }

    /// Imports items from a file of JSON Lines (one object per line) or CSV (the same fields as columns), all or
    /// nothing: every problem is listed as FILE:LINE:FIELD and nothing is stored unless every item is valid. Items
    /// already stored (the same network id) are left alone, so importing the same export again changes nothing.
    ///
    /// JSON Lines are streamed: a thread reads, parses, checks and sorts a block of lines while this one routes and
    /// stores the previous block, all inside one write transaction that is rolled back at the end when any line had a
    /// problem. Memory stays flat whatever the file's size (apart from eight bytes per item to find repeats in it).
    public func importInbox(path: String, file: String, csv: Bool, now: Date, dryRun: Bool = false) throws -> InboxImportResult {
        if csv { return try importInbox(text: try ImportError.readText(path), file: file, csv: true, now: now, dryRun: dryRun) }
        let lines = try JSONLinesReader(path: path)
        return try importInbox(file: file, now: now, dryRun: dryRun) { emit in try lines.read(emit) }
    }

    /// `importInbox(path:…)` for a text in memory.
    public func importInbox(text: String, file: String, csv: Bool, now: Date, dryRun: Bool = false) throws -> InboxImportResult {
        guard csv else {
            let lines = JSONLinesReader(bytes: Array(text.utf8))
            return try importInbox(file: file, now: now, dryRun: dryRun) { emit in try lines.read(emit) }
        }
        var problems: [ImportProblem] = []
        let records: [CSVRecord]
        do { records = try CSVReader.parse(text) } catch {
            throw ImportError.invalid(file: file, problems: [ImportProblem(file: file, row: error.row, column: "-", message: error.message)], rows: 0)
        }
        guard let header = records.first else {
            throw ImportError.invalid(file: file, problems: [ImportProblem(file: file, row: 1, column: "-", message: "the file is empty; the first row must be the header (\(InboxDraft.columns.joined(separator: ","))).")], rows: 0)
        }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        for n in names where !InboxDraft.columns.contains(n) {
            problems.append(ImportProblem(file: file, row: 1, column: n.isEmpty ? "-" : n, message: "unknown column '\(n)'.\(Suggest.hint(for: n, in: InboxDraft.columns)) The columns are \(InboxDraft.columns.joined(separator: ", "))."))
        }
        guard problems.isEmpty else { throw ImportError.invalid(file: file, problems: problems, rows: records.count - 1) }
        var entries: [InboxLine] = []
        for r in records.dropFirst() {
            guard r.fields.count == names.count else {
                entries.append(.unreadable(r.row, "\(r.fields.count) fields, but the header has \(names.count)."))
                continue
            }
            var fields: [String: String] = [:]
            for (i, n) in names.enumerated() where !r.fields[i].isEmpty { fields[n] = n == "text" ? r.fields[i] : CSV.unguard(r.fields[i]) }
            let followers = fields.removeValue(forKey: "author_followers")
            entries.append(.draft(r.row, InboxDraft(fields: fields, followers: followers)))
        }
        let all = entries
        return try importInbox(file: file, now: now, dryRun: dryRun) { emit in
            var at = 0
            while at < all.count {
                let block = all[at..<min(at + 1024, all.count)]
                at += block.count
                guard emit(Array(block)) else { return }
            }
        }
    }

    /// The import's stages. `produce` (on a thread of its own) reads and parses the lines, handing blocks of them to
    /// `emit`; checking threads (one per core) check, sort and give deadlines to whole blocks, in any order; this thread
    /// takes the checked blocks back in file order, routes each item (the open counts change with every item routed) and
    /// stores it.
    func importInbox(file: String, now: Date, dryRun: Bool,
                     produce: @escaping @Sendable (_ emit: ([InboxLine]) -> Bool) throws -> Void) throws -> InboxImportResult {
        var counts = try store.openInboxCounts()
        // Sorted at intake: language (when the source did not say), sentiment, intent, spam, each with its reason.
        let sorter = try? ListeningSorter()
        let router = InboxRouter(strategy: strategy)
        let checkers = max(1, min(4, ProcessInfo.processInfo.activeProcessorCount))
        let lines = Handoff<(Int, [InboxLine])>(capacity: 2 * checkers)
        let handoff = OrderedHandoff<InboxCheckedBlock>(window: 2 * checkers + 2)
        let ws = self
        let check: @Sendable ([InboxLine]) -> InboxCheckedBlock = { lines in
            var block = InboxCheckedBlock()
            block.entries.reserveCapacity(lines.count)
            for line in lines {
                switch line {
                case .unreadable(let n, let why): block.entries.append(.problems(n, [("-", why)]))
                case .draft(let n, let draft):
                    block.drafts += 1
                    let (item, problems) = ws.checkedInboxItem(draft, source: "import", receivedAt: now, router: router, sorter: sorter)
                    if let item { block.entries.append(.item(n, item, InboxLabelsJSON.encode(item.labels), ws.candidates(item, router: router))) } else { block.entries.append(.problems(n, problems)) }
                }
            }
            return block
        }
        let done = DispatchGroup()
        for _ in 0..<checkers {
            let worker = Thread {
                while let (number, block) = lines.take() {
                    guard handoff.put(number, check(block)) else { break }
                }
                done.leave()
            }
            worker.stackSize = 8 << 20
            done.enter()
            worker.start()
        }
        let producer = Thread {
            var blocks = 0
            do {
                try produce { block in
                    defer { blocks += 1 }
                    return lines.put((blocks, block))
                }
                lines.finish()
            } catch {
                lines.finish()
                var failed = InboxCheckedBlock()
                failed.error = error as? ImportError ?? .unreadable(path: file, reason: "\(error)")
                if handoff.put(blocks, failed) { blocks += 1 }
            }
            done.wait()
            handoff.finish(count: blocks)
        }
        producer.stackSize = 8 << 20
        producer.start()
        defer { lines.cancel(); handoff.cancel() }

        var problems: [ImportProblem] = []
        var result = InboxImportResult(read: 0, valid: 0, stored: 0, duplicates: 0, unassigned: 0)
        // The file's items by id (an id is `m-` and ten hex digits: kept as a number), for "the same item as line N".
        var seen: [UInt64: UInt32] = [:]
        func consume(_ inserter: InboxInserter?) throws {
            while let block = handoff.take() {
                if let error = block.error { throw error }
                result.read += block.drafts
                for entry in block.entries {
                    switch entry {
                    case .problems(let line, let found):
                        for (field, message) in found { problems.append(ImportProblem(file: file, row: line, column: field, message: message)) }
                    case .item(let line, var item, let labels, let candidates):
                        let key = InboxItem.idKey(item.id)
                        if let first = seen[key] {
                            problems.append(ImportProblem(file: file, row: line, column: "id", message: "the same item as line \(first); keep one."))
                            continue
                        }
                        seen[key] = UInt32(truncatingIfNeeded: line)
                        route(&item, openCounts: counts, candidates: candidates)
                        if let o = item.owner { counts[o, default: 0] += 1 }
                        result.valid += 1
                        if problems.isEmpty, let inserter { try inserter.add(item, labels: labels) }
                    }
                }
            }
        }
        if dryRun {
            try consume(nil)
            guard problems.isEmpty else { throw ImportError.invalid(file: file, problems: problems, rows: result.read, header: false) }
            return result
        }
        result = try store.importInbox(at: now) { inserter in
            try consume(inserter)
            guard problems.isEmpty else { throw ImportError.invalid(file: file, problems: problems, rows: result.read, header: false) }
            result.stored = inserter.stored
            result.duplicates = inserter.duplicates
            result.unassigned = inserter.storedWithoutOwner
            return result
        }
        try queueInboxNotices(now: now)
        return result
    }

    /// On intake: queues `inbox.urgent` (and `inbox.overdue`) for the notify hook when the strategy has one; the next
    /// publishing pass sends them. A kill between storing and this is caught up by the next pass, which queues the same.
    @discardableResult
    public func queueInboxNotices(now: Date) throws -> InboxNotices {
        try store.queueInboxNotifications(strategy, now: now, notify: strategy.notify != nil)
    }

    /// A page of `herald inbox`: the first `limit` items by deadline, how many match in all, and how many are overdue.
    public func inboxPage(_ query: InboxQuery, now: Date, limit: Int) throws(StoreError) -> (items: [InboxItem], total: Int, overdue: Int) {
        try store.inboxPage(query, now: now, limit: limit)
    }

    /// One stored item (`StoreError.notFound` when there is none).
    public func inboxItem(_ id: String) throws(StoreError) -> InboxItem { try store.inboxItem(id) }

    /// Items of a query, by deadline (all of them: `inboxPage` for a page).
    public func inboxItems(_ query: InboxQuery) throws(StoreError) -> [InboxItem] { try store.inboxItems(query) }

    /// The replies written to an item, newest first.
    public func replies(item id: String) throws(StoreError) -> [Reply] { try store.replies(item: id) }

    /// Changes an item through its lifecycle (`event`; nil for a change that is not a move, such as a label) and stores
    /// the edit in one transaction; a move the lifecycle does not allow is refused with the reason.
    public func updateInbox(_ id: String, event: InboxEvent?, now: Date, _ edit: @Sendable (InboxItem) -> InboxItem) throws(StoreError) -> InboxItem {
        try store.updateInbox(id, event: event, at: now, edit)
    }
}
