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

@Suite struct EvaluationTests {
    /// The accuracy targets of issue 20, per language: language ≥ 95 %, sentiment and intent ≥ 80 %, spam with few
    /// false alarms. Prints the table docs/listening.md shows; set LISTENING_EVAL_MISSES=1 to print every miss too.
    @Test func theSorterMeetsTheAccuracyTargetsInEveryLanguage() throws {
        let comments = try loadEvaluationSet("comments.jsonl") + loadEvaluationSet("comments-2.jsonl")
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
        var table = ["| language | items | language right | sentiment agrees | intent agrees | spam precision | spam recall |",
                     "|---|---:|---:|---:|---:|---:|---:|"]
        for g in ListeningSorter.languages { table.append(byGroup[g, default: Figures()].row(g)) }
        table.append(all.row("all"))
        print(table.joined(separator: "\n"))
        if ProcessInfo.processInfo.environment["LISTENING_EVAL_MISSES"] != nil { print(misses.joined(separator: "\n")) }

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
}
