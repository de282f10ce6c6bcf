import Foundation
import HeraldModel
import HeraldResources
import HeraldStrategy
import HeraldTestSupport
import Testing

@Suite struct ExampleStrategyTests {
    @Test func theBundledExampleIsValid() throws {
        let loaded = try StrategyLoader.parse(exampleStrategy, file: "strategy.yaml", fileExists: { BundledFiles.text($0) != nil })
        #expect(loaded.summary == "3 goals, 7 metrics, 4 channels, 5 participants, 3 campaigns")
        let s = loaded.strategy
        #expect(s.brand.name == "Bean & Bloom Coffee")
        #expect(s.timeZone == "Europe/Amsterdam")
        #expect(s.period?.description == "2027-01-01..2027-03-31")
        #expect(s.channels.map(\.id) == ["facebook", "instagram", "mastodon", "newsletter"])
        #expect(s.channel("instagram")?.sharesPerPost == 2)
        #expect(s.channel("mastodon")?.maxCharacters == 500)
        #expect(s.goal("community")?.metrics.first { $0.id == "response-time" }?.direction == .down)
        #expect(s.campaign("latte-art")?.kind == .contest)
        #expect(s.participant("marek")?.timeOff.first?.description == "2027-01-04..2027-01-08")
        #expect(s.hooks.count == 3)
        #expect(abs(s.mix.values.reduce(0, +) - 1) < 0.001)
        // Tom is not trained: a warning, not an error.
        #expect(loaded.warnings.count == 1)
        #expect(loaded.warnings.first?.message.contains("Tom Jansen is not trained") == true)
    }

    @Test func theEmbeddedCopyMatchesTheRepository() {
        #expect(BundledFiles.text("Templates/strategy.yaml") == exampleStrategy)
    }
}

/// One broken strategy file with the exit code and message fragments its header promises.
struct BrokenFixture: CustomTestStringConvertible, Sendable {
    let path: String
    var name: String { (path as NSString).lastPathComponent }
    var testDescription: String { name }

    var header: [String] {
        Repo.text(path).split(separator: "\n").prefix { $0.hasPrefix("# expect") }.map(String.init)
    }
    var exitCode: Int32 { header.compactMap { $0.hasPrefix("# expect-exit: ") ? Int32($0.dropFirst(15)) : nil }.first ?? -1 }
    var fragments: [String] { header.filter { $0.hasPrefix("# expect: ") }.map { String($0.dropFirst(10)) } }
    var errorCount: Int? { header.compactMap { $0.hasPrefix("# expect-errors: ") ? Int($0.dropFirst(17)) : nil }.first }

    static let all: [BrokenFixture] = {
        let dir = "Tests/HeraldStrategyTests/Fixtures/broken"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: Repo.path(dir))) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted().map { BrokenFixture(path: "\(dir)/\($0)") }
    }()
}

@Suite struct BrokenStrategyTests {
    @Test func thereAreEnoughFixtures() {
        #expect(BrokenFixture.all.count >= 25)
    }

    @Test(arguments: BrokenFixture.all)
    func reportsTheProblem(_ fixture: BrokenFixture) throws {
        #expect(fixture.exitCode > 0, "fixture header lacks # expect-exit")
        #expect(!fixture.fragments.isEmpty, "fixture header lacks # expect:")
        do {
            _ = try StrategyLoader.load(file: Repo.path(fixture.path))
            Issue.record("\(fixture.name) loaded without error")
        } catch {
            #expect(error.exitCode == fixture.exitCode)
            for fragment in fixture.fragments {
                #expect(error.description.contains(fragment), "missing '\(fragment)' in:\n\(error.description)")
            }
            // Every diagnostic names the file and, when YAML gives it, a line.
            for d in error.diagnostics {
                #expect(d.file.hasSuffix(fixture.name))
                #expect(d.line != nil, "no line for: \(d)")
            }
            if let n = fixture.errorCount {
                #expect(error.diagnostics.filter { $0.severity == .error }.count == n)
            }
        }
    }

    @Test func aMissingFileIsNoInput() {
        #expect(throws: StrategyError.self) { try StrategyLoader.load(file: "/nonexistent/strategy.yaml") }
        do { _ = try StrategyLoader.load(file: "/nonexistent/strategy.yaml") } catch {
            #expect(error.exitCode == 66)
            #expect(error.description.contains("herald init"))
        }
    }

    @Test func linesPointAtTheOffendingValue() throws {
        let yaml = Repo.text("Tests/HeraldStrategyTests/Fixtures/valid-minimal.yaml")
            .replacingOccurrences(of: "    posts_per_week: 2", with: "    posts_per_week: many")
        let expectedLine = yaml.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("many") }! + 1
        do {
            _ = try StrategyLoader.parse(yaml, file: "s.yaml")
            Issue.record("should fail")
        } catch {
            let d = try #require(error.diagnostics.first)
            #expect(d.line == expectedLine)
            #expect(d.path == "channels[0].posts_per_week")
            #expect(d.description.hasPrefix("s.yaml:\(expectedLine):"))
        }
    }
}

@Suite struct WarningTests {
    @Test func aGoalWithoutMetricsWarnsButLoads() throws {
        let yaml = Repo.text("Tests/HeraldStrategyTests/Fixtures/valid-minimal.yaml")
        let noMetrics = yaml.replacingOccurrences(of: """
                metrics:
                  - id: reach
                    name: Reach
                    unit: people
                    baseline: 100
                    target: 200
                    direction: up
                    deadline: 2027-03-31
                    measured_by: Insights

            """, with: "")
        #expect(noMetrics != yaml)
        let loaded = try StrategyLoader.parse(noMetrics)
        #expect(loaded.warnings.contains { $0.message.contains("has no metric") })
    }

    @Test func defaultsAreFilledIn() throws {
        let loaded = try StrategyLoader.parse(Repo.text("Tests/HeraldStrategyTests/Fixtures/valid-minimal.yaml"))
        let s = loaded.strategy
        #expect(s.locale == "en")
        #expect(s.rules.maxPromotionalInARow == 2)
        #expect(s.channels[0].maxCharacters == 63206)
        #expect(s.channels[0].maxLateness == 6 * 3600)
        #expect(s.hooks[0].idempotent)
        #expect(abs(s.mix.values.reduce(0, +) - 1) < 0.001)
    }
}
