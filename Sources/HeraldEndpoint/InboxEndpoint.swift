import Foundation
import HeraldModel
import HeraldPublish
import HeraldStore
import HeraldWorkspace

/// An HTTP answer: the status and a JSON body.
public struct IntakeAnswer: Sendable, Equatable {
    public var status: Int
    public var body: Data

    public var text: String { String(decoding: body, as: UTF8.self) }

    static func json(_ status: Int, _ fields: [String: any Sendable]) -> IntakeAnswer {
        let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return IntakeAnswer(status: status, body: data + Data("\n".utf8))
    }

    static func error(_ status: Int, _ message: String) -> IntakeAnswer { json(status, ["error": message]) }
}

/// The inbox's intake: connectors `POST /inbox/<source>` one item, signed per Standard Webhooks with the source's
/// secret. What it answers does not depend on the HTTP server; `EndpointServer` serves it.
///
/// Checked in this order: the source is one the strategy names (else 404); the body is at most `maxBodyBytes` (413);
/// `webhook-id`, `webhook-timestamp` and `webhook-signature` are there (401); the timestamp is within `tolerance` of the
/// clock, either way (401); one of the signatures is the source's HMAC-SHA256 of "id.timestamp.body" (401); the body is
/// one JSON object (400); the item is valid, with the same messages as `herald inbox import` (400). Then it is sorted,
/// routed and stored, and only once the commit has returned is it answered 201 (stored) or 200 (a duplicate: the same
/// source and webhook id, or the same network item, was stored before; nothing changed).
public final class InboxEndpoint: Sendable {
    /// The largest body taken: 64 KiB (an item is a few hundred bytes; a long review a few thousand).
    public static let defaultMaxBodyBytes = 65_536
    /// How far `webhook-timestamp` may be from the clock, either way (Standard Webhooks' recommendation).
    public static let tolerance: TimeInterval = 300

    public let maxBodyBytes: Int
    /// The strategy's sources with their signers, by id.
    let signers: [String: WebhookSigner]
    let desk: IntakeDesk
    let workspace: Workspace
    let clock: @Sendable () -> Date
    /// The real time, for the signature's freshness (senders sign with their real clock even when `herald run --now`
    /// replays another time).
    let signatureClock: @Sendable () -> Date

    /// - Parameters:
    ///   - clock: the time items are received at (their deadlines count from when they were written).
    ///   - signatureClock: the time `webhook-timestamp` is checked against.
    ///   - environment: where each source's `secret_env` is read, once, here.
    public init(workspace: Workspace, environment: [String: String], clock: @escaping @Sendable () -> Date,
                signatureClock: @escaping @Sendable () -> Date, maxBodyBytes: Int = InboxEndpoint.defaultMaxBodyBytes) throws {
        var signers: [String: WebhookSigner] = [:]
        for source in workspace.strategy.sources {
            guard let secret = environment[source.secretEnv], !secret.isEmpty else {
                throw EndpointError.secret(source: source.id, variable: source.secretEnv, problem: "is not set")
            }
            guard let signer = WebhookSigner(secret: secret.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                throw EndpointError.secret(source: source.id, variable: source.secretEnv, problem: "is not whsec_ followed by the base64 of 24 to 64 bytes")
            }
            signers[source.id] = signer
        }
        self.signers = signers
        self.maxBodyBytes = maxBodyBytes
        self.signatureClock = signatureClock
        self.workspace = workspace
        self.clock = clock
        desk = try IntakeDesk(workspace: workspace, clock: clock)
    }

    /// The sources items may come from.
    public var sources: [String] { signers.keys.sorted() }

    /// Whether `source` is one of the strategy's: asked before the body is read.
    public func knows(source: String) -> Bool { signers[source] != nil }

    /// The checks every request passes before its body is read as anything: the source, the size, the three headers,
    /// the timestamp's freshness and the signature. Returns the refusal, or nil and the webhook id.
    func check(source: String, webhookID: String?, timestamp: String?, signature: String?, body: Data) -> (IntakeAnswer?, String) {
        guard let signer = signers[source] else { return (unknownSource(source), "") }
        guard body.count <= maxBodyBytes else { return (tooLarge(), "") }
        let missing = [("webhook-id", webhookID), ("webhook-timestamp", timestamp), ("webhook-signature", signature)]
            .filter { ($0.1 ?? "").trimmingCharacters(in: .whitespaces).isEmpty }.map(\.0)
        if !missing.isEmpty {
            return (.error(401, "unsigned: no \(missing.joined(separator: ", ")) header\(missing.count == 1 ? "" : "s"). Sign each request per Standard Webhooks with the source's whsec_ secret. Nothing was stored."), "")
        }
        let id = webhookID!.trimmingCharacters(in: .whitespaces)
        guard let ts = Int(timestamp!.trimmingCharacters(in: .whitespaces)) else {
            return (.error(401, "webhook-timestamp '\(timestamp!)' is not whole seconds since 1970. Nothing was stored."), "")
        }
        let now = signatureClock()
        let skew = now.timeIntervalSince1970 - TimeInterval(ts)
        if abs(skew) > Self.tolerance {
            let when = Date(timeIntervalSince1970: TimeInterval(ts)).isoUTC
            let how = skew > 0 ? "\(Int(skew)) s old (stale)" : "\(Int(-skew)) s in the future"
            return (.error(401, "webhook-timestamp \(ts) (\(when)) is \(how); it must be within \(Int(Self.tolerance)) s of this server's clock (\(now.isoUTC)). Check the sender's clock; a retry must be signed anew. Nothing was stored."), "")
        }
        guard signer.verify(id: id, timestamp: ts, body: body, header: signature!) else {
            return (.error(401, "wrong signature: no v1 signature in webhook-signature matches this body signed with source '\(source)''s secret. Nothing was stored."), "")
        }
        return (nil, id)
    }

    public func unknownSource(_ source: String) -> IntakeAnswer {
        let known = sources
        return .error(404, "no source '\(source)' in the strategy's `sources:`"
            + (known.isEmpty ? "; the strategy names none, so nothing can be posted here." : ". Post to /inbox/<source> with one of: \(known.joined(separator: ", ")).")
            + " Nothing was stored.")
    }

    public func tooLarge() -> IntakeAnswer {
        .error(413, "the body is larger than \(maxBodyBytes) bytes; send one item per request (an item's text is rarely over a few thousand bytes). Nothing was stored.")
    }

    /// Checks, and stores, one signed item.
    public func receive(source: String, webhookID: String?, timestamp: String?, signature: String?, body: Data) async -> IntakeAnswer {
        let (refused, signedID) = check(source: source, webhookID: webhookID, timestamp: timestamp, signature: signature, body: body)
        if let refused { return refused }
        let id = signedID
        guard let first = body.first(where: { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D) }) else {
            return .error(400, "empty body; send one item as a JSON object. Nothing was stored.")
        }
        guard first == UInt8(ascii: "{") else {
            return .error(400, first == UInt8(ascii: "[") ? "one item per request: send a JSON object ({…}), not an array. Nothing was stored."
                : "expected one item as a JSON object ({…}). Nothing was stored.")
        }
        let (parsed, why) = InboxDraft.fromJSON(body)
        guard let draft = parsed else { return .error(400, "\(why ?? "unreadable"). Nothing was stored.") }
        switch await desk.take(draft, source: source, webhookID: id) {
        case .stored(let itemID, let owner):
            var fields: [String: any Sendable] = ["status": "stored", "id": itemID]
            if let owner { fields["owner"] = owner }
            return .json(201, fields)
        case .duplicate(let itemID):
            return .json(200, ["status": "duplicate", "id": itemID, "note": "already stored (the same webhook-id from this source, or the same network item); nothing changed."])
        case .invalid(let problems):
            let list = problems.map { ["field": $0.field, "message": $0.message] }
            let summary = problems.map { "\($0.field): \($0.message)" }.joined(separator: " ")
            return .json(400, ["error": "the item has \(problems.count) problem\(problems.count == 1 ? "" : "s"); nothing was stored. \(summary)", "problems": list])
        case .failed(let e):
            let status = e.exitCode == 75 ? 503 : 500
            return .error(status, "could not store the item: \(e.description) Nothing was stored; send it again.")
        }
    }

    /// `post.metrics`: one snapshot of what a published post achieved, as a connector reads it from a network, checked
    /// and stored exactly as a row of `herald results import` in the generic layout (the body's keys are its columns:
    /// `post_id`, `delivery_id`, `network_id` or `url`; `network`; `captured_at`, else the time it arrives; the counters).
    /// 201 when stored, 200 when the same snapshot was stored before, 404 when it names no Herald post, 400 with every
    /// problem otherwise; answered once the commit has returned.
    public func receiveMetrics(source: String, webhookID: String?, timestamp: String?, signature: String?, body: Data) async -> IntakeAnswer {
        let (refused, _) = check(source: source, webhookID: webhookID, timestamp: timestamp, signature: signature, body: body)
        if let refused { return refused }
        guard let object = try? JSONDecoder().decode([String: MetricsCell].self, from: body) else {
            return .error(400, "expected one post.metrics event as a JSON object of numbers, texts and nulls ({\"type\": \"post.metrics\", \"post_id\": …, \"reach\": …}). Nothing was stored.")
        }
        if let type = object["type"], type != .text("post.metrics") {
            return .error(400, "type \(type.cell) is not post.metrics; results are posted to /results/<source> as post.metrics events. Nothing was stored.")
        }
        var header: [String] = [], row: [String] = []
        for (key, value) in object.sorted(by: { $0.key < $1.key }) where key != "type" {
            if case .flag = value { return .error(400, "\(key): expected a number, a text or null, not true or false. Nothing was stored.") }
            header.append(key)
            row.append(key == "revenue" ? value.amount : value.cell)
        }
        if !header.contains("captured_at") && !header.contains("date") { header.append("captured_at"); row.append(clock().isoUTC) }
        let csv = [header, row].map { $0.map(Self.csvField).joined(separator: ",") }.joined(separator: "\n") + "\n"
        let workspace = workspace, now = clock()
        let outcome: Result<ResultsImport, any Error> = await withCheckedContinuation { done in
            DispatchQueue.global().async {
                done.resume(returning: Result { try workspace.importResults(CSVSource(text: csv), file: "post.metrics", layout: .generic, capturedAt: nil, now: now,
                                                                      origin: "endpoint:\(source)") })
            }
        }
        switch outcome {
        case .success(let r):
            return r.inserted > 0 ? .json(201, ["status": "stored", "snapshots": r.inserted])
                : .json(200, ["status": "duplicate", "note": "this snapshot (the same post, network and time, with the same counts) was stored before; nothing changed."])
        case .failure(ImportError.invalid(_, let problems, _, _)):
            let unmatched = problems.contains { $0.message.hasPrefix("no row names a Herald post") }
            let list = problems.filter { !$0.message.hasPrefix("no row names a Herald post") }.map { ["field": $0.column, "message": $0.message] }
            let summary = list.map { "\($0["field"] ?? ""): \($0["message"] ?? "")" }.joined(separator: " ")
            return .json(unmatched ? 404 : 400, ["error": (unmatched ? "no Herald post matches this event; nothing was stored. " : "the event has \(list.count) problem\(list.count == 1 ? "" : "s"); nothing was stored. ") + summary,
                                                 "problems": list])
        case .failure(let e as StoreError):
            return .error(e.exitCode == 75 ? 503 : 500, "could not store the snapshot: \(e.description) Nothing was stored; send it again.")
        case .failure(let e):
            return .error(400, "\(e). Nothing was stored.")
        }
    }

    static func csvField(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}

/// A value of a `post.metrics` event, as the results file's cell it becomes.
enum MetricsCell: Decodable, Equatable {
    case null, flag(Bool), whole(Int64), number(Double), text(String)

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .flag(b) }
        else if let n = try? c.decode(Int64.self) { self = .whole(n) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else { self = .text(try c.decode(String.self)) }
    }

    /// The cell's text: empty for null ("not reported"), as written otherwise.
    var cell: String {
        switch self {
        case .null: ""
        case .flag(let b): String(b)
        case .whole(let n): String(n)
        case .number(let d): String(d)
        case .text(let t): t
        }
    }

    /// An amount, which the generic layout writes with a point (12.50): a whole number gets ".0".
    var amount: String { if case .whole(let n) = self { "\(n).0" } else { cell } }
}
