import Foundation

/// Where a metric reading came from.
public enum ReadingSource: String, CaseIterable, Sendable, Codable {
    /// `herald metrics record`.
    case manual
    /// `herald metrics import`.
    case `import`
    /// Computed by Herald (a metric with `source: inbox.…`); never stored.
    case computed
}

/// One measured value of a metric on a day, overall or for one channel.
public struct MetricReading: Sendable, Hashable {
    /// The metric's id in the strategy.
    public var metric: String
    /// The day the value is for (in the strategy's zone).
    public var date: LocalDate
    public var value: Double
    /// The channel the value is for; nil for the metric as a whole.
    public var channel: String?
    public var recordedAt: Date
    public var source: ReadingSource

    public init(metric: String, date: LocalDate, value: Double, channel: String? = nil, recordedAt: Date, source: ReadingSource) {
        self.metric = metric; self.date = date; self.value = value; self.channel = channel
        self.recordedAt = recordedAt; self.source = source
    }
}
