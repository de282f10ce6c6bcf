import ArgumentParser
import Foundation
import HeraldResources

extension Herald {
    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the commented example strategy.yaml to start from.",
            discussion: "Example: herald init && herald validate")

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
            }
        }
    }
}
