import Foundation
import HeraldResults

extension ManagementReport {
    static func groupCells(_ g: Rollup.Group) -> (median: String, iqr: String, interval: String) {
        let f = { (v: Double?) in v.map(Rollup.format) ?? "–" }
        return (f(g.median), g.q1.map { "\(Rollup.format($0))–\(f(g.q3))" } ?? "–", g.low.map { "\(Rollup.format($0))–\(f(g.high))" } ?? "–")
    }

    static func dimensionTitle(_ d: String) -> String {
        switch d {
        case "balance": "Promotion vs information"
        case "kind": "By kind"
        case "channel": "By channel"
        case "weekday": "By weekday"
        case "slot": "By time slot"
        case "campaign": "By campaign"
        case "owner": "By owner"
        default: d
        }
    }

    /// "What worked" in Markdown (empty when the report has no results part).
    func whatWorkedMarkdown() -> [String] {
        guard let w = whatWorked else { return [] }
        var o = ["", "## What worked", ""]
        guard w.measured > 0 else {
            o.append(w.published == 0 ? "No published posts in the period yet." : "No results for the period's \(w.published) published posts yet: import them with `herald results import FILE`.")
            return o
        }
        o.append("\(w.measured) of \(w.published) published posts measured; compared on **\(md(w.metric))**: \(md(w.definition)).")
        o.append("")
        o.append("_Method: \(md(w.method))_")
        for r in w.comparisons where !r.groups.isEmpty {
            o.append("")
            o.append("### \(Self.dimensionTitle(r.dimension))")
            o.append("")
            o.append("| \(md(r.dimension)) | Posts | Median | IQR | 95% interval | Comments +/·/− |")
            o.append("|---|---|---|---|---|---|")
            for g in r.groups {
                let c = Self.groupCells(g)
                o.append("| \(md(g.key)) | \(g.posts)\(g.enough ? "" : " (few)") | \(c.median) | \(c.iqr) | \(c.interval) | \(g.sentiment.positive)/\(g.sentiment.neutral)/\(g.sentiment.negative) |")
            }
            o.append("")
            for f in r.findings { o.append("- **Finding:** \(md(f))") }
            for n in r.notes { o.append("- \(md(n))") }
        }
        return o
    }

    /// "What worked" in HTML (empty when the report has no results part).
    func whatWorkedHTML() -> String {
        guard let w = whatWorked else { return "" }
        var o = "<section class=\"part\" id=\"what-worked\">\n<h2>What worked</h2>\n"
        guard w.measured > 0 else {
            return o + "<p>\(w.published == 0 ? "No published posts in the period yet." : "No results for the period’s \(w.published) published posts yet: import them with <code>herald results import FILE</code>.")</p>\n</section>\n"
        }
        o += "<p>\(w.measured) of \(w.published) published posts measured; compared on <strong>\(htmlEscape(w.metric))</strong>: \(htmlEscape(w.definition)).</p>\n"
        o += "<p class=\"rule\">Method: \(htmlEscape(w.method))</p>\n"
        for r in w.comparisons where !r.groups.isEmpty {
            o += "<h3>\(htmlEscape(Self.dimensionTitle(r.dimension)))</h3>\n"
            o += "<table class=\"data\"><thead><tr><th>\(htmlEscape(r.dimension))</th><th class=\"num\">Posts</th><th class=\"num\">Median</th><th>IQR</th><th>95% interval</th><th>Comments +/·/−</th></tr></thead><tbody>"
            for g in r.groups {
                let c = Self.groupCells(g)
                o += "<tr><td>\(htmlEscape(g.key))</td><td class=\"num\">\(g.posts)\(g.enough ? "" : " <span class=\"warn\">few</span>")</td><td class=\"num\">\(c.median)</td><td>\(c.iqr)</td><td>\(c.interval)</td>"
                o += "<td>\(g.sentiment.positive)/\(g.sentiment.neutral)/\(g.sentiment.negative)</td></tr>"
            }
            o += "</tbody></table>\n<ul>"
            for f in r.findings { o += "<li><strong>Finding:</strong> \(htmlEscape(f))</li>" }
            for n in r.notes { o += "<li>\(htmlEscape(n))</li>" }
            o += "</ul>\n"
        }
        return o + "</section>\n"
    }
}
