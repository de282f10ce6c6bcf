import HeraldCalendars
import HeraldModel
import Testing

@Suite struct RecurrenceTests {
    @Test func weeklyWithBydayAndIntervalTwoFollowsTheWeekStart() throws {
        // RFC 5545 §3.8.5.3: the same rule gives other days when the week starts on Sunday.
        let window = range("1997-01-01", "1997-12-31")
        #expect(try starts("DTSTART:19970805T090000", "RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO", in: window)
                == ["1997-08-05", "1997-08-10", "1997-08-19", "1997-08-24"])
        #expect(try starts("DTSTART:19970805T090000", "RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU", in: window)
                == ["1997-08-05", "1997-08-17", "1997-08-19", "1997-08-31"])
        // Every other week on Monday and Thursday.
        #expect(try starts("DTSTART;VALUE=DATE:20270104", "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH", in: range("2027-01-01", "2027-02-05"))
                == ["2027-01-04", "2027-01-07", "2027-01-18", "2027-01-21", "2027-02-01", "2027-02-04"])
    }

    @Test func weeklyWithoutBydayRepeatsTheStartWeekday() throws {
        #expect(try starts("DTSTART;VALUE=DATE:20270106", "RRULE:FREQ=WEEKLY;COUNT=3") == ["2027-01-06", "2027-01-13", "2027-01-20"])
    }

    @Test func monthlyOnTheLastFriday() throws {
        #expect(try starts("DTSTART;VALUE=DATE:20270129", "RRULE:FREQ=MONTHLY;BYDAY=-1FR;COUNT=4")
                == ["2027-01-29", "2027-02-26", "2027-03-26", "2027-04-30"])
    }

    @Test func monthlyOnTheFirstFriday() throws {
        // RFC 5545: monthly on the first Friday for 10 occurrences.
        #expect(try starts("DTSTART;TZID=America/New_York:19970905T090000", "RRULE:FREQ=MONTHLY;COUNT=10;BYDAY=1FR",
                           in: range("1997-01-01", "1998-12-31"))
                == ["1997-09-05", "1997-10-03", "1997-11-07", "1997-12-05", "1998-01-02", "1998-02-06", "1998-03-06",
                    "1998-04-03", "1998-05-01", "1998-06-05"])
    }

    @Test func yearlyOnTheSecondSundayOfMay() throws {
        // Mother's Day (US, DE, NL…).
        #expect(try starts("DTSTART;VALUE=DATE:20260510", "RRULE:FREQ=YEARLY;BYMONTH=5;BYDAY=2SU", in: range("2026-01-01", "2029-12-31"))
                == ["2026-05-10", "2027-05-09", "2028-05-14", "2029-05-13"])
    }

    @Test func yearlyOnTheTwentiethMondayOfTheYear() throws {
        #expect(try starts("DTSTART:19970519T090000", "RRULE:FREQ=YEARLY;BYDAY=20MO", in: range("1997-01-01", "1999-12-31"))
                == ["1997-05-19", "1998-05-18", "1999-05-17"])
    }

    @Test func everyDayInJanuaryForThreeYears() throws {
        // RFC 5545, with UNTIL in UTC and a start in New York: 2000-01-31 09:00 EST is exactly UNTIL, so it is included.
        let dates = try starts("DTSTART;TZID=America/New_York:19980101T090000",
                               "RRULE:FREQ=YEARLY;UNTIL=20000131T140000Z;BYMONTH=1;BYDAY=SU,MO,TU,WE,TH,FR,SA",
                               in: range("1998-01-01", "2000-12-31"))
        #expect(dates.count == 93)
        #expect(dates.last == "2000-01-31")
    }

    @Test func fridayThe13th() throws {
        #expect(try starts("DTSTART;VALUE=DATE:19980213", "RRULE:FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13", in: range("1998-01-01", "2000-12-31"))
                == ["1998-02-13", "1998-03-13", "1998-11-13", "1999-08-13", "2000-10-13"])
    }

    @Test func monthDaysCountFromTheEndWhenNegative() throws {
        #expect(try starts("DTSTART;VALUE=DATE:20270131", "RRULE:FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=3") == ["2027-01-31", "2027-02-28", "2027-03-31"])
        #expect(try starts("DTSTART;VALUE=DATE:20270102", "RRULE:FREQ=MONTHLY;BYMONTHDAY=2,15;COUNT=4") == ["2027-01-02", "2027-01-15", "2027-02-02", "2027-02-15"])
        #expect(try starts("DTSTART;VALUE=DATE:20241224", "RRULE:FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24") == ["2027-12-24"])
    }

    @Test func dailyWithIntervalAndCount() throws {
        #expect(try starts("DTSTART:19970902T090000", "RRULE:FREQ=DAILY;INTERVAL=10;COUNT=5", in: range("1997-01-01", "1997-12-31"))
                == ["1997-09-02", "1997-09-12", "1997-09-22", "1997-10-02", "1997-10-12"])
        #expect(try starts("DTSTART;VALUE=DATE:20270104", "RRULE:FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;COUNT=6")
                == ["2027-01-04", "2027-01-05", "2027-01-06", "2027-01-07", "2027-01-08", "2027-01-11"])
    }

    @Test func countIncludesTheStartAndExcludedDates() throws {
        #expect(try starts("DTSTART;VALUE=DATE:20270301", "RRULE:FREQ=DAILY;COUNT=3") == ["2027-03-01", "2027-03-02", "2027-03-03"])
        // EXDATE takes dates out of the set COUNT made; it does not add more.
        #expect(try starts("DTSTART;VALUE=DATE:20270301", "RRULE:FREQ=DAILY;COUNT=3", "EXDATE;VALUE=DATE:20270302") == ["2027-03-01", "2027-03-03"])
    }

    @Test func untilIsInclusive() throws {
        #expect(try starts("DTSTART;VALUE=DATE:20270101", "RRULE:FREQ=DAILY;UNTIL=20270105").count == 5)
        #expect(try starts("DTSTART:20270101T090000Z", "RRULE:FREQ=DAILY;UNTIL=20270103T090000Z") == ["2027-01-01", "2027-01-02", "2027-01-03"])
        #expect(try starts("DTSTART:20270101T090000Z", "RRULE:FREQ=DAILY;UNTIL=20270103T085959Z") == ["2027-01-01", "2027-01-02"])
        // UNTIL in UTC against a start in New York (10:00 EST = 15:00 UTC).
        #expect(try starts("DTSTART;TZID=America/New_York:20270101T100000", "RRULE:FREQ=WEEKLY;UNTIL=20270115T150000Z")
                == ["2027-01-01", "2027-01-08", "2027-01-15"])
        #expect(try starts("DTSTART;TZID=America/New_York:20270101T100000", "RRULE:FREQ=WEEKLY;UNTIL=20270115T145959Z")
                == ["2027-01-01", "2027-01-08"])
        // A Windows zone name, as Outlook writes it (9:00 UTC is 10:00 in Warsaw in winter).
        #expect(try starts("DTSTART;TZID=Central European Standard Time:20270104T100000", "RRULE:FREQ=WEEKLY;UNTIL=20270118T090000Z")
                == ["2027-01-04", "2027-01-11", "2027-01-18"])
        // An unknown zone: UNTIL is compared by date.
        #expect(try starts("DTSTART;TZID=Somewhere Standard Time:20270104T100000", "RRULE:FREQ=WEEKLY;UNTIL=20270118T090000Z")
                == ["2027-01-04", "2027-01-11", "2027-01-18"])
    }

    @Test func exdatesRemoveOccurrencesByDate() throws {
        let dates = try starts("DTSTART;TZID=Europe/Warsaw:20270104T100000", "RRULE:FREQ=DAILY;COUNT=10",
                               "EXDATE;TZID=Europe/Warsaw:20270105T100000,20270107T100000",
                               "EXDATE;VALUE=DATE:20270109",
                               "EXDATE:20270111T090000Z",
                               in: range("2027-01-01", "2027-01-31"))
        #expect(dates == ["2027-01-04", "2027-01-06", "2027-01-08", "2027-01-10", "2027-01-12", "2027-01-13"])
    }

    @Test func leapDayIsSkippedInCommonYears() throws {
        #expect(try starts("DTSTART;VALUE=DATE:19920229", "RRULE:FREQ=YEARLY").isEmpty)
        #expect(try starts("DTSTART;VALUE=DATE:19920229", "RRULE:FREQ=YEARLY", in: range("2027-01-01", "2028-12-31")) == ["2028-02-29"])
        // The 31st only in months that have one; COUNT counts only real dates.
        #expect(try starts("DTSTART;VALUE=DATE:20270131", "RRULE:FREQ=MONTHLY;COUNT=4") == ["2027-01-31", "2027-03-31", "2027-05-31", "2027-07-31"])
    }

    @Test func rdatesAddOccurrences() throws {
        #expect(try starts("DTSTART;VALUE=DATE:20270105", "RDATE;VALUE=DATE:20270110,20270120", "RDATE;VALUE=DATE:20270105")
                == ["2027-01-05", "2027-01-10", "2027-01-20"])
        #expect(try starts("DTSTART:20270105T090000Z", "RDATE;VALUE=PERIOD:20270301T090000Z/PT1H") == ["2027-01-05", "2027-03-01"])
    }

    @Test func aChangedOccurrenceReplacesTheOriginal() throws {
        let text = calendar([
            event("UID:weekly@example.com", "DTSTART;TZID=Europe/Warsaw:20270104T100000", "RRULE:FREQ=WEEKLY;COUNT=3", "SUMMARY:Sync"),
            event("UID:weekly@example.com", "RECURRENCE-ID;TZID=Europe/Warsaw:20270111T100000",
                  "DTSTART;TZID=Europe/Warsaw:20270112T100000", "SUMMARY:Sync (moved)"),
            event("UID:weekly@example.com", "RECURRENCE-ID;TZID=Europe/Warsaw:20270118T100000",
                  "DTSTART;TZID=Europe/Warsaw:20270118T100000", "STATUS:CANCELLED", "SUMMARY:Sync"),
        ].joined(separator: "\n"))
        let events = try ICSReader.parse(text, file: "t.ics").occurrences(in: year2027)
        #expect(events.map { "\($0.start) \($0.summary)" } == ["2027-01-04 Sync", "2027-01-12 Sync (moved)"])
    }

    @Test func expansionIsTheSameWhateverTheWindow() throws {
        // Rules without COUNT skip ahead to the window; the result must not depend on it.
        let rules = ["FREQ=DAILY;INTERVAL=3", "FREQ=WEEKLY;INTERVAL=3;BYDAY=MO,FR;WKST=SU", "FREQ=MONTHLY;INTERVAL=5;BYDAY=-2TH",
                     "FREQ=YEARLY;INTERVAL=2;BYMONTH=3,9;BYDAY=1SU", "FREQ=MONTHLY;INTERVAL=7;BYMONTHDAY=31"]
        for rule in rules {
            let text = calendar(event("DTSTART;VALUE=DATE:20190110", "DTEND;VALUE=DATE:20190114", "RRULE:\(rule)", "SUMMARY:x"))
            let parsed = try ICSReader.parse(text, file: "t.ics")
            let all = parsed.occurrences(in: range("2019-01-01", "2031-12-31"))
            for window in [range("2027-01-01", "2027-01-31"), range("2027-03-02", "2027-03-02"), range("2026-12-30", "2027-07-15")] {
                #expect(parsed.occurrences(in: window) == all.filter { $0.days.overlaps(window) }, "\(rule) in \(window)")
            }
        }
    }

    @Test func rulesWithoutEndStopAtTheWindow() throws {
        #expect(try starts("DTSTART;VALUE=DATE:19000101", "RRULE:FREQ=DAILY").count == 365)
        // A rule that never matches again still ends.
        #expect(try starts("DTSTART;VALUE=DATE:20270130", "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", in: range("2027-01-01", "9999-12-31"))
                == ["2027-01-30"])
        #expect(try starts("DTSTART;VALUE=DATE:99991230", "RRULE:FREQ=DAILY", in: range("9999-01-01", "9999-12-31")) == ["9999-12-30", "9999-12-31"])
    }

    @Test func multiDayOccurrencesTouchingTheWindowAreIncluded() throws {
        let text = calendar(event("DTSTART;VALUE=DATE:20261230", "DTEND;VALUE=DATE:20270103", "RRULE:FREQ=YEARLY", "SUMMARY:Winter break"))
        let events = try ICSReader.parse(text, file: "t.ics").occurrences(in: year2027)
        #expect(events.map(\.days) == [range("2026-12-30", "2027-01-02"), range("2027-12-30", "2028-01-02")])
    }

    @Test func unsupportedPartsAreNamed() throws {
        for (rule, words) in [("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", ["BYSETPOS", "not supported"]),
                              ("FREQ=YEARLY;BYWEEKNO=20", ["BYWEEKNO", "not supported"]),
                              ("FREQ=YEARLY;BYYEARDAY=100", ["BYYEARDAY", "not supported"]),
                              ("FREQ=DAILY;BYHOUR=9,17", ["BYHOUR", "not supported"]),
                              ("FREQ=HOURLY;COUNT=3", ["FREQ=HOURLY", "not supported"]),
                              ("FREQ=SOMETIMES", ["FREQ=SOMETIMES", "DAILY, WEEKLY, MONTHLY or YEARLY"]),
                              ("COUNT=3", ["FREQ"]),
                              ("FREQ=WEEKLY;BYDAY=2MO", ["BYDAY=2MO", "MONTHLY or YEARLY"]),
                              ("FREQ=YEARLY;BYMONTH=13", ["BYMONTH", "13"]),
                              ("FREQ=MONTHLY;BYMONTHDAY=0", ["BYMONTHDAY"]),
                              ("FREQ=WEEKLY;BYDAY=XX", ["BYDAY", "weekday"]),
                              ("FREQ=DAILY;INTERVAL=0", ["INTERVAL"]),
                              ("FREQ=DAILY;COUNT=-1", ["COUNT"]),
                              ("FREQ=DAILY;UNTIL=20270230", ["UNTIL", "date"]),
                              ("FREQ=DAILY;FREQ=WEEKLY", ["twice"])] {
            let error = parseError(event("DTSTART;VALUE=DATE:20270105", "SUMMARY:x", "RRULE:\(rule)"))
            #expect(error?.line == 7, "\(rule)")
            for word in words {
                #expect(error?.reason.contains(word) == true, "\(rule): \(error?.reason ?? "no error")")
            }
        }
    }
}
