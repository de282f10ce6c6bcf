import Foundation
import Synchronization
import HeraldTestSupport
import Testing

/// What a new user hit in the first hour: dates that crashed, races on a new database, text cut at a NUL byte,
/// readings that broke reports, read-only copies, and a `validate` that missed what `plan` reads.
@Suite struct FirstHourTests {
    /// Periods before 1970 (negative week numbers) and around year 1 used to crash the slot maker (SIGILL). With
    /// `--now` before them they are planned like any other period.
    @Test(arguments: [
        ["plan", "1969", "--now", "1968-12-01T00:00:00Z"],
        ["plan", "1027-Q1", "--now", "1026-12-01T00:00:00Z"],
        ["plan", "--from", "1969-12-01", "--to", "1970-01-31", "--now", "1969-11-01T00:00:00Z"],
        ["plan", "0001", "--now", "0001-01-01T00:00:00Z"],
    ])
    func earlyPeriodsArePlanned(_ args: [String]) throws {
        let ex = try PlannedExample(plan: false)
        let r = try ex.run(args)
        #expect(r.status == 0, "\(args): \(r.stderr)")
        let posts = try ex.posts(["--from", "0001-01-01", "--to", "1971-01-01"]) + ex.posts(["1027"])
        #expect(posts.count > 50, "\(args)")
        // What reads them back does not crash either.
        let year = args.first { $0.first?.isNumber == true }.map { String($0.prefix(4)) } ?? "1969"
        for read in [["calendar", "--month", year + "-12"], ["export", "--format", "ics"],
                     ["export", "--format", "html"], ["report", "--format", "json"]] {
            let out = try ex.run(read)
            #expect(out.status == 0, "\(read): \(out.stderr)")
        }
    }

    /// No date a user can type crashes a command: each is planned, answered, or refused with a usage or data code.
    @Test func extremeDatesNeverCrash() throws {
        let ex = try PlannedExample()
        var runs: [[String]] = []
        for d in ["0001-01-01", "1969-12-31", "9999-12-31", "0000-01-01", "10000-01-01", "2027-02-29", "-001-01-01"] {
            let now = ["--now", "\(d)T12:00:00Z"]
            runs += [["plan", d] + now, ["plan", String(d.prefix(4))], ["plan", String(d.prefix(4)) + "-Q4", "--dry-run"],
                     ["plan", "--from", d, "--to", "2027-01-31", "--dry-run"], ["calendar", "--month", String(d.prefix(7))],
                     ["calendar", "--from", d, "--to", "2027-01-01"], ["status"] + now, ["queue"] + now,
                     ["report", String(d.prefix(4)), "--format", "json"], ["export", String(d.prefix(4)), "--format", "ics"],
                     ["metrics", "record", "reach", "5", "--date", d], ["post", "add", "--channel", "facebook", "--at", "\(d) 08:30"],
                     ["tasks", "--owner", "anna", String(d.prefix(4))], ["lint", String(d.prefix(4))] + now]
        }
        for args in runs {
            let r = try ex.run(args)
            #expect([0, 64, 65].contains(r.status), "\(args) exited \(r.status): \(r.stderr)")
        }
    }

    /// Cron's `publish` and a person's `plan` on a new database at the same moment: creating and migrating the schema
    /// is safe under concurrency; the slower one waits and succeeds (or reports busy, 75), never an I/O error (74).
    @Test func concurrentFirstCommandsOnANewDatabase() throws {
        let dir = TemporaryDirectory()
        dir.write("strategy.yaml", exampleStrategy)
        for round in 0..<8 {
            let db = dir.file("round-\(round).sqlite")
            let commands: [[String]] = [
                ["db", "migrate", "--db", db], ["plan", "2027-Q1", "--now", "2026-12-01T00:00:00Z", "--db", db],
                ["db", "migrate", "--db", db], ["calendar", "--db", db],
            ]
            let results = ResultBox(count: commands.count)
            DispatchQueue.concurrentPerform(iterations: commands.count) { i in
                results.set(i, try? herald(commands[i], directory: dir.path))
            }
            for (i, r) in results.all.enumerated() {
                let r = try #require(r)
                #expect([0, 75].contains(r.status), "round \(round), \(commands[i]): \(r.status) \(r.stderr)")
                #expect(!r.stderr.contains("already exists") && !r.stderr.contains("UNIQUE constraint"), "\(r.stderr)")
            }
            let info = try herald(["db", "info", "--json", "--db", db], directory: dir.path)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as? [String: Any])
            #expect((json["pending_migrations"] as? [String])?.isEmpty == true, "\(info.stdout)")
        }
    }

    /// A copy of the database management was given, on a read-only mount or without write permission: reading commands
    /// work on it, changing ones say why they cannot, and the file is left byte for byte as it was.
    @Test func readOnlyDatabaseServesReadingCommands() throws {
        let ex = try PlannedExample()
        let copy = TemporaryDirectory("herald-readonly")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: copy.path)
        copy.write("strategy.yaml", exampleStrategy)
        try FileManager.default.copyItem(atPath: ex.dir.file("herald.sqlite"), toPath: copy.file("herald.sqlite"))
        // The binary is copied beside it so that an unprivileged user can run it whatever the checkout's permissions.
        try FileManager.default.copyItem(atPath: Repo.heraldBinary, toPath: copy.file("herald"))
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: copy.file("herald.sqlite"))
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: copy.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: copy.path) }
        let before = try Data(contentsOf: URL(fileURLWithPath: copy.file("herald.sqlite")))
        // Root may write anything: run as nobody then, as a user on a read-only copy would be.
        func run(_ args: [String]) throws -> ProcessResult {
            if getuid() == 0 {
                return try runProcess("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", copy.file("herald")] + args,
                                      directory: copy.path)
            }
            return try runProcess(copy.file("herald"), args, directory: copy.path)
        }
        for args in [["calendar"], ["calendar", "--json"], ["export", "--format", "ics"], ["report", "--format", "json"],
                     ["queue"], ["status"], ["db", "info"], ["tasks", "--owner", "anna"], ["metrics", "list"], ["lint"]] {
            let r = try run(args)
            #expect(r.status == 0, "\(args): \(r.stderr)")
        }
        let listed = try run(["calendar", "--json"])
        #expect(listed.stdout.contains("\"id\""))
        let plan = try run(["metrics", "record", "reach", "9000", "--date", "2027-01-10", "--now", "2027-02-01T00:00:00Z"])
        #expect(plan.status == 73)
        #expect(plan.stderr.contains("herald.sqlite is read-only here"), "\(plan.stderr)")
        #expect(plan.stderr.contains("copy it somewhere writable"))
        let after = try Data(contentsOf: URL(fileURLWithPath: copy.file("herald.sqlite")))
        #expect(before == after)
        #expect(!FileManager.default.fileExists(atPath: copy.file("herald.sqlite-wal")))
    }

    /// A NUL byte (or another control character) in a CSV cell used to be stored as the text before it, with
    /// "Imported 1 post". It is refused with its row and column, and nothing is written; `--body` likewise.
    @Test func controlCharactersAreRefusedNotCut() throws {
        let ex = try PlannedExample(plan: false)
        let now = ["--now", "2026-12-01T00:00:00Z"]
        ex.dir.write("nul.csv", "channel,date,time,kind,body\r\nfacebook,2027-01-11,08:30,informational,\"Fresh beans\u{0}and more\"\r\n")
        let r = try ex.run(["import", "nul.csv"] + now)
        #expect(r.status == 65)
        #expect(r.stderr.contains("nul.csv:2:body: the cell holds a control character (U+0000) at character 12"), "\(r.stderr)")
        #expect(r.stderr.contains("nothing was imported"))
        #expect(try ex.posts().isEmpty)
        ex.dir.write("bell.csv", "channel,date,time,kind,topic\r\nfacebook,2027-01-11,08:30,informational,Beans\u{7}\r\n")
        let bell = try ex.run(["import", "bell.csv"] + now)
        #expect(bell.status == 65)
        #expect(bell.stderr.contains("bell.csv:2:topic: the cell holds a control character (U+0007) at character 6"), "\(bell.stderr)")
        // Tabs and line breaks are text.
        ex.dir.write("ok.csv", "channel,date,time,kind,body\r\nfacebook,2027-01-11,08:30,informational,\"Line one\r\n\tLine two\"\r\n")
        let ok = try ex.run(["import", "ok.csv"] + now)
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(try ex.posts().first?["body"] as? String == "Line one\r\n\tLine two")
        // --body on the command line.
        let add = try ex.run(["post", "add", "--channel", "facebook", "--at", "2027-01-13 08:30", "--body", "Hi\u{1B}[31m there"] + now)
        #expect(add.status == 65)
        #expect(add.stderr.contains("the body holds a control character (U+001B) at character 3"), "\(add.stderr)")
        #expect(try ex.posts().count == 1)
        let id = try #require(try ex.posts().first?["id"] as? String)
        // A command line cannot carry a NUL byte; a body file can.
        ex.dir.write("body.txt", "x\u{0}y")
        let edit = try ex.run(["post", "edit", id, "--body-file", "body.txt"] + now)
        #expect(edit.status == 65)
        #expect(edit.stderr.contains("the new body holds a control character (U+0000) at character 2"), "\(edit.stderr)")
        #expect(try ex.posts().first?["body"] as? String == "Line one\r\n\tLine two")
    }

    /// `metrics record reach 1e308` then `-1e308` made `report --format json` fail on -inf and the Markdown report
    /// show "inf people". Such values are refused at record and import; a report never fails on what is stored.
    @Test func absurdReadingsAreRefusedAndReportsSurviveStoredOnes() throws {
        let ex = try PlannedExample()
        let now = ["--now", "2027-02-01T00:00:00Z"]
        for v in ["1e308", "-1e308", "2e12"] {
            let r = try ex.run(["metrics", "record", "reach", v, "--date", "2027-01-10"] + now)
            #expect(r.status == 65, "\(v): \(r.stderr)")
            #expect(r.stderr.contains("is not a plausible reading (at most a trillion either way)"), "\(r.stderr)")
        }
        for v in ["inf", "nan", "-inf"] {
            #expect(try ex.run(["metrics", "record", "reach", v, "--date", "2027-01-10"] + now).status == 64)
        }
        ex.dir.write("big.csv", "date,metric,value\n2027-01-10,reach,1e308\n")
        let imp = try ex.run(["metrics", "import", "big.csv"] + now)
        #expect(imp.status == 65)
        #expect(imp.stderr.contains("big.csv:2:value: 1e+308 is not a plausible reading"), "\(imp.stderr)")
        let list = try ex.run(["metrics", "list", "--json"])
        #expect((try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [Any])?.isEmpty == true, "\(list.stdout)")
        // Readings stored by an earlier version: the reports still come out, without "inf".
        let db = ex.dir.file("herald.sqlite")
        let py = try runProcess("/usr/bin/env", ["python3", "-c", """
            import sqlite3; c = sqlite3.connect('\(db)')
            c.execute("INSERT INTO metric_reading (metric, date, value, channel, recorded_at, source) VALUES ('reach', '2027-01-10', 1e308, NULL, 0, 'manual')")
            c.execute("INSERT INTO metric_reading (metric, date, value, channel, recorded_at, source) VALUES ('reach', '2027-01-11', -1e308, NULL, 0, 'manual')")
            c.commit()
            """])
        #expect(py.status == 0, "\(py.stderr)")
        for format in ["json", "md", "html"] {
            let r = try ex.run(["report", "2027-Q1", "--format", format] + now)
            #expect(r.status == 0, "\(format): \(r.stderr)")
            #expect(!r.stdout.contains("inf ") && !r.stdout.contains("NaN") && !r.stdout.contains("nan "), "\(format)")
        }
        let json = try ex.run(["report", "2027-Q1", "--format", "json"] + now)
        #expect(json.stdout.contains("the readings are too large to project"))
    }

    /// NPS is tracked for crisis mode without a goal: recording it names no made-up target ("0 points by 9999-12-31").
    @Test func crisisMetricWithoutGoalHasNoMadeUpTarget() throws {
        let ex = try PlannedExample(plan: false)
        let r = try ex.run(["metrics", "record", "nps", "-5", "--date", "2027-01-10", "--now", "2027-02-01T00:00:00Z"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "Recorded nps = -5 points on 2027-01-10 (tracked for crisis mode; no goal in the strategy sets a target for it).\n")
    }

    /// `validate` reads every file `plan` reads: a broken calendar is found before the first plan, with its line.
    @Test func validateReadsTheCalendars() throws {
        let ex = try PlannedExample(plan: false)
        ex.dir.write("company.ics", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:2027XX01\r\nSUMMARY:Away day\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
        let text = exampleStrategy.replacingOccurrences(of: "calendars:\n", with: "calendars:\n  - path: company.ics\n    role: blackout\n")
        #expect(text != exampleStrategy)
        ex.dir.write("strategy.yaml", text)
        let r = try ex.run(["validate"])
        #expect(r.status == 65)
        #expect(r.stderr.contains("company.ics:4: DTSTART: '2027XX01' is not a date"), "\(r.stderr)")
        #expect(r.stderr.contains("1 error in files the strategy names; nothing was changed."))
        #expect(!r.stdout.contains("OK"))
        #expect(!FileManager.default.fileExists(atPath: ex.dir.file("herald.sqlite")))
        // A missing templates folder is found too.
        ex.dir.write("strategy.yaml", exampleStrategy + "\ntemplates: my-templates/\n")
        let t = try ex.run(["validate"])
        #expect(t.status != 0)
        #expect(t.stderr.contains("my-templates"), "\(t.stderr)")
    }

    /// `herald plna` said "2 unexpected arguments": a misspelt command is named, with the closest one, at every level.
    @Test func misspeltCommandsAreSuggested() throws {
        let ex = try PlannedExample(plan: false)
        let cases: [([String], String)] = [
            (["plna", "2027-Q1"], "herald: 'plna' is not a herald command. Did you mean 'plan'?"),
            (["post", "shwo", "p-1"], "herald: 'shwo' is not a herald post command. Did you mean 'show'?"),
            (["queue", "retyr", "dlv_1"], "herald: 'retyr' is not a herald queue command. Did you mean 'retry'?"),
            (["frobnicate"], "herald: 'frobnicate' is not a herald command. Commands: init, validate,"),
        ]
        for (args, message) in cases {
            let r = try ex.run(args)
            #expect(r.status == 64, "\(args)")
            #expect(r.stderr.hasPrefix(message), "\(args): \(r.stderr)")
        }
        // Right words still reach their commands, a default subcommand still takes its options.
        #expect(try ex.run(["queue", "--json"]).status == 0)
        #expect(try ex.run(["plan", "--help"]).status == 0)
    }

    /// The small ones: a move of a drafted post does not claim it was approved; `--db ''` is a usage error; a bad
    /// header is not "problems in 1 of 0 rows"; an empty period names the period asked for; long topics end in "…";
    /// the month grid explains its channel codes; `metrics list` takes `--now`.
    @Test func smallSurprises() throws {
        let ex = try PlannedExample()
        let now = ["--now", "2026-12-01T00:00:00Z"]
        let post = try #require(try ex.posts().first { $0["channel"] as? String == "facebook" && $0["kind"] as? String == "informational" })
        let id = try #require(post["id"] as? String)
        #expect(try ex.run(["post", "edit", id, "--body", "Fresh beans every morning."] + now).status == 0)
        let local = try #require(post["local_time"] as? String)
        let moved = try ex.run(["post", "move", id, "--to", String(local.prefix(10)) + " 17:30", "--force"] + now)
        #expect(moved.status == 0, "\(moved.stderr)")
        #expect(!moved.stdout.contains("It was approved"), "\(moved.stdout)")

        let emptyDB = try ex.run(["calendar", "--db", ""])
        #expect(emptyDB.status == 64)
        #expect(emptyDB.stderr.contains("--db is empty"), "\(emptyDB.stderr)")

        ex.dir.write("header.csv", "chanel,dat\r\n")
        let header = try ex.run(["import", "header.csv"] + now)
        #expect(header.status == 65)
        #expect(header.stderr.contains("header.csv: 4 problems in the header (row 1); nothing was imported."), "\(header.stderr)")
        #expect(!header.stderr.contains("of 0 rows"))

        let empty = try ex.run(["calendar", "--from", "2028-05-01", "--to", "2028-05-31"])
        #expect(empty.stdout.contains("No posts in 2028-05-01 – 2028-05-31."), "\(empty.stdout)")

        let topic = String(repeating: "Single origin from Huila ", count: 3)
        let added = try ex.run(["post", "add", "--channel", "facebook", "--at", "2027-03-30 12:00", "--topic", topic, "--force"] + now)
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout.contains("Single origin from Huila Single origin…"), "\(added.stdout)")

        let grid = try ex.run(["calendar", "--month", "2027-02"])
        #expect(grid.stdout.contains("Channels: fa = facebook, in = instagram, ma = mastodon, ne = newsletter."), "\(grid.stdout)")

        for (date, value) in [("2027-01-10", "100"), ("2027-02-10", "200")] {
            #expect(try ex.run(["metrics", "record", "reach", value, "--date", date, "--now", "\(date)T12:00:00Z"]).status == 0)
        }
        let asOf = try ex.run(["metrics", "list", "--json", "--now", "2027-01-31T00:00:00Z"])
        #expect(asOf.status == 0, "\(asOf.stderr)")
        let readings = try #require(try JSONSerialization.jsonObject(with: Data(asOf.stdout.utf8)) as? [[String: Any]])
        #expect(readings.map { $0["date"] as? String } == ["2027-01-10"])
    }
}

/// Results of processes run side by side.
final class ResultBox: Sendable {
    private let values: Mutex<[ProcessResult?]>
    init(count: Int) { values = Mutex(Array(repeating: nil, count: count)) }
    func set(_ i: Int, _ value: ProcessResult?) { values.withLock { $0[i] = value } }
    var all: [ProcessResult?] { values.withLock { $0 } }
}
