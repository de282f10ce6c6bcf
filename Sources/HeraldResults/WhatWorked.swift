import Foundation

/// The report's "What worked": the period's published posts compared by promotion vs information, kind, channel,
/// weekday, time slot, campaign and owner, on one metric.
public struct WhatWorked: Sendable, Encodable {
    /// The metric compared: engagement_rate when any post reports impressions, else reach.
    public var metric: String
    public var definition: String
    public var method: String
    public var published: Int
    public var measured: Int
    public var comparisons: [Rollup]

    public static let dimensions: [ResultDimension] = [.balance, .kind, .channel, .weekday, .slot, .campaign, .owner]

    public init(outcomes: [PostOutcome], seed: UInt64 = Statistics.defaultSeed) {
        let m: ResultMetric = outcomes.contains { $0.latest.flatMap(ResultMetric.engagementRate.value) != nil } ? .engagementRate : .reach
        metric = m.rawValue
        definition = m.definition
        method = Rollup.methodText
        comparisons = Self.dimensions.map { Rollup(outcomes: outcomes, by: $0, metric: m, seed: seed) }
        published = outcomes.count
        measured = comparisons.first?.measured ?? 0
    }
}
