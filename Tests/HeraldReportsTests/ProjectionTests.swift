import Foundation
import HeraldModel
import HeraldReports
import Testing

@Suite struct ProjectionTests {
    static let start = LocalDate(iso: "2027-01-01")!

    /// A metric whose deadline is `days` after the start.
    func metric(baseline: Double, target: Double, _ direction: Direction, days: Int = 100) -> Metric {
        Metric(id: "m", name: "M", unit: "", baseline: baseline, target: target, direction: direction,
               deadline: Self.start.adding(days: days), measuredBy: "test")
    }

    func readings(_ pairs: [(Int, Double)]) -> [(date: LocalDate, value: Double)] {
        pairs.map { (Self.start.adding(days: $0.0), $0.1) }
    }

    func status(_ m: Metric, _ pairs: [(Int, Double)]) -> ProjectionResult {
        Projection.evaluate(m, readings: readings(pairs), start: Self.start)
    }

    @Test func aRisingMetricProjectsItsTrend() {
        let up = metric(baseline: 0, target: 100, .up)
        let on = status(up, [(10, 10), (20, 20)])
        #expect(on.status == .onTrack)
        #expect(abs(on.projected! - 100) < 1e-9)
        #expect(abs(on.slopePerDay! - 1) < 1e-9)
        #expect(status(up, [(10, 6), (20, 12)]).status == .atRisk)      // 60 by the deadline: 60% of the way
        #expect(status(up, [(10, 2), (20, 4), (30, 6)]).status == .offTrack)  // 20: 20%
        #expect(status(up, [(10, 20), (20, 10)]).status == .offTrack)   // falling: the wrong way
        #expect(status(up, [(10, 9.9), (20, 19.8)]).status == .atRisk)  // 99: just short
    }

    @Test func aFallingMetricCountsFallingAsProgress() {
        // Response time: 10 hours down to 0 by day 100.
        let down = metric(baseline: 10, target: 0, .down)
        #expect(status(down, [(10, 9), (20, 8)]).status == .onTrack)
        #expect(status(down, [(10, 9), (20, 8.5), (30, 8)]).status == .atRisk)  // projects 4.5: 55% of the way
        #expect(status(down, [(10, 11), (20, 12)]).status == .offTrack)   // rising: the wrong way
        let r = status(down, [(10, 9.6), (20, 9.2)])
        #expect(r.status == .offTrack)  // projects 6: 40% of the way
        #expect(abs(r.projected! - 6) < 1e-9)
        #expect(abs(r.progress! - 0.4) < 1e-9)  // (6 - 10) / (0 - 10)
    }

    @Test func oneReadingIsComparedWithThePathFromBaselineToTarget() {
        let up = metric(baseline: 0, target: 100, .up)
        #expect(status(up, [(50, 50)]).status == .onTrack)     // exactly on the path
        #expect(status(up, [(50, 30)]).status == .atRisk)      // 60% of where it should be
        #expect(status(up, [(50, 20)]).status == .offTrack)    // 40%
        let down = metric(baseline: 9, target: 2, .down, days: 58)
        #expect(status(down, [(29, 5.5)]).status == .onTrack)  // halfway in time, halfway down
        #expect(status(down, [(29, 7)]).status == .atRisk)     // 2 of the 3.5 hours it should have come down: 57%
        #expect(status(down, [(29, 8.5)]).status == .offTrack) // 0.5 of 3.5: 14%
        #expect(status(up, [(50, 20)]).basis.contains("one reading"))
    }

    @Test func reachingTheTargetIsOnTrackWhateverTheTrend() {
        let up = metric(baseline: 0, target: 100, .up)
        let r = status(up, [(10, 120), (20, 100)])
        #expect(r.status == .onTrack)
        #expect(r.basis.contains("has reached the target"))
        let down = metric(baseline: 10, target: 2, .down)
        #expect(status(down, [(80, 1.5)]).status == .onTrack)
    }

    @Test func readingsOutsideTheWindowDoNotCount() {
        let up = metric(baseline: 0, target: 100, .up)
        #expect(status(up, []).status == .noData)
        #expect(status(up, [(-5, 50)]).status == .noData)          // before the period's start
        #expect(status(up, [(50, 50), (150, 0)]).status == .onTrack)  // after the deadline: ignored
    }

    @Test func theRuleIsStatedInWords() {
        let rule = Projection.rule(start: Self.start)
        for fragment in ["least-squares", "2027-01-01", "On track", "At risk: progress of at least 50%", "Off track", "go down", "response time"] {
            #expect(rule.localizedCaseInsensitiveContains(fragment), "missing \(fragment)")
        }
    }
}
