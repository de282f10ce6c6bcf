import Foundation
import HeraldModel

/// One counter a network (or a shop) reports for a post.
public enum ResultCounter: String, CaseIterable, Sendable, Codable {
    case impressions, reach, reactions, comments, shares, saves
    case linkClicks = "link_clicks"
    case videoViews = "video_views"
    case conversions, revenue

    /// Revenue is an amount; every other counter is a whole number.
    public var isAmount: Bool { self == .revenue }

    var index: Int { ResultCounter.allCases.firstIndex(of: self)! }
}

/// The counters of one snapshot; a counter the source did not report is nil (not zero).
public struct ResultCounts: Sendable, Equatable, Hashable, Codable {
    public private(set) var values: [Double?]

    public init() { values = Array(repeating: nil, count: ResultCounter.allCases.count) }

    public init(_ pairs: [ResultCounter: Double]) {
        self.init()
        for (k, v) in pairs { self[k] = v }
    }

    public subscript(_ c: ResultCounter) -> Double? {
        get { values[c.index] }
        set { values[c.index] = newValue }
    }

    public var isEmpty: Bool { values.allSatisfy { $0 == nil } }

    /// "reach 900, comments 4" — the counters that differ from `other`, for a conflict's message.
    public func differences(from other: ResultCounts) -> String {
        ResultCounter.allCases.compactMap { c -> String? in
            guard self[c] != other[c] else { return nil }
            return "\(c.rawValue) \(Self.text(other[c])) stored, \(Self.text(self[c])) here"
        }.joined(separator: "; ")
    }

    public static func text(_ v: Double?) -> String {
        guard let v else { return "none" }
        return v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v)
    }
}

/// What a network reported for one post at one moment. Counts grow for days after posting, so a post has many.
public struct ResultSnapshot: Sendable, Equatable {
    public var postID: String
    public var network: Network
    public var capturedAt: Date
    public var counts: ResultCounts
    /// Where it came from: `import:generic`, `import:mastodon`.
    public var source: String

    public init(postID: String, network: Network, capturedAt: Date, counts: ResultCounts, source: String) {
        self.postID = postID; self.network = network; self.capturedAt = capturedAt; self.counts = counts; self.source = source
    }
}

/// How a results file is laid out.
public enum ResultLayout: String, CaseIterable, Sendable {
    /// Herald's own columns (README, "Results").
    case generic
    /// Meta Business Suite's post-level export: its column names could not be confirmed from public documentation.
    case meta
    /// LinkedIn page analytics' post export: its column names could not be confirmed from public documentation.
    case linkedin
    /// A list of Mastodon `Status` entities flattened to columns (the API's documented field names).
    case mastodon

    /// Whether Herald reads this layout; the others are refused with the reason.
    public var isSupported: Bool { self == .generic || self == .mastodon }

    public var refusal: String {
        "the \(rawValue) layout is not supported: the column names of its export could not be confirmed from public documentation, so Herald does not guess them. Rename the columns to Herald's generic layout (post_id or url, captured_at, impressions, reach, reactions, comments, shares, …) and use --layout generic."
    }
}
