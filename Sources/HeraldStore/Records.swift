import Foundation
import GRDB
import HeraldModel

/// A row of `post`.
struct PostRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "post"

    var id: String
    var channel: String
    var network: String
    var kind: String
    var step: String?
    var campaign: String?
    var goal: String?
    var owner: String?
    var scheduled_at: Int64
    var status: String
    var body: String?
    var topic: String?
    var variant: Int
    var locked: Bool
    var source: String
    var link: String?
    var media: String
    var crisis: String?
    var revision: Int
    var template: String?
    var approved_by: String?
    var approved_at: Int64?
    var created_at: Int64
    var updated_at: Int64

    enum Columns {
        static let id = Column("id")
        static let channel = Column("channel")
        static let kind = Column("kind")
        static let owner = Column("owner")
        static let scheduledAt = Column("scheduled_at")
        static let status = Column("status")
        static let locked = Column("locked")
    }

    init(_ post: Post, now: Date, revision: Int = 1) {
        id = post.id; channel = post.channel; network = post.network.rawValue; kind = post.kind.rawValue
        step = post.step?.rawValue; campaign = post.campaign; goal = post.goal; owner = post.owner
        scheduled_at = Int64(post.scheduledAt.timeIntervalSince1970); status = post.status.rawValue
        body = post.body; topic = post.topic; variant = post.variant; locked = post.locked; source = post.source.rawValue
        link = post.link; media = Self.encode(post.media); crisis = post.crisis; self.revision = revision
        template = post.template; approved_by = post.approvedBy
        approved_at = post.approvedAt.map { Int64($0.timeIntervalSince1970) }
        created_at = Int64(now.timeIntervalSince1970); updated_at = created_at
    }

    /// Reads a row column by column: several times faster than the Codable path, which matters on large exports.
    init(row: Row) throws {
        id = row["id"]; channel = row["channel"]; network = row["network"]; kind = row["kind"]; step = row["step"]
        campaign = row["campaign"]; goal = row["goal"]; owner = row["owner"]; scheduled_at = row["scheduled_at"]
        status = row["status"]; body = row["body"]; topic = row["topic"]; variant = row["variant"]; locked = row["locked"]
        source = row["source"]; link = row["link"]; media = row["media"]; crisis = row["crisis"]; revision = row["revision"]
        template = row["template"]; approved_by = row["approved_by"]; approved_at = row["approved_at"]
        created_at = row["created_at"]; updated_at = row["updated_at"]
    }

    /// The columns `init(ordered:)` reads, in its order.
    static let orderedColumns = """
        id, channel, network, kind, step, campaign, goal, owner, scheduled_at, status, body, topic, variant, locked, source, link, \
        media, crisis, revision, template, approved_by, approved_at, created_at, updated_at
        """

    /// Reads a row selected with `orderedColumns`, by position (no column-name lookups: the publisher reads every
    /// claimed post this way).
    init(ordered row: Row) {
        id = row[0]; channel = row[1]; network = row[2]; kind = row[3]; step = row[4]; campaign = row[5]; goal = row[6]
        owner = row[7]; scheduled_at = row[8]; status = row[9]; body = row[10]; topic = row[11]; variant = row[12]
        locked = row[13]; source = row[14]; link = row[15]; media = row[16]; crisis = row[17]; revision = row[18]
        template = row[19]; approved_by = row[20]; approved_at = row[21]; created_at = row[22]; updated_at = row[23]
    }

    static func encode(_ list: [String]) -> String {
        // Most posts have no media: skip building a JSONEncoder for them.
        guard !list.isEmpty else { return "[]" }
        return (try? String(decoding: JSONEncoder().encode(list), as: UTF8.self)) ?? "[]"
    }

    var post: Post {
        Post(id: id, channel: channel, network: Network(rawValue: network) ?? .blog,
             kind: ContentKind(rawValue: kind) ?? .informational, step: step.flatMap(CampaignStep.init(rawValue:)),
             campaign: campaign, goal: goal, owner: owner,
             scheduledAt: Date(timeIntervalSince1970: TimeInterval(scheduled_at)),
             status: PostStatus(rawValue: status) ?? .planned, body: body, topic: topic, variant: variant,
             locked: locked, source: PostSource(rawValue: source) ?? .manual, link: link,
             media: media == "[]" ? [] : (try? JSONDecoder().decode([String].self, from: Data(media.utf8))) ?? [], crisis: crisis,
             template: template, approvedBy: approved_by,
             approvedAt: approved_at.map { Date(timeIntervalSince1970: TimeInterval($0)) })
    }
}

/// A row of `strategy_snapshot`.
struct SnapshotRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "strategy_snapshot"
    var id: Int64?
    var imported_at: Int64
    var file: String
    var content_hash: String
    var brand: String
    var yaml: String

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A row of `share_task`.
struct ShareTaskRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "share_task"
    var id: String
    var post_id: String
    var participant: String
    var network: String
    var due_at: Int64
    var done: Bool

    init(_ t: ShareTask) {
        id = t.id; post_id = t.post; participant = t.participant; network = t.network.rawValue
        due_at = Int64(t.due.timeIntervalSince1970); done = t.done
    }

    var task: ShareTask {
        ShareTask(id: id, post: post_id, participant: participant, network: Network(rawValue: network) ?? .blog,
                  due: Date(timeIntervalSince1970: TimeInterval(due_at)), done: done)
    }
}
