import Foundation
import HeraldModel

/// Names for the ids a post carries, looked up once per export instead of once per post.
public struct PostLabels: Sendable {
    public let strategy: Strategy
    let campaignNames: [String: String]
    let goalTitles: [String: String]
    let people: [String: String]
    let campaignLinks: [String: String]

    public init(_ strategy: Strategy) {
        self.strategy = strategy
        campaignNames = Dictionary(strategy.campaigns.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        campaignLinks = Dictionary(strategy.campaigns.compactMap { c in c.link.map { (c.id, $0) } }, uniquingKeysWith: { a, _ in a })
        goalTitles = Dictionary(strategy.goals.map { ($0.id, $0.title) }, uniquingKeysWith: { a, _ in a })
        people = Dictionary(strategy.participants.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
    }

    /// "Contest — announce: Latte art"
    public func title(_ p: Post) -> String { p.title(campaignName: p.campaign.flatMap { campaignNames[$0] }) }

    /// "[facebook] Contest — announce: Latte art"
    public func summary(_ p: Post) -> String { "[\(p.channel)] " + title(p) }

    public func ownerName(_ p: Post) -> String? { p.owner.map { people[$0] ?? $0 } }

    public func personName(_ id: String) -> String { people[id] ?? id }

    public func goalTitle(_ id: String) -> String? { goalTitles[id] }

    public func campaignName(_ id: String) -> String? { campaignNames[id] }

    /// The post's own link, else its campaign's.
    public func link(_ p: Post) -> String? { p.link ?? p.campaign.flatMap { campaignLinks[$0] } }
}
