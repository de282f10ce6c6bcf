import Foundation
import HeraldModel
import HeraldResults
import Testing

@Suite struct SuggestionsTests {
    static let nine = LocalTime(hour: 9, minute: 0)!, evening = LocalTime(hour: 17, minute: 30)!

    func strategy(mix: [ContentKind: Double], channelMix: [ContentKind: Double]? = nil) -> Strategy {
        let metric = Metric(id: "comments", name: "Comments", unit: "comments", baseline: 1, target: 2, direction: .up,
                            deadline: LocalDate(year: 2027, month: 6, day: 30)!, measuredBy: "Insights")
        let goal = Goal(id: "community", title: "Hear from customers", kind: .feedback, owner: "ola", metrics: [metric])
        let fb = Channel(id: "fb", network: .facebook, postsPerWeek: 2, days: [.monday, .thursday], times: [Self.nine, Self.evening])
        let ig = Channel(id: "ig", network: .instagram, postsPerWeek: 2, days: [.monday, .thursday], times: [Self.nine], mix: channelMix)
        return Strategy(brand: Brand(name: "T"), timeZone: "UTC", locale: "en", period: nil, goals: [goal], channels: [fb, ig],
                        mix: mix, participants: [], campaigns: [])
    }

    func posts(_ channel: String, _ kind: ContentKind, _ values: [Double], at time: LocalTime = SuggestionsTests.nine) -> [PostOutcome] {
        values.enumerated().map { i, v in
            PostOutcome(id: "\(channel)-\(kind.rawValue)-\(i)", channel: channel, kind: kind, campaign: nil, owner: nil, weekday: .monday,
                        slot: time, latest: ResultCounts([.reactions: v]))
        }
    }

    @Test func theWinnerGainsAtMostTheStepAndTheSharesKeepTheirSum() throws {
        // engagement clearly beats informational on engagement; informational has only 2 points to give.
        let mix: [ContentKind: Double] = [.informational: 0.02, .engagement: 0.78, .socialProof: 0.2]
        let s = strategy(mix: mix)
        let data = posts("fb", .engagement, (0..<10).map { 40 + Double($0) }) + posts("fb", .informational, (0..<10).map { 10 + Double($0) })
        let r = Suggestions(strategy: s, outcomes: data, mixes: MixScope.scopes(of: s, topWritten: true), step: 5)
        let m = try #require(r.proposals.first?.mix)
        #expect(m.path == "mix" && m.raise == "engagement" && m.lower == "informational")
        #expect(m.raiseTo == 0.8 && m.lowerTo == 0)
        #expect(abs(m.raiseTo + m.lowerTo + 0.2 - 1) < 1e-9)
        #expect(r.proposals.first?.evidence.map(\.goal) == ["community"])
        // The default mix (not written in the file) is left alone.
        let none = Suggestions(strategy: s, outcomes: data, mixes: MixScope.scopes(of: s, topWritten: false), step: 5)
        #expect(none.proposals.allSatisfy { $0.type != "mix" })
    }

    @Test func aChannelsOwnMixIsJudgedOnItsOwnPosts() {
        let own: [ContentKind: Double] = [.informational: 0.5, .engagement: 0.5]
        let s = strategy(mix: [.informational: 0.5, .engagement: 0.5], channelMix: own)
        // On ig informational wins; on fb engagement wins.
        let data = posts("ig", .informational, (0..<10).map { 40 + Double($0) }) + posts("ig", .engagement, (0..<10).map { 10 + Double($0) })
            + posts("fb", .engagement, (0..<10).map { 40 + Double($0) }) + posts("fb", .informational, (0..<10).map { 10 + Double($0) })
        let r = Suggestions(strategy: s, outcomes: data, mixes: MixScope.scopes(of: s, topWritten: true), step: 10)
        let mixes = r.proposals.compactMap(\.mix)
        #expect(mixes.map(\.path) == ["mix", "channels.ig.mix"])
        #expect(mixes[0].raise == "engagement" && mixes[0].raiseTo == 0.6 && mixes[0].lowerTo == 0.4)
        #expect(mixes[1].raise == "informational" && mixes[1].raiseTo == 0.6)
    }

    @Test func withoutFindingsNothingIsProposed() {
        let s = strategy(mix: [.informational: 0.5, .engagement: 0.5])
        let few = posts("fb", .engagement, [40, 41, 42, 43, 44]) + posts("fb", .informational, [1, 2, 3, 4, 5])
        let r = Suggestions(strategy: s, outcomes: few, mixes: MixScope.scopes(of: s, topWritten: true), step: 5)
        #expect(r.proposals.isEmpty && !r.enoughData)
        #expect(r.notes.first?.contains("fb 5 of 5, ig 0 of 0") == true || r.notes.first?.contains("fb 10 of 10, ig 0 of 0") == true, "\(r.notes)")
        #expect(Suggestions.metric(for: s.goals[0]) == .engagement)
        // A goal metric computed from the posts names its counter.
        #expect(Suggestions.metric(source: .posts(PostsSource(.reach))) == .reach)
        #expect(Suggestions.metric(source: .posts(PostsSource(.clicks, filter: PostFilter(channel: "fb")))) == .clicks)
        #expect(Suggestions.metric(source: .posts(PostsSource(.engagementRate, period: .month))) == .engagementRate)
        #expect(Suggestions.metric(source: .inbox(.volume, InboxFilter())) == nil)
        #expect(Suggestions.metric(source: .recorded) == nil)
    }
}
