import Foundation
import HeraldModel
import HeraldReports
import Testing

@Suite struct CSVTests {
    @Test func quotesWhatNeedsQuoting() {
        #expect(CSV.field("plain") == "plain")
        #expect(CSV.field("a,b") == "\"a,b\"")
        #expect(CSV.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSV.field("two\nlines") == "\"two\nlines\"")
        #expect(CSV.field(" padded") == "\" padded\"")
        #expect(CSV.record(["a", "b,c", ""]) == "a,\"b,c\",\r\n")
    }

    @Test(arguments: ["=1+2", "+31 6 1234", "-5", "@SUM(A1)", "\tx", "'=x", "''-y"])
    func neutralisesFormulasReversibly(_ value: String) {
        let guarded = CSV.guardFormula(value)
        #expect(guarded.first == "'")
        #expect(CSV.unguard(guarded) == value)
    }

    @Test(arguments: ["hello", "'quoted'", "it's", "", "a=b", "'plain"])
    func leavesOrdinaryTextAlone(_ value: String) {
        #expect(CSV.guardFormula(value) == value)
        #expect(CSV.unguard(value) == value)
    }

    @Test func readsWhatItWrites() throws {
        let rows = [["id", "body", "n"], ["1", "a, \"b\"\nc", "-3"], ["2", "Zażółć ☕️", ""], ["3", "=cmd|' /C calc'!A0", " x "]]
        let text = rows.map { CSV.record($0) }.joined()
        #expect(!text.contains("\n=cmd"))
        let back = try CSVReader.parse(text)
        #expect(back.map { $0.fields.map(CSV.unguard) } == rows)
        // Spreadsheet rows: the record with a line break inside still counts as one row.
        #expect(back.map(\.row) == [1, 2, 3, 4])
    }

    @Test func acceptsLFBlankLinesAndAByteOrderMark() throws {
        let back = try CSVReader.parse("\u{FEFF}a,b\n1,2\n\n3,\"4\"")
        #expect(back.map(\.fields) == [["a", "b"], ["1", "2"], ["3", "4"]])
        #expect(back.map(\.row) == [1, 2, 4])
    }

    @Test func reportsBrokenQuotingWithTheRow() {
        #expect { try CSVReader.parse("a,b\n1,\"open\n2,3\n") } throws: { e in
            (e as? CSVSyntaxError)?.row == 2 && "\(e)".contains("never closed")
        }
        #expect { try CSVReader.parse("a,b\n1,x\"y\n") } throws: { e in
            (e as? CSVSyntaxError)?.row == 2 && "\(e)".contains("quote inside an unquoted field")
        }
        #expect { try CSVReader.parse("a,b\n\"1\"x,2\n") } throws: { e in (e as? CSVSyntaxError)?.row == 2 }
    }

    /// A file read in pieces that end anywhere (inside a CRLF, a doubled quote, a quoted line break, a UTF-8
    /// character) gives the records of reading it whole.
    @Test func piecesEndingAnywhereGiveTheSameRecords() throws {
        let text = "\u{FEFF}id,body,n\r\n1,\"a, \"\"b\"\"\r\nc\",-3\r\n\r\n2,Zażółć ☕️,\r\n3,\"\",\"\"\"\"\n4,x,y"
        let whole = try CSVReader.parse(text)
        #expect(whole.map(\.row) == [1, 2, 4, 5, 6])
        #expect(whole[1].fields == ["1", "a, \"b\"\r\nc", "-3"])
        #expect(whole[3].fields == ["3", "", "\""])
        let bytes = Array(text.utf8)
        for size in [3, 4, 5, 7, 64] {
            var parser = CSVParser()
            var records: [CSVRecord] = []
            var at = 0
            while at < bytes.count {
                let end = min(at + size, bytes.count)
                try bytes[at..<end].withUnsafeBufferPointer { (p) throws(CSVSyntaxError) in try parser.feed(p) { records.append($0) } }
                at = end
            }
            try parser.finish { records.append($0) }
            #expect(records == whole, "pieces of \(size)")
        }
    }

    @Test func bytesThatAreNotUTF8AreAnEncodingProblem() throws {
        var parser = CSVParser()
        let bytes: [UInt8] = Array("a,b\n1,".utf8) + [0xFF, 0x41] + Array("\n".utf8)
        #expect {
            try bytes.withUnsafeBufferPointer { (p) throws(CSVSyntaxError) in try parser.feed(p) { _ in } }
        } throws: { ($0 as? CSVSyntaxError)?.encoding == true && ($0 as? CSVSyntaxError)?.row == 2 }
    }

    @Test func postRowsCarryTheCalendarFieldsInLocalTime() throws {
        var sink = StringSink()
        let p = Example.hostilePost()
        let n = try PostCSV.write([p], clock: Example.clock, into: &sink)
        #expect(n == 1)
        let records = try CSVReader.parse(sink.text)
        #expect(records[0].fields == PostCSV.header)
        let row = Dictionary(uniqueKeysWithValues: zip(PostCSV.header, records[1].fields.map(CSV.unguard)))
        #expect(row["date"] == "2027-03-29")
        #expect(row["time"] == "08:30")
        #expect(row["weekday"] == "mon")
        #expect(row["scheduled_at"] == "2027-03-29T06:30:00Z")  // summer time has begun: +02:00
        #expect(row["body"] == p.body)
        #expect(records[1].fields[PostCSV.header.firstIndex(of: "body")!].hasPrefix("'="))
        #expect(sink.text.hasSuffix("\r\n"))
    }

    @Test func bufferAndHootsuiteLayouts() {
        let p = Example.posts.first { $0.kind == .contest }!
        var withBody = p
        withBody.body = "Join the contest!"
        let b = BufferCSV.row(withBody, clock: Example.clock)
        #expect(BufferCSV.headerLine() == "Text,Image URL,Tags,Posting Time\r\n")
        #expect(b[2] == "contest,latte-art,\(p.step!.rawValue)")
        #expect(b[3] == Example.clock.dateTimeTextForTests(p.scheduledAt))
        let labels = PostLabels(Example.strategy)
        let h = HootsuiteCSV.row(withBody, clock: Example.clock, labels: labels, format: .dayMonthYear)
        let l = Example.clock.local(p.scheduledAt)
        #expect(h[0] == String(format: "%02d/%02d/%04d %@", l.date.day, l.date.month, l.date.year, l.time.description))
        #expect(HootsuiteCSV.DateFormat.monthDayYear.text(LocalDate(iso: "2027-02-03")!, LocalTime(hhmm: "08:30")!) == "02/03/2027 08:30")
        #expect(HootsuiteCSV.DateFormat.yearMonthDay.text(LocalDate(iso: "2027-02-03")!, LocalTime(hhmm: "08:30")!) == "2027/02/03 08:30")
    }
}

extension ZoneClock {
    func dateTimeTextForTests(_ d: Date) -> String { let l = local(d); return "\(l.date.iso) \(l.time)" }
}
