import Foundation
import HeraldCrisis
import HeraldModel
import HeraldPublish
import HeraldResources
import HeraldStore
import HeraldStrategy
import Synchronization

/// What a publishing session has to tell the person running it while it works. The command prints it; the session
/// decides when (each notice is given once while its cause lasts, as described per case).
public enum PublishNotice: Sendable {
    /// An unhandled crisis alert holds contest and discount posts: once per raised alert (again when a newer reading
    /// raises it again); `publish` gives it on every pass that is held.
    case promotionHeld(CrisisAlertState)
    /// `run`: the crisis alert could not be read, so promotion is held for this pass; once until it can be read again.
    case alertUnreadable(String)
    /// `run`: the strategy file cannot be read; the version read before is kept. Once while the problem lasts.
    case strategyUnreadable(file: String)
    /// `run`: the strategy file changed and the new version is used from this pass on, with its warnings.
    case strategyReloaded(file: String, warnings: [Diagnostic])
    /// `run`: the strategy file changed but the new version cannot be used; the version read before is kept.
    case strategyUnusable(file: String, problem: String)
    /// `run`: a pass failed on the database and the next one will try again; once while the same failure repeats.
    case passFailed(StoreError)
    /// `run`: a pass worked after one failed.
    case passesWorkAgain
}

/// A publishing session over a workspace: what `herald publish` (one pass, `publishOnce`) and `herald run` (the
/// service, `service(interval:onPass:)`) both drive. It owns the hook caller, checks the crisis alert before each pass
/// (holding promotion while an alert nobody has handled is raised), reads the strategy again when its file changed
/// (`run`), and keeps the run bookkeeping (a `runs` row per pass, the strategy snapshot the idle tick compares with).
public final class PublishSession: Sendable {
    public let workspace: Workspace
    public let environment: [String: String]
    public let settings: PublisherSettings
    public let caller: HookCaller
    /// The session's clock: starts at `start` (`--now`, or the system time) and runs at real speed.
    public let now: @Sendable () -> Date
    private let notice: @Sendable (PublishNotice) -> Void
    private let state: Mutex<State>

    /// What a service changes from pass to pass.
    private struct State: Sendable {
        /// The content hash of the strategy version in use (its warnings were printed when it was taken).
        var contentHash: String
        var publisher: Publisher?
        var hold: AlertHold?
        /// A new text seen on the last check, taken when the next check sees it again.
        var pending: String?
        /// The last problem reported, so it is reported once.
        var reported: String?
        /// The last failed pass's message, until a pass works.
        var lastFailure: String?
    }

    /// - Parameters:
    ///   - start: where the session's clock starts (`--now`, or the system time).
    ///   - notice: told what the person should know (see `PublishNotice`); called from the session's passes.
    public init(workspace: Workspace, environment: [String: String], settings: PublisherSettings, start: Date,
                notice: @escaping @Sendable (PublishNotice) -> Void) {
        self.workspace = workspace; self.environment = environment; self.settings = settings; self.notice = notice
        caller = HookCaller(environment: environment, concurrency: settings.concurrency)
        now = Self.runningClock(from: start)
        state = Mutex(State(contentHash: workspace.loaded.contentHash))
    }

    /// Ends the hook caller's connections. `publishOnce` does it itself; a service calls it once it stopped.
    public func shutdown() async { await caller.shutdown() }

    // MARK: One pass (`herald publish`)

    /// What one `publish` pass came to.
    public enum OnePass: Sendable {
        /// Another publisher holds the lock: nothing was done.
        case busy(database: String)
        case done(PassReport)
    }

    /// One pass, as cron runs it: holds promotion when an unhandled crisis alert is raised (an alert that cannot be read
    /// fails the pass), takes the publish lock (`wait`: wait for another publisher instead of returning `.busy`),
    /// records the pass in `runs` and the strategy it worked from, then shuts the hook caller down.
    public func publishOnce(wait: Bool) async throws -> OnePass {
        do {
            var settings = settings
            if let alert = try await workspace.crisisDesk().alert(now: now()), !alert.handled {
                settings.holdPromotional = true
                notice(.promotionHeld(alert))
            }
            let publisher = try workspace.publisher(environment: environment, settings: settings, caller: caller)
            guard let lock = try FileLock(path: workspace.publishLockPath, wait: wait) else {
                await caller.shutdown()
                return .busy(database: workspace.store.path)
            }
            let store = workspace.store, loaded = workspace.loaded
            let runID = try await store.startRun(owner: publisher.settings.owner, mode: "publish", startedAt: Date(), clockAt: now(),
                                           strategyHash: loaded.contentHash)
            let report: PassReport
            do {
                report = try await publisher.runOnce(now: now)
            } catch {
                try? await store.endRun(runID, counts: RunCounts(), exitCode: 74, note: "\(error)", at: Date())
                throw error
            }
            try await store.endRun(runID, counts: report.counts, exitCode: report.exitCode, note: nil, at: Date())
            // Remember the strategy this pass worked from, so the next idle tick can skip parsing it.
            try await store.recordSnapshot(file: loaded.file, text: loaded.text, contentHash: loaded.contentHash,
                                     brand: workspace.strategy.brand.name, at: Date())
            withExtendedLifetime(lock) {}
            await caller.shutdown()
            return .done(report)
        } catch {
            await caller.shutdown()
            throw error
        }
    }

    /// What the idle tick came to.
    public enum IdleTick: Sendable {
        /// Nothing was due and the strategy is the one last worked from: the pass was recorded and is done.
        case recorded
        /// Nothing was due, but another publisher holds the lock: nothing was done.
        case busy(database: String)
        /// The full pass must run (there is work, the strategy changed, or there is no database yet), with the store
        /// opened on the way when there was one.
        case work(Store?)
    }

    /// The idle tick, what cron runs most minutes: when the strategy file is the one Herald last worked from (so it was
    /// valid then) and the database has nothing due, record the pass and stop, without parsing the strategy or starting
    /// an HTTP client.
    public static func idleTick(strategyFile: String, databaseFile: String, openStore: () throws -> Store, now: Date,
                                wait: Bool) throws -> IdleTick {
        guard FileManager.default.fileExists(atPath: databaseFile),
              let data = FileManager.default.contents(atPath: strategyFile),
              let text = String(data: data, encoding: .utf8) else { return .work(nil) }
        let store = try openStore()
        guard try store.latestSnapshotHash() == StrategyLoader.contentHash(of: text) else { return .work(store) }
        guard try !store.hasPublishWork(now: now) else { return .work(store) }
        let started = Date()
        guard let lock = try FileLock(path: FileLock.publishLockPath(database: store.path), wait: wait) else {
            return .busy(database: store.path)
        }
        try store.recordIdleRun(owner: PublisherSettings.defaultOwner(), mode: "publish", startedAt: started, clockAt: now, endedAt: Date())
        withExtendedLifetime(lock) {}
        return .recorded
    }

    // MARK: The service (`herald run`)

    /// The service `herald run` runs: before each pass it reads the strategy again when its file changed and checks the
    /// crisis alert; after each pass it records it in `runs` and calls `onPass` (for printing).
    ///
    /// The strategy file is read again when its text changed, so an edited strategy (a new channel, another hook address)
    /// is used from a following pass on, as cron's `publish` would. A new text is taken once it has been seen unchanged
    /// on two checks in a row, so a file caught half-written is never used. A version that cannot be used (errors, a
    /// missing secret) is reported (again only when the problem changes) and the previous one kept; it is tried again
    /// at every pass.
    public func service(interval: Duration, onPass: @escaping @Sendable (PassReport) -> Void) throws -> PublisherService {
        let publisher = try workspace.publisher(environment: environment, settings: settings, caller: caller)
        let hold = AlertHold(desk: try workspace.crisisDesk())
        state.withLock { $0.publisher = publisher; $0.hold = hold }
        let store = workspace.store, owner = publisher.settings.owner, now = now
        return PublisherService(publisher: publisher, lockPath: workspace.publishLockPath, interval: interval, now: now,
                                publisherForPass: { [self] in await nextPublisher() }, onFailure: { [self] in failed($0) }) { [self] report in
            succeeded()
            let hash = state.withLock { $0.contentHash }
            if let id = try? await store.startRun(owner: owner, mode: "run", startedAt: Date(), clockAt: now(), strategyHash: hash) {
                try? await store.endRun(id, counts: report.counts, exitCode: report.exitCode, note: nil, at: Date())
            }
            onPass(report)
        }
    }

    /// The publisher for the next pass: the strategy read again if it changed, promotion held while an alert is raised.
    /// The alert is read outside the lock (a suspension: the database's async access); only the service's loop calls
    /// this, one pass after the other, so the state is not changed in between.
    private func nextPublisher() async -> Publisher {
        let desk = state.withLock { s in
            reloadIfChanged(&s)
            return s.hold!.desk
        }
        let read: Result<CrisisAlertState?, any Error>
        do { read = .success(try await desk.alert(now: now())) } catch { read = .failure(error) }
        return state.withLock { s in
            var p = s.publisher!
            p.settings.holdPromotional = s.hold!.take(read, notice)
            return p
        }
    }

    /// A pass that failed on the database: reported once while the same failure repeats.
    private func failed(_ error: StoreError) {
        state.withLock { s in
            let message = "\(error)"
            guard message != s.lastFailure else { return }
            s.lastFailure = message
            notice(.passFailed(error))
        }
    }

    private func succeeded() {
        state.withLock { s in
            if s.lastFailure != nil { notice(.passesWorkAgain) }
            s.lastFailure = nil
        }
    }

    private func report(_ problem: String, _ n: PublishNotice, _ s: inout State) {
        guard problem != s.reported else { return }
        s.reported = problem
        notice(n)
    }

    private func reloadIfChanged(_ s: inout State) {
        let file = workspace.loaded.file
        guard let data = FileManager.default.contents(atPath: file) else {
            return report("unreadable \(file)", .strategyUnreadable(file: file), &s)
        }
        let hash = StrategyLoader.contentHash(of: String(decoding: data, as: UTF8.self))
        guard hash != s.contentHash else { s.pending = nil; s.reported = nil; return }
        guard hash == s.pending else { s.pending = hash; return }
        do {
            let ws = Workspace(loaded: try Workspace.loadStrategy(file: file), store: workspace.store)
            let fresh = try ws.publisher(environment: environment, settings: settings, caller: caller)
            let freshHold = AlertHold(desk: try ws.crisisDesk(), continuing: s.hold)
            s.publisher = fresh; s.hold = freshHold; s.contentHash = ws.loaded.contentHash; s.pending = nil; s.reported = nil
            notice(.strategyReloaded(file: file, warnings: ws.loaded.warnings))
        } catch {
            let problem = "\(error)"
            report("unusable \(problem)", .strategyUnusable(file: file, problem: problem), &s)
        }
    }

    // MARK: Helpers both commands use

    /// A clock that starts at `start` and runs at real speed.
    public static func runningClock(from start: Date) -> @Sendable () -> Date {
        let began = ContinuousClock.now
        return { start.addingTimeInterval(Double((ContinuousClock.now - began).components.seconds)
            + Double((ContinuousClock.now - began).components.attoseconds) / 1e18) }
    }

    /// Publisher settings from the environment: HERALD_BATCH_SIZE (deliveries claimed per commit) and HERALD_CONCURRENCY
    /// (hook calls in flight). A value that is not a positive whole number is reported in `problems` and the default kept.
    public static func settings(environment env: [String: String]) -> (settings: PublisherSettings, problems: [String]) {
        var settings = PublisherSettings()
        var problems: [String] = []
        func read(_ name: String, default value: Int) -> Int {
            guard let raw = env[name] else { return value }
            if let n = Int(raw.trimmingCharacters(in: .whitespaces)), n > 0, n <= 100_000 { return n }
            problems.append("warning: \(name)='\(raw)' is not a whole number from 1 to 100000; using \(value).")
            return value
        }
        settings.batchSize = read("HERALD_BATCH_SIZE", default: settings.batchSize)
        settings.concurrency = read("HERALD_CONCURRENCY", default: settings.concurrency)
        return (settings, problems)
    }
}

extension Workspace {
    /// Reads and validates a strategy file (its templates and calendars looked up beside it).
    public static func loadStrategy(file: String) throws(StrategyError) -> LoadedStrategy {
        let locator = ResourceLocator(baseDirectory: (file as NSString).deletingLastPathComponent)
        return try StrategyLoader.load(file: file, fileExists: locator.exists)
    }

    /// The strategy's warnings `publish` and `run` print: once per changed strategy, not on every pass (cron would mail
    /// them every minute): when the last pass recorded another strategy, or with `verbose`.
    public func publishWarnings(verbose: Bool) throws -> [Diagnostic] {
        let shown = try store.lastRunStrategyHash()
        guard verbose || shown != loaded.contentHash else { return [] }
        return loaded.warnings
    }
}

/// The check before each pass of a service: whether an unhandled crisis alert holds promotional posts. The warning is
/// given once per raised alert (again when a newer reading raises it again), not every pass. When the alert cannot be
/// read (the database is busy), promotion is held for that pass, a late promotion being better than one during a
/// crisis; that is reported once until the alert can be read again. Changed under the session's lock, after the alert
/// was read (`take`).
struct AlertHold: Sendable {
    let desk: CrisisDesk
    var warnedFor: Date?
    var unreadable = false

    /// - Parameter continuing: the check this one replaces (the strategy was read again): an alert it warned about
    ///   is not warned about again.
    init(desk: CrisisDesk, continuing previous: AlertHold? = nil) {
        self.desk = desk
        warnedFor = previous?.warnedFor
    }

    /// Whether promotion is held, given what reading the alert (`desk.alert(now:)`) came to.
    mutating func take(_ read: Result<CrisisAlertState?, any Error>, _ notice: (PublishNotice) -> Void) -> Bool {
        do {
            let alert = try read.get()
            unreadable = false
            guard let alert, !alert.handled else { warnedFor = nil; return false }
            if warnedFor != alert.recordedAt {
                warnedFor = alert.recordedAt
                notice(.promotionHeld(alert))
            }
            return true
        } catch {
            if !unreadable {
                unreadable = true
                notice(.alertUnreadable("\(error)"))
            }
            return true
        }
    }
}
