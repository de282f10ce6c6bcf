import Foundation
import HeraldModel

/// Reads iCalendar (RFC 5545) text: the holidays, observances and team calendars a strategy names.
///
/// Supported: CRLF or LF line endings, folded lines, parameters (quoted or not), TEXT escapes, VEVENT with
/// DTSTART (a date, or a date and time that is floating, UTC or with a TZID) and DTEND, DURATION or neither,
/// RRULE (see `RecurrenceRule`), RDATE, EXDATE, changed or cancelled single occurrences (RECURRENCE-ID),
/// cancelled events (STATUS:CANCELLED, left out). Other components (VTIMEZONE, VALARM, VTODO…) and unknown or
/// `X-` properties are skipped, but every BEGIN must have its END.
public enum ICSReader {
    /// Reads a calendar, checking it all; recurrences are expanded later, by `ParsedCalendar.occurrences(in:)`.
    /// - Parameter file: the name used in errors and kept in `ParsedCalendar.file`.
    public static func parse(_ text: String, file: String) throws(CalendarError) -> ParsedCalendar {
        var reader = Reader(file: file, validateUTF8: false)
        try reader.read(Array(text.utf8))
        return try reader.finish()
    }

    /// Reads a calendar from the bytes of a file. Prefer this to decoding the file yourself: a line folded in
    /// the middle of a multi-byte UTF-8 character (which careless writers produce) is only valid once unfolded.
    /// Text that is not UTF-8 even then is refused with the line it is on.
    public static func parse(_ data: Data, file: String) throws(CalendarError) -> ParsedCalendar {
        let bytes = [UInt8](data)
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            throw CalendarError(file: file, line: 1, reason: "the file is saved as UTF-16 text; save or export it as UTF-8, the encoding iCalendar files use.")
        }
        var reader = Reader(file: file, validateUTF8: true)
        try reader.read(bytes)
        return try reader.finish()
    }
}

/// One pass over the text: unfolds lines, tracks components, builds events.
private struct Reader {
    let file: String
    /// Whether the bytes may not be UTF-8 (they came from a file, not a `String`).
    let validateUTF8: Bool
    /// Open components, outermost first, with the line of their BEGIN.
    private var stack: [(name: String, line: Int)] = []
    private var calendars = 0
    private var lastCalendarEnd = 0
    /// Whether the current calendar's METHOD lets an event leave out DTSTART (RFC 5545 §3.6.1, RFC 5546).
    private var startOptional = false
    private var name: String?
    private var event: EventBuilder?
    private var definitions: [EventDefinition] = []
    /// RECURRENCE-IDs by UID: occurrences replaced by a changed (or cancelled) copy.
    private var replaced: [String: [ICSTime]] = [:]
    private var zones = ZoneResolver()

    init(file: String, validateUTF8: Bool) { self.file = file; self.validateUTF8 = validateUTF8 }

    private func error(_ line: Int, _ reason: String) -> CalendarError {
        CalendarError(file: file, line: line, reason: reason)
    }

    // MARK: Lines

    mutating func read(_ bytes: [UInt8]) throws(CalendarError) {
        let count = bytes.count
        var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var physical = 0
        var pending: Range<Int>?
        var pendingLine = 0
        var folded: [UInt8] = []
        var isFolded = false
        while i < count {
            let lineStart = i
            while i < count && bytes[i] != 0x0A && bytes[i] != 0x0D { i += 1 }
            let lineEnd = i
            if i < count {
                i += (bytes[i] == 0x0D && i + 1 < count && bytes[i + 1] == 0x0A) ? 2 : 1
            }
            physical += 1
            if lineStart < lineEnd, bytes[lineStart] == 0x20 || bytes[lineStart] == 0x09, let p = pending {
                // A continuation: the rest of the line joins the previous one (RFC 5545 §3.1).
                if !isFolded { folded = Array(bytes[p]); isFolded = true }
                folded.append(contentsOf: bytes[(lineStart + 1)..<lineEnd])
                continue
            }
            if let p = pending {
                if isFolded { try handle(folded[...], line: pendingLine) } else { try handle(bytes[p], line: pendingLine) }
            }
            pending = nil
            isFolded = false
            if lineStart < lineEnd {
                pending = lineStart..<lineEnd
                pendingLine = physical
            }
        }
        if let p = pending {
            if isFolded { try handle(folded[...], line: pendingLine) } else { try handle(bytes[p], line: pendingLine) }
        }
    }

    mutating func finish() throws(CalendarError) -> ParsedCalendar {
        if let open = stack.last {
            throw error(open.line, "BEGIN:\(open.name) is never closed: the file ends before END:\(open.name). The file may be cut short; export it again, or add END:\(open.name) where the \(Self.noun(open.name)) ends.")
        }
        guard calendars > 0 else {
            throw error(1, "the file is empty; an ICS calendar starts with BEGIN:VCALENDAR. Export the calendar again as an .ics (iCalendar) file.")
        }
        if !replaced.isEmpty {
            for index in definitions.indices where definitions[index].recurs {
                guard let uid = definitions[index].uid, let ids = replaced[uid] else { continue }
                let basis = definitions[index].basis, allDay = definitions[index].allDay
                for id in ids {
                    let day = date(of: id, on: basis, allDay: allDay)
                    definitions[index].excluded.insert(day)
                }
            }
        }
        return ParsedCalendar(name: name, file: file, definitions: definitions)
    }

    // MARK: Content lines

    /// Handles one unfolded content line: `NAME *(;PARAM=VALUE) : VALUE`.
    private mutating func handle(_ bytes: ArraySlice<UInt8>, line: Int) throws(CalendarError) {
        let start = bytes.startIndex, end = bytes.endIndex
        var nameEnd = start
        while nameEnd < end, Self.isNameByte(bytes[nameEnd]) { nameEnd += 1 }
        var valueStart: Int?
        var paramsRange = nameEnd..<nameEnd
        if nameEnd > start, nameEnd < end {
            if bytes[nameEnd] == UInt8(ascii: ":") {
                valueStart = nameEnd + 1
            } else if bytes[nameEnd] == UInt8(ascii: ";") {
                var j = nameEnd + 1, quoted = false
                while j < end {
                    let b = bytes[j]
                    if b == UInt8(ascii: "\"") { quoted.toggle() } else if b == UInt8(ascii: ":") && !quoted { break }
                    j += 1
                }
                if j < end {
                    paramsRange = (nameEnd + 1)..<j
                    valueStart = j + 1
                }
            }
        }
        let name = String(decoding: bytes[start..<nameEnd], as: UTF8.self).uppercased()
        if valueStart != nil && !stack.isEmpty && !isWanted(name) { return }
        var value: Substring?
        if let valueStart {
            if validateUTF8 {
                guard let text = String(validating: bytes[valueStart..<end], as: UTF8.self) else {
                    throw error(line, "line \(line) is not UTF-8 text; save or export the calendar as UTF-8, the encoding iCalendar files use.")
                }
                value = Substring(text)
            } else {
                value = Substring(String(decoding: bytes[valueStart..<end], as: UTF8.self))
            }
        }

        if stack.isEmpty {
            let isBegin = name == "BEGIN" && value.map { Self.trimmed($0).uppercased() } == "VCALENDAR"
            if calendars == 0 && !isBegin {
                throw error(line, "this is not an iCalendar file: it must start with BEGIN:VCALENDAR, but line \(line) is '\(Self.excerpt(bytes))'. Export the calendar as an .ics (iCalendar) file, not CSV or another format.")
            }
            if !isBegin {
                throw error(line, "'\(Self.excerpt(bytes))' comes after END:VCALENDAR (line \(lastCalendarEnd)); remove it, or move it inside the calendar.")
            }
        }
        guard let value else {
            throw error(line, "expected a property such as SUMMARY:Launch day, got '\(Self.excerpt(bytes))'. If this line continues the one above, it must start with a space.")
        }

        switch name {
        case "BEGIN":
            let component = Self.trimmed(value).uppercased()
            guard !component.isEmpty else { throw error(line, "BEGIN: needs a component name, e.g. BEGIN:VEVENT.") }
            if stack.isEmpty {
                calendars += 1
                startOptional = false
            } else if component == "VEVENT" && stack.count == 1 {
                event = EventBuilder(line: line)
            }
            stack.append((component, line))
        case "END":
            let component = Self.trimmed(value).uppercased()
            guard let top = stack.last else { return }
            guard top.name == component else {
                if stack.contains(where: { $0.name == component }) {
                    throw error(top.line, "BEGIN:\(top.name) is never closed: END:\(component) on line \(line) comes before END:\(top.name). Add END:\(top.name) where the \(Self.noun(top.name)) ends.")
                }
                throw error(line, "END:\(component) has no matching BEGIN:\(component); remove it, or add BEGIN:\(component) where the \(Self.noun(component)) starts.")
            }
            stack.removeLast()
            if stack.count == 1, component == "VEVENT", let built = event {
                event = nil
                try finishEvent(built)
            } else if stack.isEmpty {
                lastCalendarEnd = line
            }
        default:
            if stack.count == 1 {
                switch name {
                case "X-WR-CALNAME": if self.name == nil { self.name = ICSValue.unescape(value) }
                case "METHOD":
                    // A published or requested event must have a start; a cancellation or a reply need not.
                    startOptional = !["PUBLISH", "REQUEST", "ADD"].contains(Self.trimmed(value).uppercased())
                default: break
                }
            } else if stack.count == 2, event != nil {
                let params = Self.parameters(bytes[paramsRange])
                do throws(ValueProblem) {
                    try event!.set(name, value: value, params: params, line: line)
                } catch {
                    throw self.error(line, error.reason)
                }
            }
        }
    }

    // MARK: Events

    private mutating func finishEvent(_ built: EventBuilder) throws(CalendarError) {
        let summary = built.summary ?? ""
        guard let dtstart = built.dtstart?.time else {
            // A scheduling message (METHOD:CANCEL, REPLY…) may leave DTSTART out: nothing to place.
            if startOptional { return }
            let title = summary.isEmpty ? "the event" : "the event '\(summary)'"
            throw error(built.line, "\(title) has no DTSTART, so Herald cannot tell its day. Add its start after BEGIN:VEVENT, e.g. DTSTART;VALUE=DATE:20270119 for a whole day or DTSTART:20270119T090000 for a time.")
        }
        if let id = built.recurrenceID {
            replaced[built.uid ?? "", default: []].append(id)
        }
        if built.status == "CANCELLED" { return }

        let basis: TimeBasis = dtstart.isDate ? .floating : dtstart.basis
        var duration: Int64
        if let end = built.dtend {
            let dtend = end.time, endLine = end.line
            let endWall = dtend.isDate || dtstart.isDate ? dtend.wall : zones.wall(of: dtend, on: basis)
            duration = endWall - dtstart.wall
            if duration < 0 {
                throw error(endLine, "DTEND (\(Self.show(dtend))) is before DTSTART (\(Self.show(dtstart))); the end must come after the start. Fix the end, or remove DTEND.")
            }
        } else if let seconds = built.duration {
            duration = Int64(seconds)
        } else {
            duration = dtstart.isDate ? 86_400 : 0
        }
        if dtstart.isDate && duration == 0 { duration = 86_400 }
        // The last day covered: the day of the last second before the end (an end at midnight covers no part of that day).
        let lastDay = duration == 0 ? dtstart.date : LocalDate(wall: dtstart.wall + duration - 1)

        var bound: RecurrenceRule.Bound?
        if let until = built.rule?.rule.until {
            if dtstart.isDate || until.isDate || !zones.canConvert(until, to: basis) {
                bound = .date(until.date)
            } else {
                bound = .wall(zones.wall(of: until, on: basis))
            }
        }
        let allDay = dtstart.isDate
        var excluded = Set<LocalDate>()
        for ex in built.exdates { excluded.insert(date(of: ex, on: basis, allDay: allDay)) }
        var extra: [LocalDate] = []
        for r in built.rdates { extra.append(date(of: r, on: basis, allDay: allDay)) }

        definitions.append(EventDefinition(
            uid: built.uid, summary: summary, description: built.description, categories: built.categories,
            allDay: allDay, line: built.line, start: dtstart.date, startSeconds: dtstart.seconds, basis: basis,
            spanDays: dtstart.date.days(to: lastDay), rule: built.rule?.rule, bound: bound,
            extraDates: extra, excluded: excluded))
    }

    /// The date of an EXDATE, RDATE or RECURRENCE-ID on the event's clock (as written for dates and unknown zones).
    private mutating func date(of t: ICSTime, on basis: TimeBasis, allDay: Bool) -> LocalDate {
        allDay || t.isDate ? t.date : LocalDate(wall: zones.wall(of: t, on: basis))
    }

    // MARK: Helpers

    /// Whether a property in the current component matters; the values of the others are not even decoded.
    private func isWanted(_ name: String) -> Bool {
        switch stack.count {
        case 1: return name == "BEGIN" || name == "END" || name == "X-WR-CALNAME" || name == "METHOD"
        case 2 where event != nil: return name == "BEGIN" || name == "END" || EventBuilder.properties.contains(name)
        default: return name == "BEGIN" || name == "END"
        }
    }

    private static func isNameByte(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: "-")
    }

    /// Parameters as upper-cased names and their values, quotes removed (`TZID="W. Europe"` → `W. Europe`).
    static func parameters(_ bytes: ArraySlice<UInt8>) -> [String: String] {
        guard !bytes.isEmpty else { return [:] }
        var result: [String: String] = [:]
        var i = bytes.startIndex
        let end = bytes.endIndex
        while i < end {
            let nameStart = i
            while i < end && bytes[i] != UInt8(ascii: "=") && bytes[i] != UInt8(ascii: ";") { i += 1 }
            let name = String(decoding: bytes[nameStart..<i], as: UTF8.self).uppercased()
            var value: [UInt8] = []
            if i < end && bytes[i] == UInt8(ascii: "=") {
                i += 1
                var quoted = false
                while i < end {
                    let b = bytes[i]
                    if b == UInt8(ascii: "\"") { quoted.toggle() } else if b == UInt8(ascii: ";") && !quoted { break } else { value.append(b) }
                    i += 1
                }
            }
            if result[name] == nil { result[name] = String(decoding: value, as: UTF8.self) }
            i += 1  // past ';'
        }
        return result
    }

    static func trimmed(_ s: Substring) -> String { String(ICSValue.trim(s)) }

    /// At most 60 characters of a line, for messages.
    static func excerpt(_ bytes: ArraySlice<UInt8>) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        return text.count > 60 ? String(text.prefix(57)) + "…" : text
    }

    static func noun(_ component: String) -> String {
        switch component {
        case "VEVENT": "event"
        case "VCALENDAR": "calendar"
        case "VALARM": "alarm"
        case "VTIMEZONE": "time zone"
        default: "component"
        }
    }

    static func show(_ t: ICSTime) -> String {
        if t.isDate { return t.date.iso }
        let h = t.seconds / 3600, m = (t.seconds % 3600) / 60
        let suffix = t.basis == .utc ? " UTC" : ""
        return "\(t.date.iso) \(h < 10 ? "0" : "")\(h):\(m < 10 ? "0" : "")\(m)\(suffix)"
    }
}

/// The properties of one VEVENT, gathered line by line.
private struct EventBuilder {
    let line: Int
    var uid: String?
    var summary: String?
    var description: String?
    var categories: [String] = []
    var status: String?
    var dtstart: (time: ICSTime, line: Int)?
    var dtend: (time: ICSTime, line: Int)?
    var duration: Int?
    var rule: (rule: RecurrenceRule, line: Int)?
    var exdates: [ICSTime] = []
    var rdates: [ICSTime] = []
    var recurrenceID: ICSTime?

    init(line: Int) { self.line = line }

    /// The properties `set` reads.
    static let properties: Set<String> = ["UID", "SUMMARY", "DESCRIPTION", "STATUS", "CATEGORIES", "DTSTART", "DTEND",
                                          "DURATION", "RRULE", "EXRULE", "EXDATE", "RDATE", "RECURRENCE-ID"]

    mutating func set(_ name: String, value: Substring, params: [String: String], line: Int) throws(ValueProblem) {
        func time(_ text: Substring, _ property: String) throws(ValueProblem) -> ICSTime {
            try ICSValue.time(text, valueType: params["VALUE"]?.uppercased(), tzid: params["TZID"], property: property)
        }
        func list(_ property: String) throws(ValueProblem) -> [ICSTime] {
            var result: [ICSTime] = []
            for item in value.split(separator: ",") {
                let text = item.drop(while: { $0 == " " })
                if params["VALUE"]?.uppercased() == "PERIOD" {
                    // A period `start/end` or `start/duration`: its start is the date that counts.
                    let periodStart = text.prefix { $0 != "/" }
                    result.append(try ICSValue.time(periodStart, valueType: nil, tzid: params["TZID"], property: property))
                } else {
                    result.append(try time(text, property))
                }
            }
            return result
        }
        switch name {
        case "UID": uid = ICSValue.unescape(value)
        case "SUMMARY": summary = ICSValue.unescape(value)
        case "DESCRIPTION": description = ICSValue.unescape(value)
        case "STATUS": status = value.uppercased()
        case "CATEGORIES":
            for item in ICSValue.splitList(value) {
                let category = ICSValue.unescape(item).trimmingCharacters(in: .whitespaces)
                if !category.isEmpty { categories.append(category) }
            }
        case "DTSTART":
            if let first = dtstart?.line { throw ValueProblem("DTSTART is given twice in this event (first on line \(first)); keep one.") }
            dtstart = (try time(value, "DTSTART"), line)
        case "DTEND":
            if let first = dtend?.line { throw ValueProblem("DTEND is given twice in this event (first on line \(first)); keep one.") }
            dtend = (try time(value, "DTEND"), line)
        case "DURATION":
            duration = try ICSValue.duration(value)
        case "RRULE":
            if let first = rule { throw ValueProblem("a second RRULE in this event (the first is on line \(first.line)) is not supported; combine them into one rule, or split the event in two.") }
            rule = (try RecurrenceRule.parse(value), line)
        case "EXRULE":
            throw ValueProblem("EXRULE is not supported (RFC 5545 retired it); list the dates to leave out with EXDATE instead.")
        case "EXDATE":
            exdates += try list("EXDATE")
        case "RDATE":
            rdates += try list("RDATE")
        case "RECURRENCE-ID":
            recurrenceID = try time(value, "RECURRENCE-ID")
        default:
            break
        }
    }
}
