import Foundation
import HeraldEndpoint
import HeraldModel
import HeraldResources
import HeraldPublish
import HeraldStore
import HeraldStrategy
import HeraldTestSupport
import HeraldWorkspace
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// A secret for each test source.
enum Secrets {
    static let social = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    static let reviews = "whsec_" + Data((0..<32).map { UInt8($0 * 7 % 251) }).base64EncodedString()
    static let environment = ["HERALD_SOURCE_SECRET": social, "HERALD_REVIEWS_SECRET": reviews]
}

/// The example strategy with a second source, `reviews`.
var endpointStrategy: String {
    exampleStrategy.replacingOccurrences(of: "    secret_env: HERALD_SOURCE_SECRET\n",
                                         with: "    secret_env: HERALD_SOURCE_SECRET\n  - id: reviews\n    secret_env: HERALD_REVIEWS_SECRET\n")
}

/// One answer read off the wire.
struct WireAnswer: Sendable {
    var status: Int
    var body: String
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]) ?? [:] }
}

/// A plain HTTP/1.1 client on a socket (one request per connection, `Connection: close`): what a connector sends,
/// byte for byte. The `async` calls do the blocking socket work on a thread of their own, so tests never hold the
/// threads the in-process server needs to answer.
enum Wire {
    static func send(port: Int, _ request: Data) async throws -> WireAnswer {
        try await withCheckedThrowingContinuation { c in
            Thread.detachNewThread { c.resume(with: Result { try sendBlocking(port: port, request) }) }
        }
    }

    static func post(port: Int, path: String, headers: [String: String], body: Data) async throws -> WireAnswer {
        try await send(port: port, request(path: path, headers: headers, body: body))
    }

    static func signed(port: Int, source: String, secret: String, id: String, timestamp: Int, body: Data, kind: String = "inbox") async throws -> WireAnswer {
        try await send(port: port, signedRequest(source: source, secret: secret, id: id, timestamp: timestamp, body: body, kind: kind))
    }

    static func get(port: Int, path: String) async throws -> WireAnswer {
        try await send(port: port, Data("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8))
    }

    static func sendBlocking(port: Int, _ request: Data) throws -> WireAnswer {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let c = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard c == 0 else { throw POSIXError(.ECONNREFUSED) }
        _ = POSIXIO.writeAll(fd, request)
        shutdown(fd, Int32(SHUT_WR))
        let raw = String(decoding: POSIXIO.readAll(fd), as: UTF8.self)
        guard let statusLine = raw.split(separator: "\r\n").first, statusLine.split(separator: " ").count >= 2,
              let status = Int(statusLine.split(separator: " ")[1]) else { throw POSIXError(.EBADMSG) }
        let body = raw.range(of: "\r\n\r\n").map { String(raw[$0.upperBound...]) } ?? ""
        return WireAnswer(status: status, body: body)
    }

    /// A POST with the given headers and body.
    static func request(path: String, headers: [String: String], body: Data) -> Data {
        var head = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n"
        for (k, v) in headers.sorted(by: { $0.key < $1.key }) { head += "\(k): \(v)\r\n" }
        return Data((head + "\r\n").utf8) + body
    }

    /// A POST signed per Standard Webhooks with `secret`, at `timestamp`.
    static func signedRequest(source: String, secret: String, id: String, timestamp: Int, body: Data, kind: String = "inbox") -> Data {
        let signature = WebhookSigner(secret: secret)!.signature(id: id, timestamp: timestamp, body: body)
        return request(path: "/\(kind)/\(source)", headers: ["webhook-id": id, "webhook-timestamp": "\(timestamp)", "webhook-signature": signature], body: body)
    }
}

/// A clock a test sets.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Date
    init(_ start: Date) { value = start }
    var now: Date { lock.withLock { value } }
    func set(_ d: Date) { lock.withLock { value = d } }
}

/// An endpoint served in-process on 127.0.0.1 (a free port), over a fresh workspace with the example strategy.
final class ServedEndpoint: @unchecked Sendable {
    let dir = TemporaryDirectory("herald-endpoint")
    let workspace: Workspace
    let clock: TestClock
    let port: Int
    private let task: Task<Void, any Error>

    /// The clock starts at the real time once the server listens (a sender's timestamps are real: when the whole suite
    /// runs on a busy machine, the server's task may start minutes after this began); items are received at it too.
    /// - Parameter now: where the clock starts instead.
    init(maxBodyBytes: Int = InboxEndpoint.defaultMaxBodyBytes, now: Date? = nil) async throws {
        dir.write("strategy.yaml", endpointStrategy)
        let locator = ResourceLocator(baseDirectory: dir.path)
        let loaded = try StrategyLoader.load(file: dir.file("strategy.yaml"), fileExists: locator.exists)
        let store = try Store(path: dir.file("herald.sqlite"))
        workspace = Workspace(loaded: loaded, store: store)
        let clock = TestClock(now ?? Date())
        self.clock = clock
        let endpoint = try InboxEndpoint(workspace: workspace, environment: Secrets.environment, clock: { clock.now },
                                         signatureClock: { clock.now }, maxBodyBytes: maxBodyBytes)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "endpoint-test")
        logger.logLevel = .error
        let server = EndpointServer(endpoint: endpoint, address: ListenAddress(host: "127.0.0.1", port: 0), logger: logger) { _, port in
            continuation.yield(port)
            continuation.finish()
        }
        task = Task { try await server.run() }
        var found: Int?
        for await p in ports { found = p }
        guard let found else { throw POSIXError(.EADDRNOTAVAIL) }
        port = found
        if now == nil { clock.set(Date()) }
    }

    var timestamp: Int { Int(clock.now.timeIntervalSince1970) }

    func post(_ body: String, source: String = "social-listening", secret: String = Secrets.social, id: String = "msg_" + UUID().uuidString,
              timestamp: Int? = nil, kind: String = "inbox") async throws -> WireAnswer {
        try await Wire.signed(port: port, source: source, secret: secret, id: id, timestamp: timestamp ?? self.timestamp, body: Data(body.utf8), kind: kind)
    }

    var count: Int { (try? workspace.store.inboxItemCount()) ?? -1 }

    deinit { task.cancel() }
}

/// An item as JSON, with the fields a test changes.
func item(id: String = "ig-\(UUID().uuidString.prefix(8))", text: String = "Do you have oat milk?", network: String = "instagram",
          extra: String = "", createdAt: Date = Date().addingTimeInterval(-60)) -> String {
    let textJSON = String(decoding: try! JSONSerialization.data(withJSONObject: [text], options: [.fragmentsAllowed]), as: UTF8.self).dropFirst().dropLast()
    return #"{"network":"\#(network)","kind":"comment","id":"\#(id)","author":{"handle":"@kasia","followers":120},"text":\#(textJSON),"created_at":"\#(createdAt.isoUTC)"\#(extra)}"#
}
