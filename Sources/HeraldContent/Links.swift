import Foundation

/// Adds UTM parameters to links, keeping any query and fragment already there.
public enum UTM {
    /// `utm_source`=network, `utm_medium`=social, `utm_campaign`=campaign (or kind). Parameters already in the
    /// link are kept as they are; only missing ones are added.
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
        let joiner = base.contains("?") ? (base.hasSuffix("?") || base.hasSuffix("&") ? "" : "&") : "?"
        return base + joiner + add.joined(separator: "&") + fragment
    }

    static func escape(_ v: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return v.addingPercentEncoding(withAllowedCharacters: allowed) ?? v
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
