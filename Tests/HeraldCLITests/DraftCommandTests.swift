import Foundation
import HeraldTestSupport
import Testing

@Suite struct DraftCommandTests {
    let now = ["--now", "2026-12-01T00:00:00Z"]

    @Test func draftReviewApprove() throws {
        let ex = try PlannedExample()
        let draft = try ex.run(["draft", "2027-Q1"] + now)
        #expect(draft.status == 0, "\(draft.stderr)")
        #expect(draft.stdout.contains("from templates"))
        let posts = try ex.posts()
        #expect(posts.allSatisfy { $0["status"] as? String == "drafted" })
        #expect(posts.allSatisfy { ($0["body"] as? String)?.isEmpty == false })
        // Links carry UTM tags; campaign posts name their campaign.
        let contest = try #require(posts.first {
            $0["campaign"] as? String == "latte-art" && $0["step"] as? String == "announce" && $0["network"] as? String == "facebook"
        })
        let body = contest["body"] as! String
        #expect(body.contains("Latte art"))
        #expect(body.contains("utm_source=\(contest["network"] as! String)&utm_medium=social&utm_campaign=latte-art"))

        let review = try ex.run(["review", "2027-02", "--channel", "facebook"] + now)
        #expect(review.status == 0)
        #expect(review.stdout.contains("/63206"))
        #expect(review.stdout.contains("│ "))

        // Drafting again without --overwrite has nothing to do and changes nothing.
        let again = try ex.run(["draft", "2027-Q1"] + now)
        #expect(again.stdout.contains("Nothing to draft"))

        // Instagram posts wait for an image (exit 65, each listed); the others are approved.
        let approve = try ex.run(["approve", "2027-02", "--as", "Anna"] + now)
        #expect(approve.status == 65, "\(approve.stdout)\(approve.stderr)")
        #expect(approve.stdout.contains("instagram requires an image or video"))
        let feb = try ex.posts(["--status", "approved"])
        #expect(!feb.isEmpty)
        #expect(!feb.contains { $0["network"] as? String == "instagram" })
        #expect(feb.allSatisfy { ($0["local_time"] as! String).hasPrefix("2027-02") })
        let show = try ex.run(["post", "show", feb[0]["id"] as! String])
        #expect(show.stdout.contains("approved"))
    }

    @Test func overLimitPostsAreNotApproved() throws {
        let ex = try PlannedExample()
        _ = try ex.run(["draft", "2027-01"] + now)
        let masto = try ex.posts(["--channel", "mastodon", "--status", "drafted"])[0]["id"] as! String
        let long = String(repeating: "Coffee is good. ", count: 40)
        let edit = try ex.run(["post", "edit", masto, "--body", long] + now)
        #expect(edit.status == 0)
        #expect(edit.stdout.contains("639/500"))
        let approve = try ex.run(["approve", "--post", masto, "--as", "Anna"] + now)
        #expect(approve.status == 65)
        #expect(approve.stdout.contains("639 characters, over mastodon's limit of 500"))
        let after = try JSONSerialization.jsonObject(with: Data(try ex.run(["post", "show", masto, "--json"]).stdout.utf8)) as! [String: Any]
        #expect(after["status"] as? String == "drafted")
        let lint = try ex.run(["lint", "2027-01"] + now)
        #expect(lint.status == 65)
        #expect(lint.stdout.contains("639 characters"))
    }

    @Test func editingAnApprovedPostSendsItBackToDrafted() throws {
        let ex = try PlannedExample()
        _ = try ex.run(["draft", "2027-01"] + now)
        let id = try ex.posts(["--channel", "facebook", "--status", "drafted"])[0]["id"] as! String
        #expect(try ex.run(["approve", "--post", id, "--as", "Sofia"] + now).status == 0)
        let file = ex.dir.write("body.txt", "A new text for this post https://beanandbloom.example/?utm_source=facebook\n")
        let edit = try ex.run(["post", "edit", id, "--body-file", file] + now)
        #expect(edit.status == 0)
        #expect(edit.stdout.contains("(drafted)"))
        let p = try JSONSerialization.jsonObject(with: Data(try ex.run(["post", "show", id, "--json"]).stdout.utf8)) as! [String: Any]
        #expect(p["status"] as? String == "drafted")
        #expect(p["body"] as? String == "A new text for this post https://beanandbloom.example/?utm_source=facebook")
        let planned = try ex.posts(["--status", "planned"])
        if let pid = planned.first?["id"] as? String {
            let refuse = try ex.run(["approve", "--post", pid, "--as", "Anna"] + now)
            #expect(refuse.status == 65)
            #expect(refuse.stderr.contains("only drafted posts can be approved"))
        }
        let empty = try ex.run(["post", "edit", id, "--body", "   "] + now)
        #expect(empty.status == 65)
        #expect(empty.stderr.contains("empty"))
    }

    @Test func aBrokenUserTemplateNamesFileAndVariableAndChangesNothing() throws {
        let ex = try PlannedExample()
        ex.dir.write("strategy.yaml", exampleStrategy.replacingOccurrences(of: "# templates: my-templates/", with: "templates: my-templates/"))
        ex.dir.write("my-templates/en/informational.mustache", "News from {{{brand}}}:\n{{{headline}}}\n")
        let run = try ex.run(["draft", "2027-Q1"] + now)
        #expect(run.status == 65)
        #expect(run.stderr.contains("my-templates/en/informational.mustache:2: the template uses {{headline}}"))
        #expect(try ex.posts(["--status", "drafted"]).isEmpty)
        ex.dir.write("my-templates/en/informational.mustache", "News from {{{brand}}}\n{{#topic}}\n{{{topic}}}\n")
        let broken = try ex.run(["draft", "2027-Q1"] + now)
        #expect(broken.status == 65)
        #expect(broken.stderr.contains("my-templates/en/informational.mustache:"))
        #expect(broken.stderr.contains("does not parse"))
        #expect(try ex.posts(["--status", "drafted"]).isEmpty)
        // A good override is used for informational posts.
        ex.dir.write("my-templates/en/informational.mustache", "From the roastery: {{#topic}}{{{topic}}}{{/topic}} {{{link}}}\n")
        #expect(try ex.run(["draft", "2027-Q1"] + now).status == 0)
        let info = try ex.posts(["--kind", "informational"])
        #expect(info.allSatisfy { ($0["body"] as? String)?.hasPrefix("From the roastery:") == true })
        let list = try ex.run(["templates", "list", "--network", "instagram"])
        #expect(list.stdout.contains("my-templates/en/informational.mustache"))
        let show = try ex.run(["templates", "show", "contest-announce", "--locale", "de", "--network", "instagram"])
        #expect(show.stdout.contains("Templates/de/contest-announce.mustache"))
        #expect(show.stdout.contains("uses: "))
    }

    @Test func theEvergreenLibraryFillsSlotsFirst() throws {
        let ex = try PlannedExample()
        ex.dir.write("strategy.yaml", exampleStrategy.replacingOccurrences(of: "# library: evergreen/", with: "library: {path: evergreen/, recycle_after_days: 45}"))
        ex.dir.write("evergreen/grinder.md", "---\nkind: informational\nnetworks: [instagram]\n---\nWhy we grind to order: fresher shots, every time. https://beanandbloom.example/grind\n")
        let run = try ex.run(["draft", "2027-Q1"] + now)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("(2 from the evergreen library"))
        let fromLibrary = try ex.posts(["--channel", "instagram"]).filter { ($0["body"] as? String)?.contains("fresher shots, every time") == true }
        #expect(fromLibrary.count == 2)
        let lint = try ex.run(["lint", "2027-Q1"] + now)
        #expect(lint.stdout.contains("has no UTM tags"))
    }

    @Test func lintFindsNothingWrongWithAFreshDraft() throws {
        let ex = try PlannedExample()
        _ = try ex.run(["draft", "2027-Q1"] + now)
        let lint = try ex.run(["lint", "2027-Q1"] + now)
        // Only what a person must add: an image for each Instagram post.
        let lines = lint.stdout.split(separator: "\n").dropLast()
        #expect(!lines.isEmpty && lines.allSatisfy { $0.contains("error: instagram requires an image or video") }, "\(lint.stdout)")
        #expect(lint.stdout.hasSuffix("\(lines.count) errors, 0 warnings.\n"), "\(lint.stdout)")
    }
}
