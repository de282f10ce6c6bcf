import Foundation
import HeraldModel
import HeraldResults

/// What a campaign with a `budget` bought: its spend (the whole budget), cost per link click, per conversion, and
/// return (revenue ÷ budget), from the latest results of the campaign's published posts in the report's period.
/// A figure that cannot be worked out is nil, with the reason in `notes`.
public struct CampaignSpend: Sendable, Encodable, Equatable {
    public var id, name: String
    public var currency: String
    /// The budget, counted as spent in full.
    public var spend: Double
    /// The campaign's published posts in the period, and how many of them have results.
    public var posts: Int
    public var measured: Int
    /// Sums over the measured posts that report the counter (nil: none reports it).
    public var clicks: Double?
    public var conversions: Double?
    public var revenue: Double?
    public var costPerClick: Double?
    public var costPerConversion: Double?
    /// Revenue ÷ budget (2.5: the campaign brought in two and a half times what it cost).
    public var returnOnBudget: Double?
    /// Why a figure is missing, one line each.
    public var notes: [String]

    public static let method = "Spend is the campaign's whole budget. Clicks, conversions and revenue are summed over the latest snapshot of each of the campaign's published posts in the period (a post counts once; a counter a post does not report is left out of the sum). Cost per click = budget ÷ link clicks; cost per conversion = budget ÷ conversions; return = revenue ÷ budget, with revenue taken to be in the budget's currency."

    public init(campaign c: Campaign, budget: Budget, outcomes: [PostOutcome]) {
        id = c.id; name = c.name; currency = budget.currency; spend = budget.amount
        let mine = outcomes.filter { $0.campaign == c.id }
        posts = mine.count
        let results = mine.compactMap(\.latest)
        measured = results.count
        func total(_ k: ResultCounter) -> Double? {
            let vs = results.compactMap { $0[k] }
            return vs.isEmpty ? nil : vs.reduce(0, +)
        }
        clicks = total(.linkClicks); conversions = total(.conversions); revenue = total(.revenue)
        var notes: [String] = []
        if posts == 0 {
            notes.append("No published posts of the campaign in the period, so nothing to measure the budget against.")
        } else if measured == 0 {
            notes.append("No results for its \(posts) published post\(posts == 1 ? "" : "s") yet: import them with `herald results import FILE`.")
        } else {
            func per(_ v: Double?, _ what: String) -> Double? {
                guard let v else { notes.append("Cost per \(what): no post reports \(what)s."); return nil }
                guard v > 0 else { notes.append("Cost per \(what): 0 \(what)s, so no cost per \(what)."); return nil }
                return budget.amount / v
            }
            costPerClick = per(clicks, "click")
            costPerConversion = per(conversions, "conversion")
            if let revenue { returnOnBudget = revenue / budget.amount } else { notes.append("Return: no post reports revenue (a shop reports it by UTM campaign).") }
        }
        self.notes = notes
    }

    /// The campaigns with a budget that overlap the range, in the strategy's order.
    public static func list(_ s: Strategy, range: DateRange, outcomes: [PostOutcome]) -> [CampaignSpend] {
        s.campaigns.compactMap { c in
            guard let b = c.budget, c.dates.overlaps(range) else { return nil }
            return CampaignSpend(campaign: c, budget: b, outcomes: outcomes)
        }
    }

    func money(_ v: Double?) -> String { v.map { "\(String(format: "%.2f", $0)) \(currency)" } ?? "—" }

    var cells: [String] {
        [money(spend), "\(measured) of \(posts)", clicks.map(Rollup.format) ?? "—", money(costPerClick),
         conversions.map(Rollup.format) ?? "—", money(costPerConversion), revenue.map { "\(String(format: "%.2f", $0)) \(currency)" } ?? "—",
         returnOnBudget.map { "\(String(format: "%.2f", $0))×" } ?? "—"]
    }
}

extension ManagementReport {
    static let spendHeader = ["Campaign", "Spend", "Posts measured", "Clicks", "Cost per click", "Conversions", "Cost per conversion", "Revenue", "Return"]

    /// "Campaign spend" in Markdown (empty without a campaign with a budget).
    func spendMarkdown() -> [String] {
        guard let spend, !spend.isEmpty else { return [] }
        var o = ["", "## Campaign spend", "", "| " + Self.spendHeader.joined(separator: " | ") + " |", "|" + String(repeating: "---|", count: Self.spendHeader.count)]
        for c in spend { o.append("| \(md(c.name)) | " + c.cells.joined(separator: " | ") + " |") }
        o.append("")
        let notes = spend.flatMap { c in c.notes.map { "- \(md(c.name)): \(md($0))" } }
        if !notes.isEmpty { o += notes + [""] }
        o.append("_Method: \(md(CampaignSpend.method))_")
        return o
    }

    /// "Campaign spend" in HTML (empty without a campaign with a budget).
    func spendHTML() -> String {
        guard let spend, !spend.isEmpty else { return "" }
        var o = "<section class=\"part\" id=\"campaign-spend\">\n<h2>Campaign spend</h2>\n<table class=\"data\"><thead><tr>"
        for (i, h) in Self.spendHeader.enumerated() { o += i == 0 ? "<th>\(h)</th>" : "<th class=\"num\">\(h)</th>" }
        o += "</tr></thead><tbody>"
        for c in spend {
            o += "<tr><td>\(htmlEscape(c.name))</td>" + c.cells.map { "<td class=\"num\">\(htmlEscape($0))</td>" }.joined() + "</tr>"
        }
        o += "</tbody></table>\n<ul>"
        for c in spend { for n in c.notes { o += "<li>\(htmlEscape(c.name)): \(htmlEscape(n))</li>" } }
        o += "</ul>\n<p class=\"rule\">Method: \(htmlEscape(CampaignSpend.method))</p>\n</section>\n"
        return o
    }
}
