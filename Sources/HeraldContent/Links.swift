import Foundation
import HeraldModel

/// Adds UTM parameters to links, keeping any query and fragment already there.
public enum UTM {
    /// The `utm_medium` for a network's posts: `email` for newsletters, `social` for the rest.
    public static func medium(for network: Network) -> String { network == .newsletter ? "email" : "social" }

    /// `utm_source`=network, `utm_medium`=social (`email` for newsletters, see `medium(for:)`), `utm_campaign`=campaign
    /// (or kind). Parameters already in the link are kept as they are; only missing ones are added.
    public static func tag(_ link: String, source: String, campaign: String, medium: String = "social") -> String {
        var base = link
        var fragment = ""
        if let hash = base.firstIndex(of: "#") {
            fragment = String(base[hash...])
            base = String(base[..<hash])
        }
        let existing: Set<String> = {
            guard let q = base.firstIndex(of: "?") else { return [] }
            return Set(base[base.index(after: q)...].split(separator: "&").map { String($0.split(separator: "=", maxSplits: 1).first ?? "") })
        }()
        var add: [String] = []
        for (k, v) in [("utm_source", source), ("utm_medium", medium), ("utm_campaign", campaign)] where !existing.contains(k) {
            add.append("\(k)=\(escape(v))")
        }
        guard !add.isEmpty else { return link }
        let joiner = base.utf8.contains(UInt8(ascii: "?")) ? (base.hasSuffix("?") || base.hasSuffix("&") ? "" : "&") : "?"
        return base + joiner + add.joined(separator: "&") + fragment
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters (ASCII letters, digits, `-._~`), byte by byte
    /// of the UTF-8, so a campaign name in any script gives a plain-ASCII query. (This runs for every delivery's link.)
    public static func escape(_ v: String) -> String {
        let hex: StaticString = "0123456789ABCDEF"
        var out: [UInt8] = []
        out.reserveCapacity(v.utf8.count)
        for b in v.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(b)
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hex.utf8Start[Int(b >> 4)])
                out.append(hex.utf8Start[Int(b & 0xF)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Every http(s) URL in a text.
    public static func urls(in text: String) -> [Substring] {
        var out: [Substring] = []
        var i = text.startIndex
        while let r = text.range(of: "http", range: i..<text.endIndex) {
            let rest = text[r.lowerBound...]
            if rest.hasPrefix("http://") || rest.hasPrefix("https://") {
                let end = rest.firstIndex { $0.isWhitespace } ?? text.endIndex
                var url = text[r.lowerBound..<end]
                while let last = url.last, ".,;:!?)»\"'".contains(last) { url = url.dropLast() }
                out.append(url)
                i = end
            } else {
                i = r.upperBound
            }
        }
        return out
    }

    /// Whether a URL carries UTM tags.
    public static func isTagged(_ url: Substring) -> Bool { url.contains("utm_source=") }
}
