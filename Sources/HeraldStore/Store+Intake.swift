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
