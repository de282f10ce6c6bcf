import Foundation
import HeraldCalendars
import HeraldModel
import HeraldTestSupport
import Testing

@Suite struct FixtureTests {
    static let validNames = ExpectedFixtures.shared.valid.keys.sorted()
    static let malformedNames = ExpectedFixtures.shared.malformed.map(\.file)

    @Test func everyFixtureIsDescribed() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Repo.path(ExpectedFixtures.folder)).filter { $0.hasSuffix(".ics") }
        #expect(Set(files) == Set(Self.validNames + Self.malformedNames))
        #expect(Self.validNames.count >= 4 && Self.malformedNames.count >= 5)
    }

    @Test(arguments: validNames)
    func validFixtureYieldsTheExpectedOccurrences(_ name: String) throws {
        let expected = ExpectedFixtures.shared
        let data = try #require(FileManager.default.contents(atPath: ExpectedFixtures.fixturePath(name)))
        let parsed = try ICSReader.parse(data, file: name)
        let actual = parsed.occurrences(in: expected.range).map(ExpectedFixtures.Occurrence.init)
        #expect(actual == expected.valid[name])
        // The same from text as from bytes.
        let fromText = try ICSReader.parse(String(decoding: data, as: UTF8.self), file: name)
        #expect(fromText.occurrences(in: expected.range) == parsed.occurrences(in: expected.range))
    }

    @Test(arguments: malformedNames)
    func malformedFixtureFailsAtTheExpectedLine(_ name: String) throws {
        let expectation = try #require(ExpectedFixtures.shared.malformed.first { $0.file == name })
        let data = try #require(FileManager.default.contents(atPath: ExpectedFixtures.fixturePath(name)))
        let error = #expect(throws: CalendarError.self) { try ICSReader.parse(data, file: name) }
        #expect(error?.file == name)
        #expect(error?.line == expectation.line)
        #expect(error?.reason.contains(expectation.reasonContains) == true, "\(error?.description ?? "no error")")
        #expect(error?.description.hasPrefix("\(name):\(expectation.line): ") == true)
    }

    @Test func fixtureDetailsAreKept() throws {
        let google = try ICSReader.parse(Repo.text("\(ExpectedFixtures.folder)/google.ics"), file: "google.ics")
        #expect(google.name == "Marketing team")
        #expect(google.file == "google.ics")
        let kickoff = try #require(google.occurrences(in: year2027).first { $0.summary == "Q1 kick-off" })
        #expect(kickoff.description == "Agenda: goals, metrics; channels\nBring: laptop, last quarter's numbers\nDial-in: see the invitation")
        #expect(kickoff.uid == "4f6h8j0l2n4p6r8t0v2x4z6b8d@google.com")
        #expect(kickoff.line == 41)
        #expect(kickoff.days == range("2027-02-03", "2027-02-03"))
        let offsite = try #require(google.occurrences(in: year2027).first { $0.summary == "Team offsite" })
        #expect(offsite.days == range("2027-04-12", "2027-04-13"))
        let webinar = try #require(google.occurrences(in: year2027).first { $0.start == date("2027-05-20") })
        #expect(webinar.description?.contains("zaangażowanie i sprzedaż.\n2. Ćwiczenie: zażółć gęślą jaźń") == true)

        let apple = try ICSReader.parse(Repo.text("\(ExpectedFixtures.folder)/apple.ics"), file: "apple.ics")
        let ski = try #require(apple.occurrences(in: year2027).first { $0.summary == "Ski trip (team out)" })
        #expect(ski.days == range("2027-02-15", "2027-02-19"))
        let apac = try #require(apple.occurrences(in: year2027).first { $0.summary == "APAC webinar" })
        #expect(apac.days == range("2027-09-14", "2027-09-15"))

        let outlook = try ICSReader.parse(Repo.text("\(ExpectedFixtures.folder)/outlook.ics"), file: "outlook.ics")
        #expect(outlook.name == "Calendar")
        let planning = try #require(outlook.occurrences(in: year2027).first { $0.summary == "Quarterly planning" })
        #expect(planning.uid == "040000008200E00074C5B7101A82E0080000000070F1A2B3C4D5DA0100000000000000001000000002A4B7C2D9E1F3A5B6C7D8E9F0A1B2C3D")
        #expect(planning.description == "Goals, metrics and the channel mix for the new quarter.\n\nPlease read the strategy draft first.\n")
    }
}

@Suite struct BundledCalendarTests {
    static let files: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: Repo.path("Calendars"))) ?? [])
        .filter { $0.hasSuffix(".ics") }.sorted()

    @Test func theCalendarsAreThere() {
        #expect(Self.files.count == 7)
    }

    @Test(arguments: files)
    func parsesAndHasEventsIn2027(_ name: String) throws {
        let data = try #require(FileManager.default.contents(atPath: Repo.path("Calendars/\(name)")))
        let parsed = try ICSReader.parse(data, file: "Calendars/\(name)")
        #expect(parsed.name?.isEmpty == false)
        let events = parsed.occurrences(in: year2027)
        #expect(events.count >= 8)
        #expect(events.allSatisfy { $0.allDay && $0.start == $0.end && $0.start.year == 2027 && !$0.categories.isEmpty })
        // 2026–2028 are covered.
        #expect(parsed.occurrences(in: range("2026-01-01", "2028-12-31")).count > 2 * events.count)
    }

    @Test func polishHolidays() throws {
        let pl = try ICSReader.parse(Repo.text("Calendars/holidays-pl.ics"), file: "holidays-pl.ics")
        let november = pl.occurrences(in: range("2027-11-01", "2027-11-30"))
        #expect(november.map(\.summary) == ["All Saints' Day", "National Independence Day"])
        let independence = try #require(november.last)
        #expect(independence.start == date("2027-11-11"))
        #expect(independence.description == "Narodowe Święto Niepodległości")
        #expect(independence.categories == ["Holiday"])
        #expect(independence.uid == "2027-11-11-national-independence-day@pl.holidays.herald")
        #expect(pl.name == "Public holidays 2026-2028: Poland")
    }

    @Test func marketingObservances() throws {
        let obs = try ICSReader.parse(Repo.text("Calendars/marketing-observances.ics"), file: "marketing-observances.ics")
        let events = obs.occurrences(in: year2027)
        #expect(events.first { $0.summary == "Black Friday" }?.start == date("2027-11-26"))
        #expect(events.first { $0.summary == "Cyber Monday" }?.start == date("2027-11-29"))
        #expect(events.allSatisfy { $0.categories == ["Observance"] })
    }

    @Test func usNewYearObservedIn2027() throws {
        let us = try ICSReader.parse(Repo.text("Calendars/holidays-us.ics"), file: "holidays-us.ics")
        let last = try #require(us.occurrences(in: year2027).last)
        #expect(last.start == date("2027-12-31"))
        #expect(last.summary == "New Year's Day (observed)")
    }
}
