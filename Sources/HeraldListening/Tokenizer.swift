/// Splitting an item's text into words, emojis, links and punctuation facts, in one pass over its Unicode scalars.
/// Words are normalized for lookup: lowercase, `’` as `'`, `ё` as `е`, runs of three or more equal letters cut to two
/// (`soooo` → `soo`). No regular expressions and no Foundation: this runs for every item.

/// 64-bit FNV-1a over scalar values; the key of every lookup (words, prefixes, trigrams).
@inline(__always)
func fnv(_ hash: UInt64, _ value: UInt32) -> UInt64 {
    (hash ^ UInt64(value)) &* 0x100_0000_01b3
}

let fnvStart: UInt64 = 0xcbf2_9ce4_8422_2325

enum TokenKind: UInt8 {
    case word, emoji, number, url, mention
}

struct Token {
    var kind: TokenKind
    /// Where the normalized letters are in `Scan.letters`.
    var start: Int32
    var count: Int32
    /// The hash of the whole normalized token.
    var hash: UInt64
    /// The hash with every doubled letter made single, when the token had a run cut (`suuuper` → `super`); else 0.
    var singleHash: UInt64
    /// Where the token is in the original text, for reasons.
    var range: Range<Int>
    /// Tokens between the same punctuation marks share a clause; negation does not cross clauses.
    var clause: Int32
    /// The first word of a sentence (after the start, `.`, `!`, `?` or a line break).
    var sentenceStart: Bool
    /// The first token after a comma, colon, dash or sentence start.
    var clauseStart: Bool
    /// The punctuation right after the token (`,`, `.`, `!`, `?`, `…`), or 0.
    var followedBy: UInt32
    var cyrillic: Bool
}

/// What one pass over an item's text found.
struct Scan {
    var tokens: [Token] = []
    /// Normalized letters of every word, one after another.
    var letters: [UInt32] = []
    var questionMarks = 0
    var exclamationMarks = 0
    /// The last mark before the end, ignoring spaces, emojis and closing brackets: `?`, `!`, `.` or 0.
    var finalMark: UInt32 = 0
    /// `?!` or `!?` somewhere.
    var interrobang = false
    var cyrillicLetters = 0
    var latinLetters = 0
    /// Letters only Polish uses among the five languages (ą ć ę ł ń ś ź ż), and only German (ä ö ü ß).
    var polishLetters = 0
    var germanLetters = 0
    var currencySigns = 0
    var digits = 0
    /// Link shorteners and messenger links (`bit.ly`, `t.me`, `wa.me`).
    var shortLinks = 0
    var upperLetters = 0

    /// The item's text, and where each of its scalars starts in its UTF-8 (one more at the end), for quoting tokens in
    /// reasons.
    var source = ""
    var offsets: [Int32] = []

    func text(of token: Token, in source: String) -> String {
        text(token.range)
    }

    /// The original text of scalars `range`.
    func text(_ range: Range<Int>) -> String {
        let utf8 = source.utf8
        let a = utf8.index(utf8.startIndex, offsetBy: Int(offsets[range.lowerBound]))
        let b = utf8.index(utf8.startIndex, offsetBy: Int(offsets[range.upperBound]))
        return String(source[a..<b])
    }
}

enum Tokenizer {
    static func scan(_ text: String) -> Scan {
        var scan = Scan()
        scan.tokens.reserveCapacity(24)
        scan.letters.reserveCapacity(text.utf8.count)
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(text.utf8.count)
        var offsets: [Int32] = []
        offsets.reserveCapacity(text.utf8.count + 1)
        var offset: Int32 = 0
        for u in text.unicodeScalars {
            scalars.append(u)
            offsets.append(offset)
            offset += Int32(UTF8.width(u))
        }
        offsets.append(offset)
        var i = 0
        let end = scalars.count
        var clause: Int32 = 0
        var sentenceStart = true
        var clauseStart = true
        var openBrackets = 0
        while i < end {
            // One whitespace-separated chunk at a time: a link is a whole chunk.
            while i < end, isSpace(scalars[i]) {
                if scalars[i] == "\n" { clause += 1; sentenceStart = true; clauseStart = true }
                i = i + 1
            }
            guard i < end else { break }
            var chunkEnd = i
            while chunkEnd < end, !isSpace(scalars[chunkEnd]) { chunkEnd = chunkEnd + 1 }
            if let link = linkKind(scalars[i..<chunkEnd]) {
                if link == .short { scan.shortLinks += 1 }
                scan.tokens.append(Token(kind: .url, start: 0, count: 0, hash: 0, singleHash: 0, range: i..<chunkEnd,
                                         clause: clause, sentenceStart: false, clauseStart: false, followedBy: 0, cyrillic: false))
                i = chunkEnd
                continue
            }
            // Inside the chunk: words, emojis, marks.
            var j = i
            while j < chunkEnd {
                let u = scalars[j]
                if isWordScalar(u) || ((u == "#" || u == "@") && nextIsWord(scalars, j, chunkEnd)) {
                    let mention = u == "@"
                    if u == "#" || u == "@" { j = j + 1 }
                    let start = j
                    let letterStart = scan.letters.count
                    var hash = fnvStart
                    var single = fnvStart
                    var cut = false
                    var allDigits = true
                    var cyr = false
                    var prev: UInt32 = 0, prev2: UInt32 = 0
                    while j < chunkEnd {
                        let s = scalars[j]
                        var v: UInt32
                        if isWordScalar(s) {
                            v = s.value
                        } else if mention, s == "_" || s == ".", let n = nextScalar(scalars, j, chunkEnd), isWordScalar(n) || n == "_" {
                            v = s.value  // @anna_k, @anna.k
                        } else if (s == "'" || s == "\u{2019}" || s == "\u{02BC}" || s == "`"), let n = nextScalar(scalars, j, chunkEnd), isLetter(n) {
                            v = 0x27
                        } else if s == "-", prev != 0, let n = nextScalar(scalars, j, chunkEnd), isLetter(n) {
                            // `e-mail`, `co-worker`, `по-моему`: one word.
                            v = 0x2D
                        } else {
                            break
                        }
                        if v >= 0x41 && v <= 0x5A {
                            v += 32; scan.upperLetters += 1
                        } else if v >= 0x80 {
                            v = lower(s, &scan)
                        }
                        if v == 0x451 { v = 0x435 }  // ё → е
                        if v >= 0x400 && v <= 0x4FF { scan.cyrillicLetters += 1; cyr = true } else if isLetterValue(v) { scan.latinLetters += 1 }
                        if v < 0x30 || v > 0x39 { allDigits = false }
                        if v == prev && v == prev2 { cut = true; j = j + 1; continue }
                        if v != prev { single = fnv(single, v) }
                        prev2 = prev; prev = v
                        hash = fnv(hash, v)
                        scan.letters.append(v)
                        j = j + 1
                    }
                    let count = scan.letters.count - letterStart
                    if count == 0 { j = max(j, start + 1); continue }
                    let kind: TokenKind = mention ? .mention : (allDigits ? .number : .word)
                    if allDigits { scan.digits += count }
                    scan.tokens.append(Token(kind: kind, start: Int32(letterStart), count: Int32(count), hash: hash,
                                             singleHash: cut ? single : 0, range: start..<j, clause: clause,
                                             sentenceStart: sentenceStart && kind == .word, clauseStart: clauseStart,
                                             followedBy: 0, cyrillic: cyr))
                    if kind == .word { sentenceStart = false }
                    clauseStart = false
                    continue
                }
                if isEmoji(u) {
                    let start = j
                    j = j + 1
                    // Skin tones, variation selectors and the rest of a joined sequence belong to this emoji.
                    while j < chunkEnd {
                        let n = scalars[j].value
                        if n == 0xFE0F || n == 0xFE0E || (n >= 0x1F3FB && n <= 0x1F3FF) || n == 0x20E3 {
                            j = j + 1
                        } else if n == 0x200D {
                            j = j + 1
                            if j < chunkEnd { j = j + 1 }
                        } else { break }
                    }
                    if u.value >= 0x1F1E6 && u.value <= 0x1F1FF { continue }  // flags say nothing here
                    scan.tokens.append(Token(kind: .emoji, start: 0, count: 0, hash: fnv(fnvStart, u.value), singleHash: 0,
                                             range: start..<j, clause: clause, sentenceStart: false, clauseStart: clauseStart,
                                             followedBy: 0, cyrillic: false))
                    continue
                }
                // Text emoticons: :) :-) :( :D ;) <3 xD, and the Russian ))) and (((.
                if let (face, next) = emoticon(scalars, j, chunkEnd, openBrackets: openBrackets) {
                    scan.tokens.append(Token(kind: .emoji, start: 0, count: 0, hash: fnv(fnvStart, face), singleHash: 0,
                                             range: j..<next, clause: clause, sentenceStart: false, clauseStart: clauseStart,
                                             followedBy: 0, cyrillic: false))
                    j = next
                    continue
                }
                switch u {
                case "?", "\u{FF1F}", "\u{00BF}":
                    scan.questionMarks += 1
                    if let n = nextScalar(scalars, j, chunkEnd), n == "!" { scan.interrobang = true }
                    mark(&scan, 0x3F); clause += 1; sentenceStart = true; clauseStart = true
                case "!", "\u{00A1}":
                    scan.exclamationMarks += 1
                    if let n = nextScalar(scalars, j, chunkEnd), n == "?" { scan.interrobang = true }
                    mark(&scan, 0x21); clause += 1; sentenceStart = true; clauseStart = true
                case ".", "\u{2026}":
                    mark(&scan, u == "." ? 0x2E : 0x2026); clause += 1; sentenceStart = true; clauseStart = true
                case ",", ";", ":", "-", "\u{2013}", "\u{2014}", "/":
                    mark(&scan, u.value); clause += 1; clauseStart = true
                case "(": openBrackets += 1
                case ")": openBrackets = max(0, openBrackets - 1)
                case "$", "€", "£", "₽", "¥", "₿": scan.currencySigns += 1
                default: break
                }
                j = j + 1
            }
            i = chunkEnd
        }
        // The final mark: the last ?, ! or . after the last word.
        var k = scalars.count
        while k > 0 {
            k -= 1
            let u = scalars[k]
            if u == "?" || u == "\u{FF1F}" { scan.finalMark = 0x3F; break }
            if u == "!" { scan.finalMark = 0x21; break }
            if u == "." || u == "\u{2026}" { scan.finalMark = 0x2E; break }
            if isWordScalar(u) { break }
        }
        scan.source = text
        scan.offsets = offsets
        return scan
    }

    @inline(__always)
    static func mark(_ scan: inout Scan, _ value: UInt32) {
        if !scan.tokens.isEmpty, scan.tokens[scan.tokens.count - 1].followedBy == 0 {
            scan.tokens[scan.tokens.count - 1].followedBy = value
        }
    }

    @inline(__always)
    static func isSpace(_ u: Unicode.Scalar) -> Bool {
        let v = u.value
        if v < 0x80 { return v == 0x20 || (v >= 0x09 && v <= 0x0D) }
        return v == 0xA0 || v == 0x2028 || v == 0x2029 || v == 0x3000 || (v >= 0x2000 && v <= 0x200A) || v == 0x202F
    }

    @inline(__always)
    static func isLetterValue(_ v: UInt32) -> Bool {
        (v >= 0x61 && v <= 0x7A) || (v >= 0xC0 && v <= 0x24F)
    }

    @inline(__always)
    static func isLetter(_ u: Unicode.Scalar) -> Bool {
        let v = u.value
        if v < 0x80 { return (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A) }
        return u.properties.isAlphabetic
    }

    @inline(__always)
    static func isWordScalar(_ u: Unicode.Scalar) -> Bool {
        let v = u.value
        if v < 0x80 { return (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A) }
        // Latin letters with accents and Cyrillic, without asking the Unicode tables.
        if v >= 0xC0 && v <= 0x24F { return v != 0xD7 && v != 0xF7 }
        if v >= 0x400 && v <= 0x52F { return v < 0x482 || v > 0x489 }
        if v >= 0x2000 && v < 0x2E80 { return false }
        if v >= 0x1F000 { return false }
        return u.properties.isAlphabetic || u.properties.generalCategory == .nonspacingMark
    }

    @inline(__always)
    static func isEmoji(_ u: Unicode.Scalar) -> Bool {
        let v = u.value
        if v < 0x203C { return false }
        return u.properties.isEmoji
    }

    static func lower(_ u: Unicode.Scalar, _ scan: inout Scan) -> UInt32 {
        var v = u.value
        var upper = false
        switch v {
        case 0xC0...0xDE where v != 0xD7: v += 0x20; upper = true
        case 0xDF...0xFF: break
        case 0x100...0x137, 0x14A...0x177: if v & 1 == 0 { v += 1; upper = true }
        case 0x139...0x148, 0x179...0x17E: if v & 1 == 1 { v += 1; upper = true }
        case 0x410...0x42F: v += 0x20; upper = true
        case 0x400...0x40F: v += 0x50; upper = true
        case 0x430...0x45F: break
        default:
            if u.properties.changesWhenLowercased, let l = u.properties.lowercaseMapping.unicodeScalars.first {
                v = l.value
                upper = true
            }
        }
        if upper { scan.upperLetters += 1 }
        switch v {
        case 0x105, 0x107, 0x119, 0x142, 0x144, 0x15B, 0x17A, 0x17C: scan.polishLetters += 1
        case 0xE4, 0xF6, 0xFC, 0xDF: scan.germanLetters += 1
        default: break
        }
        return v
    }

    @inline(__always)
    static func nextScalar(_ s: [Unicode.Scalar], _ j: Int, _ end: Int) -> Unicode.Scalar? {
        j + 1 < end ? s[j + 1] : nil
    }

    static func nextIsWord(_ s: [Unicode.Scalar], _ j: Int, _ end: Int) -> Bool {
        guard let n = nextScalar(s, j, end) else { return false }
        return isWordScalar(n)
    }

    /// A smiling or sad face made of marks, as the emoji it stands for (🙂 or 🙁), and where it ends.
    static func emoticon(_ s: [Unicode.Scalar], _ j: Int, _ end: Int, openBrackets: Int) -> (UInt32, Int)? {
        let smile: UInt32 = 0x1F642, sad: UInt32 = 0x1F641, heart: UInt32 = 0x2764
        let u = s[j]
        if u == ":" || u == ";" || u == "=" {
            var k = j + 1
            if k < end, s[k] == "-" || s[k] == "'" { k = k + 1 }
            guard k < end else { return nil }
            var face: UInt32
            switch s[k] {
            case ")", "]", "D", "P", "p", "3", "*": face = smile
            case "(", "[", "/", "|": face = sad
            default: return nil
            }
            var n = k + 1
            while n < end, s[n] == s[k] { n = n + 1 }
            if s[k] == "D" || s[k] == "P" || s[k] == "p" || s[k] == "3" { face = smile }
            return (face, n)
        }
        if u == "<", let n = nextScalar(s, j, end), n == "3" { return (heart, j + 2) }
        if u == ")" || u == "(" {
            // `)))` smiles, `(((` is sad; one `)` smiles only when no bracket is open (`спасибо)`).
            var n = j + 1
            var run = 1
            while n < end, s[n] == u { n = n + 1; run += 1 }
            if u == ")" && (run >= 2 || openBrackets == 0) { return (smile, n) }
            if u == "(" && run >= 2 { return (sad, n) }
            return nil
        }
        return nil
    }

    enum Link { case plain, short }

    /// Whether a chunk is a link, and if so whether it is a shortener or messenger link; nil when it is no link.
    static func linkKind(_ chunk: ArraySlice<Unicode.Scalar>) -> Link? {
        // Most chunks are words: a link has a `.` or `:` followed by a letter or `/`.
        var candidate = false
        var previousMark = false
        for u in chunk {
            let v = u.value
            if previousMark && ((v >= 0x61 && v <= 0x7A) || (v >= 0x41 && v <= 0x5A) || v == 0x2F) { candidate = true; break }
            previousMark = v == 0x2E || v == 0x3A
        }
        guard candidate else { return nil }
        var lowered: [UInt8] = []
        lowered.reserveCapacity(32)
        for u in chunk {
            guard u.value < 0x80 else { lowered.append(0x80); continue }
            var b = UInt8(u.value)
            if b >= 0x41 && b <= 0x5A { b += 32 }
            lowered.append(b)
        }
        func has(_ s: String) -> Bool {
            let n = Array(s.utf8)
            guard n.count <= lowered.count else { return false }
            for k in 0...(lowered.count - n.count) where lowered[k] == n[0] {
                if lowered[k..<(k + n.count)].elementsEqual(n) { return true }
            }
            return false
        }
        let shorteners = ["bit.ly", "t.me/", "wa.me/", "tinyurl", "goo.gl", "cutt.ly", "is.gd", "linktr.ee", "shorturl", "clck.ru", "vk.cc"]
        if shorteners.contains(where: has) { return .short }
        if has("://") || lowered.starts(with: Array("www.".utf8)) { return .plain }
        // host.tld or host.tld/path
        guard let dot = lowered.lastIndex(of: 0x2E), dot > 0 else { return nil }
        let slash = lowered.firstIndex(of: 0x2F) ?? lowered.count
        let hostEnd = slash
        guard let tldDot = lowered[..<hostEnd].lastIndex(of: 0x2E), tldDot > 0, tldDot == dot || slash < lowered.count else { return nil }
        let tld = String(decoding: lowered[(tldDot + 1)..<hostEnd], as: UTF8.self)
        let tlds: Set<String> = ["com", "net", "org", "ru", "pl", "de", "nl", "ly", "me", "io", "co", "info", "biz", "xyz", "shop", "top", "click", "site", "online", "store", "app", "link", "uk", "eu", "be", "at", "ch", "by", "ua"]
        guard tlds.contains(tld), lowered[..<tldDot].allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x2E }) else { return nil }
        return .plain
    }
}
