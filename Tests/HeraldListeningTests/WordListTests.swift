import HeraldModel
import HeraldListening
import HeraldResources
import Testing
import Yams

@Suite struct WordListTests {
    @Test func aWordListFileIsReadIntoLists() throws {
        let words = try ListeningWords.parse("""
            # a comment
            positive:
              - sztos
              - "no: really"
              - 'it''s fine'

            spam:
              - zarabiaj
            """, file: "words.yaml")
        #expect(words[.positive] == ["sztos", "no: really", "it's fine"])
        #expect(words[.spam] == ["zarabiaj"])
    }

    @Test(arguments: [
        ("positve:\n  - good\n", 1, "unknown list 'positve'; the lists are: common, sample, positive, positive_strong, negative, negative_strong, neutral, negators, negators_after, contrast, sarcasm, question_starts, question_words, question_seconds, question_endings, complaint, praise, spam"),
        ("  - good\n", 1, "a list item comes before any list name; start the file with a name such as 'positive:'"),
        ("positive:\n  - \"good\n", 2, "the quote opened in \"good is not closed on the same line"),
        ("positive:\n  - a: b\n", 2, "'a: b' needs quotes in YAML; write it as \"a: b\""),
        ("positive:\n  -\n", 2, "the list item is empty; write a word or phrase, or remove the line"),
        ("positive: [good, nice]\n", 1, "expected a list name ('positive:') or a list item ('  - word'), found 'positive: [good, nice]'"),
    ])
    func aBrokenWordListSaysWhereAndWhat(_ text: String, _ line: Int, _ message: String) {
        #expect(throws: ListeningError(file: "pl/listening/x.yaml", line: line, message: message)) {
            try ListeningWords.parse(text, file: "pl/listening/x.yaml")
        }
        #expect(ListeningError(file: "f.yaml", line: line, message: "m").description == "f.yaml:\(line): m")
    }

    /// The files are read without a YAML library; each must also be YAML that means the same (no `no` read as false),
    /// so the strategy can carry the same lists later.
    @Test(arguments: ListeningSorter.languages)
    func everyBundledListIsYAMLThatMeansTheSame(_ locale: String) throws {
        let paths = BundledFiles.paths(under: "Templates/\(locale)/listening")
        #expect(paths.count >= 4, "\(locale): \(paths)")
        for path in paths {
            let text = try #require(BundledFiles.text(path))
            let ours = try ListeningWords.parse(text, file: path)
            let yaml = try #require(try Yams.load(yaml: text) as? [String: Any], "\(path) is no YAML mapping")
            for (key, value) in yaml {
                let role = try #require(WordRole(rawValue: key), "\(path): \(key)")
                let items = try #require(value as? [Any], "\(path): \(key) is no list")
                let strings = items.map { "\($0)" }
                #expect(items.allSatisfy { $0 is String }, "\(path): \(key) holds a value YAML does not read as text: \(items.filter { !($0 is String) })")
                #expect(strings == ours[role], "\(path): \(key)")
            }
        }
    }

    @Test(arguments: ListeningSorter.languages)
    func everyLocaleShipsTheListsSortingNeeds(_ locale: String) throws {
        let words = try ListeningWords.bundled(locale)
        for role in [WordRole.common, .sample, .positive, .positiveStrong, .negative, .negativeStrong, .negators, .contrast,
                     .sarcasm, .questionStarts, .questionWords, .complaint, .praise, .spam] {
            #expect(!words[role].isEmpty, "\(locale) has no \(role.rawValue) list")
        }
        for role in WordRole.allCases where role != .sample {
            for entry in words[role] {
                #expect(entry == entry.lowercased(), "\(locale) \(role.rawValue): '\(entry)' is not lowercase")
            }
        }
        #expect(words[.common].count >= 100, "\(locale): only \(words[.common].count) common words")
    }
}
