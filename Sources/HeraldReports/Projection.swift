import Foundation
import HeraldModel

/// Whether a metric is heading for its target by its deadline.
public enum TrackStatus: String, Sendable, Codable, CaseIterable {
    case onTrack = "on-track"
    case atRisk = "at-risk"
    case offTrack = "off-track"
    case noData = "no-data"

    public var label: String {
        switch self {
        case .onTrack: "on track"
        case .atRisk: "at risk"
        case .offTrack: "off track"
        case .noData: "no data yet"
        }
    }

    /// The colour used for the status in HTML.
    var color: String {
        switch self {
        case .onTrack: "#15803d"
        case .atRisk: "#b45309"
        case .offTrack: "#b91c1c"
        case .noData: "#6b7280"
        }
    }
}

/// A metric's projection to its deadline and the status it gives.
public struct ProjectionResult: Sendable, Codable, Equatable {
    public var status: TrackStatus
    /// The value the trend reaches on the deadline (nil without readings).
    public var projected: Double?
    /// How much of the way from baseline to target the projection covers (1 = reaches the target).
    public var progress: Double?
    /// The trend's change per day (nil with fewer than two readings).
    public var slopePerDay: Double?
    /// What the status rests on, in words.
    public var basis: String
}

/// The on-track rule, stated once here and printed in every report.
///
/// With two or more readings from the period's start to the deadline, a least-squares straight line through
/// (day, value) is projected to the deadline; with one reading, the straight line from the baseline at the period's
/// start through that reading is. The projection's progress is how far it gets from baseline to target, counted in the
/// metric's direction (for a metric that should go down, falling is progress). On track: progress ≥ 1 (or the latest
/// reading has already reached the target); at risk: progress ≥ ½; off track: less.
public enum Projection {
    /// Progress at or above this is on track.
    public static let onTrackProgress = 1.0
    /// Progress at or above this (and below on track) is at risk.
    public static let atRiskProgress = 0.5

    public static func rule(start: LocalDate) -> String {
        "Status rule: with two or more readings between \(start.iso) (the period's start) and a metric's deadline, Herald fits a least-squares straight line through them and projects it to the deadline; with one reading, it extends the straight line from the baseline on \(start.iso) through that reading. Progress is how much of the way from baseline to target the projection covers, counted in the metric's direction (for a metric that should go down, such as response time, falling is progress). On track: the projection reaches the target (progress ≥ 100%), or the latest reading already has. At risk: progress of at least 50%. Off track: less than 50%. No data: no reading yet."
    }

    /// Evaluates a metric against its readings (the metric as a whole, any order). `start` is where the planned path
    /// begins at the baseline: the period's first day.
    public static func evaluate(_ metric: Metric, readings: [(date: LocalDate, value: Double)], start: LocalDate) -> ProjectionResult {
        let result = fit(metric, readings: readings, start: start)
        // Readings far apart in size (a stored 1e308 beside -1e308, from before such values were refused) can overflow
        // the fit. A report never fails on stored data: such a trend is not projected.
        guard [result.projected, result.progress, result.slopePerDay].allSatisfy({ $0?.isFinite ?? true }) else {
            return ProjectionResult(status: result.status == .onTrack && result.basis.contains("has reached") ? .onTrack : .noData,
                                    projected: nil, progress: nil, slopePerDay: nil,
                                    basis: "the readings are too large to project; check them with `herald metrics list \(metric.id)`")
        }
        return result
    }

    static func fit(_ metric: Metric, readings: [(date: LocalDate, value: Double)], start: LocalDate) -> ProjectionResult {
        let points = Dictionary(readings.filter { $0.date >= start && $0.date <= metric.deadline && $0.value.isFinite }.map { ($0.date, $0.value) },
                                uniquingKeysWith: { _, b in b })
            .sorted { $0.key < $1.key }
        guard let latest = points.last else {
            return ProjectionResult(status: .noData, projected: nil, progress: nil, slopePerDay: nil, basis: "no reading since \(start.iso)")
        }
        let gap = metric.target - metric.baseline
        func reached(_ v: Double) -> Bool { metric.direction == .up ? v >= metric.target : v <= metric.target }
        func progress(_ v: Double) -> Double {
            if gap == 0 { return reached(v) ? 1 : 0 }
            return (v - metric.baseline) / gap
        }
        func status(_ p: Double) -> TrackStatus { p >= onTrackProgress ? .onTrack : p >= atRiskProgress ? .atRisk : .offTrack }
        let total = Double(start.days(to: metric.deadline))
        if points.count >= 2 {
            let xs = points.map { Double(start.days(to: $0.key)) }, ys = points.map(\.value)
            let mx = xs.reduce(0, +) / Double(xs.count), my = ys.reduce(0, +) / Double(ys.count)
            let sxx = zip(xs, xs).map { ($0 - mx) * ($1 - mx) }.reduce(0, +)
            let sxy = zip(xs, ys).map { ($0 - mx) * ($1 - my) }.reduce(0, +)
            let slope = sxx == 0 ? 0 : sxy / sxx
            let projected = my + slope * (total - mx)
            let p = progress(projected)
            if reached(latest.value) {
                return ProjectionResult(status: .onTrack, projected: projected, progress: max(p, 1), slopePerDay: slope,
                                        basis: "the latest reading (\(latest.key.iso)) has reached the target")
            }
            return ProjectionResult(status: status(p), projected: projected, progress: p, slopePerDay: slope,
                                    basis: "trend of \(points.count) readings projected to \(metric.deadline.iso)")
        }
        let elapsed = Double(max(1, start.days(to: latest.key)))
        let projected = metric.baseline + (latest.value - metric.baseline) * max(total, elapsed) / elapsed
        let p = progress(projected)
        if reached(latest.value) {
            return ProjectionResult(status: .onTrack, projected: projected, progress: max(p, 1), slopePerDay: nil,
                                    basis: "the only reading (\(latest.key.iso)) has reached the target")
        }
        return ProjectionResult(status: status(p), projected: projected, progress: p, slopePerDay: nil,
                                basis: "one reading (\(latest.key.iso)) against the straight path from baseline to target")
    }
}
