import ArgumentParser
import Foundation
import HeraldModel
import HeraldStore
import HeraldWorkspace

extension Herald {
    struct Tasks: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A participant's own work: posts to write, posts to finish, and brand posts to share.",
            discussion: "Examples:\n  herald tasks --owner anna\n  herald tasks 2027-02 --owner lena --json")

        @OptionGroup var periodOptions: PeriodOptions
        @Option(help: ArgumentHelp("The participant: id or name (case and accents do not matter).", valueName: "person")) var owner: String
        @OptionGroup var output: OutputOptions
        @OptionGroup var location: LocationOptions

        func validate() throws { try validatePersonName(owner, option: "--owner") }

        struct TasksJSON: Encodable {
            var participant: String
            var posts: [PostJSON]
            var shares: [ShareTaskJSON]
        }

        func run() async throws {
            try await withExitCodes {
                let ws = try location.openWorkspace(printWarnings: false)
                let person = try participant(named: owner, option: "--owner", in: ws.strategy)
                let owner = person.id
                let range: DateRange? = periodOptions.period != nil || periodOptions.from != nil ? try periodOptions.range(in: ws) : ws.strategy.period
                let bounds = range.map(ws.instants)
                let posts = try ws.posts(PostQuery(from: bounds?.from, to: bounds?.to, owner: owner,
                                                         statuses: [.planned, .drafted, .approved, .paused]))
                let shares = try ws.shareTasks(participant: owner, from: bounds?.from, to: bounds?.to)
                if output.json {
                    return try Console.json(TasksJSON(participant: owner, posts: posts.map { PostJSON($0, clock: ws.clock) },
                                                      shares: shares.map { ShareTaskJSON($0, clock: ws.clock) }))
                }
                Console.out(Console.bold("\(person.name) — \(person.role.isEmpty ? "participant" : person.role)") +
                            (person.mayPost ? "" : Console.yellow("  (not trained or rules not accepted: no posts until then)")))
                let write = posts.filter { $0.status == .planned }
                let finish = posts.filter { $0.status == .drafted }
                let upcoming = posts.filter { $0.status == .approved || $0.status == .paused }
                func section(_ title: String, _ list: [Post]) {
                    guard !list.isEmpty else { return }
                    Console.out("\n\(title) (\(list.count))")
                    for p in list { Console.out("  \(ws.clock.localDate(p.scheduledAt))  " + agendaLine(p, ws)) }
                }
                section("Posts to write", write)
                section("Drafts to finish and get approved", finish)
                section("Approved, waiting to go out", upcoming)
                if !shares.isEmpty {
                    Console.out("\nBrand posts to share from your own account (\(shares.count))")
                    for t in shares {
                        let l = ws.clock.local(t.due)
                        Console.out("  \(l.date) \(l.time)  \(t.network.rawValue)  post \(t.post)\(t.done ? "  done" : "")")
                    }
                }
                if posts.isEmpty && shares.isEmpty { Console.out("Nothing to do\(range.map { " in \($0.start) – \($0.end)" } ?? "").") }
            }
        }
    }
}
