import Foundation
import HeraldModel
import HeraldStrategy
import HeraldTestSupport
import Testing

/// A campaign's `budget:`.
@Suite struct BudgetTests {
    /// The minimal strategy with `budget: …` added to its campaign.
    static func withBudget(_ text: String) -> String {
        MetricSourceTests.base.replacingOccurrences(of: "    percent: 10\n", with: "    percent: 10\n    budget: \(text)\n")
    }

    @Test func aBudgetIsReadAndIsOptional() throws {
        let s = try StrategyLoader.parse(Self.withBudget("{amount: 1_250.50, currency: PLN}")).strategy
        #expect(s.campaigns[0].budget == Budget(amount: 1250.5, currency: "PLN"))
        #expect(try StrategyLoader.parse(MetricSourceTests.base).strategy.campaigns[0].budget == nil)
        #expect(try StrategyLoader.parse(exampleStrategy).strategy.campaign("spring-blend")?.budget == Budget(amount: 200, currency: "EUR"))
    }

    @Test(arguments: [
        ("{amount: -5, currency: EUR}", "campaigns[0].budget.amount", "must be at least 0.01, got -5."),
        ("{amount: lots, currency: EUR}", "campaigns[0].budget.amount", "expected an amount like 500, got 'lots'."),
        ("{amount: 500, currency: euro}", "campaigns[0].budget.currency", "'euro' is not a currency code; write its three capital letters (ISO 4217)"),
        ("{amount: 500}", "campaigns[0].budget.currency", "required"),
        ("{amount: 500, currency: EUR, per: month}", "campaigns[0].budget.per", "unknown key 'per'"),
        ("500", "campaigns[0].budget", "expected a set of `key: value` lines"),
    ])
    func badBudgets(_ text: String, _ path: String, _ message: String) throws {
        let yaml = Self.withBudget(text)
        var failure: StrategyError?
        do { _ = try StrategyLoader.parse(yaml, file: "s.yaml") } catch { failure = error }
        let e = try #require(failure)
        #expect(e.exitCode == 65)
        let d = try #require(e.diagnostics.first { $0.path == path }, "\(e.diagnostics.map { "\($0.path): \($0.message)" })")
        #expect(d.message.contains(message), "\(d.message)")
        let line = yaml.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("budget:") }! + 1
        #expect(d.line == line)
        #expect(d.file == "s.yaml")
    }
}
