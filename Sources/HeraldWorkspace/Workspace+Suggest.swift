import Foundation
import HeraldModel
import HeraldResources
import HeraldResults
import HeraldStrategy

/// What `herald plan NEXT --suggest` found: the proposals, and the proposed strategy text when there are any.
public struct StrategySuggestion: Sendable {
    public var next: DateRange
    /// The posts compared: every published post scheduled before `next` begins.
    public var before: LocalDate
    public var suggestions: Suggestions
    /// The strategy with the proposals applied (nil: nothing proposed); it loads as a strategy.
    public var proposed: String?
    /// A unified diff of the strategy file against `proposed` (empty when nothing is proposed).
    public var diff: String
}

extension Workspace {
    /// Proposes bounded changes to the strategy's mixes and time slots for `next` from the results of the posts
    /// published before it (`Suggestions`), and the strategy text with them applied in place. Reads only: nothing is
    /// stored and no file is written.
    /// - Parameters:
    ///   - step: the most a share moves, in percentage points.
    ///   - output: where the proposal will be written; it must load from there (relative paths in it resolve from its folder).
    public func suggest(next: DateRange, step: Double, output: String, seed: UInt64 = Statistics.defaultSeed) throws -> StrategySuggestion {
        let written = StrategyText(loaded.text)
        let scopes = MixScope.scopes(of: strategy, topWritten: written.mix != nil).compactMap { scope -> MixScope? in
            // Only the shares whose place in the file is known can be changed.
            let spans = scope.channel.map { written.channelMixes[$0] ?? [:] } ?? written.mix ?? [:]
            var s = scope
            s.shares = scope.shares.filter { spans[$0.key] != nil }
            return s.shares.count >= 2 ? s : nil
        }
        let earliest = LocalDate(year: 1970, month: 1, day: 2)!
        let before = next.start.adding(days: -1)
        let outcomes = before < earliest ? [] : try self.outcomes(DateRange(start: earliest, end: before))
        let found = Suggestions(strategy: strategy, outcomes: outcomes, mixes: scopes, step: step, seed: seed)
        guard !found.proposals.isEmpty else {
            return StrategySuggestion(next: next, before: next.start, suggestions: found, proposed: nil, diff: "")
        }
        var edits: [(span: StrategyText.Span, value: String)] = []
        func fail(_ what: String) -> WorkspaceError {
            .suggestion("cannot place the proposal in \(loaded.file): \(what) (this is a Herald bug; nothing was written).")
        }
        for p in found.proposals {
            if let m = p.mix {
                let spans = m.channel.map { written.channelMixes[$0] ?? [:] } ?? written.mix ?? [:]
                for (name, value) in [(m.raise, m.raiseTo), (m.lower, m.lowerTo)] {
                    guard let kind = ContentKind(rawValue: name), let span = spans[kind] else { throw fail("\(m.path).\(name) not found") }
                    edits.append((span, StrategyText.share(value, like: span.value)))
                }
            }
            if let s = p.slot {
                guard let span = (written.times[s.channel] ?? []).first(where: { LocalTime(hhmm: $0.value)?.description == s.replace }) else {
                    throw fail("channels.\(s.channel).times \(s.replace) not found")
                }
                edits.append((span, s.with))
            }
        }
        let text = written.replacing(edits)
        // The proposal must load as a strategy from where it will be written, and say what was proposed.
        let locator = ResourceLocator(baseDirectory: (output as NSString).deletingLastPathComponent)
        let check = try StrategyLoader.parse(text, file: output, fileExists: locator.exists)
        for p in found.proposals {
            if let m = p.mix {
                let mix = m.channel.map { check.strategy.channel($0)?.mix ?? [:] } ?? check.strategy.mix
                for (name, value) in [(m.raise, m.raiseTo), (m.lower, m.lowerTo)] {
                    guard let kind = ContentKind(rawValue: name), let got = mix[kind], abs(got - value) < 1e-9 else {
                        throw fail("\(m.path).\(name) reads back as \(mix[ContentKind(rawValue: name) ?? .crisis].map { "\($0)" } ?? "nothing"), not \(value)")
                    }
                }
            }
            if let s = p.slot {
                let times = check.strategy.channel(s.channel)?.times.map(\.description) ?? []
                guard times.contains(s.with), !times.contains(s.replace) else { throw fail("channels.\(s.channel).times read back as \(times)") }
            }
        }
        let diff = StrategyText.unifiedDiff(loaded.text, text, oldName: loaded.file, newName: output)
        return StrategySuggestion(next: next, before: next.start, suggestions: found, proposed: text, diff: diff)
    }
}
