import Foundation

/// RFC 4180 CSV: fields separated by commas, records by CRLF, a field quoted when it holds a comma, a quote, a line
/// break or surrounding spaces, quotes doubled inside. UTF-8, no byte-order mark.
public enum CSV {
    /// Whether a value would be read as a formula (it starts with = + - @, a tab or a CR: CWE-1236, OWASP's list), or
    /// is a guarded value (apostrophes before such a start) that must stay recognisable as one.
    static func needsGuard(_ s: String.UTF8View.SubSequence) -> Bool {
        var i = s.startIndex
        while i < s.endIndex, s[i] == UInt8(ascii: "'") { i = s.index(after: i) }
        guard i < s.endIndex else { return false }
        switch s[i] {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 9, 13: return true
        default: return false
        }
    }

    /// Neutralises a value against formula injection by putting an apostrophe in front of it (a spreadsheet then
    /// shows it as text). Reversible: `unguard` gives back the original exactly.
    public static func guardFormula(_ value: String) -> String {
        needsGuard(value.utf8[...]) ? "'" + value : value
    }

    /// Undoes `guardFormula`.
    public static func unguard(_ value: String) -> String {
        value.utf8.first == UInt8(ascii: "'") && needsGuard(value.utf8.dropFirst()) ? String(value.dropFirst()) : value
    }

    /// One field, quoted when needed.
    public static func field(_ value: String) -> String {
        var quote = value.utf8.first == UInt8(ascii: " ") || value.utf8.last == UInt8(ascii: " ")
        var quotes = 0
        for b in value.utf8 {
            if b == UInt8(ascii: "\"") { quotes += 1; quote = true } else if b == UInt8(ascii: ",") || b == 10 || b == 13 { quote = true }
        }
        guard quote else { return value }
        var out: [UInt8] = []
        out.reserveCapacity(value.utf8.count + quotes + 2)
        out.append(UInt8(ascii: "\""))
        for b in value.utf8 {
            out.append(b)
            if b == UInt8(ascii: "\"") { out.append(b) }
        }
        out.append(UInt8(ascii: "\""))
        return String(decoding: out, as: UTF8.self)
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
