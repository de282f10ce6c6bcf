import Foundation
import HeraldModel
import Yams

/// Where the numbers and times a proposal may change sit in a strategy file's text, so they can be rewritten in place:
/// everything else — comments, order, quotes, spacing — stays byte for byte as the user wrote it (a YAML round trip
/// would drop the comments).
public struct StrategyText: Sendable {
    /// One scalar as written: its place (offset in Unicode scalars, as libYAML counts columns) and how it is quoted.
    public struct Span: Sendable, Equatable {
        public var line: Int
        public var column: Int
        /// Offset of its first scalar (the opening quote, if any) in the text's Unicode scalars.
        var offset: Int
        /// Length as written, quotes included.
        var length: Int
        /// `'` or `"` when quoted.
        var quote: Unicode.Scalar?
        /// The value (without quotes).
        public var value: String
    }

    public let text: String
    private let scalars: [Unicode.Scalar]
    private let lineStarts: [Int]
    /// The shares of the strategy's `mix:`, by kind; nil when the file has no `mix:` (the default mix applies).
    public private(set) var mix: [ContentKind: Span]?
    /// The shares of each channel's own `mix:`, by channel id.
    public private(set) var channelMixes: [String: [ContentKind: Span]] = [:]
    /// Each channel's `times:`, by channel id.
    public private(set) var times: [String: [Span]] = [:]

    /// Reads the positions; the text is expected to be a valid strategy (load it with `StrategyLoader` first).
    public init(_ text: String) {
        self.text = text
        scalars = Array(text.unicodeScalars)
        var starts = [0]
        for (i, s) in scalars.enumerated() where s == "\n" { starts.append(i + 1) }
        lineStarts = starts
        guard let root = try? Yams.compose(yaml: text, .basic), case .mapping(let top) = root else { return }
        for (k, v) in top {
            switch k.scalar?.string {
            case "mix": mix = shares(v)
            case "channels":
                guard case .sequence(let list) = v else { continue }
                for item in list {
                    guard case .mapping(let m) = item else { continue }
                    var id: String?
                    var mixNode: Node?, timesNode: Node?
                    for (ck, cv) in m {
                        switch ck.scalar?.string {
                        case "id": id = cv.scalar?.string
                        case "mix": mixNode = cv
                        case "times": timesNode = cv
                        default: break
                        }
                    }
                    guard let id else { continue }
                    if let mixNode, let s = shares(mixNode) { channelMixes[id] = s }
                    if let timesNode {
                        switch timesNode {
                        case .sequence(let ts): times[id] = ts.compactMap(span)
                        case .scalar: times[id] = span(timesNode).map { [$0] } ?? []
                        default: break
                        }
                    }
                }
            default: continue
            }
        }
    }

    private func shares(_ node: Node) -> [ContentKind: Span]? {
        guard case .mapping(let m) = node else { return nil }
        var out: [ContentKind: Span] = [:]
        for (k, v) in m {
            guard let name = k.scalar?.string, let kind = ContentKind(rawValue: name), let s = span(v) else { continue }
            out[kind] = s
        }
        return out
    }

    /// The scalar's span, when the text at its mark is the value as written (plain, or in simple quotes).
    private func span(_ node: Node) -> Span? {
        guard case .scalar(let s) = node, let mark = node.mark, mark.line >= 1, mark.line <= lineStarts.count else { return nil }
        let offset = lineStarts[mark.line - 1] + mark.column - 1
        let value = Array(s.string.unicodeScalars)
        guard offset < scalars.count else { return nil }
        let first = scalars[offset]
        if first == "'" || first == "\"" {
            let end = offset + 1 + value.count
            guard end < scalars.count, Array(scalars[(offset + 1)..<end]) == value, scalars[end] == first else { return nil }
            return Span(line: mark.line, column: mark.column, offset: offset, length: value.count + 2, quote: first, value: s.string)
        }
        let end = offset + value.count
        guard !value.isEmpty, end <= scalars.count, Array(scalars[offset..<end]) == value else { return nil }
        return Span(line: mark.line, column: mark.column, offset: offset, length: value.count, quote: nil, value: s.string)
    }

    /// The text with each span replaced by a new value, quoted as the old one was.
    public func replacing(_ edits: [(span: Span, value: String)]) -> String {
        var out = scalars
        for e in edits.sorted(by: { $0.span.offset > $1.span.offset }) {
            var new = Array(e.value.unicodeScalars)
            if let q = e.span.quote { new = [q] + new + [q] }
            out.replaceSubrange(e.span.offset..<(e.span.offset + e.span.length), with: new)
        }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: out)
        return String(view)
    }

    /// A share as a strategy writes it: at least as many decimals as `like` (`0.30` stays two-place), more if needed.
    public static func share(_ v: Double, like written: String) -> String {
        let decimals = written.split(separator: ".", maxSplits: 1).dropFirst().first.map { $0.prefix { $0.isNumber }.count } ?? 0
        var d = 0
        while d < 4, abs((v * pow(10, Double(d))).rounded() / pow(10, Double(d)) - v) > 1e-9 { d += 1 }
        return String(format: "%.\(max(d, decimals))f", v)
    }

    /// A unified diff (3 lines of context) of two texts: `--- old`, `+++ new`, `@@ -a,n +b,m @@` hunks. Empty when equal.
    public static func unifiedDiff(_ old: String, _ new: String, oldName: String, newName: String, context: Int = 3) -> String {
        var a = old.components(separatedBy: "\n"), b = new.components(separatedBy: "\n")
        // A final newline ends the last line; it does not start an empty one.
        if a.last == "", b.last == "" { a.removeLast(); b.removeLast() }
        guard a != b else { return "" }
        var out = "--- \(oldName)\n+++ \(newName)\n"
        guard a.count == b.count else {
            // Not produced by in-place edits: the whole file as one hunk.
            out += "@@ -1,\(a.count) +1,\(b.count) @@\n" + a.map { "-\($0)\n" }.joined() + b.map { "+\($0)\n" }.joined()
            return out
        }
        let changed = a.indices.filter { a[$0] != b[$0] }
        var hunks: [(start: Int, end: Int)] = []
        for i in changed {
            let s = max(0, i - context), e = min(a.count - 1, i + context)
            if let last = hunks.last, s <= last.end + 1 { hunks[hunks.count - 1].end = e } else { hunks.append((s, e)) }
        }
        for h in hunks {
            let n = h.end - h.start + 1
            out += "@@ -\(h.start + 1),\(n) +\(h.start + 1),\(n) @@\n"
            var i = h.start
            while i <= h.end {
                if a[i] == b[i] { out += " \(a[i])\n"; i += 1; continue }
                // A run of changed lines: the old ones, then the new ones.
                var j = i
                while j <= h.end, a[j] != b[j] { j += 1 }
                out += a[i..<j].map { "-\($0)\n" }.joined() + b[i..<j].map { "+\($0)\n" }.joined()
                i = j
            }
        }
        return out
    }
}
