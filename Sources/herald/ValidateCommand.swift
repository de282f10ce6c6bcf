import ArgumentParser
import Foundation
import HeraldStrategy

extension Herald {
    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the strategy file and list every problem at once.",
            discussion: """
            Exits 0 when the file is valid (warnings are printed but do not fail), 65 when its content is \
            invalid, 66 when it is missing or unreadable, 78 when the YAML itself is broken.
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
                let warn = loaded.warnings.isEmpty ? "" : " (\(loaded.warnings.count) warning\(loaded.warnings.count == 1 ? "" : "s"))"
                Console.out("\(name): OK — \(loaded.summary)\(warn)")
            }
        }
    }
}
