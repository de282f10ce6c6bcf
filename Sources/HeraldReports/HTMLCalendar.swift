import Foundation
import HeraldModel
import HeraldPlanner

/// The content calendar as one self-contained HTML file: a month grid per month, each post in its day with its
/// kind's colour, time, channel, title and owner; a legend; and filters by channel, owner, kind and status that work
/// offline. On a phone the grid becomes a list of days. Every text from the strategy or a post is escaped.
public struct HTMLCalendar {
    public var strategy: Strategy
    public var clock: ZoneClock
    public var range: DateRange
    public var title: String
    public var generatedAt: Date
    /// Holidays and observances to mark on their days.
    public var marks: CalendarDays

    public init(strategy: Strategy, clock: ZoneClock, range: DateRange, title: String, generatedAt: Date,
                marks: CalendarDays = CalendarDays()) {
        self.strategy = strategy; self.clock = clock; self.range = range; self.title = title
        self.generatedAt = generatedAt; self.marks = marks
    }

    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                             "October", "November", "December"]

    static let css = """
    header { margin-bottom: 8px; }
    form.filters { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; padding: 8px 12px; background: var(--soft); border: 1px solid var(--line); border-radius: 8px; position: sticky; top: 0; z-index: 2; }
    form.filters label { display: flex; gap: 6px; align-items: center; font-weight: 600; }
    form.filters select { font: inherit; padding: 3px 6px; border: 1px solid #d1d5db; border-radius: 6px; background: #fff; max-width: 12em; }
    form.filters output { color: var(--muted); margin-left: auto; }
    table.grid { width: 100%; table-layout: fixed; }
    table.grid th { text-align: left; font-weight: 600; color: var(--muted); padding: 4px 6px; border-bottom: 1px solid var(--line); }
    table.grid td { vertical-align: top; border: 1px solid var(--line); padding: 4px; height: 96px; }
    td.out { background: var(--soft); }
    td.blackout { background: repeating-linear-gradient(135deg, #fff, #fff 6px, #f3f4f6 6px, #f3f4f6 12px); }
    .dn { font-weight: 700; margin-bottom: 2px; }
    .dn .wd { display: none; }
    .mark { display: block; font-size: 11px; font-weight: 400; color: var(--muted); }
    .mark.blackout { color: #b91c1c; }
    ul.posts { list-style: none; margin: 0; padding: 0; }
    li.post { border-left: 4px solid #999; border-radius: 4px; padding: 2px 4px; margin: 3px 0; font-size: 12px; line-height: 1.3; overflow-wrap: anywhere; }
    li.post .when { font-weight: 700; font-variant-numeric: tabular-nums; }
    li.post .ch { font-weight: 600; }
    li.post .who { color: var(--muted); }
    li.post .what { display: block; }
    li.s-cancelled .what, li.s-expired .what, li.s-failed .what { text-decoration: line-through; }
    li.post .st { font-size: 10px; text-transform: uppercase; letter-spacing: .03em; color: var(--muted); }
    .hidden { display: none !important; }
    @media (max-width: 720px) {
      body { padding: 10px; }
      table.grid, table.grid tbody, table.grid tr, table.grid td { display: block; width: 100%; }
      table.grid thead { display: none; }
      table.grid td { height: auto; border: 0; border-bottom: 1px solid var(--line); padding: 8px 2px; }
      table.grid td.out, table.grid td.none { display: none; }
      .dn .wd { display: inline; }
      li.post { font-size: 14px; }
      form.filters output { margin-left: 0; }
    }
    @media print { form.filters { display: none; } table.grid td { height: auto; } section.month { break-inside: avoid; } }
    """

    static let js = """
    (function () {
      var form = document.getElementById('filters');
      if (!form) { return; }
      var selects = form.querySelectorAll('select');
      var posts = document.querySelectorAll('li.post');
      var days = document.querySelectorAll('td.day');
      var shown = document.getElementById('shown');
      function apply() {
        var count = 0;
        for (var i = 0; i < posts.length; i++) {
          var ok = true;
          for (var j = 0; j < selects.length; j++) {
            var want = selects[j].value;
            if (want !== '' && posts[i].getAttribute('data-' + selects[j].name) !== want) { ok = false; }
          }
          posts[i].classList.toggle('hidden', !ok);
          if (ok) { count++; }
        }
        for (var d = 0; d < days.length; d++) {
          var visible = days[d].querySelectorAll('li.post:not(.hidden)').length;
          days[d].classList.toggle('none', visible === 0);
        }
        shown.textContent = count + ' of ' + posts.length + ' posts shown';
      }
      form.addEventListener('change', apply);
      apply();
    })();
    """

    /// Writes the page. Posts are grouped by local day; they need not be sorted.
    public func write<S: TextSink>(_ posts: [Post], into sink: inout S) throws {
        let labels = PostLabels(strategy)
        let byDay = Dictionary(grouping: posts, by: { clock.localDate($0.scheduledAt) }).mapValues { $0.sorted { ($0.scheduledAt, $0.channel) < ($1.scheduledAt, $1.channel) } }
        try sink.write(HTMLPage.begin(title: title, css: Self.css, lang: strategy.locale))
        try sink.write("<header><h1>\(htmlEscape(title))</h1>\n")
        let counts = Dictionary(grouping: posts, by: \.status).map { "\($0.value.count) \($0.key.rawValue)" }.sorted()
        try sink.write("<p class=\"meta\">\(range.start.iso) – \(range.end.iso) · \(posts.count) posts (\(htmlEscape(counts.joined(separator: ", ")))) · times in \(htmlEscape(clock.identifier)) · generated \(generatedAt.isoUTC)</p></header>\n")
        try sink.write(filters(posts, labels: labels))
        let kinds = ContentKind.allCases.filter { k in k != .crisis || posts.contains { $0.kind == .crisis } }
        try sink.write(HTMLPage.legend(kinds))
        var month = range.start.firstOfMonth
        while month <= range.end {
            try writeMonth(month, byDay: byDay, labels: labels, into: &sink)
            month = month.lastOfMonth.adding(days: 1)
        }
        try sink.write(HTMLPage.script(Self.js))
        try sink.write(HTMLPage.end)
    }

    func filters(_ posts: [Post], labels: PostLabels) -> String {
        func select(_ name: String, _ label: String, _ options: [(value: String, text: String)]) -> String {
            var s = "<label>\(htmlEscape(label)) <select name=\"\(name)\"><option value=\"\">All</option>"
            for o in options { s += "<option value=\"\(htmlEscape(o.value))\">\(htmlEscape(o.text))</option>" }
            return s + "</select></label>"
        }
        let channelIDs = strategy.channels.map(\.id) + Set(posts.map(\.channel)).subtracting(strategy.channels.map(\.id)).sorted()
        let channels = channelIDs.map { id in (id, strategy.channel(id).map { c in c.name.map { "\(id) — \($0)" } ?? id } ?? id) }
        var owners = strategy.participants.filter { p in posts.contains { $0.owner == p.id } }.map { ($0.id, $0.name) }
        if posts.contains(where: { $0.owner == nil }) { owners.append(("-", "Nobody yet")) }
        let kinds = ContentKind.allCases.filter { k in posts.contains { $0.kind == k } }.map { ($0.rawValue, $0.label) }
        let statuses = PostStatus.allCases.filter { s in posts.contains { $0.status == s } }.map { ($0.rawValue, $0.rawValue) }
        return "<form class=\"filters\" id=\"filters\" action=\"#\">" + select("channel", "Channel", channels) + select("owner", "Owner", owners)
            + select("kind", "Kind", kinds) + select("status", "Status", statuses)
            + "<output id=\"shown\">\(posts.count) posts</output></form>\n"
    }

    func writeMonth<S: TextSink>(_ first: LocalDate, byDay: [LocalDate: [Post]], labels: PostLabels, into sink: inout S) throws {
        let name = "\(Self.monthNames[first.month - 1]) \(first.year)"
        try sink.write("<section class=\"month\" id=\"m-\(first.iso.prefix(7))\"><h2>\(name)</h2>\n<table class=\"grid\"><thead><tr>")
        for w in Weekday.allCases { try sink.write("<th>\(w.fullName.prefix(3))</th>") }
        try sink.write("</tr></thead><tbody>\n")
        var week = first.startOfWeek
        let last = first.lastOfMonth
        while week <= last {
            try sink.write("<tr>")
            for i in 0..<7 {
                let d = week.adding(days: i)
                guard d.month == first.month, range.contains(d) else {
                    try sink.write("<td class=\"out\"></td>")
                    continue
                }
                try writeDay(d, posts: byDay[d] ?? [], labels: labels, into: &sink)
            }
            try sink.write("</tr>\n")
            week = week.adding(days: 7)
        }
        try sink.write("</tbody></table></section>\n")
    }

    func writeDay<S: TextSink>(_ d: LocalDate, posts: [Post], labels: PostLabels, into sink: inout S) throws {
        let dayMarks = marks.marks[d] ?? []
        let blackout = dayMarks.contains { $0.role == .blackout }
        try sink.write("<td class=\"day\(blackout ? " blackout" : "")\" data-date=\"\(d.iso)\"><div class=\"dn\"><span class=\"wd\">\(d.weekday.fullName) </span>\(d.day)<span class=\"wd\"> \(Self.monthNames[d.month - 1])</span>")
        for m in dayMarks {
            let note = switch m.role {
            case .blackout: " (no posts)"
            case .noPromo: " (no promotions)"
            case .observance: ""
            }
            try sink.write("<span class=\"mark \(m.role.rawValue)\">\(htmlEscape(m.name + note))</span>")
        }
        try sink.write("</div>")
        if !posts.isEmpty {
            try sink.write("<ul class=\"posts\">")
            for p in posts { try sink.write(item(p, labels: labels)) }
            try sink.write("</ul>")
        }
        try sink.write("</td>")
    }

    func item(_ p: Post, labels: PostLabels) -> String {
        let time = clock.local(p.scheduledAt).time.description
        let owner = p.owner.map { labels.personName($0) }
        var tip = "\(labels.summary(p)) · \(time) · \(owner ?? "no owner yet") · \(p.status.rawValue)"
        if let g = p.goal { tip += " · goal: \(labels.goalTitle(g) ?? g)" }
        if let body = p.body, !body.isEmpty { tip += "\n\n" + String(body.prefix(280)) }
        var s = "<li class=\"post k-\(p.kind.rawValue) s-\(p.status.rawValue)\" data-channel=\"\(htmlEscape(p.channel))\""
        s += " data-owner=\"\(htmlEscape(p.owner ?? "-"))\" data-kind=\"\(p.kind.rawValue)\" data-status=\"\(p.status.rawValue)\" title=\"\(htmlEscape(tip))\">"
        s += "<span class=\"when\">\(time)</span> <span class=\"ch\">\(htmlEscape(p.channel))</span>"
        if let owner { s += " <span class=\"who\">· \(htmlEscape(owner.split(separator: " ").first.map(String.init) ?? owner))</span>" }
        if p.status != .planned { s += " <span class=\"st\">\(p.status.rawValue)</span>" }
        s += "<span class=\"what\">\(htmlEscape(labels.title(p)))</span></li>"
        return s
    }
}
