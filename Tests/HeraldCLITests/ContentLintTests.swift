import Foundation
import HeraldTestSupport
import Testing

/// Issue 18, item 16 (drafts, templates, lint, media) and the `--json` of `lint`, `review` and `templates list`.
@Suite struct ContentLintTests {
    let now = ["--now", "2026-12-01T00:00:00Z"]
    let image = "https://beanandbloom.example/img/latte.jpg"

    func drafted(_ strategy: String = exampleStrategy, files: [String: String] = [:]) throws -> PlannedExample {
        let ex = try PlannedExample(plan: false)
        ex.dir.write("strategy.yaml", strategy)
        for (name, text) in files { ex.dir.write(name, text) }
        for args in [["plan", "2027-Q1"], ["draft", "2027-Q1"]] {
            let r = try ex.run(args + now)
            precondition(r.status == 0, r.stderr)
        }
        return ex
    }

    /// The whole stored plan, to show a refused command changed nothing.
    func snapshot(_ ex: PlannedExample) throws -> String { try ex.run(["calendar", "--json"]).stdout }

    func json(_ text: String) -> Any? { try? JSONSerialization.jsonObject(with: Data(text.utf8)) }

    @Test func instagramPostsNeedAnImageBeforeApproval() throws {
        let ex = try PlannedExample()
        let draft = try ex.run(["draft", "2027-Q1"] + now)
        #expect(draft.stdout.contains("51 posts need an image or video before they can be approved"))
        let id = try #require(try ex.posts(["--channel", "instagram"]).first?["id"] as? String)

        let lint = try ex.run(["lint", "2027-Q1"] + now)
        #expect(lint.status == 65)
        #expect(lint.stdout.contains("\(id): error: instagram requires an image or video: add one with `herald post set \(id) --media URL`"))

        // Approval refuses it (Instagram would), and nothing changes.
        let before = try snapshot(ex)
        let approve = try ex.run(["approve", "--post", id, "--as", "Anna"] + now)
        #expect(approve.status == 65)
        #expect(approve.stdout.contains("\(id) instagram"))
        #expect(approve.stdout.contains("instagram requires an image or video"))
        #expect(try snapshot(ex) == before)

        // A media value that is not a web address is refused as a usage error, and nothing changes.
        for bad in ["latte.jpg", "ftp://beanandbloom.example/latte.jpg", "https://", "https://a.example/a b.jpg"] {
            let r = try ex.run(["post", "set", id, "--media", bad] + now)
            #expect(r.status == 64, "\(bad): \(r.stderr)")
            #expect(r.stderr.contains("--media '\(bad)' is not a web address"), "\(r.stderr)")
            #expect(try snapshot(ex) == before)
        }

        // With an image it is approved; `post show` lists the media (text and JSON).
        #expect(try ex.run(["post", "set", id, "--media", image] + now).status == 0)
        let show = try ex.run(["post", "show", id])
        #expect(show.stdout.contains("media           \(image)"))
        let shown = try #require(json(try ex.run(["post", "show", id, "--json"]).stdout) as? [String: Any])
        #expect(shown["media"] as? [String] == [image])
        let ok = try ex.run(["approve", "--post", id, "--as", "Anna"] + now)
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        #expect(!(try ex.run(["lint", "2027-Q1"] + now)).stdout.contains("\(id): error"))

        // Changing an approved post's media needs approval again; `none` removes them.
        let cleared = try ex.run(["post", "set", id, "--media", "none"] + now)
        #expect(cleared.status == 0)
        let after = try #require(json(try ex.run(["post", "show", id, "--json"]).stdout) as? [String: Any])
        #expect(after["media"] as? [String] == [])
        #expect(after["status"] as? String == "drafted")
        #expect(try ex.run(["post", "show", id]).stdout.contains("none yet: instagram requires an image or video"))
    }

    @Test func aPostAddedByHandTakesMediaAndLintReportsTheRuleItBreaks() throws {
        let ex = try drafted()
        let before = try snapshot(ex)
        let bad = try ex.run(["post", "add", "--channel", "instagram", "--at", "2027-02-02 11:00", "--body", "Hello", "--media", "img.jpg"] + now)
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--media 'img.jpg' is not a web address"))
        #expect(try snapshot(ex) == before)

        // Tuesday 10:00 is not a Facebook slot: only --force places it, and lint then reports it.
        let add = try ex.run(["post", "add", "--channel", "facebook", "--at", "2027-02-02 10:00", "--kind", "engagement",
                              "--body", "Which pastry next?", "--media", image, "--force"] + now)
        #expect(add.status == 0, "\(add.stderr)")
        let id = try #require(add.stdout.split(separator: " ").dropFirst().first.map { String($0.dropLast()) })
        let shown = try #require(json(try ex.run(["post", "show", id, "--json"]).stdout) as? [String: Any])
        #expect(shown["media"] as? [String] == [image])
        let lint = try ex.run(["lint", "2027-02"] + now)
        #expect(lint.stdout.contains("\(id): warning: breaks a planning rule: facebook posts on mon, wed, fri, not on Tuesdays."), "\(lint.stdout)")
        #expect(lint.stdout.contains("\(id): warning: breaks a planning rule: 10:00 is not one of facebook's times"))
        #expect(lint.stdout.contains("\(id): warning: breaks a planning rule: facebook already has 3 posts in the week of 2027-02-01; its cadence is 3 a week."))
        // The planner's posts around it are not blamed for the one forced in.
        #expect(lint.stdout.components(separatedBy: "breaks a planning rule").count - 1 == 3, "\(lint.stdout)")
    }

    @Test func lintCatchesWhatTemplatesAndHandEditsGetWrong() throws {
        let ex = try drafted()
        // A fresh draft: none of these problems, in any post.
        let fresh = try ex.run(["lint", "2027-Q1"] + now)
        for problem in ["doubled punctuation", "cannot be clicked", "hashtags do nothing", "has no comments", "planning rule", "has no UTM tags"] {
            #expect(!fresh.stdout.contains(problem), "\(problem) in a fresh draft:\n\(fresh.stdout)")
        }
        let letters = try ex.posts(["--channel", "newsletter"])
        for p in letters {
            let body = p["body"] as! String
            #expect(!body.contains("#"), "\(body)")
            #expect(!body.contains("utm_medium=social") && body.contains("utm_medium=email") || !body.contains("http"), "\(body)")
        }
        let kinds = Set(letters.map { $0["kind"] as! String })
        #expect(kinds.isSuperset(of: ["informational", "engagement", "social-proof"]))
        #expect(try ex.posts(["--channel", "instagram"]).allSatisfy { !($0["body"] as! String).contains("http") })

        // Hand edits that get each of them wrong.
        let ig = try #require(try ex.posts(["--channel", "instagram"]).first?["id"] as? String)
        let letter = try #require(letters.first?["id"] as? String)
        let masto = try #require(try ex.posts(["--channel", "mastodon"]).first?["id"] as? String)
        for (id, body) in [(ig, "New beans are in! https://beanandbloom.example/?utm_source=instagram&utm_medium=social"),
                           (letter, "Our news\n\nTell us in the comments what you think.\n#BeanAndBloom"),
                           (masto, "Oat or whole milk: what is your pick?: tell us.")] {
            #expect(try ex.run(["post", "edit", id, "--body", body] + now).status == 0)
        }
        let lint = try ex.run(["lint", "2027-Q1"] + now)
        #expect(lint.stdout.contains("\(ig): warning: links cannot be clicked in instagram captions (https://beanandbloom.example/?utm_source=inst…); write “link in bio”"), "\(lint.stdout)")
        #expect(lint.stdout.contains("\(letter): warning: hashtags do nothing in an e-mail (#BeanAndBloom)"))
        #expect(lint.stdout.contains("\(letter): warning: a newsletter has no comments, but the text says “in the comments”; ask readers to reply to the e-mail instead"))
        #expect(lint.stdout.contains("\(masto): warning: doubled punctuation “?:” in “…milk: what is your pick?: tell us.”"), "\(lint.stdout)")
        // Review shows the same findings under each post.
        let review = try ex.run(["review", "2027-Q1", "--channel", "mastodon"] + now)
        #expect(review.stdout.contains("warning: doubled punctuation “?:”"))
    }

    @Test func aLibraryPostBringsItsImage() throws {
        let ex = try drafted(exampleStrategy.replacingOccurrences(of: "# library: evergreen/", with: "library: evergreen/"), files: [
            "evergreen/grinder.md": "---\nkind: informational\nnetworks: [instagram]\nmedia: [\(image)]\n---\nGround to order: fresher shots, every time.\n",
        ])
        let fromLibrary = try ex.posts(["--channel", "instagram"]).filter { ($0["body"] as? String)?.hasPrefix("Ground to order") == true }
        #expect(fromLibrary.count == 2)
        #expect(fromLibrary.allSatisfy { $0["media"] as? [String] == [image] })
        let lint = try ex.run(["lint", "2027-Q1"] + now)
        for p in fromLibrary { #expect(!lint.stdout.contains("\(p["id"] as! String): error")) }
        // A broken media entry names the file and line, and nothing is drafted.
        ex.dir.write("evergreen/grinder.md", "---\nkind: informational\nmedia: grinder.jpg\n---\nWhy we grind.\n")
        let before = try snapshot(ex)
        let r = try ex.run(["draft", "2027-Q1", "--overwrite"] + now)
        #expect(r.status == 65)
        #expect(r.stderr.contains("evergreen/grinder.md:3: media must be web addresses of images or videos (https://…), got 'grinder.jpg'."), "\(r.stderr)")
        #expect(try snapshot(ex) == before)
    }

    @Test func lintReviewAndTemplatesListPrintJSON() throws {
        let ex = try drafted()
        let lint = try ex.run(["lint", "2027-01", "--json"] + now)
        #expect(lint.status == 65)
        let report = try #require(json(lint.stdout) as? [String: Any])
        let findings = try #require(report["findings"] as? [[String: Any]])
        #expect(report["errors"] as? Int == findings.filter { $0["severity"] as? String == "error" }.count)
        #expect(report["warnings"] as? Int == findings.filter { $0["severity"] as? String == "warning" }.count)
        let first = try #require(findings.first)
        #expect(Set(first.keys) == ["post", "channel", "network", "scheduled_at", "local_time", "status", "severity", "message"])
        #expect((first["message"] as? String)?.contains("requires an image or video") == true)

        let review = try ex.run(["review", "2027-01", "--channel", "instagram", "--json"] + now)
        #expect(review.status == 0)
        let posts = try #require(json(review.stdout) as? [[String: Any]])
        #expect(!posts.isEmpty)
        let r = posts[0]
        #expect(Set(r.keys) == ["post", "length", "limit", "hashtags", "hashtag_limit", "fits", "findings"])
        #expect(r["limit"] as? Int == 2200)
        #expect((r["post"] as? [String: Any])?["network"] as? String == "instagram")
        #expect((r["findings"] as? [[String: Any]])?.first?["severity"] as? String == "error")
        // Nothing drafted in the period: an empty array, not a sentence.
        #expect((json(try ex.run(["review", "2026-01", "--json"] + now).stdout) as? [Any])?.isEmpty == true)

        let list = try ex.run(["templates", "list", "--network", "newsletter", "--json"])
        #expect(list.status == 0)
        let names = try #require(json(list.stdout) as? [[String: Any]])
        let engagement = try #require(names.first { $0["name"] as? String == "engagement" })
        #expect(engagement["file"] as? String == "Templates/en/newsletter/engagement.mustache")
        #expect(engagement["network"] as? String == "newsletter" && engagement["locale"] as? String == "en")
        #expect(engagement["bundled"] as? Bool == true && engagement["variants"] as? Int == 1)
    }
}
