import HeraldModel

/// The lifecycle tables (`DeliveryLifecycle`, `PostLifecycle`) as SQL, for the statements that move many rows at once:
/// their `WHERE state IN (…)` lists the states the table allows the event from, and their `SET state = …` the state it
/// leads to. A statement never names a state the table does not give it (a test checks each against the table).
enum LifecycleSQL {
    /// `'scheduled', 'retrying'`: the states `event` is allowed from.
    static func from(_ event: DeliveryEvent) -> String { Schema.sqlList(DeliveryLifecycle.states(allowing: event)) }

    /// The states all of `events` are allowed from.
    static func from(_ events: [DeliveryEvent]) -> String { Schema.sqlList(DeliveryLifecycle.states(allowingAll: events)) }

    /// `'publishing'`: the state `event` leads to.
    static func to(_ event: DeliveryEvent) -> String { quoted(DeliveryLifecycle.target(of: event)?.rawValue) }

    static func from(_ event: PostEvent) -> String { Schema.sqlList(PostLifecycle.states(allowing: event)) }

    static func to(_ event: PostEvent) -> String { quoted(PostLifecycle.target(of: event)?.rawValue) }

    /// `'name'`; a missing target (an event the table leads nowhere, or to several places) becomes NULL, which the
    /// columns' NOT NULL and CHECK constraints refuse: the statement fails rather than writing a state out of the table.
    static func quoted(_ name: String?) -> String { name.map { "'\($0)'" } ?? "NULL" }

    /// `'a', 'b'` for any states.
    static func list<S: Sequence>(_ states: S) -> String where S.Element: RawRepresentable, S.Element.RawValue == String {
        Schema.sqlList(states)
    }
}

extension Store {
    /// The state a delivery moves to on a person's or the publisher's `event`, or the table's refusal as the store's error.
    static func moving(_ d: Delivery, on event: DeliveryEvent) throws(StoreError) -> DeliveryState {
        try moving(delivery: d.id, from: d.state, on: event)
    }

    static func moving(delivery id: String, from state: DeliveryState, on event: DeliveryEvent) throws(StoreError) -> DeliveryState {
        switch DeliveryLifecycle.transition(from: state, on: event) {
        case .success(let next): return next
        case .failure(let refusal): throw .refused(refusal.message(for: id))
        }
    }

    /// The status a post moves to on `event`, or the table's refusal as the store's error.
    static func moving(post id: String, from status: PostStatus, on event: PostEvent) throws(StoreError) -> PostStatus {
        switch PostLifecycle.transition(from: status, on: event) {
        case .success(let next): return next
        case .failure(let refusal): throw .refused(refusal.message(for: id))
        }
    }
}
