/// Letter-trigram profiles of the Latin-script languages, built at start-up from each language's `sample` sentences
/// and `common` words; used when the words alone do not tell the language.
struct LanguageProfiles {
    /// Per language: log-probability of each trigram seen in its text.
    private var tables: [[UInt64: Float]]
    /// Per language: log-probability of a trigram never seen.
    private var unseen: [Float]

    init(texts: [[String]]) {
        tables = []
        unseen = []
        for lines in texts {
            var counts: [UInt64: Int] = [:]
            var total = 0
            for line in lines {
                let scan = Tokenizer.scan(line)
                for t in scan.tokens where t.kind == .word {
                    LanguageProfiles.trigrams(of: t, in: scan) { counts[$0, default: 0] += 1; total += 1 }
                }
            }
            let denominator = Float(total + counts.count + 1)
            tables.append(counts.mapValues { LanguageProfiles.logf(Float($0) + 1, denominator) })
            unseen.append(LanguageProfiles.logf(1, denominator) - 1)
        }
    }

    private static func logf(_ x: Float, _ d: Float) -> Float {
        // log(x / d) without Foundation.
        Float(naturalLog(Double(x) / Double(d)))
    }

    /// Trigrams of one word, padded with a boundary at each end (` ab`, `abc`, `bc `).
    @inline(__always)
    static func trigrams(of t: Token, in scan: Scan, _ body: (UInt64) -> Void) {
        let s = Int(t.start), n = Int(t.count)
        guard n > 0 else { return }
        var a: UInt32 = 0x20, b: UInt32 = scan.letters[s]
        for k in 1...n {
            let c: UInt32 = k < n ? scan.letters[s + k] : 0x20
            body(fnv(fnv(fnv(fnvStart, a), b), c))
            a = b; b = c
        }
    }

    /// The language among `candidates` (indexes) whose profile fits the words best, or nil when no candidate has a
    /// profile.
    func best(_ words: [Token], in scan: Scan, among candidates: [Int]) -> Int? {
        var scores = [Float](repeating: 0, count: tables.count)
        for t in words {
            LanguageProfiles.trigrams(of: t, in: scan) { key in
                for c in candidates where c < tables.count { scores[c] += tables[c][key] ?? unseen[c] }
            }
        }
        return candidates.filter { $0 < tables.count && !tables[$0].isEmpty }.max { scores[$0] < scores[$1] }
    }
}

/// Natural logarithm by argument reduction and the atanh series; precise enough for profile weights.
func naturalLog(_ x: Double) -> Double {
    guard x > 0 else { return -1e9 }
    var m = x
    var e = 0.0
    while m > 2 { m /= 2; e += 1 }
    while m < 1 { m *= 2; e -= 1 }
    let y = (m - 1) / (m + 1)
    let y2 = y * y
    var term = y
    var sum = 0.0
    var k = 1.0
    for _ in 0..<30 {
        sum += term / k
        term *= y2
        k += 2
    }
    return 2 * sum + e * 0.693_147_180_559_945_3
}
