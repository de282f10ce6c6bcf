import Foundation
import HeraldModel
import HeraldStore
import HeraldTestSupport
import Testing

/// `POST /results/<source>`: connectors send what a published post achieved as signed `post.metrics` events, checked
/// and stored like a row of `herald results import`.
@Suite struct MetricsEndpointTests {
    /// An endpoint at 2027-02-15 over the example's planned quarter, with one post published on 2027-01-04 or later.
    static func served() async throws -> (ServedEndpoint, published: String, planned: String) {
        let served = try await ServedEndpoint(now: Date(iso: "2027-02-15T12:00:00Z"))
        let plan = try herald(["plan", "2027-Q1", "--now", "2026-12-01T00:00:00Z"], directory: served.dir.path)
        guard plan.status == 0 else { throw TestPostgresError("plan: \(plan.stderr)") }
        let posts = try served.workspace.store.posts(PostQuery(from: Date(iso: "2027-01-04T00:00:00Z")!, to: Date(iso: "2027-02-01T00:00:00Z")!))
        guard posts.count >= 2 else { throw TestPostgresError("too few posts") }
        let mark = try herald(["post", "published", posts[0].id, "--now", "2027-02-15T12:00:00Z"], directory: served.dir.path)
        guard mark.status == 0 else { throw TestPostgresError("post published: \(mark.stderr)") }
        return (served, posts[0].id, posts[1].id)
    }

    @Test func aSnapshotIsStoredOnceAndARepeatChangesNothing() async throws {
        let (served, post, _) = try await Self.served()
        let event = #"{"type": "post.metrics", "post_id": "\#(post)", "captured_at": "2027-02-14T09:00:00Z", "reach": 900, "impressions": 1200, "revenue": 12, "saves": null}"#
        let first = try await served.post(event, kind: "results")
        #expect(first.status == 201, "\(first.body)")
        #expect(first.json["status"] as? String == "stored")
        let again = try await served.post(event, kind: "results")
        #expect(again.status == 200, "\(again.body)")
        #expect(again.json["status"] as? String == "duplicate")
        let stored = try served.workspace.store.resultSnapshots(post: post)
        #expect(stored.count == 1)
        #expect(stored.first?.counts[.reach] == 900 && stored.first?.counts[.impressions] == 1200)
        #expect(stored.first?.counts[.revenue] == 12 && stored.first?.counts[.saves] == nil)
        #expect(stored.first?.source == "endpoint:social-listening")
        // Without captured_at, the snapshot is of the time it arrives.
        let now = try await served.post(#"{"post_id": "\#(post)", "reach": 950}"#, kind: "results")
        #expect(now.status == 201, "\(now.body)")
        #expect(try served.workspace.store.resultSnapshots(post: post).map(\.capturedAt).contains(Date(iso: "2027-02-15T12:00:00Z")!))
    }

    @Test(arguments: [
        (#"{"type": "post.metrics", "post_id": "p-00000000", "reach": 5}"#, 404, "no Herald post matches"),
        (#"{"type": "post.metrics", "post_id": "PUBLISHED", "reach": -5}"#, 400, "reach"),
        (#"{"type": "post.metrics", "post_id": "PLANNED", "reach": 5}"#, 400, "not published"),
        (#"{"type": "post.metrics", "post_id": "PUBLISHED", "reach": true}"#, 400, "not true or false"),
        (#"{"type": "inbox.item", "post_id": "PUBLISHED", "reach": 5}"#, 400, "is not post.metrics"),
        (#"[{"post_id": "PUBLISHED", "reach": 5}]"#, 400, "JSON object"),
        (#"{"type": "post.metrics", "post_id": "PUBLISHED", "reach": 5, "likes": 3}"#, 400, "unknown column 'likes'"),
    ])
    func badEventsAreRefusedWithTheReasonAndNothingStored(body: String, status: Int, message: String) async throws {
        let (served, post, planned) = try await Self.served()
        let event = body.replacingOccurrences(of: "PUBLISHED", with: post).replacingOccurrences(of: "PLANNED", with: planned)
        let answer = try await served.post(event, kind: "results")
        #expect(answer.status == status, "\(answer.body)")
        #expect(answer.body.contains(message), "\(answer.body)")
        #expect(answer.body.contains("nothing was stored") || answer.body.contains("Nothing was stored"), "\(answer.body)")
        #expect(try served.workspace.store.resultSnapshotCount() == 0)
    }

    @Test func anUnsignedOrWronglySignedEventIsRefused() async throws {
        let (served, post, _) = try await Self.served()
        let event = #"{"post_id": "\#(post)", "reach": 5}"#
        let unsigned = try await Wire.post(port: served.port, path: "/results/social-listening", headers: [:], body: Data(event.utf8))
        #expect(unsigned.status == 401)
        let wrong = try await served.post(event, secret: Secrets.reviews, kind: "results")
        #expect(wrong.status == 401)
        let unknown = try await served.post(event, source: "nobody", kind: "results")
        #expect(unknown.status == 404)
        #expect(try served.workspace.store.resultSnapshotCount() == 0)
    }
}
