import HeraldModel
/// Sorts inbox items: language, sentiment, intent, topics and spam, each with a reason. Rules over word lists, emoji
/// tables and letter-trigram profiles; no models, no network. Build one sorter (it compiles every list into one hash
/// index) and call `sort` for each item; it is a value, safe to share between tasks.
public struct ListeningSorter: Sendable {
    public static let languages = ListeningLanguage.all

    let lexicon: Lexicon
    let profiles: LanguageProfiles
    let topicNames: [String]
    /// Words every language uses alike ("ok", "lol", "super"): they tell no language.
    let international: Set<UInt64>
    let polish: Int
    /// Per language: the endings of "you"-verbs that start a question, as normalized letters.
    let endings: [[[UInt32]]]

    /// A sorter over the bundled word lists of the five languages, plus `extraWords` per locale (the strategy's
    /// `listening.words`) and the strategy's `topics`.
    public init(extraWords: [String: ListeningWords] = [:], topics: [ListeningTopic] = []) throws(ListeningError) {
        var words: [String: ListeningWords] = [:]
        for language in Self.languages { words[language] = try ListeningWords.bundled(language) }
        try self.init(words: words, extraWords: extraWords, topics: topics)
    }

    /// A sorter over the given word lists only (no bundled lists), plus extras and topics.
    public init(words: [String: ListeningWords], extraWords: [String: ListeningWords] = [:],
                topics: [ListeningTopic] = []) throws(ListeningError) {
        for locale in extraWords.keys.sorted() where !Self.languages.contains(locale) {
            throw ListeningError(file: "listening.words", line: nil,
                                 message: "'\(locale)' is not a language Herald sorts in; use one of \(Self.languages.joined(separator: ", "))")
        }
        var lexicon = Lexicon()
        var samples: [[String]] = []
        var endings: [[[UInt32]]] = []
        polish = Self.languages.firstIndex(of: "pl") ?? -1
        for (n, language) in Self.languages.enumerated() {
            let base = words[language] ?? ListeningWords()
            let extra = extraWords[language] ?? ListeningWords()
            for (list, source) in [(base, "Templates/\(language)/listening"), (extra, "listening.words.\(language)")] {
                for role in WordRole.allCases where role != .sample && role != .questionEndings {
                    for text in list[role] {
                        let entry = Entry(meaning: .role(role), language: Int8(n), weight: Self.weight(role))
                        guard lexicon.add(text, entry, fold: n == polish) else {
                            throw ListeningError(file: source, line: nil,
                                                 message: "'\(text)' in the \(role.rawValue) list holds no word or emoji; write a word, a phrase or an emoji")
                        }
                    }
                }
            }
            let merged = base.merged(with: extra)
            samples.append(merged[.sample] + [merged[.common].joined(separator: " ")])
            endings.append(merged[.questionEndings].compactMap { ending in
                let scan = Tokenizer.scan(ending)
                return scan.tokens.count == 1 ? Array(scan.letters) : nil
            })
        }
        for (emoji, role) in EmojiTable.entries {
            lexicon.add(emoji, Entry(meaning: .role(role), language: -1, weight: Self.weight(role)))
        }
        for (n, topic) in topics.enumerated() {
            for keyword in topic.keywords {
                guard lexicon.add(keyword.lowercased(), Entry(meaning: .topic(n), language: -1, weight: 0), fold: true) else {
                    throw ListeningError(file: "listening.topics.\(topic.name)", line: nil,
                                         message: "the keyword '\(keyword)' holds no word; write a word, a phrase or a stem ending in '*'")
                }
            }
        }
        lexicon.seal()
        self.lexicon = lexicon
        self.endings = endings
        self.topicNames = topics.map(\.name)
        self.profiles = LanguageProfiles(texts: samples)
        var international: Set<UInt64> = []
        for word in ["ok", "okay", "oke", "okej", "okey", "ок", "lol", "haha", "hahaha", "xd", "xdd", "wow", "omg", "super",
                     "top", "hmm", "mmm", "yay", "hi", "hey", "hallo", "hello", "ciao", "bravo", "brawo", "cool", "nice", "ha", "he",
                     "x", "d", "pls", "plz", "thx", "tx", "cafe", "café", "latte", "cappuccino", "espresso", "flat", "white", "matcha",
                     "chai", "croissant", "mocha", "americano", "brownie", "cheesecake", "wifi", "wi-fi", "gratis", "extra", "halloumi",
                     "wrap", "menu", "barista"] {
            for key in Lexicon.keys(word) ?? [] { international.insert(key.hash) }
        }
        self.international = international
    }

    /// "hahaha", "ахах", "xD", "hihi": laughter, in no language.
    static func isLaughter(_ t: Token, _ scan: Scan) -> Bool {
        guard t.count >= 2 else { return false }
        let letters = scan.letters[Int(t.start)..<Int(t.start + t.count)]
        if letters.first == 0x78, letters.dropFirst().allSatisfy({ $0 == 0x64 }) { return true }  // xd, xdd
        var laughs = false
        for v in letters {
            switch v {
            case 0x68, 0x445: laughs = true  // h, х
            case 0x61, 0x65, 0x69, 0x430, 0x435, 0x44B: break  // a, e, i, а, е, ы
            default: return false
            }
        }
        return laughs
    }

    static func weight(_ role: WordRole) -> Int8 {
        switch role {
        case .positive, .praise: 1
        case .positiveStrong: 2
        case .negative, .complaint, .sarcasm: -1
        case .negativeStrong: -2
        case .spam: 2
        default: 0
        }
    }

    // MARK: Sorting

    private struct Hit {
        /// Where the words are (scalar offsets), quoted only when a reason shows them; or a fixed text.
        var span: Range<Int>
        /// The last token of the words.
        var last = -1
        var literal: String? = nil
        var weight: Int
        var negated: Bool
        var sarcastic = false
        var token: Int
        var role: WordRole
    }

    /// Sorts one item. `language`, when the source says it, is used as given; otherwise the text tells it.
    public func sort(_ text: String, language given: String? = nil) -> ListeningLabels {
        let scan = Tokenizer.scan(text)
        let tokens = scan.tokens

        // Every pattern at every token, once.
        var found: [Match] = []
        found.reserveCapacity(tokens.count)
        var starts = [Int32](repeating: 0, count: tokens.count + 1)
        for i in 0..<tokens.count {
            starts[i] = Int32(found.count)
            lexicon.find(at: i, in: scan, into: &found)
        }
        starts[tokens.count] = Int32(found.count)

        let language = detectLanguage(given, text, scan, found, starts)
        let lang = language.value.flatMap { Self.languages.firstIndex(of: $0) } ?? -1

        // Walk the tokens, taking the longest match in the item's language at each one.
        var hits: [Hit] = []
        var negators: [Int] = []
        /// Negators that open a clause: "No napkins, no sugar, no spoons".
        var missingAt: [Int] = []
        var contrastAt = Int.max
        var questionCues: [String] = []
        var spamCues: [String] = []
        var sarcasmCues: [String] = []
        var topicHits: [(topic: Int, text: String)] = []
        var i = 0
        while i < tokens.count {
            let here = found[Int(starts[i])..<Int(starts[i + 1])]
            for m in here {
                if case .topic(let k) = lexicon.patterns[Int(m.pattern)].entry.meaning {
                    topicHits.append((k, phrase(scan, i, Int(m.length))))
                }
            }
            // The matches to use: the item's language first (and emojis, topics); another language's only when the
            // word is not a common word of the item's language.
            var usable: [(match: Match, role: WordRole, weight: Int8)] = []
            var blocked = false
            for m in here {
                let e = lexicon.patterns[Int(m.pattern)].entry
                if e.language == lang && e.meaning == .role(.common) && m.length == 1 { blocked = true }
            }
            for pass in 0..<2 {
                for m in here {
                    let e = lexicon.patterns[Int(m.pattern)].entry
                    guard case .role(let role) = e.meaning, role != .common else { continue }
                    let ours = lang < 0 || e.language == lang || e.language == -1
                    guard pass == 0 ? ours : !ours else { continue }
                    usable.append((m, role, e.weight))
                }
                if !usable.isEmpty || blocked { break }
            }
            guard !usable.isEmpty else { i += 1; continue }
            // The longest match covers its tokens. A neutral phrase that long hides everything inside it ("cold brew",
            // "what a"); otherwise each family of meaning (feeling, negation, contrast, question, spam) takes its own
            // longest match here, so "jammer dat" is both a contrast and a regret.
            let longest = usable.map(\.match.length).max() ?? 1
            let length = Int(longest)
            var family = SIMD8<Int32>()  // per family (0…5), its longest match here; no dictionary per token
            for u in usable { family[Self.family(u.role)] = max(family[Self.family(u.role)], u.match.length) }
            let neutralCovers = usable.contains { $0.role == .neutral && $0.match.length == longest }
            var seen: [WordRole] = []
            for u in usable {
                let f = Self.family(u.role)
                guard u.match.length == family[f], !seen.contains(u.role) else { continue }
                if neutralCovers && u.role != .neutral { continue }
                // A phrase of feeling that holds its own negation ("nie polecam") is not also a negator.
                if u.role == .negators, family[0] > u.match.length { continue }
                seen.append(u.role)
                let n = Int(u.match.length)
                let span = tokens[i].range.lowerBound..<tokens[i + n - 1].range.upperBound
                var words: String { scan.text(span) }
                switch u.role {
                case .negators:
                    negators.append(i + n - 1)
                    if n == 1 && (tokens[i].clauseStart || tokens[i].sentenceStart) { missingAt.append(i) }
                case .contrast: contrastAt = i  // the last "but" counts
                case .questionStarts:
                    if startsSentence(i, tokens) && !(scan.finalMark == 0x21 && scan.questionMarks == 0) {
                        questionCues.append("starts with '\(words)'")
                    }
                case .questionWords: questionCues.append(startsSentence(i, tokens) ? "starts with '\(words)'" : "has '\(words)'")
                case .questionSeconds:
                    // "Liefert ihr …": a verb, then the pronoun; not after thanks or praise ("Danke ihr Lieben").
                    if i > 0, tokens[i - 1].kind == .word, tokens[i - 1].sentenceStart, tokens[i - 1].clause == tokens[i].clause,
                       !hits.contains(where: { $0.token == i - 1 }), !(scan.finalMark == 0x21 && scan.questionMarks == 0) {
                        questionCues.append("starts with '\(phrase(scan, i - 1, 2))'")
                    }
                case .questionEndings: break
                case .spam: spamCues.append("'\(words)'")
                case .sarcasm:
                    sarcasmCues.append("'\(words)'")
                    hits.append(Hit(span: span, weight: Int(u.weight), negated: false, token: i, role: u.role))
                case .positive, .positiveStrong, .negative, .negativeStrong, .praise, .complaint:
                    var w = Int(u.weight)
                    // Emojis say what they say; "no contest ❤️" is not a negated heart.
                    // A phrase that opens with its own negation ("nigdy nie zawodzi", "ни разу не разочаровалась") is
                    // not turned around again by the negator before it.
                    let negated = tokens[i].kind == .word && family[1] == 0
                        && negators.contains { $0 < i && $0 >= i - 3 && tokens[$0].clause == tokens[i].clause }
                    if negated { w = w > 0 ? -1 : 1 }
                    hits.append(Hit(span: span, last: tokens[i].kind == .word ? i + n - 1 : -1, weight: w, negated: negated,
                                    token: i, role: u.role))
                case .negatorsAfter:
                    // "enttäuscht nie": the word just before, in the same clause, turns around (once).
                    if n == 1, let k = hits.lastIndex(where: { $0.last == i - 1 }), !hits[k].negated,
                       hits[k].token == hits[k].last,  // one word ("enttäuscht"), not a phrase ("mal wieder")
                       [WordRole.positive, .positiveStrong, .negative, .negativeStrong].contains(hits[k].role),
                       tokens[i - 1].clause == tokens[i].clause {
                        hits[k].weight = hits[k].weight > 0 ? -1 : 1
                        hits[k].negated = true
                        hits[k].span = hits[k].span.lowerBound..<tokens[i].range.upperBound
                    }
                case .neutral:
                    hits.append(Hit(span: span, weight: 0, negated: false, token: i, role: u.role))
                case .common, .sample: break
                }
            }
            i += length
        }

        // "Dowozicie na Ursynów": a sentence that starts with a "you"-verb asks.
        if lang >= 0, lang < endings.count, !endings[lang].isEmpty, questionCues.isEmpty, !hits.contains(where: { $0.weight != 0 }) {
            for (k, t) in tokens.enumerated() where t.kind == .word && t.sentenceStart && t.count >= 5 && !hits.contains(where: { $0.token == k }) {
                let start = Int(t.start), n = Int(t.count)
                if endings[lang].contains(where: { e in e.count < n && scan.letters[(start + n - e.count)..<(start + n)].elementsEqual(e) }) {
                    questionCues.append("starts with the verb '\(scan.text(of: t, in: text))'")
                    break
                }
            }
        }

        // A list of what is missing ("No napkins, no sugar", "Brak serwetek, brak cukru") is a complaint.
        if missingAt.count >= 2 {
            let span = tokens[missingAt[0]].range.lowerBound..<tokens[min(missingAt[1] + 1, tokens.count - 1)].range.upperBound
            hits.append(Hit(span: span, weight: -2, negated: false, token: missingAt[0], role: .complaint))
        }

        // Indignation: "?!" after a question, or a price asked about with "?" ("£4.20 for a small latte??").
        if scan.interrobang {
            hits.append(Hit(span: 0..<0, literal: "?!", weight: -1, negated: false, token: tokens.count, role: .negative))
        } else if scan.questionMarks > 0 && scan.currencySigns > 0 && scan.digits > 0 && questionCues.isEmpty {
            hits.append(Hit(span: 0..<0, literal: "a price with '?'", weight: -1, negated: false, token: tokens.count, role: .complaint))
        }

        // Irony: praise next to a complaint marker, or an opening "great," before bad news.
        if let first = hits.first, first.weight > 0, !first.negated, first.role != .praise,
           tokens[first.token].followedBy == 0x2C || tokens[first.token].followedBy == 0x2026 || tokens[first.token].followedBy == 0x2E,
           tokens.prefix(first.token).allSatisfy({ $0.kind != .word }),
           hits.dropFirst().contains(where: { $0.weight < 0 }) {
            let bad = hits.dropFirst().first(where: { $0.weight < 0 }).map { $0.literal ?? scan.text($0.span) } ?? ""
            sarcasmCues.append("'\(scan.text(first.span))' before '\(bad)'")
        }
        let sarcastic = !sarcasmCues.isEmpty && hits.contains(where: { $0.weight < 0 && $0.role != .sarcasm || $0.role == .sarcasm })
        if sarcastic {
            for k in hits.indices where hits[k].weight > 0 { hits[k].weight = -hits[k].weight; hits[k].sarcastic = true }
        }

        // After a "but" the second half counts double, and strong words before it count as mild ones.
        var score = 0
        for h in hits {
            if contrastAt == .max { score += h.weight } else if h.token > contrastAt { score += 2 * h.weight } else { score += max(-1, min(1, h.weight)) }
        }

        // Spam.
        var spamScore = 2 * spamCues.count
        var spamWhy = spamCues
        let links = tokens.filter { $0.kind == .url }
        if !links.isEmpty {
            spamScore += 2 * min(links.count, 2)
            spamWhy.append("a link '\(scan.text(of: links[0], in: text))'")
        }
        if scan.shortLinks > 0 { spamScore += 2; spamWhy.append("a short or messenger link") }
        if scan.currencySigns > 0 && scan.digits > 0 { spamScore += 1; spamWhy.append("a sum of money") }
        if scan.digits >= 9 { spamScore += 1; spamWhy.append("a phone-like number") }
        if tokens.filter({ $0.kind == .mention }).count >= 3 { spamScore += 1; spamWhy.append("many @mentions") }
        let isSpam = spamScore >= 3
        let spam = Labelled(isSpam, reason: isSpam ? "spam: " + spamWhy.joined(separator: ", ")
                                                     : spamWhy.isEmpty ? "not spam: no spam signs" : "not spam: only " + spamWhy.joined(separator: ", "))
        // Spam's cheer is not a customer's feeling.
        let sentiment = isSpam ? Labelled(Sentiment.neutral, reason: "neutral: spam") : sentimentLabel(score, hits, sarcasmCues, contrastAt, scan)

        // Intent.
        var asks = questionCues
        // "Pumpkin spice is back?? Best news all week": a '?' inside praise that ends as a statement asks nothing.
        let exclaims = questionCues.isEmpty && scan.finalMark != 0x3F && sentiment.value == .positive
        if scan.questionMarks > 0 && !exclaims {
            asks.insert(scan.finalMark == 0x3F ? "ends with '?'" : "has '?'", at: 0)
        }
        let complaints = hits.filter { $0.role == .complaint && $0.weight < 0 }.map { "'\($0.literal ?? scan.text($0.span))'" }
        let intent: Labelled<Intent>
        let addressee = tokens.first.flatMap { $0.kind == .mention ? scan.text(of: $0, in: text) : nil }
        if isSpam {
            intent = Labelled(.other, reason: "other: spam")
        } else if let addressee, sentiment.value != .negative {
            // "@anna we need to go here!": said to a friend, not to the brand.
            intent = Labelled(.other, reason: "other: written to @\(addressee)")
        } else if !asks.isEmpty {
            // A negative question without a "?" ("Why does the card machine never work") or with "??" is said, not asked.
            if sentiment.value == .negative && (!complaints.isEmpty || score <= -2 || scan.interrobang || sarcastic || scan.questionMarks != 1) {
                intent = Labelled(.complaint, reason: "complaint: " + (complaints.isEmpty ? sentiment.reason : "\(complaints.joined(separator: ", ")); \(sentiment.reason)") + ", though it asks")
            } else {
                intent = Labelled(.question, reason: "question: " + asks.joined(separator: " and "))
            }
        } else if sentiment.value == .negative {
            intent = Labelled(.complaint, reason: "complaint: " + (complaints.isEmpty ? sentiment.reason : "\(complaints.joined(separator: ", ")); \(sentiment.reason)"))
        } else if sentiment.value == .positive {
            intent = Labelled(.praise, reason: "praise: " + sentiment.reason)
        } else {
            intent = Labelled(.other, reason: "other: no question, complaint or praise")
        }

        // Topics, in order of first appearance.
        var topics: [Labelled<String>] = []
        var order: [Int] = []
        for h in topicHits where !order.contains(h.topic) { order.append(h.topic) }
        for k in order {
            var words: [String] = []
            for h in topicHits where h.topic == k && !words.contains("'\(h.text)'") { words.append("'\(h.text)'") }
            topics.append(Labelled(topicNames[k], reason: "\(topicNames[k]): " + words.joined(separator: ", ")))
        }
        return ListeningLabels(language: language, sentiment: sentiment, intent: intent, topics: topics, spam: spam)
    }

    private func sentimentLabel(_ score: Int, _ hits: [Hit], _ sarcasm: [String], _ contrastAt: Int, _ scan: Scan) -> Labelled<Sentiment> {
        func show(_ h: Hit) -> String {
            "'\(h.literal ?? scan.text(h.span))'" + (h.negated ? " (negated)" : "") + (h.sarcastic ? " (ironic)" : "")
        }
        let value: Sentiment = score > 0 ? .positive : score < 0 ? .negative : .neutral
        switch value {
        case .neutral:
            let felt = hits.filter { $0.weight != 0 }
            if felt.isEmpty {
                if hits.isEmpty { return Labelled(.neutral, reason: "neutral: no words of feeling") }
                return Labelled(.neutral, reason: "neutral: " + hits.prefix(3).map(show).joined(separator: ", "))
            }
            let hits = felt
            return Labelled(.neutral, reason: "neutral: " + hits.prefix(4).map(show).joined(separator: " and ") + " balance out")
        case .positive, .negative:
            let side = hits.filter { value == .positive ? $0.weight > 0 : $0.weight < 0 }
            var why = side.prefix(4).map(show).joined(separator: ", ")
            if !sarcasm.isEmpty && value == .negative { why = "irony (\(sarcasm.joined(separator: ", "))); " + why }
            if contrastAt != .max, side.contains(where: { $0.token > contrastAt }), hits.contains(where: { $0.token < contrastAt }) {
                why += " after the 'but'"
            }
            return Labelled(value, reason: "\(value.rawValue): " + why)
        }
    }

    /// Whether token `i` opens its sentence, or follows only a word of one or two letters that does ("а когда", "en hoe").
    /// Not after a comma: "…, hat nicht mal hallo gesagt" and "…, как у мамы" are no questions.
    private func startsSentence(_ i: Int, _ tokens: [Token]) -> Bool {
        let t = tokens[i]
        if t.sentenceStart { return true }
        guard i > 0 else { return true }
        let p = tokens[i - 1]
        return p.kind == .word && p.clause == t.clause && p.count <= 2 && p.sentenceStart
    }

    /// Families of meaning; each takes its own longest match at a token.
    static func family(_ role: WordRole) -> Int {
        switch role {
        case .positive, .positiveStrong, .negative, .negativeStrong, .praise, .complaint, .sarcasm, .neutral: 0
        case .negators, .negatorsAfter: 1
        case .contrast: 2
        case .questionStarts, .questionWords, .questionSeconds, .questionEndings: 3
        case .spam: 4
        case .common, .sample: 5
        }
    }

    /// The original text of `length` tokens from `i`, with what stands between them.
    private func phrase(_ scan: Scan, _ i: Int, _ length: Int) -> String {
        let tokens = scan.tokens
        return scan.text(tokens[i].range.lowerBound..<tokens[i + length - 1].range.upperBound)
    }

    // MARK: Language

    private func detectLanguage(_ given: String?, _ text: String, _ scan: Scan, _ found: [Match], _ starts: [Int32]) -> Labelled<String?> {
        if let given, !given.isEmpty { return Labelled(given, reason: "\(given): given with the item") }
        let languages = Self.languages
        guard scan.tokens.contains(where: { $0.kind == .word && !international.contains($0.hash) && !Self.isLaughter($0, scan) }) else {
            return Labelled(nil, reason: "unknown: no words to tell the language by")
        }
        // Of the five, only Russian is written in Cyrillic; Russian speakers mix in English words, not the other way round.
        if scan.cyrillicLetters > 0 && scan.cyrillicLetters * 10 >= (scan.cyrillicLetters + scan.latinLetters) * 3,
           let ru = languages.firstIndex(of: "ru") {
            return Labelled(languages[ru], reason: "ru: written in Cyrillic letters")
        }
        var votes = [Int](repeating: 0, count: languages.count)
        var evidenceTokens = [[Int]](repeating: [], count: languages.count)
        var letterNotes = [[String]](repeating: [], count: languages.count)
        var words: [Token] = []
        for (i, t) in scan.tokens.enumerated() where t.kind == .word && !international.contains(t.hash) {
            if Self.isLaughter(t, scan) { continue }
            words.append(t)
            var mask = 0
            for m in found[Int(starts[i])..<Int(starts[i + 1])] {
                let l = Int(lexicon.patterns[Int(m.pattern)].entry.language)
                guard l >= 0, mask & (1 << l) == 0 else { continue }
                mask |= 1 << l
                votes[l] += 1
                if evidenceTokens[l].count < 3 { evidenceTokens[l].append(i) }
            }
        }
        if polish >= 0 && scan.polishLetters > 0 {
            votes[polish] += min(scan.polishLetters, 2)
            letterNotes[polish].append("Polish letters")
        }
        if let de = languages.firstIndex(of: "de"), scan.germanLetters > 0 {
            votes[de] += min(scan.germanLetters, 2)
            letterNotes[de].append("German letters")
        }
        func evidence(_ l: Int) -> [String] {
            evidenceTokens[l].map { "'\(scan.text(of: scan.tokens[$0], in: text))'" } + letterNotes[l]
        }
        let top = votes.max() ?? 0
        let leaders = votes.indices.filter { votes[$0] == top }
        if top > 0 && leaders.count == 1 {
            let l = leaders[0]
            return Labelled(languages[l], reason: "\(languages[l]): " + evidence(l).joined(separator: ", "))
        }
        let letters = words.reduce(0) { $0 + Int($1.count) }
        guard letters >= 4 else {
            return Labelled(nil, reason: "unknown: too few words to tell the language")
        }
        let candidates = top > 0 ? leaders : languages.indices.filter { languages[$0] != "ru" }
        guard let l = profiles.best(words, in: scan, among: candidates) else {
            return Labelled(nil, reason: "unknown: no language fits")
        }
        return Labelled(languages[l], reason: "\(languages[l]): its letter patterns" + (top > 0 ? " (" + evidence(l).joined(separator: ", ") + ")" : ""))
    }
}
