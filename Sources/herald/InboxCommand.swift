import ArgumentParser
import Foundation
import HeraldModel
import HeraldStore
import HeraldWorkspace

extension Herald {
    struct Inbox: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "inbox",
            abstract: "What people wrote: comments, mentions, messages and reviews, each with an owner and a reply deadline.",
            discussion: """
            Items come in through `herald inbox import` (JSON Lines or CSV). Each is routed to a participant who covers \
            its channel, is trained, writes its language and is at work, with the fewest open items; its deadline is the \
            strategy's `response_targets` counted from when it was written (in business hours when set).
            """,
            subcommands: [List.self, Import.self, Show.self, ReplyCommand.self, Approve.self, Assign.self, Close.self, Reopen.self, Label.self, Stats.self],
            defaultSubcommand: List.self)

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Open items by deadline: overdue first, then due soon.",
                discussion: """
                JSON fields: id, status, overdue, deadline, channel, network, kind, author, text, owner, labels, received_at, \
                first_reply_at (when the first reply went out). Items with a reply on its way (status replying) are listed \
                too, until it went out.
                Examples:
                  herald inbox
                  herald inbox --mine --as anna
                  herald inbox --all --json
                  herald inbox --limit 0          # every open item, not only the first 50
                """)

            @Flag(help: "Only the items of the person named by --as.") var mine = false
            @Option(name: .customLong("as"), help: ArgumentHelp("Who you are (a participant's id or name), with --mine.", valueName: "person"))
            var person: String?
            @Option(help: ArgumentHelp("Only this channel.", valueName: "id")) var channel: String?
            @Flag(help: "Answered and closed items too.") var all = false
            @Option(help: ArgumentHelp("Show at most this many items, by deadline (0: all). Default: 50 in the table, all with --json.",
                                       valueName: "n"))
            var limit: Int?
            @OptionGroup var output: OutputOptions
            @OptionGroup var location: LocationOptions
            @OptionGroup var clockOptions: ClockOptions

            func validate() throws {
                if mine, person == nil { throw ValidationError("--mine needs --as NAME: whose items?") }
                if let limit, limit < 0 { throw ValidationError("--limit \(limit) is negative: give how many items to show, or 0 for all.") }
                try validatePersonName(person, option: "--as")
            }

            func run() async throws {
                try await withExitCodes {
                    let ws = try location.openWorkspace(printWarnings: false)
                    let owner = try mine ? person.map { try participant(named: $0, option: "--as", in: ws.strategy).id } : nil
                    if let channel, ws.strategy.channel(channel) == nil {
                        throw CLIError("no channel '\(channel)' in the strategy (known: \(ws.strategy.channels.map(\.id).joined(separator: ", "))).", exitCode: 65)
                    }
                    let now = clockOptions.now
                    let query = InboxQuery(statuses: all ? InboxStatus.allCases : [.new, .assigned, .replying], owner: owner, channel: channel)
                    let shown = limit.map { $0 == 0 ? Int.max : $0 } ?? (output.json ? Int.max : 50)
                    let page = try ws.inboxPage(query, now: now, limit: shown)
                    let items = page.items
                    if output.json { return try Console.json(items.map { InboxItemJSON($0, now: now) }) }
                    guard !items.isEmpty else {
                        Console.out(all ? "The inbox is empty." : "Nothing open\(owner.map { " for \($0)" } ?? ""). 🎉")
                        return
                    }
                    // By deadline: overdue items come first (their deadlines are the earliest), then those due soon.
                    var t = Table("due", "", "id", "channel", "kind", "from", "owner", "text")
                    for i in items {
                        let due = i.deadline.map { ws.clock.local($0) }.map { "\($0.date) \($0.time)" } ?? "–"
                        let flag = i.isOverdue(at: now) ? Console.red("overdue") : i.status.isOpen ? "" : i.status.rawValue
                        + (i.status == .replying && (try? ws.replies(item: i.id).first?.status) == .awaitingApproval ? " (approval)" : "")
                        t.add(due, flag, i.id, i.channel, i.kind.rawValue, i.authorHandle, i.owner ?? Console.yellow("nobody"), excerpt(i.text, 48))
                    }
                    Console.out(t.rendered)
                    // The counts stop past Store.inboxCountCap ("more than 10,000"); every item listed is counted exactly.
                    let cap = Store.inboxCountCap
                    let whole = items.count < shown || page.total <= items.count  // the page holds every item asked for
                    let total = whole ? "\(items.count)" : inboxCount(page.total, cap)
                    let overdue = whole && page.overdue > cap ? "\(items.filter { $0.isOverdue(at: now) }.count)" : inboxCount(page.overdue, cap)
                    let more = whole ? "" : " (the first \(items.count) shown: --limit 0 for all)"
                    Console.out(Console.dim("\(total) item\(total == "1" ? "" : "s")\(page.overdue == 0 ? "" : ", \(overdue) overdue")\(more)."))
                }
            }
        }

        struct Import: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Read items from another tool's export: JSON Lines (one item per line) or CSV, all or nothing.",
                discussion: """
                Fields (JSON keys, or CSV columns): network, channel, kind (comment, mention, message, review), id (the \
                network's id), author {handle, name, followers} (CSV: author_handle, author_name, author_followers), text, \
                url, created_at (ISO 8601), in_reply_to (a Herald post id or a network id), location, language.
                Every problem is listed as FILE:LINE:FIELD and nothing is stored unless every item is valid. An item already \
                stored (the same network id) is left alone, so importing the same export again changes nothing.
                Examples:
                  herald inbox import mentions.jsonl
                  herald inbox import reviews.csv --dry-run
                """)

            @Argument(help: ArgumentHelp("The file: .jsonl/.json (JSON Lines) or .csv.", valueName: "file")) var file: String
            @Option(help: ArgumentHelp("jsonl or csv (default: from the file's ending).", valueName: "format")) var format: String?
            @Flag(name: .customLong("dry-run"), help: "Check the file; store nothing.") var dryRun = false
            @OptionGroup var location: LocationOptions
            @OptionGroup var clockOptions: ClockOptions

            func validate() throws {
                if let format, !["jsonl", "csv"].contains(format) { throw ValidationError("--format '\(format)' is not jsonl or csv.") }
            }

            func run() async throws {
                try await withExitCodes {
                    let ws = try location.openWorkspace(printWarnings: false)
                    let csv = format.map { $0 == "csv" } ?? file.lowercased().hasSuffix(".csv")
                    // JSON Lines are streamed from the file (memory stays flat); CSV is read whole.
                    let r = try ws.importInbox(path: file, file: file, csv: csv, now: clockOptions.now, dryRun: dryRun)
                    let n = dryRun ? r.valid : r.stored
                    let plural = { (k: Int) in k == 1 ? "" : "s" }
                    Console.out("\(dryRun ? "Would import" : "Imported") \(n) item\(plural(n)) from \(file)\(r.duplicates == 0 ? "" : "; \(r.duplicates) already there, unchanged").")
                    let unassigned = r.unassigned
                    if unassigned > 0 { Console.out("\(unassigned) item\(plural(unassigned)) found nobody to answer; `herald inbox assign ID --to P`.") }
                    if dryRun { Console.out("Dry run: nothing was stored.") }
                }
            }
        }

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "One item: who wrote what, where, what it answers, its labels and why, who has it and by when.",
                discussion: "Example: herald inbox show m-1a2b3c4d5e")

            @Argument(help: ArgumentHelp("The item's id.", valueName: "id")) var id: String
            @OptionGroup var output: OutputOptions
            @OptionGroup var location: LocationOptions
            @OptionGroup var clockOptions: ClockOptions

            func run() async throws {
                try await withExitCodes {
                    let ws = try location.openWorkspace(printWarnings: false)
                    let i = try ws.inboxItem(id)
                    let now = clockOptions.now
                    if output.json { return try Console.json(InboxItemJSON(i, now: now)) }
                    let who = [i.authorName, i.authorHandle].compactMap { $0 }.joined(separator: " ") + (i.authorFollowers.map { " (\($0) followers)" } ?? "")
                    Console.out(Console.bold("\(i.id)  \(i.kind.rawValue) on \(i.channel) (\(i.network.rawValue))"))
                    Console.out("from:      \(who)")
                    Console.out("written:   \(ws.clock.isoLocal(i.createdAt))\(i.location.map { ", \($0)" } ?? "")")
                    if let url = i.url { Console.out("url:       \(url)") }
                    if let r = i.inReplyTo {
                        let post = r.hasPrefix("p-") ? (try? ws.post(r)) : nil
                        Console.out("answers:   \(r)\(post.map { " — \($0.channel) \(ws.clock.isoLocal($0.scheduledAt)): \(excerpt($0.body ?? $0.topic ?? "", 60))" } ?? "")")
                    }
                    let status = i.isOverdue(at: now) ? "\(i.status.rawValue), overdue" : i.status.rawValue
                    Console.out("status:    \(status)\(i.closeReason.map { " (\($0.rawValue))" } ?? "")")
                    Console.out("owner:     \(i.owner.flatMap { ws.strategy.participant($0)?.name } ?? i.owner ?? "nobody")\(i.note.map { " — \($0)" } ?? "")")
                    if let d = i.deadline { Console.out("deadline:  \(ws.clock.isoLocal(d))") }
                    if let f = i.firstReplyAt { Console.out("answered:  \(ws.clock.isoLocal(f))") }
                    for r in try ws.replies(item: i.id) {
                        let who = ws.strategy.participant(r.replier)?.name ?? r.replier
                        let state = r.status == .awaitingApproval ? "awaiting approval by \(r.approvalNeeded ?? "another participant")" : r.status.rawValue
                        Console.out("reply:     \(r.id) by \(who), \(state)\(r.sentAt.map { " at \(ws.clock.isoLocal($0))" } ?? ""): \(excerpt(r.body, 60))")
                    }
                    let l = i.labels
                    var labels: [String] = []
                    if let x = l.language { labels.append("language \(x)") }
                    if let x = l.sentiment { labels.append("sentiment \(x.rawValue)") }
                    if let x = l.intent { labels.append("intent \(x.rawValue)") }
                    if let x = l.topic { labels.append("topic \(x)") }
                    if l.spam { labels.append("spam") }
                    Console.out("labels:    \(labels.isEmpty ? "none yet" : labels.joined(separator: ", "))")
                    for (k, why) in l.reasons.sorted(by: { $0.key < $1.key }) {
                        Console.out("  \(k): \(why)\(l.corrected.contains(k) ? " (corrected by a person)" : "")")
                    }
                    Console.out("")
                    Console.out(visible(i.text))
                }
            }
        }

        struct Assign: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Hand an item to a person.",
                discussion: "Example: herald inbox assign m-1a2b3c4d5e --to lena")

            @Argument(help: ArgumentHelp("The item's id.", valueName: "id")) var id: String
            @Option(help: ArgumentHelp("Who answers it (a participant's id or name).", valueName: "person")) var to: String
            @OptionGroup var location: LocationOptions
            @OptionGroup var clockOptions: ClockOptions

            func validate() throws { try validatePersonName(to, option: "--to") }

            func run() async throws {
                try await withExitCodes {
                    let ws = try location.openWorkspace(printWarnings: false)
                    let p = try participant(named: to, option: "--to", in: ws.strategy)
                    let item = try ws.inboxItem(id)
                    if !p.channels.contains(item.channel) {
                        Console.error("note: \(p.name) does not cover \(item.channel) in the strategy; assigned all the same.")
                    }
                    let now = clockOptions.now
                    let updated = try ws.updateInbox(id, event: .assign, now: now) { i in
                        var i = i
                        i.owner = p.id
                        i.note = "assigned to \(p.name) by hand on \(now.isoUTC)"
                        return i
                    }
                    Console.out("Assigned \(updated.id) to \(p.name).")
                }
            }
        }

        struct Close: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Close an item that needs no reply from Herald: spam, no-reply-needed or answered-elsewhere.",
                discussion: "Example: herald inbox close m-1a2b3c4d5e --reason spam --as anna")

            @Argument(help: ArgumentHelp("The item's id.", valueName: "id")) var id: String
            @Option(help: ArgumentHelp("spam, no-reply-needed or answered-elsewhere.", valueName: "reason")) var reason: String
            @Option(name: .customLong("as"), help: ArgumentHelp("Who closes it (a participant's id or name).", valueName: "person"))
            var person: String
            @OptionGroup var location: LocationOptions
            @OptionGroup var clockOptions: ClockOptions

            func validate() throws {
                if InboxCloseReason(rawValue: reason) == nil {
                    throw ValidationError("--reason '\(reason)' is not one of \(InboxCloseReason.allCases.map(\.rawValue).joined(separator: ", ")).")
                }
                try validatePersonName(person, option: "--as")
            }

            func run() async throws {
                try await withExitCodes {
                    let ws = try location.openWorkspace(printWarnings: false)
                    let p = try participant(named: person, option: "--as", in: ws.strategy)
                    let why = InboxCloseReason(rawValue: reason)!
                    let now = clockOptions.now
                    let updated = try ws.updateInbox(id, event: .close(why), now: now) { i in
                        var i = i
                        i.closeReason = why
                        i.note = "closed (\(why.rawValue)) by \(p.name) on \(now.isoUTC)"
                        return i
                    }
                    Console.out("Closed \(updated.id) (\(why.rawValue)).")
                }
            }
        }

        struct Reopen: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Open a closed or answered item again, for its owner (or --to someone else).",
                discussion: "Example: herald inbox reopen m-1a2b3c4d5e --as anna")

            @Argument(help: ArgumentHelp("The item's id.", valueName: "id")) var id: String
            @Option(name: .customLong("as"), help: ArgumentHelp("Who reopens it.", valueName: "person")) var person: String
            @Option(help: ArgumentHelp("Who answers it now (default: its owner, else you).", valueName: "person")) var to: String?
            @OptionGroup var location: LocationOptions
            @OptionGroup var clockOptions: ClockOptions

            func validate() throws {
                try validatePersonName(person, option: "--as")
                try validatePersonName(to, option: "--to")
            }

            func run() async throws {
                try await withExitCodes {
                    let ws = try location.openWorkspace(printWarnings: false)
                    let me = try participant(named: person, option: "--as", in: ws.strategy)
                    let target = try to.map { try participant(named: $0, option: "--to", in: ws.strategy) }
                    let now = clockOptions.now
                    let updated = try ws.updateInbox(id, event: .reopen, now: now) { i in
                        var i = i
                        i.owner = target?.id ?? i.owner ?? me.id
                        i.closeReason = nil
                        i.note = "reopened by \(me.name) on \(now.isoUTC)"
                        return i
                    }
                    Console.out("Reopened \(updated.id) for \(updated.owner.flatMap { ws.strategy.participant($0)?.name } ?? "nobody").")
                }
            }
        }
    }
}

extension Herald.Inbox {
    struct Label: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Correct how an item was sorted; the correction is kept and counts in the statistics.",
            discussion: "Example: herald inbox label m-1a2b3c4d5e --intent complaint --sentiment negative --as anna")

        @Argument(help: ArgumentHelp("The item's id.", valueName: "id")) var id: String
        @Option(help: ArgumentHelp("en, pl, de, nl or ru.", valueName: "code")) var language: String?
        @Option(help: ArgumentHelp("negative, neutral or positive.", valueName: "sentiment")) var sentiment: String?
        @Option(help: ArgumentHelp("question, complaint, praise or other.", valueName: "intent")) var intent: String?
        @Option(help: ArgumentHelp("A topic of the strategy (or any word).", valueName: "topic")) var topic: String?
        @Flag(inversion: .prefixedNo, help: "Mark it as spam, or not.") var spam: Bool?
        @Option(name: .customLong("as"), help: ArgumentHelp("Who corrects it.", valueName: "person")) var person: String
        @OptionGroup var location: LocationOptions
        @OptionGroup var clockOptions: ClockOptions

        func validate() throws {
            if language == nil, sentiment == nil, intent == nil, topic == nil, spam == nil {
                throw ValidationError("say what to correct: --language, --sentiment, --intent, --topic or --spam/--no-spam.")
            }
            if let language, !["en", "pl", "de", "nl", "ru"].contains(language) { throw ValidationError("--language '\(language)' is not en, pl, de, nl or ru.") }
            if let sentiment, Sentiment(rawValue: sentiment) == nil { throw ValidationError("--sentiment '\(sentiment)' is not negative, neutral or positive.") }
            if let intent, Intent(rawValue: intent) == nil { throw ValidationError("--intent '\(intent)' is not question, complaint, praise or other.") }
            if let topic, let p = PlainText.problem(in: topic, field: "topic") { throw ValidationError("--topic: \(p)") }
            try validatePersonName(person, option: "--as")
        }

        func run() async throws {
            try await withExitCodes {
                let ws = try location.openWorkspace(printWarnings: false)
                let p = try participant(named: person, option: "--as", in: ws.strategy)
                let (language, sentiment, intent, topic, spam) = (self.language, self.sentiment.flatMap(Sentiment.init), self.intent.flatMap(Intent.init), self.topic, self.spam)
                let updated = try ws.updateInbox(id, event: nil, now: clockOptions.now) { i in
                    var i = i
                    var changed: [String] = []
                    if let language { i.labels.language = language; changed.append("language") }
                    if let sentiment { i.labels.sentiment = sentiment; changed.append("sentiment") }
                    if let intent { i.labels.intent = intent; changed.append("intent") }
                    if let topic { i.labels.topic = topic; changed.append("topic") }
                    if let spam { i.labels.spam = spam; changed.append("spam") }
                    for k in changed { i.labels.reasons[k] = "set by \(p.name)" }
                    i.labels.corrected = Array(Set(i.labels.corrected).union(changed)).sorted()
                    return i
                }
                let l = updated.labels
                let shown = [l.language.map { "language \($0)" }, l.sentiment.map { "sentiment \($0.rawValue)" },
                             l.intent.map { "intent \($0.rawValue)" }, l.topic.map { "topic \($0)" }, l.spam ? "spam" : nil].compactMap { $0 }
                Console.out("Labelled \(updated.id): \(shown.joined(separator: ", ")).")
            }
        }
    }

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "What came in over a period, grouped by topic, sentiment, intent, location, channel or owner.",
            discussion: """
            Per group: items, open, overdue, answered, closed, and the share answered or closed. Labels a person \
            corrected count as corrected.
            Example: herald inbox stats 2027-Q1 --by sentiment
            """)

        @OptionGroup var periodOptions: PeriodOptions
        @Option(help: ArgumentHelp("topic, sentiment, intent, location, channel, owner, kind or language.", valueName: "label")) var by = "channel"
        @OptionGroup var output: OutputOptions
        @OptionGroup var location: LocationOptions
        @OptionGroup var clockOptions: ClockOptions

        static let groupings = ["topic", "sentiment", "intent", "location", "channel", "owner", "kind", "language"]

        func validate() throws {
            if !Self.groupings.contains(by) { throw ValidationError("--by '\(by)' is not one of \(Self.groupings.joined(separator: ", ")).") }
        }

        struct Row: Encodable {
            var group: String
            var items, open, overdue, answered, closed: Int
            var handled_share: Double
        }

        func run() async throws {
            try await withExitCodes {
                let ws = try location.openWorkspace(printWarnings: false)
                let range = try periodOptions.range(in: ws)
                let bounds = ws.instants(range)
                let now = clockOptions.now
                let items = try ws.inboxItems(InboxQuery(statuses: InboxStatus.allCases, from: bounds.from, to: bounds.to))
                func key(_ i: InboxItem) -> String {
                    let value: String? = switch by {
                    case "topic": i.labels.topic
                    case "sentiment": i.labels.sentiment?.rawValue
                    case "intent": i.labels.intent?.rawValue
                    case "location": i.location
                    case "owner": i.owner
                    case "kind": i.kind.rawValue
                    case "language": i.labels.language
                    default: i.channel
                    }
                    return value ?? "(none)"
                }
                let rows = Dictionary(grouping: items, by: key).map { group, list in
                    let answered = list.filter { $0.status == .answered }.count, closed = list.filter { $0.status == .closed }.count
                    return Row(group: group, items: list.count, open: list.filter { $0.status.isOpen }.count,
                               overdue: list.filter { $0.isOverdue(at: now) }.count, answered: answered, closed: closed,
                               handled_share: Double(answered + closed) / Double(list.count))
                }.sorted { ($0.items, $1.group) > ($1.items, $0.group) }
                if output.json { return try Console.json(rows) }
                guard !items.isEmpty else {
                    Console.out("Nothing came in from \(range.start) to \(range.end).")
                    return
                }
                var t = Table(by, "items", "open", "overdue", "answered", "closed", "handled")
                for r in rows {
                    t.add(r.group, "\(r.items)", "\(r.open)", "\(r.overdue)", "\(r.answered)", "\(r.closed)", "\(Int((r.handled_share * 100).rounded()))%")
                }
                Console.out(t.rendered)
                Console.out(Console.dim("\(items.count) items from \(range.start) to \(range.end)."))
            }
        }
    }
}

/// Text as received may hold control characters (it is stored exactly): on a terminal they are shown as their visible
/// symbols (␀, ␛, …) so they cannot move the cursor or hide text. Tabs and line breaks stay.
func visible(_ text: String) -> String {
    var out = String.UnicodeScalarView()
    for s in text.unicodeScalars {
        switch s.value {
        case 0x09, 0x0A, 0x0D: out.append(s)
        case 0x00...0x1F: out.append(Unicode.Scalar(0x2400 + s.value)!)
        case 0x7F: out.append("\u{2421}")
        case 0x80...0x9F: out.append("\u{FFFD}")
        default: out.append(s)
        }
    }
    return String(out)
}

/// The first `n` characters of a text on one line.
/// An inbox count as the count line and `herald status` say it: past `cap`, "more than 10,000".
func inboxCount(_ n: Int, _ cap: Int = Store.inboxCountCap) -> String {
    guard n > cap else { return "\(n)" }
    var digits = String(cap), grouped = ""
    while digits.count > 3 { grouped = "," + digits.suffix(3) + grouped; digits.removeLast(3) }
    return "more than " + digits + grouped
}

func excerpt(_ text: String, _ n: Int) -> String {
    let flat = visible(text).split(whereSeparator: \.isNewline).joined(separator: " ")
    return flat.count > n ? String(flat.prefix(n - 1)).trimmingCharacters(in: .whitespaces) + "…" : flat
}

/// An inbox item as `--json` prints it.
struct InboxItemJSON: Encodable {
    var id, status, channel, network, kind, text, source: String
    var overdue: Bool
    var deadline, owner, close_reason, in_reply_to, url, location, network_item_id, first_reply_at: String?
    var author: [String: String]
    var author_followers: Int?
    var labels: InboxLabels
    var created_at, received_at: String

    init(_ i: InboxItem, now: Date) {
        id = i.id; status = i.status.rawValue; channel = i.channel; network = i.network.rawValue; kind = i.kind.rawValue
        text = i.text; source = i.source; overdue = i.isOverdue(at: now); deadline = i.deadline?.isoUTC; owner = i.owner
        close_reason = i.closeReason?.rawValue; in_reply_to = i.inReplyTo; url = i.url; location = i.location
        network_item_id = i.networkItemID; first_reply_at = i.firstReplyAt?.isoUTC
        author = ["handle": i.authorHandle].merging(i.authorName.map { ["name": $0] } ?? [:]) { a, _ in a }
        author_followers = i.authorFollowers; labels = i.labels
        created_at = i.createdAt.isoUTC; received_at = i.receivedAt.isoUTC
    }
}
