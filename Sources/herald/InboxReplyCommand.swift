import ArgumentParser
import Foundation
import HeraldModel
import HeraldStore
import HeraldWorkspace

extension Herald.Inbox {
    struct ReplyCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reply",
            abstract: "Answer an item through its channel's hooks: from a reply template or your own text.",
            discussion: """
            The reply is queued as a delivery to each hook of the item's channel, with everything a post's delivery has \
            (a durable queue, leases, retries with the same webhook-id, signatures). Hooks receive \
            `{"type": "reply.publish", "version": 1, "reply": {id, inbox_item_id, in_reply_to, network, channel, \
            author_handle, body, language, replier, template, delivery_id, idempotency_key, hook, attempt, created_at}}`. \
            The next `herald publish` (cron) or `herald run` sends it; once it went out the item is answered and its first \
            reply time recorded; if it fails for good the item is open again for you.
            Templates (in the item's language, else the channel's or the strategy's): thanks, answer, sorry_private \
            (sorry, let's talk in a private message), complaint_acknowledged. They use {{author}}, {{author_handle}}, \
            {{brand}}, {{replier}} (your first name), {{channel}}, {{network}} and {{topic}}.
            The strategy's `inbox: {reply_approval: none|complaints|all}` decides which replies wait for \
            `herald inbox approve`; a reply to an item on one of `inbox.crisis_topics` waits for the crisis owner.
            Examples:
              herald inbox reply m-1a2b3c4d5e --template thanks --as anna
              herald inbox reply m-1a2b3c4d5e --body "Hi Kasia, the oat milk is back on Monday!" --as anna
              herald inbox reply m-1a2b3c4d5e --body-file answer.txt --as anna
            """)

        @Argument(help: ArgumentHelp("The item's id.", valueName: "id")) var id: String
        @Option(help: ArgumentHelp("A reply template: thanks, answer, sorry_private or complaint_acknowledged.", valueName: "name"))
        var template: String?
        @Option(help: ArgumentHelp("The reply's text.", valueName: "text")) var body: String?
        @Option(name: .customLong("body-file"), help: ArgumentHelp("A UTF-8 file holding the reply's text.", valueName: "file"))
        var bodyFile: String?
        @Option(name: .customLong("as"), help: ArgumentHelp("Who answers (a participant's id or name).", valueName: "person"))
        var person: String
        @OptionGroup var location: LocationOptions
        @OptionGroup var clockOptions: ClockOptions

        func validate() throws {
            let given = [template, body, bodyFile].compactMap { $0 }.count
            if given != 1 { throw ValidationError("give exactly one of --template NAME, --body TEXT or --body-file FILE.") }
            if let body, body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw ValidationError("--body is empty; write the reply, or use --template NAME.")
            }
            try validatePersonName(person, option: "--as")
        }

        func run() async throws {
            try await withExitCodes {
                var text = body
                if let bodyFile {
                    guard let data = FileManager.default.contents(atPath: bodyFile) else {
                        throw CLIError("\(bodyFile): no such file (or it cannot be read).", exitCode: 66)
                    }
                    guard let s = String(data: data, encoding: .utf8) else { throw CLIError("\(bodyFile): the file is not UTF-8 text.", exitCode: 65) }
                    let trimmed = s.trimmingCharacters(in: .newlines)
                    if trimmed.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw CLIError("\(bodyFile): the file is empty; write the reply in it.", exitCode: 65) }
                    text = trimmed
                }
                let ws = try location.openWorkspace(printWarnings: false)
                let p = try participant(named: person, option: "--as", in: ws.strategy)
                let out = try ws.reply(to: id, template: template, body: text, replier: p, now: clockOptions.now)
                let r = out.reply
                if r.status == .awaitingApproval {
                    Console.out("Queued reply \(r.id) to \(r.item); it waits for approval by \(r.approvalNeeded ?? "another participant"): `herald inbox approve \(r.item) --as NAME`.")
                } else {
                    Console.out("Queued reply \(r.id) to \(r.item) on \(r.channel); the next `herald publish` or `herald run` sends it.")
                }
                Console.out("")
                Console.out(visible(r.body))
            }
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve the reply waiting on an item, so the next publishing pass sends it.",
            discussion: """
            Anyone but the person who wrote it approves a reply that waits under `inbox.reply_approval`; a reply to an \
            item on a crisis topic (`inbox.crisis_topics`) only the crisis owner (`crisis.owner`).
            Example: herald inbox approve m-1a2b3c4d5e --as tom
            """)

        @Argument(help: ArgumentHelp("The item's id.", valueName: "id")) var id: String
        @Option(name: .customLong("as"), help: ArgumentHelp("Who approves (a participant's id or name).", valueName: "person"))
        var person: String
        @OptionGroup var location: LocationOptions
        @OptionGroup var clockOptions: ClockOptions

        func validate() throws { try validatePersonName(person, option: "--as") }

        func run() async throws {
            try await withExitCodes {
                let ws = try location.openWorkspace(printWarnings: false)
                let p = try participant(named: person, option: "--as", in: ws.strategy)
                let r = try ws.approveReply(item: id, by: p, now: clockOptions.now)
                Console.out("Approved reply \(r.id) to \(r.item); the next `herald publish` or `herald run` sends it.")
            }
        }
    }
}
