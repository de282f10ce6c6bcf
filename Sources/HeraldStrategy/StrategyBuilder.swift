import Foundation
import HeraldModel
import Yams

/// Turns the YAML tree into a `Strategy`, checking types, references and rules.
struct StrategyBuilder {
    let reader: NodeReader
    let fileExists: (String) -> Bool

    static let topKeys = ["version", "brand", "timezone", "locale", "period", "goals", "channels", "mix",
                          "kind_goals", "rules", "participants", "campaigns", "calendars", "hooks", "topics",
                          "crisis", "notify", "templates", "library", "sources", "response_targets", "inbox"]

    func build(_ root: Node) -> Strategy? {
        guard let top = reader.map(root, "", known: Self.topKeys,
                                   required: ["brand", "timezone", "goals", "channels", "participants"]) else { return nil }
        if let v = top.value("version"), let n = reader.int(v, "version", in: 1...999, unit: "") , n != 1 {
            reader.error(v, "version", "this Herald reads strategy version 1; the file says \(n). Upgrade Herald or write `version: 1`.")
        }
        let brand = top.map("brand", known: ["name", "link", "hashtags"], required: ["name"]).flatMap(readBrand)
        let timeZone = top.value("timezone").flatMap { readTimeZone($0, "timezone") }
        let locale = top.value("locale").flatMap { readLocaleCode($0, "locale") } ?? "en"
        let period = top.value("period").flatMap { readPeriod($0, "period") }

        let hooks = list(top, "hooks", readHook)
        let hookIDs = ids(hooks, "hooks")
        let goals = list(top, "goals", readGoal)
        let goalIDs = ids(goals, "goals")
        var metricItems: [Item<Metric>] = []
        for g in goals {
            guard case .sequence(let seq)? = raw(g.node, "metrics") else { continue }
            for (i, node) in seq.enumerated() {
                metricItems.append(Item(value: nil, node: node, path: "\(g.path).metrics[\(i)]"))
            }
        }
        let metricIDs = ids(metricItems, "metrics")
        let channels = list(top, "channels", readChannel)
        let channelIDs = ids(channels, "channels")
        let participants = list(top, "participants", readParticipant)
        let participantIDs = ids(participants, "participants")
        let campaigns = list(top, "campaigns", readCampaign)
        let campaignIDs = ids(campaigns, "campaigns")

        if top.has("goals"), goals.isEmpty, !reader.hasErrors {
            reader.error(top.value("goals"), "goals", "list at least one goal: every post serves a business goal.")
        }
        if top.has("channels"), channels.isEmpty, !reader.hasErrors {
            reader.error(top.value("channels"), "channels", "list at least one channel to post to.")
        }

        // References, checked on every item (even one with other errors) so each mistake is reported once.
        for c in channels {
            let hookRefs = rawTexts(c.node, "hooks", c.path) + rawTexts(c.node, "hook", c.path, single: true)
            for h in hookRefs { ref(h.text, hookIDs, h.node, h.path, what: "hook", listKey: "hooks") }
            let goalRefs = rawTexts(c.node, "goals", c.path)
            for g in goalRefs { ref(g.text, goalIDs, g.node, g.path, what: "goal", listKey: "goals") }
            guard let channel = c.value else { continue }
            if goalRefs.isEmpty {
                reader.warn(c.node, c.path, "channel '\(channel.id)' serves no goal; add `goals: [...]` so its posts count towards one.")
            }
            if hookRefs.isEmpty {
                reader.warn(c.node, c.path, "channel '\(channel.id)' has no hook, so `herald publish` cannot deliver its posts; add `hooks: [...]`.")
            }
        }
        for m in metricItems {
            guard let source = raw(m.node, "source") else { continue }
            for c in rawTexts(source, "channel", "\(m.path).source", single: true) {
                ref(c.text, channelIDs, c.node, c.path, what: "channel", listKey: "channels")
            }
            for c in rawTexts(source, "campaign", "\(m.path).source", single: true) {
                ref(c.text, campaignIDs, c.node, c.path, what: "campaign", listKey: "campaigns")
            }
        }
        for p in participants {
            for c in rawTexts(p.node, "channels", p.path) {
                ref(c.text, channelIDs, c.node, c.path, what: "channel", listKey: "channels")
            }
            guard let person = p.value else { continue }
            if !person.trained {
                reader.warn(p.node, p.path, "\(person.name) is not trained yet, so gets no posts; set `trained: true` after the training.")
            } else if !person.rulesAccepted {
                reader.warn(p.node, p.path, "\(person.name) has not accepted the social-media rules yet, so gets no posts; set `rules_accepted: true` once they have.")
            }
        }
        for c in campaigns {
            for g in rawTexts(c.node, "goal", c.path, single: true) {
                ref(g.text, goalIDs, g.node, g.path, what: "goal", listKey: "goals")
            }
            for ch in rawTexts(c.node, "channels", c.path) {
                ref(ch.text, channelIDs, ch.node, ch.path, what: "channel", listKey: "channels")
            }
            if let period, let campaign = c.value, !campaign.dates.overlaps(period) {
                reader.warn(c.node, c.path, "campaign '\(campaign.id)' (\(campaign.dates)) lies outside the strategy's period \(period); it will not be planned.")
            }
        }
        for g in goals.compactMap(\.value) where g.metrics.isEmpty {
            reader.warn(goals.first { $0.value?.id == g.id }?.node, goals.first { $0.value?.id == g.id }?.path ?? "goals", "goal '\(g.id)' has no metric, so nobody can tell whether it was met; add `metrics:`.")
        }

        let mix = top.value("mix").flatMap { readMix($0, "mix") } ?? Self.defaultMix
        let kindGoals = top.map("kind_goals", known: ContentKind.plannable.map(\.rawValue)).map(readKindGoals) ?? [:]
        let rules = top.map("rules", known: ["min_days_between_contests", "min_days_between_discounts", "max_promotional_in_a_row"]).map(readRules) ?? Rules()
        let calendars = list(top, "calendars", readCalendar)
        let topics = top.map("topics", known: ContentKind.plannable.map(\.rawValue)).map(readTopics) ?? [:]
        let crisis = top.map("crisis", known: ["response_hours", "update_every_days", "owner", "alert", "spike"]).map { readCrisis($0, participantIDs: participantIDs, metricIDs: metricIDs) } ?? CrisisSettings()
        var notify: String?
        if let n = top.value("notify"), let id = reader.text(n, "notify") {
            ref(id, hookIDs, n, "notify", what: "hook", listKey: "hooks")
            notify = id
        }
        let templates = top.text("templates")
        let library = top.value("library").flatMap { readLibrary($0, "library") }
        let sources = list(top, "sources", readSource)
        _ = ids(sources, "sources")
        let targets = top.map("response_targets", known: ["first_reply", "complaint", "hours", "business_hours", "channels"])
            .map { readResponseTargets($0, channelIDs: channelIDs) } ?? ResponseTargets()
        let inbox = top.map("inbox", known: ["reply_approval", "crisis_topics", "own_handles"])
            .map { readInboxSettings($0, channelIDs: channelIDs) } ?? InboxSettings()

        guard let brand, let timeZone else { return nil }
        var strategy = Strategy(brand: brand, timeZone: timeZone, locale: locale, period: period,
                        goals: goals.compactMap(\.value), channels: channels.compactMap(\.value), mix: mix, kindGoals: kindGoals,
                        rules: rules, participants: participants.compactMap(\.value), campaigns: campaigns.compactMap(\.value),
                        calendars: calendars.compactMap(\.value), hooks: hooks.compactMap(\.value), topics: topics,
                        crisis: crisis, notify: notify, templatesPath: templates, library: library)
        strategy.sources = sources.compactMap(\.value)
        strategy.responseTargets = targets
        strategy.inbox = inbox
        return strategy
    }

    // MARK: Listening

    /// `sources: [{id: reviews-connector, secret_env: HERALD_SOURCE_REVIEWS}]`.
    func readSource(_ v: MapView) -> InboxSource? {
        let id = readId(v)
        for secretKey in ["secret", "token"] where v.entries[secretKey] != nil {
            reader.error(v.value(secretKey), v.path(secretKey), "secrets never live in the strategy file. Put the value in an environment variable and name that variable with `secret_env: HERALD_SOURCE_SECRET`.")
        }
        let env = v.text("secret_env")
        if let env, !Self.isEnvironmentName(env) {
            reader.error(v.value("secret_env"), v.path("secret_env"), "'\(env)' is not an environment variable name (letters, digits and _, not starting with a digit).")
            return nil
        }
        guard let id, let env else { return nil }
        return InboxSource(id: id, secretEnv: env)
    }

    static func isEnvironmentName(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return s.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    /// `response_targets: {first_reply: 1h, complaint: 30m, hours: business, business_hours: {days: [mon, …], from: "09:00",
    /// to: "17:00"}, channels: {facebook: 2h}}`.
    func readResponseTargets(_ v: MapView, channelIDs: Set<String>) -> ResponseTargets {
        var t = ResponseTargets()
        if let d = v.duration("first_reply") { t.firstReply = d }
        if let d = v.duration("complaint") { t.complaint = d }
        var business: BusinessHours? = BusinessHours(days: [.monday, .tuesday, .wednesday, .thursday, .friday],
                                                     opens: LocalTime(hour: 9, minute: 0)!, closes: LocalTime(hour: 17, minute: 0)!)
        if let b = v.map("business_hours", known: ["days", "from", "to"]) {
            var days = business!.days
            if let list = b.texts("days") {
                days = list.compactMap { d in
                    let w = Weekday(name: d.text)
                    if w == nil { reader.error(d.node, d.path, "'\(d.text)' is not a weekday; use mon, tue, wed, thu, fri, sat, sun.") }
                    return w
                }
                if list.isEmpty { reader.error(b.value("days"), b.path("days"), "list at least one weekday.") }
            }
            func time(_ key: String) -> LocalTime? {
                guard let text = b.text(key) else { return nil }
                guard let t = LocalTime(hhmm: text) else {
                    reader.error(b.value(key), b.path(key), "expected a time like 09:00 (24-hour HH:mm), got '\(text)'.")
                    return nil
                }
                return t
            }
            let opens = time("from") ?? business!.opens, closes = time("to") ?? business!.closes
            if opens >= closes { reader.error(b.value("to"), b.path("to"), "business hours must end after they start (\(opens)–\(closes)).") }
            business = BusinessHours(days: days, opens: opens, closes: closes)
        }
        if let hours = v.text("hours") {
            switch hours {
            case "business": break
            case "always", "24/7": business = nil
            default: reader.error(v.value("hours"), v.path("hours"), "'\(hours)' is not `business` or `always`.")
            }
        } else if !v.has("business_hours") {
            business = nil
        }
        t.businessHours = business
        if let channels = v.value("channels"), case .mapping(let m) = channels {
            for (k, node) in m {
                guard let id = k.scalar?.string else { continue }
                ref(id, channelIDs, k, "response_targets.channels.\(id)", what: "channel", listKey: "channels")
                if let d = reader.duration(node, "response_targets.channels.\(id)") { t.perChannel[id] = d }
            }
        } else if v.has("channels") {
            reader.error(v.value("channels"), v.path("channels"), "expected channel ids with a first-reply target, e.g. `channels: {facebook: 2h}`.")
        }
        return t
    }

    /// `inbox: {reply_approval: none|complaints|all, crisis_topics: [recall], own_handles: {instagram: ["@beanandbloom"]}}`.
    func readInboxSettings(_ v: MapView, channelIDs: Set<String>) -> InboxSettings {
        var s = InboxSettings()
        if let a = v.text("reply_approval") {
            if let policy = ReplyApproval(rawValue: a) { s.replyApproval = policy } else {
                reader.error(v.value("reply_approval"), v.path("reply_approval"),
                             "'\(a)' is not a reply approval policy; use none, complaints or all.")
            }
        }
        if let topics = v.texts("crisis_topics") { s.crisisTopics = topics.map(\.text) }
        if let handles = v.value("own_handles"), case .mapping(let m) = handles {
            for (k, node) in m {
                guard let id = k.scalar?.string else { continue }
                let path = "\(v.path("own_handles")).\(id)"
                ref(id, channelIDs, k, path, what: "channel", listKey: "channels")
                switch node {
                case .scalar: if let h = reader.text(node, path) { s.ownHandles[id] = [h] }
                case .sequence(let seq): s.ownHandles[id] = seq.compactMap { reader.text($0, path) }
                default: reader.error(node, path, "expected a handle or a list of handles, e.g. `\(id): \"@beanandbloom\"`.")
                }
            }
        } else if v.has("own_handles") {
            reader.error(v.value("own_handles"), v.path("own_handles"), "expected channel ids with the brand's handle there, e.g. `own_handles: {instagram: \"@beanandbloom\"}`.")
        }
        return s
    }

    static let defaultMix: [ContentKind: Double] = [
        .informational: 0.4, .engagement: 0.3, .socialProof: 0.15, .contest: 0.1, .discount: 0.05,
    ]

    // MARK: Lists and references

    /// One entry of a list: its value when it read cleanly, and always its node and path.
    struct Item<T> { let value: T?; let node: Node; let path: String }

    func list<T>(_ top: MapView, _ key: String, _ read: (MapView) -> T?) -> [Item<T>] {
        guard let items = top.items(key) else { return [] }
        return items.map { item in
            guard let keys = Self.keys[key], let view = reader.map(item.node, item.path, known: keys.known, required: keys.required) else {
                return Item(value: nil, node: item.node, path: item.path)
            }
            return Item(value: read(view), node: item.node, path: item.path)
        }
    }

    /// A key's value in a raw mapping node, without reporting anything.
    func raw(_ node: Node, _ key: String) -> Node? {
        // Compared as text: Yams' `mapping[key]` makes a node of the key and compares whole nodes, tags included,
        // which was a fifth of reading a large strategy.
        guard case .mapping(let m) = node else { return nil }
        for (k, v) in m where k.scalar?.string == key { return reader.isNull(v) ? nil : v }
        return nil
    }

    /// The texts of a raw list (or single value) under a key, with their nodes and paths; reports nothing.
    func rawTexts(_ node: Node, _ key: String, _ path: String, single: Bool = false) -> [(text: String, node: Node, path: String)] {
        guard let v = raw(node, key) else { return [] }
        switch v {
        case .scalar(let s):
            return [(s.string, v, single ? "\(path).\(key)" : "\(path).\(key)[0]")]
        case .sequence(let seq):
            return seq.enumerated().compactMap { i, n in n.scalar.map { ($0.string, n, "\(path).\(key)[\(i)]") } }
        default:
            return []
        }
    }

    static let keys: [String: (known: [String], required: [String])] = [
        "hooks": (["id", "type", "url", "secret_env", "argv", "dir", "env", "timeout", "attempts", "idempotent",
                   "secret", "token", "password", "api_key", "key"], ["id", "type"]),
        "goals": (["id", "title", "kind", "owner", "weight", "metrics", "review"], ["id", "title", "kind", "owner"]),
        "channels": (["id", "network", "name", "posts_per_week", "days", "times", "max_chars", "max_hashtags", "hooks",
                      "hook", "goals", "max_lateness", "amplify", "hashtags", "locale", "mix"],
                     ["id", "network", "posts_per_week", "times"]),
        "participants": (["id", "name", "role", "channels", "capacity_per_week", "trained", "rules_accepted",
                          "time_off", "languages", "share_on"], ["id", "name", "channels", "capacity_per_week"]),
        "campaigns": (["id", "kind", "name", "start", "end", "goal", "channels", "code", "percent", "prize",
                       "details", "link", "budget"], ["id", "kind", "name", "start", "end", "goal", "channels"]),
        "calendars": (["path", "role", "name"], ["path", "role"]),
        "sources": (["id", "secret_env", "secret", "token"], ["id", "secret_env"]),
        "metrics": (["id", "name", "unit", "baseline", "target", "direction", "deadline", "measured_by", "source"],
                    ["id", "name", "unit", "baseline", "target", "direction", "deadline"]),
    ]

    /// Collects the ids written in a list's items (read or not), reporting duplicates.
    func ids<T>(_ items: [Item<T>], _ what: String) -> Set<String> {
        var seen: [String: String] = [:]
        for item in items {
            guard let idNode = raw(item.node, "id"), let id = idNode.scalar?.string else { continue }
            if let first = seen[id] {
                reader.error(idNode, "\(item.path).id", "the id '\(id)' is used twice in \(what) (first at \(first)); ids must be unique.")
            } else {
                seen[id] = item.path
            }
        }
        return Set(seen.keys)
    }

    func ref(_ id: String, _ known: Set<String>, _ node: Node?, _ path: String, what: String, listKey: String) {
        guard !known.contains(id) else { return }
        let hint = Suggest.hint(for: id, in: known.sorted())
        let list = known.isEmpty ? "none is defined" : "known: \(known.sorted().joined(separator: ", "))"
        reader.error(node, path, "no \(what) with id '\(id)' (\(list)).\(hint) Define it under `\(listKey):` or fix the id.")
    }

    func readId(_ v: MapView) -> String? {
        guard let node = v.value("id"), let raw = reader.text(node, v.path("id")) else { return nil }
        let allowed = raw.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
        guard allowed, let first = raw.unicodeScalars.first, ("a"..."z").contains(first) || ("0"..."9").contains(first) else {
            let slug = raw.lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
            reader.error(node, v.path("id"), "ids use lowercase letters, digits, '-' and '_' (starting with a letter or digit), got '\(raw)'; e.g. '\(slug)'.")
            return nil
        }
        return raw
    }

    // MARK: Sections

    func readBrand(_ v: MapView) -> Brand? {
        let name = v.text("name")
        if let name, name.trimmingCharacters(in: .whitespaces).isEmpty {
            reader.error(v.value("name"), v.path("name"), "the brand name must not be empty.")
        }
        var link: String?
        if let l = v.text("link") { link = readUrl(l, v.value("link"), v.path("link")) }
        let tags = readHashtags(v, "hashtags")
        guard let name else { return nil }
        return Brand(name: name, link: link, hashtags: tags)
    }

    func readHashtags(_ v: MapView, _ key: String) -> [String] {
        (v.texts(key) ?? []).compactMap { t in
            let tag = t.text.hasPrefix("#") ? t.text : "#" + t.text
            guard tag.count > 1, !tag.dropFirst().contains(where: { $0.isWhitespace || $0 == "#" }) else {
                reader.error(t.node, t.path, "a hashtag is one word without spaces, got '\(t.text)'.")
                return nil
            }
            return tag
        }
    }

    func readUrl(_ text: String, _ node: Node?, _ path: String) -> String? {
        guard let u = URL(string: text), let scheme = u.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = u.host, !host.isEmpty else {
            reader.error(node, path, "expected a web address starting with https://, got '\(text)'.")
            return nil
        }
        return text
    }

    func readTimeZone(_ node: Node, _ path: String) -> String? {
        guard let raw = reader.text(node, path) else { return nil }
        let known = TimeZone.knownTimeZoneIdentifiers
        if known.contains(raw) || raw == "UTC", TimeZone(identifier: raw) != nil { return raw }
        let hint = Suggest.hint(for: raw, in: known)
        reader.error(node, path, "'\(raw)' is not an IANA time zone.\(hint) Use a name like Europe/Warsaw or America/New_York.")
        return nil
    }

    func readLocaleCode(_ node: Node, _ path: String) -> String? {
        guard let raw = reader.text(node, path) else { return nil }
        let code = raw.replacingOccurrences(of: "_", with: "-")
        let parts = code.split(separator: "-")
        guard let lang = parts.first, (2...3).contains(lang.count), lang.allSatisfy({ $0.isLetter && $0.isASCII }) else {
            reader.error(node, path, "expected a language code like en, pl, de, nl or ru, got '\(raw)'.")
            return nil
        }
        let l = lang.lowercased()
        if !StrategyLoader.bundledLocales.contains(l) {
            reader.warn(node, path, "no bundled templates for '\(l)'; drafts fall back to English unless your own templates folder has them.")
        }
        return l
    }

    func readPeriod(_ node: Node, _ path: String) -> DateRange? {
        if case .scalar = node {
            guard let raw = reader.text(node, path) else { return nil }
            if let r = PeriodName.parse(raw) { return r }
            reader.error(node, path, "expected a quarter like 2027-Q1, a month like 2027-03, or `from:`/`to:` dates, got '\(raw)'.")
            return nil
        }
        guard let v = reader.map(node, path, known: ["quarter", "from", "to"]) else { return nil }
        if let q = v.value("quarter") {
            guard let raw = reader.text(q, v.path("quarter")) else { return nil }
            guard let r = PeriodName.parse(raw), raw.uppercased().contains("Q") else {
                reader.error(q, v.path("quarter"), "expected a quarter like 2027-Q1, got '\(raw)'.")
                return nil
            }
            if v.has("from") || v.has("to") {
                reader.error(node, path, "give either `quarter:` or `from:`/`to:`, not both.")
            }
            return r
        }
        let from = v.date("from"), to = v.date("to")
        if !v.has("from") { reader.error(node, v.path("from"), "is required (or give `quarter: 2027-Q1`).") }
        if !v.has("to") { reader.error(node, v.path("to"), "is required (or give `quarter: 2027-Q1`).") }
        guard let from, let to else { return nil }
        return readRange(from, to, v.value("to"), path)
    }

    func readRange(_ from: LocalDate, _ to: LocalDate, _ node: Node?, _ path: String) -> DateRange? {
        guard from <= to else {
            reader.error(node, path, "starts \(from) but ends \(to), before it starts; swap the dates.")
            return nil
        }
        return DateRange(start: from, end: to)
    }

    func readGoal(_ v: MapView) -> Goal? {
        let id = readId(v)
        let title = v.text("title")
        let kind = readEnumValue(v, "kind", GoalKind.self)
        let owner = v.text("owner")
        let weight = v.number("weight", min: 0.000001, what: "a positive number") ?? 1
        let review = v.text("review")
        var metrics: [Metric] = []
        if let items = v.items("metrics") {
            for item in items {
                guard let keys = Self.keys["metrics"], let mv = reader.map(item.node, item.path, known: keys.known, required: keys.required),
                      let m = readMetric(mv) else { continue }
                metrics.append(m)
            }
        }
        guard let id, let title, let kind, let owner else { return nil }
        return Goal(id: id, title: title, kind: kind, owner: owner, weight: weight, metrics: metrics, review: review)
    }

    func readMetric(_ v: MapView) -> Metric? {
        let id = readId(v)
        let name = v.text("name"), unit = v.text("unit")
        let baseline = v.number("baseline"), target = v.number("target")
        let direction = readEnumValue(v, "direction", Direction.self)
        let deadline = v.date("deadline")
        let source = v.value("source").map { readMetricSource($0, v.path("source")) } ?? .recorded
        var measuredBy = v.text("measured_by")
        if !v.has("measured_by") {
            switch source {
            case .inbox: measuredBy = "Herald, from the inbox: \(source.label)"
            case .posts: measuredBy = "Herald, from the published posts' results: \(source.label)"
            case .recorded:
                reader.error(v.node, v.path("measured_by"), "is required but missing; add `measured_by: …` here (who measures it, and how), or `source: inbox.…` or `source: posts.…` to have Herald compute it.")
            }
        }
        if case .inbox(let measure, _) = source, let unit, let units = measure.units, !units.contains(unit.lowercased()) {
            reader.error(v.value("unit"), v.path("unit"), "\(measure.sourceName) is measured in \(units == ["%"] ? "%" : "minutes or hours"); write `unit: \(units == ["%"] ? "\"%\"" : "minutes")`.")
        }
        if case .posts(let p) = source, p.measure.isRate, let unit, unit != "%" {
            reader.error(v.value("unit"), v.path("unit"), "\(p.measure.sourceName) is measured in %; write `unit: \"%\"`.")
        }
        if let baseline, let target, let direction {
            if direction == .up && target < baseline || direction == .down && target > baseline {
                let word = direction == .up ? "below" : "above"
                reader.error(v.value("target"), v.path("target"),
                             "the target \(reader.format(target)) is \(word) the baseline \(reader.format(baseline)) while direction is \(direction.rawValue); fix the target or set `direction: \(direction == .up ? "down" : "up")`.")
            }
        }
        guard let id, let name, let unit, let baseline, let target, let direction, let deadline, let measuredBy else { return nil }
        return Metric(id: id, name: name, unit: unit, baseline: baseline, target: target, direction: direction,
                      deadline: deadline, measuredBy: measuredBy, source: source)
    }

    /// `source: inbox.volume`, or `source: {from: inbox.volume, channel: instagram, topic: coffee}`; `source: posts.reach`,
    /// or `source: {from: posts.reach, aggregation: sum, period: week, channel: instagram, kind: contest, campaign: spring}`;
    /// `recorded` (the default) for readings people record. A channel or campaign is checked against the strategy's in
    /// `build`.
    func readMetricSource(_ node: Node, _ path: String) -> MetricSource {
        let names = ["recorded"] + InboxMeasure.sourceNames + PostMeasure.sourceNames
        enum Named { case recorded, inbox(InboxMeasure), posts(PostMeasure) }
        func measure(_ text: String, _ node: Node, _ path: String) -> Named? {
            if text == "recorded" { return .recorded }
            if let m = InboxMeasure(sourceName: text) { return .inbox(m) }
            if let m = PostMeasure(sourceName: text) { return .posts(m) }
            let hint = text.hasPrefix("posts.") ? " The posts' counters: \(PostMeasure.sourceNames.joined(separator: ", "))." : ""
            reader.error(node, path, "'\(text)' is not a metric source Herald knows.\(Suggest.hint(for: text, in: names))\(hint.isEmpty ? " Known: \(names.joined(separator: ", "))." : hint)")
            return nil
        }
        if case .scalar = node {
            guard let text = reader.text(node, path), let m = measure(text, node, path) else { return .recorded }
            switch m {
            case .recorded: return .recorded
            case .inbox(let i): return .inbox(i, InboxFilter())
            case .posts(let p): return .posts(PostsSource(p))
            }
        }
        guard let v = reader.map(node, path, known: ["from", "channel", "topic", "kind", "campaign", "aggregation", "period"], required: ["from"]),
              let from = v.text("from"), let m = measure(from, v.value("from")!, v.path("from")) else { return .recorded }
        let channel = v.text("channel"), topic = v.text("topic")
        let postKeys = ["kind", "campaign", "aggregation", "period"].filter { v.has($0) }
        switch m {
        case .recorded:
            if channel != nil || topic != nil || !postKeys.isEmpty {
                reader.error(node, path, "a recorded metric has no filter; `channel:` and `topic:` go with `from: inbox.…`, `channel:`, `kind:`, `campaign:`, `aggregation:` and `period:` with `from: posts.…`.")
            }
            return .recorded
        case .inbox(let m):
            for k in postKeys {
                reader.error(v.value(k), v.path(k), "`\(k):` goes with `from: posts.…`; an inbox measure takes `channel:` and `topic:`.")
            }
            if let topic, topic.trimmingCharacters(in: .whitespaces).isEmpty {
                reader.error(v.value("topic"), v.path("topic"), "name a topic, or leave `topic:` out to count every topic.")
            }
            return .inbox(m, InboxFilter(channel: channel, topic: topic))
        case .posts(let p):
            if v.has("topic") {
                reader.error(v.value("topic"), v.path("topic"), "`topic:` goes with `from: inbox.…`; a posts measure takes `channel:`, `kind:` and `campaign:`.")
            }
            let aggregation = readEnumValue(v, "aggregation", PostAggregation.self)
            if aggregation == .sum, p.isRate {
                reader.error(v.value("aggregation"), v.path("aggregation"), "\(p.sourceName) is a rate per post; adding rates up means nothing. Write `aggregation: median` or `aggregation: mean`.")
            }
            let period = readEnumValue(v, "period", PostPeriod.self) ?? .week
            let kind = readEnumValue(v, "kind", ContentKind.self)
            return .posts(PostsSource(p, aggregation: aggregation, period: period,
                                      filter: PostFilter(channel: channel, kind: kind, campaign: v.text("campaign"))))
        }
    }

    func readEnumValue<E: RawRepresentable & CaseIterable>(_ v: MapView, _ key: String, _ type: E.Type) -> E? where E.RawValue == String {
        guard let node = v.value(key) else { return nil }
        return readEnumValue(node, v.path(key), type)
    }

    func readEnumValue<E: RawRepresentable & CaseIterable>(_ node: Node, _ path: String, _ type: E.Type) -> E? where E.RawValue == String {
        guard let raw = reader.text(node, path) else { return nil }
        if let e = E(rawValue: raw.lowercased()) { return e }
        let all = E.allCases.map(\.rawValue)
        reader.error(node, path, "'\(raw)' is not one of: \(all.joined(separator: ", ")).\(Suggest.hint(for: raw, in: all))")
        return nil
    }

    func readChannel(_ v: MapView) -> Channel? {
        let id = readId(v)
        let network = readEnumValue(v, "network", Network.self)
        let perWeek = v.int("posts_per_week", in: 1...70, unit: "posts a week")
        var days = Weekday.allCases
        if let list = v.texts("days") {
            var parsed: [Weekday] = []
            for d in list {
                if let w = Weekday(name: d.text) {
                    if parsed.contains(w) { reader.error(d.node, d.path, "'\(d.text)' is listed twice.") } else { parsed.append(w) }
                } else {
                    reader.error(d.node, d.path, "'\(d.text)' is not a weekday; use mon, tue, wed, thu, fri, sat, sun.")
                }
            }
            if list.isEmpty { reader.error(v.value("days"), v.path("days"), "list at least one weekday, or leave `days` out for every day.") }
            days = parsed.sorted()
        }
        var times: [LocalTime] = []
        for t in v.texts("times") ?? [] {
            if let lt = LocalTime(hhmm: t.text) {
                if times.contains(lt) { reader.error(t.node, t.path, "'\(t.text)' is listed twice.") } else { times.append(lt) }
            } else {
                reader.error(t.node, t.path, "expected a time like 09:30 (24-hour HH:mm), got '\(t.text)'.")
            }
        }
        times.sort()
        if let perWeek, !days.isEmpty, !times.isEmpty, perWeek > days.count * times.count {
            reader.error(v.value("posts_per_week"), v.path("posts_per_week"),
                         "\(perWeek) posts a week need \(perWeek) slots, but \(days.count) days × \(times.count) times give \(days.count * times.count); add days or times, or lower posts_per_week.")
        }
        let maxChars = v.int("max_chars", in: 1...1_000_000, unit: "characters")
        let maxTags = v.int("max_hashtags", in: 0...100, unit: "hashtags")
        var hooks = (v.texts("hooks") ?? []).map(\.text)
        if let h = v.text("hook") {
            if v.has("hooks") { reader.error(v.value("hook"), v.path("hook"), "give either `hook:` or `hooks:`, not both.") }
            hooks = [h]
        }
        let goals = (v.texts("goals") ?? []).map(\.text)
        let lateness = v.duration("max_lateness") ?? Channel.defaultMaxLateness
        var shares = 0
        if let a = v.map("amplify", known: ["shares_per_post"], required: ["shares_per_post"]) {
            shares = a.int("shares_per_post", in: 0...50, unit: "shares") ?? 0
        }
        let tags = readHashtags(v, "hashtags")
        let locale = v.value("locale").flatMap { readLocaleCode($0, v.path("locale")) }
        let mix = v.value("mix").flatMap { readMix($0, v.path("mix")) }
        guard let id, let network, let perWeek, !times.isEmpty, !days.isEmpty else {
            if v.has("times"), times.isEmpty, !reader.hasErrors {
                reader.error(v.value("times"), v.path("times"), "list at least one time like 09:30.")
            }
            return nil
        }
        return Channel(id: id, network: network, name: v.text("name"), postsPerWeek: perWeek, days: days, times: times,
                       maxCharacters: maxChars, maxHashtags: maxTags, hooks: hooks, goals: goals,
                       maxLateness: lateness, sharesPerPost: shares, hashtags: tags, locale: locale, mix: mix)
    }

    func readMix(_ node: Node, _ path: String) -> [ContentKind: Double]? {
        guard let v = reader.map(node, path, known: ContentKind.plannable.map(\.rawValue)) else { return nil }
        var mix: [ContentKind: Double] = [:]
        var ok = true
        for kind in ContentKind.plannable {
            guard v.entries[kind.rawValue] != nil else { continue }
            if let share = v.number(kind.rawValue, what: "a share between 0 and 1, like 0.25") {
                if share < 0 || share > 1 {
                    reader.error(v.value(kind.rawValue), v.path(kind.rawValue), "a share is between 0 and 1, got \(reader.format(share)).")
                    ok = false
                } else {
                    mix[kind] = share
                }
            } else {
                ok = false
            }
        }
        guard ok else { return nil }
        let sum = mix.values.reduce(0, +)
        if abs(sum - 1) > 0.001 {
            let diff = abs(sum - 1)
            let rounded = (diff * 1000).rounded() / 1000
            reader.error(node, path, "the shares add up to \(String(format: "%.3f", sum)), \(rounded) \(sum < 1 ? "short of" : "over") 1; adjust them so they sum to 1.")
            return nil
        }
        return mix
    }

    func readKindGoals(_ v: MapView) -> [ContentKind: [GoalKind]] {
        var out: [ContentKind: [GoalKind]] = [:]
        for kind in ContentKind.plannable {
            guard let items = v.items(kind.rawValue) else { continue }
            out[kind] = items.compactMap { readEnumValue($0.node, $0.path, GoalKind.self) }
        }
        return out
    }

    func readRules(_ v: MapView) -> Rules {
        var r = Rules()
        if let n = v.int("min_days_between_contests", in: 0...365, unit: "days") { r.minDaysBetweenContests = n }
        if let n = v.int("min_days_between_discounts", in: 0...365, unit: "days") { r.minDaysBetweenDiscounts = n }
        if let n = v.int("max_promotional_in_a_row", in: 1...100, unit: "posts") { r.maxPromotionalInARow = n }
        return r
    }

    func readParticipant(_ v: MapView) -> Participant? {
        let id = readId(v)
        let name = v.text("name")
        let role = v.text("role") ?? ""
        let channels = (v.texts("channels") ?? []).map(\.text)
        let capacity = v.int("capacity_per_week", in: 0...100, unit: "posts a week")
        let trained = v.bool("trained") ?? false
        let accepted = v.bool("rules_accepted") ?? false
        var timeOff: [DateRange] = []
        for item in v.items("time_off") ?? [] {
            if case .scalar = item.node, let raw = reader.text(item.node, item.path) {
                let bits = raw.components(separatedBy: "..")
                if bits.count == 2, let a = LocalDate(iso: bits[0].trimmingCharacters(in: .whitespaces)),
                   let b = LocalDate(iso: bits[1].trimmingCharacters(in: .whitespaces)) {
                    if let r = readRange(a, b, item.node, item.path) { timeOff.append(r) }
                } else if let d = LocalDate(iso: raw.trimmingCharacters(in: .whitespaces)) {
                    timeOff.append(DateRange(start: d, end: d))
                } else {
                    reader.error(item.node, item.path, "expected a date range like 2027-02-15..2027-02-19 or `{from: …, to: …}`, got '\(raw)'.")
                }
            } else if let r = reader.map(item.node, item.path, known: ["from", "to"], required: ["from", "to"]),
                      let a = r.date("from"), let b = r.date("to"), let dr = readRange(a, b, r.value("to"), item.path) {
                timeOff.append(dr)
            }
        }
        let languages = (v.value("languages") == nil ? [] : (v.items("languages") ?? []).compactMap { readLocaleCode($0.node, $0.path) })
        let shareOn = (v.items("share_on") ?? []).compactMap { readEnumValue($0.node, $0.path, Network.self) }
        guard let id, let name, let capacity else { return nil }
        return Participant(id: id, name: name, role: role, channels: channels, capacityPerWeek: capacity, trained: trained,
                           rulesAccepted: accepted, timeOff: timeOff, languages: languages, shareOn: shareOn)
    }

    func readCampaign(_ v: MapView) -> Campaign? {
        let id = readId(v)
        let kind = readEnumValue(v, "kind", CampaignKind.self)
        let name = v.text("name")
        let start = v.date("start"), end = v.date("end")
        let goal = v.text("goal")
        let channels = (v.texts("channels") ?? []).map(\.text)
        if v.has("channels"), channels.isEmpty { reader.error(v.value("channels"), v.path("channels"), "list at least one channel.") }
        let percent = v.number("percent", min: 0.01, max: 100, what: "a percentage like 15")
        var link: String?
        if let l = v.text("link") { link = readUrl(l, v.value("link"), v.path("link")) }
        var dates: DateRange?
        if let start, let end { dates = readRange(start, end, v.value("end"), v.path("end")) }
        if kind == .contest, !v.has("prize") {
            reader.warn(v.node, v.path, "contest '\(id ?? "?")' names no prize; add `prize:` so posts can say what people win.")
        }
        if kind == .contest, v.has("code") || v.has("percent") {
            reader.warn(v.node, v.path, "a contest does not use `code`/`percent`; those belong to discounts.")
        }
        let budget = v.value("budget").flatMap { readBudget($0, v.path("budget")) }
        guard let id, let kind, let name, let dates, let goal, !channels.isEmpty else { return nil }
        return Campaign(id: id, kind: kind, name: name, dates: dates, goal: goal, channels: channels, code: v.text("code"),
                        percent: percent, prize: v.text("prize"), details: v.text("details"), link: link, budget: budget)
    }

    /// `budget: {amount: 500, currency: EUR}`: a positive amount and an ISO 4217 code.
    func readBudget(_ node: Node, _ path: String) -> Budget? {
        guard let v = reader.map(node, path, known: ["amount", "currency"], required: ["amount", "currency"]) else { return nil }
        let amount = v.number("amount", min: 0.01, max: 1e12, what: "an amount like 500")
        var currency: String?
        if let c = v.text("currency") {
            if c.count == 3, c.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) }) { currency = c } else {
                reader.error(v.value("currency"), v.path("currency"), "'\(c)' is not a currency code; write its three capital letters (ISO 4217), e.g. EUR, PLN or USD.")
            }
        }
        guard let amount, let currency else { return nil }
        return Budget(amount: amount, currency: currency)
    }

    func readCalendar(_ v: MapView) -> CalendarSource? {
        let path = v.text("path")
        let role = readEnumValue(v, "role", CalendarRole.self)
        if let path, !fileExists(path) {
            reader.error(v.value("path"), v.path("path"), "no calendar file at '\(path)' (relative to the strategy file, or a bundled Calendars/… file); check the name.")
            return nil
        }
        guard let path, let role else { return nil }
        return CalendarSource(path: path, role: role, name: v.text("name"))
    }

    func readHook(_ v: MapView) -> Hook? {
        let id = readId(v)
        for secretKey in ["secret", "token", "password", "api_key", "key"] where v.entries[secretKey] != nil {
            reader.error(v.entries[secretKey]?.key, v.path(secretKey),
                         "secrets never live in the strategy file. Put the value in an environment variable and name that variable with `secret_env: MY_HOOK_SECRET`.")
        }
        let type = v.text("type")
        let timeout = v.duration("timeout") ?? 15
        let attempts = v.int("attempts", in: 1...100, unit: "attempts") ?? 8
        let idempotent = v.bool("idempotent")
        var kind: Hook.Kind?
        switch type?.lowercased() {
        case "webhook":
            let url = v.text("url").flatMap { readUrl($0, v.value("url"), v.path("url")) }
            if !v.has("url") { reader.error(v.node, v.path("url"), "a webhook needs `url: https://…`.") }
            var env: String?
            if let e = v.text("secret_env") {
                if e.hasPrefix("whsec_") || e.count > 64 {
                    reader.error(v.value("secret_env"), v.path("secret_env"), "this looks like the secret itself; secrets never live in the strategy file. Name an environment variable instead, e.g. `secret_env: HERALD_WEBHOOK_SECRET`.")
                } else if !e.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }) || e.first?.isNumber == true {
                    reader.error(v.value("secret_env"), v.path("secret_env"), "expected an environment variable name like HERALD_WEBHOOK_SECRET (capitals, digits, _), got '\(e)'.")
                } else {
                    env = e
                }
            } else if !v.has("secret") {
                reader.error(v.node, v.path("secret_env"), "a webhook is signed; name the environment variable holding its whsec_ secret, e.g. `secret_env: HERALD_WEBHOOK_SECRET`.")
            }
            for k in ["argv", "dir"] where v.has(k) { reader.error(v.value(k), v.path(k), "`\(k)` is not used by a webhook hook.") }
            if let url, let env { kind = .webhook(url: url, secretEnv: env) }
        case "command":
            let argv = (v.texts("argv") ?? []).map(\.text)
            if argv.isEmpty || argv.first?.isEmpty == true {
                reader.error(v.value("argv") ?? v.node, v.path("argv"), "a command hook needs `argv: [\"/path/to/program\", \"arg\", …]` (a list, never a shell string).")
            } else if v.value("argv").map({ if case .scalar = $0 { return true } else { return false } }) == true, argv[0].contains(" ") {
                reader.error(v.value("argv"), v.path("argv"), "write the command as a list of arguments, e.g. [\"/usr/local/bin/toot\", \"post\"]; a shell string is never run.")
            } else {
                kind = .command(argv: argv)
            }
            for k in ["url", "secret_env", "dir"] where v.has(k) { reader.error(v.value(k), v.path(k), "`\(k)` is not used by a command hook.") }
        case "outbox":
            if let dir = v.text("dir"), !dir.isEmpty { kind = .outbox(directory: dir) } else {
                reader.error(v.value("dir") ?? v.node, v.path("dir"), "an outbox hook needs `dir: outbox/` (a folder to write files into).")
            }
            for k in ["url", "secret_env", "argv"] where v.has(k) { reader.error(v.value(k), v.path(k), "`\(k)` is not used by an outbox hook.") }
        case nil:
            break
        case let other?:
            let all = ["webhook", "command", "outbox"]
            reader.error(v.value("type"), v.path("type"), "unknown hook type '\(other)'; use webhook, command or outbox.\(Suggest.hint(for: other, in: all))")
        }
        var environment: [String] = []
        if v.has("env") {
            if case .command? = kind {
                for item in v.texts("env") ?? [] {
                    let name = item.text
                    if !name.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" })
                        || name.isEmpty || name.first?.isNumber == true {
                        reader.error(item.node, item.path, "expected an environment variable name like MASTODON_TOKEN (letters, digits, _), got '\(name)'.")
                    } else if name.hasPrefix("HERALD_") {
                        reader.error(item.node, item.path, "\(name) is Herald's own; a command gets HERALD_DELIVERY_ID and HERALD_POST_ID without asking, and never Herald's secrets.")
                    } else if environment.contains(name) {
                        reader.error(item.node, item.path, "\(name) is listed twice.")
                    } else {
                        environment.append(name)
                    }
                }
            } else if type?.lowercased() != "command" {
                reader.error(v.value("env"), v.path("env"), "`env` is only for command hooks: it names the variables a command is given.")
            }
        }
        guard let id, let kind else { return nil }
        return Hook(id: id, kind: kind, timeout: timeout, maxAttempts: attempts, idempotent: idempotent, environment: environment)
    }

    func readTopics(_ v: MapView) -> [ContentKind: [String]] {
        var out: [ContentKind: [String]] = [:]
        for kind in ContentKind.plannable {
            if let list = v.texts(kind.rawValue) { out[kind] = list.map(\.text) }
        }
        return out
    }

    func readCrisis(_ v: MapView, participantIDs: Set<String>, metricIDs: Set<String>) -> CrisisSettings {
        var c = CrisisSettings()
        if let h = v.number("response_hours", min: 0.05, max: 72, what: "a number of hours") { c.responseHours = h }
        if let d = v.number("update_every_days", min: 0.05, max: 30, what: "a number of days") { c.updateEveryDays = d }
        if let o = v.text("owner") {
            ref(o, participantIDs, v.value("owner"), v.path("owner"), what: "participant", listKey: "participants")
            c.owner = o
        }
        if let a = v.map("alert", known: ["metric", "above"], required: ["metric", "above"]),
           let m = a.text("metric"), let above = a.number("above") {
            ref(m, metricIDs.union(CrisisMetric.standard.map(\.id)), a.value("metric"), a.path("metric"), what: "metric", listKey: "goals[].metrics")
            c.alert = CrisisAlert(metric: m, above: above)
        }
        if let sp = v.map("spike", known: ["hours", "factor", "min_items"]) {
            var rule = SpikeRule()
            if let h = sp.number("hours", min: 1, max: 72, what: "a number of hours") { rule.hours = h }
            if let f = sp.number("factor", min: 1.1, max: 100, what: "how many times the usual rate, e.g. 3") { rule.factor = f }
            if let n = sp.int("min_items", in: 1...100_000, unit: "items") { rule.minItems = n }
            c.spike = rule
        }
        return c
    }

    func readLibrary(_ node: Node, _ path: String) -> LibrarySettings? {
        if case .scalar = node, let p = reader.text(node, path) { return LibrarySettings(path: p) }
        guard let v = reader.map(node, path, known: ["path", "recycle_after_days"], required: ["path"]),
              let p = v.text("path") else { return nil }
        return LibrarySettings(path: p, recycleAfterDays: v.int("recycle_after_days", in: 1...3650, unit: "days") ?? 60)
    }
}
