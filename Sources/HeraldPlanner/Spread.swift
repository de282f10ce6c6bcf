import Foundation

/// How evenly a channel's regular kinds are spread over the period, and the search that makes it as even as the slots
/// allow (issue 21, part 3).
///
/// The measure. A kind's gaps are the times between its consecutive posts, plus twice the time from the period's start
/// to its first post and twice the time from its last post to the period's end (so `n` posts one every `L / n`, the first
/// half an interval in, have every gap `L / n`). Its *spread score* is its largest gap. A plan's spread is the kinds'
/// scores sorted from worst to best; one spread is better than another when it is smaller in the first place they differ
/// (the kind with the longest gap as even as possible, then the next, …: lexicographic minimax).
///
/// The number of posts of each kind is fixed beforehand (the mix), and campaign and kept posts stay where they are:
/// only which free slot gets which regular kind is chosen.
struct SpreadSearch {
    /// Free slots, as seconds from the period's start, in time order.
    let free: [Double]
    /// Posts whose kind is given (kept and re-planned regular posts), as (seconds from the start, kind index).
    let fixed: [(at: Double, kind: Int)]
    /// How many free slots each kind gets.
    let counts: [Int]
    /// The period's length in seconds.
    let span: Double
    /// Search steps allowed: the search is exact when it ends within them, and keeps the best spread found otherwise.
    var budget = 20_000
    /// Channels with more free slots than this keep the greedy allocation (see `allocateKinds`).
    static let largestSearched = 150

    /// Kind scores, worst first, of `kinds` (one kind index per free slot).
    func spread(_ kinds: [Int]) -> [Double] {
        var times = [[Double]](repeating: [], count: counts.count)
        for f in fixed { times[f.kind].append(f.at) }
        for (t, k) in zip(free, kinds) { times[k].append(t) }
        return times.compactMap { Self.score($0.sorted(), span: span) }.sorted(by: >)
    }

    /// One kind's spread score from its post times in order (nil without posts).
    static func score(_ times: [Double], span: Double) -> Double? {
        guard let first = times.first, let last = times.last else { return nil }
        var worst = max(2 * first, 2 * (span - last))
        for (a, b) in zip(times, times.dropFirst()) { worst = max(worst, b - a) }
        return worst
    }

    /// Whether spread `a` is better than `b` (smaller where they first differ, beyond rounding).
    static func better(_ a: [Double], _ b: [Double]) -> Bool {
        for (x, y) in zip(a, b) where abs(x - y) > 1e-3 { return x < y }
        return false
    }

    /// The best assignment found starting from `initial` (which it only replaces with a strictly better one), and
    /// whether the search was exhaustive.
    ///
    /// A depth-first branch and bound over the events (free slots and fixed posts) in time order. Its bound: for each
    /// kind, the smallest score it could still get if it had every remaining free slot to itself (worked out exactly,
    /// slot by slot, from a table made once), sorted worst first and compared with the best spread found. A state seen
    /// before (same event, same last post and same number of posts left for every kind) whose bound was at least as
    /// good in every kind is not searched again. Every array is made before the search: a step allocates nothing.
    func best(from initial: [Int]) -> (kinds: [Int], exact: Bool) {
        let k = counts.count
        guard free.count > 1, k > 1 else { return (initial, true) }
        // Events in time order: free slots (kind -1) and fixed posts.
        var events: [(at: Double, kind: Int)] = free.map { ($0, -1) } + fixed
        events.sort { $0.at != $1.at ? $0.at < $1.at : $0.kind < $1.kind }
        let n = events.count
        let at = events.map(\.at), kindOf = events.map(\.kind)
        // nextFixed[j * (n + 1) + e]: the first fixed post of kind j at or after event e (n: none).
        var nextFixed = [Int](repeating: n, count: k * (n + 1))
        var total = counts
        for e in stride(from: n - 1, through: 0, by: -1) {
            for j in 0..<k { nextFixed[j * (n + 1) + e] = nextFixed[j * (n + 1) + e + 1] }
            if kindOf[e] >= 0 { nextFixed[kindOf[e] * (n + 1) + e] = e; total[kindOf[e]] += 1 }
        }
        // tail[j][e * (counts[j] + 1) + r]: the smallest largest gap kind j can have from its post at event e to the
        // period's end, taking r more free slots after e (and every later fixed post of its kind), with every free slot
        // to itself; .infinity when too few are left.
        var tail: [[Double]] = []
        for j in 0..<k {
            let width = counts[j] + 1
            var table = [Double](repeating: .infinity, count: n * width)
            for e in stride(from: n - 1, through: 0, by: -1) where kindOf[e] < 0 || kindOf[e] == j {
                let f = nextFixed[j * (n + 1) + e + 1]
                for r in 0..<width {
                    var b = Double.infinity
                    if f < n { b = max(at[f] - at[e], table[f * width + r]) } else if r == 0 { b = 2 * (span - at[e]) }
                    if r > 0 {
                        var s = e + 1
                        while s < f, at[s] - at[e] < b {
                            if kindOf[s] < 0 { b = min(b, max(at[s] - at[e], table[s * width + r - 1])) }
                            s += 1
                        }
                    }
                    table[e * width + r] = b
                }
            }
            tail.append(table)
        }

        var bestKinds = initial
        var bestSpread = spread(initial)
        var last = [Int](repeating: -1, count: k)       // event of each kind's last post so far
        var closed = [Double](repeating: 0, count: k)   // each kind's largest gap so far
        var left = counts
        var chosen = [Int](repeating: 0, count: free.count)
        var placed = 0
        // Bound buffers, one row of k per event (the recursion's depth): unsorted per kind, and sorted worst first.
        var bound = [Double](repeating: 0, count: k * (n + 1))
        var sorted = [Double](repeating: 0, count: k)
        var order = [Int](repeating: 0, count: k * (n + 1))
        var urgency = [Double](repeating: 0, count: k)
        var steps = 0
        var cut = false
        // States already searched, packed into 128 bits (event, each kind's last event and posts left; 11 bits each),
        // with their bounds in one pool as linked lists. Without room to pack them the search runs without this memory.
        let packable = 1 + 2 * k <= 11 && n < 2_047 && counts.allSatisfy { $0 < 2_047 }
        struct Key: Hashable { var a: UInt64; var b: UInt64 }
        var seen: [Key: Int] = [:]
        var pool: [Double] = []
        var poolNext: [Int] = []
        if packable { seen.reserveCapacity(4_096); pool.reserveCapacity(4_096 * k); poolNext.reserveCapacity(4_096) }
        let ideal = total.map { span / Double(max($0, 1)) }

        /// Fills row `e` of `bound` (each kind's lower bound, events before `e` decided) and `sorted` (worst first, the
        /// kinds with posts only); returns how many kinds `sorted` holds.
        func fillBounds(_ e: Int) -> Int {
            var m = 0
            for j in 0..<k {
                let width = counts[j] + 1
                var b = Double.infinity
                if total[j] == 0 { bound[e * k + j] = 0; continue }
                let l = last[j] >= 0 ? at[last[j]] : 0
                // The gap before the next post at time x: from the last post, or twice from the period's start.
                let mul: Double = last[j] >= 0 ? 1 : 2, base = last[j] >= 0 ? l : 0
                let f = nextFixed[j * (n + 1) + e]
                let more = left[j]
                if f < n { b = max(mul * at[f] - base, tail[j][f * width + more]) } else if more == 0 { b = last[j] >= 0 ? 2 * (span - l) : 0 }
                if more > 0 {
                    var s = e
                    while s < f, mul * at[s] - base < b {
                        if kindOf[s] < 0 { b = min(b, max(mul * at[s] - base, tail[j][s * width + more - 1])) }
                        s += 1
                    }
                }
                b = max(b, closed[j])
                bound[e * k + j] = b
                // Insert into `sorted`, worst first.
                var i = m
                while i > 0, sorted[i - 1] < b { sorted[i] = sorted[i - 1]; i -= 1 }
                sorted[i] = b
                m += 1
            }
            return m
        }

        func betterThanBest(_ m: Int) -> Bool {
            for i in 0..<min(m, bestSpread.count) where abs(sorted[i] - bestSpread[i]) > 1e-3 { return sorted[i] < bestSpread[i] }
            return false
        }

        func go(_ e: Int) {
            if cut { return }
            steps += 1
            if steps > budget { cut = true; return }
            let m = fillBounds(e)
            guard betterThanBest(m) else { return }
            if e == n {
                bestKinds = chosen
                bestSpread = spread(chosen)
                return
            }
            if packable, e > 0 {
                var key = Key(a: UInt64(e), b: 0)
                var shift: UInt64 = 11
                func put(_ v: Int) {
                    let x = UInt64(v + 1)
                    if shift < 64 {
                        key.a |= x << shift
                        if shift + 11 > 64 { key.b |= x >> (64 - shift) }
                    } else { key.b |= x << (shift - 64) }
                    shift += 11
                }
                for j in 0..<k { put(last[j]); put(left[j]) }
                var entry = seen[key] ?? -1
                let head = entry
                while entry >= 0 {
                    var dominated = true
                    for j in 0..<k where pool[entry * k + j] > bound[e * k + j] + 1e-6 { dominated = false; break }
                    if dominated { return }
                    entry = poolNext[entry]
                }
                for j in 0..<k { pool.append(bound[e * k + j]) }
                poolNext.append(head)
                seen[key] = poolNext.count - 1
            }
            let fixedKind = kindOf[e]
            if fixedKind >= 0 {
                let saved = (last[fixedKind], closed[fixedKind])
                closed[fixedKind] = max(closed[fixedKind], saved.0 >= 0 ? at[e] - at[saved.0] : 2 * at[e])
                last[fixedKind] = e
                go(e + 1)
                (last[fixedKind], closed[fixedKind]) = saved
                return
            }
            // The kind longest without a post for its interval first, as the greedy allocation does.
            let t = at[e]
            var count = 0
            for j in 0..<k where left[j] > 0 {
                let u = (t - (last[j] >= 0 ? at[last[j]] : -ideal[j] / 2)) / ideal[j]
                var i = count
                while i > 0, urgency[i - 1] < u - 1e-9 {
                    urgency[i] = urgency[i - 1]; order[e * k + i] = order[e * k + i - 1]; i -= 1
                }
                urgency[i] = u
                order[e * k + i] = j
                count += 1
            }
            for i in 0..<count {
                let j = order[e * k + i]
                let saved = (last[j], closed[j])
                closed[j] = max(closed[j], saved.0 >= 0 ? t - at[saved.0] : 2 * t)
                last[j] = e
                left[j] -= 1
                chosen[placed] = j
                placed += 1
                go(e + 1)
                placed -= 1
                left[j] += 1
                (last[j], closed[j]) = saved
                if cut { return }
            }
        }
        go(0)
        return (bestKinds, !cut)
    }
}
