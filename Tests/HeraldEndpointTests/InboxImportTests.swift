import Foundation
import HeraldListening
import HeraldModel
import HeraldResources
@testable import HeraldStore
import HeraldStrategy
import HeraldTestSupport
@testable import HeraldWorkspace
import Testing

/// The streaming `herald inbox import`: its own JSON line reader and label writer give what Foundation's would, and a
/// file longer than one block is still all or nothing.
@Suite struct InboxImportTests {
    /// The endpoint strategy with a new database, in a folder of its own.
    static func workspace() throws -> (TemporaryDirectory, Store, Workspace) {
        let dir = TemporaryDirectory("herald-inbox-import")
        dir.write("strategy.yaml", endpointStrategy)
        let locator = ResourceLocator(baseDirectory: dir.path)
        let loaded = try StrategyLoader.load(file: dir.file("strategy.yaml"), fileExists: locator.exists)
        let store = try Store(path: dir.file("herald.sqlite"))
        return (dir, store, Workspace(loaded: loaded, store: store))
    }

    /// Every line the fast reader takes gives the same fields as Foundation's parser; it leaves the rest to it.
    @Test func theLineReaderAgreesWithFoundation() throws {
        let taken = [
            #"{"network": "instagram", "kind": "comment", "id": "bench-0", "author": {"handle": "@user0", "followers": 0}, "text": "why is the card machine always broken?? great coffee", "created_at": "2027-01-09T11:59:00Z", "language": "en"}"#,
            #"{"network":"facebook","kind":"message","id":"fb-2","author":{"handle":"jan.de.vries"},"text":"My latte was cold again.\u0000 Not happy.","created_at":"2027-01-08T18:30:00Z"}"#,
            #"{"text":"quote \" backslash \\ slash \/ tab \t nl \n cr \r bs \b ff \f é \u00e9 \u00E9 emoji \ud83d\ude00 😀 Лучший"}"#,
            #"{"author":{"handle":"@a","followers":"120"},"location":null,"url":null}"#,
            #"{"author_handle":"@b","author_followers":-3,"id":"x"}"#,
            #"{"author":{"handle":"@c","followers":12345678901234},"kind":"review"}"#,
            #"{"author":{"handle":"@c","id":77,"name":null},"colour":"red"}"#,
            #"  {}  "#,
            #"{"author":"@plain","n":12}"#,
        ]
        let left = [
            #"not json"#, #"{"a":1.5}"#, #"{"a":1e3}"#, #"{"a":true}"#, #"{"a":[1]}"#, #"{"a":{"b":"c"}}"#, #"{"a":"b","a":"c"}"#,
            #"{"a":"b"} x"#, #"{"a":"\ud83d"}"#, #"{"a":"\x"}"#, "{\"a\":\"tab\traw\"}", #"{"a":01}"#, #"{"a":-0}"#, #"[1,2]"#, #"{"a":"b""#,
            #"{"author":{"followers":5},"author_followers":6}"#, #"{"author":{"handle":"@a","followers":null},"author_followers":"12"}"#, #"{"author_handle":"@x","author":{"handle":"@y"}}"#,
        ]
        for line in taken + left {
            let bytes = Array(line.utf8)
            let fast = bytes.withUnsafeBufferPointer { InboxLineParser.draft($0) }
            let (slow, _) = InboxDraft.fromJSON(Data(bytes))
            if taken.contains(line) { #expect(fast != nil, "the fast reader should take \(line)") }
            if left.contains(line) { #expect(fast == nil, "the fast reader should leave \(line) to Foundation") }
            guard let fast else { continue }
            #expect(fast.fields == slow?.fields, "\(line)")
            #expect(fast.followers == slow?.followers, "\(line)")
        }
    }

    /// The label JSON written for each stored item is byte for byte what `JSONEncoder` with sorted keys writes, on the
    /// sorter's labels for every evaluation comment and on labels with every character the encoder escapes.
    @Test func labelsAreWrittenAsTheEncoderWritesThem() throws {
        let sorter = try ListeningSorter(topics: [ListeningTopic(name: "coffee/tea", keywords: ["coffee", "kaw*", "кофе"])])
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("HeraldListeningTests/Fixtures")
        var labels: [InboxLabels] = []
        for name in ["comments.jsonl", "comments-2.jsonl", "comments-3.jsonl", "unseen.jsonl"] {
            let text = try String(contentsOf: fixtures.appendingPathComponent(name), encoding: .utf8)
            for line in text.split(separator: "\n") {
                let row = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                let t = row["text"] as? String ?? ""
                labels.append(Workspace.labels(sorter.sort(t), given: InboxLabels()))
                labels.append(Workspace.labels(sorter.sort(t, language: "pl"), given: InboxLabels(language: "pl", reasons: ["language": "given by the source (pl)"])))
            }
        }
        #expect(labels.count > 1000)
        let odd = "q\"b\\s/\u{0}\u{1f}\u{7f}\u{8}\u{c}\n\r\t é 😀 \u{2028}"
        labels.append(InboxLabels(language: odd, sentiment: .neutral, intent: .other, topic: odd, spam: true,
                                  reasons: ["B": odd, "_": "x", "a": "y", "topic": odd], corrected: ["intent", odd]))
        labels.append(InboxLabels())
        for l in labels {
            let expected = String(decoding: try JSONEncoder.sorted.encode(l), as: UTF8.self)
            #expect(InboxLabelsJSON.encode(l) == expected)
        }
    }

    /// More lines than one block (1,024): a problem on the last line or a repeat far down still leaves the database as
    /// it was, with the line numbers right; the good file is stored whole, and again changes nothing.
    @Test func aLongFileIsStillAllOrNothing() throws {
        let (dir, store, ws) = try Self.workspace()
        let now = Date(iso: "2027-01-09T12:00:00Z")!
        func line(_ n: Int) -> String {
            #"{"network":"instagram","kind":"comment","id":"ig-\#(n)","author":{"handle":"@u\#(n % 7)","followers":\#(n)},"text":"Do you have oat milk? \#(n)","created_at":"2027-01-09T10:00:00Z"}"#
        }
        let good = (1...2_500).map(line)
        // CRLF line ends, a blank line, a repeat of line 3 on line 2,001 and a bad line at the very end.
        var bad = good
        bad[2_000] = good[2]
        bad.append("")
        bad.append(#"{"network":"instagram","author":{"handle":"@z"},"text":"x","created_at":"tomorrow"}"#)
        dir.write("bad.jsonl", bad.joined(separator: "\r\n"))
        #expect(throws: ImportError.self) { try ws.importInbox(path: dir.file("bad.jsonl"), file: "bad.jsonl", csv: false, now: now) }
        do {
            _ = try ws.importInbox(path: dir.file("bad.jsonl"), file: "bad.jsonl", csv: false, now: now)
        } catch let ImportError.invalid(_, problems, rows, _) {
            #expect(problems.map(\.description) == [
                "bad.jsonl:2001:id: the same item as line 3; keep one.",
                "bad.jsonl:2502:created_at: 'tomorrow' is not an ISO 8601 time like 2027-01-05T10:00:00Z.",
            ])
            #expect(rows == 2_501)
        }
        #expect(try store.inboxItemCount() == 0)
        dir.write("good.jsonl", good.joined(separator: "\n") + "\n")
        let dry = try ws.importInbox(path: dir.file("good.jsonl"), file: "good.jsonl", csv: false, now: now, dryRun: true)
        #expect(dry.valid == 2_500 && dry.stored == 0)
        #expect(try store.inboxItemCount() == 0)
        let r = try ws.importInbox(path: dir.file("good.jsonl"), file: "good.jsonl", csv: false, now: now)
        #expect(r.read == 2_500 && r.stored == 2_500 && r.duplicates == 0, "\(r)")
        #expect(try store.inboxItemCount() == 2_500)
        // The same as importing the text in memory, item for item (routing spreads them by open counts alike).
        let again = try ws.importInbox(text: good.joined(separator: "\n"), file: "good.jsonl", csv: false, now: now)
        #expect(again.stored == 0 && again.duplicates == 2_500)
        let item = try store.inboxItem(InboxItem.makeID(source: "import", network: .instagram, networkItemID: "ig-2500", author: "@u1",
                                                        createdAt: now, text: ""))
        #expect(item.authorFollowers == 2_500 && item.owner != nil && item.deadline != nil && item.labels.intent == .question)
    }

    /// Text that is not UTF-8 late in a file of several blocks (checked on several threads) stops the import with the
    /// line, after the blocks before it were taken in order; nothing is stored, and a later good import is unaffected.
    @Test func bytesThatAreNotUTF8LateInTheFileStoreNothing() throws {
        let (dir, store, ws) = try Self.workspace()
        let now = Date(iso: "2027-01-09T12:00:00Z")!
        var bytes: [UInt8] = []
        for n in 1...4_000 {
            if n == 3_900 { bytes += Array(#"{"network":"instagram","author":{"handle":"@z"},"text":"caf"#.utf8) + [0xE9] + Array(#"","created_at":"2027-01-09T10:00:00Z"}"#.utf8) + [0x0A]; continue }
            bytes += Array(#"{"network":"instagram","id":"ig-\#(n)","author":{"handle":"@u\#(n % 5)"},"text":"Ist das Café offen? \#(n)","created_at":"2027-01-09T10:00:00Z"}"#.utf8) + [0x0A]
        }
        try Data(bytes).write(to: URL(fileURLWithPath: dir.file("latin1.jsonl")))
        do {
            _ = try ws.importInbox(path: dir.file("latin1.jsonl"), file: "latin1.jsonl", csv: false, now: now)
            Issue.record("a file that is not UTF-8 was imported")
        } catch let ImportError.unreadable(_, reason) {
            #expect(reason.contains("not UTF-8 text (line 3900)"), "\(reason)")
        }
        #expect(try store.inboxItemCount() == 0)
        #expect(try ws.importInbox(text: "", file: "empty.jsonl", csv: false, now: now).read == 0)
        #expect(try store.inboxItemCount() == 0)
    }
}
