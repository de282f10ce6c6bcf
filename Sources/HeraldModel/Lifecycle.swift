/// A lifecycle declared once: a pure transition function from a state and an event to the next state, or to a refusal
/// with a reason a person understands. Everything that moves a row from one state to another (the store, the
/// publisher, the crisis desk, a person's command) asks `transition(from:on:)`; statements that move many rows at once
/// take their state lists from `states(allowing:)`, so the SQL and the table cannot drift apart.
///
/// Each lifecycle is one caseless enum with its states' and events' enums beside it (`DeliveryLifecycle`,
/// `PostLifecycle`); a new one (inbox items, say) is written the same way: the states with a doc comment each saying
/// which component moves things in and out, the events saying who sends them, one `switch` as the table, and a
/// table-driven test over every state × event (docs/lifecycle.md draws them).
public protocol Lifecycle {
    associatedtype State: CaseIterable, Hashable, Sendable, RawRepresentable where State.RawValue == String
    associatedtype Event: Hashable, Sendable

    /// Every event, for tables and tests (an event carrying a value is listed once for each value it may carry).
    static var events: [Event] { get }

    /// The state `state` moves to on `event`, or why it does not.
    static func transition(from state: State, on event: Event) -> Result<State, LifecycleRefusal>
}

extension Lifecycle {
    /// The states `event` is allowed from, in the order the states are declared: what a statement moving many rows on
    /// this event puts in its `WHERE state IN (…)`.
    public static func states(allowing event: Event) -> [State] {
        State.allCases.filter { (try? transition(from: $0, on: event).get()) != nil }
    }

    /// The states `events` are all allowed from (for a statement that may send any of them).
    public static func states(allowingAll events: [Event]) -> [State] {
        State.allCases.filter { s in events.allSatisfy { (try? transition(from: s, on: $0).get()) != nil } }
    }

    /// The one state `event` moves every state it is allowed from to (what a statement moving many rows on it puts in
    /// its `SET state = …`); nil when it is allowed from none, or leads different states to different places.
    public static func target(of event: Event) -> State? {
        let targets = Set(states(allowing: event).compactMap { try? transition(from: $0, on: event).get() })
        return targets.count == 1 ? targets.first : nil
    }

    /// Whether nothing ever moves a row out of `state` (an event may still leave it where it is).
    public static func isFinal(_ state: State) -> Bool {
        events.allSatisfy { e in
            switch transition(from: state, on: e) {
            case .success(let next): next == state
            case .failure: true
            }
        }
    }

    /// The refusal of `event` in `state`, with `reason`.
    static func refuse(_ state: State, _ event: Event, _ reason: String) -> Result<State, LifecycleRefusal> {
        .failure(LifecycleRefusal(state: state.rawValue, event: String(describing: event), reason: reason))
    }
}

/// A transition the table does not allow, and why, in words for the person who asked for it.
public struct LifecycleRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    /// The state the row is in (its raw name, as `herald queue` and `herald calendar` show it).
    public var state: String
    /// The event that was refused.
    public var event: String
    /// Why, e.g. "it already went out; there is nothing to retry".
    public var reason: String

    public init(state: String, event: String, reason: String) {
        self.state = state; self.event = event; self.reason = reason
    }

    /// The message for the row `id`: "dlv_… is published; it already went out; there is nothing to retry."
    public func message(for id: String) -> String { "\(id) is \(state); \(reason)." }

    public var description: String { "\(state): \(reason)" }
}
