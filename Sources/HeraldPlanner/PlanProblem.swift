/// A hard rule the plan cannot meet, with what would make it feasible.
public struct PlanProblem: Sendable, Hashable, CustomStringConvertible {
    /// The rule, e.g. `rules.min_days_between_contests`.
    public var rule: String
    public var channel: String?
    public var message: String
    /// What the marketer can change.
    public var fix: String

    public init(rule: String, channel: String?, message: String, fix: String) {
        self.rule = rule; self.channel = channel; self.message = message; self.fix = fix
    }

    public var description: String { "\(rule): \(message) To fix: \(fix)" }
}

/// Why a plan could not be made (EX_DATAERR, 65).
public enum PlanError: Error, Sendable, CustomStringConvertible {
    case infeasible([PlanProblem])

    public var exitCode: Int32 { 65 }

    public var problems: [PlanProblem] {
        switch self { case .infeasible(let p): p }
    }

    public var description: String {
        let p = problems
        return "the plan cannot meet every rule (\(p.count) problem\(p.count == 1 ? "" : "s")); nothing was changed:\n"
            + p.map { "  - \($0)" }.joined(separator: "\n")
    }
}
