import Foundation
import HeraldModel

extension ManagementReport {
    static let css = """
    main { max-width: 1100px; margin: 0 auto; }
    .summary { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0 12px; }
    .pill { display: inline-block; padding: 1px 9px; border-radius: 999px; font-size: 12px; font-weight: 600; color: #fff; white-space: nowrap; }
    .rule { background: var(--soft); border: 1px solid var(--line); border-radius: 8px; padding: 8px 12px; color: #374151; font-size: 13px; }
    section.goal, section.part { border-top: 2px solid var(--ink); margin-top: 28px; padding-top: 4px; }
    .facts { color: var(--muted); margin: 0 0 10px; }
    .facts b { color: var(--ink); }
    .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr)); gap: 12px; }
    .card { border: 1px solid var(--line); border-radius: 10px; padding: 10px 12px; break-inside: avoid; }
    .card h3 { margin: 0 0 4px; display: flex; justify-content: space-between; gap: 8px; align-items: baseline; }
    .card dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 6px 0; font-size: 13px; }
    .card dt { color: var(--muted); }
    .card dd { margin: 0; }
    svg.chart { width: 100%; height: auto; display: block; }
    svg.chart .ax { font-size: 10px; fill: #6b7280; }
    svg.chart .tg { font-size: 10px; fill: #15803d; font-weight: 600; }
    svg.bar { vertical-align: middle; }
    table.data { width: 100%; margin: 6px 0 12px; font-size: 13px; }
    table.data th { text-align: left; color: var(--muted); font-weight: 600; border-bottom: 1px solid var(--line); padding: 4px 8px 4px 0; }
    table.data td { border-bottom: 1px solid var(--line); padding: 4px 8px 4px 0; vertical-align: top; }
    table.data td.num, table.data th.num { text-align: right; font-variant-numeric: tabular-nums; }
    .chip { display: inline-block; border-left: 4px solid #999; padding: 0 6px; margin: 1px 4px 1px 0; border-radius: 3px; font-size: 12px; white-space: nowrap; }
    .mixgrid { display: grid; grid-template-columns: repeat(auto-fill, minmax(480px, 1fr)); gap: 12px; }
    .warn { color: #b45309; font-weight: 600; }
    ol.steps li { margin: 2px 0; }
    @media (max-width: 720px) {
      body { padding: 10px; }
      .cards, .mixgrid { grid-template-columns: 1fr; }
      table.data { display: block; overflow-x: auto; }
    }
    @media print {
      @page { margin: 14mm; }
      body { padding: 0; font-size: 9.5pt; }
      section.goal, section#mix { break-before: page; border-top: 0; }
      .cards, .mixgrid { grid-template-columns: 1fr 1fr; gap: 8px; }
      .card { border-color: #bbb; padding: 6px 8px; }
      .card dl { font-size: 8.5pt; }
      table.data { font-size: 8.5pt; }
      h2 { margin-top: 8px; }
      a { color: inherit; text-decoration: none; }
      .pill, .chip, .swatch, svg { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
    }
    """

    func pill(_ s: TrackStatus) -> String {
        "<span class=\"pill\" style=\"background:\(s.color)\">\(htmlEscape(s.label))</span>"
    }

    func chip(_ kind: String, _ text: String) -> String {
        "<span class=\"chip k-\(htmlEscape(kind))\">\(htmlEscape(text))</span>"
    }

    /// A self-contained page with inline SVG charts, readable on a phone and printable to PDF (one goal per page).
    public func html() -> String {
        var o = HTMLPage.begin(title: "\(brand) — goal-to-metric plan \(period)", css: Self.css, lang: "en")
        o += "<main>\n<header><h1>\(htmlEscape(brand)) — goal-to-metric plan, \(htmlEscape(period))</h1>\n"
        o += "<p class=\"meta\">\(start) – \(end) · \(posts) posts · \(shareTasks) share tasks · times in \(htmlEscape(timeZone)) · generated \(generatedAt)</p>\n"
        if !statusSummary.isEmpty {
            o += "<div class=\"summary\">" + statusSummary.map { c in
                let st = TrackStatus(rawValue: c.status) ?? .noData
                return "<span class=\"pill\" style=\"background:\(st.color)\">\(c.metrics) \(htmlEscape(st.label))</span>"
            }.joined() + "</div>\n"
        }
        o += "<p class=\"rule\">\(htmlEscape(statusRule))</p>\n</header>\n"
        for g in goals { o += goalSection(g) }
        o += mixSection()
        o += whatWorkedHTML()
        o += spendHTML()
        o += peopleSection()
        o += responseSection()
        if let listening { o += listening.html() }
        o += crisisSection()
        o += "</main>\n" + HTMLPage.end
        return o
    }

    func goalSection(_ g: GoalSection) -> String {
        let startDate = LocalDate(iso: start)!, endDate = LocalDate(iso: end)!
        var o = "<section class=\"goal\" id=\"goal-\(htmlEscape(g.id))\">\n<h2>Goal: \(htmlEscape(g.title))</h2>\n"
        o += "<p class=\"facts\"><b>\(htmlEscape(g.id))</b> · kind \(htmlEscape(g.kind)) · owner <b>\(htmlEscape(g.owner))</b> · weight \(formatNumber(g.weight)) · review <b>\(htmlEscape(g.review ?? "not set"))</b></p>\n"
        if g.metrics.isEmpty {
            o += "<p class=\"warn\">No metrics yet: add them under the goal's metrics so its progress can be measured.</p>\n"
        } else {
            o += "<div class=\"cards\">\n"
            for m in g.metrics {
                o += "<div class=\"card\"><h3><span>\(htmlEscape(m.name))</span>\(pill(m.projection.status))</h3><dl>"
                o += "<dt>Baseline → target</dt><dd>\(htmlEscape(formatValue(m.baseline, unit: m.unit))) → <b>\(htmlEscape(formatValue(m.target, unit: m.unit)))</b> \(m.direction == "up" ? "(↑ higher is better)" : "(↓ lower is better)")</dd>"
                o += "<dt>Deadline</dt><dd>\(m.deadline)</dd>"
                if let l = m.latest { o += "<dt>Latest</dt><dd><b>\(htmlEscape(formatValue(l.value, unit: m.unit)))</b> on \(l.date)</dd>" }
                if let p = m.projection.projected {
                    o += "<dt>Projected</dt><dd>\(htmlEscape(formatValue(p, unit: m.unit, measure: true))) by the deadline (\(formatNumber((m.projection.progress ?? 0) * 100, decimals: 0))% of the way) — \(htmlEscape(m.projection.basis))</dd>"
                }
                if !m.byChannel.isEmpty {
                    o += "<dt>By channel</dt><dd>" + m.byChannel.map { "\(htmlEscape($0.channel)) \(htmlEscape(formatValue($0.value, unit: m.unit))) (\($0.date))" }.joined(separator: ", ") + "</dd>"
                }
                o += "<dt>Measured by</dt><dd>\(htmlEscape(m.measuredBy))</dd><dt>Owner</dt><dd>\(htmlEscape(m.owner))</dd></dl>"
                o += SVGCharts.metric(m, start: startDate, end: endDate) + "</div>\n"
            }
            o += "</div>\n"
        }
        o += "<h3>Driven by \(g.posts) planned post\(g.posts == 1 ? "" : "s")</h3>\n<p>" + g.postsByKind.map { chip($0.kind, "\($0.posts) \($0.kind)") }.joined() + "</p>\n"
        if !g.channels.isEmpty {
            o += "<table class=\"data\"><thead><tr><th>Channel</th><th class=\"num\">Posts</th><th>By kind</th></tr></thead><tbody>"
            for c in g.channels {
                o += "<tr><td>\(htmlEscape(c.channel)) <span class=\"muted\">(\(htmlEscape(c.network)))</span></td><td class=\"num\">\(c.posts)</td><td>" + c.byKind.map { chip($0.kind, "\($0.posts) \($0.kind)") }.joined() + "</td></tr>"
            }
            o += "</tbody></table>\n"
        }
        if !g.campaigns.isEmpty {
            o += "<h3>Campaigns</h3><ul>" + g.campaigns.map { c in
                "<li><b>\(htmlEscape(c.name))</b> (\(htmlEscape(c.kind)), \(c.start) – \(c.end), on \(htmlEscape(c.channels.joined(separator: ", "))), \(c.posts) post\(c.posts == 1 ? "" : "s"))\(c.details.map { ": \(htmlEscape($0))" } ?? "")</li>"
            }.joined() + "</ul>\n"
        }
        if !g.people.isEmpty {
            o += "<h3>People</h3><p>" + g.people.map { "\(htmlEscape($0.name)) <b>\($0.posts)</b>" }.joined(separator: " · ") + "</p>\n"
        }
        return o + "</section>\n"
    }

    func mixSection() -> String {
        var o = "<section class=\"part\" id=\"mix\">\n<h2>Content mix per channel: target vs planned</h2>\n"
        o += HTMLPage.legend(kinds.compactMap(ContentKind.init(rawValue:)))
        o += "<div class=\"mixgrid\">\n"
        for c in mix {
            o += "<div class=\"card\"><h3><span>\(htmlEscape(c.channel))</span><span class=\"muted\">\(htmlEscape(c.network)) · \(c.posts) posts · \(c.postsPerWeek) a week</span></h3>"
            o += SVGCharts.weeklyMix(c, kinds: kinds)
            o += "<table class=\"data\"><thead><tr><th>Kind</th><th class=\"num\">Target share</th><th class=\"num\">Target</th><th class=\"num\">Planned</th></tr></thead><tbody>"
            for k in c.kinds where k.share > 0 || k.planned > 0 {
                let off = abs(k.planned - k.target) > 1
                o += "<tr><td>\(chip(k.kind, k.kind))</td><td class=\"num\">\(formatNumber(k.share * 100, decimals: 0))%</td><td class=\"num\">\(k.target)</td><td class=\"num\(off ? " warn" : "")\">\(k.planned)</td></tr>"
            }
            o += "</tbody></table></div>\n"
        }
        return o + "</div>\n</section>\n"
    }

    func peopleSection() -> String {
        let scale = max(people.map(\.capacityPerWeek).max() ?? 1, people.map(\.busiestWeek).max() ?? 1)
        var o = "<section class=\"part\" id=\"people\">\n<h2>Participants' load</h2>\n"
        o += "<table class=\"data\"><thead><tr><th>Person</th><th>Role</th><th class=\"num\">Posts</th><th>Busiest week vs capacity</th><th class=\"num\">Shares</th><th>Time off</th></tr></thead><tbody>"
        for p in people {
            o += "<tr><td>\(htmlEscape(p.name))\(p.eligible ? "" : " <span class=\"warn\">not trained or rules not accepted</span>")</td><td>\(htmlEscape(p.role))</td><td class=\"num\">\(p.posts)</td>"
            o += "<td>\(SVGCharts.load(busiest: p.busiestWeek, capacity: p.capacityPerWeek, scale: scale)) \(p.busiestWeek) / \(p.capacityPerWeek)</td><td class=\"num\">\(p.shares)</td>"
            o += "<td>\(htmlEscape(p.timeOff.isEmpty ? "–" : p.timeOff.joined(separator: ", ")))</td></tr>"
        }
        return o + "</tbody></table>\n</section>\n"
    }

    func responseSection() -> String {
        var o = "<section class=\"part\" id=\"response\">\n<h2>Answering people</h2>\n<ul>"
        let list = goals.flatMap(\.metrics).filter { response.metrics.contains($0.id) }
        if list.isEmpty { o += "<li class=\"warn\">No response-time or response-rate metric in the strategy: add one, because most people expect a reply.</li>" }
        for m in list {
            o += "<li><b>\(htmlEscape(m.name))</b>: \(htmlEscape(formatValue(m.baseline, unit: m.unit))) → \(htmlEscape(formatValue(m.target, unit: m.unit))) by \(m.deadline) (\(m.direction == "down" ? "lower is better" : "higher is better")) \(pill(m.projection.status))</li>"
        }
        o += "<li>In a crisis, the first public reply goes out within \(formatNumber(response.crisisResponseHours)) hour\(response.crisisResponseHours == 1 ? "" : "s").</li>"
        return o + "</ul>\n</section>\n"
    }

    func crisisSection() -> String {
        var o = "<section class=\"part\" id=\"crisis\">\n<h2>Crisis playbook in brief</h2>\n<p>"
        o += "First public response within <b>\(formatNumber(crisis.responseHours)) hour\(crisis.responseHours == 1 ? "" : "s")</b>, then an update every <b>\(formatNumber(crisis.updateEveryDays)) day\(crisis.updateEveryDays == 1 ? "" : "s")</b>"
        if let owner = crisis.owner { o += "; <b>\(htmlEscape(owner))</b> owns the checklist and approves crisis posts" }
        o += ".\(crisis.alert.map { " Alert: \(htmlEscape($0))." } ?? "")</p>\n<ol class=\"steps\">"
        o += crisis.steps.map { "<li>\(htmlEscape($0))</li>" }.joined() + "</ol>\n<ul>" + crisis.practice.map { "<li>\(htmlEscape($0))</li>" }.joined() + "</ul>\n"
        if !crises.isEmpty {
            o += "<h3>Crises in the period</h3><ul>" + crises.map { c in
                "<li><b>\(htmlEscape(c.title))</b> (\(htmlEscape(c.id))): opened \(htmlEscape(c.opened))\(c.closed.map { ", closed \(htmlEscape($0))" } ?? ""), \(htmlEscape(c.status))\(c.notes.map { ". \(htmlEscape($0))" } ?? "")</li>"
            }.joined() + "</ul>\n"
        }
        return o + "</section>\n"
    }
}
