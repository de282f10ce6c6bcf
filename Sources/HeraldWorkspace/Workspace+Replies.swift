import Foundation
import HeraldContent
import HeraldModel
import HeraldStore

/// What `herald inbox reply` did.
public struct ReplyOutcome: Sendable {
    public var reply: Reply
    public var item: InboxItem
}

extension Workspace {
    /// The reply templates (`Templates/<locale>/replies/<name>.mustache`, or the strategy's templates folder over them).
    public static let replyTemplates = ["thanks", "answer", "sorry_private", "complaint_acknowledged"]
    static let replyFolder = "replies"

    /// The language a reply to `item` is written in: the item's own when a reply template exists in it, else the
    /// channel's or the strategy's.
    public func replyLanguage(for item: InboxItem, templates: TemplateSet) -> String {
        let fallback = strategy.channel(item.channel)?.locale ?? strategy.locale
        guard let lang = item.labels.language else { return fallback }
        let hasTemplates = Self.replyTemplates.contains { name in
            templates.variants(name, locale: lang, network: Self.replyFolder).contains { $0.folder.hasPrefix(lang) }
        }
        return hasTemplates ? lang : fallback
    }

    /// The values a reply template can use: `author` (the name, else the handle), `author_handle`, `brand`, `replier`
    /// (the replier's first name), `channel`, `network`, and `topic` when the item has one.
    public func replyContext(item: InboxItem, replier: Participant) -> [String: TemplateValue] {
        var c: [String: TemplateValue] = [
            "author": .text(item.authorName?.split(separator: " ").first.map(String.init) ?? item.authorHandle),
            "author_handle": .text(item.authorHandle), "brand": .text(strategy.brand.name), "replier": .text(replier.firstName),
            "channel": .text(item.channel), "network": .text(item.network.rawValue),
        ]
        if let t = item.labels.topic { c["topic"] = .text(t) }
        return c
    }

    /// Renders a reply template for an item in `language`.
    public func renderReply(template name: String, item: InboxItem, replier: Participant, language: String,
                            templates: TemplateSet) throws(ContentError) -> String {
        let file = try templates.template(name, locale: language, network: Self.replyFolder, variant: 0)
        return try TemplateRenderer.render(file, context: replyContext(item: item, replier: replier), post: item.id)
    }

    /// Who must approve a reply by `replier` to `item`, under the strategy's `inbox.reply_approval` and crisis topics:
    /// nil when it goes out as queued; otherwise the words for it and the one participant who may (the crisis owner).
    public func approvalNeeded(item: InboxItem, replier: Participant) -> (words: String, approver: String?)? {
        if strategy.inbox.isCrisisTopic(item.labels.topic) {
            guard let ownerID = strategy.crisis.owner, let owner = strategy.participant(ownerID) else {
                return ("a person other than \(replier.name) (the crisis topic; the strategy names no crisis owner)", nil)
            }
            // The crisis owner's own reply is approved by writing it.
            return owner.id == replier.id ? nil : ("the crisis owner, \(owner.name) (the item is on the crisis topic \(item.labels.topic ?? ""))", owner.id)
        }
        switch strategy.inbox.replyApproval {
        case .none: return nil
        case .complaints where item.labels.intent != .complaint: return nil
        case .complaints: return ("a participant other than \(replier.name) (replies to complaints are approved first)", nil)
        case .all: return ("a participant other than \(replier.name) (every reply is approved first)", nil)
        }
    }

    /// Queues a reply to an inbox item through its channel's hooks: the text from a template (in the item's language)
    /// or given, checked like a post's (not empty, no control characters, within the network's length), then stored as
    /// approved (the next `herald publish` or `herald run` pass sends it) or waiting for approval.
    public func reply(to itemID: String, template: String?, body: String?, replier: Participant, now: Date) throws -> ReplyOutcome {
        let item = try store.inboxItem(itemID)
        guard let channel = strategy.channel(item.channel) else {
            throw WorkspaceError.reply("\(item.id) came in on '\(item.channel)', which is no longer a channel of the strategy; there is no hook to answer through.")
        }
        if !replier.mayPost {
            throw WorkspaceError.reply("\(replier.name) may not answer for the brand yet (the strategy says they are not trained, or have not accepted the social-media rules).")
        }
        // The item's status first: a closed or already replying item is refused before any text is checked.
        if case .refused(let why) = InboxLifecycle.transition(from: item.status, on: .queueReply) {
            throw StoreError.refused("\(item.id): \(why)")
        }
        let templates = try templateSet()
        let language = replyLanguage(for: item, templates: templates)
        let text: String
        if let template {
            // Only the reply templates (a post template found by the same name would be a post, not an answer).
            guard templates.variants(template, locale: language, network: Self.replyFolder).contains(where: { $0.folder.hasSuffix("/\(Self.replyFolder)") }) else {
                throw WorkspaceError.reply("no reply template '\(template)'. The reply templates are \(Self.replyTemplates.joined(separator: ", ")); "
                                           + "add your own as <templates folder>/\(language)/\(Self.replyFolder)/\(template).mustache.")
            }
            text = try renderReply(template: template, item: item, replier: replier, language: language, templates: templates)
        } else {
            text = body ?? ""
        }
        if let problem = PlainText.problem(in: text, field: "reply") { throw WorkspaceError.reply(problem) }
        let check = NetworkRules.check(text, channel: channel)
        if !check.fits {
            throw WorkspaceError.reply("the reply does not fit \(channel.id): \(check.errors.joined(separator: "; ")). Shorten it; nothing was queued.")
        }
        let approval = approvalNeeded(item: item, replier: replier)
        let reply = Reply(id: Reply.makeID(item: item.id, at: now, body: text), item: item.id, network: item.network, channel: item.channel,
                          inReplyTo: item.networkItemID, authorHandle: item.authorHandle, replier: replier.id, body: text, template: template,
                          language: language, status: approval == nil ? .approved : .awaitingApproval, approvalNeeded: approval?.words,
                          approver: approval?.approver, approvedBy: approval == nil ? replier.id : nil, approvedAt: approval == nil ? now : nil,
                          createdAt: now)
        let stored = try store.queueReply(reply, at: now)
        return ReplyOutcome(reply: stored.reply, item: stored.item)
    }

    /// A person approves the reply waiting on an item: the crisis owner for a crisis-topic item, else anyone but the
    /// person who wrote it.
    public func approveReply(item: String, by person: Participant, now: Date) throws -> Reply {
        let crisisOwner = strategy.crisis.owner.flatMap { strategy.participant($0) }
        return try store.approveReply(item: item, by: person.id, at: now) { r in
            if let approver = r.approver, approver != person.id {
                let name = approver == crisisOwner?.id ? "the crisis owner, \(crisisOwner?.name ?? approver)" : approver
                return "\(r.id) needs the approval of \(name); \(person.name) cannot give it."
            }
            if r.approver == nil, r.replier == person.id {
                return "\(person.name) wrote \(r.id); another participant approves it (\(r.approvalNeeded ?? "")). Nothing was changed."
            }
            return nil
        }
    }
}
