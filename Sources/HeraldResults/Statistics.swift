import Foundation
import HeraldModel

/// Order statistics and a seeded bootstrap: the numbers behind "what worked".
public enum Statistics {
    /// The q-quantile (0…1) of sorted values by linear interpolation between order statistics (Hyndman & Fan type 7,
    /// the default of R and NumPy): position h = (n − 1)·q, value = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]).
    public static func quantile(sorted x: [Double], _ q: Double) -> Double? {
        guard !x.isEmpty else { return nil }
        let h = Double(x.count - 1) * q
        let lo = Int(h.rounded(.down)), hi = min(lo + 1, x.count - 1)
        return x[lo] + (h - Double(lo)) * (x[hi] - x[lo])
    }

    /// The median: the middle value, or the mean of the two middle values.
    public static func median(_ values: [Double]) -> Double? { quantile(sorted: values.sorted(), 0.5) }

    /// The interquartile range's ends (25th and 75th percentiles, type 7).
    public static func quartiles(_ values: [Double]) -> (q1: Double, q3: Double)? {
        let s = values.sorted()
        guard let a = quantile(sorted: s, 0.25), let b = quantile(sorted: s, 0.75) else { return nil }
        return (a, b)
    }

    /// Resamples in a bootstrap interval.
    public static let resamples = 2_000
    /// The seed used unless one is given: the same data always gives the same interval.
    public static let defaultSeed: UInt64 = 2027

    /// A 95 % percentile-bootstrap interval of the median: `resamples` samples of n values drawn with replacement
    /// (`SeededRandom`, SplitMix64, from `seed`), the median of each, and the 2.5th and 97.5th percentiles (type 7) of those medians.
    /// Nil for fewer than 2 values.
    public static func bootstrapMedianInterval(_ values: [Double], seed: UInt64 = defaultSeed, resamples: Int = resamples) -> (low: Double, high: Double)? {
        guard values.count >= 2, resamples > 0 else { return nil }
        var rng = SeededRandom(seed: seed)
        let n = values.count
        var sample = [Double](repeating: 0, count: n)
        var medians = [Double]()
        medians.reserveCapacity(resamples)
        for _ in 0..<resamples {
            for i in 0..<n { sample[i] = values[Int(rng.next() % UInt64(n))] }
            sample.sort()
            medians.append(quantile(sorted: sample, 0.5)!)
        }
        medians.sort()
        return (quantile(sorted: medians, 0.025)!, quantile(sorted: medians, 0.975)!)
    }
}
