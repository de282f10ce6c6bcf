// In-process benchmarks: `cd Benchmarks && swift package benchmark` (release build; see README.md, Performance).
// Whole-process scenarios (process start, cron tick, webhook burst) are in run.sh.
import Benchmark
import Foundation
import HeraldContent
import HeraldFixtures
import HeraldModel
import HeraldPlanner
import HeraldReports
import HeraldStore
import HeraldWorkspace

/// State built once by a benchmark's setup hook (outside the measurement).
final class Fixture<T>: @unchecked Sendable {
    var value: T?
    var get: T { value! }
}

/// Counts what a writer produces without keeping it: exports measured without the disk.
struct CountingSink: TextSink {
    var bytes = 0
    mutating func write(_ text: String) { bytes += text.utf8.count }
    mutating func write(utf8 bytes: [UInt8]) { self.bytes += bytes.count }
}

let planNow = Date(iso: "2026-12-01T00:00:00Z")!
let quarter = DateRange(start: LocalDate(iso: "2027-01-01")!, end: LocalDate(iso: "2027-03-31")!)
let year = DateRange(start: LocalDate(iso: "2027-01-01")!, end: LocalDate(iso: "2027-12-31")!)

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident, .throughput],
        warmupIterations: 1, maxDuration: .seconds(5), maxIterations: 50)
    let few = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident],
        warmupIterations: 0, maxDuration: .seconds(20), maxIterations: 5)

    // MARK: Plan

    let example = Fixture<Workspace>()
    Benchmark("Plan: bundled quarter (dry run)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try example.get.plan(quarter, seed: 1, now: planNow, dryRun: true))
        }
    } setup: {
        example.value = try Workspaces.example()
    } teardown: {
        Workspaces.remove(example.get)
    }

    Benchmark("Plan: bundled quarter (stored, new database)") { benchmark in
        for i in benchmark.scaledIterations {
            let ws = try Workspaces.reopen(example.get, database: "stored-\(i).sqlite")
            blackHole(try ws.plan(quarter, seed: 1, now: planNow, dryRun: false))
        }
    } setup: {
        example.value = try Workspaces.example()
    } teardown: {
        Workspaces.remove(example.get)
    }

    for factor in [1, 4, 16] {
        let ws = Fixture<Workspace>()
        Benchmark("Plan: \(factor)x channels (\(12 * factor)), a year (dry run)", configuration: few) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try ws.get.plan(year, seed: 1, now: planNow, dryRun: true))
            }
        } setup: {
            ws.value = try Workspaces.synthetic(.scaled(factor))
        } teardown: {
            Workspaces.remove(ws.get)
        }
    }

    let large = Fixture<Workspace>()
    Benchmark("Plan: large, 200 channels, a year (stored)", configuration: few) { benchmark in
        for i in benchmark.scaledIterations {
            let ws = try Workspaces.reopen(large.get, database: "stored-\(i).sqlite")
            blackHole(try ws.plan(year, seed: 1, now: planNow, dryRun: false))
        }
    } setup: {
        large.value = try Workspaces.synthetic(.large())
    } teardown: {
        Workspaces.remove(large.get)
    }

    // MARK: Draft

    let drafting = Fixture<(Drafter, [Post])>()
    Benchmark("Draft: bundled quarter") { benchmark in
        let (drafter, posts) = drafting.get
        for _ in benchmark.scaledIterations {
            blackHole(try drafter.draft(posts))
        }
    } setup: {
        let ws = try Workspaces.example()
        drafting.value = (try ws.drafter(), try ws.plan(quarter, seed: 1, now: planNow, dryRun: true).plan.posts)
        Workspaces.remove(ws)
    }

    // MARK: Delivery queue

    // One claim/finish cycle: claim a batch of 64 due deliveries (one IMMEDIATE transaction) and finish them as
    // published (one transaction), with the store's durable settings.
    let queue = Fixture<(Workspace, Date)>()
    Benchmark("Queue: claim + finish 64 deliveries", configuration: .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput], warmupIterations: 1, maxDuration: .seconds(5),
        maxIterations: 150)) { benchmark in
        let (ws, now) = queue.get
        for _ in benchmark.scaledIterations {
            let (claimed, _) = try ws.store.claim(owner: "bench:1:aaaaaa", limit: 64, now: now, lease: 120, notify: false)
            let results = claimed.map { (delivery: $0.delivery, result: DeliveryResult.published(url: nil, remoteID: nil, httpStatus: 200, exitCode: nil, excerpt: nil), endedAt: now) }
            blackHole(try ws.store.finish(results, owner: "bench:1:aaaaaa", notify: false))
        }
    } setup: {
        let ws = try Workspaces.example()
        let now = Date(iso: "2027-01-10T12:00:00Z")!
        let channel = ws.strategy.channels[0]
        var posts: [Post] = []
        for n in 0..<(64 * 160) {
            posts.append(Post(id: "p-q\(n)", channel: channel.id, network: channel.network, kind: .informational,
                              scheduledAt: now.addingTimeInterval(-60), status: .approved, body: "Due now \(n)"))
        }
        try ws.store.insert(posts, at: now)
        _ = try ws.store.refreshQueue(now: now, hooks: ws.dueHooks, notify: false)
        queue.value = (ws, now)
    } teardown: {
        Workspaces.remove(queue.get.0)
    }

    // MARK: Export

    let exporting = Fixture<(Workspace, [Post])>()
    Benchmark("Export: ICS, large strategy's year", configuration: few) { benchmark in
        let (ws, posts) = exporting.get
        for _ in benchmark.scaledIterations {
            var writer = ICSWriter(strategy: ws.strategy, clock: ws.clock, options: .init(name: "bench", range: year, generatedAt: planNow),
                                   sink: CountingSink())
            try writer.begin()
            for p in posts { try writer.write(p) }
            try writer.end()
            blackHole(writer.sink.bytes)
        }
    } setup: {
        let ws = try Workspaces.synthetic(.large())
        exporting.value = (ws, try ws.plan(year, seed: 1, now: planNow, dryRun: true).plan.allPosts)
    } teardown: {
        Workspaces.remove(exporting.get.0)
    }

    Benchmark("Export: HTML calendar, large strategy's year", configuration: few) { benchmark in
        let (ws, posts) = exporting.get
        let marks = try ws.calendarDays(year)
        for _ in benchmark.scaledIterations {
            var sink = CountingSink()
            try HTMLCalendar(strategy: ws.strategy, clock: ws.clock, range: year, title: "bench", generatedAt: planNow, marks: marks)
                .write(posts, into: &sink)
            blackHole(sink.bytes)
        }
    } setup: {
        let ws = try Workspaces.synthetic(.large())
        exporting.value = (ws, try ws.plan(year, seed: 1, now: planNow, dryRun: true).plan.allPosts)
    } teardown: {
        Workspaces.remove(exporting.get.0)
    }
}
