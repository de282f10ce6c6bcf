import Foundation

/// RFC 4180 CSV: fields separated by commas, records by CRLF, a field quoted when it holds a comma, a quote, a line
/// break or surrounding spaces, quotes doubled inside. UTF-8, no byte-order mark.
public enum CSV {
    /// Characters that make a spreadsheet read a cell as a formula (CWE-1236). Tab and CR are on OWASP's list too.
    static let formulaStarts: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]

    /// Whether a value would be read as a formula, or is a guarded value that must stay recognisable as one.
    static func needsGuard(_ s: Substring) -> Bool {
        guard let first = s.first else { return false }
        if formulaStarts.contains(first) { return true }
        return first == "'" && needsGuard(s.dropFirst())
    }

    /// Neutralises a value against formula injection by putting an apostrophe in front of it (a spreadsheet then
    /// shows it as text). Reversible: `unguard` gives back the original exactly.
    public static func guardFormula(_ value: String) -> String {
        needsGuard(Substring(value)) ? "'" + value : value
    }

    /// Undoes `guardFormula`.
    public static func unguard(_ value: String) -> String {
        value.first == "'" && needsGuard(value.dropFirst()) ? String(value.dropFirst()) : value
    }

    /// One field, quoted when needed.
    public static func field(_ value: String) -> String {
        var quote = value.first == " " || value.last == " "
        if !quote {
            for b in value.utf8 where b == UInt8(ascii: ",") || b == UInt8(ascii: "\"") || b == 10 || b == 13 {
                quote = true
                break
            }
        }
        guard quote else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// One record with its CRLF.
    public static func record(_ fields: [String], guardFormulas: Bool = true) -> String {
        var line = ""
        for (i, f) in fields.enumerated() {
            if i > 0 { line += "," }
            line += field(guardFormulas ? guardFormula(f) : f)
        }
        return line + "\r\n"
    }
}

/// A record read from a CSV file, with the spreadsheet row it started on (the first record is row 1).
public struct CSVRecord: Sendable, Equatable {
    public var row: Int
    public var fields: [String]
}

/// A CSV file that does not follow RFC 4180.
public struct CSVSyntaxError: Error, Sendable, CustomStringConvertible {
    public var row: Int
    public var message: String
    public var description: String { "row \(row): \(message)" }
}

/// Reads RFC 4180 CSV, accepting LF as well as CRLF line ends, a UTF-8 byte-order mark, and a last record without a
/// line end. Fields are returned exactly as written (quotes removed); `CSV.unguard` is for the caller.
public enum CSVReader {
    public static func parse(_ text: String) throws(CSVSyntaxError) -> [CSVRecord] {
        var records: [CSVRecord] = []
        var fields: [String] = []
        var field: [UInt8] = []
        // Rows as a spreadsheet numbers them: every line end outside quotes starts a new one, blank lines included.
        var row = 1
        var inQuotes = false
        var quotedField = false
        var afterQuote = false
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var i = 0
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            quotedField = false
            afterQuote = false
        }
        func endRecord() {
            endField()
            // A blank line is not a record.
            if !(fields.count == 1 && fields[0].isEmpty) { records.append(CSVRecord(row: row, fields: fields)) }
            fields.removeAll(keepingCapacity: true)
        }
        while i < bytes.count {
            let b = bytes[i]
            if inQuotes {
                if b == UInt8(ascii: "\"") {
                    if i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "\"") {
                        field.append(b)
                        i += 2
                        continue
                    }
                    inQuotes = false
                    afterQuote = true
                } else {
                    field.append(b)
                }
                i += 1
                continue
            }
            switch b {
            case UInt8(ascii: ","):
                endField()
            case 13, 10:
                if b == 13, i + 1 < bytes.count, bytes[i + 1] == 10 { i += 1 }
                endRecord()
                row += 1
            case UInt8(ascii: "\""):
                if field.isEmpty && !quotedField {
                    inQuotes = true
                    quotedField = true
                } else {
                    throw CSVSyntaxError(row: row, message: "a quote inside an unquoted field; put the whole field in quotes and double the quote (\"\")")
                }
            default:
                if afterQuote {
                    throw CSVSyntaxError(row: row, message: "text after a closing quote; a quoted field must end at a comma or line end")
                }
                field.append(b)
            }
            i += 1
        }
        if inQuotes { throw CSVSyntaxError(row: row, message: "a quoted field is never closed (a missing \")") }
        if !field.isEmpty || !fields.isEmpty || quotedField { endRecord() }
        return records
    }
}
