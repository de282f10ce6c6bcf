import ArgumentParser
import Foundation
import HeraldResources

extension Herald {
    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the commented example strategy.yaml to start from, and results-example.csv beside it.",
            discussion: "results-example.csv holds results for some of the example's 2027-Q1 posts (keyed by their post ids, which re-planning the same strategy gives again), to try `herald results` and the report's \"What worked\" and \"Campaign spend\": see README, \"See what worked on the example\". An existing results-example.csv is left as it is unless --force. Example: herald init && herald validate")

        @Argument(help: ArgumentHelp("Where to write it.", valueName: "file"))
        var path = "strategy.yaml"

        @Flag(help: "Overwrite an existing file.")
        var force = false

        func run() async throws {
            try await withExitCodes {
                guard let text = BundledFiles.text("Templates/strategy.yaml") else {
                    throw CLIError("the bundled example is missing from this build.", exitCode: 70)
                }
                if FileManager.default.fileExists(atPath: path), !force {
                    throw CLIError("\(path) already exists; nothing was changed. Use --force to overwrite it.", exitCode: 73)
                }
                do {
                    try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
                } catch {
                    throw CLIError("cannot write \(path): \(error.localizedDescription)", exitCode: 73)
                }
                Console.out("Wrote \(path): the Bean & Bloom Coffee example. Edit it, then run `herald validate`.")
                let results = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("results-example.csv").path
                let shown = (path as NSString).deletingLastPathComponent.isEmpty ? "results-example.csv" : results
                if let csv = BundledFiles.text("Templates/results-example.csv"), force || !FileManager.default.fileExists(atPath: results) {
                    do {
                        try Data(csv.utf8).write(to: URL(fileURLWithPath: results), options: .atomic)
                    } catch {
                        throw CLIError("cannot write \(shown): \(error.localizedDescription)", exitCode: 73)
                    }
                    Console.out("Wrote \(shown): results for some of the example's 2027-Q1 posts (README, \"See what worked on the example\").")
                }
            }
        }
    }
}
