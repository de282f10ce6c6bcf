import ArgumentParser
import Foundation
import HeraldContent
import HeraldModel
import HeraldPlanner
import HeraldStore
import HeraldWorkspace

/// Parses "2027-02-03 10:00" (local to the strategy's zone) or a full ISO time.
func parseLocalTime(_ text: String, clock: ZoneClock) -> Date? {
    if let d = Date(iso: text) { return d }
    let parts = text.split(whereSeparator: { $0 == " " || $0 == "T" })
    guard parts.count == 2, let date = LocalDate(iso: String(parts[0])), let time = LocalTime(hhmm: String(parts[1])) else { return nil }
    return clock.instant(date, time)
}

extension Herald {
    struct PostCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "post",
            abstract: "Look at and change single posts.",
            discussion: """
            Changes are checked against the plan's rules (cadence, blackout and no-promo days, promotional runs, \
            owner eligibility and capacity); a violation is refused with the reason unless --force. A post you move \
            or change is locked, so re-planning keeps it.
            """,
            subcommands: [Show.self, Edit.self, Move.self, Set.self, Lock.self, Unlock.self, Cancel.self, Add.self, Published.self])

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Show one post.", discussion: "Example: herald post show p-1a2b3c4d")
            @Argument(help: "The post's id.") var id: String
            @OptionGroup var output: OutputOptions
            @OptionGroup var location: LocationOptions

            func run() async throws {
                try await withExitCodes {
                    let ws = try location.openWorkspace(printWarnings: false)
                    let p = try ws.post(id)
                    if output.json { return try Console.json(PostJSON(p, clock: ws.clock)) }
                    let s = ws.strategy
                    let rows: [(String, String?)] = [
                        ("id", p.id), ("when", ws.clock.isoLocal(p.scheduledAt) + "  (\(p.scheduledAt.isoUTC))"),
                        ("channel", "\(p.channel) (\(p.network.rawValue))"),
                        ("kind", p.kind.rawValue + (p.step.map { " — \($0.label)" } ?? "")),
                        ("campaign", p.campaign.map { c in s.campaign(c).map { "\(c) (\($0.name))" } ?? c }),
                        ("goal", p.goal.map { g in s.goal(g).map { "\(g) — \($0.title)" } ?? g }),
                        ("owner", p.owner.map { o in s.participant(o).map { "\(o) (\($0.name))" } ?? o } ?? "nobody yet"),
                        ("topic", p.topic), ("status", p.status.rawValue + (p.locked ? ", locked" : "")),
                        ("approved", p.approvedBy.map { "by \($0)\(p.approvedAt.map { ", \(ws.clock.isoLocal($0))" } ?? "")" }),
                        ("source", p.source.rawValue), ("idempotency key", p.idempotencyKey),
                        ("media", p.media.isEmpty
                            ? PostChecks.mediaNeeded(on: p.network).map { "none yet: \(p.network.rawValue) requires \($0) (herald post set \(p.id) --media URL)" }
                            : p.media.joined(separator: "\n" + String(repeating: " ", count: 16))),
                    ]
                    for (k, v) in rows { if let v { Console.out("\(k.padding(toLength: 16, withPad: " ", startingAt: 0))\(v)") } }
                    let tasks = try ws.shareTasks().filter { $0.post == p.id }
                    if !tasks.isEmpty {
                        Console.out("shares          " + tasks.map { t in s.participant(t.participant)?.name ?? t.participant }.joined(separator: ", "))
                    }
                    Console.out("")
                    Console.out(p.body ?? Console.dim("(no body yet: `herald draft` writes it)"))
                }
            }
        }

        struct Move: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Move a post to another time (local to the strategy's time zone).",
                discussion: "Example: herald post move p-1a2b3c4d --to \"2027-02-03 10:00\"")
            @Argument(help: "The post's id.") var id: String
            @Option(help: ArgumentHelp("The new time: \"YYYY-MM-DD HH:mm\" in the strategy's zone, or ISO 8601.", valueName: "time"))
            var to: String
            @Flag(help: "Do it even if it breaks a rule.") var force = false
            @OptionGroup var location: LocationOptions
            @OptionGroup var clockOptions: ClockOptions

            func run() async throws {
                try await withExitCodes {
                    let ws = try location.openWorkspace(printWarnings: false)
                    guard let when = parseLocalTime(to, clock: ws.clock) else {
                        throw CLIError("--to '\(to)' is not a time like \"2027-02-03 10:00\".", exitCode: 64)
                    }
                    let wasApproved = try ws.post(id).status == .approved
                    let updated = try ws.change(id, force: force, now: clockOptions.now) { p in
                        var p = p
                        p.scheduledAt = when
                        return p
                    }
                    Console.out("Moved \(id) to \(ws.clock.isoLocal(updated.scheduledAt)) and locked it.\(statusNote(updated, wasApproved: wasApproved))")
                }
            }
        }

        struct Set: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Change a post's kind, owner, channel, goal or topic.",
                discussion: "Example: herald post set p-1a2b3c4d --owner lena --kind engagement")
            @Argument(help: "The post's id.") var id: String
            @Option(help: "New kind.") var kind: String?
            @Option(help: "New owner: a participant's id or name (case and accents do not matter), or 'none'.") var owner: String?
            @Option(help: "New channel id.") var channel: String?
            @Option(help: "New goal id.") var goal: String?
            @Option(help: "New topic line.") var topic: String?
            @Option(help: "Campaign id (for contest and discount kinds).") var campaign: String?
            @Option(help: "Campaign step: announce, reminder, last-call, winners, launch.") var step: String?
            @Option(help: ArgumentHelp("An image or video for the post, as a web address (https://…); repeat for several. Replaces the post's media; 'none' removes them.",
                                       valueName: "url")) var media: [String] = []
            @Flag(help: "Do it even if it breaks a rule.") var force = false
            @OptionGroup var location: LocationOptions
            @OptionGroup var clockOptions: ClockOptions

            func validate() throws {
                if kind == nil, owner == nil, channel == nil, goal == nil, topic == nil, campaign == nil, step == nil, media.isEmpty {
                    throw ValidationError("say what to change: --kind, --owner, --channel, --goal, --topic, --campaign, --step or --media.")
                }
                if media != ["none"] { try checkMedia(media) }
                if let kind, ContentKind(rawValue: kind) == nil {
                    throw ValidationError("unknown kind '\(kind)'; use \(ContentKind.allCases.map(\.rawValue).joined(separator: ", ")).")
                }
                if let step, CampaignStep(rawValue: step) == nil {
                    throw ValidationError("unknown step '\(step)'; use \(CampaignStep.allCases.map(\.rawValue).joined(separator: ", ")).")
                }
                try validatePersonName(owner, option: "--owner")
            }

            func run() async throws {
                try await withExitCodes {
                    let ws = try location.openWorkspace(printWarnings: false)
                    let newOwner = try owner.map { $0 == "none" ? "none" : try participant(named: $0, option: "--owner", in: ws.strategy).id }
                    var newNetwork: Network?
                    if let channel {
                        guard let c = ws.strategy.channel(channel) else { throw CLIError("no channel '\(channel)' in the strategy.", exitCode: 65) }
                        newNetwork = c.network
                    }
                    let network = newNetwork
                    let (kind, owner, channel, goal, topic, campaign, step) = (self.kind, newOwner, self.channel, self.goal, self.topic, self.campaign, self.step)
                    let wasApproved = try ws.post(id).status == .approved
                    let media: [String]? = self.media.isEmpty ? nil : self.media == ["none"] ? [] : self.media
                    let updated = try ws.change(id, force: force, now: clockOptions.now) { p in
                        var p = p
                        if let kind, let k = ContentKind(rawValue: kind) {
                            p.kind = k
                            if !k.isPromotional { p.campaign = nil; p.step = nil }
                        }
                        if let owner { p.owner = owner == "none" ? nil : owner }
                        if let channel, let network { p.channel = channel; p.network = network }
                        if let goal { p.goal = goal }
                        if let topic { p.topic = topic }
                        if let campaign { p.campaign = campaign }
                        if let step { p.step = CampaignStep(rawValue: step) }
                        if let media { p.media = media }
                        return p
                    }
                    Console.out("Updated \(id) and locked it: \(agendaLine(updated, ws))\(statusNote(updated, wasApproved: wasApproved))")
                }
            }
        }

        struct Lock: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Lock a post so re-planning keeps it as it is.", discussion: "Example: herald post lock p-1a2b3c4d")
            @Argument(help: "The post's id.") var id: String
            @OptionGroup var location: LocationOptions
            @OptionGroup var clockOptions: ClockOptions

            func run() async throws {
                try await withExitCodes {
                    let ws = try location.openWorkspace(printWarnings: false)
                    try ws.setLocked(id, true, now: clockOptions.now)
                    Console.out("Locked \(id): re-planning keeps it.")
                }
            }
        }

        struct Unlock: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Unlock a post so re-planning may replace it again (if still planned).")
            @Argument(help: "The post's id.") var id: String
            @OptionGroup var location: LocationOptions
            @OptionGroup var clockOptions: ClockOptions

            func run() async throws {
                try await withExitCodes {
                    let ws = try location.openWorkspace(printWarnings: false)
                    try ws.setLocked(id, false, now: clockOptions.now)
                    Console.out("Unlocked \(id).")
                }
            }
        }

        struct Cancel: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Cancel a post: it is never published, and re-planning leaves its slot empty.",
                discussion: "Example: herald post cancel p-1a2b3c4d")
            @Argument(help: "The post's id.") var id: String
            @OptionGroup var location: LocationOptions
            @OptionGroup var clockOptions: ClockOptions

            func run() async throws {
                try await withExitCodes {
                    let ws = try location.openWorkspace(printWarnings: false)
                    try ws.cancelPost(id, now: clockOptions.now)
                    Console.out("Cancelled \(id).")
                }
            }
        }

        struct Published: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Say a post went out outside Herald (posted by hand in the network's app), so its results can be imported.",
                discussion: "The post (planned, drafted, approved, failed or expired) becomes published, with when and where it went out recorded: --url and --network-id let `herald results import` rows name it by the network's address or id. A post with a delivery still waiting or in flight is refused (see `herald queue`). Example: herald post published p-1a2b3c4d --at \"2027-01-05 08:30\" --url https://www.facebook.com/beanandbloom/posts/123")
            @Argument(help: "The post's id.") var id: String
            @Option(help: ArgumentHelp("When it went out: \"YYYY-MM-DD HH:mm\" in the strategy's zone, or ISO 8601 (default: its scheduled time, or now if that is still to come).", valueName: "time"))
            var at: String?
            @Option(help: ArgumentHelp("Its address on the network (https://…).", valueName: "url")) var url: String?
            @Option(name: .customLong("network-id"), help: ArgumentHelp("The network's id of the post.", valueName: "id")) var networkID: String?
            @OptionGroup var location: LocationOptions
            @OptionGroup var clockOptions: ClockOptions

            func run() async throws {
                try await withExitCodes {
                    let ws = try location.openWorkspace(printWarnings: false)
                    var when: Date?
                    if let at {
                        guard let t = parseLocalTime(at, clock: ws.clock) else {
                            throw CLIError("--at '\(at)' is not a time like \"2027-02-03 10:00\".", exitCode: 64)
                        }
                        when = t
                    }
                    let e = try ws.markPublishedElsewhere(id, at: when, url: url, networkID: networkID, now: clockOptions.now)
                    Console.out("Marked \(id) published outside Herald at \(ws.clock.isoLocal(e.at)).")
                }
            }
        }

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Add a post by hand.",
                discussion: "Example: herald post add --channel facebook --at \"2027-02-03 08:30\" --kind engagement --owner anna --topic \"Ask about oat milk\"")
            @Option(help: "Channel id.") var channel: String
            @Option(help: ArgumentHelp("Time: \"YYYY-MM-DD HH:mm\" in the strategy's zone, or ISO 8601.", valueName: "time")) var at: String
            @Option(help: "Kind.") var kind: String = "informational"
            @Option(help: "Owner: a participant's id or name (case and accents do not matter).") var owner: String?
            @Option(help: "Goal id (default: the channel's first goal).") var goal: String?
            @Option(help: "Topic line.") var topic: String?
            @Option(help: "Body text (the post is then `drafted`).") var body: String?
            @Option(help: "Campaign id (contest and discount kinds).") var campaign: String?
            @Option(help: "Campaign step.") var step: String?
            @Option(help: ArgumentHelp("An image or video for the post, as a web address (https://…); repeat for several. Instagram, TikTok, YouTube and Pinterest posts need one before approval.",
                                       valueName: "url")) var media: [String] = []
            @Flag(help: "Add it even if it breaks a rule.") var force = false
            @OptionGroup var location: LocationOptions
            @OptionGroup var clockOptions: ClockOptions

            func validate() throws {
                if ContentKind(rawValue: kind) == nil {
                    throw ValidationError("unknown kind '\(kind)'; use \(ContentKind.allCases.map(\.rawValue).joined(separator: ", ")).")
                }
                if let step, CampaignStep(rawValue: step) == nil {
                    throw ValidationError("unknown step '\(step)'; use \(CampaignStep.allCases.map(\.rawValue).joined(separator: ", ")).")
                }
                try validatePersonName(owner, option: "--owner")
                try checkMedia(media)
            }

            func run() async throws {
                try await withExitCodes {
                    let ws = try location.openWorkspace(printWarnings: false)
                    let owner = try self.owner.map { try participant(named: $0, option: "--owner", in: ws.strategy).id }
                    guard let c = ws.strategy.channel(channel) else {
                        throw CLIError("no channel '\(channel)' in the strategy (known: \(ws.strategy.channels.map(\.id).joined(separator: ", "))).", exitCode: 65)
                    }
                    guard let when = parseLocalTime(at, clock: ws.clock) else {
                        throw CLIError("--at '\(at)' is not a time like \"2027-02-03 10:00\".", exitCode: 64)
                    }
                    let post = Post(id: Post.makeID("manual", channel, when.isoUTC, UUID().uuidString), channel: channel, network: c.network,
                                    kind: ContentKind(rawValue: kind)!, step: step.flatMap(CampaignStep.init(rawValue:)),
                                    campaign: campaign, goal: goal ?? campaign.flatMap { ws.strategy.campaign($0)?.goal } ?? c.goals.first,
                                    owner: owner, scheduledAt: when, status: body == nil ? .planned : .drafted, body: body,
                                    topic: topic, locked: true, source: .manual, media: media)
                    let added = try ws.add(post, force: force, now: clockOptions.now)
                    Console.out("Added \(added.id): \(agendaLine(added, ws))")
                }
            }
        }
    }
}

/// `--media` values must be web addresses a hook can fetch: refused with exit 64 otherwise.
func checkMedia(_ media: [String]) throws {
    for m in media where !EvergreenLibrary.isWebAddress(m) {
        throw ValidationError("--media '\(m)' is not a web address; give the image's or video's address, like https://beanandbloom.example/img/latte.jpg.")
    }
}

/// Said after a change only when the change took an approval back.
func statusNote(_ p: Post, wasApproved: Bool) -> String {
    wasApproved && p.status == .drafted ? " It was approved, so it is back to drafted and needs approval again." : ""
}
