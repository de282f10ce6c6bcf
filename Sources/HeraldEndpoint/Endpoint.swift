import Foundation
import Synchronization
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// Serves an `InboxEndpoint` over HTTP/1.1 with Hummingbird: `POST /inbox/<source>`, `POST /results/<source>` and
/// `GET /health`. A service for
/// a `ServiceGroup`: on graceful shutdown (SIGTERM, SIGINT) it stops accepting connections and lets the requests in
/// flight finish — each of them answered after its commit, as always.
public struct EndpointServer: Service {
    public let endpoint: InboxEndpoint
    public let address: ListenAddress
    let logger: Logger
    let onListening: @Sendable (_ host: String, _ port: Int) -> Void

    /// - Parameter onListening: called once the socket is bound, with the address and the real port (`port 0` picks one).
    public init(endpoint: InboxEndpoint, address: ListenAddress, logger: Logger,
                onListening: @escaping @Sendable (_ host: String, _ port: Int) -> Void) {
        self.endpoint = endpoint
        self.address = address
        self.logger = logger
        self.onListening = onListening
    }

    public func run() async throws {
        let endpoint = endpoint
        let router = Router()
        router.get("/health") { _, _ -> Response in
            Self.response(.json(200, ["status": "ok", "sources": endpoint.sources]))
        }
        router.post("/inbox/:source") { request, context -> Response in
            try await Self.signed(request, context, endpoint) { source, headers, body in
                await endpoint.receive(source: source, webhookID: headers["webhook-id"], timestamp: headers["webhook-timestamp"],
                                       signature: headers["webhook-signature"], body: body)
            }
        }
        router.post("/results/:source") { request, context -> Response in
            try await Self.signed(request, context, endpoint) { source, headers, body in
                await endpoint.receiveMetrics(source: source, webhookID: headers["webhook-id"], timestamp: headers["webhook-timestamp"],
                                              signature: headers["webhook-signature"], body: body)
            }
        }
        let started = Started()
        let onListening = onListening
        let requested = address
        let app = Application(router: router,
                              configuration: .init(address: .hostname(address.host, port: address.port), serverName: "herald"),
                              onServerRunning: { channel in
                                  started.set()
                                  onListening(requested.host, channel.localAddress?.port ?? requested.port)
                              },
                              logger: logger)
        do {
            try await app.run()
        } catch {
            // Before the socket was bound: the address is the problem (port taken, host not this machine's, no permission).
            if !started.value { throw EndpointError.cannotListen(address: address.description, reason: Self.reason(error)) }
            throw error
        }
    }

    /// A POST to `/<kind>/:source`: the source known, the signing headers, the body within its size; then `receive`.
    static func signed(_ request: Request, _ context: BasicRequestContext, _ endpoint: InboxEndpoint,
                       _ receive: (String, [String: String], Data) async -> IntakeAnswer) async throws -> Response {
        let source = context.parameters.get("source") ?? ""
        guard endpoint.knows(source: source) else { return response(endpoint.unknownSource(source)) }
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            if name == "webhook-id" || name == "webhook-timestamp" || name == "webhook-signature" || name == "content-length" {
                headers[name] = headers[name].map { $0 + " " + field.value } ?? field.value
            }
        }
        if let length = headers["content-length"].flatMap({ Int($0) }), length > endpoint.maxBodyBytes {
            return response(endpoint.tooLarge())
        }
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: endpoint.maxBodyBytes) } catch is NIOTooManyBytesError {
            return response(endpoint.tooLarge())
        }
        return response(await receive(source, headers, Data(buffer.readableBytesView)))
    }

    static func response(_ answer: IntakeAnswer) -> Response {
        Response(status: .init(code: answer.status), headers: [.contentType: "application/json; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
    }

    static func reason(_ error: any Error) -> String {
        if let io = error as? IOError {
            switch io.errnoCode {
            case EADDRINUSE: return "the port is already in use (by another program, or another herald run); pick another port, or stop that one"
            case EADDRNOTAVAIL: return "that address is not one of this machine's"
            case EACCES: return "no permission (ports below 1024 need root)"
            default: return io.description
            }
        }
        let text = "\(error)"
        if text.contains("NXDOMAIN") || text.contains("resolve") || text.contains("getaddrinfo") || text.contains("SocketAddressError") {
            return "the host name cannot be found (\(text))"
        }
        return text
    }
}

/// Whether the server got as far as listening.
private final class Started: Sendable {
    private let flag = Mutex(false)
    func set() { flag.withLock { $0 = true } }
    var value: Bool { flag.withLock { $0 } }
}
