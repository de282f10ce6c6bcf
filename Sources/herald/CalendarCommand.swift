import ArgumentParser
import Foundation
import HeraldModel
import HeraldPlanner
import HeraldStore
import HeraldWorkspace

/// Filters shared by listings of posts.
struct PostFilterOptions: ParsableArguments {
    @Option(name: .customLong("channel"), help: ArgumentHelp("Only this channel (repeatable).", valueName: "id"))
    var channels: [String] = []
    @Option(help: ArgumentHelp("Only posts owned by this participant (id or name; case and accents do not matter).", valueName: "person"))
    var owner: String?
    @Option(name: .customLong("kind"), help: ArgumentHelp("Only this kind: informational, engagement, social-proof, contest, discount, crisis (repeatable).", valueName: "kind"))
    var kinds: [String] = []
    @Option(name: .customLong("status"), help: ArgumentHelp("Only this status: planned, drafted, approved, published, paused, cancelled, expired, failed (repeatable).", valueName: "status"))
    var statuses: [String] = []
    @Option(help: ArgumentHelp("Only this campaign.", valueName: "id"))
    var campaign: String?

    func validate() throws {
        for k in kinds where ContentKind(rawValue: k) == nil {
            throw ValidationError("unknown kind '\(k)'; use \(ContentKind.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        for s in statuses where PostStatus(rawValue: s) == nil {
            throw ValidationError("unknown status '\(s)'; use \(PostStatus.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        try validatePersonName(owner, option: "--owner")
    }

    /// Checks ids against the strategy so a typo is not an empty listing; the owner, named by id or name, becomes
    /// the participant's id.
    func checked(against s: Strategy) throws -> PostFilterOptions {
        for c in channels where s.channel(c) == nil {
            throw CLIError("no channel '\(c)' in the strategy (known: \(s.channels.map(\.id).joined(separator: ", "))).", exitCode: 65)
        }
        var resolved = self
        if let owner { resolved.owner = try participant(named: owner, option: "--owner", in: s).id }
        return resolved
    }

    func query(from: Date?, to: Date?) -> PostQuery {
        PostQuery(from: from, to: to, channels: channels.isEmpty ? nil : channels, owner: owner,
                  kinds: kinds.isEmpty ? nil : kinds.compactMap(ContentKind.init(rawValue:)),
                  statuses: statuses.isEmpty ? nil : statuses.compactMap(PostStatus.init(rawValue:)), campaign: campaign)
    }
}

extension Herald {
    struct Calendar: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the stored plan: an agenda grouped by day, or a month grid.",
            discussion: """
            JSON fields: id, channel, network, kind, step, campaign, goal, owner, topic, body, scheduled_at (UTC), \
            local_time (with offset), status, idempotency_key, source, locked, variant, media (web addresses), approved_by, approved_at (UTC; null until approved).
            Examples:
              herald calendar --month 2027-02
              herald calendar 2027-Q1 --channel facebook --owner anna --kind contest
              herald calendar --json
            """)

        @OptionGroup var periodOptions: PeriodOptions
        @Option(help: ArgumentHelp("Show one month as a grid (YYYY-MM).", valueName: "month"))
        var month: String?
        @OptionGroup var filter: PostFilterOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var location: LocationOptions

        func validate() throws {
            if let month, month.count != 7 || PeriodName.parse(month) == nil {
                throw ValidationError("--month '\(month)' is not a month like 2027-02.")
            }
        }

        func run() async throws {
            try await withExitCodes {
                let ws = try location.openWorkspace(printWarnings: false)
                let filter = try self.filter.checked(against: ws.strategy)
                let range: DateRange? = if let month { PeriodName.parse(month) } else if periodOptions.period != nil || periodOptions.from != nil {
                    try periodOptions.range(in: ws)
                } else { ws.strategy.period }
                let bounds = range.map(ws.instants)
                let posts = try ws.posts(filter.query(from: bounds?.from, to: bounds?.to))
                if output.json { return try Console.json(posts.map { PostJSON($0, clock: ws.clock) }) }
                if let month, let range {
                    let marks = (try? ws.calendarDays(range)) ?? CalendarDays()
                    Console.out(MonthGrid(month: range, posts: posts, clock: ws.clock, marks: marks).rendered(title: month))
                } else {
                    printAgenda(posts, ws, range: range)
                }
            }
        }

        func printAgenda(_ posts: [Post], _ ws: Workspace, range: DateRange?) {
            guard !posts.isEmpty else {
                // The period asked for (or, without one, the strategy's).
                let shown = range.map { " in \($0.start) – \($0.end)" } ?? ""
                Console.out("No posts\(shown). Run `herald plan` to build the calendar.")
                return
            }
            let clock = ws.clock
            var current: LocalDate?
            for p in posts {
                let l = clock.local(p.scheduledAt)
                if l.date != current {
                    if current != nil { Console.out("") }
                    Console.out(Console.bold("\(l.date.weekday.fullName.prefix(3)) \(l.date)"))
                    current = l.date
                }
                Console.out("  " + agendaLine(p, ws))
            }
            Console.out("")
            let byStatus = Dictionary(grouping: posts, by: \.status).map { "\($0.value.count) \($0.key.rawValue)" }.sorted()
            Console.out(Console.dim("\(posts.count) posts: \(byStatus.joined(separator: ", "))."))
        }
    }
}

/// `08:30  facebook   contest/announce  Latte art  Anna  planned  p-1a2b3c4d`
func agendaLine(_ p: Post, _ ws: Workspace) -> String {
    let l = ws.clock.local(p.scheduledAt)
    let kind = p.kind.rawValue + (p.step.map { "/\($0.rawValue)" } ?? "")
    let what = p.campaign.flatMap { ws.strategy.campaign($0)?.name } ?? p.topic ?? ""
    let owner = p.owner.flatMap { ws.strategy.participant($0)?.firstName } ?? Console.yellow("no owner")
    let status = p.status == .planned ? p.status.rawValue : Console.bold(p.status.rawValue)
    let lock = p.locked ? " 🔒" : ""
    func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
    return "\(l.time)  \(pad(p.channel, 10)) \(pad(kind, 22)) \(pad(what.count > 40 ? String(what.prefix(39)).trimmingCharacters(in: .whitespaces) + "…" : what, 40)) \(pad(owner, 8)) \(pad(status, 9)) \(p.id)\(lock)"
}

/// A month as a 7-column grid, Monday first; each day lists its posts as `HH:MM chan kind`.
struct MonthGrid {
    let month: DateRange
    let posts: [Post]
    let clock: ZoneClock
    let marks: CalendarDays
    let width = 16
    let perCell = 4

    static func abbreviation(_ k: ContentKind) -> String {
        switch k {
        case .informational: "info"
        case .engagement: "engage"
        case .socialProof: "proof"
        case .contest: "CONTEST"
        case .discount: "DISCOUNT"
        case .crisis: "CRISIS"
        }
    }

    /// Two-letter codes for the channels in the grid (`fa` for facebook), unique even when two ids share a start.
    static func channelCodes(_ channels: [String]) -> [String: String] {
        var codes: [String: String] = [:], taken: Set<String> = []
        for id in Set(channels).sorted() {
            var code = String(id.prefix(2))
            var n = 2
            while taken.contains(code) { code = String(id.prefix(1)) + String(n); n += 1 }
            codes[id] = code
            taken.insert(code)
        }
        return codes
    }

    func rendered(title: String) -> String {
        let codes = Self.channelCodes(posts.map(\.channel))
        let byDay = Dictionary(grouping: posts, by: { clock.localDate($0.scheduledAt) })
        let line = "+" + String(repeating: String(repeating: "-", count: width) + "+", count: 7)
        var out = [title + "  (" + String(posts.count) + " posts)", line]
        out.append("|" + Weekday.allCases.map { cell($0.fullName.prefix(3).description) }.joined(separator: "|") + "|")
        out.append(line)
        var week = month.start.startOfWeek
        while week <= month.end {
            let busiest = (0..<7).map { byDay[week.adding(days: $0)]?.count ?? 0 }.max() ?? 0
            let lines = max(1, min(perCell, busiest))
            var rows = [[String]](repeating: [], count: lines + 1)
            for i in 0..<7 {
                let d = week.adding(days: i)
                let inMonth = month.contains(d)
                var flag = ""
                if marks.isBlackout(d) { flag = " no posts" } else if marks.isNoPromo(d) { flag = " no promo" }
                rows[0].append(cell(inMonth ? "\(d.day)\(flag)" : ""))
                let list = inMonth ? (byDay[d] ?? []) : []
                for r in 0..<lines {
                    if r == lines - 1, list.count > lines {
                        rows[r + 1].append(cell("+\(list.count - lines + 1) more"))
                    } else if r < list.count {
                        let p = list[r]
                        rows[r + 1].append(cell("\(clock.local(p.scheduledAt).time) \(codes[p.channel] ?? "") \(Self.abbreviation(p.kind))"))
                    } else {
                        rows[r + 1].append(cell(""))
                    }
                }
            }
            for r in rows { out.append("|" + r.joined(separator: "|") + "|") }
            out.append(line)
            week = week.adding(days: 7)
        }
        if !codes.isEmpty {
            out.append("Channels: " + codes.sorted { $0.value < $1.value }.map { "\($0.value) = \($0.key)" }.joined(separator: ", ")
                       + ". Kinds: info, engage, proof, CONTEST, DISCOUNT, CRISIS.")
        }
        return out.joined(separator: "\n")
    }

    func cell(_ s: String) -> String {
        let t = s.count > width ? String(s.prefix(width)) : s
        return t + String(repeating: " ", count: width - t.count)
    }
}
