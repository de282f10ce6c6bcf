import Foundation
import HeraldCalendars
import HeraldModel
import Testing

@Suite struct LineTests {
    @Test func unfoldsNextToAndInsideMultiByteCharacters() throws {
        // Folded just before "ń" and "ż"; a tab also starts a continuation.
        let text = calendar(event("DTSTART;VALUE=DATE:20270527", "SUMMARY:Dzie\n ń \n\tBo\n żego Ciała"))
        let events = try ICSReader.parse(text, file: "t.ics").occurrences(in: year2027)
        #expect(events.map(\.summary) == ["Dzień Bożego Ciała"])

        // A careless writer folded in the middle of "ł" (0xC5 0x82): only the bytes can be put back together.
        var bytes = Array(calendar(event("DTSTART;VALUE=DATE:20270527", "SUMMARY:Wi§gilia")).utf8)
        let marker = Array("§".utf8)
        let at = try #require(bytes.indices.dropLast(marker.count - 1).first { Array(bytes[$0..<($0 + marker.count)]) == marker })
        bytes.replaceSubrange(at..<(at + marker.count), with: [0xC5, 0x0D, 0x0A, 0x20, 0x82])
        let parsed = try ICSReader.parse(Data(bytes), file: "t.ics")
        #expect(parsed.occurrences(in: year2027).map(\.summary) == ["Wiłgilia"])
    }

    @Test func bytesThatAreNotUTF8AreRefusedWithTheirLine() throws {
        var bytes = Array(calendar(event("DTSTART;VALUE=DATE:20270527", "SUMMARY:Caf§")).utf8)
        let marker = Array("§".utf8)
        let at = try #require(bytes.indices.dropLast(marker.count - 1).first { Array(bytes[$0..<($0 + marker.count)]) == marker })
        bytes.replaceSubrange(at..<(at + marker.count), with: [0xE9])  // Latin-1 "é"
        let error = #expect(throws: CalendarError.self) { try ICSReader.parse(Data(bytes), file: "t.ics") }
        #expect(error?.line == 6)
        #expect(error?.reason.contains("UTF-8") == true)
        // In a property Herald does not read, it does no harm.
        bytes = Array(calendar(event("DTSTART;VALUE=DATE:20270527", "LOCATION:Caf§")).utf8)
        let at2 = try #require(bytes.indices.dropLast(marker.count - 1).first { Array(bytes[$0..<($0 + marker.count)]) == marker })
        bytes.replaceSubrange(at2..<(at2 + marker.count), with: [0xE9])
        #expect(try ICSReader.parse(Data(bytes), file: "t.ics").occurrences(in: year2027).count == 1)

        let utf16 = #expect(throws: CalendarError.self) { try ICSReader.parse(Data([0xFF, 0xFE, 0x42, 0x00]), file: "t.ics") }
        #expect(utf16?.reason.contains("UTF-16") == true)
    }

    @Test func acceptsLFAndCRLFAndAByteOrderMark() throws {
        let crlf = calendar(event("DTSTART;VALUE=DATE:20270105", "SUMMARY:One"))
        let lf = crlf.replacingOccurrences(of: "\r\n", with: "\n")
        let bom = "\u{FEFF}" + crlf
        for text in [crlf, lf, bom] {
            #expect(try ICSReader.parse(text, file: "t.ics").occurrences(in: year2027).map(\.summary) == ["One"])
        }
    }

    @Test func unescapesText() throws {
        let text = calendar(event("DTSTART;VALUE=DATE:20270105",
                                  #"SUMMARY:Sale\, 20% off\; today only"#,
                                  #"DESCRIPTION:Line one\nLine two\NLine three: a\\b\, c\;d \x"#,
                                  #"CATEGORIES:Holiday,Sale\,Promo , "#,
                                  "CATEGORIES:Retail",
                                  "UID:abc@example.com"))
        let e = try #require(try ICSReader.parse(text, file: "t.ics").occurrences(in: year2027).first)
        #expect(e.summary == "Sale, 20% off; today only")
        #expect(e.description == "Line one\nLine two\nLine three: a\\b, c;d \\x")
        #expect(e.categories == ["Holiday", "Sale,Promo", "Retail"])
        #expect(e.uid == "abc@example.com")
    }

    @Test func readsParametersQuotedOrNot() throws {
        let text = calendar(event(#"DTSTART;X-NOTE="a:b;c";TZID="W. Europe Standard Time":20270105T233000"#,
                                  #"SUMMARY;LANGUAGE=en;ALTREP="cid:part1.0001@example.org":Launch"#,
                                  "X-CUSTOM;X-PARAM=1:ignored: really",
                                  "DTEND;TZID=W. Europe Standard Time:20270106T003000 "))
        let e = try #require(try ICSReader.parse(text, file: "t.ics").occurrences(in: year2027).first)
        #expect(e.summary == "Launch")
        #expect(e.days == range("2027-01-05", "2027-01-06"))
        #expect(!e.allDay)
    }

    @Test func skipsOtherComponentsAndUnknownProperties() throws {
        let text = calendar([
            "X-WR-CALNAME:Team\\, Warsaw",
            "BEGIN:VTIMEZONE", "TZID:Europe/Warsaw", "BEGIN:STANDARD", "DTSTART:19701025T030000",
            "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU;BYHOUR=3", "END:STANDARD", "END:VTIMEZONE",
            "BEGIN:VTODO", "SUMMARY:Not an event", "DTSTART:20270105T090000", "END:VTODO",
            event("DTSTART;VALUE=DATE:20270105", "SUMMARY:Event", "X-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC", "FOO;BAR=1:baz",
                  "BEGIN:VALARM", "TRIGGER:-PT15M", "DESCRIPTION:Reminder", "SUMMARY:Alarm", "END:VALARM"),
        ].joined(separator: "\n"))
        let parsed = try ICSReader.parse(text, file: "t.ics")
        #expect(parsed.name == "Team, Warsaw")
        let events = parsed.occurrences(in: year2027)
        #expect(events.map(\.summary) == ["Event"])
        #expect(events.first?.description == nil)
    }

    @Test func sortsByStartThenSummaryByCodePoints() throws {
        let text = calendar([
            event("DTSTART;VALUE=DATE:20270106", "SUMMARY:b"),
            event("DTSTART;VALUE=DATE:20270105", "SUMMARY:Éclair"),
            event("DTSTART;VALUE=DATE:20270105", "SUMMARY:apple"),
            event("DTSTART:20270105T230000Z", "SUMMARY:Zebra"),
        ].joined(separator: "\n"))
        let events = try ICSReader.parse(text, file: "t.ics").occurrences(in: year2027)
        #expect(events.map(\.summary) == ["Zebra", "apple", "Éclair", "b"])
        #expect(events.map(\.line) == [16, 12, 8, 4])
    }

    @Test func leavesOutCancelledEventsAndSchedulingMessagesWithoutAStart() throws {
        let text = calendar(["METHOD:CANCEL",
                             event("UID:x", "SUMMARY:No start in a scheduling message"),
                             event("DTSTART;VALUE=DATE:20270105", "STATUS:CANCELLED", "SUMMARY:Called off"),
                             event("DTSTART;VALUE=DATE:20270106", "SUMMARY:Kept")].joined(separator: "\n"))
        #expect(try ICSReader.parse(text, file: "t.ics").occurrences(in: year2027).map(\.summary) == ["Kept"])
    }
}

@Suite struct TimeTests {
    func only(_ lines: String...) throws -> CalendarEvent {
        let events = try ICSReader.parse(calendar(event(lines)), file: "t.ics").occurrences(in: range("2020-01-01", "2030-12-31"))
        try #require(events.count == 1)
        return events[0]
    }

    @Test func allDayEndIsExclusive() throws {
        #expect(try only("DTSTART;VALUE=DATE:20270215", "DTEND;VALUE=DATE:20270220").days == range("2027-02-15", "2027-02-19"))
        #expect(try only("DTSTART;VALUE=DATE:20270215").days == range("2027-02-15", "2027-02-15"))
        // DTEND equal to DTSTART (some writers do it) is one day.
        #expect(try only("DTSTART;VALUE=DATE:20270215", "DTEND;VALUE=DATE:20270215").days == range("2027-02-15", "2027-02-15"))
        #expect(try only("DTSTART;VALUE=DATE:20270215").allDay)
    }

    @Test func timedEventsEndOnTheDateOfTheirEnd() throws {
        #expect(try only("DTSTART:20270914T230000Z", "DTEND:20270915T003000Z").days == range("2027-09-14", "2027-09-15"))
        #expect(try only("DTSTART:20270914T090000", "DTEND:20270914T100000").days == range("2027-09-14", "2027-09-14"))
        // An end at exactly midnight covers no part of the next day.
        #expect(try only("DTSTART:20270914T220000", "DTEND:20270915T000000").days == range("2027-09-14", "2027-09-14"))
        // No end: an instant.
        #expect(try only("DTSTART:20270914T235959Z").days == range("2027-09-14", "2027-09-14"))
        // An end in another zone is placed on the start's clock: 23:30 UTC is 00:30 in Warsaw.
        #expect(try only("DTSTART;TZID=Europe/Warsaw:20270105T230000", "DTEND:20270105T233000Z").days == range("2027-01-05", "2027-01-06"))
    }

    @Test func startIsTheDateOnTheEventsOwnClock() throws {
        #expect(try only("DTSTART:20270914T230000Z").start == date("2027-09-14"))
        #expect(try only("DTSTART;TZID=Asia/Tokyo:20270915T080000").start == date("2027-09-15"))
        #expect(try only("DTSTART;TZID=Pacific/Honolulu:20270914T200000").start == date("2027-09-14"))
        #expect(try only("DTSTART:20270914T233000").start == date("2027-09-14"))
        #expect(try only("DTSTART;TZID=/mozilla.org/20050126_1/Europe/Warsaw:20270914T233000").start == date("2027-09-14"))
    }

    @Test func durations() throws {
        #expect(try only("DTSTART;VALUE=DATE:20270215", "DURATION:P1D").days == range("2027-02-15", "2027-02-15"))
        #expect(try only("DTSTART;VALUE=DATE:20270215", "DURATION:P2D").days == range("2027-02-15", "2027-02-16"))
        #expect(try only("DTSTART;VALUE=DATE:20270215", "DURATION:P1W").days == range("2027-02-15", "2027-02-21"))
        #expect(try only("DTSTART:20270215T090000", "DURATION:PT1H").days == range("2027-02-15", "2027-02-15"))
        #expect(try only("DTSTART:20270215T230000", "DURATION:PT2H").days == range("2027-02-15", "2027-02-16"))
        #expect(try only("DTSTART:20270215T200000", "DURATION:P1DT2H").days == range("2027-02-15", "2027-02-16"))
        #expect(try only("DTSTART:20270215T200000", "DURATION:+P1DT4H").days == range("2027-02-15", "2027-02-16"))
        #expect(try only("DTSTART:20270215T200000", "DURATION:P1DT4H0M1S").days == range("2027-02-15", "2027-02-17"))
        for bad in ["P1X", "PT", "1D", "P1H", "PT1D", "-PT1H"] {
            let error = parseError(event("DTSTART:20270215T200000", "DURATION:\(bad)"))
            #expect(error?.line == 6 && error?.reason.contains("DURATION") == true, "\(bad): \(error?.description ?? "no error")")
        }
    }
}

@Suite struct ErrorTests {
    @Test func invalidDatesNameTheLine() {
        for (value, words) in [("DTSTART;VALUE=DATE:20270230", ["date", "February 2027 has 28 days"]),
                               ("DTSTART;VALUE=DATE:20271345", ["date", "no month 13"]),
                               ("DTSTART;VALUE=DATE:2027-01-05", ["date", "YYYYMMDD"]),
                               ("DTSTART:20270105T250000", ["date-time", "hour 25"]),
                               ("DTSTART:20270105T0900", ["date-time"]),
                               ("DTSTART;VALUE=DATE:20270105T090000", ["VALUE=DATE", "has a time"]),
                               ("DTSTART;VALUE=PERIOD:20270105", ["VALUE=PERIOD"])] {
            let error = parseError(event("SUMMARY:x", value))
            #expect(error?.line == 6, "\(value)")
            for word in words {
                #expect(error?.reason.contains(word) == true, "\(value): \(error?.reason ?? "no error")")
            }
        }
        let exdate = parseError(event("DTSTART;VALUE=DATE:20270105", "RRULE:FREQ=DAILY", "EXDATE;VALUE=DATE:20270106,20270230"))
        #expect(exdate?.line == 7 && exdate?.reason.contains("EXDATE") == true)
    }

    @Test func aMissingStartIsReportedAtTheEvent() {
        let error = parseError([event("DTSTART;VALUE=DATE:20270105"), event("SUMMARY:Webinar", "DTEND:20270119T100000Z")].joined(separator: "\n"))
        #expect(error?.line == 7)
        #expect(error?.reason.contains("DTSTART") == true)
        #expect(error?.reason.contains("'Webinar'") == true)
        // A published calendar must give every event a start, METHOD or not.
        let published = parseError(["METHOD:PUBLISH", event("SUMMARY:Webinar")].joined(separator: "\n"))
        #expect(published?.line == 5 && published?.reason.contains("DTSTART") == true)
    }

    @Test func componentsMustBalance() {
        // An alarm never closed: reported at its BEGIN, naming the END it needs.
        let alarm = parseError(event("DTSTART;VALUE=DATE:20270105", "BEGIN:VALARM", "TRIGGER:-PT15M"))
        #expect(alarm?.line == 6)
        #expect(alarm?.reason.contains("END:VALARM") == true)
        // An END without its BEGIN: reported where it is.
        let stray = parseError(event("DTSTART;VALUE=DATE:20270105", "END:VALARM"))
        #expect(stray?.line == 6)
        #expect(stray?.reason.contains("BEGIN:VALARM") == true)
        // A file cut short.
        let cut = #expect(throws: CalendarError.self) { try ICSReader.parse("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270105\r\n", file: "t.ics") }
        #expect(cut?.line == 2)
        #expect(cut?.reason.contains("END:VEVENT") == true)
        let noEnd = #expect(throws: CalendarError.self) { try ICSReader.parse("BEGIN:VCALENDAR\nVERSION:2.0\n", file: "t.ics") }
        #expect(noEnd?.line == 1)
        #expect(noEnd?.reason.contains("END:VCALENDAR") == true)
    }

    @Test func theFileMustBeACalendar() throws {
        for text in ["", "\r\n", "hello", "Subject,Start Date\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "BEGIN:VEVENT\r\nEND:VEVENT\r\n"] {
            let error = #expect(throws: CalendarError.self) { try ICSReader.parse(text, file: "t.ics") }
            #expect(error?.line == 1, "\(text.debugDescription)")
            #expect(error?.reason.contains("BEGIN:VCALENDAR") == true, "\(text.debugDescription)")
        }
        let after = #expect(throws: CalendarError.self) { try ICSReader.parse("BEGIN:VCALENDAR\nEND:VCALENDAR\nSUMMARY:x\n", file: "t.ics") }
        #expect(after?.line == 3)
        #expect(after?.reason.contains("after END:VCALENDAR") == true)
        // Two calendars in one file are fine.
        let two = "BEGIN:VCALENDAR\nX-WR-CALNAME:A\nEND:VCALENDAR\nBEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20270105\nEND:VEVENT\nEND:VCALENDAR\n"
        #expect(try ICSReader.parse(two, file: "t.ics").occurrences(in: year2027).count == 1)
    }

    @Test func otherProblemsNameTheirLine() {
        let noColon = parseError(event("DTSTART;VALUE=DATE:20270105", "DESCRIPTION:first line", "second line that lost its fold"))
        #expect(noColon?.line == 7)
        #expect(noColon?.reason.contains("start with a space") == true)
        let backwards = parseError(event("DTSTART:20270105T100000Z", "DTEND:20270105T090000Z"))
        #expect(backwards?.line == 6)
        #expect(backwards?.reason.contains("before DTSTART") == true)
        let twice = parseError(event("DTSTART;VALUE=DATE:20270105", "DTSTART;VALUE=DATE:20270106"))
        #expect(twice?.line == 6 && twice?.reason.contains("line 5") == true)
        let exrule = parseError(event("DTSTART;VALUE=DATE:20270105", "EXRULE:FREQ=DAILY"))
        #expect(exrule?.line == 6 && exrule?.reason.contains("EXDATE") == true)
        #expect(CalendarError(file: "a.ics", line: 3, reason: "why").description == "a.ics:3: why")
    }
}
