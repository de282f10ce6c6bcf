import Foundation
import HeraldModel
import HeraldStore
import HeraldTestSupport
import Testing

/// A strategy with two channels (Facebook, X) answering through one webhook, three people (Tom the crisis owner, Kim
/// not trained), replies to complaints approved first, a crisis topic, and the brand's own handle on Facebook.
final class ReplyFixture: @unchecked Sendable {
    let dir = TemporaryDirectory("herald-reply")
    let environment = ["HERALD_TEST_SECRET": testSecret]
    static let t = "2027-01-09T11:30:00Z"

    /// - Parameter notifyURL: where the strategy's `notify` hook (`alerts`) posts lifecycle events, when given.
    init(hookURL: String, approval: String = "complaints", notifyURL: String? = nil) throws {
        dir.write("strategy.yaml", """
            brand: {name: Test Café, link: "https://cafe.example/"}
            timezone: UTC
            goals:
              - {id: g, title: Goal, kind: awareness, owner: ola, metrics: [{id: m, name: M, unit: x, baseline: 1, target: 2, direction: up, deadline: 2027-12-31, measured_by: x}]}
            channels:
              - {id: fb, network: facebook, name: "Test Café", posts_per_week: 7, times: ["09:00"], hooks: [hook], goals: [g]}
              - {id: tw, network: x, name: "@testcafe", posts_per_week: 7, times: ["09:00"], hooks: [hook], goals: [g]}
            participants:
              - {id: ola, name: Ola Nowak, channels: [fb, tw], capacity_per_week: 7, trained: true, rules_accepted: true, languages: [en, pl]}
              - {id: tom, name: Tom Berg, channels: [fb, tw], capacity_per_week: 7, trained: true, rules_accepted: true}
              - {id: kim, name: Kim Ray, channels: [fb], capacity_per_week: 7, trained: false, rules_accepted: true}
            campaigns: []
            crisis: {owner: tom}
            \(notifyURL == nil ? "" : "notify: alerts")
            inbox:
              reply_approval: \(approval)
              crisis_topics: [Food safety]
              own_handles: {fb: "testcafe"}
            hooks:
            \(webhookYAML("hook", hookURL, extra: "attempts: 3"))
            \(notifyURL.map { webhookYAML("alerts", $0) } ?? "")
            """)
        dir.write("items.jsonl", """
            {"network":"facebook","kind":"comment","id":"fb-1","author":{"handle":"kasia.k","name":"Kasia Kowalska"},"text":"Do you have oat milk?","created_at":"2027-01-09T11:00:00Z","language":"en"}
            {"network":"facebook","kind":"message","id":"fb-2","author":{"handle":"jan.de.vries"},"text":"My latte was cold again. Not happy.","created_at":"2027-01-09T11:05:00Z","language":"en"}
            {"network":"x","kind":"mention","id":"x-3","author":{"handle":"@piet"},"text":"Is the cake gluten free?","created_at":"2027-01-09T11:10:00Z","language":"en"}
            {"network":"facebook","kind":"comment","id":"fb-4","author":{"handle":"ewa"},"text":"Czy macie mleko owsiane?","created_at":"2027-01-09T11:15:00Z","language":"pl"}
            """)
        let r = try run(["inbox", "import", "items.jsonl"])
        precondition(r.status == 0, r.stderr)
    }

    func run(_ args: [String], at: String = ReplyFixture.t) throws -> ProcessResult {
        try herald(args + ["--now", at], environment: environment, directory: dir.path)
    }

    func publish(at: String) throws -> ProcessResult {
        try herald(["publish", "--now", at], environment: environment, directory: dir.path)
    }

    func store() throws -> Store { try Store(path: dir.file("herald.sqlite")) }

    /// The item with this network id.
    func item(_ networkID: String) throws -> InboxItem {
        try #require(try store().inboxItems(InboxQuery(statuses: InboxStatus.allCases)).first { $0.networkItemID == networkID })
    }

    /// Everything a reply command could change: the items, their replies, the deliveries.
    struct Snapshot: Equatable {
        var items: [InboxItem]
        var replies: [Reply]
        var deliveries: [Delivery]
    }

    func snapshot() throws -> Snapshot {
        let s = try store()
        let items = try s.inboxItems(InboxQuery(statuses: InboxStatus.allCases))
        return Snapshot(items: items, replies: try items.flatMap { try s.replies(item: $0.id) }, deliveries: try s.deliveries())
    }
}

@Suite(.serialized) struct ReplyTests {
    /// A reply from a template and one from `--body` each reach the webhook as `reply.publish`, signed, with the item
    /// and network ids; the item is answered with its first reply time once the delivery went out.
    @Test func repliesAreDeliveredThroughTheChannelsHooks() throws {
        let dir = TemporaryDirectory()
        let receiver = try Receiver(dir)
        let f = try ReplyFixture(hookURL: receiver.url)
        let question = try f.item("fb-1")
        let queued = try f.run(["inbox", "reply", question.id, "--template", "thanks", "--as", "ola"])
        #expect(queued.status == 0, "\(queued.stderr)")
        #expect(queued.stdout.contains("Queued reply r-"), "\(queued.stdout)")
        #expect(queued.stdout.contains("Thank you so much, Kasia!"), "\(queued.stdout)")
        #expect(try f.item("fb-1").status == .replying)
        // Replying is not answering: nothing went out yet.
        #expect(try f.item("fb-1").firstReplyAt == nil)
        // It still awaits an answer: `herald status` counts it open.
        let status = try f.run(["status", "--json"])
        let counts = (try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])?["inbox"] as? [String: Int]
        let awaiting = try f.store().inboxItems(InboxQuery(statuses: [.new, .assigned, .replying])).count
        #expect(counts?["open"] == awaiting && awaiting > 0, "\(status.stdout)")
        let body = "Hi Piet, yes: the lemon cake is gluten free. – Ola"
        #expect(try f.run(["inbox", "reply", try f.item("x-3").id, "--body", body, "--as", "Ola"]).status == 0)

        // The normal publishing pass sends them; nothing else is needed.
        let pass = try f.publish(at: "2027-01-09T11:31:00Z")
        #expect(pass.status == 0, "\(pass.stderr)")
        let requests = receiver.requests
        #expect(requests.count == 2)
        for r in requests {
            #expect(signatureIsValid(r))
            #expect(r.json["type"] as? String == "reply.publish")
            let reply = try #require(r.json["reply"] as? [String: Any])
            #expect(reply["delivery_id"] as? String == r.id)
        }
        let replies = requests.compactMap { $0.json["reply"] as? [String: Any] }
        let thanks = try #require(replies.first { $0["in_reply_to"] as? String == "fb-1" })
        #expect(thanks["inbox_item_id"] as? String == question.id)
        #expect(thanks["network"] as? String == "facebook" && thanks["channel"] as? String == "fb")
        #expect(thanks["author_handle"] as? String == "kasia.k")
        #expect(thanks["template"] as? String == "thanks")
        #expect(thanks["replier"] as? String == "ola")
        let text = try #require(thanks["body"] as? String)
        #expect(text.contains("Kasia") && text.contains("Ola") && text.contains("Test Café"), "\(text)")
        let given = try #require(replies.first { $0["in_reply_to"] as? String == "x-3" })
        #expect(given["body"] as? String == body)
        #expect(given["channel"] as? String == "tw" && given["template"] is NSNull)

        let answered = try f.item("fb-1")
        #expect(answered.status == .answered)
        #expect(answered.firstReplyAt == Date(iso: "2027-01-09T11:31:00Z"))
        #expect(try f.item("x-3").status == .answered)
        let shown = try f.run(["inbox", "show", question.id])
        #expect(shown.stdout.contains("reply:     r-") && shown.stdout.contains("by Ola Nowak, sent"), "\(shown.stdout)")
        // A second pass sends nothing again.
        #expect(try f.publish(at: "2027-01-09T11:40:00Z").status == 0)
        #expect(receiver.requests.count == 2)
    }

    /// A reply the receiver asks to be retried goes again with the same webhook-id; one it refuses for good puts the
    /// item back in its owner's open list.
    @Test func retriesKeepTheWebhookIDAndAFailureReopensTheItem() throws {
        let dir = TemporaryDirectory()
        let receiver = try Receiver(dir, script: [["status": 503], ["status": 200]])
        let f = try ReplyFixture(hookURL: receiver.url)
        let id = try f.item("fb-1").id
        #expect(try f.run(["inbox", "reply", id, "--body", "Yes, every day!", "--as", "ola"]).status == 0)
        let first = try f.publish(at: "2027-01-09T11:31:00Z")
        #expect(first.status == 75, "\(first.stdout)\(first.stderr)")
        #expect(try f.item("fb-1").status == .replying)
        #expect(try f.publish(at: "2027-01-09T12:30:00Z").status == 0)
        let ids = receiver.requests.map(\.id)
        #expect(ids.count == 2 && Set(ids).count == 1, "\(ids)")
        #expect(try f.item("fb-1").status == .answered)

        let refusing = try Receiver(dir, script: [["status": 400]], name: "refusing")
        let g = try ReplyFixture(hookURL: refusing.url)
        let item = try g.item("x-3")
        #expect(try g.run(["inbox", "reply", item.id, "--body", "Yes!", "--as", "tom"]).status == 0)
        let failed = try g.publish(at: "2027-01-09T11:31:00Z")
        #expect(failed.status == 65)
        let back = try g.item("x-3")
        #expect(back.status == .assigned)
        #expect(back.firstReplyAt == nil)
        #expect(back.note?.contains("did not go out") == true, "\(back.note ?? "")")
        #expect(try g.store().replies(item: item.id).first?.status == .failed)
        // Visible again in the open list.
        let open = try g.run(["inbox", "--json"])
        #expect(open.stdout.contains(item.id))
        // Its owner may answer again.
        #expect(try g.run(["inbox", "reply", item.id, "--body", "Yes, it is!", "--as", "tom"]).status == 0)
    }

    /// A reply the receiver refuses for good is announced to the notify hook as `reply.failed`, signed, with the reply and
    /// the inbox item it answers (before, it went out as `post.failed` with the reply's id and no post).
    @Test func aFailedReplyIsAnnouncedAsReplyFailed() throws {
        let dir = TemporaryDirectory()
        let refusing = try Receiver(dir, script: [["status": 400]], name: "refusing")
        let alerts = try Receiver(dir, name: "alerts")
        let f = try ReplyFixture(hookURL: refusing.url, notifyURL: alerts.url)
        let item = try f.item("x-3")
        let queued = try f.run(["inbox", "reply", item.id, "--body", "Yes, it is!", "--as", "tom"])
        #expect(queued.status == 0, "\(queued.stderr)")
        let reply = try #require(try f.store().replies(item: item.id).first)
        let pass = try f.publish(at: "2027-01-09T11:31:00Z")
        #expect(pass.status == 65, "\(pass.stdout)\(pass.stderr)")
        #expect(refusing.requests.count == 1)
        let events = alerts.requests.filter { ($0.json["type"] as? String)?.hasPrefix("inbox.") != true }
        #expect(events.map { $0.json["type"] as? String } == ["reply.failed"])
        let event = try #require(events.first)
        #expect(signatureIsValid(event))
        #expect(event.json["post"] == nil)
        let delivery = try #require(try f.store().deliveries(post: reply.id).first)
        #expect(delivery.state == .failed)
        #expect(event.json["delivery_id"] as? String == delivery.id && event.json["hook"] as? String == "hook")
        #expect((event.json["detail"] as? String)?.isEmpty == false)
        let sent = try #require(event.json["reply"] as? [String: Any])
        #expect(sent["id"] as? String == reply.id && sent["inbox_item_id"] as? String == item.id)
        #expect(sent["body"] as? String == "Yes, it is!" && sent["in_reply_to"] as? String == "x-3")
        #expect(sent["channel"] as? String == "tw" && sent["replier"] as? String == "tom")
        // The delivery's fields are the event's own, not the reply's.
        #expect(sent["delivery_id"] == nil && sent["attempt"] == nil)
        let answered = try #require(event.json["item"] as? [String: Any])
        #expect(answered["id"] as? String == item.id && answered["status"] as? String == "assigned")
        #expect((answered["author"] as? [String: Any])?["handle"] as? String == item.authorHandle)
        // Sent once: the next pass has nothing to announce.
        #expect(try f.publish(at: "2027-01-09T11:40:00Z").status == 0)
        #expect(alerts.requests.filter { $0.json["type"] as? String == "reply.failed" }.count == 1)
    }

    /// A reply that went out is announced as `reply.published` (not `post.published` without a post), with the reply and
    /// its item, now answered.
    @Test func aPublishedReplyIsAnnouncedAsReplyPublished() throws {
        let dir = TemporaryDirectory()
        let receiver = try Receiver(dir)
        let alerts = try Receiver(dir, name: "alerts")
        let f = try ReplyFixture(hookURL: receiver.url, notifyURL: alerts.url)
        let item = try f.item("x-3")
        #expect(try f.run(["inbox", "reply", item.id, "--body", "Yes, it is!", "--as", "tom"]).status == 0)
        let reply = try #require(try f.store().replies(item: item.id).first)
        let pass = try f.publish(at: "2027-01-09T11:31:00Z")
        #expect(pass.status == 0, "\(pass.stdout)\(pass.stderr)")
        let events = alerts.requests.filter { ($0.json["type"] as? String)?.hasPrefix("inbox.") != true }
        #expect(events.map { $0.json["type"] as? String } == ["reply.published"])
        let event = try #require(events.first)
        #expect(signatureIsValid(event))
        #expect(event.json["post"] == nil)
        #expect((event.json["reply"] as? [String: Any])?["id"] as? String == reply.id)
        #expect((event.json["item"] as? [String: Any])?["status"] as? String == "answered")
    }

    /// `reply_approval: complaints`: a reply to a complaint waits for another participant's approval; the pass sends
    /// nothing until then.
    @Test func repliesToComplaintsWaitForApproval() throws {
        let dir = TemporaryDirectory()
        let receiver = try Receiver(dir)
        let f = try ReplyFixture(hookURL: receiver.url)
        let complaint = try f.item("fb-2")
        #expect(complaint.labels.intent == .complaint)
        let queued = try f.run(["inbox", "reply", complaint.id, "--template", "complaint_acknowledged", "--as", "ola"])
        #expect(queued.status == 0, "\(queued.stderr)")
        #expect(queued.stdout.contains("waits for approval by a participant other than Ola Nowak"), "\(queued.stdout)")
        #expect(try f.publish(at: "2027-01-09T11:31:00Z").status == 0)
        #expect(receiver.requests.isEmpty)
        // The writer cannot approve their own reply; nothing changes.
        let before = try f.snapshot()
        let own = try f.run(["inbox", "approve", complaint.id, "--as", "ola"])
        #expect(own.status == 65)
        #expect(own.stderr.contains("Ola Nowak wrote r-"), "\(own.stderr)")
        #expect(try f.snapshot() == before)
        let ok = try f.run(["inbox", "approve", complaint.id, "--as", "tom"])
        #expect(ok.status == 0, "\(ok.stderr)")
        // Approving twice is refused.
        let twice = try f.run(["inbox", "approve", complaint.id, "--as", "tom"])
        #expect(twice.status == 65 && twice.stderr.contains("has no reply waiting for approval"), "\(twice.stderr)")
        #expect(try f.publish(at: "2027-01-09T11:32:00Z").status == 0)
        #expect(receiver.requests.count == 1)
        #expect(try f.item("fb-2").status == .answered)
        // A question needs no approval under `complaints`.
        #expect(try f.run(["inbox", "reply", try f.item("fb-1").id, "--template", "answer", "--as", "ola"]).stdout.contains("the next `herald publish`"))

        // `all`: every reply waits.
        let g = try ReplyFixture(hookURL: receiver.url, approval: "all")
        let r = try g.run(["inbox", "reply", try g.item("fb-1").id, "--template", "answer", "--as", "ola"])
        #expect(r.stdout.contains("waits for approval"), "\(r.stdout)")
    }

    /// A reply to an item on a crisis topic is approved by the crisis owner only, whatever the policy.
    @Test func crisisTopicRepliesNeedTheCrisisOwner() throws {
        let dir = TemporaryDirectory()
        let receiver = try Receiver(dir)
        let f = try ReplyFixture(hookURL: receiver.url, approval: "none")
        let id = try f.item("fb-1").id
        #expect(try f.run(["inbox", "label", id, "--topic", "food safety", "--as", "ola"]).status == 0)
        let queued = try f.run(["inbox", "reply", id, "--template", "sorry_private", "--as", "ola"])
        #expect(queued.stdout.contains("waits for approval by the crisis owner, Tom Berg"), "\(queued.stdout)")
        let before = try f.snapshot()
        let kim = try f.run(["inbox", "approve", id, "--as", "kim"])
        #expect(kim.status == 65)
        #expect(kim.stderr.contains("needs the approval of the crisis owner, Tom Berg; Kim Ray cannot give it."), "\(kim.stderr)")
        #expect(try f.snapshot() == before)
        #expect(try f.run(["inbox", "approve", id, "--as", "Tom"]).status == 0)
        #expect(try f.publish(at: "2027-01-09T11:31:00Z").status == 0)
        #expect(receiver.requests.count == 1)
        // The crisis owner's own reply to a crisis-topic item goes out as written.
        let other = try f.item("x-3").id
        #expect(try f.run(["inbox", "label", other, "--topic", "Food Safety", "--as", "tom"]).status == 0)
        #expect(try f.run(["inbox", "reply", other, "--body", "We are on it.", "--as", "tom"]).stdout.contains("the next `herald publish`"))
    }

    /// The brand's own reply coming back in (from its handle, in reply to the item's network id) marks the item
    /// answered, with the reply's time; the reply itself needs no answer.
    @Test func theBrandsOwnReplyMarksTheItemAnswered() throws {
        let f = try ReplyFixture(hookURL: "http://127.0.0.1:9/hook")
        f.dir.write("own.jsonl", """
            {"network":"facebook","kind":"comment","id":"fb-10","author":{"handle":"TestCafe"},"text":"Yes, oat milk every day!","created_at":"2027-01-09T11:20:00Z","in_reply_to":"fb-1"}
            """)
        let r = try f.run(["inbox", "import", "own.jsonl"])
        #expect(r.status == 0, "\(r.stderr)")
        let item = try f.item("fb-1")
        #expect(item.status == .answered)
        #expect(item.firstReplyAt == Date(iso: "2027-01-09T11:20:00Z"))
        #expect(item.note?.contains("brand's own account") == true)
        let own = try f.item("fb-10")
        #expect(own.status == .closed && own.owner == nil)
        // Someone else's reply in the thread does not.
        f.dir.write("other.jsonl", """
            {"network":"facebook","kind":"comment","id":"fb-11","author":{"handle":"kasia.k"},"text":"Thanks!","created_at":"2027-01-09T11:21:00Z","in_reply_to":"fb-2"}
            """)
        #expect(try f.run(["inbox", "import", "other.jsonl"]).status == 0)
        #expect(try f.item("fb-2").status == .assigned)
    }

    /// Every bad input: the message, the exit code, and nothing changed.
    @Test func badRepliesChangeNothing() throws {
        let f = try ReplyFixture(hookURL: "http://127.0.0.1:9/hook")
        let question = try f.item("fb-1").id
        let onX = try f.item("x-3").id
        let closed = try f.item("fb-4").id
        #expect(try f.run(["inbox", "close", closed, "--reason", "spam", "--as", "ola"]).status == 0)
        f.dir.write("empty.txt", "\n\n")
        let cases: [(args: [String], status: Int32, message: String)] = [
            (["inbox", "reply", "m-nope", "--body", "Hi", "--as", "ola"], 65, "no inbox item with id 'm-nope'"),
            (["inbox", "reply", closed, "--body", "Hi", "--as", "ola"], 65, "\(closed): it is closed; reopen it first"),
            (["inbox", "reply", question, "--template", "thx", "--as", "ola"], 65, "no reply template 'thx'. The reply templates are thanks, answer, sorry_private, complaint_acknowledged"),
            (["inbox", "reply", onX, "--body", String(repeating: "Long answer. ", count: 30), "--as", "ola"], 65,
             "the reply does not fit tw: 390 characters, over tw's limit of 280"),
            (["inbox", "reply", question, "--body", "  ", "--as", "ola"], 64, "--body is empty"),
            (["inbox", "reply", question, "--body-file", "empty.txt", "--as", "ola"], 65, "empty.txt: the file is empty"),
            (["inbox", "reply", question, "--body-file", "missing.txt", "--as", "ola"], 66, "missing.txt: no such file"),
            (["inbox", "reply", question, "--body", "Hi\u{7} there", "--as", "ola"], 65, "the reply holds a control character (U+0007) at character 3"),
            (["inbox", "reply", question, "--body", "Hi", "--as", "zoe"], 65, "--as 'zoe': no participant of that id or name"),
            (["inbox", "reply", question, "--body", "Hi", "--as", "kim"], 65, "Kim Ray may not answer for the brand yet"),
            (["inbox", "reply", question, "--body", "Hi", "--template", "thanks", "--as", "ola"], 64, "give exactly one of"),
            (["inbox", "reply", question, "--as", "ola"], 64, "give exactly one of"),
            (["inbox", "approve", question, "--as", "tom"], 65, "\(question) has no reply waiting for approval"),
        ]
        let before = try f.snapshot()
        for c in cases {
            let r = try f.run(c.args)
            #expect(r.status == c.status, "\(c.args): \(r.status) \(r.stderr)")
            #expect(r.stderr.contains(c.message), "\(c.args): \(r.stderr)")
            #expect(try f.snapshot() == before, "\(c.args) changed something")
        }
        // A second reply while the first is on its way is refused.
        #expect(try f.run(["inbox", "reply", question, "--body", "Hi", "--as", "ola"]).status == 0)
        let again = try f.snapshot()
        let twice = try f.run(["inbox", "reply", question, "--body", "Hi again", "--as", "ola"])
        #expect(twice.status == 65 && twice.stderr.contains("a reply to it is already on its way"), "\(twice.stderr)")
        #expect(try f.snapshot() == again)
    }
}
