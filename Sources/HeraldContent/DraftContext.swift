import Foundation
import Synchronization
import HeraldModel

/// Builds the values a post's template can use. Optional values are left out (not blank) when absent, so
/// `{{#topic}}…{{/topic}}` works and an unguarded `{{topic}}` is reported.
public struct DraftContext: Sendable {
    public let strategy: Strategy
    public let clock: ZoneClock
    /// Campaigns by id, built once: every draft and every delivery looks its post's campaign up.
    let campaignsByID: [String: Campaign]

    public init(strategy: Strategy) {
        self.strategy = strategy
        clock = ZoneClock.orUTC(strategy.timeZone)
        campaignsByID = Dictionary(strategy.campaigns.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The campaign a post belongs to, if it is in the strategy.
    public func campaign(of post: Post) -> Campaign? { post.campaign.flatMap { campaignsByID[$0] } }

    /// The language a channel's posts are written in.
    public func locale(for channel: Channel?) -> String { channel?.locale ?? strategy.locale }

    /// The hashtags for a channel: the brand's then the channel's, without repeats, within the channel's limit.
    public func hashtags(for channel: Channel?) -> [String] {
        var seen = Set<String>()
        var tags = (strategy.brand.hashtags + (channel?.hashtags ?? [])).filter { seen.insert($0.lowercased()).inserted }
        if let max = channel?.maxHashtags, tags.count > max { tags = Array(tags.prefix(max)) }
        return tags
    }

    /// The post's link with UTM tags, or nil when neither the post, its campaign nor the brand has one.
    public func link(for post: Post) -> String? { link(for: post, campaign: campaign(of: post)) }

    /// `link(for:)` remembering each result: a publish pass asks for thousands of posts' links, which come from a few
    /// (link, campaign, network) combinations.
    public func rememberingLinks() -> @Sendable (Post) -> String? {
        let memo = LinkMemo()
        return { post in
            let key = LinkMemo.Key(link: post.link, campaign: post.campaign, network: post.network, kind: post.kind)
            if let known = memo.lookup(key) { return known }
            let link = self.link(for: post)
            memo.store(key, link)
            return link
        }
    }

    func link(for post: Post, campaign: Campaign?) -> String? {
        guard let base = post.link ?? campaign?.link ?? strategy.brand.link else { return nil }
        return UTM.tag(base, source: post.network.rawValue, campaign: post.campaign ?? post.kind.rawValue,
                       medium: UTM.medium(for: post.network))
    }

    /// Everything a template may use for this post; `extra` adds groups such as `crisis`.
    public func values(for post: Post, extra: [String: TemplateValue] = [:]) -> [String: TemplateValue] {
        let channel = strategy.channel(post.channel)
        let locale = locale(for: channel)
        let campaign = campaign(of: post)
        var v: [String: TemplateValue] = [
            "brand": .text(strategy.brand.name),
            "channel": .text(post.channel),
            "network": .text(post.network.rawValue),
            "hashtags": .text(hashtags(for: channel).joined(separator: " ")),
            "owner": .text(post.owner.flatMap(strategy.participant)?.firstName ?? LocaleFormat.team(strategy.brand.name, locale: locale)),
        ]
        // The writer's first name, only when the post has an owner: a sign-off `{{#author}}— {{{author}}} and the team
        // {{/author}}{{^author}}— the {{{brand}}} team{{/author}}` never reads "the Brand team and the Brand team".
        if let name = post.owner.flatMap(strategy.participant)?.firstName { v["author"] = .text(name) }
        if let g = post.goal.flatMap(strategy.goal) { v["goal"] = .text(g.title) }
        // Where a caption's link cannot be clicked, templates say "link in bio" instead; hooks still get the link.
        let link = link(for: post, campaign: campaign).map {
            PostChecks.linksClickable(on: post.network) ? $0 : LocaleFormat.linkInBio(locale: locale)
        }
        if let link { v["link"] = .text(link) }
        if let topic = post.topic, !topic.isEmpty { v["topic"] = .text(topic) }
        if let c = campaign {
            var g: [String: TemplateValue] = [
                "name": .text(c.name),
                "start": .text(LocaleFormat.date(c.dates.start, locale: locale)),
                "end": .text(LocaleFormat.date(c.dates.end, locale: locale)),
            ]
            if let link { g["link"] = .text(link) }
            if let p = c.prize, !p.isEmpty { g["prize"] = .text(p) }
            if let code = c.code, !code.isEmpty { g["code"] = .text(code) }
            if let pc = c.percent { g["percent"] = .text(LocaleFormat.percent(pc, locale: locale)) }
            if let d = c.details, !d.isEmpty { g["details"] = .text(d) }
            v["campaign"] = .group(g)
        }
        for (k, value) in extra { v[k] = value }
        return v
    }

    /// The template name for a post: its kind, plus the campaign step for contests and discounts.
    public static func templateName(for post: Post) -> String {
        if let step = post.step, post.kind.isPromotional { return "\(post.kind.rawValue)-\(step.rawValue)" }
        return post.kind.rawValue
    }
}

/// The links `DraftContext.rememberingLinks` worked out, by everything a link depends on.
final class LinkMemo: Sendable {
    struct Key: Hashable {
        var link: String?, campaign: String?
        var network: Network
        var kind: ContentKind
    }

    private let links = Mutex<[Key: String?]>([:])

    func lookup(_ key: Key) -> String?? { links.withLock { $0[key] } }

    func store(_ key: Key, _ link: String?) {
        links.withLock { if $0.count < 10_000 { $0[key] = link } }
    }
}
