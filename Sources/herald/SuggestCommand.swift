import ArgumentParser
import Foundation
import HeraldModel
import HeraldReports
import HeraldResults
import HeraldWorkspace

/// `herald plan NEXT --suggest`: proposed changes to the strategy's mixes and time slots, with their evidence, written
/// to another file; the strategy file is never changed and nothing is stored.
struct SuggestRun {
    let ws: Workspace
    let next: DateRange
    let periodName: String?
    let step: Double
    let output: String?
    let json: Bool
    /// The database file: `-o` must not name it either.
    let database: String

    /// `strategy.yaml` → `strategy.suggested.yaml` beside it.
    static func defaultOutput(for strategy: String) -> String {
        let ext = (strategy as NSString).pathExtension
        let stem = ext.isEmpty ? strategy : (strategy as NSString).deletingPathExtension
        return "\(stem).suggested.\(ext.isEmpty ? "yaml" : ext)"
    }

    static func samePath(_ a: String, _ b: String) -> Bool {
        func canonical(_ p: String) -> String { URL(fileURLWithPath: p).standardizedFileURL.resolvingSymlinksInPath().path }
        return canonical(a) == canonical(b)
    }

    struct Output: Encodable {
        var period: String
        var from: String
        var to: String
        /// Posts published before this day were compared.
        var before: String
        var strategy: String
        /// The proposal file written (nil: nothing proposed, nothing written).
        var written: String?
        var suggestions: Suggestions
        var diff: String
    }

    func run() throws {
        let strategyFile = ws.loaded.file
        let out = output ?? Self.defaultOutput(for: strategyFile)
        if Self.samePath(out, strategyFile) {
            throw CLIError("-o \(out) is the strategy file itself; --suggest never changes it. Name another file, e.g. -o \(Self.defaultOutput(for: strategyFile)).")
        }
        if Self.samePath(out, database) {
            throw CLIError("-o \(out) is the database; name another file, e.g. -o \(Self.defaultOutput(for: strategyFile)).")
        }
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: out, isDirectory: &isDir), isDir.boolValue {
            throw CLIError("-o \(out) is a folder; name a file, e.g. -o \((out as NSString).appendingPathComponent("strategy.suggested.yaml")).")
        }
        let r = try ws.suggest(next: next, step: step, output: out)
        if let text = r.proposed {
            let file = try AtomicFile(path: out)
            try file.sink.write(text)
            try file.commit()
        }
        let name = periodName.map { "\($0.uppercased()) (\(next.start) – \(next.end))" } ?? "\(next.start) – \(next.end)"
        let s = r.suggestions
        if json {
            return try Console.json(Output(period: periodName?.uppercased() ?? "\(next.start.iso)..\(next.end.iso)", from: next.start.iso, to: next.end.iso,
                                           before: r.before.iso, strategy: strategyFile, written: r.proposed == nil ? nil : out,
                                           suggestions: s, diff: r.diff))
        }
        Console.out(Console.bold("Suggestions for \(name)") + " from the \(s.published) post\(s.published == 1 ? "" : "s") published before \(r.before) (\(s.withResults) with results); shares move at most \(Rollup.format(s.step)) percentage points.")
        if s.proposals.isEmpty {
            for n in s.notes { Console.out(n) }
            Console.out("Nothing proposed: no file written, and \(strategyFile) is unchanged.")
            return
        }
        for (i, p) in s.proposals.enumerated() {
            Console.out("\(i + 1). \(p.summary)")
            for e in p.evidence { Console.out("   evidence: \(e.text)") }
        }
        for n in s.notes { Console.out(n) }
        Console.out("")
        Console.out("Wrote \(out); \(strategyFile) is unchanged. The difference:")
        Console.out(r.diff.hasSuffix("\n") ? String(r.diff.dropLast()) : r.diff)
        Console.out(Console.dim("Review it; to adopt it, copy it over \(strategyFile) and run herald plan\(periodName.map { " \($0)" } ?? "")."))
    }
}
