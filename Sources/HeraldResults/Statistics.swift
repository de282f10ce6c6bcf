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
    ///
    /// Above `directAbove` values, each resample's median is drawn straight from its distribution instead of drawing n
    /// values and sorting them (a year of a large strategy has hundreds of groups of hundreds to tens of thousands of
    /// posts: 2,000 sorts of each took minutes). Drawing an index with replacement is ⌊n·U⌋ for a uniform U, so the k-th smallest index drawn is
    /// ⌊n·U₍ₖ₎⌋ with U₍ₖ₎, the k-th smallest of n uniforms, Beta(k, n − k + 1)-distributed; the next one up is U₍ₖ₎ plus
    /// the smallest of the n − k uniforms above it. The same distribution of medians, in constant time a resample.
    public static func bootstrapMedianInterval(_ values: [Double], seed: UInt64 = defaultSeed, resamples: Int = resamples,
                                               directAbove: Int = directAbove) -> (low: Double, high: Double)? {
        guard values.count >= 2, resamples > 0 else { return nil }
        var rng = SeededRandom(seed: seed)
        let n = values.count
        var medians = [Double]()
        medians.reserveCapacity(resamples)
        if n > directAbove {
            let sorted = values.sorted()
            // Type 7's median: the k-th smallest (1-based), or the mean of the k-th and the next for an even n.
            let k = (n - 1) / 2 + 1, even = n % 2 == 0
            for _ in 0..<resamples {
                let u = beta(Double(k), Double(n - k + 1), &rng)
                var m = sorted[min(n - 1, Int(u * Double(n)))]
                if even {
                    let next = u + (1 - u) * (1 - pow(uniform(&rng), 1 / Double(n - k)))
                    m = (m + sorted[min(n - 1, Int(next * Double(n)))]) / 2
                }
                medians.append(m)
            }
        } else {
            var sample = [Double](repeating: 0, count: n)
            for _ in 0..<resamples {
                for i in 0..<n { sample[i] = values[Int(rng.next() % UInt64(n))] }
                sample.sort()
                medians.append(quantile(sorted: sample, 0.5)!)
            }
        }
        medians.sort()
        return (quantile(sorted: medians, 0.025)!, quantile(sorted: medians, 0.975)!)
    }

    /// Groups larger than this draw each resample's median directly (see `bootstrapMedianInterval`).
    public static let directAbove = 100

    /// A uniform number in (0, 1): 53 random bits, never 0.
    static func uniform(_ rng: inout SeededRandom) -> Double { (Double(rng.next() >> 11) + 0.5) / 9_007_199_254_740_992 }

    /// A standard normal number (Box–Muller).
    static func normal(_ rng: inout SeededRandom) -> Double {
        sqrt(-2 * log(uniform(&rng))) * cos(2 * Double.pi * uniform(&rng))
    }

    /// A Gamma(a, 1) number for a ≥ 1 (Marsaglia and Tsang's method).
    static func gamma(_ a: Double, _ rng: inout SeededRandom) -> Double {
        let d = a - 1.0 / 3, c = 1 / sqrt(9 * d)
        while true {
            let x = normal(&rng)
            let v = pow(1 + c * x, 3)
            guard v > 0 else { continue }
            if log(uniform(&rng)) < 0.5 * x * x + d - d * v + d * log(v) { return d * v }
        }
    }

    /// A Beta(a, b) number for a, b ≥ 1.
    static func beta(_ a: Double, _ b: Double, _ rng: inout SeededRandom) -> Double {
        let x = gamma(a, &rng), y = gamma(b, &rng)
        return x / (x + y)
    }
}
