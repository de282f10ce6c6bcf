import Foundation
import HeraldFixtures

// herald-fixtures: writes the benchmarks' synthetic inputs. Deterministic: the same arguments give the same files.
//
//   herald-fixtures strategy large|scaled-N DIR [--webhook-url URL]   strategy.yaml + Calendars/company.ics in DIR
//   herald-fixtures cron-db FILE [--posts N] [--webhook-url URL]      1,000,000 posts (large strategy's channels), with
//                                                                     the large strategy's snapshot (same --webhook-url)
//   herald-fixtures reset-due FILE [--outbox DIR]                     the 100 due posts back to approved
//   herald-fixtures burst-db FILE [--posts N]                          10,000 approved posts due in one minute

func usage() -> Never {
    FileHandle.standardError.write(Data("""
        usage: herald-fixtures strategy large|scaled-N DIR [--webhook-url URL]
               herald-fixtures cron-db FILE [--posts N]
               herald-fixtures reset-due FILE [--outbox DIR]
               herald-fixtures burst-db FILE [--posts N]

        """.utf8))
    exit(64)
}

var args = Array(CommandLine.arguments.dropFirst())
@MainActor func option(_ name: String) -> String? {
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
    let v = args[i + 1]
    args.removeSubrange(i...(i + 1))
    return v
}
let webhook = option("--webhook-url") ?? "http://127.0.0.1:18080/hook"
let posts = option("--posts").flatMap(Int.init)
let outbox = option("--outbox")
guard let command = args.first else { usage() }

do {
    switch command {
    case "strategy":
        guard args.count == 3 else { usage() }
        var shape: StrategyShape
        if args[1] == "large" {
            shape = .large(webhookURL: webhook)
        } else if args[1].hasPrefix("scaled-"), let k = Int(args[1].dropFirst(7)) {
            shape = .scaled(k)
            shape.webhookURL = webhook
        } else {
            usage()
        }
        try StrategyFixture.write(shape, to: args[2])
    case "cron-db":
        guard args.count == 2 else { usage() }
        try DatabaseFixture.cronTick(path: args[1], shape: .large(webhookURL: webhook), count: posts ?? 1_000_000) {
            FileHandle.standardError.write(Data("  \($0)\n".utf8))
        }
    case "reset-due":
        guard args.count == 2 else { usage() }
        try DatabaseFixture.resetDue(path: args[1], shape: .large(webhookURL: webhook), outbox: outbox)
    case "burst-db":
        guard args.count == 2 else { usage() }
        try DatabaseFixture.burst(path: args[1], shape: .large(webhookURL: webhook), count: posts ?? 10_000)
    default:
        usage()
    }
} catch {
    FileHandle.standardError.write(Data("herald-fixtures: \(error)\n".utf8))
    exit(1)
}
