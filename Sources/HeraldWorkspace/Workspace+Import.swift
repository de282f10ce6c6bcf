import Foundation
import HeraldContent
import HeraldModel
import HeraldPlanner
import HeraldReports
import HeraldStore
import HeraldStrategy

/// One problem with one cell of an imported file: `posts.csv:4:channel: no channel 'tiktok' …`.
/// Rows are numbered as a spreadsheet shows them (the header is row 1); the column is the header's name.
public struct ImportProblem: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var row: Int
    public var column: String
    public var message: String

    public init(file: String, row: Int, column: String, message: String) {
        self.file = file; self.row = row; self.column = column; self.message = message
    }

    public var description: String { "\(file):\(row):\(column): \(message)" }
}

/// Why an import wrote nothing. Each case maps to a sysexits code.
public enum ImportError: Error, Sendable, CustomStringConvertible {
    /// Rows are invalid (EX_DATAERR, 65); nothing was written. `header`: row 1 is a header (CSV), not data (JSON Lines).
    case invalid(file: String, problems: [ImportProblem], rows: Int, header: Bool = true)
    /// The file cannot be read (EX_NOINPUT, 66).
    case unreadable(path: String, reason: String)

    public var exitCode: Int32 {
        switch self {
        case .invalid: 65
        case .unreadable: 66
        }
    }

    public var description: String {
        switch self {
        case .invalid(let file, let problems, let rows, let header):
            let n = "\(problems.count) problem\(problems.count == 1 ? "" : "s")"
            let inHeader = header && problems.contains { $0.row <= 1 }
            let bad = Set(problems.map(\.row).filter { $0 > (header ? 1 : 0) }).count
            let whereText = switch (inHeader, bad) {
            case (true, 0): "in the header (row 1)"
            case (true, _): "in the header and \(bad) of \(rows) row\(rows == 1 ? "" : "s")"
            default: "in \(bad) of \(rows) \(header ? "row" : "line")\(rows == 1 ? "" : "s")"
            }
            return problems.map(\.description).joined(separator: "\n") + "\n\(file): \(n) \(whereText); nothing was imported."
        case .unreadable(let path, let reason):
            return "\(path): cannot read the file (\(reason))."
        }
    }

    /// Reads a UTF-8 text file for import.
    public static func readText(_ path: String) throws(ImportError) -> String {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { throw .unreadable(path: path, reason: "no such file") }
        if isDir.boolValue { throw .unreadable(path: path, reason: "it is a folder") }
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path: path, reason: "permission denied or I/O error") }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .unreadable(path: path, reason: "not UTF-8 text; save it from the spreadsheet as CSV UTF-8")
        }
        return text
    }
}

/// How to import posts.
public struct PostImportOptions: Sendable {
    /// The file's name as shown in problems.
    public var file: String
    /// The channel of every row, for layouts without a channel column (Buffer's).
    public var channel: String?
    /// Skip the plan's rules (cadence, days and times, blackouts, owners' capacity), as `post add --force` does.
    /// Unknown ids, bad dates and malformed rows are refused even so.
    public var force: Bool
    /// Import the valid rows and report the others instead of refusing the whole file.
    public var skipInvalid: Bool
    /// Check only; write nothing.
    public var dryRun: Bool

    public init(file: String, channel: String? = nil, force: Bool = false, skipInvalid: Bool = false, dryRun: Bool = false) {
        self.file = file; self.channel = channel; self.force = force; self.skipInvalid = skipInvalid; self.dryRun = dryRun
    }
}

/// What an import did (or, for a dry run, would do).
public struct PostImportResult: Sendable {
    public enum Layout: String, Sendable { case herald, buffer }
    public var layout: Layout
    /// Data rows read (the header not counted).
    public var rows: Int
    /// Posts written (or to be written).
    public var imported: [Post]
    /// Rows whose post is already stored exactly as the row says: left alone, so a re-import never duplicates.
    public var unchanged: [String]
    /// With `skipInvalid`: the problems of the rows left out.
    public var skipped: [ImportProblem]
}

extension Workspace {
    /// Imports posts from CSV text in Herald's own layout (`herald export --format csv`) or Buffer's
    /// (`Text,Image URL,Tags,Posting Time`, with `options.channel`).
    ///
    /// Every row is checked like `post add`: known channel, kind, campaign and step, goal and owner; a real date and
    /// time; the body within the channel's character limit; and, unless `force`, the plan's rules against the stored
    /// posts and the rows before it. All problems are collected; nothing is written unless every row is valid (or
    /// `skipInvalid`). Posts are written in one transaction as `source: import`, locked, `drafted` when they have a
    /// body and `planned` otherwise. A row's post id comes from its `id` column or from its content, so importing the
    /// same rows again leaves them alone.
    public func importPosts(csv text: String, options: PostImportOptions, now: Date) throws -> PostImportResult {
        let file = options.file
        let records: [CSVRecord]
        do { records = try CSVReader.parse(text) } catch {
            throw ImportError.invalid(file: file, problems: [ImportProblem(file: file, row: error.row, column: "-", message: error.message)], rows: 0)
        }
        guard let header = records.first else {
            throw ImportError.invalid(file: file, problems: [ImportProblem(file: file, row: 1, column: "-", message: "the file is empty; the first row must be the header (\(PostCSV.header.joined(separator: ","))).")], rows: 0)
        }
        let rows = Array(records.dropFirst())
        var parser = try PostRowParser(header: header, workspace: self, options: options)
        var problems: [ImportProblem] = []
        var candidates: [(row: Int, post: Post, problems: [ImportProblem])] = []
        for r in rows {
            let (post, found) = parser.parse(r)
            if let post { candidates.append((r.row, post, found)) } else { problems += found }
        }
        // Against the store and the rows before: duplicates, existing posts, the plan's rules.
        let instants = candidates.map(\.post.scheduledAt)
        var stored: [Post] = []
        var rules: PostRules?
        if let lo = instants.min(), let hi = instants.max() {
            stored = try store.posts(PostQuery(from: lo.addingTimeInterval(-15 * 86_400), to: hi.addingTimeInterval(15 * 86_400)))
            if !options.force {
                let span = DateRange(start: clock.localDate(lo).adding(days: -7), end: clock.localDate(hi).adding(days: 7))
                rules = PostRules(strategy: strategy, calendar: try calendarDays(span))
            }
        }
        let storedByID = Dictionary(stored.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var accepted: [Post] = []
        var seen: [String: Int] = [:]
        var unchanged: [String] = []
        let timeColumn = parser.timeColumn
        for var c in candidates {
            if let first = seen[c.post.id] {
                c.problems.append(parser.problem(c.row, parser.idColumn, "the same post as row \(first) (same id or the same channel, time, kind and text); remove one of them."))
            } else {
                seen[c.post.id] = c.row
            }
            var existing = storedByID[c.post.id]
            if existing == nil, c.problems.isEmpty { existing = try? store.post(c.post.id) }
            if let existing, c.problems.isEmpty {
                let diff = existing.importDifferences(from: c.post)
                if diff.isEmpty {
                    unchanged.append(c.post.id)
                    continue
                }
                c.problems.append(parser.problem(c.row, parser.idColumn, "post \(c.post.id) already exists and differs in \(diff.joined(separator: ", ")); change it with `herald post move`/`post set`, or clear the id to add it as a new post."))
            }
            if c.problems.isEmpty, let rules {
                let others = stored + accepted
                var anonymous = c.post
                anonymous.owner = nil
                let general = rules.violations(anonymous, others: others, now: now)
                let all = rules.violations(c.post, others: others, now: now)
                for m in general { c.problems.append(parser.problem(c.row, timeColumn, m)) }
                for m in all where !general.contains(m) { c.problems.append(parser.problem(c.row, "owner", m)) }
            }
            if c.problems.isEmpty { accepted.append(c.post) } else { problems += c.problems }
        }
        problems.sort { ($0.row, parser.columnOrder($0.column)) < ($1.row, parser.columnOrder($1.column)) }
        if !problems.isEmpty, !options.skipInvalid {
            throw ImportError.invalid(file: file, problems: problems, rows: rows.count)
        }
        if !options.dryRun, !accepted.isEmpty { try store.insert(accepted, at: now) }
        return PostImportResult(layout: parser.layout, rows: rows.count, imported: accepted, unchanged: unchanged, skipped: problems)
    }
}

extension Post {
    /// The fields an import sets that differ from `other`'s, by name.
    func importDifferences(from other: Post) -> [String] {
        var d: [String] = []
        if channel != other.channel { d.append("channel") }
        if scheduledAt != other.scheduledAt { d.append("time") }
        if kind != other.kind || step != other.step || campaign != other.campaign { d.append("kind/campaign/step") }
        if goal != other.goal { d.append("goal") }
        if owner != other.owner { d.append("owner") }
        if topic != other.topic { d.append("topic") }
        if (body ?? "") != (other.body ?? "") { d.append("body") }
        if link != other.link { d.append("link") }
        if media != other.media { d.append("media") }
        return d
    }
}

/// Turns one CSV row into a post, collecting every problem with its column.
struct PostRowParser {
    let layout: PostImportResult.Layout
    let columns: [String: Int]
    let headerNames: [String]
    let workspace: Workspace
    let options: PostImportOptions

    static let heraldColumns = PostCSV.header
    static let bufferColumns = BufferCSV.header.map { $0.lowercased() }
    /// Columns of our own layout that are only informational on import.
    static let ignored: Set<String> = ["weekday", "network", "status", "locked", "source"]

    var strategy: Strategy { workspace.strategy }
    var clock: ZoneClock { workspace.clock }

    init(header: CSVRecord, workspace: Workspace, options: PostImportOptions) throws(ImportError) {
        self.workspace = workspace
        self.options = options
        let names = header.fields.map { CSV.unguard($0).trimmingCharacters(in: .whitespaces).lowercased() }
        headerNames = names
        var columns: [String: Int] = [:]
        var problems: [ImportProblem] = []
        let file = options.file
        for (i, n) in names.enumerated() {
            if columns[n] != nil {
                problems.append(ImportProblem(file: file, row: 1, column: n, message: "the column '\(n)' appears twice."))
            }
            columns[n] = i
        }
        self.columns = columns
        if Set(names) == Set(Self.bufferColumns) || (names.contains("text") && names.contains("posting time")) {
            layout = .buffer
            if options.channel == nil {
                problems.append(ImportProblem(file: file, row: 1, column: "-", message: "a Buffer file has no channel column: say which channel it is for with --channel (known: \(workspace.strategy.channels.map(\.id).joined(separator: ", ")))."))
            }
            for n in names where !Self.bufferColumns.contains(n) {
                problems.append(ImportProblem(file: file, row: 1, column: n, message: "unknown column '\(n)' for Buffer's layout (\(BufferCSV.header.joined(separator: ", ")))."))
            }
        } else {
            layout = .herald
            for n in names where !Self.heraldColumns.contains(n) {
                problems.append(ImportProblem(file: file, row: 1, column: n.isEmpty ? "-" : n, message: "unknown column '\(n)'.\(Suggest.hint(for: n, in: Self.heraldColumns)) Herald's columns: \(Self.heraldColumns.joined(separator: ", ")); or Buffer's: \(BufferCSV.header.joined(separator: ", "))."))
            }
            if columns["channel"] == nil, options.channel == nil {
                problems.append(ImportProblem(file: file, row: 1, column: "channel", message: "no 'channel' column (or give --channel for every row)."))
            }
            if !(columns["date"] != nil && columns["time"] != nil) && columns["scheduled_at"] == nil {
                problems.append(ImportProblem(file: file, row: 1, column: "date", message: "no time columns: give 'date' and 'time' (local, YYYY-MM-DD and HH:mm) or 'scheduled_at' (ISO 8601)."))
            }
        }
        if let c = options.channel, workspace.strategy.channel(c) == nil {
            problems.append(ImportProblem(file: file, row: 1, column: "-", message: "--channel '\(c)': no such channel in the strategy (known: \(workspace.strategy.channels.map(\.id).joined(separator: ", ")))."))
        }
        if !problems.isEmpty { throw .invalid(file: file, problems: problems, rows: 0) }
    }

    var timeColumn: String {
        switch layout {
        case .buffer: "Posting Time"
        case .herald: columns["time"] != nil ? "time" : "scheduled_at"
        }
    }

    var idColumn: String { layout == .herald && columns["id"] != nil ? "id" : "-" }

    func columnOrder(_ name: String) -> Int { headerNames.firstIndex(of: name.lowercased()) ?? (name == "-" ? -1 : headerNames.count) }

    func problem(_ row: Int, _ column: String, _ message: String) -> ImportProblem {
        ImportProblem(file: options.file, row: row, column: column, message: message)
    }

    /// The cell of a column, unguarded and trimmed; nil when the column is absent or the cell empty.
    func cell(_ r: CSVRecord, _ name: String, trim: Bool = true) -> String? {
        guard let i = columns[name], i < r.fields.count else { return nil }
        let v = CSV.unguard(r.fields[i])
        let t = trim ? v.trimmingCharacters(in: .whitespaces) : v
        return t.isEmpty ? nil : t
    }

    func known(_ list: [String]) -> String { list.joined(separator: ", ") }

    mutating func parse(_ r: CSVRecord) -> (Post?, [ImportProblem]) {
        var problems: [ImportProblem] = []
        func fail(_ column: String, _ message: String) { problems.append(problem(r.row, column, message)) }
        if r.fields.count != headerNames.count {
            fail("-", "\(r.fields.count) field\(r.fields.count == 1 ? "" : "s"), but the header has \(headerNames.count); check for a missing comma or an unquoted comma in a text.")
            return (nil, problems)
        }
        // Every cell as it stands in the file: a control character (a NUL byte cuts text where C reads it) is refused
        // where it is, never cut silently.
        for (i, field) in r.fields.enumerated() {
            if let p = PlainText.problem(in: field, field: "cell") { fail(headerNames[i].isEmpty ? "-" : headerNames[i], p) }
        }
        if !problems.isEmpty { return (nil, problems) }
        let s = strategy
        // Channel.
        let channelColumn = layout == .buffer ? "-" : "channel"
        var channel: Channel?
        if let id = layout == .buffer ? options.channel : (cell(r, "channel") ?? options.channel) {
            channel = s.channel(id)
            if channel == nil { fail(channelColumn, "no channel '\(id)' in the strategy.\(Suggest.hint(for: id, in: s.channels.map(\.id))) Known: \(known(s.channels.map(\.id))).") }
        } else {
            fail(channelColumn, "no channel given.")
        }
        // Time.
        var when: Date?
        switch layout {
        case .buffer:
            if let t = cell(r, "posting time") {
                when = localTime(t)
                if when == nil { fail(timeColumn, "'\(t)' is not a time like 2027-02-03 08:30 (local to \(clock.identifier)).") }
            } else {
                fail(timeColumn, "no posting time.")
            }
        case .herald:
            if columns["date"] != nil, columns["time"] != nil {
                let d = cell(r, "date"), t = cell(r, "time")
                let date = d.flatMap(LocalDate.init(iso:)), time = t.flatMap(LocalTime.init(hhmm:))
                if date == nil { fail("date", d.map { "'\($0)' is not a date like 2027-02-03." } ?? "no date.") }
                if time == nil { fail("time", t.map { "'\($0)' is not a time like 08:30 (24-hour, local to \(clock.identifier))." } ?? "no time.") }
                if let date, let time { when = clock.instant(date, time) }
            } else if let t = cell(r, "scheduled_at") {
                when = Date(iso: t)
                if when == nil { fail("scheduled_at", "'\(t)' is not an ISO 8601 time like 2027-02-03T07:30:00Z.") }
            } else {
                fail("scheduled_at", "no time.")
            }
        }
        // Kind, campaign, step.
        var kind = ContentKind.informational
        var step: CampaignStep?
        var campaign: String?
        let kindColumn = layout == .buffer ? "Tags" : "kind"
        if layout == .buffer {
            for tag in (cell(r, "tags") ?? "").split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !tag.isEmpty {
                if let k = ContentKind(rawValue: tag) { kind = k } else if let st = CampaignStep(rawValue: tag) { step = st }
                else if s.campaign(tag) != nil { campaign = tag }
            }
        } else {
            if let k = cell(r, "kind") {
                if let v = ContentKind(rawValue: k.lowercased()) { kind = v } else {
                    fail("kind", "unknown kind '\(k)'.\(Suggest.hint(for: k, in: ContentKind.allCases.map(\.rawValue))) Use \(known(ContentKind.allCases.map(\.rawValue))).")
                }
            }
            if let v = cell(r, "step") {
                step = CampaignStep(rawValue: v.lowercased())
                if step == nil { fail("step", "unknown step '\(v)'. Use \(known(CampaignStep.allCases.map(\.rawValue))).") }
            }
            if let v = cell(r, "campaign") {
                campaign = v
                if s.campaign(v) == nil { fail("campaign", "no campaign '\(v)' in the strategy.\(Suggest.hint(for: v, in: s.campaigns.map(\.id))) Known: \(known(s.campaigns.map(\.id))).") }
            }
        }
        let campaignColumn = layout == .buffer ? "Tags" : "campaign"
        if kind.isPromotional {
            if campaign == nil || step == nil {
                fail(kindColumn, "a \(kind.rawValue) post belongs to a campaign step: give its campaign and step (e.g. latte-art, announce).")
            } else if let c = s.campaign(campaign!) {
                if c.kind.contentKind != kind { fail(campaignColumn, "campaign '\(c.id)' is a \(c.kind.rawValue), not a \(kind.rawValue).") }
                if !c.kind.steps.contains(step!) { fail(layout == .buffer ? "Tags" : "step", "a \(c.kind.rawValue) has the steps \(known(c.kind.steps.map(\.rawValue))), not \(step!.rawValue).") }
                if let channel, !c.channels.contains(channel.id) { fail(campaignColumn, "campaign '\(c.id)' does not run on \(channel.id) (it runs on \(known(c.channels))).") }
            }
        } else if kind != .crisis, step != nil {
            fail(layout == .buffer ? "Tags" : "step", "only contest and discount posts have a campaign step.")
        }
        // Goal and owner.
        var goal: String?
        if let g = cell(r, "goal") {
            goal = g
            if s.goal(g) == nil { fail("goal", "no goal '\(g)' in the strategy.\(Suggest.hint(for: g, in: s.goals.map(\.id))) Known: \(known(s.goals.map(\.id))).") }
        }
        var owner: String?
        if let o = cell(r, "owner") {
            owner = o
            if s.participant(o) == nil { fail("owner", "no participant '\(o)' in the strategy.\(Suggest.hint(for: o, in: s.participants.map(\.id))) Known: \(known(s.participants.map(\.id))).") }
        }
        // Text.
        let bodyColumn = layout == .buffer ? "Text" : "body"
        let body = cell(r, layout == .buffer ? "text" : "body", trim: false).flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
        if let body, let channel {
            let n = NetworkRules.length(body, network: channel.network)
            if n > channel.maxCharacters { fail(bodyColumn, "\(n) characters; \(channel.id) takes at most \(channel.maxCharacters).") }
        }
        let link = cell(r, "link")
        if let link, !(link.hasPrefix("https://") || link.hasPrefix("http://")) { fail("link", "'\(link)' is not a web address (https://…).") }
        let mediaText = layout == .buffer ? cell(r, "image url") : cell(r, "media")
        let media = (mediaText ?? "").split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        for m in media where !(m.hasPrefix("https://") || m.hasPrefix("http://")) {
            fail(layout == .buffer ? "Image URL" : "media", "'\(m)' is not a web address (https://…).")
        }
        let topic = cell(r, "topic")
        var id = cell(r, "id")
        if let v = id, v.count > 64 || !v.unicodeScalars.allSatisfy({ ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || "-_.:@".unicodeScalars.contains($0) }) {
            fail("id", "'\(v)' is not a post id (letters, digits and - _ . : @ only, at most 64 characters); clear it to get a new id.")
            id = nil
        }
        guard problems.isEmpty, let channel, let when else { return (nil, problems) }
        let postID = id ?? Post.makeID("import", channel.id, when.isoUTC, kind.rawValue, step?.rawValue ?? "", campaign ?? "", body ?? topic ?? "")
        let post = Post(id: postID, channel: channel.id, network: channel.network, kind: kind, step: step, campaign: campaign,
                        goal: goal ?? campaign.flatMap { s.campaign($0)?.goal } ?? channel.goals.first, owner: owner,
                        scheduledAt: when, status: body == nil ? .planned : .drafted, body: body, topic: topic, locked: true,
                        source: .import, link: link, media: media)
        return (post, problems)
    }

    /// `2027-02-03 08:30` (or with a `T`) local to the strategy's zone, or a full ISO 8601 time.
    func localTime(_ text: String) -> Date? {
        if let d = Date(iso: text) { return d }
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "T" })
        guard parts.count == 2, let date = LocalDate(iso: String(parts[0])), let time = LocalTime(hhmm: String(parts[1])) else { return nil }
        return clock.instant(date, time)
    }
}
