import Foundation
import HeraldContent
import HeraldModel
import HeraldResources
import HeraldStrategy
import HeraldTestSupport
import Testing

let example: Strategy = try! StrategyLoader.parse(exampleStrategy, fileExists: { BundledFiles.text($0) != nil }).strategy

/// A post of each template name, on a channel of the given network.
func samplePosts(network: Network, topic: String?) -> [(name: String, post: Post)] {
    var out: [(String, Post)] = []
    let t = Date(iso: "2027-02-03T09:00:00Z")!
    func post(_ kind: ContentKind, step: CampaignStep? = nil, campaign: String? = nil) -> Post {
        Post(id: "p-test", channel: "c", network: network, kind: kind, step: step, campaign: campaign, goal: "awareness",
             owner: "anna", scheduledAt: t, topic: topic)
    }
    for k in [ContentKind.informational, .engagement, .socialProof] { out.append((k.rawValue, post(k))) }
    for s in CampaignKind.contest.steps { out.append(("contest-\(s.rawValue)", post(.contest, step: s, campaign: "latte-art"))) }
    for s in CampaignKind.discount.steps { out.append(("discount-\(s.rawValue)", post(.discount, step: s, campaign: "spring-blend"))) }
    return out
}

/// The example strategy with one channel of a network and a locale, and long-ish values.
func strategy(network: Network, locale: String) -> Strategy {
    var s = example
    s.locale = locale
    s.brand.name = "Bean & Bloom Coffee Roasters"
    s.channels = [Channel(id: "c", network: network, postsPerWeek: 3, days: [.monday], times: [LocalTime(hhmm: "09:00")!],
                          goals: ["awareness"], hashtags: ["#amsterdamcoffee", "#specialtycoffee"])]
    s.campaigns = s.campaigns.map { c in var c = c; c.channels = ["c"]; return c }
    return s
}

let crisisValues: [String: TemplateValue] = ["crisis": .group([
    "title": .text("Contaminated batch of oat milk in two cafés"), "date": .text("3 February 2027"), "update_every": .text("2 days"),
    "update": .text("Lab results are in: the batch came from one supplier delivery, now withdrawn."),
    "summary": .text("We changed supplier checks: every delivery is now tested before it reaches a café."),
])]

@Suite struct BundledTemplateTests {
    static let networks: [Network] = [.facebook, .instagram, .x, .mastodon, .linkedin, .bluesky, .threads, .newsletter, .tiktok]

    @Test(arguments: StrategyLoader.bundledLocales)
    func everyTemplateRendersAndFits(_ locale: String) throws {
        let set = TemplateSet.bundled
        for network in Self.networks {
            let s = strategy(network: network, locale: locale)
            let context = DraftContext(strategy: s)
            for topic in ["Our new single-origin from Huila, Colombia, roasted in-house", nil] as [String?] {
                for (name, post) in samplePosts(network: network, topic: topic) {
                    for (variant, file) in set.variants(name, locale: locale, network: network.rawValue).enumerated() {
                        #expect(file.path.hasPrefix("Templates/\(locale)/"), "\(name) for \(locale)/\(network) falls back to \(file.path)")
                        var p = post
                        p.variant = variant
                        let body = try TemplateRenderer.render(file, context: context.values(for: p), post: p.id)
                        let check = NetworkRules.check(body, channel: s.channels[0])
                        #expect(check.fits, "TOOLONG \(file.path) on \(network): \(check.errors)")
                        #expect(!body.contains("{{") && !body.contains("&amp;"), "\(file.path) left a tag or escaped text")
                    }
                }
            }
            for name in ["crisis-apology", "crisis-update", "crisis-resolved", "crisis-corrective-report", "crisis-thank-you"] {
                let files = set.variants(name, locale: locale, network: network.rawValue)
                #expect(!files.isEmpty, "no \(name) for \(locale)/\(network)")
                for file in files {
                    let p = Post(id: "p-crisis", channel: "c", network: network, kind: .crisis, scheduledAt: Date(iso: "2027-02-03T09:00:00Z")!)
                    let body = try TemplateRenderer.render(file, context: context.values(for: p, extra: crisisValues), post: p.id)
                    let check = NetworkRules.check(body, channel: s.channels[0])
                    #expect(check.fits, "TOOLONG \(file.path) on \(network): \(check.errors)")
                }
            }
        }
    }

    /// A post nobody owns (no participant writes the language, or none qualifies) is signed by the team once: never
    /// "the Bean & Bloom Coffee Roasters team and the Bean & Bloom Coffee Roasters team". An owned post names its writer.
    @Test(arguments: StrategyLoader.bundledLocales)
    func signOffsNeverDoubleTheTeam(_ locale: String) throws {
        let set = TemplateSet.bundled
        let teamWords = ["team", "zespół", "команда"]
        for network in Self.networks {
            let context = DraftContext(strategy: strategy(network: network, locale: locale))
            for (name, post) in samplePosts(network: network, topic: nil) + [("crisis-thank-you", Post(id: "p-c", channel: "c", network: network, kind: .crisis, owner: "anna", scheduledAt: Date(iso: "2027-02-03T09:00:00Z")!))] {
                for owner in ["anna", nil] as [String?] {
                    var p = post
                    p.owner = owner
                    for file in set.variants(name, locale: locale, network: network.rawValue) {
                        let extra = p.kind == .crisis ? crisisValues : [:]
                        let body = try TemplateRenderer.render(file, context: context.values(for: p, extra: extra), post: p.id)
                        for line in body.split(separator: "\n") {
                            let lower = line.lowercased()
                            let count = teamWords.map { lower.components(separatedBy: $0).count - 1 }.reduce(0, +)
                            #expect(count <= 1, "\(file.path), owner \(owner ?? "none"): \(line)")
                        }
                        if owner == nil { #expect(!body.contains("Anna"), "\(file.path)") }
                    }
                }
            }
        }
    }

    /// Item 16: topics, campaign names and prizes that end in their own "?" or "!" (and Russian dates ending in "г.")
    /// never meet a template's punctuation; newsletters get their own templates for every name, with no hashtags and
    /// no "comments"; Instagram and TikTok captions carry no link, which cannot be clicked there.
    @Test(arguments: StrategyLoader.bundledLocales)
    func renderedBodiesReadNaturally(_ locale: String) throws {
        let set = TemplateSet.bundled
        for network in Self.networks {
            for mark in ["?", "!"] {
                var s = strategy(network: network, locale: locale)
                s.campaigns = s.campaigns.map { c in
                    var c = c
                    c.name += mark
                    c.prize = c.prize.map { $0 + mark } ?? "A barista class for two\(mark)"
                    c.details = c.details.map { $0 + "." }
                    return c
                }
                let context = DraftContext(strategy: s)
                for topic in ["Oat, almond or whole milk: what is your pick?", "Show us your set-up!", nil] as [String?] {
                    for (name, post) in samplePosts(network: network, topic: topic) {
                        for (variant, file) in set.variants(name, locale: locale, network: network.rawValue).enumerated() {
                            var p = post
                            p.variant = variant
                            let body = try TemplateRenderer.render(file, context: context.values(for: p), post: p.id)
                            #expect(PostChecks.doubledPunctuation(in: body).isEmpty,
                                    "\(file.path) on \(network): \(PostChecks.doubledPunctuation(in: body).map(\.excerpt))")
                            if network == .newsletter {
                                #expect(file.folder == "\(locale)/newsletter", "\(name) for \(locale) newsletters falls back to \(file.path)")
                                #expect(NetworkRules.hashtags(in: body).isEmpty, "\(file.path) has hashtags")
                                #expect(PostChecks.commentsWording(in: body) == nil, "\(file.path) mentions comments")
                                #expect(UTM.urls(in: body).allSatisfy { $0.contains("utm_medium=email") }, "\(file.path): \(UTM.urls(in: body))")
                            }
                            if !PostChecks.linksClickable(on: network) {
                                #expect(UTM.urls(in: body).isEmpty, "\(file.path) on \(network) carries a link")
                                #expect(PostChecks.warnings(body: body, network: network).isEmpty, "\(file.path) on \(network)")
                            }
                        }
                    }
                }
            }
        }
    }

    @Test func localesFormatDatesAndPercents() {
        let d = LocalDate(iso: "2027-02-14")!
        #expect(LocaleFormat.date(d, locale: "en") == "14 February 2027")
        #expect(LocaleFormat.date(d, locale: "pl") == "14 lutego 2027")
        #expect(LocaleFormat.date(d, locale: "de") == "14. Februar 2027")
        #expect(LocaleFormat.date(d, locale: "nl") == "14 februari 2027")
        #expect(LocaleFormat.date(d, locale: "ru") == "14 февраля 2027 г.")
        #expect(LocaleFormat.date(d, locale: "fr") == "14 February 2027")
        #expect(LocaleFormat.percent(15, locale: "en") == "15%")
        #expect(LocaleFormat.percent(12.5, locale: "pl") == "12,5%")
        #expect(LocaleFormat.percent(15, locale: "de") == "15\u{00A0}%")
    }

    /// A publish pass asks for thousands of links; the remembering form gives each post what `link(for:)` gives it.
    @Test func rememberedLinksAreTheLinksOfEachPost() {
        var noBrandLink = strategy(network: .facebook, locale: "en")
        noBrandLink.brand.link = nil
        for s in [strategy(network: .facebook, locale: "en"), noBrandLink] {
            let context = DraftContext(strategy: s)
            let link = context.rememberingLinks()
            var posts: [Post] = []
            for network in [Network.facebook, .linkedin, .x] {
                for (kind, campaign) in [(ContentKind.informational, nil), (.engagement, nil), (.socialProof, nil), (.discount, "spring-blend"),
                                         (.contest, "latte-art"), (.discount, "not-in-the-strategy")] as [(ContentKind, String?)] {
                    for own in [nil, "https://a.example/own?ref=1", "https://a.example/other#x"] {
                        var p = Post(id: "p", channel: "c", network: network, kind: kind, step: campaign == nil ? nil : .launch,
                                     campaign: campaign, goal: "sales", owner: nil, scheduledAt: Date(iso: "2027-03-08T08:00:00Z")!)
                        p.link = own
                        posts.append(p)
                    }
                }
            }
            // Twice over: the second time every link comes from memory (a post without any link too).
            for p in posts + posts {
                #expect(link(p) == context.link(for: p), "\(p.network) \(p.kind) \(p.campaign ?? "-") \(p.link ?? "-")")
            }
            #expect(Set(posts.map { link($0) }).count > 20)
        }
        // Without a brand link, a post with neither its own nor a campaign's has none.
        let bare = Post(id: "p", channel: "c", network: .x, kind: .engagement, goal: "sales", owner: nil, scheduledAt: Date(iso: "2027-03-08T08:00:00Z")!)
        let remembering = DraftContext(strategy: noBrandLink).rememberingLinks()
        #expect(remembering(bare) == nil && remembering(bare) == nil)
    }

    @Test func campaignValuesAreLocalised() throws {
        let s = strategy(network: .facebook, locale: "pl")
        let post = Post(id: "p", channel: "c", network: .facebook, kind: .discount, step: .launch, campaign: "spring-blend",
                        goal: "sales", owner: "anna", scheduledAt: Date(iso: "2027-03-08T08:00:00Z")!)
        let v = DraftContext(strategy: s).values(for: post)
        guard case .group(let c)? = v["campaign"] else { Issue.record("no campaign"); return }
        #expect(c["start"] == .text("8 marca 2027"))
        #expect(c["percent"] == .text("15%"))
        #expect(c["code"] == .text("SPRING15"))
        #expect(c["link"] == .text("https://beanandbloom.example/spring-blend?utm_source=facebook&utm_medium=social&utm_campaign=spring-blend"))
        #expect(v["owner"] == .text("Anna"))
    }
}

@Suite struct StrictTemplateTests {
    func file(_ text: String, path: String = "my-templates/en/informational.mustache") -> TemplateFile {
        TemplateFile(path: path, folder: "en", name: "informational", variant: 1, text: text, bundled: false)
    }

    @Test func anUnknownVariableNamesTheFileAndLine() {
        #expect(throws: ContentError.missingVariable(file: "my-templates/en/informational.mustache", line: 2, variable: "brnad", post: "p-1")) {
            try TemplateRenderer.render(file("Hello\nfrom {{{brnad}}}\n"), context: ["brand": .text("B")], post: "p-1")
        }
    }

    @Test func anOptionalVariableMustBeGuarded() throws {
        #expect(throws: ContentError.self) {
            try TemplateRenderer.render(file("{{{topic}}}"), context: [:], post: "p-1")
        }
        let guarded = try TemplateRenderer.render(file("{{#topic}}T: {{{topic}}}{{/topic}}{{^topic}}none{{/topic}}"), context: [:], post: "p-1")
        #expect(guarded == "none")
        let present = try TemplateRenderer.render(file("{{#topic}}T: {{{topic}}}{{/topic}}"), context: ["topic": .text("x")], post: "p-1")
        #expect(present == "T: x")
    }

    @Test func aBrokenTemplateNamesTheFileAndLine() {
        do {
            _ = try TemplateRenderer.render(file("line one\n{{#topic}}\nnever closed\n"), context: ["topic": .text("x")], post: "p")
            Issue.record("should fail")
        } catch {
            guard case .templateSyntax(let f, _, let reason) = error else { Issue.record("wrong error \(error)"); return }
            #expect(f == "my-templates/en/informational.mustache")
            #expect(reason.contains("never closed") || reason.contains("closed"))
            #expect(error.description.hasPrefix("my-templates/en/informational.mustache:"))
        }
        #expect(throws: ContentError.self) { try TemplateRenderer.render(file("{{> partial}}"), context: [:], post: "p") }
    }

    @Test func textIsNeverHTMLEscaped() throws {
        let out = try TemplateRenderer.render(file("{{brand}} & {{{brand}}}"), context: ["brand": .text("Bean & <Bloom>")], post: "p")
        #expect(out == "Bean & <Bloom> & Bean & <Bloom>")
    }

    @Test func tidiesBlankLines() throws {
        let out = try TemplateRenderer.render(file("a  \n\n\n\nb\n{{{hashtags}}}\n\n"), context: ["hashtags": .text("")], post: "p")
        #expect(out == "a\n\nb")
    }

    @Test func userTemplatesLayerOverTheBundledOnes() throws {
        let dir = TemporaryDirectory()
        dir.write("mine/en/informational.mustache", "Ours: {{{brand}}}\n")
        dir.write("mine/pl/x/engagement.mustache", "Nasze: {{{brand}}}\n")
        let set = try TemplateSet.layered(userFolder: dir.file("mine"), displayName: "mine")
        #expect(try set.template("informational", locale: "en", network: "facebook", variant: 0).path == "mine/en/informational.mustache")
        #expect(try set.template("engagement", locale: "pl", network: "x", variant: 0).path == "mine/pl/x/engagement.mustache")
        #expect(try set.template("engagement", locale: "pl", network: "facebook", variant: 0).path.hasPrefix("Templates/pl/engagement"))
        // Fallback to English when a locale lacks a name.
        #expect(try set.template("informational", locale: "fr", network: "facebook", variant: 0).path == "mine/en/informational.mustache")
        #expect(throws: ContentError.self) { try TemplateSet.layered(userFolder: dir.file("nope"), displayName: "nope") }
    }

    @Test func variantsRotate() throws {
        let set = TemplateSet.bundled
        let v = set.variants("informational", locale: "en", network: "facebook")
        #expect(v.count >= 3)
        #expect(try set.template("informational", locale: "en", network: "facebook", variant: 0) != set.template("informational", locale: "en", network: "facebook", variant: 1))
        #expect(try set.template("informational", locale: "en", network: "facebook", variant: v.count).path == v[0].path)
    }
}

@Suite struct NetworkRuleTests {
    let x = Channel(id: "x", network: .x, postsPerWeek: 1, days: [.monday], times: [LocalTime(hhmm: "09:00")!])

    @Test func countsGraphemesNotBytes() {
        #expect(NetworkRules.length("👍🏽", network: .bluesky) == 1)
        #expect(NetworkRules.length("👨‍👩‍👧‍👦", network: .bluesky) == 1)
        #expect(NetworkRules.length("e\u{0301}", network: .bluesky) == 1)
        #expect(NetworkRules.length("zażółć gęślą jaźń", network: .bluesky) == 17)
        #expect(NetworkRules.length("Привет, мир", network: .bluesky) == 11)
        #expect(NetworkRules.length("🇵🇱", network: .bluesky) == 1)
    }

    @Test func countsURLsAsTwentyThreeOnXAndMastodon() {
        let long = "https://beanandbloom.example/spring-blend?utm_source=x&utm_medium=social&utm_campaign=spring-blend"
        #expect(NetworkRules.length("Go: \(long).", network: .x) == 4 + 23 + 1)
        #expect(NetworkRules.length("Go: \(long)", network: .mastodon) == 4 + 23)
        #expect(NetworkRules.length("Go: \(long)", network: .bluesky) == 4 + long.count)
    }

    @Test func flagsOverLimitAndTooManyHashtagsAndEmpty() {
        let over = String(repeating: "a", count: 281)
        #expect(NetworkRules.check(over, channel: x).errors.first?.contains("281 characters, over x's limit of 280") == true)
        #expect(NetworkRules.check(String(repeating: "a", count: 280), channel: x).fits)
        let ig = Channel(id: "ig", network: .instagram, postsPerWeek: 1, days: [.monday], times: [LocalTime(hhmm: "09:00")!])
        let tags = (1...31).map { "#t\($0)" }.joined(separator: " ")
        #expect(NetworkRules.check(tags, channel: ig).errors == ["31 hashtags, over ig's limit of 30"])
        #expect(NetworkRules.check("  \n", channel: ig).errors == ["the body is empty"])
        #expect(NetworkRules.hashtags(in: "#one and a#not, &#38; #dwa_2 #кофе").map(String.init) == ["#one", "#dwa_2", "#кофе"])
    }

    @Test func utmTagsKeepQueryAndFragment() {
        #expect(UTM.tag("https://a.example/", source: "x", campaign: "c") == "https://a.example/?utm_source=x&utm_medium=social&utm_campaign=c")
        #expect(UTM.tag("https://a.example/p?ref=1#top", source: "x", campaign: "c")
                == "https://a.example/p?ref=1&utm_source=x&utm_medium=social&utm_campaign=c#top")
        #expect(UTM.tag("https://a.example/?utm_source=mail", source: "x", campaign: "c")
                == "https://a.example/?utm_source=mail&utm_medium=social&utm_campaign=c")
        #expect(UTM.tag("https://a.example/?a=b", source: "x", campaign: "spring sale") .hasSuffix("utm_campaign=spring%20sale"))
        // Only RFC 3986's unreserved ASCII stays as it is; other scripts and reserved characters are percent-encoded.
        #expect(UTM.escape("Zimowa_promocja-2027.v~1") == "Zimowa_promocja-2027.v~1")
        #expect(UTM.escape("jesień") == "jesie%C5%84")
        #expect(UTM.escape("кофе&чай=1/2") == "%D0%BA%D0%BE%D1%84%D0%B5%26%D1%87%D0%B0%D0%B9%3D1%2F2")
        #expect(UTM.tag("https://a.example/", source: "x", campaign: "Grüße #1")
                == "https://a.example/?utm_source=x&utm_medium=social&utm_campaign=Gr%C3%BC%C3%9Fe%20%231")
    }
}

@Suite struct EvergreenTests {
    func library(_ files: [String: String]) throws -> [LibraryEntry] {
        let dir = TemporaryDirectory()
        for (name, text) in files { dir.write("lib/\(name)", text) }
        return try EvergreenLibrary.load(folder: dir.file("lib"), display: "lib")
    }

    func posts(_ n: Int, everyDays: Int, channel: String = "c", network: Network = .instagram) -> [Post] {
        (0..<n).map { i in
            Post(id: "p\(i)", channel: channel, network: network, kind: .informational, goal: "awareness",
                 scheduledAt: Date(iso: "2027-01-04T09:00:00Z")!.addingTimeInterval(Double(i * everyDays) * 86_400))
        }
    }

    @Test func fillsMatchingSlotsAndRecyclesNoSoonerThanAllowed() throws {
        let lib = try library([
            "roast.md": "---\nkind: informational\nnetworks: [instagram]\n---\nHow we roast, step by step.\n",
            "milk.md": "---\nkind: informational\nlocale: en\n---\nWhy our milk is local.\n",
            "old.md": "---\nkind: informational\nexpires: 2027-01-01\n---\nLast year's news.\n",
            "fb.md": "---\nkind: informational\nnetworks: [facebook]\n---\nOnly for Facebook.\n",
        ])
        let s = strategy(network: .instagram, locale: "en")
        let drafter = Drafter(strategy: s, templates: .bundled, library: lib, recycleAfterDays: 30)
        let results = try drafter.draft(posts(6, everyDays: 10))
        let sources = results.map(\.source)
        // Two fitting entries, each reusable after 30 days: days 0 and 10 from the library, 20 from a template,
        // 30 and 40 from the library again, 50 from a template.
        #expect(sources[0].hasPrefix("library:") && sources[1].hasPrefix("library:"))
        #expect(sources[0] != sources[1])
        #expect(sources[2].hasPrefix("Templates/"))
        #expect(sources[3] == sources[0] && sources[4] == sources[1])
        #expect(!sources.contains("library:old.md") && !sources.contains("library:fb.md"))
        // History counts too: a use 5 days before blocks the entry.
        var used = posts(1, everyDays: 1)[0]
        used.id = "old"; used.template = "library:milk.md"; used.scheduledAt = Date(iso: "2026-12-30T09:00:00Z")!
        let again = try drafter.draft(posts(1, everyDays: 1), history: [used])
        #expect(again[0].source == "library:roast.md")
    }

    @Test func brokenLibraryFilesAreReportedWithTheirLine() throws {
        for (text, fragment) in [("No front matter\n", "without front matter"),
                                 ("---\nkind: contest\n---\nWin!\n", "cannot come from the library"),
                                 ("---\nkind: informational\ncolour: red\n---\nx\n", "unknown key 'colour'"),
                                 ("---\nkind: informational\nexpires: soon\n---\nx\n", "expires must be a date"),
                                 ("---\nkind: informational\n---\n\n", "no text after the front matter")] {
            #expect(throws: ContentError.self) { try library(["a.md": text]) }
            do { _ = try library(["a.md": text]) } catch {
                let text = String(describing: error)
                #expect(text.contains(fragment), "\(text)")
                #expect(text.hasPrefix("lib/a.md"))
            }
        }
    }
}

@Suite struct PostCheckTests {
    @Test func doubledPunctuationIsFoundButEllipsesAndInterrobangsAreNot() {
        for bad in ["what is your pick?: we'd love", "Great!. Next", "Wait.. what", "one,, two", "done.!", "time:. now", "so;; on"] {
            #expect(!PostChecks.doubledPunctuation(in: bad).isEmpty, "\(bad)")
        }
        for fine in ["Wait... what", "Really?!", "Wow!!", "What???", "So...?", "Неужели?..", "Well…", "etc., and more", "до 21 марта 2027 г.: скидка",
                     "Times: 08:30.", "https://a.example/a..b?x=1&y=2 is a link", "No marks here"] {
            #expect(PostChecks.doubledPunctuation(in: fine).isEmpty, "\(fine): \(PostChecks.doubledPunctuation(in: fine))")
        }
        #expect(PostChecks.doubledPunctuation(in: "Oat or whole milk: what is your pick?: we'd love your honest opinion.").first?.marks == "?:")
    }

    @Test func commentsAreRecognisedInEveryBundledLanguage() {
        for (text, said) in [("Tell us in the comments.", "in the comments"), ("Piszcie w komentarzach – czytamy", "Piszcie w komentarzach"),
                             ("Zostawcie komentarz albo", "Zostawcie komentarz"), ("Stellt sie gern in den Kommentaren – wir", "in den Kommentaren"),
                             ("Laat het weten in de reacties!", "het weten in de reacties"), ("Laat een comment achter", "Laat een comment"),
                             ("Задавайте в комментариях: мы", "Задавайте в комментариях")] {
            #expect(PostChecks.commentsWording(in: text) == said, "\(text)")
        }
        #expect(PostChecks.commentsWording(in: "Just hit reply and tell us. We recommend the flat white.") == nil)
        #expect(PostChecks.commentsWording(in: "Stuur ons je reactie per mail.") == nil)
    }

    @Test func networksThatNeedMediaAndLinksThatCannotBeClicked() {
        #expect(PostChecks.missingMedia(network: .instagram, media: [], post: "p-1")
                == "instagram requires an image or video: add one with `herald post set p-1 --media URL`")
        #expect(PostChecks.missingMedia(network: .instagram, media: ["https://a.example/a.jpg"], post: "p-1") == nil)
        #expect(PostChecks.missingMedia(network: .facebook, media: [], post: "p-1") == nil)
        #expect(PostChecks.mediaNeeded(on: .tiktok) == "a video")
        let ig = PostChecks.warnings(body: "New! https://beanandbloom.example/?utm_source=instagram", network: .instagram)
        #expect(ig.count == 1 && ig[0].contains("cannot be clicked"))
        #expect(PostChecks.warnings(body: "New! https://beanandbloom.example/", network: .facebook).isEmpty)
        let mail = PostChecks.warnings(body: "Tell us in the comments.\n#BeanAndBloom", network: .newsletter)
        #expect(mail.contains { $0.hasPrefix("hashtags do nothing in an e-mail (#BeanAndBloom)") })
        #expect(mail.contains { $0.contains("the text says “in the comments”") })
        // On Instagram a template's link reads "link in bio" in the post's language; hooks still get the real link.
        for (locale, phrase) in [("en", "link in bio"), ("pl", "link w bio"), ("de", "Link in der Bio"), ("ru", "ссылка в профиле")] {
            let s = strategy(network: .instagram, locale: locale)
            let post = Post(id: "p", channel: "c", network: .instagram, kind: .informational, goal: "awareness", owner: nil,
                            scheduledAt: Date(iso: "2027-03-08T08:00:00Z")!)
            let context = DraftContext(strategy: s)
            #expect(context.values(for: post)["link"] == .text(phrase))
            #expect(context.link(for: post)?.hasPrefix("https://beanandbloom.example/?utm_source=instagram&utm_medium=social") == true)
        }
        // Newsletters are e-mail.
        let s = strategy(network: .newsletter, locale: "en")
        let letter = Post(id: "p", channel: "c", network: .newsletter, kind: .informational, goal: "awareness", owner: nil,
                          scheduledAt: Date(iso: "2027-03-08T08:00:00Z")!)
        #expect(DraftContext(strategy: s).link(for: letter) == "https://beanandbloom.example/?utm_source=newsletter&utm_medium=email&utm_campaign=informational")
    }

    @Test func aLibraryPostCarriesItsMedia() throws {
        let entry = try EvergreenLibrary.parse("---\nkind: informational\nmedia: [https://a.example/roast.jpg, https://a.example/roast.mp4]\n---\nHow we roast.\n",
                                               id: "roast.md", file: "lib/roast.md")
        #expect(entry.media == ["https://a.example/roast.jpg", "https://a.example/roast.mp4"])
        let one = try EvergreenLibrary.parse("---\nkind: informational\nmedia: https://a.example/roast.jpg\n---\nHow we roast.\n", id: "r.md", file: "lib/r.md")
        #expect(one.media == ["https://a.example/roast.jpg"])
        #expect(throws: ContentError.library(file: "lib/r.md", line: 3, reason: "media must be web addresses of images or videos (https://…), got 'roast.jpg'.")) {
            try EvergreenLibrary.parse("---\nkind: informational\nmedia: [roast.jpg]\n---\nHow we roast.\n", id: "r.md", file: "lib/r.md")
        }
        let s = strategy(network: .instagram, locale: "en")
        let post = Post(id: "p", channel: "c", network: .instagram, kind: .informational, goal: "awareness", owner: nil,
                        scheduledAt: Date(iso: "2027-03-08T08:00:00Z")!)
        let result = try Drafter(strategy: s, templates: .bundled, library: [entry]).draft([post])
        #expect(result[0].media == ["https://a.example/roast.jpg", "https://a.example/roast.mp4"])
    }
}
