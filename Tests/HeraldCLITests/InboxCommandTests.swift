import Foundation
import HeraldTestSupport
import Testing

@Suite struct InboxCommandTests {
    static let now = ["--now", "2027-01-09T12:00:00Z"]
    static let items = """
        {"network":"instagram","kind":"comment","id":"ig-1","author":{"handle":"@kasia","name":"Kasia","followers":120},"text":"Do you have oat milk? 🙂","created_at":"2027-01-09T11:30:00Z","in_reply_to":"p-00000000","language":"en"}
        {"network":"facebook","kind":"message","id":"fb-2","author":{"handle":"jan.de.vries"},"text":"My latte was cold again.\\u0000 Not happy.","created_at":"2027-01-08T18:30:00Z"}

        {"network":"mastodon","kind":"mention","id":"ma-3","author":{"handle":"@piet@mastodon.social","followers":25000},"text":"Lekker koffie bij @beanandbloom!","created_at":"2027-01-09T10:00:00Z","language":"nl"}
        """

    func list(_ ex: PlannedExample, _ extra: [String] = []) throws -> [[String: Any]] {
        let r = try ex.run(["inbox", "--json"] + extra + Self.now)
        return (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]) ?? []
    }

    @Test func importRoutesAndListsOverdueFirst() throws {
        let ex = try PlannedExample(plan: false)
        ex.dir.write("m.jsonl", Self.items)
        let r = try ex.run(["inbox", "import", "m.jsonl"] + Self.now)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("Imported 3 items from m.jsonl."), "\(r.stdout)")
        let items = try list(ex)
        #expect(items.count == 3)
        // The facebook message came in yesterday: overdue, and first.
        #expect(items.first?["network_item_id"] as? String == "fb-2")
        #expect(items.first?["overdue"] as? Bool == true)
        #expect(items.last?["overdue"] as? Bool == false)
        // Text is kept exactly as received, NUL byte included.
        #expect(items.first?["text"] as? String == "My latte was cold again.\u{0} Not happy.")
        // Sorted at intake, with the reasons: the cold latte is a negative complaint.
        let latte = try #require(items.first)
        let labels = try #require(latte["labels"] as? [String: Any])
        #expect(labels["intent"] as? String == "complaint", "\(labels)")
        #expect(labels["sentiment"] as? String == "negative")
        #expect(labels["language"] as? String == "en")
        #expect(((labels["reasons"] as? [String: String])?["sentiment"] ?? "").contains("negative"), "\(labels)")
        // Every item went to someone who covers its channel.
        let owners = Dictionary(uniqueKeysWithValues: items.map { ($0["network_item_id"] as! String, $0["owner"] as? String) })
        #expect(owners["ig-1"] != nil && owners["fb-2"] != nil && owners["ma-3"] != nil, "\(owners)")
        // The same export again changes nothing.
        let again = try ex.run(["inbox", "import", "m.jsonl"] + Self.now)
        #expect(again.stdout.hasPrefix("Imported 0 items from m.jsonl; 3 already there, unchanged."), "\(again.stdout)")
        #expect(try list(ex).count == 3)
        // The table shows control characters as symbols, never raw.
        let table = try ex.run(["inbox"] + Self.now)
        #expect(table.stdout.contains("overdue"))
        #expect(table.stdout.contains("␀") && !table.stdout.contains("\u{0}"))
        // --mine --as: one person's items.
        let anna = try ex.run(["inbox", "--mine", "--as", "anna", "--json"] + Self.now)
        let mine = (try JSONSerialization.jsonObject(with: Data(anna.stdout.utf8)) as? [[String: Any]]) ?? []
        #expect(mine.allSatisfy { $0["owner"] as? String == "anna" })
        #expect(mine.count == items.filter { $0["owner"] as? String == "anna" }.count)
    }

    /// `herald inbox` shows the first 50 by deadline (overdue first) and says how many there are; `--limit` changes that,
    /// `--limit 0` shows all, and a negative limit is a usage error.
    @Test func listingShowsAPageByDeadline() throws {
        let ex = try PlannedExample(plan: false)
        ex.dir.write("m.jsonl", Self.items)
        #expect(try ex.run(["inbox", "import", "m.jsonl"] + Self.now).status == 0)
        let two = try ex.run(["inbox", "--limit", "2"] + Self.now)
        #expect(two.status == 0, "\(two.stderr)")
        #expect(two.stdout.contains("3 items, 2 overdue (the first 2 shown: --limit 0 for all)."), "\(two.stdout)")
        // The overdue facebook message is on the page; the item due last is not.
        #expect(two.stdout.contains("jan.de.vries"))
        let all = try ex.run(["inbox", "--limit", "0"] + Self.now)
        #expect(all.stdout.contains("3 items, 2 overdue.") && !all.stdout.contains("shown"), "\(all.stdout)")
        let json = try list(ex, ["--limit", "1"])
        #expect(json.count == 1 && json.first?["network_item_id"] as? String == "fb-2")
        let bad = try ex.run(["inbox", "--limit=-1"] + Self.now)
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--limit -1 is negative"), "\(bad.stderr)")
    }

    /// Past 10,000 open items the counts say "more than 10,000" (they stop counting there, so the listing costs the same
    /// for a million items); `--limit 0` lists them all and then counts exactly; `herald status` says the same.
    @Test func countsPastTenThousandSayMoreThan() throws {
        let ex = try PlannedExample(plan: false)
        ex.dir.write("many.jsonl", (0...10_000).map { n in
            #"{"network":"facebook","kind":"comment","id":"fb-\#(n)","author":{"handle":"@u\#(n % 9)"},"text":"Open on Sunday?","created_at":"2027-01-0\#(n % 2 == 0 ? 8 : 9)T11:59:00Z","language":"en"}"#
        }.joined(separator: "\n"))
        let r = try ex.run(["inbox", "import", "many.jsonl"] + Self.now)
        #expect(r.status == 0 && r.stdout.hasPrefix("Imported 10001 items"), "\(r.stdout)\(r.stderr)")
        let page = try ex.run(["inbox"] + Self.now)
        #expect(page.stdout.contains("more than 10,000 items, 5001 overdue (the first 50 shown: --limit 0 for all)."), "\(page.stdout.suffix(300))")
        let all = try ex.run(["inbox", "--limit", "0"] + Self.now)
        #expect(all.stdout.hasSuffix("10001 items, 5001 overdue.\n") || all.stdout.contains("10001 items, 5001 overdue."), "\(all.stdout.suffix(300))")
        #expect(try ex.run(["status"] + Self.now).stdout.contains("Inbox: more than 10,000 open, 5001 overdue"))
        let status = try ex.run(["status", "--json"] + Self.now)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        let inbox = try #require(json["inbox"] as? [String: Any])
        #expect(inbox["open"] as? Int == 10_001 && inbox["count_cap"] as? Int == 10_000 && inbox["overdue"] as? Int == 5_001, "\(inbox)")
    }

    @Test func csvLayoutReadsTheSameFields() throws {
        let ex = try PlannedExample(plan: false)
        ex.dir.write("r.csv", "network,kind,id,author_handle,author_followers,text,created_at\r\nfacebook,review,rv-1,@ola,12,\"Great cake, slow service\",2027-01-09T09:00:00Z\r\n")
        let r = try ex.run(["inbox", "import", "r.csv"] + Self.now)
        #expect(r.status == 0, "\(r.stderr)")
        let item = try #require(try list(ex).first)
        #expect(item["kind"] as? String == "review")
        #expect(item["author_followers"] as? Int == 12)
        #expect(item["text"] as? String == "Great cake, slow service")
    }

    /// An item that names its channel but not its network is on that channel's network (it used to be dropped
    /// without a word: "Imported 0 items", exit 0).
    @Test func aChannelAloneSaysTheNetwork() throws {
        let ex = try PlannedExample(plan: false)
        ex.dir.write("ch.jsonl", """
            {"channel":"facebook","author_handle":"kees","text":"Mijn bestelling is niet aangekomen!","created_at":"2027-01-09T09:00:00Z"}
            """)
        let r = try ex.run(["inbox", "import", "ch.jsonl"] + Self.now)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Imported 1 item"), "\(r.stdout)")
        let items = try list(ex)
        #expect(items.count == 1)
        #expect(items.first?["network"] as? String == "facebook")
    }

    /// JSON Lines have no header: a problem on line 1 is a problem in the first item.
    @Test func aJSONLinesSummaryCountsLinesNotAHeader() throws {
        let ex = try PlannedExample(plan: false)
        ex.dir.write("one.jsonl", """
            {"network":"instagram","author_handle":"@a","text":"x"}
            {"network":"instagram","author_handle":"@b","text":"fine","created_at":"2027-01-09T09:00:00Z"}
            """)
        let r = try ex.run(["inbox", "import", "one.jsonl"] + Self.now)
        #expect(r.status == 65)
        #expect(r.stderr.contains("one.jsonl:1:created_at: no created_at"), "\(r.stderr)")
        #expect(r.stderr.contains("one.jsonl: 1 problem in 1 of 2 lines; nothing was imported."), "\(r.stderr)")
        #expect(!r.stderr.contains("header"), "\(r.stderr)")
        #expect(try list(ex, ["--all"]).isEmpty)
    }

    @Test func badItemsAreListedWithLineAndFieldAndNothingIsStored() throws {
        let ex = try PlannedExample(plan: false)
        ex.dir.write("bad.jsonl", """
            {"network":"instagram","kind":"comment","id":"ok-1","author":{"handle":"@a"},"text":"fine","created_at":"2027-01-09T09:00:00Z"}
            {"network":"myspace","kind":"comment","author":{"handle":"@b"},"text":"x","created_at":"2027-01-09T09:00:00Z"}
            {"network":"instagram","channel":"facebok","kind":"shout","author":{"handle":"@c"},"text":"x","created_at":"yesterday"}
            {"network":"instagram","author":{"handle":"@d","followers":-3},"text":"","created_at":"2027-01-09T09:00:00Z","language":"fr"}
            not json
            {"network":"instagram","author":{"handle":"@e"},"text":"later","created_at":"2027-02-01T09:00:00Z","colour":"red"}
            {"network":"instagram","kind":"comment","id":"ok-1","author":{"handle":"@a"},"text":"fine","created_at":"2027-01-09T09:00:00Z"}
            """)
        let r = try ex.run(["inbox", "import", "bad.jsonl"] + Self.now)
        #expect(r.status == 65)
        let expected = [
            "bad.jsonl:2:network: 'myspace' is not a network Herald knows.",
            "bad.jsonl:3:channel: no channel 'facebok' in the strategy. Did you mean 'facebook'?",
            "bad.jsonl:3:kind: 'shout' is not comment, mention, message or review.",
            "bad.jsonl:3:created_at: 'yesterday' is not an ISO 8601 time",
            "bad.jsonl:4:text: no text.",
            "bad.jsonl:4:author_followers: '-3' is not a whole number of followers.",
            "bad.jsonl:4:language: 'fr' is not a language Herald sorts (en, pl, de, nl, ru)",
            "bad.jsonl:5:-: not JSON",
            "bad.jsonl:6:created_at: 2027-02-01T09:00:00Z is in the future",
            "bad.jsonl:6:colour: unknown field 'colour'.",
            "bad.jsonl:7:id: the same item as line 1; keep one.",
            "nothing was imported",
        ]
        for line in expected { #expect(r.stderr.contains(line), "missing: \(line)\n\(r.stderr)") }
        #expect(try list(ex, ["--all"]).isEmpty)
        let missing = try ex.run(["inbox", "import", "nope.jsonl"] + Self.now)
        #expect(missing.status == 66)
    }

    @Test func assignCloseAndReopenFollowTheLifecycle() throws {
        let ex = try PlannedExample(plan: false)
        ex.dir.write("m.jsonl", Self.items)
        #expect(try ex.run(["inbox", "import", "m.jsonl"] + Self.now).status == 0)
        let id = try #require(try list(ex).first { $0["network_item_id"] as? String == "ig-1" }?["id"] as? String)
        let assign = try ex.run(["inbox", "assign", id, "--to", "Lena"] + Self.now)
        #expect(assign.status == 0, "\(assign.stderr)")
        #expect(assign.stdout == "Assigned \(id) to Lena Bakker.\n")
        let shown = try ex.run(["inbox", "show", id] + Self.now)
        #expect(shown.stdout.contains("owner:     Lena Bakker — assigned to Lena Bakker by hand"), "\(shown.stdout)")
        #expect(shown.stdout.contains("Do you have oat milk? 🙂"))
        let close = try ex.run(["inbox", "close", id, "--reason", "no-reply-needed", "--as", "lena"] + Self.now)
        #expect(close.status == 0, "\(close.stderr)")
        #expect(try list(ex).count == 2)
        // A closed item is not closed again, nor handed on, without reopening it: nothing changes.
        let twice = try ex.run(["inbox", "close", id, "--reason", "spam", "--as", "lena"] + Self.now)
        #expect(twice.status == 65)
        #expect(twice.stderr.contains("\(id): it is closed already."))
        let handOn = try ex.run(["inbox", "assign", id, "--to", "anna"] + Self.now)
        #expect(handOn.status == 65)
        #expect(handOn.stderr.contains("it is closed; reopen it first"))
        let all = try list(ex, ["--all"])
        #expect(all.first { $0["id"] as? String == id }?["close_reason"] as? String == "no-reply-needed")
        let reopen = try ex.run(["inbox", "reopen", id, "--as", "lena"] + Self.now)
        #expect(reopen.status == 0, "\(reopen.stderr)")
        #expect(try list(ex).count == 3)
        // Bad words are usage errors.
        #expect(try ex.run(["inbox", "close", id, "--reason", "rude", "--as", "lena"]).status == 64)
        #expect(try ex.run(["inbox", "assign", id, "--to", "nobody-here"]).status == 65)
        #expect(try ex.run(["inbox", "show", "m-0000000000"]).status == 65)
        #expect(try ex.run(["inbox", "--mine"]).status == 64)
    }

    /// A person's correction of a label is kept, says who set it, and counts in the statistics; status shows the counts.
    @Test func labelsStatsAndStatus() throws {
        let ex = try PlannedExample(plan: false)
        ex.dir.write("m.jsonl", Self.items)
        #expect(try ex.run(["inbox", "import", "m.jsonl"] + Self.now).status == 0)
        let id = try #require(try list(ex).first { $0["network_item_id"] as? String == "fb-2" }?["id"] as? String)
        let label = try ex.run(["inbox", "label", id, "--intent", "complaint", "--sentiment", "negative", "--as", "anna"] + Self.now)
        #expect(label.status == 0, "\(label.stderr)")
        #expect(label.stdout == "Labelled \(id): language en, sentiment negative, intent complaint.\n")
        let shown = try ex.run(["inbox", "show", id] + Self.now)
        #expect(shown.stdout.contains("intent: set by Anna de Vries (corrected by a person)"), "\(shown.stdout)")
        #expect(try ex.run(["inbox", "label", id, "--intent", "rant", "--as", "anna"]).status == 64)
        #expect(try ex.run(["inbox", "label", id, "--as", "anna"]).status == 64)
        let stats = try ex.run(["inbox", "stats", "2027-01", "--by", "sentiment", "--json"] + Self.now)
        #expect(stats.status == 0, "\(stats.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [[String: Any]])
        #expect(rows.first { $0["group"] as? String == "negative" }?["items"] as? Int == 1)
        #expect(rows.map { $0["items"] as? Int ?? 0 }.reduce(0, +) == 3)
        #expect(try ex.run(["inbox", "stats", "2027-01", "--by", "mood"]).status == 64)
        let status = try ex.run(["status", "--json"] + Self.now)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        let inbox = try #require(json["inbox"] as? [String: Int])
        #expect(inbox["open"] == 3)
        #expect((inbox["overdue"] ?? 0) >= 1)
        #expect(try ex.run(["status"] + Self.now).stdout.contains("Inbox: 3 open"))
        // The key the help and README name (the snake-case conversion alone would write "unapproved_next7_days").
        #expect(json["unapproved_next_7_days"] is Int, "\(json.keys.sorted())")
    }

    /// The example strategy without its `response_targets:` block, for tests that write their own.
    static var exampleWithoutTargets: String {
        guard let start = exampleStrategy.range(of: "response_targets:"), let end = exampleStrategy.range(of: "# notify:") else { return exampleStrategy }
        return String(exampleStrategy[..<start.lowerBound]) + String(exampleStrategy[end.lowerBound...])
    }

    /// `response_targets` in the strategy: complaints faster, business hours in the strategy's zone.
    @Test func deadlinesFollowTheStrategysResponseTargets() throws {
        let ex = try PlannedExample(plan: false)
        #expect(Self.exampleWithoutTargets != exampleStrategy)
        ex.dir.write("strategy.yaml", Self.exampleWithoutTargets + """

            response_targets:
              first_reply: 2h
              complaint: 30m
              hours: business
              business_hours: {days: [mon, tue, wed, thu, fri], from: "09:00", to: "17:00"}
              channels: {mastodon: 4h}
            """)
        #expect(try ex.run(["validate"]).status == 0)
        ex.dir.write("m.jsonl", Self.items)
        #expect(try ex.run(["inbox", "import", "m.jsonl"] + Self.now).status == 0)
        let deadlines = Dictionary(uniqueKeysWithValues: try list(ex).map { ($0["network_item_id"] as! String, $0["deadline"] as? String) })
        // Friday 2027-01-08 19:30 local, after hours, sorted as a complaint: thirty business minutes from Monday 09:00.
        #expect(deadlines["fb-2"] == "2027-01-11T08:30:00Z", "\(deadlines)")
        // Saturday: mastodon's own four hours from Monday 09:00 local.
        #expect(deadlines["ma-3"] == "2027-01-11T12:00:00Z", "\(deadlines)")
        ex.dir.write("strategy.yaml", Self.exampleWithoutTargets + "\nresponse_targets:\n  first_reply: soon\n  hours: weekdays\n  channels: {tiktok: 1h}\n")
        let bad = try ex.run(["validate"])
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("response_targets.first_reply: expected a duration like 30s, 15m, 6h or 2d, got 'soon'."), "\(bad.stderr)")
        #expect(bad.stderr.contains("'weekdays' is not `business` or `always`."))
        #expect(bad.stderr.contains("no channel with id 'tiktok'"))
    }
}
