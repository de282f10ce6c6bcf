import Foundation
import HeraldModel
import Yams

/// A strategy read from a file, with the warnings found while reading it.
public struct LoadedStrategy: Sendable {
    public var strategy: Strategy
    /// The file it came from, as given.
    public var file: String
    /// The YAML text, as read.
    public var text: String
    /// A hash of the text, stored with each imported snapshot.
    public var contentHash: String
    public var warnings: [Diagnostic]

    /// The folder holding the strategy file; relative paths in it are resolved from here.
    public var directory: String { (file as NSString).deletingLastPathComponent.isEmpty ? "." : (file as NSString).deletingLastPathComponent }

    /// Counts for a one-line summary.
    public var summary: String {
        let s = strategy
        func n(_ c: Int, _ word: String) -> String { "\(c) \(word)\(c == 1 ? "" : "s")" }
        return [n(s.goals.count, "goal"), n(s.metrics.count, "metric"), n(s.channels.count, "channel"),
                n(s.participants.count, "participant"), n(s.campaigns.count, "campaign")].joined(separator: ", ")
    }
}

/// Reads `strategy.yaml` into a `Strategy`, reporting every problem at once.
public enum StrategyLoader {
    /// Locales with bundled templates.
    public static let bundledLocales = ["en", "pl", "de", "nl", "ru"]

    /// The hash that names a strategy's text (`LoadedStrategy.contentHash`): what an idle cron tick and `herald run`
    /// compare a file with to tell whether it changed since it was read.
    public static func contentHash(of text: String) -> String { StableHash.hex(text) }

    /// Reads and validates a strategy file.
    /// - Parameter fileExists: tells whether a path named in the strategy (calendars) can be found;
    ///   defaults to the file system relative to the strategy's folder.
    public static func load(file: String, fileExists: ((String) -> Bool)? = nil) throws(StrategyError) -> LoadedStrategy {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDir) else { throw .notFound(path: file) }
        if isDir.boolValue { throw .unreadable(path: file, reason: "it is a folder, not a file") }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw .unreadable(path: file, reason: "permission denied or I/O error")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .unreadable(path: file, reason: "not UTF-8 text; save it as UTF-8")
        }
        let dir = (file as NSString).deletingLastPathComponent
        let exists = fileExists ?? { path in
            let full = path.hasPrefix("/") ? path : (dir.isEmpty ? path : "\(dir)/\(path)")
            return FileManager.default.fileExists(atPath: full)
        }
        return try parse(text, file: file, fileExists: exists)
    }

    /// Validates YAML text as a strategy.
    public static func parse(_ text: String, file: String = "strategy.yaml",
                             fileExists: @escaping (String) -> Bool = { _ in true }) throws(StrategyError) -> LoadedStrategy {
        let name = file
        let root: Node
        do {
            // The basic resolver tags every plain scalar as text: the reader parses numbers, booleans and dates itself,
            // and Yams' default resolver tries a set of regular expressions on every scalar (most of a large file's load time).
            guard let node = try Yams.compose(yaml: text, .basic) else {
                throw StrategyError.invalid([Diagnostic(.error, file: name, line: 1, column: nil, path: "",
                    message: "the file is empty. Run `herald init` for a commented example to start from.")])
            }
            root = node
        } catch let e as StrategyError {
            throw e
        } catch let e as YamlError {
            throw .syntax(syntaxDiagnostic(e, file: name))
        } catch {
            throw .syntax(Diagnostic(.error, file: name, line: nil, column: nil, path: "", message: "\(error)"))
        }
        let reader = NodeReader(file: name)
        let builder = StrategyBuilder(reader: reader, fileExists: fileExists)
        let strategy = builder.build(root)
        let errors = reader.diagnostics.filter { $0.severity == .error }
        let warnings = reader.diagnostics.filter { $0.severity == .warning }
        guard errors.isEmpty, let strategy else {
            throw .invalid(errors + warnings)
        }
        return LoadedStrategy(strategy: strategy, file: file, text: text, contentHash: contentHash(of: text),
                              warnings: warnings)
    }

    static func syntaxDiagnostic(_ e: YamlError, file: String) -> Diagnostic {
        switch e {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            var msg = "the YAML is broken: \(problem)"
            if let context { msg += " (\(context.text) on line \(context.mark.line))" }
            msg += ". Check indentation (spaces, not tabs), colons after keys, and quotes around text with ': ' or '#'."
            return Diagnostic(.error, file: file, line: mark.line, column: mark.column, path: "", message: msg)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return Diagnostic(.error, file: file, line: context.mark.line, column: context.mark.column, path: "",
                              message: "the YAML has a key twice: \(duplicates.joined(separator: ", ")); keep one.")
        case .reader(let problem, _, _, _):
            return Diagnostic(.error, file: file, line: nil, column: nil, path: "",
                              message: "the file cannot be read as YAML: \(problem). Save it as UTF-8 text.")
        default:
            return Diagnostic(.error, file: file, line: nil, column: nil, path: "", message: "the YAML is broken: \(e)")
        }
    }
}
