import Foundation
import HeraldModel
import HeraldReports
import HeraldResults
import HeraldStrategy
import HeraldTestSupport
import Testing

/// A campaign's `budget` weighed against its posts' results, with known answers.
@Suite struct CampaignSpendTests {
    static let campaign = Campaign(id: "spring", kind: .discount, name: "Spring", dates: DateRange(start: LocalDate(iso: "2027-03-01")!, end: LocalDate(iso: "2027-03-07")!),
                                   goal: "sales", channels: ["fb"], budget: Budget(amount: 500, currency: "EUR"))

    func outcome(_ id: String, campaign: String? = "spring", _ counts: [ResultCounter: Double]?) -> PostOutcome {
        PostOutcome(id: id, channel: "fb", kind: .discount, campaign: campaign, owner: nil, weekday: .monday, slot: LocalTime(hour: 9, minute: 0)!,
                    latest: counts.map(ResultCounts.init))
    }

    @Test func costPerClickPerConversionAndReturn() {
        let s = CampaignSpend(campaign: Self.campaign, budget: Self.campaign.budget!, outcomes: [
            outcome("a", [.linkClicks: 100, .conversions: 20, .revenue: 1000]),
            outcome("b", [.linkClicks: 150, .conversions: 5, .revenue: 250]),
            outcome("c", [.reach: 900]),               // measured, reports none of the three
            outcome("d", nil),                          // published, no results yet
            outcome("e", campaign: "other", [.linkClicks: 1_000, .revenue: 99_999]),
        ])
        #expect(s.posts == 4 && s.measured == 3)
        #expect(s.clicks == 250 && s.conversions == 25 && s.revenue == 1250)
        #expect(s.costPerClick == 2)
        #expect(s.costPerConversion == 20)
        #expect(s.returnOnBudget == 2.5)
        #expect(s.notes.isEmpty)
    }

    @Test func aMissingFigureSaysWhy() {
        let noRevenue = CampaignSpend(campaign: Self.campaign, budget: Self.campaign.budget!, outcomes: [outcome("a", [.linkClicks: 0, .reach: 10])])
        #expect(noRevenue.costPerClick == nil && noRevenue.costPerConversion == nil && noRevenue.returnOnBudget == nil)
        #expect(noRevenue.notes == ["Cost per click: 0 clicks, so no cost per click.", "Cost per conversion: no post reports conversions.",
                                    "Return: no post reports revenue (a shop reports it by UTM campaign)."])
        let noResults = CampaignSpend(campaign: Self.campaign, budget: Self.campaign.budget!, outcomes: [outcome("a", nil)])
        #expect(noResults.notes == ["No results for its 1 published post yet: import them with `herald results import FILE`."])
        let noPosts = CampaignSpend(campaign: Self.campaign, budget: Self.campaign.budget!, outcomes: [])
        #expect(noPosts.notes == ["No published posts of the campaign in the period, so nothing to measure the budget against."])
    }

    @Test func theReportShowsTheTableWithDashesAndReasons() throws {
        // The example's Winter Warmer and Spring Blend campaigns carry budgets; the Latte art contest does not.
        let strategy = try StrategyLoader.parse(exampleStrategy).strategy
        let quarter = PeriodName.parse("2027-Q1")!
        var r = ManagementReport(strategy: strategy, clock: ZoneClock(identifier: strategy.timeZone)!, range: quarter, periodName: "2027-Q1",
                                 posts: [], shareTasks: [], readings: [], generatedAt: Date(timeIntervalSince1970: 0))
        r.spend = CampaignSpend.list(strategy, range: quarter, outcomes: [outcome("a", campaign: "spring-blend", [.linkClicks: 40, .revenue: 300])])
        #expect(r.spend?.map(\.id) == ["winter-warmer", "spring-blend"])
        let md = r.markdown()
        #expect(md.contains("## Campaign spend"))
        #expect(md.contains("| Spring Blend launch | 200.00 EUR | 1 of 1 | 40 | 5.00 EUR | — | — | 300.00 EUR | 1.50× |"), "\(md)")
        #expect(md.contains("- Spring Blend launch: Cost per conversion: no post reports conversions."))
        #expect(md.contains("| Winter Warmer week | 150.00 EUR | 0 of 0 | — | — | — | — | — | — |"), "\(md)")
        #expect(md.contains("- Winter Warmer week: No published posts of the campaign in the period"))
        let html = r.html()
        #expect(html.contains("<h2>Campaign spend</h2>"))
        #expect(html.contains("<td class=\"num\">1.50×</td>"))
    }
}
