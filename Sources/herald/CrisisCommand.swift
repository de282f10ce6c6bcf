import ArgumentParser
import Foundation
import HeraldCrisis
import HeraldModel
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
            Examples:
              herald crisis open "Contaminated batch of oat milk" --severity high
              herald crisis approve --as "Anna"
              herald crisis update "Lab results: one delivery, now withdrawn."
              herald crisis check apologise --as "Anna"
              herald crisis close --summary "Every delivery is now tested."
            """,
            subcommands: [Open.self, Status.self, Update.self, Approve.self, Check.self, Close.self, List.self, Show.self, Dismiss.self])

        /// Who a crisis step is recorded as when `--as` is not given: the login name.
        static var loginName: String { ProcessInfo.processInfo.environment["USER"] ?? "someone" }

        struct Open: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Open a crisis: pause promotion, draft the response on every affected channel.")
            @Argument(help: "A short public title, e.g. \"Contaminated batch of oat milk\".") var title: String
            @Option(help: "low, medium or high.") var severity: String = "high"
            @Option(help: ArgumentHelp("Affected channels, comma-separated, or all.", valueName: "ids")) var channels: String = "all"
            @Flag(name: .customLong("pause-all"), help: "Pause every non-crisis post, not only promotional ones.") var pauseAll = false
            @Option(name: .customLong("as"), help: "Who opens it (recorded).") var person: String = Herald.CrisisCommand.loginName
            @OptionGroup var location: LocationOptions
            @OptionGroup var clockOptions: ClockOptions

            func validate() throws {
                if CrisisSeverity(rawValue: severity) == nil { throw ValidationError("--severity must be low, medium or high.") }
            }

            func run() async throws {
                try await withExitCodes {
                    let ws = try location.openWorkspace()
                    let desk = try ws.crisisDesk()
                    let requested = channels.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                    let o = try desk.open(title: title, severity: CrisisSeverity(rawValue: severity)!, channels: requested, pauseAll: pauseAll,
                                          by: person, now: clockOptions.now)
                    Console.out(Console.bold("Crisis \(o.crisis.id) opened: \(o.crisis.title)") + " (\(o.crisis.severity.rawValue), \(o.crisis.channels.joined(separator: ", ")))")
                    Console.out("Paused \(o.paused.count) post\(o.paused.count == 1 ? "" : "s") (\(pauseAll ? "everything but crisis posts" : "contests and discounts")): they will not be published while the crisis is open.")
                    for p in o.paused.prefix(20) { Console.out("  paused  \(ws.clock.isoLocal(p.scheduledAt))  \(p.channel)  \(p.kind.rawValue)  \(p.id)") }
                    if o.paused.count > 20 { Console.out("  … and \(o.paused.count - 20) more") }
                    let apologies = o.responses.filter { ($0.topic ?? "").hasPrefix("Apology") }
                    Console.out("Drafted the response on every affected channel (approve before it goes: herald crisis approve --as NAME):")
                    for p in apologies { Console.out("  \(ws.clock.isoLocal(p.scheduledAt))  \(p.channel)  \(p.id)") }
                    Console.out("Scheduled \(o.responses.count - apologies.count) updates, every \(formatNumber(ws.strategy.crisis.updateEveryDays)) day(s), until closed.")
                    printChecklist(o.checks, ws)
                    Console.out("Tracking: " + o.metrics.map { m in "\(m.name) (\(m.baseline.map { "baseline \(formatNumber($0))" } ?? "no reading yet"))" }.joined(separator: ", "))
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
                    if let a = try desk.alert() {
                        Console.out((a.handled ? "Alert (handled): " : Console.red("Alert: ")) + "\(a.metric) is \(formatNumber(a.value)) on \(a.date), above \(formatNumber(a.above)).")
                    }
                    guard let c = try ws.store.openCrisis() else {
                        let last = try ws.store.crises().last
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
            @Option(name: .customLong("as"), help: "Who posts it (recorded).") var person: String = Herald.CrisisCommand.loginName
            @OptionGroup var location: LocationOptions
            @OptionGroup var clockOptions: ClockOptions

            func run() async throws {
                try await withExitCodes {
                    let ws = try location.openWorkspace(printWarnings: false)
                    let posts = try ws.crisisDesk().update(text, by: person, now: clockOptions.now)
                    Console.out("Drafted the update on \(posts.map(\.channel).joined(separator: ", ")) for \(posts.first.map { ws.clock.isoLocal($0.scheduledAt) } ?? "-"); approve it with: herald crisis approve --as NAME")
                }
            }
        }

        struct Approve: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "The crisis owner approves the crisis's drafted posts.")
            @Option(name: .customLong("as"), help: "Who approves (recorded).") var person: String
            @OptionGroup var location: LocationOptions
            @OptionGroup var clockOptions: ClockOptions

            func run() async throws {
                try await withExitCodes {
                    let ws = try location.openWorkspace(printWarnings: false)
                    let (ok, refused) = try ws.crisisDesk().approve(by: person, now: clockOptions.now)
                    if let owner = ws.strategy.crisis.owner.flatMap(ws.strategy.participant), owner.name != person, owner.id != person {
                        Console.error("note: the crisis owner is \(owner.name); approved as \(person).")
                    }
                    Console.out("Approved \(ok.count) crisis post\(ok.count == 1 ? "" : "s") as \(person).")
                    for (p, why) in refused { Console.out("  not approved \(p.id) \(p.channel): \(why)") }
                    if !refused.isEmpty { throw ExitCode(65) }
                }
            }
        }

        struct Check: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Mark a checklist step done: apologise, admit, counteract, improve, repair.")
            @Argument(help: "apologise, admit, counteract, improve or repair.") var step: String
            @Flag(help: "Mark it not done again.") var undo = false
            @Option(name: .customLong("as"), help: "Who did it (recorded).") var person: String = Herald.CrisisCommand.loginName
            @OptionGroup var location: LocationOptions
            @OptionGroup var clockOptions: ClockOptions

            func validate() throws {
                if CrisisStep(rawValue: step) == nil {
                    throw ValidationError("unknown step '\(step)'; use \(CrisisStep.allCases.map(\.rawValue).joined(separator: ", ")).")
                }
            }

            func run() async throws {
                try await withExitCodes {
                    let ws = try location.openWorkspace(printWarnings: false)
                    try ws.crisisDesk().check(CrisisStep(rawValue: step)!, done: !undo, by: person, now: clockOptions.now)
                    Console.out("\(undo ? "Reopened" : "Done"): \(CrisisStep(rawValue: step)!.label).")
                }
            }
        }

        struct Close: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Close the crisis: say what changed, rebuild trust, restore what was paused.")
            @Option(help: "What changed (the public closing statement).") var summary: String
            @Option(name: .customLong("as"), help: "Who closes it (recorded).") var person: String = Herald.CrisisCommand.loginName
            @OptionGroup var location: LocationOptions
            @OptionGroup var clockOptions: ClockOptions

            func run() async throws {
                try await withExitCodes {
                    let ws = try location.openWorkspace(printWarnings: false)
                    let r = try ws.crisisDesk().close(summary: summary, by: person, now: clockOptions.now)
                    Console.out(Console.bold("Crisis \(r.crisis.id) closed.") + " Drafted the closing statement and the trust-rebuilding phase (approve them: herald approve --post ID, or herald review):")
                    for p in r.posts { Console.out("  \(ws.clock.isoLocal(p.scheduledAt))  \(p.channel)  \(p.topic ?? p.kind.rawValue)  \(p.id)") }
                    if !r.cancelled.isEmpty { Console.out("Cancelled \(r.cancelled.count) pending update(s) and planned post(s) whose slots were used.") }
                    Console.out("Paused posts (\(r.decisions.count)):")
                    for d in r.decisions { Console.out("  " + d.note) }
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Every crisis, open and closed.")
            @OptionGroup var location: LocationOptions

            func run() async throws {
                try await withExitCodes {
                    let ws = try location.openWorkspace(printWarnings: false)
                    let all = try ws.store.crises()
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
                    try printCrisis(try ws.store.crisis(id), ws, now: clockOptions.now)
                    Console.out("\nRecord:")
                    for e in try ws.store.crisisEvents(id) { Console.out("  \(ws.clock.isoLocal(e.at))  \(e.actor)  \(e.action): \(e.detail)") }
                }
            }
        }

        struct Dismiss: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Dismiss a raised crisis alert without opening a crisis (promotion resumes).")
            @Option(name: .customLong("as"), help: "Who decides (recorded).") var person: String = Herald.CrisisCommand.loginName
            @OptionGroup var location: LocationOptions
            @OptionGroup var clockOptions: ClockOptions

            func run() async throws {
                try await withExitCodes {
                    let ws = try location.openWorkspace(printWarnings: false)
                    let a = try ws.crisisDesk().dismissAlert(by: person, now: clockOptions.now)
                    Console.out("Dismissed the alert (\(a.metric) \(formatNumber(a.value)) on \(a.date)); promotional posts go out again. A newer reading above \(formatNumber(a.above)) raises it again.")
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
    let paused = try ws.store.pausedPosts(c.id)
    let still = paused.filter { $0.post.status == .paused }
    Console.out("\nPaused: \(still.count) now, \(paused.count) in all.")
    for p in still.prefix(10) { Console.out("  \(ws.clock.isoLocal(p.post.scheduledAt))  \(p.post.channel)  \(p.post.kind.rawValue)  \(p.post.id) (was \(p.previousStatus.rawValue))") }
    for p in paused where p.decision != nil { Console.out("  \(p.decision!)") }
    let posts = try ws.store.posts(PostQuery(kinds: nil)).filter { $0.crisis == c.id }
    let said = posts.filter { $0.status == .published }
    let next = posts.filter { $0.scheduledAt >= now && [.drafted, .approved, .planned].contains($0.status) }
    Console.out("\nSaid (\(said.count)):")
    for p in said { Console.out("  \(ws.clock.isoLocal(p.scheduledAt))  \(p.channel)  \(p.topic ?? "")") }
    Console.out("Next (\(next.count)):")
    for p in next.prefix(12) { Console.out("  \(ws.clock.isoLocal(p.scheduledAt))  \(p.channel)  \(p.status.rawValue)  \(p.topic ?? "")  \(p.id)") }
    let waiting = posts.filter { $0.status == .drafted }.count
    if waiting > 0, c.status == .open { Console.out(Console.yellow("\(waiting) crisis post(s) wait for approval: herald crisis approve --as NAME")) }
    Console.out("")
    printChecklist(try ws.store.crisisChecks(c.id), ws)
    let readings = try ws.store.readings(metrics: CrisisMetric.standard.map(\.id)).filter { $0.channel == nil }
    Console.out("\nMetrics:")
    for m in try ws.store.crisisMetrics(c.id) {
        let latest = readings.filter { $0.metric == m.id }.max { ($0.date, $0.recordedAt) < ($1.date, $1.recordedAt) }
        Console.out("  \(m.name): baseline \(m.baseline.map(formatNumber) ?? "–")\(m.baselineDate.map { " (\($0))" } ?? ""), latest \(latest.map { "\(formatNumber($0.value)) (\($0.date))" } ?? "–"), better when \(m.direction == .down ? "lower" : "higher")")
    }
}
