import Foundation
import HeraldModel
import HeraldStrategy
import Testing

@Suite struct StrategyTextTests {
    static let text = """
        mix:   # shares
          informational: 0.50   # what we know
          engagement: '0.3'
        channels:
          - id: fb
            times: ["08:30", '17:30']
          - id: ig
            times: 07:00
            mix: {informational: 0.6, engagement: 0.4}

        """

    @Test func findsEachScalarAndReplacesItInPlace() throws {
        let t = StrategyText(Self.text)
        let mix = try #require(t.mix)
        #expect(mix[.informational]?.value == "0.50" && mix[.informational]?.line == 2)
        #expect(mix[.engagement]?.value == "0.3")
        #expect(t.times["fb"]?.map(\.value) == ["08:30", "17:30"])
        #expect(t.times["ig"]?.map(\.value) == ["07:00"])
        #expect(t.channelMixes["ig"]?[.engagement]?.value == "0.4")
        let edits: [(span: StrategyText.Span, value: String)] = [
            (mix[.informational]!, StrategyText.share(0.45, like: "0.50")), (mix[.engagement]!, StrategyText.share(0.35, like: "0.3")),
            (t.times["fb"]![1], "12:00"), (t.channelMixes["ig"]![.informational]!, StrategyText.share(0.5, like: "0.6")),
        ]
        let out = t.replacing(edits)
        #expect(out == Self.text.replacingOccurrences(of: "0.50", with: "0.45").replacingOccurrences(of: "'0.3'", with: "'0.35'")
            .replacingOccurrences(of: "'17:30'", with: "'12:00'").replacingOccurrences(of: "informational: 0.6,", with: "informational: 0.5,"))
        #expect(StrategyText.share(0.4, like: "0.30") == "0.40")
        #expect(StrategyText.share(0.35, like: "0.3") == "0.35")
        #expect(StrategyText.share(0.1234, like: "0.1") == "0.1234")
    }

    @Test func theDiffShowsChangedLinesWithContext() {
        let a = "a\nb\nc\nd\ne\nf\ng\nh\ni\n", b = "a\nb\nc\nD\ne\nf\ng\nh\ni\n"
        #expect(StrategyText.unifiedDiff(a, b, oldName: "x", newName: "y") == "--- x\n+++ y\n@@ -1,7 +1,7 @@\n a\n b\n c\n-d\n+D\n e\n f\n g\n")
        #expect(StrategyText.unifiedDiff(a, a, oldName: "x", newName: "y") == "")
    }
}
