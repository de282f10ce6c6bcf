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
    @Option(help: ArgumentHelp("Only posts owned by this participant.", valueName: "id"))
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
    }

    /// Checks ids against the strategy so a typo is not an empty listing.
    func check(against s: Strategy) throws {
        for c in channels where s.channel(c) == nil {
            throw CLIError("no channel '\(c)' in the strategy (known: \(s.channels.map(\.id).joined(separator: ", "))).", exitCode: 65)
        }
        if let owner, s.participant(owner) == nil {
            throw CLIError("no participant '\(owner)' in the strategy (known: \(s.participants.map(\.id).joined(separator: ", "))).", exitCode: 65)
        }
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
            local_time (with offset), status, idempotency_key, source, locked, variant, media (web addresses).
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
                try filter.check(against: ws.strategy)
                let range: DateRange? = if let month { PeriodName.parse(month) } else if periodOptions.period != nil || periodOptions.from != nil {
                    try periodOptions.range(in: ws)
                } else { ws.strategy.period }
                let bounds = range.map(ws.instants)
                let posts = try ws.store.posts(filter.query(from: bounds?.from, to: bounds?.to))
                if output.json { return try Console.json(posts.map { PostJSON($0, clock: ws.clock) }) }
                if let month, let range {
                    let marks = (try? ws.calendarDays(range)) ?? CalendarDays()
                    Console.out(MonthGrid(month: range, posts: posts, clock: ws.clock, marks: marks).rendered(title: month))
                } else {
                    printAgenda(posts, ws)
                }
            }
        }

        func printAgenda(_ posts: [Post], _ ws: Workspace) {
            guard !posts.isEmpty else {
                Console.out("No posts\(range(ws)). Run `herald plan` to build the calendar.")
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

        func range(_ ws: Workspace) -> String { ws.strategy.period.map { " in \($0.start) – \($0.end)" } ?? "" }
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
    return "\(l.time)  \(pad(p.channel, 10)) \(pad(kind, 22)) \(pad(String(what.prefix(40)), 40)) \(pad(owner, 8)) \(pad(status, 9)) \(p.id)\(lock)"
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

    func rendered(title: String) -> String {
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
                        rows[r + 1].append(cell("\(clock.local(p.scheduledAt).time) \(p.channel.prefix(2)) \(Self.abbreviation(p.kind))"))
                    } else {
                        rows[r + 1].append(cell(""))
                    }
                }
            }
            for r in rows { out.append("|" + r.joined(separator: "|") + "|") }
            out.append(line)
            week = week.adding(days: 7)
        }
        return out.joined(separator: "\n")
    }

    func cell(_ s: String) -> String {
        let t = s.count > width ? String(s.prefix(width)) : s
        return t + String(repeating: " ", count: width - t.count)
    }
}
