import Foundation
import HeraldPublish

/// Standard output and error, with colour only on a terminal and never when NO_COLOR is set.
enum Console {
    static let useColor: Bool = {
        let env = ProcessInfo.processInfo.environment
        if let v = env["NO_COLOR"], !v.isEmpty { return false }
        if env["TERM"] == "dumb" { return false }
        return isatty(STDOUT_FILENO) == 1
    }()

    static func out(_ text: String) { write(STDOUT_FILENO, text + "\n") }

    static func error(_ text: String) { write(STDERR_FILENO, text + "\n") }

    /// Writes with POSIX calls that retry when a signal (e.g. a hook's child process exiting) interrupts them.
    static func write(_ fd: Int32, _ text: String) { POSIXIO.writeAll(fd, Data(text.utf8)) }

    static func bold(_ s: String) -> String { useColor ? "\u{1B}[1m\(s)\u{1B}[0m" : s }
    static func dim(_ s: String) -> String { useColor ? "\u{1B}[2m\(s)\u{1B}[0m" : s }
    static func green(_ s: String) -> String { useColor ? "\u{1B}[32m\(s)\u{1B}[0m" : s }
    static func yellow(_ s: String) -> String { useColor ? "\u{1B}[33m\(s)\u{1B}[0m" : s }
    static func red(_ s: String) -> String { useColor ? "\u{1B}[31m\(s)\u{1B}[0m" : s }

    /// Pretty, key-sorted JSON on standard output.
    static func json<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let data = try encoder.encode(value)
        write(STDOUT_FILENO, String(decoding: data, as: UTF8.self) + "\n")
    }
}

/// A plain text table: columns padded to the widest cell (counted in characters, not bytes).
struct Table {
    var headers: [String]
    var rows: [[String]] = []

    init(_ headers: String...) { self.headers = headers }

    mutating func add(_ cells: String...) { rows.append(cells) }
    mutating func add(_ cells: [String]) { rows.append(cells) }

    var rendered: String {
        let all = [headers] + rows
        var widths = [Int](repeating: 0, count: headers.count)
        for row in all { for (i, c) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], c.count) } }
        func line(_ row: [String], header: Bool) -> String {
            var parts: [String] = []
            for (i, c) in row.enumerated() {
                let padded = i == row.count - 1 ? c : c + String(repeating: " ", count: widths[i] - c.count)
                parts.append(header ? Console.bold(padded) : padded)
            }
            var line = parts.joined(separator: "  ")
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
        return ([line(headers, header: true)] + rows.map { line($0, header: false) }).joined(separator: "\n")
    }
}
