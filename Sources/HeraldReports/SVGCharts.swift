import Foundation
import HeraldModel

/// Small inline SVG charts for the HTML report: no scripts, no network, readable when printed.
enum SVGCharts {
    static func n(_ v: Double) -> String { formatNumber(v, decimals: 1) }

    static let monthAbbr = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// A metric's readings against its target: the planned path from baseline to target (grey, dashed), the target
    /// (green, dashed), the readings (blue, with dots), the projection to the deadline (dotted, in the status colour).
    static func metric(_ m: ManagementReport.MetricSection, start: LocalDate, end: LocalDate) -> String {
        let w = 440.0, h = 160.0, left = 56.0, right = 14.0, top = 14.0, bottom = 26.0
        guard let deadline = LocalDate(iso: m.deadline) else { return "" }
        let readings = m.readings.compactMap { r in LocalDate(iso: r.date).map { ($0, r.value) } }
        let last = max(deadline, end, readings.last?.0 ?? deadline)
        let span = Double(max(1, start.days(to: last)))
        var values = [m.baseline, m.target] + readings.map(\.1)
        if let p = m.projection.projected { values.append(p) }
        var lo = values.min()!, hi = values.max()!
        if hi - lo < 1e-9 { lo -= 1; hi += 1 }
        let pad = (hi - lo) * 0.1
        lo -= pad; hi += pad
        func x(_ d: LocalDate) -> Double { left + (w - left - right) * Double(start.days(to: d)) / span }
        func y(_ v: Double) -> Double { top + (h - top - bottom) * (1 - (v - lo) / (hi - lo)) }
        let label = "\(m.name): baseline \(formatValue(m.baseline, unit: m.unit)), target \(formatValue(m.target, unit: m.unit)) by \(m.deadline), \(m.readings.count) reading\(m.readings.count == 1 ? "" : "s"), \(m.projection.status.label)"
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(n(w)) \(n(h))\" role=\"img\" aria-label=\"\(htmlEscape(label))\">"
        s += "<title>\(htmlEscape(label))</title>"
        // Frame and axis labels.
        s += "<line x1=\"\(n(left))\" y1=\"\(n(h - bottom))\" x2=\"\(n(w - right))\" y2=\"\(n(h - bottom))\" stroke=\"#d1d5db\"/>"
        s += "<text x=\"\(n(left - 6))\" y=\"\(n(top + 8))\" text-anchor=\"end\" class=\"ax\">\(htmlEscape(formatNumber(hi)))</text>"
        s += "<text x=\"\(n(left - 6))\" y=\"\(n(h - bottom))\" text-anchor=\"end\" class=\"ax\">\(htmlEscape(formatNumber(lo)))</text>"
        s += "<text x=\"\(n(left))\" y=\"\(n(h - 8))\" class=\"ax\">\(start.iso)</text>"
        let dx = x(deadline)
        s += "<line x1=\"\(n(dx))\" y1=\"\(n(top))\" x2=\"\(n(dx))\" y2=\"\(n(h - bottom))\" stroke=\"#e5e7eb\"/>"
        s += "<text x=\"\(n(min(dx, w - right)))\" y=\"\(n(h - 8))\" text-anchor=\"end\" class=\"ax\">deadline \(deadline.iso)</text>"
        // Planned path and target.
        s += "<line x1=\"\(n(x(start)))\" y1=\"\(n(y(m.baseline)))\" x2=\"\(n(dx))\" y2=\"\(n(y(m.target)))\" stroke=\"#9ca3af\" stroke-dasharray=\"5 4\"/>"
        s += "<line x1=\"\(n(left))\" y1=\"\(n(y(m.target)))\" x2=\"\(n(w - right))\" y2=\"\(n(y(m.target)))\" stroke=\"#15803d\" stroke-dasharray=\"2 3\"/>"
        let targetAbove = y(m.target) - 4 > top + 10
        s += "<text x=\"\(n(left + 4))\" y=\"\(n(targetAbove ? y(m.target) - 4 : y(m.target) + 12))\" class=\"tg\">target \(htmlEscape(formatValue(m.target, unit: m.unit)))</text>"
        // Projection.
        if let p = m.projection.projected, let lastReading = readings.last {
            var from = (x(lastReading.0), y(lastReading.1))
            if let slope = m.projection.slopePerDay, let first = readings.first {
                let total = Double(start.days(to: deadline))
                let v = p - slope * (total - Double(start.days(to: first.0)))
                from = (x(first.0), y(v))
            }
            s += "<line x1=\"\(n(from.0))\" y1=\"\(n(from.1))\" x2=\"\(n(dx))\" y2=\"\(n(y(p)))\" stroke=\"\(m.projection.status.color)\" stroke-width=\"1.5\" stroke-dasharray=\"1 3\" stroke-linecap=\"round\"/>"
            s += "<circle cx=\"\(n(dx))\" cy=\"\(n(y(p)))\" r=\"3\" fill=\"#fff\" stroke=\"\(m.projection.status.color)\"/>"
        }
        // Readings.
        if readings.count > 1 {
            s += "<polyline fill=\"none\" stroke=\"#2563eb\" stroke-width=\"2\" points=\"\(readings.map { "\(n(x($0.0))),\(n(y($0.1)))" }.joined(separator: " "))\"/>"
        }
        for r in readings {
            s += "<circle cx=\"\(n(x(r.0)))\" cy=\"\(n(y(r.1)))\" r=\"3.5\" fill=\"#2563eb\"><title>\(r.0.iso): \(htmlEscape(formatValue(r.1, unit: m.unit)))</title></circle>"
        }
        if readings.isEmpty {
            s += "<text x=\"\(n((left + w - right) / 2))\" y=\"\(n(top + (h - top - bottom) / 2))\" text-anchor=\"middle\" class=\"ax\">no readings yet</text>"
        }
        return s + "</svg>"
    }

    /// A channel's posts per week, stacked by kind, with the cadence as a dashed line.
    static func weeklyMix(_ c: ManagementReport.ChannelMix, kinds: [String]) -> String {
        let barW = 22.0, gap = 8.0, left = 28.0, top = 10.0, bottom = 30.0, h = 150.0
        let w = left + Double(c.weeks.count) * (barW + gap) + 8
        let maxTotal = Double(max(c.weeks.map(\.total).max() ?? 0, c.postsPerWeek, 1))
        func y(_ v: Double) -> Double { top + (h - top - bottom) * (1 - v / maxTotal) }
        let label = "\(c.channel): posts per week by kind; cadence \(c.postsPerWeek) a week"
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart mix\" viewBox=\"0 0 \(n(w)) \(n(h))\" role=\"img\" aria-label=\"\(htmlEscape(label))\">"
        s += "<title>\(htmlEscape(label))</title>"
        s += "<text x=\"\(n(left - 6))\" y=\"\(n(y(maxTotal) + 8))\" text-anchor=\"end\" class=\"ax\">\(Int(maxTotal))</text>"
        s += "<text x=\"\(n(left - 6))\" y=\"\(n(h - bottom))\" text-anchor=\"end\" class=\"ax\">0</text>"
        s += "<line x1=\"\(n(left))\" y1=\"\(n(h - bottom))\" x2=\"\(n(w - 4))\" y2=\"\(n(h - bottom))\" stroke=\"#d1d5db\"/>"
        var lastMonth = 0
        for (i, week) in c.weeks.enumerated() {
            let x0 = left + Double(i) * (barW + gap) + gap / 2
            var acc = 0.0
            for (k, count) in week.counts.enumerated() where count > 0 {
                let kind = ContentKind(rawValue: kinds[k]) ?? .informational
                let y1 = y(acc + Double(count)), y0 = y(acc)
                s += "<rect x=\"\(n(x0))\" y=\"\(n(y1))\" width=\"\(n(barW))\" height=\"\(n(max(0, y0 - y1 - 1)))\" fill=\"\(HTMLPage.color(kind))\"><title>week of \(week.week): \(count) \(htmlEscape(kind.label.lowercased()))</title></rect>"
                acc += Double(count)
            }
            if let d = LocalDate(iso: week.week) {
                let text = d.month != lastMonth ? "\(monthAbbr[d.month - 1]) \(d.day)" : "\(d.day)"
                lastMonth = d.month
                s += "<text x=\"\(n(x0 + barW / 2))\" y=\"\(n(h - bottom + 13))\" text-anchor=\"middle\" class=\"ax\">\(text)</text>"
            }
        }
        let cy = y(Double(c.postsPerWeek))
        s += "<line x1=\"\(n(left))\" y1=\"\(n(cy))\" x2=\"\(n(w - 4))\" y2=\"\(n(cy))\" stroke=\"#111827\" stroke-dasharray=\"4 3\" stroke-width=\"1\"/>"
        s += "<text x=\"\(n(w - 4))\" y=\"\(n(h - 4))\" text-anchor=\"end\" class=\"ax\">weeks (Monday) · dashed: \(c.postsPerWeek) a week</text>"
        return s + "</svg>"
    }

    /// A horizontal bar: the busiest week against the weekly capacity.
    static func load(busiest: Int, capacity: Int, scale: Int) -> String {
        let w = 160.0, h = 14.0
        let unit = w / Double(max(1, scale))
        let over = busiest > capacity
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"bar\" viewBox=\"0 0 \(n(w)) \(n(h))\" width=\"\(n(w))\" height=\"\(n(h))\" role=\"img\" aria-label=\"busiest week \(busiest) of \(capacity)\">"
        s += "<rect x=\"0\" y=\"2\" width=\"\(n(unit * Double(capacity)))\" height=\"10\" fill=\"#e5e7eb\"/>"
        s += "<rect x=\"0\" y=\"2\" width=\"\(n(unit * Double(busiest)))\" height=\"10\" fill=\"\(over ? "#b91c1c" : "#2563eb")\"/>"
        return s + "</svg>"
    }
}
