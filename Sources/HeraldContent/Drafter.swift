import Foundation
import HeraldModel

/// A drafted body and where it came from.
public struct DraftResult: Sendable {
    public var post: String
    public var body: String
    /// The template file's path, or `library:<file>`.
    public var source: String
    public var check: TextCheck
    /// Media that come with the text (a library post's `media:`); nil leaves the post's own media as they are.
    public var media: [String]?
    public var fromLibrary: Bool { source.hasPrefix("library:") }
}

/// Writes post bodies: from the evergreen library where a ready-written post fits, else from templates.
public struct Drafter: Sendable {
    public let context: DraftContext
    public let templates: TemplateSet
    public let library: [LibraryEntry]
    public let recycleAfterDays: Int

    public init(strategy: Strategy, templates: TemplateSet, library: [LibraryEntry] = [], recycleAfterDays: Int = 60) {
        context = DraftContext(strategy: strategy)
        self.templates = templates
        self.library = library
        self.recycleAfterDays = recycleAfterDays
    }

    /// Drafts every post given (in time order). `history` holds stored posts around them, so a library post is
    /// not recycled on a channel within `recycleAfterDays` of another use. Throws on the first template error.
    public func draft(_ posts: [Post], history: [Post] = []) throws(ContentError) -> [DraftResult] {
        var uses: [String: [(channel: String, day: LocalDate)]] = [:]
        for p in history {
            if let t = p.template, t.hasPrefix("library:") {
                uses[t, default: []].append((p.channel, context.clock.localDate(p.scheduledAt)))
            }
        }
        var out: [DraftResult] = []
        for post in posts.sorted(by: { ($0.scheduledAt, $0.id) < ($1.scheduledAt, $1.id) }) {
            let channel = context.strategy.channel(post.channel)
            if let entry = libraryEntry(for: post, uses: uses) {
                uses[entry.templateKey, default: []].append((post.channel, context.clock.localDate(post.scheduledAt)))
                var r = result(post, body: entry.body, source: entry.templateKey, channel: channel)
                if !entry.media.isEmpty { r.media = entry.media }
                out.append(r)
                continue
            }
            let locale = context.locale(for: channel)
            let file = try templates.template(DraftContext.templateName(for: post), locale: locale,
                                              network: post.network.rawValue, variant: post.variant)
            let body = try TemplateRenderer.render(file, context: context.values(for: post), post: post.id)
            out.append(result(post, body: body, source: file.path, channel: channel))
        }
        return out
    }

    func result(_ post: Post, body: String, source: String, channel: Channel?) -> DraftResult {
        let check = channel.map { NetworkRules.check(body, channel: $0) }
            ?? TextCheck(length: body.count, limit: Int.max, hashtags: 0, hashtagLimit: nil, errors: [])
        return DraftResult(post: post.id, body: body, source: source, check: check, media: nil)
    }

    /// The library post to use, if one fits: same kind, a network and language it suits, its goal (if it names one),
    /// not expired on the post's day, and not used on this channel within the recycling window. Least recently used first.
    func libraryEntry(for post: Post, uses: [String: [(channel: String, day: LocalDate)]]) -> LibraryEntry? {
        guard post.campaign == nil, !library.isEmpty else { return nil }
        let day = context.clock.localDate(post.scheduledAt)
        let lang = LocaleFormat.language(context.locale(for: context.strategy.channel(post.channel)))
        var best: (entry: LibraryEntry, lastUse: Int)?
        for e in library where e.kind == post.kind {
            if let n = e.networks, !n.contains(post.network) { continue }
            if let l = e.locale, LocaleFormat.language(l) != lang { continue }
            if let g = e.goal, g != post.goal { continue }
            if let x = e.expires, x < day { continue }
            let here = (uses[e.templateKey] ?? []).filter { $0.channel == post.channel }
            if here.contains(where: { abs($0.day.days(to: day)) < recycleAfterDays }) { continue }
            let last = here.map(\.day.daysSinceEpoch).max() ?? Int.min
            if best == nil || last < best!.lastUse || (last == best!.lastUse && e.id < best!.entry.id) { best = (e, last) }
        }
        return best?.entry
    }
}
