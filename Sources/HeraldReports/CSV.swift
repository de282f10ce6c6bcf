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

/// A CSV file that does not follow RFC 4180, or whose text is not UTF-8 (`encoding`).
public struct CSVSyntaxError: Error, Sendable, CustomStringConvertible {
    public var row: Int
    public var message: String
    /// The bytes are not UTF-8 text (a file problem rather than a CSV one).
    public var encoding = false
    public var description: String { "row \(row): \(message)" }
}

/// Reads RFC 4180 CSV, accepting LF as well as CRLF line ends, a UTF-8 byte-order mark, and a last record without a
/// line end. Fields are returned exactly as written (quotes removed); `CSV.unguard` is for the caller.
public enum CSVReader {
    public static func parse(_ text: String) throws(CSVSyntaxError) -> [CSVRecord] {
        var records: [CSVRecord] = []
        var parser = CSVParser()
        try Array(text.utf8).withUnsafeBufferPointer { (p) throws(CSVSyntaxError) in try parser.feed(p) { records.append($0) } }
        try parser.finish { records.append($0) }
        return records
    }
}

/// `CSVReader` a piece at a time, for files too large to hold: pieces may end anywhere (inside a field, a quote pair or
/// a CRLF). The first piece holds the file's first three bytes or all of it (for the byte-order mark). Records come
/// out as they end, numbered as a spreadsheet shows them (every line end outside quotes starts a row, blank lines
/// included); a blank line is not a record.
public struct CSVParser {
    private var fields: [String] = []
    private var field: [UInt8] = []
    private var row = 1
    private var inQuotes = false
    /// A quote inside quotes: it closes the field, or is the first of a doubled one (the next byte says).
    private var quoteInQuotes = false
    private var quotedField = false
    private var afterQuote = false
    /// A CR ended the last record: a LF right after it belongs to it.
    private var skipLF = false
    private var started = false
    private var nonASCII = false

    public init() {}

    public mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>, _ record: (CSVRecord) -> Void) throws(CSVSyntaxError) {
        var i = 0
        if !started {
            started = true
            if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
        }
        while i < bytes.count {
            let b = bytes[i]
            i += 1
            if skipLF {
                skipLF = false
                if b == 10 { continue }
            }
            if quoteInQuotes {
                quoteInQuotes = false
                if b == UInt8(ascii: "\"") { field.append(b); continue }
                inQuotes = false
                afterQuote = true
            } else if inQuotes {
                if b == UInt8(ascii: "\"") { quoteInQuotes = true } else { append(b) }
                continue
            }
            switch b {
            case UInt8(ascii: ","):
                try endField()
            case 13, 10:
                try endRecord(record)
                row += 1
                skipLF = b == 13
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
                append(b)
            }
        }
    }

    /// The end of the file: the last record, when it has no line end.
    public mutating func finish(_ record: (CSVRecord) -> Void) throws(CSVSyntaxError) {
        if quoteInQuotes { quoteInQuotes = false; inQuotes = false; afterQuote = true }
        if inQuotes { throw CSVSyntaxError(row: row, message: "a quoted field is never closed (a missing \")") }
        if !field.isEmpty || !fields.isEmpty || quotedField { try endRecord(record) }
    }

    private mutating func append(_ b: UInt8) {
        if b >= 0x80 { nonASCII = true }
        field.append(b)
    }

    private mutating func endField() throws(CSVSyntaxError) {
        if nonASCII {
            guard let text = String(validating: field, as: UTF8.self) else {
                throw CSVSyntaxError(row: row, message: "not UTF-8 text; save it from the spreadsheet as CSV UTF-8", encoding: true)
            }
            fields.append(text)
        } else {
            fields.append(String(decoding: field, as: UTF8.self))
        }
        field.removeAll(keepingCapacity: true)
        quotedField = false
        afterQuote = false
        nonASCII = false
    }

    private mutating func endRecord(_ record: (CSVRecord) -> Void) throws(CSVSyntaxError) {
        try endField()
        if !(fields.count == 1 && fields[0].isEmpty) { record(CSVRecord(row: row, fields: fields)) }
        fields.removeAll(keepingCapacity: true)
    }
}
