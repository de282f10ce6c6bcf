/// One problem found in a strategy file, located by file, line and key path.
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }

    public var severity: Severity
    public var file: String
    public var line: Int?
    public var column: Int?
    /// The key path, e.g. `channels[2].posts_per_week`.
    public var path: String
    /// What is wrong and what to do.
    public var message: String

    public init(_ severity: Severity, file: String, line: Int?, column: Int?, path: String, message: String) {
        self.severity = severity; self.file = file; self.line = line; self.column = column
        self.path = path; self.message = message
    }

    /// `strategy.yaml:42:20: error: channels[2].posts_per_week: …`
    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if let column { location += ":\(column)" }
        let prefix = path.isEmpty ? "" : "\(path): "
        return "\(location): \(severity.rawValue): \(prefix)\(message)"
    }
}

/// Why a strategy could not be used. Each case maps to a sysexits code.
public enum StrategyError: Error, Sendable, CustomStringConvertible {
    /// The file does not exist (EX_NOINPUT, 66).
    case notFound(path: String)
    /// The file exists but cannot be read or is not UTF-8 (EX_NOINPUT, 66).
    case unreadable(path: String, reason: String)
    /// The YAML itself is broken (EX_CONFIG, 78).
    case syntax(Diagnostic)
    /// The YAML is fine but its content is not (EX_DATAERR, 65); warnings found alongside are included.
    case invalid([Diagnostic])

    public var exitCode: Int32 {
        switch self {
        case .notFound, .unreadable: 66
        case .syntax: 78
        case .invalid: 65
        }
    }

    public var diagnostics: [Diagnostic] {
        switch self {
        case .syntax(let d): [d]
        case .invalid(let ds): ds
        default: []
        }
    }

    public var description: String {
        switch self {
        case .notFound(let path):
            "\(path): no such file. Run `herald init` to write an example strategy there, or pass --strategy PATH."
        case .unreadable(let path, let reason):
            "\(path): cannot read the file (\(reason))."
        case .syntax(let d):
            d.description
        case .invalid(let ds):
            ds.map(\.description).joined(separator: "\n")
        }
    }
}

/// Suggests the closest known word for a misspelt one.
public enum Suggest {
    public static func closest(to word: String, in candidates: [String]) -> String? {
        let w = word.lowercased()
        var best: (String, Int)?
        for c in candidates {
            let d = distance(w, c.lowercased())
            let limit = max(1, min(3, c.count / 3))
            if d <= limit, best == nil || d < best!.1 { best = (c, d) }
        }
        if best == nil, let prefix = candidates.first(where: { $0.hasPrefix(w) && w.count >= 3 }) { return prefix }
        return best?.0
    }

    /// " Did you mean 'x'?" or nothing.
    public static func hint(for word: String, in candidates: [String]) -> String {
        if let s = closest(to: word, in: candidates) { return " Did you mean '\(s)'?" }
        return ""
    }

    /// Optimal string alignment distance (edits, with adjacent swaps counting as one).
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[a.count][b.count]
    }
}
