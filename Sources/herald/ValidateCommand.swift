import ArgumentParser
import Foundation
import HeraldStrategy
import HeraldWorkspace

extension Herald {
    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the strategy file and list every problem at once.",
            discussion: """
            Also reads every file the strategy names, as `plan` and `draft` would: the calendars (ICS), the templates \
            folder and the evergreen library. Exits 0 when all is valid (warnings are printed but do not fail), 65 when \
            the content of the strategy or of a file it names is invalid, 66 when it is missing or unreadable, 78 when the YAML itself is broken.
            Example: herald validate strategy.yaml
            """)

        @Argument(help: ArgumentHelp("The strategy file (overrides --strategy).", valueName: "file"))
        var file: String?

        @OptionGroup var location: LocationOptions

        func run() async throws {
            try await withExitCodes {
                var loc = location
                if let file { loc.strategy = file }
                let loaded = try loc.loadStrategy()
                let name = (loaded.file as NSString).lastPathComponent
                // What `plan` and `draft` read besides the strategy: calendars, the templates folder, the library.
                let fileProblems = Workspace.problemsInNamedFiles(of: loaded)
                if !fileProblems.isEmpty {
                    for p in fileProblems { Console.error(p) }
                    Console.error("\(fileProblems.count) error\(fileProblems.count == 1 ? "" : "s") in files the strategy names; nothing was changed.")
                    throw ExitCode(65)
                }
                let warn = loaded.warnings.isEmpty ? "" : " (\(loaded.warnings.count) warning\(loaded.warnings.count == 1 ? "" : "s"))"
                Console.out("\(name): OK — \(loaded.summary)\(warn)")
            }
        }
    }
}
