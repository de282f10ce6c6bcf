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
    func best(from initial: [Int]) -> (kinds: [Int], exact: Bool) {
        let k = counts.count
        guard free.count > 1, k > 1 else { return (initial, true) }
        // Events in time order: free slots (kind -1) and fixed posts.
        var events: [(at: Double, kind: Int)] = free.map { ($0, -1) } + fixed
        events.sort { $0.at != $1.at ? $0.at < $1.at : $0.kind < $1.kind }
        // Fixed posts of each kind from each event on.
        var fixedAfter = [[Int]](repeating: [Int](repeating: 0, count: k), count: events.count + 1)
        for e in stride(from: events.count - 1, through: 0, by: -1) {
            fixedAfter[e] = fixedAfter[e + 1]
            if events[e].kind >= 0 { fixedAfter[e][events[e].kind] += 1 }
        }
        let total = (0..<k).map { counts[$0] + fixedAfter[0][$0] }
        let ideal = total.map { span / Double(max($0, 1)) }
        var bestKinds = initial
        var bestSpread = spread(initial)
        var last = [Double?](repeating: nil, count: k)
        var closed = [Double](repeating: 0, count: k)
        var left = counts
        var chosen: [Int] = []
        chosen.reserveCapacity(free.count)
        var steps = 0
        var cut = false
        // States already searched: where each kind's last post is and how many free slots each still gets decide the
        // rest; a state reached again with every kind's closed gaps at least as large as before cannot do better.
        struct State: Hashable { var event: Int; var last: [Int]; var left: [Int] }
        var seen: [State: [[Double]]] = [:]
        var lastEvent = [Int](repeating: -1, count: k)

        /// Lower bounds of every kind's score at event `e` (the events before it done), worst first.
        func bounds(_ e: Int) -> [Double] {
            let now = e < events.count ? events[e].at : span
            var out: [Double] = []
            out.reserveCapacity(k)
            for j in 0..<k where total[j] > 0 {
                let more = left[j] + fixedAfter[e][j]
                var b = closed[j]
                if let l = last[j] {
                    if more == 0 { b = max(b, 2 * (span - l)) } else {
                        b = max(b, now - l, (span - l) / (Double(more) + 0.5))
                    }
                } else {
                    b = max(b, 2 * now, span / Double(more))
                }
                out.append(b)
            }
            return out.sorted(by: >)
        }

        func place(_ j: Int, at e: Int) {
            let t = events[e].at
            if let l = last[j] { closed[j] = max(closed[j], t - l) } else { closed[j] = 2 * t }
            last[j] = t
            lastEvent[j] = e
        }

        func go(_ e: Int) {
            if cut { return }
            steps += 1
            if steps > budget { cut = true; return }
            guard Self.better(bounds(e), bestSpread) else { return }
            if e < events.count, e > 0 {
                let state = State(event: e, last: lastEvent, left: left)
                if let earlier = seen[state], earlier.contains(where: { old in zip(old, closed).allSatisfy { $0 <= $1 + 1e-6 } }) {
                    return
                }
                seen[state, default: []].append(closed)
            }
            if e == events.count {
                bestSpread = spread(chosen)
                bestKinds = chosen
                return
            }
            let (t, fixedKind) = events[e]
            if fixedKind >= 0 {
                let saved = (last[fixedKind], closed[fixedKind], lastEvent[fixedKind])
                place(fixedKind, at: e)
                go(e + 1)
                (last[fixedKind], closed[fixedKind], lastEvent[fixedKind]) = saved
                return
            }
            // The kind longest without a post for its interval first, as the greedy allocation does.
            let order = (0..<k).filter { left[$0] > 0 }.sorted { a, b in
                let ua = (t - (last[a] ?? -ideal[a] / 2)) / ideal[a], ub = (t - (last[b] ?? -ideal[b] / 2)) / ideal[b]
                return abs(ua - ub) > 1e-9 ? ua > ub : a < b
            }
            for j in order {
                let saved = (last[j], closed[j], lastEvent[j])
                place(j, at: e)
                left[j] -= 1
                chosen.append(j)
                go(e + 1)
                chosen.removeLast()
                left[j] += 1
                (last[j], closed[j], lastEvent[j]) = saved
                if cut { return }
            }
        }
        go(0)
        return (bestKinds, !cut)
    }
}
