import Foundation
import HeraldModel

/// The shell shared by Herald's HTML files: one self-contained page (inline CSS, SVG and script, no network),
/// written so that it is also well-formed XML (void elements closed, attributes quoted, script and style in CDATA),
/// which lets tests parse it strictly.
enum HTMLPage {
    /// The colour of each content kind: in the calendar's chips, the legend and the report's charts.
    static func color(_ k: ContentKind) -> String {
        switch k {
        case .informational: "#2563eb"
        case .engagement: "#059669"
        case .socialProof: "#7c3aed"
        case .contest: "#d97706"
        case .discount: "#dc2626"
        case .crisis: "#111827"
        }
    }

    static let baseCSS = """
    :root { --ink: #1f2937; --muted: #6b7280; --line: #e5e7eb; --paper: #ffffff; --soft: #f9fafb; }
    * { box-sizing: border-box; }
    html { -webkit-text-size-adjust: 100%; }
    body { margin: 0; padding: 16px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: var(--ink); background: var(--paper); }
    h1 { font-size: 22px; margin: 0 0 4px; }
    h2 { font-size: 18px; margin: 24px 0 8px; }
    h3 { font-size: 15px; margin: 16px 0 6px; }
    p.meta { color: var(--muted); margin: 0 0 12px; }
    table { border-collapse: collapse; }
    .swatch { display: inline-block; width: 12px; height: 12px; border-radius: 3px; vertical-align: -1px; margin-right: 4px; }
    ul.legend { list-style: none; padding: 0; margin: 8px 0 12px; display: flex; flex-wrap: wrap; gap: 4px 16px; }
    .muted { color: var(--muted); }
    """

    static func kindCSS() -> String {
        ContentKind.allCases.map { k in
            ".k-\(k.rawValue), .post.k-\(k.rawValue), .chip.k-\(k.rawValue) { border-left-color: \(color(k)); background: \(color(k))14; } .sw-\(k.rawValue) { background: \(color(k)); }"
        }.joined(separator: "\n")
    }

    static func begin(title: String, css: String, lang: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="\(htmlEscape(lang))" xmlns="http://www.w3.org/1999/xhtml">
        <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="generator" content="Herald" />
        <title>\(htmlEscape(title))</title>
        <style>/*<![CDATA[*/
        \(baseCSS)
        \(kindCSS())
        \(css)
        /*]]>*/</style>
        </head>
        <body>

        """
    }

    static func script(_ js: String) -> String {
        "<script>//<![CDATA[\n\(js)\n//]]></script>\n"
    }

    static let end = "</body>\n</html>\n"

    static func legend(_ kinds: [ContentKind]) -> String {
        "<ul class=\"legend\">" + kinds.map { k in
            "<li><span class=\"swatch sw-\(k.rawValue)\"></span>\(htmlEscape(k.label))</li>"
        }.joined() + "</ul>\n"
    }
}
