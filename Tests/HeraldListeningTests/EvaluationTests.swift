import HeraldModel
import Foundation
import HeraldListening
import HeraldTestSupport
import Testing

/// One labelled comment of the evaluation set (`Fixtures/comments.jsonl`): what a careful community manager says about
/// it. `group` is the language section it was written for; `language` is null when no person could tell it ("👍").
struct LabelledComment: Decodable {
    var group: String
    var text: String
    var language: String?
    var sentiment: Sentiment
    var intent: Intent
    var spam: Bool
}

/// How the sorter agrees with the labels, for one language section or all of them.
struct Figures {
    var items = 0
    var language = 0, sentiment = 0, intent = 0
    var spamTrue = 0, spamFalseAlarm = 0, spamMissed = 0

    mutating func add(_ c: LabelledComment, _ l: ListeningLabels) {
        items += 1
        if l.language.value == c.language { language += 1 }
        if l.sentiment.value == c.sentiment { sentiment += 1 }
        if l.intent.value == c.intent { intent += 1 }
        switch (l.spam.value, c.spam) {
        case (true, true): spamTrue += 1
        case (true, false): spamFalseAlarm += 1
        case (false, true): spamMissed += 1
        case (false, false): break
        }
    }

    func share(_ n: Int) -> Double { items == 0 ? 0 : Double(n) / Double(items) }
    var precision: Double { spamTrue + spamFalseAlarm == 0 ? 1 : Double(spamTrue) / Double(spamTrue + spamFalseAlarm) }
    var recall: Double { spamTrue + spamMissed == 0 ? 1 : Double(spamTrue) / Double(spamTrue + spamMissed) }

    static func percent(_ x: Double) -> String { String(format: "%.1f %%", x * 100) }

    func row(_ name: String) -> String {
        "| \(name) | \(items) | \(Self.percent(share(language))) | \(Self.percent(share(sentiment))) | \(Self.percent(share(intent))) | "
            + "\(Self.percent(precision)) (\(spamTrue)/\(spamTrue + spamFalseAlarm)) | \(Self.percent(recall)) (\(spamTrue)/\(spamTrue + spamMissed)) |"
    }
}

func loadEvaluationSet(_ name: String) throws -> [LabelledComment] {
    let path = Repo.root + "/Tests/HeraldListeningTests/Fixtures/\(name)"
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let decoder = JSONDecoder()
    return try text.split(separator: "\n").map { try decoder.decode(LabelledComment.self, from: Data($0.utf8)) }
}

/// Sorts every item of the named fixtures and counts agreement per language section; prints the table (and, with
/// LISTENING_EVAL_MISSES=<folder>, writes it with every miss and the sorter's reasons to <folder>/<title>.txt).
func evaluate(_ files: [String], title: String) throws -> (byGroup: [String: Figures], all: Figures) {
    let comments = try files.flatMap(loadEvaluationSet)
    let sorter = try ListeningSorter()
    var byGroup: [String: Figures] = [:]
    var all = Figures()
    var misses: [String] = []
    for c in comments {
        let l = sorter.sort(c.text)
        byGroup[c.group, default: Figures()].add(c, l)
        all.add(c, l)
        if l.language.value != c.language || l.sentiment.value != c.sentiment || l.intent.value != c.intent || l.spam.value != c.spam {
            misses.append("[\(c.group)] \(c.text)\n    want \(c.language ?? "nil")/\(c.sentiment)/\(c.intent)/spam=\(c.spam)"
                          + "\n    got  \(l.language.value ?? "nil")/\(l.sentiment.value)/\(l.intent.value)/spam=\(l.spam.value)"
                          + "\n    why  \(l.language.reason) | \(l.sentiment.reason) | \(l.intent.reason) | \(l.spam.reason)")
        }
    }
    var table = ["\(title) (\(files.joined(separator: ", ")))",
                 "| language | items | language right | sentiment agrees | intent agrees | spam precision | spam recall |",
                 "|---|---:|---:|---:|---:|---:|---:|"]
    for g in ListeningSorter.languages { table.append(byGroup[g, default: Figures()].row(g)) }
    table.append(all.row("all"))
    print(table.joined(separator: "\n"))
    if let path = ProcessInfo.processInfo.environment["LISTENING_EVAL_MISSES"] {
        let file = "\(path)/\(title.lowercased().replacingOccurrences(of: " ", with: "-")).txt"
        try (table + misses).joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
    }
    return (byGroup, all)
}

@Suite struct EvaluationTests {
    /// The accuracy targets of issue 20, per language: language ≥ 95 %, sentiment and intent ≥ 80 %, spam with few
    /// false alarms — on the two sets the word lists were tuned with.
    @Test func theSorterMeetsTheAccuracyTargetsInEveryLanguage() throws {
        let (byGroup, all) = try evaluate(["comments.jsonl", "comments-2.jsonl", "comments-3.jsonl"], title: "Tuning sets")
        for g in ListeningSorter.languages {
            let f = byGroup[g, default: Figures()]
            #expect(f.items >= 60, "\(g): only \(f.items) labelled items")
            #expect(f.share(f.language) >= 0.95, "\(g): language right on \(Figures.percent(f.share(f.language)))")
            #expect(f.share(f.sentiment) >= 0.80, "\(g): sentiment agrees on \(Figures.percent(f.share(f.sentiment)))")
            #expect(f.share(f.intent) >= 0.80, "\(g): intent agrees on \(Figures.percent(f.share(f.intent)))")
        }
        #expect(all.precision >= 0.9, "spam precision \(Figures.percent(all.precision))")
        #expect(all.recall >= 0.9, "spam recall \(Figures.percent(all.recall))")
    }

    /// Items written after the word lists were tuned, never used to change them: the honest estimate of how the sorter
    /// does on comments it has not seen.
    @Test func unseenItems() throws {
        _ = try evaluate(["unseen.jsonl"], title: "Unseen set")
    }

    /// A second unseen set (200 items, 40 per language), written on 2026-12-03 by someone who had not seen the word
    /// lists or the earlier sets, and kept away from whoever tuned the lists until it was measured.
    @Test func theSorterKeepsItsFiguresOnTheIndependentSet() throws {
        let (_, all) = try evaluate(["unseen-2.jsonl"], title: "Unseen set 2")
        #expect(all.items == 200)
        #expect(all.share(all.language) >= 0.95, "language right on \(Figures.percent(all.share(all.language)))")
        #expect(all.share(all.sentiment) >= 0.80, "sentiment agrees on \(Figures.percent(all.share(all.sentiment)))")
        #expect(all.share(all.intent) >= 0.80, "intent agrees on \(Figures.percent(all.share(all.intent)))")
        #expect(all.precision >= 0.9, "spam precision \(Figures.percent(all.precision))")
    }

    /// Sets 5–9, each written before the changes it measured (their first looks are in docs/listening.md), then
    /// tuned on; printed only.
    @Test func laterSets() throws {
        _ = try evaluate(["comments-5.jsonl"], title: "Set five")
        _ = try evaluate(["comments-6.jsonl"], title: "Set six")
        _ = try evaluate(["comments-7.jsonl"], title: "Set seven")
        _ = try evaluate(["comments-8.jsonl"], title: "Set eight")
        _ = try evaluate(["comments-9.jsonl"], title: "Set nine")
    }
}
