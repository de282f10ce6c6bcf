import Foundation
import HeraldCalendars
import HeraldModel
import HeraldTestSupport

/// `expected.json` beside the fixtures: what each valid fixture yields in the window, and where each broken one fails.
struct ExpectedFixtures: Decodable {
    struct Window: Decodable {
        let start: String
        let end: String
    }

    struct Occurrence: Decodable, Equatable, CustomStringConvertible {
        let summary: String
        let start: String
        let allDay: Bool

        enum CodingKeys: String, CodingKey {
            case summary, start
            case allDay = "all_day"
        }

        init(summary: String, start: String, allDay: Bool) {
            self.summary = summary; self.start = start; self.allDay = allDay
        }

        init(_ event: CalendarEvent) {
            self.init(summary: event.summary, start: event.start.iso, allDay: event.allDay)
        }

        var description: String { "\(start) \(summary)\(allDay ? " (all day)" : "")" }
    }

    struct Malformed: Decodable {
        let file: String
        let line: Int
        let reasonContains: String

        enum CodingKeys: String, CodingKey {
            case file, line
            case reasonContains = "reason_contains"
        }
    }

    let window: Window
    let valid: [String: [Occurrence]]
    let malformed: [Malformed]

    var range: DateRange { DateRange(start: LocalDate(iso: window.start)!, end: LocalDate(iso: window.end)!) }

    static let folder = "Tests/HeraldCalendarsTests/Fixtures"

    static let shared: ExpectedFixtures = {
        let data = FileManager.default.contents(atPath: fixturePath("expected.json")) ?? Data()
        do {
            return try JSONDecoder().decode(ExpectedFixtures.self, from: data)
        } catch {
            fatalError("cannot read \(folder)/expected.json: \(error)")
        }
    }()

    static func fixturePath(_ name: String) -> String { Repo.path("\(folder)/\(name)") }
}

/// Wraps VEVENT lines (LF-separated in the literal) into a calendar with CRLF line endings.
func calendar(_ body: String) -> String {
    (["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Herald//Tests//EN"] + body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        + ["END:VCALENDAR", ""]).joined(separator: "\r\n")
}

/// One event with the given lines between BEGIN:VEVENT and END:VEVENT.
func event(_ lines: String...) -> String { event(lines) }

func event(_ lines: [String]) -> String {
    (["BEGIN:VEVENT"] + lines + ["END:VEVENT"]).joined(separator: "\n")
}

func date(_ iso: String) -> LocalDate { LocalDate(iso: iso)! }

func range(_ from: String, _ to: String) -> DateRange { DateRange(start: date(from), end: date(to)) }

let year2027 = range("2027-01-01", "2027-12-31")

/// The start dates (ISO) of the occurrences in `window` of a calendar made of the given lines.
func starts(_ lines: String..., in window: DateRange = year2027) throws -> [String] {
    try ICSReader.parse(calendar(event(lines)), file: "test.ics").occurrences(in: window).map(\.start.iso)
}

/// The error a calendar with the given body produces, or nil when it parses.
func parseError(_ body: String) -> CalendarError? {
    do {
        _ = try ICSReader.parse(calendar(body), file: "test.ics")
        return nil
    } catch {
        return error
    }
}
