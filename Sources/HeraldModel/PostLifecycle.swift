/// The status of a post. Only `approved` posts are delivered. The moves between them are `PostLifecycle`'s table; each
/// case says who moves posts in and out.
public enum PostStatus: String, CaseIterable, Sendable, Codable {
    /// In: placed by the planner (`herald plan`), added by hand or imported without a body. Out: the drafter writes its
    /// body (`drafted`); a person edits its body (`drafted`) or cancels it; a crisis pauses it. Re-planning may replace
    /// it while it is unlocked.
    case planned
    /// In: the drafter wrote its body, a person edited an approved post's body, time, channel, kind, campaign or media,
    /// or a crisis closed and restored it. Out: a person approves it, or cancels it; a crisis pauses it.
    case drafted
    /// In: a person approved it (`herald approve`), a crisis closed and restored it, or a person retried a delivery of
    /// it after it failed or expired. Out: the publisher settles it once its deliveries are done (`published`,
    /// `failed` or `expired`); a person's edit sends it back to `drafted`, or cancels it; a crisis pauses it.
    case approved
    /// In: the publisher settled it once its deliveries were done and one went out (or a crisis closed and found a
    /// delivery of it went out before the pause), or a person said it went out outside Herald (`herald post
    /// published`, `herald results import --published`) while it was planned, drafted, approved, failed or expired.
    /// Final: nothing moves it out.
    case published
    /// In: a crisis opened and held it (`herald crisis open`). Out: the crisis closes (`herald crisis close`) and
    /// restores its previous status, expires it, or finds it went out before the pause (`published`); a person may
    /// cancel it. A delivery that was in flight when it was paused and went out settles it as `published`.
    case paused
    /// In: a person cancelled it (`herald post cancel`), or the crisis desk withdrew one of its posts. Final: nothing
    /// moves it out.
    case cancelled
    /// In: the publisher settled it when all its deliveries were too late, or a crisis closed with no slot left for it.
    /// Out: a person retries a delivery of it (`herald queue retry`, back to `approved`) or cancels it. Its content no
    /// longer changes.
    case expired
    /// In: the publisher settled it when a delivery failed for good. Out: a person retries the delivery (`herald queue
    /// retry`, back to `approved`), marks it published (`herald queue mark-published`), or cancels the post. Its
    /// content no longer changes.
    case failed

    /// Statuses the planner must not replace.
    public var isKeptByReplanning: Bool { self != .planned }

    /// Whether nothing ever moves a post out of this status: `published` and `cancelled`. (`failed` and `expired`
    /// are not final: a person's `queue retry` brings the post back to `approved`.)
    public var isFinal: Bool { PostLifecycle.isFinal(self) }
}

/// What happens to a post, and who makes it happen.
public enum PostEvent: Hashable, Sendable, CustomStringConvertible {
    // The planner and the drafter.
    /// The planner replaces an unlocked planned post (`herald plan`).
    case replan
    /// The drafter writes a planned post's body (`herald draft`).
    case draft
    /// The drafter writes a body again (`herald draft --overwrite`).
    case redraft
    // A person.
    /// A new body (`herald edit`): approval must be given again.
    case editBody
    /// A change to what a hook would receive besides the body (time, channel, kind, campaign, media: `herald post move`,
    /// `herald post set`): an approved post goes back to drafted.
    case editContent
    /// A change to the rest (owner, goal, topic): the status stays.
    case editDetails
    /// `herald approve`.
    case approve
    /// `herald post cancel`.
    case cancel
    /// `herald queue retry` or `herald queue mark-published` on a delivery of the post.
    case requeue
    /// It went out outside Herald (posted by hand in the network's app): `herald post published`, or `herald results
    /// import --published` for a post whose time has passed.
    case publishedElsewhere
    // The crisis desk.
    /// A crisis opens and holds the post (`herald crisis open`).
    case pause
    /// The crisis closes and gives the post back the status it had.
    case restore(to: PostStatus)
    /// The crisis closes and no slot is left for the post (or its campaign ended).
    case expireAfterPause
    /// The crisis desk cancels one of its pending posts (an update replaced, a slot taken for a restored post).
    case withdraw
    // The publisher, settling a post once none of its deliveries is pending (and the crisis desk, closing).
    /// A delivery went out.
    case delivered
    /// A delivery failed for good.
    case deliveryFailed
    /// Every delivery was too late.
    case deliveriesExpired

    /// Every event, `restore` once for each status (the table refuses all but planned, drafted and approved).
    public static let allCases: [PostEvent] = [.replan, .draft, .redraft, .editBody, .editContent, .editDetails, .approve, .cancel,
                                               .requeue, .publishedElsewhere, .pause] + PostStatus.allCases.map { .restore(to: $0) }
        + [.expireAfterPause, .withdraw, .delivered, .deliveryFailed, .deliveriesExpired]

    /// The events that settle a post from its deliveries (`PostLifecycle.settlement(of:)`).
    public static let settlements: [PostEvent] = [.deliveryFailed, .deliveriesExpired, .delivered]

    public var description: String {
        switch self {
        case .replan: "replan"
        case .draft: "draft"
        case .redraft: "redraft"
        case .editBody: "edit-body"
        case .editContent: "edit-content"
        case .editDetails: "edit-details"
        case .approve: "approve"
        case .cancel: "cancel"
        case .requeue: "requeue"
        case .publishedElsewhere: "published-elsewhere"
        case .pause: "pause"
        case .restore(let s): "restore-to-\(s.rawValue)"
        case .expireAfterPause: "expire-after-pause"
        case .withdraw: "withdraw"
        case .delivered: "delivered"
        case .deliveryFailed: "delivery-failed"
        case .deliveriesExpired: "deliveries-expired"
        }
    }
}

/// The post lifecycle, declared once: every change of a post's status goes through `transition(from:on:)` (see
/// docs/lifecycle.md for the drawing).
public enum PostLifecycle: Lifecycle {
    public static let events = PostEvent.allCases

    public static func transition(from state: PostStatus, on event: PostEvent) -> Result<PostStatus, LifecycleRefusal> {
        switch (event, state) {
        case (.replan, .planned): .success(.planned)
        case (.draft, .planned): .success(.drafted)
        case (.redraft, .planned), (.redraft, .drafted): .success(.drafted)
        case (.editBody, .planned), (.editBody, .drafted), (.editBody, .approved): .success(.drafted)
        case (.editContent, .approved): .success(.drafted)
        case (.editContent, .planned), (.editContent, .drafted), (.editContent, .paused),
             (.editDetails, .planned), (.editDetails, .drafted), (.editDetails, .approved), (.editDetails, .paused),
             (.editBody, .paused):
            .success(state)
        case (.approve, .drafted): .success(.approved)
        case (.cancel, .planned), (.cancel, .drafted), (.cancel, .approved), (.cancel, .paused), (.cancel, .failed), (.cancel, .expired):
            .success(.cancelled)
        case (.requeue, .approved), (.requeue, .failed), (.requeue, .expired): .success(.approved)
        case (.publishedElsewhere, .planned), (.publishedElsewhere, .drafted), (.publishedElsewhere, .approved),
             (.publishedElsewhere, .failed), (.publishedElsewhere, .expired):
            .success(.published)
        case (.pause, .planned), (.pause, .drafted), (.pause, .approved): .success(.paused)
        case (.restore(let to), .paused) where [.planned, .drafted, .approved].contains(to): .success(to)
        case (.expireAfterPause, .paused): .success(.expired)
        case (.withdraw, .planned), (.withdraw, .drafted), (.withdraw, .approved): .success(.cancelled)
        case (.delivered, .approved), (.delivered, .paused): .success(.published)
        case (.deliveryFailed, .approved): .success(.failed)
        case (.deliveriesExpired, .approved): .success(.expired)
        default: refuse(state, event, reason(refusing: event, in: state))
        }
    }

    /// Why `event` is not allowed in `state`.
    static func reason(refusing event: PostEvent, in state: PostStatus) -> String {
        switch (event, state) {
        case (.cancel, .published): return "it already went out; it cannot be cancelled"
        case (.cancel, .cancelled): return "it is already cancelled"
        case (.approve, _):
            let why = switch state {
            case .planned: " (it has no body yet)"
            case .approved: " (it is already approved)"
            case .paused: " (a crisis holds it; closing the crisis restores it)"
            default: ""
            }
            return "only drafted posts can be approved" + why
        case (.draft, .drafted): return "it is already drafted; add --overwrite to write its body again"
        case (.draft, _), (.redraft, _): return "only planned (or, with --overwrite, drafted) posts are drafted"
        case (.editBody, _), (.editContent, _), (.editDetails, _):
            let what = event == .editBody ? "its body" : "it"
            return switch state {
            case .failed, .expired:
                "\(what) can no longer change (retry its delivery with `herald queue retry`, or cancel it)"
            default: "\(what) can no longer change"
            }
        case (.requeue, .published): return "it already went out"
        case (.requeue, .cancelled): return "it was cancelled; its deliveries are not sent"
        case (.requeue, .paused): return "a crisis holds it; its deliveries wait until the crisis closes"
        case (.requeue, _): return "it is no longer approved; approve it again and `herald publish` makes a new delivery"
        case (.replan, _): return "only an unlocked planned post is replaced by re-planning"
        case (.publishedElsewhere, .published): return "it is already published"
        case (.publishedElsewhere, .paused): return "a crisis holds it; close the crisis before saying it went out"
        case (.publishedElsewhere, _): return "it was cancelled, so it did not go out as this post; add it again with `herald post add`"
        case (.pause, _): return "only planned, drafted or approved posts are paused by a crisis"
        case (.restore(let to), .paused): return "a paused post goes back to planned, drafted or approved, not \(to.rawValue)"
        case (.restore, _), (.expireAfterPause, _): return "only a paused post is restored or expired when a crisis closes"
        case (.withdraw, _): return "only a pending post (planned, drafted or approved) is withdrawn"
        case (.delivered, _), (.deliveryFailed, _), (.deliveriesExpired, _):
            return "only an approved post (or one paused while a delivery was in flight) is settled by its deliveries"
        default: return "\(event) is not allowed"
        }
    }

    /// How a post's deliveries (those at its revision) settle it: none while one is waiting, being sent or maybe sent;
    /// failed if any failed; expired if all expired; else published if any went out; nothing when all were cancelled.
    /// `PublishSQL.settlePosts` does the same for many posts in one statement (a test checks they agree).
    public static func settlement(of deliveries: [DeliveryState]) -> PostEvent? {
        guard !deliveries.isEmpty, !deliveries.contains(where: DeliveryState.keepsPostOpen.contains) else { return nil }
        if deliveries.contains(.failed) { return .deliveryFailed }
        if deliveries.allSatisfy({ $0 == .expired }) { return .deliveriesExpired }
        if deliveries.contains(.published) { return .delivered }
        return nil
    }
}
