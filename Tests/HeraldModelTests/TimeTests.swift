import Foundation
import HeraldModel
import Testing

@Suite struct LocalDateTests {
    @Test func roundTripsThroughDaysSinceEpoch() {
        for days in stride(from: -800_000, through: 800_000, by: 977) {
            let d = LocalDate(daysSinceEpoch: days)
            #expect(d.daysSinceEpoch == days)
        }
        #expect(LocalDate(iso: "1970-01-01")!.daysSinceEpoch == 0)
        #expect(LocalDate(iso: "2027-03-01")!.adding(days: -1).iso == "2027-02-28")
        #expect(LocalDate(iso: "2028-03-01")!.adding(days: -1).iso == "2028-02-29")
    }

    @Test func rejectsImpossibleDates() {
        #expect(LocalDate(iso: "2027-02-29") == nil)
        #expect(LocalDate(iso: "2027-13-01") == nil)
        #expect(LocalDate(iso: "2027-1-01") == nil)
        #expect(LocalDate(iso: "tomorrow") == nil)
    }

    @Test func knowsWeekdays() {
        #expect(LocalDate(iso: "2027-01-01")!.weekday == .friday)
        #expect(LocalDate(iso: "2027-03-28")!.weekday == .sunday)
        #expect(LocalDate(iso: "2027-03-31")!.startOfWeek.iso == "2027-03-29")
    }

    @Test func parsesTimesOfDay() {
        #expect(LocalTime(hhmm: "09:30")?.minutesSinceMidnight == 570)
        #expect(LocalTime(hhmm: "9:30")?.description == "09:30")
        #expect(LocalTime(hhmm: "24:00") == nil)
        #expect(LocalTime(hhmm: "12:5") == nil)
    }

    @Test func parsesPeriodNames() {
        #expect(PeriodName.parse("2027-Q1")?.description == "2027-01-01..2027-03-31")
        #expect(PeriodName.parse("2027-q4")?.description == "2027-10-01..2027-12-31")
        #expect(PeriodName.parse("2028-02")?.description == "2028-02-01..2028-02-29")
        #expect(PeriodName.parse("2027-Q5") == nil)
        #expect(PeriodName.parse("2027-13") == nil)
    }
}

@Suite struct ZoneClockTests {
    let warsaw = ZoneClock(identifier: "Europe/Warsaw")!

    @Test func convertsAcrossDaylightSavingTime() {
        // Winter: UTC+1; summer: UTC+2 (clocks go forward on 2027-03-28 at 02:00).
        #expect(warsaw.instant(LocalDate(iso: "2027-03-27")!, LocalTime(hhmm: "10:00")!).isoUTC == "2027-03-27T09:00:00Z")
        #expect(warsaw.instant(LocalDate(iso: "2027-03-28")!, LocalTime(hhmm: "10:00")!).isoUTC == "2027-03-28T08:00:00Z")
        #expect(warsaw.instant(LocalDate(iso: "2027-10-31")!, LocalTime(hhmm: "10:00")!).isoUTC == "2027-10-31T09:00:00Z")
    }

    @Test func movesSkippedTimesForwardAndTakesTheFirstOfRepeatedOnes() {
        // 02:30 does not exist on 2027-03-28 in Warsaw: it becomes 03:30 local, 01:30 UTC.
        let skipped = warsaw.instant(LocalDate(iso: "2027-03-28")!, LocalTime(hhmm: "02:30")!)
        #expect(skipped.isoUTC == "2027-03-28T01:30:00Z")
        #expect(warsaw.isoLocal(skipped) == "2027-03-28T03:30:00+02:00")
        // 02:30 happens twice on 2027-10-31: the first is 00:30 UTC.
        #expect(warsaw.instant(LocalDate(iso: "2027-10-31")!, LocalTime(hhmm: "02:30")!).isoUTC == "2027-10-31T00:30:00Z")
    }

    @Test func formatsLocalTimesWithTheirOffset() {
        let t = Date(iso: "2027-07-01T08:00:00Z")!
        #expect(warsaw.isoLocal(t) == "2027-07-01T10:00:00+02:00")
        #expect(Date(iso: "2027-07-01T10:00:00+02:00") == t)
        #expect(Date(iso: "2027-07-01T10:00+02:00") == t)
        #expect(Date(iso: "2027-07-01 08:00Z") == t)
        #expect(Date(iso: "2027-07-01T08:00:00") == nil)
    }
}

@Suite struct StableHashTests {
    @Test func isStableAcrossRuns() {
        #expect(StableHash.hex("herald") == StableHash.hex("herald"))
        #expect(StableHash.hex("a").count == 16)
        #expect(Post.makeID("facebook", "2027-01-04T08:30:00Z") == Post.makeID("facebook", "2027-01-04T08:30:00Z"))
        #expect(Post.makeID("facebook", "x") != Post.makeID("instagram", "x"))
    }
}
