import Foundation

/// How bad a crisis is (shown in reports; a high one pauses promotion everywhere unless channels are given).
public enum CrisisSeverity: String, CaseIterable, Sendable, Codable {
    case low, medium, high
}

/// Whether a crisis is still being handled.
public enum CrisisStatus: String, CaseIterable, Sendable, Codable {
    case open, closed
}

/// The five steps of answering a crisis, in order.
public enum CrisisStep: String, CaseIterable, Sendable, Codable {
    case apologise, admit, counteract, improve, repair

    public var label: String {
        switch self {
        case .apologise: "Apologise as the brand, as one voice — never blame an employee"
        case .admit: "Admit the fault plainly, if it is ours"
        case .counteract: "Counteract: stop the harm now and say what is being done"
        case .improve: "Improve what caused it, and say what changed"
        case .repair: "Repair: make it good with those affected, then rebuild trust"
        }
    }
}

/// A crisis being (or that was) handled.
public struct Crisis: Sendable, Identifiable, Hashable {
    public var id: String
    public var title: String
    public var severity: CrisisSeverity
    /// The affected channels.
    public var channels: [String]
    /// Every non-crisis post is paused, not only promotional ones.
    public var pauseAll: Bool
    public var status: CrisisStatus
    public var openedAt: Date
    public var openedBy: String
    /// Who approves its posts and owns the checklist (a participant id), if the strategy names one.
    public var owner: String?
    public var closedAt: Date?
    public var summary: String?

    public init(id: String, title: String, severity: CrisisSeverity, channels: [String], pauseAll: Bool, status: CrisisStatus,
                openedAt: Date, openedBy: String, owner: String?, closedAt: Date? = nil, summary: String? = nil) {
        self.id = id; self.title = title; self.severity = severity; self.channels = channels; self.pauseAll = pauseAll
        self.status = status; self.openedAt = openedAt; self.openedBy = openedBy; self.owner = owner; self.closedAt = closedAt
        self.summary = summary
    }
}

/// One recorded action in a crisis: who, when, what.
public struct CrisisEvent: Sendable, Hashable {
    public var at: Date
    public var actor: String
    public var action: String
    public var detail: String

    public init(at: Date, actor: String, action: String, detail: String) {
        self.at = at; self.actor = actor; self.action = action; self.detail = detail
    }
}

/// A checklist step's state.
public struct CrisisCheck: Sendable, Hashable {
    public var step: CrisisStep
    public var owner: String?
    public var doneAt: Date?
    public var doneBy: String?

    public init(step: CrisisStep, owner: String?, doneAt: Date? = nil, doneBy: String? = nil) {
        self.step = step; self.owner = owner; self.doneAt = doneAt; self.doneBy = doneBy
    }
}

/// A metric tracked through a crisis, with its baseline from the latest reading when the crisis opened.
public struct CrisisMetric: Sendable, Hashable {
    public var id: String
    public var name: String
    public var unit: String
    public var direction: Direction
    public var baseline: Double?
    public var baselineDate: LocalDate?

    public init(id: String, name: String, unit: String, direction: Direction, baseline: Double? = nil, baselineDate: LocalDate? = nil) {
        self.id = id; self.name = name; self.unit = unit; self.direction = direction; self.baseline = baseline
        self.baselineDate = baselineDate
    }

    /// The metrics every crisis tracks. Readings use these ids (`herald metrics record complaints-per-day 14`).
    public static let standard: [CrisisMetric] = [
        CrisisMetric(id: "complaints-per-day", name: "Complaints per day", unit: "complaints", direction: .down),
        CrisisMetric(id: "negative-mention-share", name: "Share of negative mentions", unit: "%", direction: .down),
        CrisisMetric(id: "response-time", name: "Median first reply", unit: "hours", direction: .down),
        CrisisMetric(id: "csat", name: "Customer satisfaction (CSAT)", unit: "%", direction: .up),
        CrisisMetric(id: "nps", name: "Net Promoter Score", unit: "points", direction: .up),
    ]
}
