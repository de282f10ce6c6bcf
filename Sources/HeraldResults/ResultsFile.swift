import Foundation
import HeraldModel

/// A problem with one cell of a results file; rows are numbered as a spreadsheet shows them (the header is row 1).
public struct ResultProblem: Sendable, Equatable {
    public var row: Int
    public var column: String
    public var message: String

    public init(row: Int, column: String, message: String) { self.row = row; self.column = column; self.message = message }
}

/// How a row names its post: any of these that the file has.
public struct ResultKeys: Sendable, Equatable {
    public var postID: String?
    public var deliveryID: String?
    /// The network's own id of the post (what the receiver answered as `id`).
    public var networkID: String?
    /// The post's address on the network (what the receiver answered as `url`).
    public var url: String?
    /// The network the row is for, when the file says (the Mastodon layout always does).
    public var network: Network?

    public init(postID: String? = nil, deliveryID: String? = nil, networkID: String? = nil, url: String? = nil, network: Network? = nil) {
        self.postID = postID; self.deliveryID = deliveryID; self.networkID = networkID; self.url = url; self.network = network
    }

    /// The key a person recognises, for messages: "post p-1a2b3c4d", "url https://…".
    public var shown: String {
        if let postID { return "post_id '\(postID)'" }
        if let deliveryID { return "delivery_id '\(deliveryID)'" }
        if let networkID { return "network_id '\(networkID)'" }
        return "url '\(url ?? "")'"
    }

    /// The column a matching problem is reported in.
    public var column: String {
        postID != nil ? "post_id" : deliveryID != nil ? "delivery_id" : networkID != nil ? "network_id" : "url"
    }
}

/// One valid row of a results file, not yet matched to a post.
public struct ResultRow: Sendable, Equatable {
    public var row: Int
    public var keys: ResultKeys
    public var capturedAt: Date
    public var counts: ResultCounts
}

/// A results file's header, understood: the column names (trimmed, lower case), where each is, and the counters.
public struct ResultColumns: Sendable {
    public var names: [String]
    var index: [String: Int]
    var counters: [(name: String, counter: ResultCounter)]

    /// The column a repeated snapshot is reported in: the time column the file has.
    public var timeColumn: String
}

/// Reads the rows of a results file (already split into fields) in one of the supported layouts. Pure: the caller
/// reads the file, matches rows to posts and stores them.
public struct ResultsFile: Sendable {
    /// The generic layout's columns: keys, time, counters.
    public static let keyColumns = ["post_id", "delivery_id", "network_id", "url", "network"]
    public static let timeColumns = ["captured_at", "date"]
    public static var genericColumns: [String] { keyColumns + timeColumns + ResultCounter.allCases.map(\.rawValue) }

    /// The Mastodon layout: fields of the API's `Status` entity (docs.joinmastodon.org/entities/Status), and Herald's
    /// `captured_at`. Counters map: favourites_count → reactions, reblogs_count → shares, replies_count → comments.
    public static let mastodonCounters: [String: ResultCounter] = [
        "favourites_count": .reactions, "reblogs_count": .shares, "replies_count": .comments,
    ]

    /// The largest count or amount accepted: nothing a post earns comes near a trillion.
    public static let largest = 1e12

    public var layout: ResultLayout
    /// When the file has no capture time: the moment to record (the `--captured-at` option).
    public var capturedAt: Date?
    /// For a `date` column: the instant at the end of that local day, and today's date.
    public var endOfDay: @Sendable (LocalDate) -> Date
    public var now: Date
    public var today: LocalDate

    public init(layout: ResultLayout, capturedAt: Date?, now: Date, today: LocalDate, endOfDay: @escaping @Sendable (LocalDate) -> Date) {
        self.layout = layout; self.capturedAt = capturedAt; self.now = now; self.today = today; self.endOfDay = endOfDay
    }

    /// Parses every row; returns the valid rows and every problem (all of them, so a person fixes the file once).
    public func read(header: [String], rows: [(row: Int, fields: [String])]) -> (rows: [ResultRow], problems: [ResultProblem]) {
        let (columns, headerProblems) = self.columns(header: header)
        guard let columns else { return ([], headerProblems) }
        var out: [ResultRow] = [], problems: [ResultProblem] = []
        out.reserveCapacity(rows.count)
        for r in rows {
            if let row = row(r.row, r.fields, columns, problems: &problems) { out.append(row) }
        }
        return (out, problems)
    }

    /// What the header's columns mean in the layout: nil, with every problem, when the header does not do.
    public func columns(header: [String]) -> (ResultColumns?, [ResultProblem]) {
        var problems: [ResultProblem] = []
        func fail(_ column: String, _ message: String) { problems.append(ResultProblem(row: 1, column: column, message: message)) }
        let names = header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var seenNames: Set<String> = []
        for n in names where !n.isEmpty {
            if !seenNames.insert(n).inserted { fail(n, "the column '\(n)' appears twice.") }
        }
        // What each column means in this layout.
        var counterColumns: [(name: String, counter: ResultCounter)] = []
        switch layout {
        case .generic:
            let known = Self.genericColumns
            for n in names where !known.contains(n) {
                fail(n.isEmpty ? "-" : n, "unknown column '\(n)'.\(Self.hint(n, known)) The generic layout's columns: \(known.joined(separator: ", ")).")
            }
            if !names.contains(where: { ["post_id", "delivery_id", "network_id", "url"].contains($0) }) {
                fail("post_id", "no column names the post: give post_id, delivery_id, network_id or url.")
            }
            counterColumns = ResultCounter.allCases.filter { names.contains($0.rawValue) }.map { ($0.rawValue, $0) }
            if counterColumns.isEmpty {
                fail("-", "no counter columns: give at least one of \(ResultCounter.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
        case .mastodon:
            for n in ["id", "url"] where !names.contains(n) { fail(n, "no '\(n)' column; a Mastodon status list has id and url.") }
            counterColumns = Self.mastodonCounters.filter { names.contains($0.key) }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            if counterColumns.isEmpty {
                fail("-", "no counter columns: give at least one of favourites_count, reblogs_count, replies_count.")
            }
        case .meta, .linkedin:
            fail("-", layout.refusal)
        }
        if !names.contains("captured_at"), !(layout == .generic && names.contains("date")), capturedAt == nil {
            fail("captured_at", layout == .generic
                 ? "no time column: give captured_at (ISO 8601, when the counts were read) or date (YYYY-MM-DD), or pass --captured-at."
                 : "no captured_at column: say when the counts were read with a captured_at column or --captured-at.")
        }
        guard problems.isEmpty else { return (nil, problems) }
        let col = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let time = layout == .generic && !names.contains("captured_at") && names.contains("date") ? "date" : "captured_at"
        return (ResultColumns(names: names, index: col, counters: counterColumns, timeColumn: time), [])
    }

    /// One row: its snapshot, or nil with its problems added to `problems`.
    public func row(_ number: Int, _ fields: [String], _ columns: ResultColumns, problems: inout [ResultProblem]) -> ResultRow? {
        func fail(_ column: String, _ message: String) { problems.append(ResultProblem(row: number, column: column, message: message)) }
        let names = columns.names
        guard fields.count == names.count else {
            fail("-", "\(fields.count) field\(fields.count == 1 ? "" : "s"), but the header has \(names.count).")
            return nil
        }
        func cell(_ n: String) -> String? {
            guard let i = columns.index[n] else { return nil }
            let v = Self.trimmed(fields[i])
            return v.isEmpty ? nil : v
        }
        let before = problems.count
        var keys = ResultKeys()
        switch layout {
        case .mastodon:
            keys.networkID = cell("id"); keys.url = cell("url"); keys.network = .mastodon
        default:
            keys.postID = cell("post_id"); keys.deliveryID = cell("delivery_id"); keys.networkID = cell("network_id"); keys.url = cell("url")
            if let n = cell("network") {
                keys.network = Network(rawValue: n.lowercased())
                if keys.network == nil {
                    let all = Network.allCases.map(\.rawValue)
                    fail("network", "no network '\(n)'.\(Self.hint(n.lowercased(), all)) Known: \(all.joined(separator: ", ")).")
                }
            }
        }
        if keys.postID == nil, keys.deliveryID == nil, keys.networkID == nil, keys.url == nil {
            fail(layout == .mastodon ? "id" : "post_id", "the row names no post: fill in \(layout == .mastodon ? "id or url" : "post_id, delivery_id, network_id or url").")
        }
        var at: Date?
        if let t = cell("captured_at") {
            if let d = Date(iso: t) {
                if d.timeIntervalSince(now) > 300 { fail("captured_at", "\(t) is in the future; counts are read at or before now.") } else { at = d }
            } else {
                fail("captured_at", "'\(t)' is not an ISO 8601 time like 2027-02-03T18:00:00Z.")
            }
        } else if layout == .generic, let t = cell("date") {
            if let d = LocalDate(iso: t) {
                if d > today { fail("date", "\(t) is in the future; counts are read on or before today.") } else { at = endOfDay(d) }
            } else {
                fail("date", "'\(t)' is not a date like 2027-02-03.")
            }
        } else if let capturedAt {
            at = capturedAt
        } else {
            fail(names.contains("captured_at") ? "captured_at" : "date", "no capture time in this row.")
        }
        var counts = ResultCounts()
        for (name, counter) in columns.counters {
            guard let text = cell(name) else { continue }
            switch Self.number(text, amount: counter.isAmount) {
            case .success(let v): counts[counter] = v
            case .failure(let why): fail(name, why.message)
            }
        }
        if problems.count == before, counts.isEmpty {
            fail(columns.counters.first?.name ?? "-", "every counter is empty; leave the row out or fill in what the network reports.")
        }
        guard problems.count == before, let at else { return nil }
        return ResultRow(row: number, keys: keys, capturedAt: at, counts: counts)
    }

    /// `trimmingCharacters(in: .whitespaces)`, without Foundation's string bridging for the usual cell that starts and
    /// ends with neither a space, a tab nor a non-ASCII character (a million-row file has millions of cells).
    static func trimmed(_ text: String) -> String {
        guard let first = text.utf8.first, let last = text.utf8.last else { return text }
        func plain(_ b: UInt8) -> Bool { b != 0x20 && b != 0x09 && b < 0x80 }
        return plain(first) && plain(last) ? text : text.trimmingCharacters(in: .whitespaces)
    }

    struct NumberProblem: Error { var message: String }

    /// A count (a whole number ≥ 0) or an amount (≥ 0, with a point), as a spreadsheet writes it.
    static func number(_ text: String, amount: Bool) -> Result<Double, NumberProblem> {
        if !amount && text.utf8.contains(UInt8(ascii: ",")) {
            return .failure(NumberProblem(message: "'\(text)' is not a number: write counts without thousands separators (1200, not 1,200)."))
        }
        guard let v = Double(text) else {
            return .failure(NumberProblem(message: "'\(text)' is not a number\(amount ? " (write amounts with a point: 12.50)" : "").")) }
        guard v.isFinite else { return .failure(NumberProblem(message: "'\(text)' is not a finite number; write the count the network reports.")) }
        if v < 0 { return .failure(NumberProblem(message: "\(text) is negative; a count or amount is never below zero.")) }
        if v > largest { return .failure(NumberProblem(message: "\(text) is not a plausible count (at most a trillion); check the column.")) }
        if !amount, v != v.rounded() { return .failure(NumberProblem(message: "\(text) is not a whole number; counts are whole.")) }
        return .success(v == 0 ? 0 : v)
    }

    static func hint(_ name: String, _ known: [String]) -> String {
        guard !name.isEmpty else { return "" }
        let best = known.map { ($0, distance(name, $0)) }.min { $0.1 < $1.1 }
        guard let best, best.1 <= max(2, name.count / 3) else { return "" }
        return " Did you mean '\(best.0)'?"
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count), cur = Array(repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }
}
