import Foundation
import PackagePlugin

/// Embeds the bundled `Templates/` and `Calendars/` into the binary at build time, so an installed
/// `herald` finds them wherever it lives.
@main
struct EmbedBundled: BuildToolPlugin {
    static let folders = ["Templates", "Calendars"]
    static let extensions: Set<String> = ["yaml", "mustache", "ics", "md", "csv"]

    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let root = context.package.directoryURL
        var inputs: [URL] = []
        for folder in Self.folders {
            let dir = root.appendingPathComponent(folder)
            guard let walker = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil) else { continue }
            for case let url as URL in walker where Self.extensions.contains(url.pathExtension) {
                inputs.append(url)
            }
        }
        inputs.sort { $0.path < $1.path }
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("BundledFiles+Contents.swift")
        return [.buildCommand(
            displayName: "Embedding Templates/ and Calendars/",
            executable: try context.tool(named: "herald-embed").url,
            arguments: [root.path, output.path] + inputs.map(\.path),
            inputFiles: inputs,
            outputFiles: [output])]
    }
}
