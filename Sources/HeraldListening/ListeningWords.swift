import HeraldResources

/// The languages Herald sorts in: its five locales.
public enum ListeningLanguage {
    public static let all = ["en", "pl", "de", "nl", "ru"]
}

/// What a word or phrase in a word list says about an item. The raw values are the list names used in the files
/// under `Templates/<locale>/listening/` (and, later, in the strategy's `listening:` section).
public enum WordRole: String, CaseIterable, Sendable {
    /// Frequent words of the language; they tell the language and keep another language's meaning of the same
    /// spelling out (Polish `no` is "yes, well", not English "no").
    case common
    /// Sentences written in the language, used only to build its letter-pattern (trigram) profile.
    case sample
    case positive
    case positiveStrong = "positive_strong"
    case negative
    case negativeStrong = "negative_strong"
    /// Words or phrases that carry no sentiment and are read first, so their words are not taken alone
    /// (`cold brew` is a drink, not a cold coffee).
    case neutral
    /// Words that turn the sentiment of the next words around (`not`, `nie`, `nicht`, `niet`, `не`).
    case negators
    /// Negators that also turn the word right before them around, where the language puts the negation after the verb
    /// (`enttäuscht nie`, `schmeckt nicht`, `stelt nooit teleur`).
    case negatorsAfter = "negators_after"
    /// Words after which the second half counts more (`but`, `ale`, `aber`, `maar`, `но`).
    case contrast
    /// Markers of irony: with them, praise words count as complaints (`yeah right`, `jak zwykle`, 🙄).
    case sarcasm
    /// Words that make a question when they start a sentence (`czy`, `wann`, `когда`).
    case questionStarts = "question_starts"
    /// Words or phrases that make a question wherever they stand (`is there`, `gibt es`, `ли`).
    case questionWords = "question_words"
    /// Pronouns that make a question as the second word of a sentence, after a verb (`Liefert ihr …`,
    /// `Bezorgen jullie …`).
    case questionSeconds = "question_seconds"
    /// Word endings of a "you"-verb that make a question when the sentence starts with it (Polish `-acie`, `-icie`:
    /// `Dowozicie na Ursynów`; Russian `-ете`: `Доставляете на …`). Written as the ending alone.
    case questionEndings = "question_endings"
    /// Words or phrases of a complaint (`refund`, `reklamacja`, `still waiting`); they also count as negative.
    case complaint
    /// Words or phrases of thanks and praise (`thank you`, `dzięki`, `bedankt`); they also count as positive.
    case praise
    /// Words or phrases of spam (`follow me`, `zarabiaj`, `заработок`).
    case spam
}

/// Word lists for one language, by role. Entries are lowercase words or phrases; a word ending in `*` matches every
/// word that starts with it (`smaczn*` matches `smaczna`, `smacznego`), and an emoji is a word of its own.
///
/// The bundled lists live in `Templates/<locale>/listening/*.yaml`, each file a mapping from list names (see
/// `WordRole`) to lists of strings. A strategy will extend them per locale under a `listening:` section; the intended
/// shape (read by HeraldStrategy in a later step, passed here as `ListeningWords` per locale) is:
///
/// ```yaml
/// listening:
///   words:                  # added to the bundled lists, per locale and list name
///     pl:
///       positive: ["sztos", "petarda"]
///       complaint: ["zimna kawa"]
///     en:
///       spam: ["cheap followers"]
///   topics:                 # the topics items are sorted into, each with keywords in any language
///     coffee: ["coffee", "espresso", "latte", "kaw*", "kaffee", "koffie", "кофе"]
///     service: ["staff", "barista*", "obsług*", "bedienung", "personeel", "персонал"]
/// ```
public struct ListeningWords: Sendable, Equatable {
    public var lists: [WordRole: [String]]

    public init(_ lists: [WordRole: [String]] = [:]) { self.lists = lists }

    public subscript(role: WordRole) -> [String] {
        get { lists[role] ?? [] }
        set { lists[role] = newValue }
    }

    /// These lists with `other`'s entries added after them.
    public func merged(with other: ListeningWords) -> ListeningWords {
        var out = self
        for (role, words) in other.lists { out[role] += words }
        return out
    }

    /// The bundled lists of `locale` (every `Templates/<locale>/listening/*.yaml`, merged), empty for a locale
    /// without lists.
    public static func bundled(_ locale: String) throws(ListeningError) -> ListeningWords {
        var words = ListeningWords()
        for path in BundledFiles.paths(under: "Templates/\(locale)/listening") where path.hasSuffix(".yaml") {
            words = words.merged(with: try parse(BundledFiles.text(path) ?? "", file: path))
        }
        return words
    }

    /// Reads a word-list file: a YAML mapping of list names to block lists of plain or quoted strings, with `#`
    /// comments on lines of their own. (A deliberately small part of YAML, so the lists load without a YAML library;
    /// every such file is also valid YAML.)
    public static func parse(_ text: String, file: String) throws(ListeningError) -> ListeningWords {
        var words = ListeningWords()
        var current: WordRole?
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            let trimmed = line.drop(while: { $0 == " " })
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            if trimmed.hasPrefix("- ") || trimmed == "-" {
                guard let role = current else {
                    throw ListeningError(file: file, line: lineNumber, message: "a list item comes before any list name; start the file with a name such as 'positive:'")
                }
                let item = try unquote(trimmed.dropFirst(1).drop(while: { $0 == " " }), file: file, line: lineNumber)
                guard !item.isEmpty else {
                    throw ListeningError(file: file, line: lineNumber, message: "the list item is empty; write a word or phrase, or remove the line")
                }
                words[role].append(item)
                continue
            }
            guard line.first != " ", trimmed.hasSuffix(":") else {
                throw ListeningError(file: file, line: lineNumber, message: "expected a list name ('positive:') or a list item ('  - word'), found '\(trimmed)'")
            }
            let name = String(trimmed.dropLast())
            guard let role = WordRole(rawValue: name) else {
                let known = WordRole.allCases.map(\.rawValue).joined(separator: ", ")
                throw ListeningError(file: file, line: lineNumber, message: "unknown list '\(name)'; the lists are: \(known)")
            }
            current = role
        }
        return words
    }

    static func unquote(_ item: Substring, file: String, line: Int) throws(ListeningError) -> String {
        var s = item
        while s.last == " " { s = s.dropLast() }
        guard let q = s.first, q == "\"" || q == "'" else {
            if s.hasPrefix("#") || s.hasPrefix("[") || s.hasPrefix("{") || s.hasPrefix("&") || s.hasPrefix("*") || s.hasPrefix("?")
                || s.contains(": ") || s.contains(" #") {
                throw ListeningError(file: file, line: line, message: "'\(s)' needs quotes in YAML; write it as \"\(s)\"")
            }
            return String(s)
        }
        guard s.count >= 2, s.last == q else {
            throw ListeningError(file: file, line: line, message: "the quote opened in \(s) is not closed on the same line")
        }
        let inner = s.dropFirst().dropLast()
        if q == "'" { return inner.replacingOccurrences(of: "''", with: "'") }
        var out = ""
        var escaped = false
        for c in inner {
            if escaped { out.append(c); escaped = false } else if c == "\\" { escaped = true } else { out.append(c) }
        }
        return out
    }
}

/// A word list that cannot be read: which file, which line, what is wrong and what to do.
public struct ListeningError: Error, Equatable, CustomStringConvertible, Sendable {
    public var file: String
    public var line: Int?
    public var message: String

    public init(file: String, line: Int?, message: String) {
        self.file = file; self.line = line; self.message = message
    }

    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}

extension Substring {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        var out = ""
        var rest = self[...]
        while let r = rest.range(of: target) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }

    fileprivate func range(of target: String) -> Range<Index>? {
        guard !target.isEmpty else { return nil }
        var i = startIndex
        while i < endIndex {
            if self[i...].hasPrefix(target) { return i..<(index(i, offsetBy: target.count)) }
            i = index(after: i)
        }
        return nil
    }
}
