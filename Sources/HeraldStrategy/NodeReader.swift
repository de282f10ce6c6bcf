import HeraldModel
import Yams

/// Walks a YAML node tree, collecting every problem with its line and key path instead of stopping at the first.
final class NodeReader {
    let file: String
    private(set) var diagnostics: [Diagnostic] = []

    init(file: String) { self.file = file }

    var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    func error(_ node: Node?, _ path: String, _ message: String) {
        report(.error, node, path, message)
    }

    func warn(_ node: Node?, _ path: String, _ message: String) {
        report(.warning, node, path, message)
    }

    private func report(_ severity: Diagnostic.Severity, _ node: Node?, _ path: String, _ message: String) {
        let mark = node?.mark
        diagnostics.append(Diagnostic(severity, file: file, line: mark.map { $0.line }, column: mark.map { $0.column },
                                      path: path, message: message))
    }

    /// Reads a mapping, reporting unknown and duplicate keys and missing required ones.
    func map(_ node: Node, _ path: String, known: [String], required: [String] = []) -> MapView? {
        guard case .mapping(let mapping) = node else {
            error(node, path, "expected a set of `key: value` lines, got \(describe(node)).")
            return nil
        }
        var entries: [String: (key: Node, value: Node)] = [:]
        for (key, value) in mapping {
            guard let name = key.scalar?.string else {
                error(key, path, "a key must be a plain word, got \(describe(key)).")
                continue
            }
            if let first = entries[name] {
                error(key, join(path, name), "appears twice (first on line \(first.key.mark?.line ?? 0)); keep one.")
                continue
            }
            if !known.contains(name) {
                let hint = Suggest.hint(for: name, in: known)
                error(key, join(path, name), "unknown key '\(name)'.\(hint) Known keys here: \(known.joined(separator: ", ")).")
                continue
            }
            entries[name] = (key, value)
        }
        let view = MapView(reader: self, path: path, node: node, entries: entries)
        for name in required where view.value(name) == nil {
            error(node, join(path, name), "is required but missing; add `\(name): …` here.")
        }
        return view
    }

    /// A sequence's items with their paths; a single scalar counts as a list of one.
    func items(_ node: Node, _ path: String, what: String = "a list") -> [(node: Node, path: String)]? {
        switch node {
        case .sequence(let seq):
            return seq.enumerated().map { (node: $0.element, path: "\(path)[\($0.offset)]") }
        case .scalar where !isNull(node):
            return [(node, "\(path)[0]")]
        default:
            error(node, path, "expected \(what) (`- item` lines or `[a, b]`), got \(describe(node)).")
            return nil
        }
    }

    func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func isNull(_ node: Node) -> Bool {
        guard case .scalar(let s) = node else { return false }
        return s.style == .plain && ["", "~", "null", "Null", "NULL"].contains(s.string)
    }

    func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let s): isNull(node) ? "nothing" : "'\(s.string)'"
        case .mapping: "a set of keys"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    // MARK: Scalars

    func text(_ node: Node, _ path: String) -> String? {
        guard case .scalar(let s) = node, !isNull(node) else {
            error(node, path, "expected text, got \(describe(node)).")
            return nil
        }
        return s.string
    }

    func int(_ node: Node, _ path: String, in range: ClosedRange<Int>, unit: String) -> Int? {
        guard let raw = text(node, path) else { return nil }
        guard let v = Int(raw.trimmingCharacters(in: .whitespaces)) else {
            error(node, path, "expected a whole number of \(unit), got '\(raw)'. Write e.g. `\(path.split(separator: ".").last ?? ""): \(range.lowerBound + (range.upperBound > range.lowerBound ? 1 : 0))`.")
            return nil
        }
        guard range.contains(v) else {
            error(node, path, "must be from \(range.lowerBound) to \(range.upperBound) \(unit), got \(v).")
            return nil
        }
        return v
    }

    func number(_ node: Node, _ path: String, min: Double? = nil, max: Double? = nil, what: String = "a number") -> Double? {
        guard let raw = text(node, path) else { return nil }
        let cleaned = raw.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "")
        guard let v = Double(cleaned), v.isFinite else {
            error(node, path, "expected \(what), got '\(raw)'.")
            return nil
        }
        if let min, v < min { error(node, path, "must be at least \(format(min)), got \(format(v))."); return nil }
        if let max, v > max { error(node, path, "must be at most \(format(max)), got \(format(v))."); return nil }
        return v
    }

    func bool(_ node: Node, _ path: String) -> Bool? {
        guard let raw = text(node, path) else { return nil }
        switch raw.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            error(node, path, "expected true or false, got '\(raw)'.")
            return nil
        }
    }

    func date(_ node: Node, _ path: String) -> LocalDate? {
        guard let raw = text(node, path) else { return nil }
        guard let d = LocalDate(iso: raw.trimmingCharacters(in: .whitespaces)) else {
            error(node, path, "expected a date like 2027-01-31 (year-month-day), got '\(raw)'.")
            return nil
        }
        return d
    }

    /// `15s`, `5m`, `6h`, `2d`.
    func duration(_ node: Node, _ path: String) -> Double? {
        guard let raw = text(node, path) else { return nil }
        let t = raw.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        if let u = t.last, let mult = units[u], let v = Double(t.dropLast()), v > 0 {
            return v * mult
        }
        error(node, path, "expected a duration like 30s, 15m, 6h or 2d, got '\(raw)'.")
        return nil
    }

    func format(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
    }
}

/// A mapping's entries, read by key with types checked.
struct MapView {
    let reader: NodeReader
    let path: String
    let node: Node
    let entries: [String: (key: Node, value: Node)]

    /// The value node, or nil when absent or null.
    func value(_ key: String) -> Node? {
        guard let v = entries[key]?.value, !reader.isNull(v) else { return nil }
        return v
    }

    func path(_ key: String) -> String { reader.join(path, key) }

    func has(_ key: String) -> Bool { value(key) != nil }

    func text(_ key: String) -> String? {
        guard let v = value(key) else { return nil }
        return reader.text(v, path(key))
    }

    func int(_ key: String, in range: ClosedRange<Int>, unit: String) -> Int? {
        guard let v = value(key) else { return nil }
        return reader.int(v, path(key), in: range, unit: unit)
    }

    func number(_ key: String, min: Double? = nil, max: Double? = nil, what: String = "a number") -> Double? {
        guard let v = value(key) else { return nil }
        return reader.number(v, path(key), min: min, max: max, what: what)
    }

    func bool(_ key: String) -> Bool? {
        guard let v = value(key) else { return nil }
        return reader.bool(v, path(key))
    }

    func date(_ key: String) -> LocalDate? {
        guard let v = value(key) else { return nil }
        return reader.date(v, path(key))
    }

    func duration(_ key: String) -> Double? {
        guard let v = value(key) else { return nil }
        return reader.duration(v, path(key))
    }

    func items(_ key: String, what: String = "a list") -> [(node: Node, path: String)]? {
        guard let v = value(key) else { return nil }
        return reader.items(v, path(key), what: what)
    }

    /// A list of texts with their nodes.
    func texts(_ key: String) -> [(text: String, node: Node, path: String)]? {
        guard let list = items(key) else { return nil }
        return list.compactMap { item in reader.text(item.node, item.path).map { ($0, item.node, item.path) } }
    }

    func map(_ key: String, known: [String], required: [String] = []) -> MapView? {
        guard let v = value(key) else { return nil }
        return reader.map(v, path(key), known: known, required: required)
    }
}
