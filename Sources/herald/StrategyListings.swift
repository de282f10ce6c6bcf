import ArgumentParser
import Foundation
import HeraldReports
import HeraldModel
import HeraldStrategy

extension Herald {
    struct Goals: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List goals and their metrics: baseline → target, direction, deadline, how measured.",
            discussion: "Example: herald goals --json")

        @OptionGroup var location: LocationOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await withExitCodes {
                let s = try location.loadStrategy(printWarnings: false).strategy
                if output.json { return try Console.json(s.goals.map(GoalJSON.init)) }
                for (i, g) in s.goals.enumerated() {
                    if i > 0 { Console.out("") }
                    let owner = s.participant(g.owner)?.name ?? g.owner
                    Console.out(Console.bold("\(g.id) — \(g.title)") + "  [\(g.kind.rawValue), weight \(formatEntered(g.weight)), owner \(owner)\(g.review.map { ", reviewed \($0)" } ?? "")]")
                    if g.metrics.isEmpty { Console.out("  (no metrics yet)"); continue }
                    var t = Table("metric", "name", "baseline → target", "direction", "deadline", "measured by")
                    for m in g.metrics {
                        let unit = m.unit == "%" ? "%" : " \(m.unit)"
                        t.add(m.id, m.name, "\(formatEntered(m.baseline)) → \(formatEntered(m.target))\(unit)",
                              m.direction == .up ? "↑ up" : "↓ down", m.deadline.iso, m.measuredBy)
                    }
                    Console.out(t.rendered)
                }
            }
        }
    }

    struct Channels: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List channels with cadence, limits, hooks and the goals they serve.",
            discussion: "Example: herald channels --json")

        @OptionGroup var location: LocationOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await withExitCodes {
                let s = try location.loadStrategy(printWarnings: false).strategy
                if output.json { return try Console.json(s.channels.map(ChannelJSON.init)) }
                var t = Table("channel", "network", "per week", "days", "times", "chars", "hashtags", "hooks", "goals", "shares")
                for c in s.channels {
                    t.add(c.id, c.network.rawValue, "\(c.postsPerWeek)", c.days.map(\.shortName).joined(separator: ","),
                          c.times.map(\.description).joined(separator: ","), "\(c.maxCharacters)",
                          c.maxHashtags.map(String.init) ?? "–", c.hooks.isEmpty ? "–" : c.hooks.joined(separator: ","),
                          c.goals.isEmpty ? "–" : c.goals.joined(separator: ","), c.sharesPerPost == 0 ? "–" : "\(c.sharesPerPost)/post")
                }
                Console.out(t.rendered)
            }
        }
    }

    struct People: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List participants: role, channels, capacity, training, rules, time off.",
            discussion: "Only people who are trained and have accepted the rules get posts. Example: herald people --json")

        @OptionGroup var location: LocationOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await withExitCodes {
                let s = try location.loadStrategy(printWarnings: false).strategy
                if output.json { return try Console.json(s.participants.map(ParticipantJSON.init)) }
                var t = Table("id", "name", "role", "channels", "per week", "trained", "rules", "languages", "time off")
                for p in s.participants {
                    t.add(p.id, p.name, p.role.isEmpty ? "–" : p.role, p.channels.joined(separator: ","), "\(p.capacityPerWeek)",
                          p.trained ? "yes" : Console.yellow("no"), p.rulesAccepted ? "yes" : Console.yellow("no"),
                          p.languages.isEmpty ? "–" : p.languages.joined(separator: ","),
                          p.timeOff.isEmpty ? "–" : p.timeOff.map(\.description).joined(separator: ", "))
                }
                Console.out(t.rendered)
            }
        }
    }
}

// MARK: JSON shapes (snake_case, stable for scripts)

struct MetricJSON: Encodable {
    var id, name, unit: String
    var baseline, target: Double
    var direction, deadline, measured_by: String
    /// `recorded`, or where Herald computes it from (`inbox.volume (channel instagram)`).
    var source: String

    init(_ m: Metric) {
        id = m.id; name = m.name; unit = m.unit; baseline = m.baseline; target = m.target
        direction = m.direction.rawValue; deadline = m.deadline.iso; measured_by = m.measuredBy; source = m.source.label
    }
}

struct GoalJSON: Encodable {
    var id, title, kind, owner: String
    var weight: Double
    var review: String?
    var metrics: [MetricJSON]

    init(_ g: Goal) {
        id = g.id; title = g.title; kind = g.kind.rawValue; owner = g.owner; weight = g.weight; review = g.review
        metrics = g.metrics.map(MetricJSON.init)
    }
}

struct ChannelJSON: Encodable {
    var id, network: String
    var name: String?
    var posts_per_week: Int
    var days, times, hooks, goals, hashtags: [String]
    var max_chars: Int
    var max_hashtags: Int?
    var max_lateness_seconds: Int
    var shares_per_post: Int
    var locale: String?

    init(_ c: Channel) {
        id = c.id; network = c.network.rawValue; name = c.name; posts_per_week = c.postsPerWeek
        days = c.days.map(\.shortName); times = c.times.map(\.description); hooks = c.hooks; goals = c.goals
        hashtags = c.hashtags; max_chars = c.maxCharacters; max_hashtags = c.maxHashtags
        max_lateness_seconds = Int(c.maxLateness); shares_per_post = c.sharesPerPost; locale = c.locale
    }
}

struct ParticipantJSON: Encodable {
    struct Range: Encodable { var from, to: String }
    var id, name, role: String
    var channels, languages, share_on: [String]
    var capacity_per_week: Int
    var trained, rules_accepted: Bool
    var time_off: [Range]

    init(_ p: Participant) {
        id = p.id; name = p.name; role = p.role; channels = p.channels; languages = p.languages
        share_on = p.shareOn.map(\.rawValue); capacity_per_week = p.capacityPerWeek; trained = p.trained
        rules_accepted = p.rulesAccepted; time_off = p.timeOff.map { Range(from: $0.start.iso, to: $0.end.iso) }
    }
}
