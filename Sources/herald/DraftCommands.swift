import ArgumentParser
import Foundation
import HeraldContent
import HeraldModel
import HeraldStore
import HeraldWorkspace

extension Herald {
    struct Draft: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the bodies of planned posts from templates (or the evergreen library): planned → drafted.",
            discussion: """
            Templates are found in your `templates:` folder, then the bundled ones: <locale>/<network>/NAME, \
            <locale>/NAME, en/<network>/NAME, en/NAME. A template error (a variable the post lacks, a file that does \
            not parse) names the file and line, and nothing is stored.
            Examples:
              herald draft 2027-Q1
              herald draft --post p-1a2b3c4d --overwrite
            """)

        @OptionGroup var periodOptions: PeriodOptions
        @Option(help: ArgumentHelp("Draft only this post.", valueName: "id")) var post: String?
        @Flag(help: "Write drafted posts again (not approved ones).") var overwrite = false
        @OptionGroup var location: LocationOptions
        @OptionGroup var clockOptions: ClockOptions

        func run() async throws {
            try await withExitCodes {
                let ws = try location.openWorkspace()
                let range = post == nil ? try periodOptions.range(in: ws) : nil
                let outcome = try ws.draft(period: range, post: post, overwrite: overwrite, now: clockOptions.now)
                let lib = outcome.results.filter(\.fromLibrary).count
                Console.out("Drafted \(outcome.written.count) post\(outcome.written.count == 1 ? "" : "s") (\(lib) from the evergreen library, \(outcome.results.count - lib) from templates).")
                if outcome.written.isEmpty, outcome.results.isEmpty {
                    Console.out(overwrite ? "Nothing to draft." : "Nothing to draft: no planned posts\(range.map { " in \($0.start) – \($0.end)" } ?? ""). Use --overwrite to write drafted posts again.")
                }
                if !outcome.needingMedia.isEmpty {
                    let n = outcome.needingMedia.count
                    Console.out(Console.yellow("\(n) post\(n == 1 ? " needs" : "s need") an image or video before \(n == 1 ? "it" : "they") can be approved (their network publishes nothing without one):"))
                    for (p, needs) in outcome.needingMedia.prefix(5) {
                        Console.out("  \(p.id) \(p.channel) \(ws.clock.localDate(p.scheduledAt)): \(needs) — herald post set \(p.id) --media URL")
                    }
                    if n > 5 { Console.out("  … and \(n - 5) more: herald lint shows them all.") }
                }
                if !outcome.overLimit.isEmpty {
                    Console.out(Console.yellow("\(outcome.overLimit.count) do not fit their network and will not be approved until shortened:"))
                    for r in outcome.overLimit { Console.out("  \(r.post): \(r.check.errors.joined(separator: "; ")) — \(r.source)") }
                }
                Console.out(Console.dim("Next: herald review\(range.map { " \(String($0.start.iso.prefix(7)))" } ?? "") · herald approve --as NAME"))
            }
        }
    }

    struct Review: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read drafted posts: body, length against the network's limit, and warnings.",
            discussion: """
            --json prints an array: for each post `post` (the fields of `calendar --json`), `length`, `limit`, \
            `hashtags`, `hashtag_limit`, `fits`, and `findings` (each with `severity` and `message`).
            Examples:
              herald review 2027-02
              herald review --channel instagram
              herald review 2027-02 --json
            """)

        @OptionGroup var periodOptions: PeriodOptions
        @OptionGroup var filter: PostFilterOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var location: LocationOptions
        @OptionGroup var clockOptions: ClockOptions

        func run() async throws {
            try await withExitCodes {
                let ws = try location.openWorkspace(printWarnings: false)
                let filter = try self.filter.checked(against: ws.strategy)
                let range = try periodOptions.range(in: ws)
                let bounds = ws.instants(range)
                var q = filter.query(from: bounds.from, to: bounds.to)
                if q.statuses == nil { q.statuses = [.drafted] }
                let posts = try ws.posts(q)
                let findings = Dictionary(grouping: try ws.lint(range, now: clockOptions.now), by: \.post.id)
                if output.json {
                    return try Console.json(posts.map { p in
                        ReviewJSON(p, check: ws.check(p), findings: (findings[p.id] ?? []).filter { $0.message != "not drafted yet" }, clock: ws.clock)
                    })
                }
                guard !posts.isEmpty else { return Console.out("No drafted posts in \(range.start) – \(range.end). Run `herald draft` first.") }
                for p in posts {
                    let check = ws.check(p)
                    let len = check.map { "\($0.length)/\($0.limit)" } ?? "–"
                    Console.out(Console.bold("\(ws.clock.localDate(p.scheduledAt)) " + agendaLine(p, ws)) + "  " + (check?.fits == false ? Console.red(len) : len))
                    for f in findings[p.id] ?? [] where f.message != "not drafted yet" {
                        Console.out("  " + (f.severity == .error ? Console.red("error: ") : Console.yellow("warning: ")) + f.message)
                    }
                    for line in (p.body ?? "").split(separator: "\n", omittingEmptySubsequences: false) { Console.out("    │ " + line) }
                    Console.out("")
                }
                Console.out(Console.dim("\(posts.count) drafted. Approve with: herald approve \(periodOptions.period ?? "") --as NAME"))
            }
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve drafted posts that fit their network, recording who and when.",
            discussion: """
            Only drafted posts are approved; posts over their network's limits, with too many hashtags, empty, or \
            promoting an offer that has ended by then are listed and left drafted (exit 65 when any is left).
            Examples:
              herald approve 2027-02 --as "Anna"
              herald approve --post p-1a2b3c4d --as "Anna"
            """)

        @OptionGroup var periodOptions: PeriodOptions
        @Option(help: ArgumentHelp("Who approves (recorded with the time): a participant's id or name, or another person's name. Crisis posts: the crisis owner.", valueName: "name")) var `as`: String
        @Option(help: ArgumentHelp("Approve only this post.", valueName: "id")) var post: String?
        @Flag(help: "Approve crisis posts as someone other than the crisis owner (recorded).") var force = false
        @OptionGroup var location: LocationOptions
        @OptionGroup var clockOptions: ClockOptions

        func validate() throws {
            try validatePersonName(`as`, option: "--as")
        }

        func run() async throws {
            try await withExitCodes {
                let ws = try location.openWorkspace(printWarnings: false)
                let range = post == nil ? try periodOptions.range(in: ws) : nil
                let approver = ws.strategy.participantMatching(`as`)?.name ?? PersonName.tidy(`as`)
                let (approved, refused) = try ws.approve(period: range, post: post, by: approver, force: force, now: clockOptions.now)
                Console.out("Approved \(approved.count) post\(approved.count == 1 ? "" : "s") as \(approver).")
                if !refused.isEmpty {
                    Console.out(Console.yellow("Not approved (\(refused.count)):"))
                    for (p, why) in refused { Console.out("  \(p.id) \(p.channel) \(ws.clock.localDate(p.scheduledAt)): \(why)") }
                    throw ExitCode(65)
                }
            }
        }
    }

    struct Lint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check posts as networks and readers would; exit 65 on errors, 0 with warnings only.",
            discussion: """
            Errors (approval refuses them too): over the network's length or hashtag limit, an empty body, an \
            Instagram, TikTok, YouTube or Pinterest post without an image or video, a promotion whose campaign has \
            ended by then, a post on a blackout day. Warnings: a post that breaks a planning rule (placed with \
            --force), a link in an Instagram or TikTok caption (it cannot be clicked), hashtags or "comments" in a \
            newsletter, doubled punctuation ("?:", "!.", ".."; not "..." or "?!"), the same text on two channels the \
            same day, a link without UTM tags, a post not drafted yet.
            --json prints an object: `errors` and `warnings` (how many findings of each) and `findings`, each with \
            `post`, `channel`, `network`, `scheduled_at`, `local_time`, `status`, `severity` and `message`.
            Examples:
              herald lint 2027-Q1
              herald lint 2027-02 --json
            """)

        @OptionGroup var periodOptions: PeriodOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var location: LocationOptions
        @OptionGroup var clockOptions: ClockOptions

        func run() async throws {
            try await withExitCodes {
                let ws = try location.openWorkspace(printWarnings: false)
                let range = try periodOptions.range(in: ws)
                let findings = try ws.lint(range, now: clockOptions.now)
                if output.json {
                    let report = LintJSON(findings, clock: ws.clock)
                    try Console.json(report)
                    if report.errors > 0 { throw ExitCode(65) }
                    return
                }
                let notDrafted = findings.filter { $0.message == "not drafted yet" }
                for f in findings where f.message != "not drafted yet" {
                    let l = ws.clock.local(f.post.scheduledAt)
                    Console.out("\(l.date) \(l.time) \(f.post.channel) \(f.post.id): " + (f.severity == .error ? Console.red("error") : Console.yellow("warning")) + ": \(f.message)")
                }
                if !notDrafted.isEmpty { Console.out(Console.yellow("warning") + ": \(notDrafted.count) post\(notDrafted.count == 1 ? " is" : "s are") not drafted yet (herald draft).") }
                let errors = findings.filter { $0.severity == .error }.count
                let warnings = findings.count - errors - notDrafted.count + (notDrafted.isEmpty ? 0 : 1)
                Console.out("\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s").")
                if errors > 0 { throw ExitCode(65) }
            }
        }
    }

    struct Templates: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Which template file serves each kind for a locale and network, and what it uses.",
            subcommands: [List.self, Show.self])

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List template names with the file that serves each.",
                discussion: """
                --json prints an array with, for each network and name, `network`, `locale`, `name`, `variants` (how \
                many), `file` (the first, or null when none serves it), `files` and `bundled`.
                Examples:
                  herald templates list --locale pl --network x
                  herald templates list --json
                """)
            @Option(help: "Locale (default: the strategy's).") var locale: String?
            @Option(help: "Network (default: each channel's).") var network: String?
            @OptionGroup var output: OutputOptions
            @OptionGroup var location: LocationOptions

            func run() async throws {
                try await withExitCodes {
                    let ws = try location.openWorkspace(printWarnings: false)
                    let set = try ws.templateSet()
                    let locale = self.locale ?? ws.strategy.locale
                    let networks = network.map { [$0] } ?? Array(Swift.Set(ws.strategy.channels.map(\.network.rawValue))).sorted()
                    if output.json {
                        return try Console.json(networks.flatMap { net in
                            set.names.map { name in TemplateJSON(name: name, locale: locale, network: net, files: set.variants(name, locale: locale, network: net)) }
                        })
                    }
                    for net in networks {
                        Console.out(Console.bold("\(locale) / \(net)"))
                        var t = Table("name", "variants", "file")
                        for name in set.names {
                            let v = set.variants(name, locale: locale, network: net)
                            t.add(name, "\(v.count)", v.first?.path ?? "–")
                        }
                        Console.out(t.rendered)
                        Console.out("")
                    }
                }
            }
        }

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Show the template files for a kind (e.g. informational, contest-announce) and the variables they use.",
                discussion: "Example: herald templates show contest-announce --locale de --network instagram")
            @Argument(help: "Template name, e.g. informational, contest-announce, discount-last-call, crisis-apology.") var name: String
            @Option(help: "Locale (default: the strategy's).") var locale: String?
            @Option(help: "Network (default: the first channel's).") var network: String?
            @OptionGroup var location: LocationOptions

            func run() async throws {
                try await withExitCodes {
                    let ws = try location.openWorkspace(printWarnings: false)
                    let set = try ws.templateSet()
                    let locale = self.locale ?? ws.strategy.locale
                    let net = network ?? ws.strategy.channels.first?.network.rawValue ?? "facebook"
                    let variants = set.variants(name, locale: locale, network: net)
                    guard !variants.isEmpty else {
                        let hint = set.names.filter { $0.hasPrefix(name.prefix(3)) }.joined(separator: ", ")
                        throw CLIError("no template '\(name)' for \(locale)/\(net). Known names: \(hint.isEmpty ? set.names.joined(separator: ", ") : hint).", exitCode: 65)
                    }
                    for v in variants {
                        Console.out(Console.bold(v.path) + (v.bundled ? Console.dim("  (bundled)") : ""))
                        Console.out("uses: " + TemplateRenderer.variables(in: v.text).joined(separator: ", "))
                        Console.out(v.text)
                    }
                }
            }
        }
    }
}

extension Herald.PostCommand {
    struct Edit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Edit a post's body: in $EDITOR, or with --body / --body-file. An approved post goes back to drafted.",
            discussion: "Examples:\n  herald post edit p-1a2b3c4d\n  herald post edit p-1a2b3c4d --body \"New text\"")
        @Argument(help: "The post's id.") var id: String
        @Option(help: "The new body.") var body: String?
        @Option(name: .customLong("body-file"), help: ArgumentHelp("Read the new body from a file.", valueName: "file")) var bodyFile: String?
        @OptionGroup var location: LocationOptions
        @OptionGroup var clockOptions: ClockOptions

        func validate() throws {
            if body != nil, bodyFile != nil { throw ValidationError("give --body or --body-file, not both.") }
        }

        func run() async throws {
            try await withExitCodes {
                let ws = try location.openWorkspace(printWarnings: false)
                let post = try ws.post(id)
                var text: String
                if let body {
                    text = body
                } else if let bodyFile {
                    guard let data = FileManager.default.contents(atPath: bodyFile), let t = String(data: data, encoding: .utf8) else {
                        throw CLIError("\(bodyFile): cannot read it as UTF-8 text.", exitCode: 66)
                    }
                    text = t
                } else {
                    text = try editInEditor(post.body ?? "")
                }
                text = text.trimmingCharacters(in: .whitespacesAndNewlines)
                if text == post.body { return Console.out("No change to \(id).") }
                let updated = try ws.editBody(id, body: text, now: clockOptions.now)
                let check = ws.check(updated)
                Console.out("Saved \(id) (\(updated.status.rawValue)); \(check.map { "\($0.length)/\($0.limit) characters" } ?? "")"
                            + (check?.fits == false ? Console.red(" — " + check!.errors.joined(separator: "; ")) : ""))
            }
        }

        func editInEditor(_ text: String) throws -> String {
            let env = ProcessInfo.processInfo.environment
            guard let editor = env["VISUAL"] ?? env["EDITOR"], !editor.isEmpty else {
                throw CLIError("set $EDITOR (e.g. export EDITOR=nano), or pass --body / --body-file.", exitCode: 64)
            }
            let file = (NSTemporaryDirectory() as NSString).appendingPathComponent("herald-\(id)-\(UUID().uuidString.prefix(6)).txt")
            FileManager.default.createFile(atPath: file, contents: Data(text.utf8))
            defer { try? FileManager.default.removeItem(atPath: file) }
            // The editor setting may carry arguments ("code --wait"); split on spaces, never run through a shell.
            let parts = editor.split(separator: " ").map(String.init)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = parts + [file]
            try p.run()
            p.waitUntilExit()
            guard p.terminationStatus == 0 else { throw CLIError("the editor exited with \(p.terminationStatus); nothing was changed.", exitCode: 75) }
            return String(data: FileManager.default.contents(atPath: file) ?? Data(), encoding: .utf8) ?? ""
        }
    }
}

/// A drafted post as `review --json` shows it.
struct ReviewJSON: Encodable {
    var post: PostJSON
    var length, limit, hashtags: Int?
    var hashtag_limit: Int?
    var fits: Bool
    var findings: [FindingJSON]

    init(_ p: Post, check: TextCheck?, findings: [PostFinding], clock: ZoneClock) {
        post = PostJSON(p, clock: clock)
        length = check?.length; limit = check?.limit; hashtags = check?.hashtags; hashtag_limit = check?.hashtagLimit
        fits = check?.fits ?? false
        self.findings = findings.map { FindingJSON(severity: $0.severity.rawValue, message: $0.message) }
    }

    struct FindingJSON: Encodable { var severity, message: String }

    // Keep `null` for absent values so every post has the same keys.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(post, forKey: .post); try c.encode(length, forKey: .length); try c.encode(limit, forKey: .limit)
        try c.encode(hashtags, forKey: .hashtags); try c.encode(hashtag_limit, forKey: .hashtag_limit)
        try c.encode(fits, forKey: .fits); try c.encode(findings, forKey: .findings)
    }

    enum CodingKeys: String, CodingKey { case post, length, limit, hashtags, hashtag_limit, fits, findings }
}

/// `lint --json`: the counts of the last line and every finding.
struct LintJSON: Encodable {
    var errors, warnings: Int
    var findings: [Finding]

    struct Finding: Encodable {
        var post, channel, network, scheduled_at, local_time, status, severity, message: String
    }

    init(_ all: [PostFinding], clock: ZoneClock) {
        findings = all.map { f in
            Finding(post: f.post.id, channel: f.post.channel, network: f.post.network.rawValue, scheduled_at: f.post.scheduledAt.isoUTC,
                    local_time: clock.isoLocal(f.post.scheduledAt), status: f.post.status.rawValue, severity: f.severity.rawValue,
                    message: f.message)
        }
        errors = all.filter { $0.severity == .error }.count
        warnings = all.count - errors
    }
}

/// One template name for a locale and network, as `templates list --json` shows it.
struct TemplateJSON: Encodable {
    var name, locale, network: String
    var variants: Int
    var file: String?
    var files: [String]
    var bundled: Bool?

    init(name: String, locale: String, network: String, files: [TemplateFile]) {
        self.name = name; self.locale = locale; self.network = network
        variants = files.count; file = files.first?.path; self.files = files.map(\.path); bundled = files.first?.bundled
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name); try c.encode(locale, forKey: .locale); try c.encode(network, forKey: .network)
        try c.encode(variants, forKey: .variants); try c.encode(file, forKey: .file); try c.encode(files, forKey: .files)
        try c.encode(bundled, forKey: .bundled)
    }

    enum CodingKeys: String, CodingKey { case name, locale, network, variants, file, files, bundled }
}
