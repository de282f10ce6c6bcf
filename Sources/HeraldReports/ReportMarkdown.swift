import Foundation
import HeraldModel

extension ManagementReport {
    /// Markdown for email and wikis (GitHub-flavoured tables). Text from the strategy cannot break a table or smuggle
    /// in HTML: pipes are escaped, angle brackets written as entities, line breaks folded to spaces.
    public func markdown() -> String {
        var o: [String] = []
        o.append("# \(md(brand)) — goal-to-metric plan, \(md(period))")
        o.append("")
        o.append("\(start) – \(end) · \(posts) posts · \(shareTasks) share tasks · times in \(md(timeZone)) · generated \(generatedAt)")
        o.append("")
        if !statusSummary.isEmpty {
            o.append("**Progress:** " + statusSummary.map { "\($0.metrics) \(TrackStatus(rawValue: $0.status)?.label ?? $0.status)" }.joined(separator: " · "))
            o.append("")
        }
        o.append("> \(md(statusRule))")
        for g in goals {
            o.append("")
            o.append("## Goal: \(md(g.title))")
            o.append("")
            var facts = ["`\(md(g.id))`", "kind \(g.kind)", "owner **\(md(g.owner))**", "weight \(formatNumber(g.weight))"]
            if let r = g.review { facts.append("reviewed \(md(r))") }
            o.append(facts.joined(separator: " · "))
            o.append("")
            if g.metrics.isEmpty {
                o.append("_No metrics yet: add them under the goal's `metrics:` so its progress can be measured._")
            } else {
                o.append("| Metric | Baseline → target | Direction | Deadline | Latest | Projected | Status |")
                o.append("|---|---|---|---|---|---|---|")
                for m in g.metrics {
                    let latest = m.latest.map { "\(formatValue($0.value, unit: m.unit)) (\($0.date))" } ?? "–"
                    let projected = m.projection.projected.map { formatValue($0, unit: m.unit, measure: true) } ?? "–"
                    o.append("| **\(md(m.name))** (`\(md(m.id))`) | \(formatValue(m.baseline, unit: m.unit)) → \(formatValue(m.target, unit: m.unit)) | \(m.direction == "up" ? "↑ up" : "↓ down") | \(m.deadline) | \(latest) | \(projected) | \(statusText(m.projection)) |")
                }
                o.append("")
                for m in g.metrics {
                    var line = "- **\(md(m.name))** — measured by: \(md(m.measuredBy)); owner: \(md(m.owner))."
                    if m.projection.status != .noData { line += " Status rests on \(md(m.projection.basis))." }
                    if !m.byChannel.isEmpty {
                        line += " By channel: " + m.byChannel.map { "\(md($0.channel)) \(formatValue($0.value, unit: m.unit)) (\($0.date))" }.joined(separator: ", ") + "."
                    }
                    o.append(line)
                }
            }
            o.append("")
            o.append("**Driven by** \(g.posts) planned post\(g.posts == 1 ? "" : "s")" + (g.postsByKind.isEmpty ? "." : ": " + g.postsByKind.map { "\($0.posts) \($0.kind)" }.joined(separator: ", ") + "."))
            o.append("")
            if !g.channels.isEmpty {
                o.append("| Channel | Posts | By kind |")
                o.append("|---|---|---|")
                for c in g.channels {
                    o.append("| \(md(c.channel)) (\(c.network)) | \(c.posts) | \(c.byKind.map { "\($0.kind) \($0.posts)" }.joined(separator: ", ")) |")
                }
                o.append("")
            }
            if !g.campaigns.isEmpty {
                o.append("**Campaigns:** " + g.campaigns.map { c in
                    "\(md(c.name)) (\(c.kind), \(c.start) – \(c.end), on \(c.channels.map(md).joined(separator: ", ")), \(c.posts) posts\(c.details.map { "; \(md($0))" } ?? ""))"
                }.joined(separator: "; ") + ".")
                o.append("")
            }
            if !g.people.isEmpty {
                o.append("**People:** " + g.people.map { "\(md($0.name)) \($0.posts)" }.joined(separator: ", ") + ".")
                o.append("")
            }
            o.append("**Review:** \(g.review.map(md) ?? "not set") — owner \(md(g.owner)).")
        }
        o.append("")
        o.append("## Content mix per channel (target vs planned)")
        for c in mix {
            o.append("")
            o.append("**\(md(c.channel))** (\(c.network)\(c.name.map { ", \(md($0))" } ?? "")) — \(c.posts) posts, \(c.postsPerWeek) a week")
            o.append("")
            o.append("| Kind | Target share | Target posts | Planned |")
            o.append("|---|---|---|---|")
            for k in c.kinds where k.share > 0 || k.planned > 0 {
                o.append("| \(k.kind) | \(formatNumber(k.share * 100, decimals: 0))% | \(k.target) | \(k.planned)\(abs(k.planned - k.target) > 1 ? " ⚠" : "") |")
            }
        }
        o += whatWorkedMarkdown()
        o += spendMarkdown()
        o.append("")
        o.append("## Participants' load")
        o.append("")
        o.append("| Person | Role | Posts | Busiest week | Capacity a week | Shares | Time off in the period |")
        o.append("|---|---|---|---|---|---|---|")
        for p in people {
            let name = md(p.name) + (p.eligible ? "" : " (not trained or rules not accepted)")
            o.append("| \(name) | \(md(p.role)) | \(p.posts) | \(p.busiestWeek) | \(p.capacityPerWeek) | \(p.shares) | \(p.timeOff.isEmpty ? "–" : p.timeOff.joined(separator: ", ")) |")
        }
        o.append("")
        o.append("## Answering people")
        o.append("")
        let responseMetrics = goals.flatMap(\.metrics).filter { response.metrics.contains($0.id) }
        if responseMetrics.isEmpty {
            o.append("No response-time or response-rate metric in the strategy: add one, because most people expect a reply.")
        }
        for m in responseMetrics {
            o.append("- **\(md(m.name))**: \(formatValue(m.baseline, unit: m.unit)) → \(formatValue(m.target, unit: m.unit)) by \(m.deadline) (\(m.direction == "down" ? "lower is better" : "higher is better")) — \(statusText(m.projection)).")
        }
        o.append("- In a crisis, the first public reply goes out within \(formatNumber(response.crisisResponseHours)) hour\(response.crisisResponseHours == 1 ? "" : "s").")
        o.append("")
        if let listening { o += listening.markdown() }
        o.append("## Crisis playbook in brief")
        o.append("")
        var who = "First public response within \(formatNumber(crisis.responseHours)) hour\(crisis.responseHours == 1 ? "" : "s"), then an update every \(formatNumber(crisis.updateEveryDays)) day\(crisis.updateEveryDays == 1 ? "" : "s")"
        if let owner = crisis.owner { who += "; \(md(owner)) owns the checklist and approves crisis posts" }
        o.append(who + ".")
        if let alert = crisis.alert { o.append("Alert: \(md(alert)).") }
        o.append("")
        for (i, s) in crisis.steps.enumerated() { o.append("\(i + 1). \(md(s))") }
        o.append("")
        for p in crisis.practice { o.append("- \(md(p))") }
        if !crises.isEmpty {
            o.append("")
            o.append("### Crises in the period")
            o.append("")
            for c in crises { o.append("- \(md(c.title)) (`\(md(c.id))`): opened \(c.opened)\(c.closed.map { ", closed \($0)" } ?? ""), \(md(c.status))\(c.notes.map { ". \(md($0))" } ?? "")") }
        }
        o.append("")
        return o.joined(separator: "\n")
    }

    func statusText(_ p: ProjectionResult) -> String {
        switch p.status {
        case .onTrack: "✅ on track"
        case .atRisk: "⚠️ at risk"
        case .offTrack: "❌ off track"
        case .noData: "no data yet"
        }
    }
}

/// Makes text safe inside Markdown (and table cells): no raw HTML, no cell breaks, no line breaks.
func md(_ text: String) -> String {
    var out = ""
    for ch in text {
        switch ch {
        case "|": out += "\\|"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\n", "\r\n", "\r", "\t": out += " "
        case "`": out += "'"
        default: out.append(ch)
        }
    }
    return out
}
