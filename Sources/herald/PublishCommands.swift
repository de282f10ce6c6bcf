import ArgumentParser
import Foundation
import HeraldCrisis
import HeraldModel
import HeraldReports
import HeraldPublish
import HeraldStore
import HeraldStrategy
import HeraldWorkspace
import Logging
import ServiceLifecycle

/// Opens the workspace for publishing: a strategy problem in `hooks:` is a configuration error (78).
func openForPublishing(_ location: LocationOptions, store: Store? = nil, printWarnings: Bool = true) throws -> Workspace {
    do {
        return try location.openWorkspace(printWarnings: printWarnings, store: store)
    } catch let e as StrategyError {
        if case .invalid(let ds) = e, ds.contains(where: { $0.severity == .error && $0.path.hasPrefix("hooks") }) {
            Console.error(e.description)
            Console.error("the hooks are misconfigured; nothing was claimed.")
            throw ExitCode(78)
        }
        throw e
    }
}

/// Publisher settings from the environment (HERALD_BATCH_SIZE, HERALD_CONCURRENCY); a bad value is reported.
func publisherSettings(_ env: [String: String]) -> PublisherSettings {
    let read = PublishSession.settings(environment: env)
    for problem in read.problems { Console.error(problem) }
    return read.settings
}

/// `publish` and `run` print the strategy's warnings once per changed strategy (or always with `--verbose`).
func printWarningsOnce(_ ws: Workspace, verbose: Bool) throws {
    for w in try ws.publishWarnings(verbose: verbose) { Console.error(w.description) }
}

/// What `publish` and `run` print while a crisis alert nobody has handled holds contest and discount posts.
func heldWarning(_ alert: CrisisAlertState) -> String {
    "warning: \(alert.metric) is \(formatEntered(alert.value)) on \(alert.date) (alert above \(formatEntered(alert.above))): promotional posts are held until someone opens a crisis (herald crisis open \"…\") or dismisses the alert (herald crisis dismiss)."
}

/// Prints what a publishing session says while it works.
@Sendable func printNotice(_ notice: PublishNotice) {
    switch notice {
    case .promotionHeld(let alert): Console.error(heldWarning(alert))
    case .alertUnreadable(let error):
        Console.error("warning: could not check the crisis alert, so contest and discount posts wait until it can be checked (\(error))")
    case .strategyUnreadable(let file):
        Console.error("herald run: cannot read \(file); publishing with the version read before until it is back.")
    case .strategyReloaded(let file, let warnings):
        Console.out("herald run: \(file) changed; publishing with the new version from this pass on.")
        for w in warnings { Console.error(w.description) }
    case .strategyUnusable(let file, let problem):
        Console.error("herald run: \(file) changed but cannot be used; publishing with the version read before until it is fixed:\n\(problem)")
    case .passFailed(let error): Console.error("herald run: a pass failed and the next one will try again: \(error)")
    case .passesWorkAgain: Console.error("herald run: passes work again.")
    }
}

/// What `publish` and `run` say on standard error when a pass left deliveries for a person.
func needsAPersonNote(_ r: PassReport, command: String) -> String {
    let n = r.needingAPerson
    return "\(command): \(n) deliver\(n == 1 ? "y" : "ies") need\(n == 1 ? "s" : "") a person (failed for good, unknown or expired); "
        + "see `herald status` and `herald queue --failed`."
}

func summary(_ r: PassReport) -> String {
    let c = r.counts
    var parts = ["published \(c.published)"]
    if c.retrying > 0 { parts.append("\(c.retrying) will retry") }
    if c.failed > 0 { parts.append("\(c.failed) failed") }
    if c.unknown > 0 { parts.append("\(c.unknown) unknown (need a person)") }
    if c.expired > 0 { parts.append("\(c.expired) expired") }
    if c.rescued > 0 { parts.append("\(c.rescued) taken back from a stopped publisher") }
    if !r.unreachable.isEmpty { parts.append("unreachable: \(r.unreachable.sorted().joined(separator: ", "))") }
    if r.notificationsSent > 0 { parts.append("\(r.notificationsSent) notifications sent") }
    return parts.joined(separator: ", ")
}

extension Herald {
    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Hand every due, approved post to its hooks, then exit (what cron runs every minute).",
            discussion: """
            Exit codes: 0 done (or another publisher is running: this one exits quietly), 65 this pass left deliveries \
            that need a person (failed for good, unknown or expired: see herald status; also a strategy with errors), \
            69 a hook is unreachable, 75 some deliveries will retry, 78 bad hook configuration (nothing is claimed). \
            When several apply, the first in this list wins.
            Example crontab line:
              * * * * * cd /srv/acme && herald publish
            """)

        @Flag(help: "Wait for another publisher to finish instead of exiting.") var wait = false
        @Flag(name: .shortAndLong, help: "Print what was done even when nothing was, and the strategy's warnings even when an earlier pass printed them.") var verbose = false
        @OptionGroup var location: LocationOptions
        @OptionGroup var clockOptions: ClockOptions

        func run() async throws {
            try await withExitCodes {
                let now = clockOptions.now
                let idle = try PublishSession.idleTick(strategyFile: location.strategyPath, databaseFile: location.databasePath,
                                                       openStore: location.openStore, now: now, wait: wait)
                var store: Store?
                switch idle {
                case .recorded:
                    if verbose { Console.out(summary(PassReport()) + ".") }
                    return
                case .busy(let database):
                    if verbose { Console.error("another herald is publishing from \(database); exiting.") }
                    return
                case .work(let opened): store = opened
                }
                let ws = try openForPublishing(location, store: store, printWarnings: false)
                try printWarningsOnce(ws, verbose: verbose)
                let env = ProcessInfo.processInfo.environment
                let session = PublishSession(workspace: ws, environment: env, settings: publisherSettings(env), start: now,
                                             notice: printNotice)
                switch try await session.publishOnce(wait: wait) {
                case .busy(let database):
                    if verbose { Console.error("another herald is publishing from \(database); exiting.") }
                case .done(let report):
                    if verbose || report.counts.claimed + report.counts.expired + report.counts.rescued > 0 {
                        Console.out(summary(report) + ".")
                    }
                    if report.needingAPerson > 0 { Console.error(needsAPersonNote(report, command: "herald publish")) }
                    if report.exitCode != 0 { throw ExitCode(report.exitCode) }
                }
            }
        }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish continuously as a service; stops cleanly on SIGTERM or SIGINT.",
            discussion: """
            It wakes when the next post is due (at least every --interval). Before every pass it reads the strategy \
            again if the file changed (a version with errors is reported and the previous one kept), and checks the \
            crisis alert: while one is raised and nobody has handled it, contest and discount posts are held. A pass that \
            leaves deliveries needing a person (what makes publish exit 65) is reported on standard error; the service \
            keeps running. \
            HERALD_BATCH_SIZE and HERALD_CONCURRENCY tune it as they do publish. See README for a systemd unit.
            Example: herald run
            """)

        @Option(help: "Longest pause between passes, in seconds.") var interval: Int = 30
        @Flag(name: .shortAndLong, help: "Print the strategy's warnings at start even when an earlier pass printed them.") var verbose = false
        @Option(help: ArgumentHelp(Listen.help, valueName: "host:port")) var listen: String?
        @OptionGroup var location: LocationOptions
        @OptionGroup var clockOptions: ClockOptions

        func validate() throws {
            if interval < 1 || interval > 3600 { throw ValidationError("--interval must be from 1 to 3600 seconds.") }
            try Listen.validate(listen)
        }

        func run() async throws {
            try await withExitCodes {
                let ws = try openForPublishing(location, printWarnings: false)
                try printWarningsOnce(ws, verbose: verbose)
                let env = ProcessInfo.processInfo.environment
                let session = PublishSession(workspace: ws, environment: env, settings: publisherSettings(env), start: clockOptions.now,
                                             notice: printNotice)
                var logger = Logger(label: "herald")
                logger.logLevel = env["HERALD_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
                let now = session.now
                let service = try session.service(interval: .seconds(interval)) { report in
                    if report.counts.claimed + report.counts.expired + report.counts.rescued > 0 {
                        Console.out("\(now().isoUTC) \(summary(report))")
                    }
                    // The service does not exit for it (it keeps publishing the rest), but says so, as publish's exit 65 would.
                    if report.needingAPerson > 0 { Console.error(needsAPersonNote(report, command: "herald run")) }
                }
                let endpoint = try listen.map { try Listen.service($0, workspace: ws, environment: env, clock: now, logger: logger) }
                Console.out("herald run: publishing from \(ws.databasePath) (SIGTERM or Ctrl-C to stop).")
                let group = ServiceGroup(configuration: .init(services: [service] + (endpoint.map { [$0] } ?? []), gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
                try await group.run()
                await session.shutdown()
                Console.out("herald run: stopped.")
            }
        }
    }

    struct Queue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deliveries by state, and a person's decisions about them.",
            discussion: """
            States: scheduled → publishing (leased) → published; retrying (with its next time), failed, unknown \
            (the process died mid-call on a hook that cannot drop repeats: check, then mark-published or retry), \
            cancelled, expired (later than the channel's max_lateness).
            Examples:
              herald queue
              herald queue --failed
              herald queue retry dlv_… | cancel dlv_… | mark-published dlv_… --url https://…
            """,
            subcommands: [List.self, Show.self, Refresh.self, Retry.self, Cancel.self, MarkPublished.self],
            defaultSubcommand: List.self)

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List deliveries (default).")
            @Flag(help: "Only what needs a person: failed, unknown, expired.") var failed = false
            @Option(help: "Only this state.") var state: String?
            @Option(help: "Only this post's deliveries.") var post: String?
            @OptionGroup var output: OutputOptions
            @OptionGroup var location: LocationOptions
            @OptionGroup var clockOptions: ClockOptions

            func validate() throws {
                if let state, DeliveryState(rawValue: state) == nil {
                    throw ValidationError("unknown state '\(state)'; use \(DeliveryState.allCases.map(\.rawValue).joined(separator: ", ")).")
                }
            }

            func run() async throws {
                try await withExitCodes {
                    let ws = try location.openWorkspace(printWarnings: false)
                    let states: [DeliveryState]? = failed ? DeliveryState.needsPerson : state.flatMap(DeliveryState.init).map { [$0] }
                    let list = try ws.deliveries(states: states, post: post)
                    if output.json { return try Console.json(list.map { DeliveryJSON($0) }) }
                    let counts = try ws.deliveryCounts()
                    Console.out(DeliveryState.allCases.compactMap { s in counts[s].map { "\(s.rawValue) \($0)" } }.joined(separator: " · ").ifEmpty("No deliveries yet: `herald publish` makes them when approved posts fall due."))
                    guard !list.isEmpty else { return }
                    var t = Table("delivery", "post/reply", "hook", "state", "attempts", "next / done", "last error")
                    let now = clockOptions.now
                    for d in list {
                        // A pending delivery whose time has come (at --now, else the real time) is marked due.
                        let due = DeliveryState.claimable.contains(d.state) && d.nextAttemptAt <= now ? " (due)" : ""
                        let when = d.state == .published ? d.publishedAt.map(ws.clock.isoLocal) ?? "" : ws.clock.isoLocal(d.nextAttemptAt) + due
                        t.add(d.id, d.post, d.hook, d.state.rawValue, "\(d.attempts)/\(d.maxAttempts)", when, String((d.lastError ?? "").prefix(60)))
                    }
                    Console.out(t.rendered)
                }
            }
        }

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "One delivery with every attempt.")
            @Argument(help: "The delivery id.") var id: String
            @OptionGroup var location: LocationOptions

            func run() async throws {
                try await withExitCodes {
                    let ws = try location.openWorkspace(printWarnings: false)
                    let (d, attempts) = try ws.delivery(id)
                    Console.out("\(d.id)  post \(d.post) → \(d.hook)  \(d.state.rawValue)  attempts \(d.attempts)/\(d.maxAttempts)")
                    if let u = d.remoteURL { Console.out("remote: \(u)") }
                    if let e = d.lastError { Console.out("last error: \(e)") }
                    for a in attempts {
                        let detail = [a.httpStatus.map { "HTTP \($0)" }, a.exitCode.map { "exit \($0)" }, a.error].compactMap { $0 }.joined(separator: ", ")
                        Console.out("  #\(a.number) \(a.startedAt.isoUTC) → \(a.endedAt?.isoUTC ?? "…")  \(a.outcome?.rawValue ?? "in progress")  \(detail)")
                        if let x = a.responseExcerpt { Console.out("     response: \(x.replacingOccurrences(of: "\n", with: " ").prefix(200))") }
                    }
                }
            }
        }

        struct Refresh: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Turn due approved posts into deliveries without sending them.")
            @OptionGroup var location: LocationOptions
            @OptionGroup var clockOptions: ClockOptions

            func run() async throws {
                try await withExitCodes {
                    let ws = try location.openWorkspace(printWarnings: false)
                    let c = try ws.queueDuePosts(now: clockOptions.now)
                    Console.out("Queued \(c.enqueued) deliver\(c.enqueued == 1 ? "y" : "ies")\(c.expired > 0 ? "; \(c.expired) too late (expired)" : "").")
                }
            }
        }

        struct Retry: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Try a failed, unknown, expired or cancelled delivery again at the next publish (never before the post's time).")
            @Argument(help: "The delivery id.") var id: String
            @OptionGroup var location: LocationOptions
            @OptionGroup var clockOptions: ClockOptions

            func run() async throws {
                try await withExitCodes {
                    let ws = try location.openWorkspace(printWarnings: false)
                    let now = clockOptions.now
                    let d = try ws.retryDelivery(id, now: now)
                    let when = d.nextAttemptAt > now ? "at its time, \(ws.clock.isoLocal(d.nextAttemptAt)) (a retry never sends a post early)"
                        : "at the next `herald publish`"
                    Console.out("\(d.id) will be tried again \(when) (attempt \(d.attempts + 1) of \(d.maxAttempts)).")
                }
            }
        }

        struct Cancel: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Do not send a delivery.")
            @Argument(help: "The delivery id.") var id: String
            @OptionGroup var location: LocationOptions
            @OptionGroup var clockOptions: ClockOptions

            func run() async throws {
                try await withExitCodes {
                    let ws = try location.openWorkspace(printWarnings: false)
                    let d = try ws.cancelDelivery(id, now: clockOptions.now)
                    Console.out("Cancelled \(d.id).")
                }
            }
        }

        struct MarkPublished: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "mark-published",
                abstract: "Record that a delivery did go out (after checking an unknown one by hand).")
            @Argument(help: "The delivery id.") var id: String
            @Option(help: "Where it was published.") var url: String?
            @OptionGroup var location: LocationOptions
            @OptionGroup var clockOptions: ClockOptions

            func run() async throws {
                try await withExitCodes {
                    let ws = try location.openWorkspace(printWarnings: false)
                    let d = try ws.markPublished(id, url: url, now: clockOptions.now)
                    Console.out("Marked \(d.id) as published\(d.remoteURL.map { " (\($0))" } ?? "").")
                }
            }
        }
    }

    struct Hooks: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check and manage hooks.",
            subcommands: [List.self, Test.self, Enable.self])

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "The strategy's hooks and whether they are enabled (--json for scripts).")
            @OptionGroup var output: OutputOptions
            @OptionGroup var location: LocationOptions

            func run() async throws {
                try await withExitCodes {
                    let ws = try location.openWorkspace(printWarnings: false)
                    let disabled = try ws.disabledHooks()
                    if output.json {
                        return try Console.json(ws.strategy.hooks.map { HookJSON($0, disabled: disabled[$0.id]) })
                    }
                    var t = Table("hook", "type", "target", "timeout", "attempts", "idempotent", "state")
                    for h in ws.strategy.hooks {
                        let target: String = switch h.kind {
                        case .webhook(let url, let env): "\(url) (secret in $\(env))"
                        case .command(let argv): argv.joined(separator: " ") + (h.environment.isEmpty ? "" : " (env: \(h.environment.joined(separator: ", ")))")
                        case .outbox(let dir): dir
                        }
                        t.add(h.id, h.typeName, target, "\(Int(h.timeout)) s", "\(h.maxAttempts)", h.idempotent ? "yes" : "no",
                              disabled[h.id].map { "disabled: \($0)" } ?? "enabled")
                    }
                    Console.out(t.rendered)
                }
            }
        }

        struct Test: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Send a signed test event to a hook and print what happened.",
                discussion: """
                The event is JSON with "type": "hook.test" and an id starting test_. A webhook gets it signed with the real \
                time; a command gets it on standard input (HERALD_DELIVERY_ID=test_…, HERALD_POST_ID empty); an outbox \
                gets it in its test/ folder as test-<date>-test_….json, never in the outbox itself.
                Example: herald hooks test social-api
                """)
            @Argument(help: "The hook's id.") var name: String
            @OptionGroup var location: LocationOptions
            @OptionGroup var clockOptions: ClockOptions

            func run() async throws {
                try await withExitCodes {
                    let ws = try openForPublishing(location)
                    guard ws.strategy.hook(name) != nil else {
                        throw CLIError("no hook '\(name)' in the strategy (known: \(ws.strategy.hooks.map(\.id).joined(separator: ", "))).", exitCode: 65)
                    }
                    var probe = ws.strategy
                    probe.channels = []
                    probe.notify = name
                    let hooks = try ResolvedHook.resolve(probe, environment: ProcessInfo.processInfo.environment, baseDirectory: ws.loaded.directory)
                    var hook = hooks[name]!
                    let caller = HookCaller()
                    // A test event carries the real time, as every request does (`--now` only names it).
                    let sent = Date()
                    let id = "test_" + StableHash.hex("\(name)|\(clockOptions.now.timeIntervalSince1970)|\(sent.timeIntervalSince1970)|\(getpid())")
                    let body = Payload.encode(HookTestEvent(hook: name, sentAt: sent, brand: ws.strategy.brand.name))
                    var day = String(sent.isoUTC.prefix(10)), text: String? = "Herald test event"
                    if case .outbox(let dir) = hook.target {
                        // Never into the outbox itself, where the job reading it would take the test for a post: into its
                        // `test/` folder, named `test-…`, JSON only (no `.md` text to be posted).
                        hook.target = .outbox(directory: (dir as NSString).appendingPathComponent("test"))
                        day = "test-" + day
                        text = nil
                    }
                    let started = ContinuousClock.now
                    let outcome = await caller.call(hook, HookCall(id: id, postID: "", body: body, timestamp: sent, day: day, text: text))
                    await caller.shutdown()
                    let ms = (ContinuousClock.now - started).components.attoseconds / 1_000_000_000_000_000 + (ContinuousClock.now - started).components.seconds * 1000
                    switch outcome {
                    case .published(let url, _, let status, let exit, let excerpt):
                        Console.out("OK in \(ms) ms: " + [status.map { "HTTP \($0)" }, exit.map { "exit \($0)" }, url].compactMap { $0 }.joined(separator: ", "))
                        if let excerpt { Console.out("response: \(excerpt)") }
                    case .retry(let e, _, _, _, let excerpt, let unreachable):
                        Console.out("Not delivered (would retry): \(e)")
                        if let excerpt { Console.out("response: \(excerpt)") }
                        throw ExitCode(unreachable ? 69 : 75)
                    case .failed(let e, _, _, let excerpt, _):
                        Console.out("Refused: \(e)")
                        if let excerpt { Console.out("response: \(excerpt)") }
                        throw ExitCode(65)
                    case .unknown(let e, _):
                        Console.out("Unknown: \(e)")
                        throw ExitCode(75)
                    }
                }
            }
        }

        struct Enable: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Enable a hook that a receiver disabled (HTTP 410).")
            @Argument(help: "The hook's id.") var name: String
            @OptionGroup var location: LocationOptions

            func run() async throws {
                try await withExitCodes {
                    let ws = try location.openWorkspace(printWarnings: false)
                    Console.out(try ws.enableHook(name) ? "Enabled \(name)." : "\(name) was not disabled.")
                }
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The last publish run, what is due next (overdue first), and what needs a person.",
            discussion: """
            Warns when no publish ran in the last 10 minutes while posts are due (is cron set up?). With --json, the \
            same as one object: last_run, overdue, next_due, pending_deliveries, unapproved_next_7_days, needs_a_person, \
            disabled_hooks, inbox (open, overdue, unassigned), warnings.
            Example: herald status
            """)

        @OptionGroup var output: OutputOptions
        @OptionGroup var location: LocationOptions
        @OptionGroup var clockOptions: ClockOptions

        /// How many due posts are listed (the count says how many more there are).
        static let listed = 5

        func run() async throws {
            try await withExitCodes {
                let ws = try location.openWorkspace(printWarnings: false)
                let now = clockOptions.now
                let status = try ws.publishStatus(now: now, listed: Self.listed)
                let (overdueUnqueued, pending, overdue, next) = (status.overdueWithoutDelivery, status.pendingDeliveries, status.overdue, status.nextDue)
                let (upcomingUnapproved, attention, disabled, inbox) = (status.unapprovedNextWeek, status.needsAPerson, status.disabledHooks, status.inbox)
                let lastRun = status.lastRun
                // Minutes since the last pass's clock; negative when that pass replayed a time after this `now`.
                let age = lastRun.map { Int(now.timeIntervalSince($0.clockAt) / 60) }
                var cron: String?
                if let age, age > 10, overdueUnqueued + pending > 0 {
                    cron = "no publish in the last 10 minutes while \(overdueUnqueued + pending) deliveries are due — is cron set up? (see README: Cron and systemd)"
                } else if lastRun == nil, overdueUnqueued > 0 {
                    cron = "\(overdueUnqueued) approved posts are due and nothing publishes them — is cron set up? (see README: Cron and systemd)"
                }
                var warnings = cron.map { [$0] } ?? []
                if !upcomingUnapproved.isEmpty {
                    warnings.append("\(upcomingUnapproved.count) posts in the next 7 days are not approved yet (herald draft / review / approve); they will not be published.")
                }

                if output.json {
                    return try Console.json(StatusJSON(
                        now: now.isoUTC,
                        lastRun: lastRun.map { r in
                            StatusJSON.Run(clockAt: r.clockAt.isoUTC, startedAt: r.startedAt.isoUTC, endedAt: r.endedAt?.isoUTC, mode: r.mode,
                                           minutesAgo: age.map { max(0, $0) } ?? 0, clockAfterNow: (age ?? 0) < 0,
                                           published: r.counts.published, retrying: r.counts.retrying, failed: r.counts.failed,
                                           unknown: r.counts.unknown, expired: r.counts.expired, exitCode: r.exitCode)
                        },
                        overdue: overdue.map { StatusJSON.Due($0) }, nextDue: next.map { StatusJSON.Due($0) },
                        pendingDeliveries: pending, unapprovedNext7Days: upcomingUnapproved.count,
                        needsAPerson: attention.map { DeliveryJSON($0) },
                        disabledHooks: disabled.sorted { $0.key < $1.key }.map { StatusJSON.Disabled(hook: $0.key, reason: $0.value) },
                        inbox: StatusJSON.Inbox(open: inbox.open, overdue: inbox.overdue, unassigned: inbox.unassigned),
                        warnings: warnings))
                }

                if let r = lastRun, let age {
                    let when = age >= 0 ? "\(age) min ago" : "\(-age) min after the time asked about: that pass replayed a later --now"
                    Console.out("Last publish: \(ws.clock.isoLocal(r.clockAt)) (\(when), \(r.mode)) — \(r.counts.published) published, \(r.counts.retrying) retrying, \(r.counts.failed) failed; exit \(r.exitCode.map(String.init) ?? "?").")
                } else {
                    Console.out("No publish has run yet.")
                }
                if let cron { Console.out(Console.yellow("warning: \(cron)")) }
                if !overdue.isEmpty || !next.isEmpty {
                    Console.out("\nNext due:")
                    for p in overdue.prefix(Self.listed) {
                        Console.out("  \(ws.clock.isoLocal(p.scheduledAt))  \(p.channel)  \(p.kind.rawValue)  \(p.id)  overdue")
                    }
                    if overdue.count > Self.listed { Console.out("  … and \(overdue.count - Self.listed) more overdue") }
                    for p in next { Console.out("  \(ws.clock.isoLocal(p.scheduledAt))  \(p.channel)  \(p.kind.rawValue)  \(p.id)") }
                }
                if !upcomingUnapproved.isEmpty {
                    Console.out(Console.yellow("\n\(upcomingUnapproved.count) posts in the next 7 days are not approved yet (herald draft / review / approve); they will not be published."))
                }
                if !attention.isEmpty {
                    Console.out("\nNeeds a person (\(attention.count)):")
                    for d in attention {
                        let hint = d.state == .unknown ? "check the network, then `herald queue mark-published \(d.id)` or `herald queue retry \(d.id)`"
                            : "`herald queue show \(d.id)`, then `herald queue retry \(d.id)` or `cancel`"
                        Console.out("  \(d.state.rawValue)  \(d.id)  post \(d.post) → \(d.hook): \(d.lastError ?? "") — \(hint)")
                    }
                }
                for (hook, reason) in disabled.sorted(by: { $0.key < $1.key }) {
                    Console.out(Console.red("\nhook \(hook) is disabled: \(reason). Fix it, then `herald hooks enable \(hook)`."))
                }
                if inbox.open > 0 {
                    let overdueText = inbox.overdue > 0 ? Console.red(", \(inboxCount(inbox.overdue)) overdue") : ""
                    let nobody = inbox.unassigned > 0 ? Console.yellow(", \(inboxCount(inbox.unassigned)) with nobody to answer") : ""
                    Console.out("\nInbox: \(inboxCount(inbox.open)) open\(overdueText)\(nobody) — `herald inbox`.")
                }
            }
        }
    }
}

/// One hook in `herald hooks list --json` (never a secret: only the name of the variable holding it).
struct HookJSON: Encodable {
    var id, type: String
    var url, secretEnv, dir: String?
    var argv, env: [String]?
    var timeoutSeconds: Double
    var attempts: Int
    var idempotent, enabled: Bool
    var disabledReason: String?

    init(_ h: Hook, disabled: String?) {
        id = h.id; type = h.typeName; timeoutSeconds = h.timeout; attempts = h.maxAttempts; idempotent = h.idempotent
        enabled = disabled == nil; disabledReason = disabled
        switch h.kind {
        case .webhook(let u, let e): url = u; secretEnv = e
        case .command(let a): argv = a; env = h.environment
        case .outbox(let d): dir = d
        }
    }
}

/// `herald status --json`.
struct StatusJSON: Encodable {
    struct Run: Encodable {
        var clockAt, startedAt: String
        var endedAt: String?
        var mode: String
        /// Whole minutes from the pass's clock to now (0 when the pass replayed a later time: see `clockAfterNow`).
        var minutesAgo: Int
        var clockAfterNow: Bool
        var published, retrying, failed, unknown, expired: Int
        var exitCode: Int?
    }
    struct Due: Encodable {
        var post, channel, kind, scheduledAt: String
        init(_ p: Post) { post = p.id; channel = p.channel; kind = p.kind.rawValue; scheduledAt = p.scheduledAt.isoUTC }
    }
    struct Disabled: Encodable { var hook, reason: String }
    /// Counts stop at `countCap` + 1: a count above `countCap` means "more than countCap".
    struct Inbox: Encodable {
        var open, overdue, unassigned: Int
        var countCap = Store.inboxCountCap
    }

    var now: String
    var lastRun: Run?
    var overdue: [Due]
    var nextDue: [Due]
    var pendingDeliveries: Int
    var unapprovedNext7Days: Int
    var needsAPerson: [DeliveryJSON]
    var disabledHooks: [Disabled]
    var inbox: Inbox
    var warnings: [String]

    /// Written out: the snake-case conversion would make `unapprovedNext7Days` "unapproved_next7_days".
    enum CodingKeys: String, CodingKey {
        case now, lastRun, overdue, nextDue, pendingDeliveries, needsAPerson, disabledHooks, inbox, warnings
        case unapprovedNext7Days = "unapproved_next_7_days"
    }
}

struct DeliveryJSON: Encodable {
    var id, post, hook, state, due_at, next_attempt_at: String
    var attempts, max_attempts, revision: Int
    var last_error, remote_url, remote_id, published_at: String?

    init(_ d: Delivery) {
        id = d.id; post = d.post; hook = d.hook; state = d.state.rawValue; due_at = d.dueAt.isoUTC
        next_attempt_at = d.nextAttemptAt.isoUTC; attempts = d.attempts; max_attempts = d.maxAttempts; revision = d.revision
        last_error = d.lastError; remote_url = d.remoteURL; remote_id = d.remoteID; published_at = d.publishedAt?.isoUTC
    }
}

extension String {
    func ifEmpty(_ other: String) -> String { isEmpty ? other : self }
}
