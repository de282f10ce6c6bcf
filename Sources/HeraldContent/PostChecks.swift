import Foundation
import HeraldModel

/// What a reader or a network would find wrong with a post beyond its length: things templates and hand edits get
/// wrong. `herald lint` and `herald review` show them; `mediaNeeded` also stops approval.
public enum PostChecks {
    /// What a network will not publish without, or nil when text alone is fine. Instagram's feed takes no post
    /// without an image or video; TikTok and YouTube publish videos; Pinterest publishes images.
    public static func mediaNeeded(on network: Network) -> String? {
        switch network {
        case .instagram: "an image or video"
        case .tiktok, .youtube: "a video"
        case .pinterest: "an image"
        default: nil
        }
    }

    /// The approval-stopping problem of a post with no media on a network that needs it.
    public static func missingMedia(network: Network, media: [String], post: String) -> String? {
        guard media.isEmpty, let needed = mediaNeeded(on: network) else { return nil }
        return "\(network.rawValue) requires \(needed): add one with `herald post set \(post) --media URL`"
    }

    /// Whether a link written in a caption can be clicked. Instagram and TikTok show it as plain text; the link goes
    /// in the profile ("link in bio"), and hooks still get the post's link beside the body.
    public static func linksClickable(on network: Network) -> Bool {
        switch network {
        case .instagram, .tiktok: false
        default: true
        }
    }

    /// Advice about a body on a network: warnings, never refusals.
    public static func warnings(body: String, network: Network) -> [String] {
        var out: [String] = []
        let urls = UTM.urls(in: body)
        if !linksClickable(on: network), let url = urls.first {
            out.append("links cannot be clicked in \(network.rawValue) captions (\(shorten(url))); write “link in bio” and put the link in the profile (hooks still get the post's link)")
        }
        if network == .newsletter {
            let tags = NetworkRules.hashtags(in: body)
            if !tags.isEmpty {
                out.append("hashtags do nothing in an e-mail (\(tags.prefix(3).joined(separator: " "))\(tags.count > 3 ? " …" : "")); remove them from the newsletter")
            }
            if let said = commentsWording(in: body) {
                out.append("a newsletter has no comments, but the text says “\(said)”; ask readers to reply to the e-mail instead")
            }
        }
        for run in doubledPunctuation(in: body) {
            out.append("doubled punctuation “\(run.marks)” in “\(run.excerpt)”: a value probably brings its own mark; reword so only one stays")
        }
        return out
    }

    /// Words that send readers to the comments, in the five bundled languages (lower-case stems): English and Dutch
    /// "comment(s)", Polish "komentarz"/"skomentuj", German "Kommentar"/"kommentieren", Dutch "reacties"/"reageer
    /// hieronder", Russian "комментарий"/"прокомментируйте".
    static let commentStems = ["comment", "koment", "kommentar", "kommentier", "in de reacties", "reageer hieronder",
                               "hieronder reageren", "коммент"]

    /// The words around the first mention of comments, or nil.
    public static func commentsWording(in text: String) -> String? {
        for stem in commentStems {
            guard let r = text.range(of: stem, options: [.caseInsensitive]) else { continue }
            // Show the whole word(s) as written, cut at the surrounding spaces and punctuation.
            // Two words before it, within its line, so "in the comments" reads as written.
            var start = r.lowerBound, words = 0
            while start > text.startIndex {
                let before = text[text.index(before: start)]
                if before == "\n" { break }
                if before.isWhitespace {
                    words += 1
                    if words > 2 { break }
                }
                start = text.index(before: start)
            }
            while start < r.lowerBound, text[start].isWhitespace { start = text.index(after: start) }
            let end = text[r.upperBound...].firstIndex(where: { $0.isWhitespace || ".,;:!?)»”\"".contains($0) }) ?? text.endIndex
            return String(text[start..<end])
        }
        return nil
    }

    /// A run of punctuation marks that should be one mark.
    public struct PunctuationRun: Sendable, Equatable {
        public var marks: String
        public var excerpt: String
    }

    static let marks: Set<Character> = [".", ",", ":", ";", "!", "?", "…"]

    /// Runs of two or more of `. , : ; ! ? …` that no careful writer would type: "?:", "!.", "..", ",,", ".!", ":.".
    /// Allowed: an ellipsis ("..." or "…", also followed by ? or !), ? and ! together ("?!", "!!", "???"), ? or !
    /// followed by two or three dots (Russian "?.."), and a dot before a comma, colon or semicolon, which closes an
    /// abbreviation ("etc.,", "2027 г.:"). Links are skipped.
    public static func doubledPunctuation(in text: String) -> [PunctuationRun] {
        var plain = text
        for url in UTM.urls(in: text).reversed() {
            if let r = plain.range(of: url, options: .backwards) { plain.replaceSubrange(r, with: " ") }
        }
        let chars = Array(plain)
        var out: [PunctuationRun] = []
        var i = 0
        while i < chars.count {
            guard marks.contains(chars[i]) else { i += 1; continue }
            var j = i
            while j < chars.count, marks.contains(chars[j]) { j += 1 }
            let run = String(chars[i..<j])
            if j - i >= 2, !allowed(run) {
                let from = max(0, i - 24), to = min(chars.count, j + 16)
                let excerpt = (from > 0 ? "…" : "") + String(chars[from..<to]).replacingOccurrences(of: "\n", with: " ")
                    .trimmingCharacters(in: .whitespaces) + (to < chars.count ? "…" : "")
                out.append(PunctuationRun(marks: run, excerpt: excerpt))
            }
            i = j
        }
        return out
    }

    static func allowed(_ run: String) -> Bool {
        let r = run.replacingOccurrences(of: "…", with: "...")
        let emphatic: (Substring) -> Bool = { !$0.isEmpty && $0.allSatisfy { $0 == "!" || $0 == "?" } }
        if emphatic(Substring(r)) || r == "..." { return true }
        if r.hasPrefix("..."), emphatic(r.dropFirst(3)) { return true }
        if let firstDot = r.firstIndex(of: "."), emphatic(r[..<firstDot]), r[firstDot...] == ".." || r[firstDot...] == "..." { return true }
        if r.count == 2, r.first == ".", [",", ":", ";"].contains(r.last!) { return true }
        return false
    }

    static func shorten(_ url: Substring) -> String {
        url.count > 48 ? String(url.prefix(45)) + "…" : String(url)
    }
}
