import Foundation
import HeraldModel

/// What a network would say about a post's text.
public struct TextCheck: Sendable, Equatable {
    /// Length as the network counts it.
    public var length: Int
    public var limit: Int
    public var hashtags: Int
    public var hashtagLimit: Int?
    /// Problems that stop approval.
    public var errors: [String]

    public var fits: Bool { errors.isEmpty }
}

/// Counts text the way each network does: grapheme clusters (so an emoji with skin tone or a letter with a
/// combining mark is one), with URLs counted at a fixed length on X and Mastodon.
public enum NetworkRules {
    public static func length(_ text: String, network: Network) -> Int {
        guard let urlLength = network.urlLength else { return text.count }
        var n = text.count
        for url in UTM.urls(in: text) { n += urlLength - url.count }
        return n
    }

    /// Hashtags: `#` followed by letters, digits or underscores.
    public static func hashtags(in text: String) -> [Substring] {
        var out: [Substring] = []
        var i = text.startIndex
        while let h = text[i...].firstIndex(of: "#") {
            let after = text.index(after: h)
            let end = text[after...].firstIndex { !($0.isLetter || $0.isNumber || $0 == "_") } ?? text.endIndex
            let before = h == text.startIndex ? nil : text[text.index(before: h)]
            if end > after, before == nil || !(before!.isLetter || before!.isNumber || before == "/" || before == "&") {
                out.append(text[h..<end])
            }
            i = end > after ? end : after
        }
        return out
    }

    public static func check(_ text: String, channel: Channel) -> TextCheck {
        let length = length(text, network: channel.network)
        let tags = hashtags(in: text).count
        var errors: [String] = []
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            errors.append("the body is empty")
        }
        if length > channel.maxCharacters {
            errors.append("\(length) characters, over \(channel.id)'s limit of \(channel.maxCharacters)\(channel.network.urlLength.map { " (links count as \($0))" } ?? "")")
        }
        if let max = channel.maxHashtags, tags > max {
            errors.append("\(tags) hashtags, over \(channel.id)'s limit of \(max)")
        }
        return TextCheck(length: length, limit: channel.maxCharacters, hashtags: tags, hashtagLimit: channel.maxHashtags, errors: errors)
    }
}
