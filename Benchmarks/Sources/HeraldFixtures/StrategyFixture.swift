import Foundation
import HeraldModel

/// The shape of a synthetic agency-scale strategy: how many channels and people, over which days.
///
/// Everything is derived from the numbers and the seed, so the same shape always gives byte-identical files.
public struct StrategyShape: Sendable {
    public var channels: Int
    public var participants: Int
    public var from: LocalDate
    public var to: LocalDate
    public var seed: UInt64
    /// Where the `social` webhook hook posts.
    public var webhookURL: String

    public init(channels: Int, participants: Int, from: LocalDate, to: LocalDate, seed: UInt64 = 42,
                webhookURL: String = "http://127.0.0.1:18080/hook") {
        self.channels = channels; self.participants = participants; self.from = from; self.to = to; self.seed = seed
        self.webhookURL = webhookURL
    }

    /// Scenario 1: 200 channels, 300 participants, a year (about 150,000 posts).
    public static func large(webhookURL: String = "http://127.0.0.1:18080/hook") -> StrategyShape {
        StrategyShape(channels: 200, participants: 300, from: LocalDate(year: 2027, month: 1, day: 1)!,
                      to: LocalDate(year: 2027, month: 12, day: 31)!, webhookURL: webhookURL)
    }

    /// Scenario 2: `factor` × 12 channels and × 18 participants over a year (16× is close to the large one).
    public static func scaled(_ factor: Int) -> StrategyShape {
        StrategyShape(channels: 12 * factor, participants: 18 * factor, from: LocalDate(year: 2027, month: 1, day: 1)!,
                      to: LocalDate(year: 2027, month: 12, day: 31)!)
    }

    static let networks: [Network] = [.facebook, .instagram, .linkedin, .x, .mastodon, .bluesky, .threads, .tiktok, .youtube,
                                      .pinterest, .blog]
    static let goalIDs = ["awareness", "community", "sales", "loyalty", "trust", "feedback"]

    public func channelID(_ i: Int) -> String { "ch-\(pad(i + 1, 3))" }
    public func network(_ i: Int) -> Network { Self.networks[i % Self.networks.count] }
    /// Every fourth channel hands its posts to the outbox, the others to the webhook.
    public func hook(_ i: Int) -> String { i % 4 == 3 ? "outbox" : "social" }
    public func postsPerWeek(_ i: Int) -> Int { 10 + (i * 7) % 10 }
    public func participantID(_ p: Int) -> String { "pp-\(pad(p + 1, 3))" }

    /// Channels whose posts go to the webhook.
    public var webhookChannels: [Int] { (0..<channels).filter { hook($0) == "social" } }
    public var outboxChannels: [Int] { (0..<channels).filter { hook($0) == "outbox" } }
}

func pad(_ n: Int, _ width: Int) -> String {
    let s = String(n)
    return String(repeating: "0", count: max(0, width - s.count)) + s
}

/// Writes a strategy.yaml (and its calendar) for a shape.
public enum StrategyFixture {
    /// The files of a fixture: `strategy.yaml` and `Calendars/company.ics`, relative to one folder.
    public static func files(_ shape: StrategyShape) -> [(path: String, text: String)] {
        [("strategy.yaml", yaml(shape)), ("Calendars/company.ics", companyCalendar(shape))]
    }

    public static func write(_ shape: StrategyShape, to folder: String) throws {
        for (path, text) in files(shape) {
            let full = (folder as NSString).appendingPathComponent(path)
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: full, atomically: true, encoding: .utf8)
        }
    }

    static func yaml(_ s: StrategyShape) -> String {
        var y = """
        # Synthetic strategy written by herald-fixtures (Benchmarks/): \(s.channels) channels, \(s.participants) participants, \
        \(s.from)..\(s.to), seed \(s.seed).
        version: 1
        brand:
          name: "Northwind Agency Clients"
          link: "https://northwind.example/"
          hashtags: ["#Northwind"]
        timezone: Europe/Amsterdam
        locale: en
        period:
          from: \(s.from)
          to: \(s.to)
        goals:

        """
        let kinds = ["awareness", "engagement", "sales", "loyalty", "trust", "feedback"]
        for (g, id) in StrategyShape.goalIDs.enumerated() {
            y += """
              - id: \(id)
                title: "Goal \(id)"
                kind: \(kinds[g])
                owner: \(s.participantID(g % max(1, s.participants)))
                weight: \(1 + g % 3)
                review: monthly
                metrics:
                  - id: \(id)-m1
                    name: "\(id) metric one"
                    unit: people
                    baseline: \(1000 + g * 100)
                    target: \(2000 + g * 100)
                    direction: up
                    deadline: \(s.to)
                    measured_by: "Insights export, monthly"
                  - id: \(id)-m2
                    name: "\(id) metric two"
                    unit: "%"
                    baseline: \(10 + g)
                    target: \(5 + g)
                    direction: down
                    deadline: \(s.to)
                    measured_by: "Inbox export, weekly"

            """
        }
        y += "channels:\n"
        let timeSets = [["08:00", "12:30", "18:00"], ["07:30", "11:00", "17:30"], ["09:00", "13:00", "19:30"]]
        for i in 0..<s.channels {
            let goals = ["awareness", "community", "sales", StrategyShape.goalIDs[3 + i % 3]]
            y += """
              - id: \(s.channelID(i))
                network: \(s.network(i).rawValue)
                name: "Client channel \(i + 1)"
                posts_per_week: \(s.postsPerWeek(i))
                days: [mon, tue, wed, thu, fri, sat, sun]
                times: [\(timeSets[i % 3].map { "\"\($0)\"" }.joined(separator: ", "))]
                hooks: [\(s.hook(i))]
                goals: [\(goals.joined(separator: ", "))]
                max_lateness: 6h

            """
            if i % 5 == 0 { y += "    amplify:\n      shares_per_post: \(1 + i % 2)\n" }
        }
        y += """
        mix:
          informational: 0.35
          engagement: 0.30
          social-proof: 0.15
          contest: 0.10
          discount: 0.10
        rules:
          min_days_between_contests: 30
          min_days_between_discounts: 28
          max_promotional_in_a_row: 1
        participants:

        """
        let networks = StrategyShape.networks
        for p in 0..<s.participants {
            // Seven neighbouring channels each: every channel is covered by about ten people.
            let first = (p * s.channels) / max(1, s.participants)
            let channels = (0..<min(7, s.channels)).map { s.channelID((first + $0) % s.channels) }
            let off = s.from.adding(days: (p * 37) % max(1, s.from.days(to: s.to) - 14))
            var timeOff = "[\"\(off)..\(off.adding(days: 4))\""
            if p % 3 == 0 {
                let second = s.from.adding(days: (p * 53 + 90) % max(1, s.from.days(to: s.to) - 14))
                timeOff += ", \"\(second)..\(second.adding(days: 2))\""
            }
            timeOff += "]"
            y += """
              - id: \(s.participantID(p))
                name: "Person \(p + 1)"
                role: "Editor"
                channels: [\(channels.joined(separator: ", "))]
                capacity_per_week: \(12 + (p * 5) % 9)
                trained: \(p % 20 != 7)
                rules_accepted: true
                languages: [en]
                time_off: \(timeOff)

            """
            if p % 4 == 1 { y += "    share_on: [\(networks[p % networks.count].rawValue)]\n" }
        }
        // Campaigns: per group of ten channels, a contest and a discount every 60 days, 30 days apart.
        y += "campaigns:\n"
        let groups = (s.channels + 9) / 10
        let days = s.from.days(to: s.to)
        for g in 0..<groups {
            let members = (g * 10..<min(s.channels, g * 10 + 10)).map(s.channelID)
            var k = 0
            var start = (g * 3) % 20
            while start + 10 <= days {
                let cStart = s.from.adding(days: start)
                y += """
                  - id: contest-\(g + 1)-\(k + 1)
                    kind: contest
                    name: "Contest \(g + 1).\(k + 1)"
                    start: \(cStart)
                    end: \(cStart.adding(days: 9))
                    goal: community
                    channels: [\(members.joined(separator: ", "))]
                    prize: "A year of coffee"
                    details: "Share your photo and tag us"

                """
                if start + 30 + 7 <= days {
                    let dStart = s.from.adding(days: start + 30)
                    y += """
                      - id: discount-\(g + 1)-\(k + 1)
                        kind: discount
                        name: "Discount \(g + 1).\(k + 1)"
                        start: \(dStart)
                        end: \(dStart.adding(days: 6))
                        goal: sales
                        channels: [\(members.joined(separator: ", "))]
                        code: SAVE\(g + 1)X\(k + 1)
                        percent: \(10 + (g + k) % 15)

                    """
                }
                start += 60
                k += 1
            }
        }
        y += """
        calendars:
          - path: Calendars/holidays-nl.ics
            role: blackout
            name: Dutch public holidays
          - path: Calendars/company.ics
            role: no-promo
            name: Company quiet days
          - path: Calendars/marketing-observances.ics
            role: observance
        hooks:
          - id: social
            type: webhook
            url: "\(s.webhookURL)"
            secret_env: HERALD_WEBHOOK_SECRET
            timeout: 15s
            attempts: 8
          - id: outbox
            type: outbox
            dir: outbox
        topics:
          informational:
            - "What is new this week"
            - "Behind the scenes"
            - "How it is made"
          engagement:
            - "Which one would you pick?"
            - "Show us yours"
          social-proof:
            - "A customer's story"
            - "What guests said"
        crisis:
          response_hours: 1
          update_every_days: 2
          owner: \(s.participantID(0))

        """
        return y
    }

    /// A company calendar of quiet (no-promotion) days: the 15th of every month.
    static func companyCalendar(_ s: StrategyShape) -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Herald benchmarks//fixtures//EN", "X-WR-CALNAME:Company quiet days"]
        var d = s.from.firstOfMonth
        var n = 0
        while d <= s.to {
            let day = LocalDate(year: d.year, month: d.month, day: 15)!
            let compact = day.iso.replacingOccurrences(of: "-", with: "")
            let next = day.adding(days: 1).iso.replacingOccurrences(of: "-", with: "")
            n += 1
            lines += ["BEGIN:VEVENT", "UID:quiet-\(n)@bench.herald.example", "DTSTAMP:20260101T000000Z", "DTSTART;VALUE=DATE:\(compact)",
                      "DTEND;VALUE=DATE:\(next)", "SUMMARY:Quiet day \(n)", "END:VEVENT"]
            d = d.lastOfMonth.adding(days: 1)
        }
        lines.append("END:VCALENDAR")
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}
