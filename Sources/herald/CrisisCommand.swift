import ArgumentParser
import Foundation
import HeraldCrisis
import HeraldModel
import HeraldReports
import HeraldStore
import HeraldWorkspace

extension Herald {
    struct CrisisCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "crisis",
            abstract: "Crisis mode: pause promotion, respond on every channel, and rebuild trust.",
            discussion: """
            Opening pauses every promotional post not yet published on the affected channels (all non-crisis posts \
            with --pause-all), drafts an apology on each channel within crisis.response_hours and updates every \
            crisis.update_every_days, for the crisis owner to approve. Closing posts what changed, schedules a \
            trust-rebuilding phase and restores, reschedules or expires the paused posts, listing every decision.
            Every action names who does it with --as: a participant's id or name (case and accents do not matter).
            Examples:
              herald crisis open "Contaminated batch of oat milk" --severity high --as anna
              herald crisis approve --as "Anna de Vries"
              herald crisis update "Lab results: one delivery, now withdrawn." --as anna
              herald crisis check apologise --as anna
              herald crisis close --summary "Every delivery is now tested." --as anna
            """,
            subcommands: [Open.self, Status.self, Update.self, Approve.self, Check.self, Close.self, List.self, Show.self, Dismiss.self])

        
        struct Open: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Open a crisis: pause promotion, draft the response on every affected channel.")
            @Argument(help: "A short public title, e.g. \"Contaminated batch of oat milk\".") var title: String
            @Option(help: "low, medium or high.") var severity: String = "high"
            @Option(help: ArgumentHelp("Affected channels, comma-separated, or all.", valueName: "ids")) var channels: String = "all"
            @Flag(name: .customLong("pause-all"), help: "Pause every non-crisis post, not only promotional ones.") var pauseAll = false
            @Option(name: .customLong("as"), help: ArgumentHelp("Who opens it (a participant's id or name; recorded).", valueName: "person")) var person: String
            @OptionGroup var location: LocationOptions
            @OptionGroup var clockOptions: ClockOptions

            func validate() throws {
                if CrisisSeverity(rawValue: severity) == nil { throw ValidationError("--severity must be low, medium or high.") }
                try validatePersonName(person, option: "--as")
            }

            func run() async throws {
                try await withExitCodes {
                    let ws = try location.openWorkspace()
                    let who = try participant(named: person, option: "--as", in: ws.strategy)
                    let desk = try ws.crisisDesk()
                    let requested = channels.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                    let o = try desk.open(title: title, severity: CrisisSeverity(rawValue: severity)!, channels: requested, pauseAll: pauseAll,
                                          by: who.name, now: clockOptions.now)
                    Console.out(Console.bold("Crisis \(o.crisis.id) opened: \(o.crisis.title)") + " (\(o.crisis.severity.rawValue), \(o.crisis.channels.joined(separator: ", ")))")
                    Console.out("Paused \(o.paused.count) post\(o.paused.count == 1 ? "" : "s") (\(pauseAll ? "everything but crisis posts" : "contests and discounts")): they will not be published while the crisis is open.")
                    for p in o.paused.prefix(20) { Console.out("  paused  \(ws.clock.isoLocal(p.scheduledAt))  \(p.channel)  \(p.kind.rawValue)  \(p.id)") }
                    if o.paused.count > 20 { Console.out("  … and \(o.paused.count - 20) more") }
                    let apologies = o.responses.filter { ($0.topic ?? "").hasPrefix("Apology") }
                    Console.out("Drafted the response on every affected channel (approve before it goes: herald crisis approve --as NAME):")
                    for p in apologies { Console.out("  \(ws.clock.isoLocal(p.scheduledAt))  \(p.channel)  \(p.id)") }
                    Console.out("Scheduled \(o.responses.count - apologies.count) updates, every \(formatEntered(ws.strategy.crisis.updateEveryDays)) day(s), until closed.")
                    printChecklist(o.checks, ws)
                    Console.out("Tracking: " + o.metrics.map { m in "\(m.name) (\(m.baseline.map { "baseline \(formatEntered($0))" } ?? "no reading yet"))" }.joined(separator: ", "))
                }
            }
        }

        struct Status: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "What is paused, what was said, what is next, the checklist.")
            @OptionGroup var location: LocationOptions
            @OptionGroup var clockOptions: ClockOptions

            func run() async throws {
                try await withExitCodes {
                    let ws = try location.openWorkspace(printWarnings: false)
                    let desk = try ws.crisisDesk()
                    if let a = try desk.alert(now: clockOptions.now) {
                        Console.out((a.handled ? "Alert (handled): " : Console.red("Alert: ")) + "\(a.metric) is \(formatEntered(a.value)) on \(a.date), above \(formatEntered(a.above)).")
                    }
                    guard let c = try ws.openCrisis() else {
                        let last = try ws.crises().last
                        Console.out("No crisis is open." + (last.map { " Last: \($0.id) \"\($0.title)\", closed \($0.closedAt.map(ws.clock.isoLocal) ?? "?")." } ?? ""))
                        return
                    }
                    try printCrisis(c, ws, now: clockOptions.now)
                }
            }
        }

        struct Update: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "A dated public update on the affected channels.")
            @Argument(help: "What is new.") var text: String
            @Option(name: .customLong("as"), help: ArgumentHelp("Who posts it (a participant's id or name; recorded).", valueName: "person")) var person: String
            @OptionGroup var location: LocationOptions
            @OptionGroup var clockOptions: ClockOptions

            func validate() throws { try validatePersonName(person, option: "--as") }

            func run() async throws {
                try await withExitCodes {
                    let ws = try location.openWorkspace(printWarnings: false)
                    let who = try participant(named: person, option: "--as", in: ws.strategy)
                    let u = try ws.crisisDesk().update(text, by: who.name, now: clockOptions.now)
                    Console.out("Drafted the update on \(u.posts.map(\.channel).joined(separator: ", ")) for \(u.posts.first.map { ws.clock.isoLocal($0.scheduledAt) } ?? "-"); approve it with: herald crisis approve --as NAME")
                    if !u.replaced.isEmpty { Console.out("It replaces \(u.replaced.count) scheduled update\(u.replaced.count == 1 ? "" : "s") not yet approved (cancelled).") }
                    if !u.keptApproved.isEmpty {
                        Console.out("Kept \(u.keptApproved.count) approved scheduled update\(u.keptApproved.count == 1 ? "" : "s") due soon (cancel one with herald post cancel ID if the new update makes it redundant):")
                        for p in u.keptApproved { Console.out("  \(ws.clock.isoLocal(p.scheduledAt))  \(p.channel)  \(p.id)") }
                    }
                }
            }
        }

        struct Approve: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "The crisis owner approves the crisis's drafted posts.")
            @Option(name: .customLong("as"), help: ArgumentHelp("Who approves: the crisis owner (a participant's id or name; recorded).", valueName: "person")) var person: String
            @Flag(help: "Approve as someone other than the crisis owner (recorded).") var force = false
            @OptionGroup var location: LocationOptions
            @OptionGroup var clockOptions: ClockOptions

            func validate() throws { try validatePersonName(person, option: "--as") }

            func run() async throws {
                try await withExitCodes {
                    let ws = try location.openWorkspace(printWarnings: false)
                    let who = try participant(named: person, option: "--as", in: ws.strategy)
                    let (ok, refused) = try ws.crisisDesk().approve(by: who, force: force, now: clockOptions.now)
                    Console.out("Approved \(ok.count) crisis post\(ok.count == 1 ? "" : "s") as \(who.name).")
                    for (p, why) in refused { Console.out("  not approved \(p.id) \(p.channel): \(why)") }
                    if !refused.isEmpty { throw ExitCode(65) }
                }
            }
        }

        struct Check: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Mark a checklist step done: apologise, admit, counteract, improve, repair.")
            @Argument(help: "apologise, admit, counteract, improve or repair.") var step: String
            @Flag(help: "Mark it not done again.") var undo = false
            @Option(name: .customLong("as"), help: ArgumentHelp("Who did it (a participant's id or name; recorded).", valueName: "person")) var person: String
            @OptionGroup var location: LocationOptions
            @OptionGroup var clockOptions: ClockOptions

            func validate() throws {
                if CrisisStep(rawValue: step) == nil {
                    throw ValidationError("unknown step '\(step)'; use \(CrisisStep.allCases.map(\.rawValue).joined(separator: ", ")).")
                }
                try validatePersonName(person, option: "--as")
            }

            func run() async throws {
                try await withExitCodes {
                    let ws = try location.openWorkspace(printWarnings: false)
                    let who = try participant(named: person, option: "--as", in: ws.strategy)
                    try ws.crisisDesk().check(CrisisStep(rawValue: step)!, done: !undo, by: who.name, now: clockOptions.now)
                    Console.out("\(undo ? "Reopened" : "Done"): \(CrisisStep(rawValue: step)!.label).")
                }
            }
        }

        struct Close: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Close the crisis: say what changed, rebuild trust, restore what was paused.")
            @Option(help: "What changed (the public closing statement).") var summary: String
            @Flag(name: .customLong("cancel-approved"), help: "Cancel crisis updates that were approved and have not gone out.") var cancelApproved = false
            @Flag(name: .customLong("keep-approved"), help: "Let approved crisis updates go out; the closing statement follows them.") var keepApproved = false
            @Option(name: .customLong("as"), help: ArgumentHelp("Who closes it (a participant's id or name; recorded).", valueName: "person")) var person: String
            @OptionGroup var location: LocationOptions
            @OptionGroup var clockOptions: ClockOptions

            func validate() throws {
                if cancelApproved && keepApproved { throw ValidationError("give --cancel-approved or --keep-approved, not both.") }
                try validatePersonName(person, option: "--as")
            }

            func run() async throws {
                try await withExitCodes {
                    let ws = try location.openWorkspace(printWarnings: false)
                    let who = try participant(named: person, option: "--as", in: ws.strategy)
                    let approved: ApprovedUpdates = cancelApproved ? .cancel : keepApproved ? .keep : .ask
                    let r = try ws.crisisDesk().close(summary: summary, by: who.name, approved: approved, now: clockOptions.now)
                    Console.out(Console.bold("Crisis \(r.crisis.id) closed.") + " Drafted the closing statement and the trust-rebuilding phase (the crisis owner approves them: herald approve --post ID --as NAME, or herald review):")
                    for p in r.posts.sorted(by: { ($0.channel, $0.scheduledAt) < ($1.channel, $1.scheduledAt) }) {
                        Console.out("  \(ws.clock.isoLocal(p.scheduledAt))  \(p.channel)  \(p.topic ?? p.kind.rawValue)  \(p.id)")
                    }
                    for n in r.notes { Console.out(Console.yellow("  note: ") + n) }
                    if !r.keptApproved.isEmpty {
                        Console.out("Kept \(r.keptApproved.count) approved update\(r.keptApproved.count == 1 ? "" : "s") (they go out first):")
                        for p in r.keptApproved { Console.out("  \(ws.clock.isoLocal(p.scheduledAt))  \(p.channel)  \(p.id)") }
                    }
                    if !r.cancelled.isEmpty {
                        Console.out("Cancelled \(r.cancelled.count) pending update(s) and planned post(s) whose slots were used:")
                        for id in r.cancelled { Console.out("  \(id)") }
                    }
                    Console.out("Paused posts (\(r.decisions.count)):")
                    for d in r.decisions { Console.out("  " + d.note) }
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Every crisis, open and closed.",
                discussion: """
                JSON fields: id, title, severity, status, channels, pause_all, owner, opened_at and closed_at (UTC), \
                opened_local and closed_local (with offset), opened_by, summary; null where not set.
                """)
            @OptionGroup var output: OutputOptions
            @OptionGroup var location: LocationOptions

            struct CrisisJSON: Encodable {
                var id, title, severity, status: String
                var channels: [String]
                var pauseAll: Bool
                var owner: String?
                var openedAt, openedLocal, openedBy: String
                var closedAt, closedLocal, summary: String?

                // `null` for absent fields, so every crisis has the same keys.
                func encode(to encoder: any Encoder) throws {
                    var c = encoder.container(keyedBy: CodingKeys.self)
                    try c.encode(id, forKey: .id); try c.encode(title, forKey: .title); try c.encode(severity, forKey: .severity)
                    try c.encode(status, forKey: .status); try c.encode(channels, forKey: .channels); try c.encode(pauseAll, forKey: .pauseAll)
                    try c.encode(owner, forKey: .owner); try c.encode(openedAt, forKey: .openedAt); try c.encode(openedLocal, forKey: .openedLocal)
                    try c.encode(openedBy, forKey: .openedBy); try c.encode(closedAt, forKey: .closedAt)
                    try c.encode(closedLocal, forKey: .closedLocal); try c.encode(summary, forKey: .summary)
                }

                enum CodingKeys: String, CodingKey {
                    case id, title, severity, status, channels, pauseAll, owner, openedAt, openedLocal, openedBy, closedAt, closedLocal, summary
                }
            }

            func run() async throws {
                try await withExitCodes {
                    let ws = try location.openWorkspace(printWarnings: false)
                    let all = try ws.crises()
                    if output.json {
                        return try Console.json(all.map { c in
                            CrisisJSON(id: c.id, title: c.title, severity: c.severity.rawValue, status: c.status.rawValue, channels: c.channels,
                                       pauseAll: c.pauseAll, owner: c.owner, openedAt: c.openedAt.isoUTC, openedLocal: ws.clock.isoLocal(c.openedAt),
                                       openedBy: c.openedBy, closedAt: c.closedAt?.isoUTC, closedLocal: c.closedAt.map(ws.clock.isoLocal),
                                       summary: c.summary)
                        })
                    }
                    guard !all.isEmpty else { return Console.out("No crises recorded.") }
                    var t = Table("id", "title", "severity", "status", "opened", "closed", "channels")
                    for c in all {
                        t.add(c.id, c.title, c.severity.rawValue, c.status.rawValue, ws.clock.isoLocal(c.openedAt),
                              c.closedAt.map(ws.clock.isoLocal) ?? "–", c.channels.joined(separator: ","))
                    }
                    Console.out(t.rendered)
                }
            }
        }

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "One crisis: its posts, checklist, metrics and everything that was done.")
            @Argument(help: "The crisis id (see `herald crisis list`).") var id: String
            @OptionGroup var location: LocationOptions
            @OptionGroup var clockOptions: ClockOptions

            func run() async throws {
                try await withExitCodes {
                    let ws = try location.openWorkspace(printWarnings: false)
                    try printCrisis(try ws.crisis(id), ws, now: clockOptions.now)
                    Console.out("\nRecord:")
                    for e in try ws.crisisEvents(id) { Console.out("  \(ws.clock.isoLocal(e.at))  \(e.actor)  \(e.action): \(e.detail)") }
                }
            }
        }

        struct Dismiss: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Dismiss a raised crisis alert without opening a crisis (promotion resumes).")

            func validate() throws { try validatePersonName(person, option: "--as") }
            @Option(name: .customLong("as"), help: ArgumentHelp("Who decides (a participant's id or name; recorded).", valueName: "person")) var person: String
            @OptionGroup var location: LocationOptions
            @OptionGroup var clockOptions: ClockOptions

            func run() async throws {
                try await withExitCodes {
                    let ws = try location.openWorkspace(printWarnings: false)
                    let who = try participant(named: person, option: "--as", in: ws.strategy)
                    let a = try ws.crisisDesk().dismissAlert(by: who.name, now: clockOptions.now)
                    Console.out("Dismissed the alert (\(a.metric) \(formatEntered(a.value)) on \(a.date)); promotional posts go out again. A newer reading above \(formatEntered(a.above)) raises it again.")
                }
            }
        }
    }
}

func printChecklist(_ checks: [CrisisCheck], _ ws: Workspace) {
    Console.out("Checklist:")
    for c in checks {
        let owner = c.owner.flatMap { ws.strategy.participant($0)?.name ?? $0 } ?? "unassigned"
        let state = c.doneAt.map { "done \(ws.clock.isoLocal($0))\(c.doneBy.map { " by \($0)" } ?? "")" } ?? "to do"
        Console.out("  [\(c.doneAt == nil ? " " : "x")] \(c.step.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) \(c.step.label) — \(owner), \(state)")
    }
}

func printCrisis(_ c: Crisis, _ ws: Workspace, now: Date) throws {
    Console.out(Console.bold("Crisis \(c.id): \(c.title)") + "  [\(c.severity.rawValue), \(c.status.rawValue)]")
    Console.out("Opened \(ws.clock.isoLocal(c.openedAt)) by \(c.openedBy)\(c.closedAt.map { "; closed \(ws.clock.isoLocal($0))" } ?? ""); channels: \(c.channels.joined(separator: ", ")).")
    if let s = c.summary { Console.out("What changed: \(s)") }
    let record = try ws.crisisRecord(c, now: now)
    let paused = record.paused
    let still = paused.filter { $0.post.status == .paused }
    Console.out("\nPaused: \(still.count) now, \(paused.count) in all.")
    for p in still.prefix(10) { Console.out("  \(ws.clock.isoLocal(p.post.scheduledAt))  \(p.post.channel)  \(p.post.kind.rawValue)  \(p.post.id) (was \(p.previousStatus.rawValue))") }
    for p in paused where p.decision != nil { Console.out("  \(p.decision!)") }
    let posts = record.posts
    let said = posts.filter { $0.status == .published }
    let next = posts.filter { $0.scheduledAt >= now && [.drafted, .approved, .planned].contains($0.status) }
    Console.out("\nSaid (\(said.count)):")
    for p in said { Console.out("  \(ws.clock.isoLocal(p.scheduledAt))  \(p.channel)  \(p.topic ?? "")") }
    Console.out("Next (\(next.count)):")
    for p in next.prefix(12) { Console.out("  \(ws.clock.isoLocal(p.scheduledAt))  \(p.channel)  \(p.status.rawValue)  \(p.topic ?? "")  \(p.id)") }
    let waiting = posts.filter { $0.status == .drafted }.count
    if waiting > 0, c.status == .open { Console.out(Console.yellow("\(waiting) crisis post(s) wait for approval: herald crisis approve --as NAME")) }
    Console.out("")
    printChecklist(record.checks, ws)
    Console.out("\nMetrics:")
    for (m, latest) in record.metrics {
        Console.out("  \(m.name): baseline \(m.baseline.map(formatEntered) ?? "–")\(m.baselineDate.map { " (\($0))" } ?? ""), latest \(latest.map { "\(formatEntered($0.value)) (\($0.date))" } ?? "–"), better when \(m.direction == .down ? "lower" : "higher")")
    }
}
