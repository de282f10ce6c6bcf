import Foundation
import GRDB
import HeraldModel

extension Store {
    /// The stored item a new one repeats: the same id, the same network item, or the same source and webhook id (what
    /// the inbox's unique keys say is a duplicate). For the endpoint's answer to a repeat: it names the item kept.
    public func existingInboxItemID(id: String, network: Network, networkItemID: String?, source: String,
                                    webhookID: String?) throws(StoreError) -> String? {
        try read { db in
            try Store.existingInboxItemID(db, id: id, network: network, networkItemID: networkItemID, source: source, webhookID: webhookID)
        }
    }

    /// The same for async code (GRDB's async access; see `Store.read`).
    public func existingInboxItemID(id: String, network: Network, networkItemID: String?, source: String,
                                    webhookID: String?) async throws(StoreError) -> String? {
        try await read { db in
            try Store.existingInboxItemID(db, id: id, network: network, networkItemID: networkItemID, source: source, webhookID: webhookID)
        }
    }

    static func existingInboxItemID(_ db: Database, id: String, network: Network, networkItemID: String?, source: String,
                                    webhookID: String?) throws -> String? {
        if try String.fetchOne(db, sql: "SELECT id FROM inbox_item WHERE id = ?", arguments: [id]) != nil { return id }
        if let networkItemID, let found = try String.fetchOne(db, sql: "SELECT id FROM inbox_item WHERE network = ? AND network_item_id = ?",
                                                             arguments: [network.rawValue, networkItemID]) {
            return found
        }
        if let webhookID {
            return try String.fetchOne(db, sql: "SELECT id FROM inbox_item WHERE source = ? AND webhook_id = ?", arguments: [source, webhookID])
        }
        return nil
    }

    /// How many inbox items are stored (all statuses): for the endpoint's tests and benchmarks.
    public func inboxItemCount() throws(StoreError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inbox_item") ?? 0 }
    }
}

/// Stores the items of one `herald inbox import` one at a time inside the import's single write transaction: one
/// prepared statement, bound straight through SQLite's C interface (no record encoding per item). What the inbox's
/// unique keys say is a duplicate is left as it was, as `storeInbox` does. Made by `Store.importInbox`.
public final class InboxInserter {
    let db: Database
    let insert: Statement
    let stamp: Int64
    /// The brand's own replies stored, applied to the items they answer when every item is in (`finish`).
    var ownReplies: [InboxItem] = []
    /// Items stored, and items that were there already.
    public private(set) var stored = 0
    public private(set) var duplicates = 0
    /// Stored items without an owner (own replies included, as before).
    public private(set) var storedWithoutOwner = 0

    static let insertSQL = """
        INSERT OR IGNORE INTO inbox_item (id, source, webhook_id, network, channel, kind, network_item_id, author_handle,
          author_name, author_followers, text, url, created_at, received_at, in_reply_to, location, labels, owner, deadline,
          status, close_reason, note, updated_at, first_reply_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    init(_ db: Database, at now: Date) throws {
        self.db = db
        insert = try db.makeStatement(sql: Self.insertSQL)
        stamp = Int64(now.timeIntervalSince1970)
    }

    /// Stores one item; false when it is a duplicate (left as it was). `labels`: its labels as `InboxLabelsJSON` writes
    /// them, when made already (an import makes them on its checking threads).
    @discardableResult
    public func add(_ i: InboxItem, webhookID: String? = nil, labels: String? = nil) throws -> Bool {
        var b = BulkBinder(insert)
        b.text(i.id); b.text(i.source); b.text(webhookID); b.text(i.network.rawValue); b.text(i.channel)
        b.text(i.kind.rawValue); b.text(i.networkItemID); b.text(i.authorHandle); b.text(i.authorName)
        b.int(i.authorFollowers.map(Int64.init)); b.blob(i.text); b.text(i.url)
        b.int(Int64(i.createdAt.timeIntervalSince1970)); b.int(Int64(i.receivedAt.timeIntervalSince1970))
        b.text(i.inReplyTo); b.text(i.location); b.text(labels ?? InboxLabelsJSON.encode(i.labels)); b.text(i.owner)
        b.int(i.deadline.map { Int64($0.timeIntervalSince1970) }); b.text(i.status.rawValue); b.text(i.closeReason?.rawValue)
        b.text(i.note); b.int(stamp); b.int(i.firstReplyAt.map { Int64($0.timeIntervalSince1970) })
        try b.finish()
        try insert.execute()
        guard db.changesCount > 0 else { duplicates += 1; return false }
        stored += 1
        if i.owner == nil { storedWithoutOwner += 1 }
        if i.isOwnReply { ownReplies.append(i) }
        return true
    }

    /// The brand's own replies (after every item is in, whatever their order): each marks the item it answers answered.
    func finish(at now: Date) throws {
        for item in ownReplies {
            guard let target = item.inReplyTo else { continue }
            try Store.answeredByOwnReply(db, network: item.network, networkItemID: target, reply: item, at: now)
        }
        ownReplies = []
    }
}

extension Store {
    /// Runs a whole import in one write transaction: `body` adds items through the inserter as it reads them; when it
    /// throws, nothing is stored (the transaction is rolled back) and its error is rethrown as it is. Database errors
    /// come out as `StoreError`.
    public func importInbox<T>(at now: Date, _ body: (InboxInserter) throws -> T) throws -> T {
        do {
            return try pool.write { db in
                let inserter = try InboxInserter(db, at: now)
                let result = try body(inserter)
                try inserter.finish(at: now)
                return result
            }
        } catch let e as DatabaseError {
            throw Store.map(e, path: path)
        }
    }
}

/// `InboxLabels` as the inbox keeps them: the bytes `JSONEncoder` with sorted keys writes (a test compares both), made
/// without the encoder, which cost more than storing the row.
public enum InboxLabelsJSON {
    public static func encode(_ l: InboxLabels) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        out.append(UInt8(ascii: "{"))
        var first = true
        func key(_ k: StaticString) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: UnsafeBufferPointer(start: k.utf8Start, count: k.utf8CodeUnitCount))
            out.append(UInt8(ascii: "\""))
            out.append(UInt8(ascii: ":"))
        }
        // Keys in the order the encoder sorts them: corrected, intent, language, reasons, sentiment, spam, topic.
        key("corrected")
        out.append(UInt8(ascii: "["))
        for (n, c) in l.corrected.enumerated() {
            if n > 0 { out.append(UInt8(ascii: ",")) }
            string(c, into: &out)
        }
        out.append(UInt8(ascii: "]"))
        if let i = l.intent { key("intent"); string(i.rawValue, into: &out) }
        if let x = l.language { key("language"); string(x, into: &out) }
        key("reasons")
        out.append(UInt8(ascii: "{"))
        for (n, k) in l.reasons.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
            if n > 0 { out.append(UInt8(ascii: ",")) }
            string(k, into: &out)
            out.append(UInt8(ascii: ":"))
            string(l.reasons[k]!, into: &out)
        }
        out.append(UInt8(ascii: "}"))
        if let s = l.sentiment { key("sentiment"); string(s.rawValue, into: &out) }
        key("spam")
        out.append(contentsOf: l.spam ? Array("true".utf8) : Array("false".utf8))
        if let t = l.topic { key("topic"); string(t, into: &out) }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    private static let hex = Array("0123456789abcdef".utf8)

    /// A JSON string as the encoder writes it: `"` `\` `/` escaped, control characters as \b \f \n \r \t or \u00XX.
    static func string(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\\")); out.append(b)
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(b)
            case UInt8(ascii: "/"): out.append(UInt8(ascii: "\\")); out.append(b)
            case 0x08: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "b"))
            case 0x0C: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "f"))
            case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
            case 0..<0x20:
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(b >> 4)], hex[Int(b & 15)]])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
