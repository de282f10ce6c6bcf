import ArgumentParser
import Foundation
import HeraldModel
import HeraldPlanner
import HeraldResults
import HeraldStore
import HeraldWorkspace

/// `--from`/`--to` or a period name, shared by commands that work on a span of days.
struct PeriodOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("A quarter (2027-Q1), a month (2027-03) or a year. Default: the strategy's period.", valueName: "period"))
    var period: String?

    @Option(help: ArgumentHelp("First day (YYYY-MM-DD), with --to.", valueName: "date"))
    var from: String?

    @Option(help: ArgumentHelp("Last day (YYYY-MM-DD), with --from.", valueName: "date"))
    var to: String?

    func validate() throws {
        if (from == nil) != (to == nil) { throw ValidationError("give both --from and --to, e.g. --from 2027-01-01 --to 2027-03-31.") }
        if let from, LocalDate(iso: from) == nil { throw ValidationError("--from '\(from)' is not a date like 2027-01-31.") }
        if let to, LocalDate(iso: to) == nil { throw ValidationError("--to '\(to)' is not a date like 2027-03-31.") }
        if let from, let to, let a = LocalDate(iso: from), let b = LocalDate(iso: to), a > b {
            throw ValidationError("--from \(from) is after --to \(to).")
        }
        if let period, PeriodName.parse(period) == nil {
            throw ValidationError("'\(period)' is not a period; use a quarter like 2027-Q1, a month like 2027-03, or a year like 2027.")
        }
        if period != nil, from != nil { throw ValidationError("give a period name or --from/--to, not both.") }
    }

    func range(in workspace: Workspace) throws -> DateRange {
        try workspace.period(named: period, from: from.flatMap(LocalDate.init(iso:)), to: to.flatMap(LocalDate.init(iso:)))
    }
}

extension Herald {
    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Build the calendar for a period: a balanced, rule-abiding plan with owners.",
            discussion: """
            Re-planning keeps posts that are locked, drafted, approved, queued or published, and keeps the stored \
            `planned` ones as they are unless a rule forces a change; it prints every post it adds, removes, moves or \
            changes with the rule that forced it (--dry-run: before storing anything), and a second run changes \
            nothing. --fresh plans from scratch instead. \
            When the rules cannot all be met it exits 65 and says which rule, which channel and what would fix it.
            Examples:
              herald plan 2027-Q1
              herald plan 2027-03 --dry-run
              herald plan --from 2027-01-01 --to 2027-03-31 --explain
              herald plan 2027-Q2 --suggest

            --suggest plans nothing and stores nothing: from the results of the posts published before the period \
            (`herald results import`), it proposes moving mix shares (at most --step percentage points) towards the \
            kinds that served each goal better, and swapping a channel's weakest time slot for a better one seen in \
            the data. Each proposal shows its evidence; only a finding (at least 8 posts a side, non-overlapping 95% \
            intervals) justifies one. It writes the proposed strategy to -o FILE (default: strategy.suggested.yaml \
            beside the strategy), changing only the lines concerned, and prints the diff; the strategy file itself is \
            never changed. With too little data it says what is missing, proposes nothing and writes nothing (exit 0).
            """)

        @OptionGroup var periodOptions: PeriodOptions
        @Flag(help: "Also print the plan's quality: mix per channel vs target, spacing, loads, goals, observances.")
        var explain = false
        @Flag(name: .customLong("dry-run"), help: "Show the plan; store nothing.")
        var dryRun = false
        @Flag(help: "Plan from scratch: ignore the stored plan's choices (kinds, owners, topics, times) instead of changing only what a rule forces.")
        var fresh = false
        @Option(help: "Seed for template variants and tie-breaks; the same seed gives the same plan.")
        var seed: UInt64 = 1
        @Flag(help: "Plan nothing: propose changes to the mix and time slots for the period from earlier results, written to -o FILE with a diff (see above).")
        var suggest = false
        @Option(help: ArgumentHelp("With --suggest: the most a mix share may move, in percentage points (1–25; default 5).", valueName: "points"))
        var step: Double?
        @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("With --suggest: where to write the proposed strategy (default: strategy.suggested.yaml beside the strategy; never the strategy itself).", valueName: "file"))
        var output: String?
        @Flag(name: .customLong("json"), help: "With --suggest: print the proposals and their evidence as JSON.")
        var json = false
        @OptionGroup var location: LocationOptions
        @OptionGroup var clockOptions: ClockOptions

        func validate() throws {
            if !suggest {
                if step != nil { throw ValidationError("--step goes with --suggest, e.g. herald plan 2027-Q2 --suggest --step 5.") }
                if output != nil { throw ValidationError("-o goes with --suggest (plan stores the plan; herald export writes it to a file).") }
                if json { throw ValidationError("--json goes with --suggest; for the plan as JSON use herald calendar --json.") }
                return
            }
            if dryRun || fresh || explain {
                throw ValidationError("--suggest plans nothing, so --dry-run, --fresh and --explain do not go with it; drop them.")
            }
            if let step, !(step.isFinite && Suggestions.stepRange.contains(step)) {
                throw ValidationError("--step \(Rollup.format(step)) is out of range: give 1 to 25 percentage points (default 5).")
            }
            if output?.isEmpty == true { throw ValidationError("-o is empty; name a file, e.g. -o strategy.suggested.yaml.") }
        }

        func run() async throws {
            try await withExitCodes {
                let ws = try location.openWorkspace()
                let period = try periodOptions.range(in: ws)
                if suggest {
                    return try SuggestRun(ws: ws, next: period, periodName: periodOptions.period, step: step ?? Suggestions.defaultStep,
                                          output: output, json: json, database: location.databasePath).run()
                }
                let now = clockOptions.now
                let today = ws.clock.local(now)
                let label = periodOptions.period.map { "\($0.uppercased()) (\(period.start) – \(period.end))" } ?? "\(period.start) – \(period.end)"
                if today.date > period.end {
                    throw CLIError("""
                        \(label) is past (it is \(today.date) \(today.time) in \(ws.strategy.timeZone)): Herald never plans the past, \
                        so nothing was planned or changed. Name a period from today on, e.g. herald plan \(String(today.date.iso.prefix(7))).
                        """)
                }
                let outcome = try ws.plan(period, seed: seed, now: now, dryRun: dryRun, fresh: fresh)
                var hint = location.strategy.map { " -s \($0)" } ?? ""
                if let db = location.db { hint += " --db \(PostgresAddress.redact(db))" }
                let printer = PlanPrinter(workspace: ws, plan: outcome.plan, stored: outcome.stored, locationHint: hint)
                if ws.clock.instant(period.start, LocalTime(hour: 0, minute: 0)!) < now {
                    Console.out("The period has begun: planning from \(today.date) \(today.time) on (the earlier days are past and left as they are).")
                }
                printer.printSummary(periodName: periodOptions.period, dryRun: dryRun)
                if explain { PlanPrinter(workspace: ws, plan: outcome.plan, stored: outcome.stored, locationHint: "").printExplain() }
            }
        }
    }
}

/// Prints a plan for people.
struct PlanPrinter {
    let workspace: Workspace
    let plan: HeraldPlanner.Plan
    /// The period as stored after the plan (as it would be, for a dry run): the summary's counts come from here.
    let stored: PlanTotals
    /// `-s FILE --db FILE` when they were given, so the suggested next commands work as typed.
    let locationHint: String

    var clock: ZoneClock { workspace.clock }

    func day(_ p: Post) -> String {
        let l = clock.local(p.scheduledAt)
        return "\(l.date) \(l.date.weekday.shortName) \(l.time)"
    }

    func because(_ reason: String?) -> String { reason.map { "  (\($0))" } ?? "" }

    /// The owner part of a change's reason, in a form that groups: "sofia is no longer a participant", "weekly capacity".
    func ownerReason(_ reason: String?, from owner: String?) -> String {
        let part = reason?.components(separatedBy: "; ").first { $0.hasPrefix("owner: ") }.map { String($0.dropFirst(7)) } ?? ""
        if part.contains("is at capacity") { return "of weekly capacity" }
        if part.contains(" is off on ") { return "\(owner ?? "the owner") is off" }
        return part.isEmpty ? "the rules changed" : part
    }

    /// What differs between a stored post and the one replacing it, time aside.
    func differences(_ a: Post, _ b: Post) -> String {
        var out: [String] = []
        if a.kind != b.kind { out.append("kind \(a.kind.rawValue) → \(b.kind.rawValue)") }
        if a.campaign != b.campaign || a.step != b.step {
            out.append("campaign \(a.campaign ?? "none")/\(a.step?.rawValue ?? "-") → \(b.campaign ?? "none")/\(b.step?.rawValue ?? "-")")
        }
        if a.owner != b.owner { out.append("owner \(a.owner ?? "nobody") → \(b.owner ?? "nobody")") }
        if a.goal != b.goal { out.append("goal \(a.goal ?? "none") → \(b.goal ?? "none")") }
        if a.topic != b.topic { out.append("topic \"\(a.topic ?? "")\" → \"\(b.topic ?? "")\"") }
        if a.variant != b.variant { out.append("template variant \(a.variant) → \(b.variant)") }
        return out.joined(separator: ", ")
    }

    func printSummary(periodName: String?, dryRun: Bool) {
        let s = workspace.strategy
        let name = periodName.map { "\($0.uppercased()) (\(plan.period.start) – \(plan.period.end))" } ?? "\(plan.period.start) – \(plan.period.end)"
        let counts = stored.byChannel
        let total = stored.posts, campaignPosts = stored.campaignPosts
        Console.out(Console.bold("\(dryRun ? "Would plan" : "Planned") \(name) for \(s.brand.name):")
                    + " \(total) posts on \(s.channels.count) channels (\(campaignPosts) campaign posts), \(stored.shareTasks) share tasks.")
        var t = Table("channel", "posts", "mix")
        for c in s.channels {
            let mine = counts[c.id] ?? [:]
            let mix = ContentKind.allCases.compactMap { k -> String? in
                let n = mine[k] ?? 0
                return n == 0 ? nil : "\(k.rawValue) \(n)"
            }.joined(separator: " · ")
            t.add(c.id, "\(mine.values.reduce(0, +))", mix)
        }
        Console.out(t.rendered)
        let c = plan.changes
        let kept = plan.kept.count
        if c.isEmpty && !dryRun {
            Console.out("No changes: the stored plan already matches (\(c.unchanged) planned posts, \(kept) kept).")
        } else {
            Console.out("Changes: \(c.added.count) added, \(c.removed.count) removed, \(c.moved.count) moved, \(c.changed.count) changed, \(c.unchanged) unchanged, \(kept) kept (locked, drafted, approved or later).")
            // A first plan lists only its size; a re-plan lists every post it adds, removes, moves or changes, with the
            // rule that forced it.
            let first = c.removed.isEmpty && c.moved.isEmpty && c.changed.isEmpty && c.unchanged == 0
            if !first || c.added.count <= 12 {
                for p in c.added { Console.out("  + \(day(p))  \(p.channel)  \(p.kind.rawValue)  \(p.id)") }
            }
            for p in c.removed { Console.out("  - \(day(p))  \(p.channel)  \(p.kind.rawValue)  \(p.id)" + because(c.reasons[p.id])) }
            for (a, b) in c.moved {
                let more = differences(a, b)
                Console.out("  ~ \(day(a)) → \(day(b))  \(a.channel)  \(a.kind.rawValue)  \(b.id)" + (more.isEmpty ? "" : "; " + more) + because(c.reasons[b.id]))
            }
            for (a, b) in c.changed {
                Console.out("  ≠ \(day(b))  \(b.channel)  \(b.id): \(differences(a, b))" + because(c.reasons[b.id]))
            }
            // How many stored posts changed owner, and why (a participant added, removed or at capacity).
            var why: [String: Int] = [:]
            var order: [String] = []
            for (a, b) in c.changed + c.moved.map({ ($0.from, $0.to) }) where a.owner != b.owner {
                let reason = ownerReason(c.reasons[b.id], from: a.owner)
                if why[reason] == nil { order.append(reason) }
                why[reason, default: 0] += 1
            }
            if !why.isEmpty {
                let n = why.values.reduce(0, +)
                Console.out("Owners changed on \(n) stored post\(n == 1 ? "" : "s"): " + order.map { "\(why[$0]!) because \($0)" }.joined(separator: "; ") + ".")
            }
        }
        let unassigned = stored.ownerless
        if unassigned.isEmpty {
            Console.out("Every post has an owner.")
        } else {
            Console.out(Console.yellow("\(unassigned.count) post\(unassigned.count == 1 ? " has" : "s have") no owner:"))
            for u in unassigned { Console.out("  \(u.date)  \(u.channel)  \(u.post): \(u.reason)") }
        }
        let skipped = plan.report.channels.flatMap { c in c.skippedSteps.map { (c.channel, $0) } }
        if !skipped.isEmpty {
            Console.out("Campaign posts left out:")
            for (channel, s) in skipped { Console.out("  \(channel): '\(s.campaign)' \(s.step.label): \(s.reason)") }
        }
        if dryRun { Console.out(Console.dim("Dry run: nothing was stored.")) } else if !c.isEmpty {
            Console.out(Console.dim("Next: herald calendar --month \(String(plan.period.start.iso.prefix(7)))\(locationHint) · herald plan \(periodName.map { "\($0) " } ?? "")--explain\(locationHint)"))
        }
    }

    func printExplain() {
        let s = workspace.strategy
        let r = plan.report
        Console.out("")
        Console.out(Console.bold("Content mix per channel (target from the shares, largest-remainder rounding; campaign posts counted)"))
        for c in r.channels {
            var t = Table(c.channel, "share", "target", "planned", "")
            for k in c.kinds {
                let off = k.planned - k.target
                let mark = abs(off) <= 1 ? "ok" : Console.yellow(off > 0 ? "+\(off)" : "\(off)")
                t.add("  " + k.kind.rawValue, String(format: "%.0f%%", k.share * 100), "\(k.target)", "\(k.planned)", mark)
            }
            Console.out(t.rendered)
            var notes: [String] = []
            notes.append("longest promotional run \(c.longestPromotionalRun) (rule: at most \(s.rules.maxPromotionalInARow))")
            if let d = c.closestPromotionalPosts { notes.append("promotional posts at least \(d) day\(d == 1 ? "" : "s") apart") }
            if !c.blackoutDaysLost.isEmpty { notes.append("posts lost to blackout days: " + c.blackoutDaysLost.map { "\($0.date) (\($0.name))" }.joined(separator: ", ")) }
            if !c.monthsWithoutKind.isEmpty { notes.append("months without a kind: " + c.monthsWithoutKind.map { "\($0.kind.rawValue) in \($0.month)" }.joined(separator: ", ")) }
            if c.shortOfSharers > 0 { notes.append("\(c.shortOfSharers) posts got fewer sharers than asked") }
            if c.stepsPossible > 0 { notes.append("campaign steps placed: \(c.stepsPlaced) of \(c.stepsPossible)") }
            if !c.largestGaps.isEmpty {
                notes.append("largest gap per kind (the period's start and end count double): " + c.largestGaps.map { String(format: "%@ %.1f days", $0.kind.rawValue, $0.days) }.joined(separator: ", "))
            }
            for k in c.kinds where k.kind.isPromotional && k.planned + 1 < k.target {
                notes.append("\(k.kind.rawValue) is \(k.target - k.planned) below target: add a \(k.kind.rawValue) campaign on \(c.channel) or lower its share")
            }
            for n in notes { Console.out("    · \(n)") }
        }
        Console.out("")
        Console.out(Console.bold("Goals (posts in proportion to weight and to what each kind serves)"))
        var g = Table("goal", "weight", "posts", "share", "by kind")
        for goal in r.goals {
            g.add(goal.goal, String(format: "%.0f%%", goal.weightShare * 100), "\(goal.posts)", String(format: "%.0f%%", goal.share * 100),
                  ContentKind.allCases.compactMap { k in goal.byKind[k].map { "\(k.rawValue) \($0)" } }.joined(separator: ", "))
        }
        Console.out(g.rendered)
        Console.out("")
        Console.out(Console.bold("People (posts owned; quietest and busiest week; peak = busiest week ÷ capacity; share tasks)"))
        var p = Table("participant", "posts", "per week", "capacity", "peak", "shares", "")
        for person in r.people {
            p.add(person.name, "\(person.posts)", "\(person.quietestWeek)–\(person.busiestWeek)", "\(person.capacityPerWeek)",
                  String(format: "%.0f%%", person.peakLoad * 100), "\(person.shares)",
                  person.eligible ? "" : Console.yellow("not trained or rules not accepted: no posts"))
        }
        Console.out(p.rendered)
        if !r.groups.isEmpty {
            Console.out("")
            Console.out(Console.bold("Groups (people who may own the same channels; period totals in proportion to capacity)"))
            for g in r.groups {
                let names = zip(g.people, zip(g.totals, g.capacities)).map { "\($0) \($1.0) (capacity \($1.1))" }
                Console.out("  \(g.channels.joined(separator: ", ")): \(g.posts) posts — \(names.joined(separator: ", "))")
            }
        }
        if !r.observances.isEmpty {
            Console.out("")
            Console.out(Console.bold("Observances in the period (campaign anchors)"))
            for o in r.observances {
                let note = o.campaign.map { "near campaign '\($0)'" } ?? "no campaign near it: consider one"
                Console.out("  \(o.date) \(o.date.weekday.shortName)  \(o.name) — \(note)")
            }
        }
    }
}
