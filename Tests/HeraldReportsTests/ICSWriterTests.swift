import Foundation
import HeraldModel
import HeraldReports
import HeraldTestSupport
import Testing

@Suite struct ICSWriterTests {
    func export(_ posts: [Post], generatedAt: Date = Example.generatedAt, utc: Bool = false, clock: ZoneClock = Example.clock) throws -> String {
        var w = ICSWriter(strategy: Example.strategy, clock: clock,
                          options: .init(name: "Bean & Bloom Coffee — 2027-Q1", range: Example.quarter, generatedAt: generatedAt, utc: utc),
                          sink: StringSink())
        try w.begin()
        for p in posts { try w.write(p) }
        try w.end()
        #expect(w.events == posts.count)
        return w.sink.text
    }

    /// Joins folded lines back (RFC 5545 §3.1).
    func unfold(_ text: String) -> [String] {
        text.replacingOccurrences(of: "\r\n ", with: "").components(separatedBy: "\r\n").filter { !$0.isEmpty }
    }

    @Test(arguments: [String(repeating: "ż", count: 120), String(repeating: "☕️👩🏽‍🍳", count: 30), "x" + String(repeating: "咖", count: 90),
                      String(repeating: "a", count: 75), String(repeating: "a", count: 76)])
    func foldsAt75OctetsNeverInsideACharacter(_ value: String) {
        var pieces: [String] = []
        ICSFormat.fold("SUMMARY:" + value) { pieces.append($0) }
        var unfolded = ""
        for (i, piece) in pieces.enumerated() {
            let bytes = Array(piece.utf8)
            #expect(bytes.suffix(2) == [13, 10])
            let content = bytes.dropLast(2)
            #expect(content.count <= 75, "piece \(i) has \(content.count) octets")
            #expect(i == 0 || content.first == UInt8(ascii: " "))
            // Each piece is valid UTF-8 on its own: no fold split a sequence.
            let text = String(validating: Array(content), as: UTF8.self)
            #expect(text != nil)
            unfolded += String(decoding: i == 0 ? content : content.dropFirst(), as: UTF8.self)
        }
        #expect(unfolded == "SUMMARY:" + value)
    }

    @Test func escapesText() {
        #expect(ICSFormat.text("a,b;c\\d\ne\r\nf") == "a\\,b\\;c\\\\d\\ne\\nf")
        #expect(ICSFormat.text("bell\u{07}tab\t") == "belltab ")
    }

    @Test func writesOneEventPerPostWithTheRequiredFields() throws {
        let posts = Array(Example.posts.prefix(20)) + [Example.hostilePost()]
        let text = try export(posts)
        #expect(text.hasPrefix("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        let lines = unfold(text)
        #expect(lines.filter { $0 == "BEGIN:VEVENT" }.count == posts.count)
        #expect(lines.contains("X-WR-CALNAME:Bean & Bloom Coffee — 2027-Q1"))
        let contest = try #require(Example.posts.first { $0.kind == .contest && $0.channel == "facebook" })
        let contestText = try export([contest])
        let l = Example.clock.local(contest.scheduledAt)
        let start = "DTSTART;TZID=Europe/Amsterdam:\(l.date.iso.replacingOccurrences(of: "-", with: ""))T\(l.time.description.replacingOccurrences(of: ":", with: ""))00"
        let ev = unfold(contestText)
        #expect(ev.contains(start))
        #expect(ev.contains("UID:\(contest.id)@bean-bloom-coffee.herald"))
        #expect(ev.contains("DTSTAMP:20261201T090000Z"))
        #expect(ev.contains("DURATION:PT15M"))
        #expect(ev.contains("SUMMARY:[facebook] Contest — \(contest.step!.label): Latte art"))
        #expect(ev.contains("CATEGORIES:contest"))
        #expect(ev.contains("STATUS:TENTATIVE"))
        #expect(ev.contains { $0.hasPrefix("DESCRIPTION:Channel: facebook (facebook)\\nGoal: community — Keep our regulars talking to us\\nOwner: ") })
        let hostile = unfold(try export([Example.hostilePost()]))
        #expect(hostile.contains { $0.hasPrefix("DESCRIPTION:") && $0.contains("=HYPERLINK(\"http://evil\")\\, then\\; a \"quote\"\\nZażółć") })
    }

    @Test func theTimeZoneDescribesTheSummerTimeChange() throws {
        let lines = unfold(try export([]))
        let tz = Array(lines.drop { $0 != "BEGIN:VTIMEZONE" }.prefix { $0 != "END:VTIMEZONE" })
        #expect(tz.contains("TZID:Europe/Amsterdam"))
        // 2026-10-25 back to +01:00 (in force when the quarter starts), 2027-03-28 02:00 forward to +02:00.
        #expect(tz.contains("DTSTART:20261025T030000"))
        #expect(tz.contains("DTSTART:20270328T020000"))
        #expect(tz.contains("TZOFFSETFROM:+0100"))
        #expect(tz.contains("TZOFFSETTO:+0200"))
        #expect(tz.filter { $0 == "BEGIN:DAYLIGHT" }.count == 1)
        let tokyo = unfold(try export([], clock: ZoneClock(identifier: "Asia/Tokyo")!))
        #expect(tokyo.contains("DTSTART:19700101T000000"))
        #expect(tokyo.contains("TZOFFSETTO:+0900"))
        let utc = unfold(try export(Array(Example.posts.prefix(1)), utc: true))
        #expect(!utc.contains("BEGIN:VTIMEZONE"))
        #expect(utc.contains("DTSTART:" + ICSFormat.utc(Example.posts[0].scheduledAt)))
    }

    @Test(.enabled(if: Python.hasICalendar || Python.inCI, "needs Python's icalendar package (pip install icalendar)"))
    func aStrictParserReadsItAndUIDsRoundTrip() throws {
        #expect(Python.hasICalendar, "CI must have Python's icalendar package: .ci/run installs it")
        let dir = TemporaryDirectory()
        let posts = Example.posts + [Example.hostilePost()]
        let first = dir.write("a.ics", try export(posts))
        let second = dir.write("b.ics", try export(posts, generatedAt: Date(iso: "2027-01-15T10:00:00Z")!))
        let utc = dir.write("c.ics", try export(posts, utc: true))
        var summaries: [[String: Any]] = []
        for file in [first, second, utc] {
            let run = try Python.run("check_ics.py", [file])
            #expect(run.status == 0, "\(run.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            summaries.append(json)
        }
        let events = try #require(summaries[0]["events"] as? [[String: Any]])
        #expect(summaries[0]["calendar_name"] as? String == "Bean & Bloom Coffee — 2027-Q1")
        #expect(events.count == posts.count)
        // The same posts give the same UIDs in every export, whatever the time of export or the zone written.
        for s in summaries.dropFirst() {
            #expect((s["events"] as? [[String: Any]])?.map { $0["uid"] as? String } == events.map { $0["uid"] as? String })
        }
        for (e, p) in zip(events, posts) {
            #expect(e["uid"] as? String == "\(p.id)@bean-bloom-coffee.herald")
            #expect(e["start_utc"] as? String == p.scheduledAt.isoUTC, "\(p.id)")
            #expect(e["tzid"] as? String == "Europe/Amsterdam")
            #expect(e["duration_minutes"] as? Int == 15)
            #expect(e["categories"] as? [String] == [p.kind.rawValue])
        }
        let hostile = try #require(events.last)
        #expect((hostile["description"] as? String)?.hasSuffix(Example.hostilePost().body!) == true)
        #expect(hostile["summary"] as? String == "[facebook] Engagement: Oat, almond; or whole?")
        let utcEvents = try #require(summaries[2]["events"] as? [[String: Any]])
        #expect(utcEvents.map { $0["start_utc"] as? String } == events.map { $0["start_utc"] as? String })
    }
}
