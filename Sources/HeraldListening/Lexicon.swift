/// The word lists compiled into one hash index: every word and phrase of every language, every emoji and every topic
/// keyword, looked up by the 64-bit hash of a token (or of its first letters, for `stem*` entries).

/// What a match means.
enum Meaning: Equatable {
    case role(WordRole)
    case topic(Int)
}

struct Entry {
    var meaning: Meaning
    /// Index into `ListeningSorter.languages`, or -1 for every language (emojis, topics).
    var language: Int8
    var weight: Int8
}

struct Key: Equatable {
    var hash: UInt64
    /// 0: the whole token; L > 0: the token's first L letters (`stem*`).
    var prefix: Int32
}

struct Pattern {
    var keys: [Key]
    var entry: Entry
}

/// A pattern found at a token: which pattern and how many tokens it covers.
struct Match {
    var pattern: Int32
    var length: Int32
}

struct Lexicon {
    private(set) var patterns: [Pattern] = []
    /// Patterns by the key of their first token.
    private var index = HashIndex()
    /// Which prefix lengths some `stem*` entry uses (bit L set for length L), so a token tries only those.
    private var prefixLengths: UInt64 = 0

    /// Makes the entries added so far findable; call once after the last `add`.
    mutating func seal() { index.seal() }

    /// Adds `text` (a word, a phrase, or words ending in `*`) with its meaning; false when it holds no word.
    @discardableResult
    mutating func add(_ text: String, _ entry: Entry, fold: Bool = false) -> Bool {
        guard let keys = Lexicon.keys(text) else { return false }
        insert(keys, entry)
        if fold {
            let folded = Lexicon.foldPolish(text)
            if folded != text, let k = Lexicon.keys(folded) { insert(k, entry) }
        }
        return true
    }

    private mutating func insert(_ keys: [Key], _ entry: Entry) {
        let id = Int32(patterns.count)
        patterns.append(Pattern(keys: keys, entry: entry))
        index.append(id, to: keys[0].hash)
        for k in keys where k.prefix > 0 && k.prefix < 64 { prefixLengths |= 1 << UInt64(k.prefix) }
    }

    /// The keys of an entry's words, or nil when it has none.
    static func keys(_ text: String) -> [Key]? {
        var keys: [Key] = []
        for part in text.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
            let stem = part.hasSuffix("*")
            let word = stem ? String(part.dropLast()) : String(part)
            let scan = Tokenizer.scan(word)
            for (n, t) in scan.tokens.enumerated() where t.kind != .url {
                let last = n == scan.tokens.count - 1
                keys.append(Key(hash: t.hash, prefix: stem && last && t.kind != .emoji ? t.count : 0))
            }
        }
        return keys.isEmpty ? nil : keys
    }

    /// Polish words as people type them without Polish letters (`źle` → `zle`).
    static func foldPolish(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for u in text.unicodeScalars {
            switch u {
            case "ą": out.append("a")
            case "ć": out.append("c")
            case "ę": out.append("e")
            case "ł": out.append("l")
            case "ń": out.append("n")
            case "ó": out.append("o")
            case "ś": out.append("s")
            case "ź", "ż": out.append("z")
            default: out.append(u)
            }
        }
        return String(out)
    }

    /// Whether `key` matches token `t`.
    @inline(__always)
    func matches(_ key: Key, _ t: Token, _ scan: Scan) -> Bool {
        guard t.kind == .word || t.kind == .emoji || t.kind == .number else { return false }
        if key.prefix == 0 { return t.hash == key.hash || (t.singleHash != 0 && t.singleHash == key.hash) }
        guard t.count >= key.prefix else { return false }
        var h = fnvStart
        let s = Int(t.start)
        for n in 0..<Int(key.prefix) { h = fnv(h, scan.letters[s + n]) }
        return h == key.hash
    }

    /// Every pattern that starts at token `i`, appended to `out`.
    func find(at i: Int, in scan: Scan, into out: inout [Match]) {
        let t = scan.tokens[i]
        guard t.kind == .word || t.kind == .emoji || t.kind == .number else { return }
        if let ids = index[t.hash] { collect(ids, i, scan, &out) }
        if t.singleHash != 0, let ids = index[t.singleHash] { collect(ids, i, scan, &out) }
        guard t.kind == .word, prefixLengths != 0 else { return }
        var h = fnvStart
        let s = Int(t.start)
        let n = Int(t.count)
        for l in 0..<(n - 1) {
            h = fnv(h, scan.letters[s + l])
            let length = l + 1
            if length < 64, prefixLengths & (1 << UInt64(length)) != 0, let ids = index[h] { collect(ids, i, scan, &out) }
        }
    }

    private func collect(_ ids: ArraySlice<Int32>, _ i: Int, _ scan: Scan, _ out: inout [Match]) {
        let tokens = scan.tokens
        next: for id in ids {
            let p = patterns[Int(id)]
            guard matches(p.keys[0], tokens[i], scan) else { continue }
            // A whole-token hit and a prefix hit of the same length are the same hit; count it once.
            if p.keys[0].prefix != 0 && Int(p.keys[0].prefix) == Int(tokens[i].count) && out.contains(where: { $0.pattern == id }) { continue }
            var k = i
            for key in p.keys.dropFirst() {
                k += 1
                // Mentions and links do not break a phrase, but punctuation between clauses does.
                while k < tokens.count, tokens[k].kind == .mention { k += 1 }
                guard k < tokens.count, tokens[k].clause == tokens[i].clause || p.entry.meaning == .role(.spam),
                      matches(key, tokens[k], scan) else { continue next }
            }
            out.append(Match(pattern: id, length: Int32(k - i + 1)))
        }
    }
}

/// A hash table from 64-bit keys (already well-mixed FNV hashes) to lists of pattern ids: open addressing, linear
/// probing, no re-hashing of the key. Built once; looked up for every token.
struct HashIndex {
    private var keys: [UInt64] = []
    private var slots: [Int32] = []  // per bucket: index into `lists`, -1 when empty
    private var lists: [[Int32]] = []
    private var flat: [Int32] = []
    private var ranges: [Range<Int>] = []
    private var mask = 0

    mutating func append(_ id: Int32, to key: UInt64) {
        if let b = bucket(key), slots[b] >= 0 {
            lists[Int(slots[b])].append(id)
        } else {
            if (lists.count + 1) * 2 > keys.count { grow() }
            var b = Int(truncatingIfNeeded: key ^ (key >> 29)) & mask
            while slots[b] >= 0 { b = (b + 1) & mask }
            keys[b] = key
            slots[b] = Int32(lists.count)
            lists.append([id])
        }
    }

    /// Lays the lists out in one array, so lookups hand out slices without an inner array per list. Call after the
    /// last `append`.
    mutating func seal() {
        flat = []
        ranges = []
        for l in lists {
            ranges.append(flat.count..<(flat.count + l.count))
            flat.append(contentsOf: l)
        }
    }

    subscript(key: UInt64) -> ArraySlice<Int32>? {
        guard let b = bucket(key), slots[b] >= 0, Int(slots[b]) < ranges.count else { return nil }
        return flat[ranges[Int(slots[b])]]
    }

    @inline(__always)
    private func bucket(_ key: UInt64) -> Int? {
        guard !keys.isEmpty else { return nil }
        var b = Int(truncatingIfNeeded: key ^ (key >> 29)) & mask
        while slots[b] >= 0 {
            if keys[b] == key { return b }
            b = (b + 1) & mask
        }
        return b
    }

    private mutating func grow() {
        let capacity = max(64, keys.count * 2)
        let old = zip(keys, slots).filter { $0.1 >= 0 }
        keys = [UInt64](repeating: 0, count: capacity)
        slots = [Int32](repeating: -1, count: capacity)
        mask = capacity - 1
        for (k, s) in old {
            var b = Int(truncatingIfNeeded: k ^ (k >> 29)) & mask
            while slots[b] >= 0 { b = (b + 1) & mask }
            keys[b] = k
            slots[b] = s
        }
    }
}
