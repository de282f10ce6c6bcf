import Foundation
@testable import HeraldPublish
import HeraldTestSupport
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Testing

/// A TCP receiver on 127.0.0.1 (or ::1) that answers with scripted raw bytes (Tests/HeraldPublishTests/raw_receiver.py),
/// over TLS when given a certificate: what real receivers may send that a friendly one never does.
final class RawReceiver: @unchecked Sendable {
    let process = Process()
    let log: String
    let port: Int

    struct Request {
        var n: Int
        var connection: Int
        var head: String
        var body: String
    }

    init(_ dir: TemporaryDirectory, _ script: [[String: Any]], tls: TestTLS? = nil, host: String = "127.0.0.1", name: String = "raw") throws {
        log = dir.file("\(name).jsonl")
        let scriptJSON = String(decoding: try JSONSerialization.data(withJSONObject: script), as: UTF8.self)
        port = try startListener(process, script: "raw_receiver.py", [log, scriptJSON, "--host", host] + (tls?.serverArguments ?? [])).port
    }

    var requests: [Request] {
        guard let text = try? String(contentsOfFile: log, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return Request(n: o["n"] as? Int ?? 0, connection: o["connection"] as? Int ?? 0, head: o["head"] as? String ?? "",
                           body: o["body"] as? String ?? "")
        }.sorted { $0.n < $1.n }
    }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}

/// One transport test's setting: a folder, the scheme, and for https a certificate made for the test.
struct Wire {
    let dir = TemporaryDirectory()
    let scheme: Scheme
    let tls: TestTLS?

    init(_ scheme: Scheme) throws {
        self.scheme = scheme
        tls = scheme.secure ? try TestTLS(dir) : nil
    }

    func receiver(_ script: [[String: Any]], host: String = "127.0.0.1", name: String = "raw") throws -> RawReceiver {
        try RawReceiver(dir, script, tls: tls, host: host, name: name)
    }

    func transport(resolver: (@Sendable (any EventLoop) -> any Resolver & Sendable)? = nil) -> HTTPTransport {
        HTTPTransport(tls: tls?.clientConfiguration ?? .makeClientConfiguration(), maxIdlePerHost: 32, resolver: resolver)
    }

    func endpoint(_ port: Int, host: String = "127.0.0.1") -> HTTPEndpoint {
        HTTPEndpoint(secure: scheme.secure, host: host, port: port)
    }
}

private func message(_ body: String, path: String = "/hook") -> WireMessage {
    var headers = HTTPHeaders([("Host", "x"), ("Content-Length", String(body.utf8.count))])
    headers.add(name: "Content-Type", value: "application/json")
    return WireMessage(head: HTTPRequestHead(version: .http1_1, method: .POST, uri: path, headers: headers), body: ByteBuffer(string: body))
}

private func requests(_ n: Int) -> [WireRequest] {
    (0..<n).map { WireRequest(message("{\"n\":\($0)}")) }
}

private let ok = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"

/// DNS as on a machine whose `localhost` is ::1 first, then 127.0.0.1 (this one's /etc/hosts may say otherwise).
struct IPv6FirstLocalhost: Resolver, Sendable {
    let loop: any EventLoop
    func initiateAQuery(host: String, port: Int) -> EventLoopFuture<[SocketAddress]> {
        loop.makeCompletedFuture(Result { [try SocketAddress(ipAddress: "127.0.0.1", port: port)] })
    }
    func initiateAAAAQuery(host: String, port: Int) -> EventLoopFuture<[SocketAddress]> {
        loop.makeCompletedFuture(Result { [try SocketAddress(ipAddress: "::1", port: port)] })
    }
    func cancelQueries() {}
}

/// A port nobody listens on: bind one, note it, close it.
func closedPort() -> Int {
    let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(probe, $0, len) } }
    _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(probe, $0, &len) } }
    close(probe)
    return Int(UInt16(bigEndian: addr.sin_port))
}

/// The HTTP/1.1 transport the publisher uses for webhooks, over real sockets, each test over http:// and https://.
@Suite struct HTTPTransportTests {
    @Test(arguments: Scheme.allCases)
    func keptConnectionsCarryManyRequestsAndChunkedAnswers(_ scheme: Scheme) async throws {
        let wire = try Wire(scheme)
        let chunked = "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\n{\"id\r\n6\r\n\":\"r1\"\r\n1\r\n}\r\n0\r\nX-Trailer: yes\r\n\r\n"
        let receiver = try wire.receiver([["raw": chunked]])
        let client = wire.transport()
        let endpoint = wire.endpoint(receiver.port)
        let first = await client.send(requests(20), to: endpoint, timeout: 10, maxConnections: 4, resendOnStale: true)
        let second = await client.send(requests(5), to: endpoint, timeout: 10, maxConnections: 4, resendOnStale: true)
        for result in first + second {
            let r = try result.get()
            #expect(r.status == 201)
            #expect(String(decoding: r.body, as: UTF8.self) == "{\"id\":\"r1\"}")
            #expect(r.header("X-TRAILER") == nil)
        }
        let seen = receiver.requests
        #expect(seen.count == 25)
        #expect(Set(seen.map(\.body)).count == 20)
        // At most 4 connections, and the second batch used the kept ones.
        #expect(Set(seen.map(\.connection)).count <= 4)
        #expect(Set(seen.suffix(5).map(\.connection)).isSubset(of: Set(seen.prefix(20).map(\.connection))))
        await client.closeIdle()
    }

    @Test(arguments: Scheme.allCases)
    func answersInTheRequestsOrderWhateverOrderTheyCome(_ scheme: Scheme) async throws {
        let wire = try Wire(scheme)
        let receiver = try wire.receiver([["raw": ok]])
        let client = wire.transport()
        let results = await client.send(requests(64), to: wire.endpoint(receiver.port), timeout: 10, maxConnections: 8, resendOnStale: true)
        #expect(results.count == 64)
        #expect(results.allSatisfy { (try? $0.get().status) == 200 })
        #expect(Set(receiver.requests.map(\.body)) == Set((0..<64).map { "{\"n\":\($0)}" }))
        await client.closeIdle()
    }

    @Test(arguments: Scheme.allCases)
    func aConnectionTheReceiverClosedIsNotReused(_ scheme: Scheme) async throws {
        let wire = try Wire(scheme)
        // HTTP/1.1 with Connection: close, then HTTP/1.0 without keep-alive, then no length: each means a new connection.
        let receiver = try wire.receiver([
            ["raw": "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}", "close": true],
            ["raw": "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}", "close": true],
            ["raw": "HTTP/1.1 200 OK\r\n\r\nno length: the body ends when the connection does", "close": true],
            ["raw": ok],
        ])
        let client = wire.transport()
        var bodies: [String] = []
        for _ in 0..<4 {
            let sent = await client.send(requests(1), to: wire.endpoint(receiver.port), timeout: 10, maxConnections: 1, resendOnStale: false)
            let r = try #require(sent.first).get()
            #expect(r.status == 200)
            bodies.append(String(decoding: r.body, as: UTF8.self))
        }
        #expect(bodies == ["{}", "{}", "no length: the body ends when the connection does", "{}"])
        #expect(receiver.requests.map(\.connection) == [1, 2, 3, 4])
        await client.closeIdle()
    }

    /// A kept connection the receiver drops just as a request goes out: sent once more on a new connection when the
    /// hook drops repeats, otherwise reported (the publisher retries later).
    @Test(arguments: Scheme.allCases)
    func aKeptConnectionDroppedMidRequestIsRetriedOnlyWhenAllowed(_ scheme: Scheme) async throws {
        for allowed in [true, false] {
            let wire = try Wire(scheme)
            let receiver = try wire.receiver([["raw": ok], ["drop": true], ["raw": ok]])
            let client = wire.transport()
            let endpoint = wire.endpoint(receiver.port)
            #expect(try await client.send(requests(1), to: endpoint, timeout: 10, maxConnections: 1, resendOnStale: allowed)[0].get().status == 200)
            let second = await client.send(requests(1), to: endpoint, timeout: 10, maxConnections: 1, resendOnStale: allowed)[0]
            if allowed {
                #expect(try second.get().status == 200)
                #expect(receiver.requests.map(\.connection) == [1, 1, 2])
            } else {
                #expect(throws: WireError.connectionLost("the receiver closed the connection")) { try second.get() }
                #expect(receiver.requests.count == 2)
            }
            await client.closeIdle()
        }
    }

    @Test(arguments: Scheme.allCases)
    func whatIsNotAnAnswerIsReportedAsSuch(_ scheme: Scheme) async throws {
        let wire = try Wire(scheme)
        let receiver = try wire.receiver([
            ["raw": "SSH-2.0-OpenSSH_9.2\r\n\r\n", "close": true],
            ["raw": "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"cut\":", "close": true],
            ["raw": "HTTP/1.1 200 OK\r\nContent-Length: many\r\n\r\n{}", "close": true],
            ["raw": "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", "close": true],
            ["raw": "HTTP/1.1 200 OK\r\nX-Big: " + String(repeating: "h", count: 70_000) + "\r\nContent-Length: 2\r\n\r\n{}", "close": true],
        ])
        let client = wire.transport()
        func one() async -> Result<WireResponse, WireError> {
            await client.send(requests(1), to: wire.endpoint(receiver.port), timeout: 10, maxConnections: 1, resendOnStale: false)[0]
        }
        let answers = [await one(), await one(), await one(), await one(), await one()]
        #expect(throws: WireError.malformed("the answer does not start with an HTTP/1.x status line")) { try answers[0].get() }
        #expect(throws: WireError.connectionLost("the receiver closed the connection in the middle of its answer")) { try answers[1].get() }
        #expect(throws: WireError.malformed("the answer's Content-Length is not a number")) { try answers[2].get() }
        #expect(throws: WireError.malformed("a chunk size that is not hexadecimal")) { try answers[3].get() }
        #expect(throws: WireError.malformed("the answer's headers are longer than 64 KiB")) { try answers[4].get() }
        await client.closeIdle()
    }

    @Test(arguments: Scheme.allCases)
    func interimAnswersAreSkippedAndHeadersReadWhateverTheirCase(_ scheme: Scheme) async throws {
        let wire = try Wire(scheme)
        let receiver = try wire.receiver([
            ["raw": "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 429 Too Many\r\nretry-AFTER:  120 \r\nContent-Length: 0\r\n\r\n"],
            ["raw": "HTTP/1.1 204 No Content\r\n\r\n"],
        ])
        let client = wire.transport()
        let answers = await client.send(requests(1), to: wire.endpoint(receiver.port), timeout: 10, maxConnections: 1, resendOnStale: false)
            + (await client.send(requests(1), to: wire.endpoint(receiver.port), timeout: 10, maxConnections: 1, resendOnStale: false))
        let busy = try answers[0].get(), empty = try answers[1].get()
        #expect(busy.status == 429 && busy.header("Retry-After") == "120" && busy.keepAlive)
        #expect(empty.status == 204 && empty.body.isEmpty && empty.keepAlive)
        #expect(receiver.requests.map(\.connection) == [1, 1])
        await client.closeIdle()
    }

    /// An answer over 16 MiB is refused, whether its length says so or its chunks run on; a large one under that is read
    /// with its first 256 KiB kept.
    @Test(arguments: Scheme.allCases)
    func oversizeAnswersAreRefusedAndLargeOnesCut(_ scheme: Scheme) async throws {
        let wire = try Wire(scheme)
        let big = HTTPTransport.responseLimit + 1
        let receiver = try wire.receiver([
            ["raw": "HTTP/1.1 200 OK\r\nContent-Length: \(big)\r\n\r\n", "close": true],
            ["raw": "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "fill_chunked": big, "close": true],
            ["raw": "HTTP/1.1 200 OK\r\nContent-Length: \(300 * 1024)\r\n\r\n", "fill": 300 * 1024],
            ["raw": ok],
        ])
        let client = wire.transport()
        let endpoint = wire.endpoint(receiver.port)
        func one() async -> Result<WireResponse, WireError> {
            await client.send(requests(1), to: endpoint, timeout: 30, maxConnections: 1, resendOnStale: false)[0]
        }
        await #expect(throws: WireError.malformed("the answer is larger than 16 MiB")) { try await one().get() }
        await #expect(throws: WireError.malformed("the answer is larger than 16 MiB")) { try await one().get() }
        let large = try await one().get()
        #expect(large.status == 200 && large.body.count == HTTPTransport.bodyLimit && large.keepAlive)
        // Read to its end: the connection carries the next request.
        #expect(try await one().get().status == 200)
        #expect(receiver.requests.map(\.connection) == [1, 2, 3, 3])
        await client.closeIdle()
    }

    /// A request that waited past its freshness goes out made again (signed anew); a fresh one as it was made.
    @Test(arguments: Scheme.allCases)
    func aRequestThatWaitedTooLongIsMadeAgain(_ scheme: Scheme) async throws {
        let wire = try Wire(scheme)
        let receiver = try wire.receiver([["raw": ok]])
        let client = wire.transport()
        let endpoint = wire.endpoint(receiver.port)
        func request(_ tag: String) -> WireRequest {
            WireRequest(message(tag, path: "/old"), remake: { message(tag, path: "/new") })
        }
        _ = await client.send([request("a")], to: endpoint, timeout: 10, maxConnections: 1, resendOnStale: true)
        _ = await client.send([request("b")], to: endpoint, timeout: 10, maxConnections: 1, resendOnStale: true, freshFor: 0)
        #expect(receiver.requests.map { String($0.head.prefix(9)) } == ["POST /old", "POST /new"])
        await client.closeIdle()
    }

    /// A receiver that answers a byte at a time is read as it comes; one that never answers is cut at the timeout.
    @Test(arguments: Scheme.allCases)
    func slowReceiversAreWaitedForUntilTheTimeout(_ scheme: Scheme) async throws {
        let wire = try Wire(scheme)
        let slow = try wire.receiver([["raw": ok, "trickle": 0.002]], name: "slow")
        let client = wire.transport()
        let answers = await client.send(requests(2), to: wire.endpoint(slow.port), timeout: 10, maxConnections: 2, resendOnStale: true)
        #expect(try answers.map { try $0.get().status } == [200, 200])
        let silent = try wire.receiver([["hang": true]], name: "silent")
        let results = await client.send(requests(3), to: wire.endpoint(silent.port), timeout: 0.3, maxConnections: 3, resendOnStale: true)
        #expect(results.count == 3)
        for r in results { #expect(throws: WireError.timedOut) { try r.get() } }
        await client.closeIdle()
    }

    /// A receiver that goes away between batches: its kept connections are not used, and the next batch fails at once.
    @Test(arguments: Scheme.allCases)
    func aReceiverThatVanishesIsReportedUnreachable(_ scheme: Scheme) async throws {
        let wire = try Wire(scheme)
        let receiver = try wire.receiver([["raw": ok]])
        let client = wire.transport()
        let endpoint = wire.endpoint(receiver.port)
        #expect(await client.send(requests(4), to: endpoint, timeout: 10, maxConnections: 4, resendOnStale: true).allSatisfy {
            (try? $0.get().status) == 200
        })
        receiver.stop()
        let results = await client.send(requests(10), to: endpoint, timeout: 10, maxConnections: 4, resendOnStale: true)
        #expect(results.count == 10)
        for r in results { #expect(throws: WireError.cannotConnect("connection refused")) { try r.get() } }
        await client.closeIdle()
    }

    @Test(arguments: Scheme.allCases)
    func aRefusedConnectionFailsTheWholeBatchAtOnce(_ scheme: Scheme) async throws {
        let wire = try Wire(scheme)
        let client = wire.transport()
        let results = await client.send(requests(100), to: wire.endpoint(closedPort()), timeout: 10, maxConnections: 32, resendOnStale: true)
        #expect(results.count == 100)
        for r in results { #expect(throws: WireError.cannotConnect("connection refused")) { try r.get() } }
        let nowhere = wire.endpoint(80, host: "no-such-host.invalid")
        await #expect(throws: WireError.cannotConnect("the host name does not resolve")) {
            try await client.send(requests(1), to: nowhere, timeout: 10, maxConnections: 1, resendOnStale: true)[0].get()
        }
    }

    /// `localhost` may be ::1 first: a receiver listening on 127.0.0.1 only is still reached, and so is one on ::1 only.
    @Test(arguments: Scheme.allCases)
    func everyAddressOfTheHostIsTriedIPv6First(_ scheme: Scheme) async throws {
        let wire = try Wire(scheme)
        let client = wire.transport(resolver: { IPv6FirstLocalhost(loop: $0) })
        for host in ["127.0.0.1", "::1"] {
            let receiver = try wire.receiver([["raw": ok]], host: host, name: host == "::1" ? "v6" : "v4")
            let sent = await client.send(requests(2), to: wire.endpoint(receiver.port, host: "localhost"), timeout: 10, maxConnections: 2,
                                         resendOnStale: true)
            #expect(try sent.map { try $0.get().status } == [200, 200], "listening on \(host)")
            #expect(receiver.requests.count == 2)
        }
        await client.closeIdle()
    }

    /// A receiver whose certificate no trusted authority signed is not sent anything.
    @Test func anUntrustedCertificateIsRefused() async throws {
        let wire = try Wire(.https)
        let receiver = try wire.receiver([["raw": ok]])
        let other = try TestTLS(wire.dir, name: "other")
        let client = HTTPTransport(tls: other.clientConfiguration)
        let results = await client.send(requests(3), to: wire.endpoint(receiver.port), timeout: 10, maxConnections: 2, resendOnStale: true)
        for r in results {
            guard case .failure(.cannotConnect(let why)) = r else { Issue.record("\(r) should not connect"); continue }
            #expect(why.hasPrefix("the TLS handshake failed: check that the receiver's certificate is valid, names the host and is signed by an authority Herald trusts"), "\(why)")
        }
        #expect(receiver.requests.isEmpty)
    }

    /// A trusted certificate for another name is refused too.
    @Test func aCertificateForAnotherHostIsRefused() async throws {
        let wire = try Wire(.https)
        let tls = try TestTLS(wire.dir, name: "named", addresses: false)
        let receiver = try RawReceiver(wire.dir, [["raw": ok]], tls: tls)
        // DNS that sends receiver.example to this machine; the certificate names localhost only.
        let client = HTTPTransport(tls: tls.clientConfiguration, resolver: { IPv6FirstLocalhost(loop: $0) })
        let results = await client.send(requests(1), to: wire.endpoint(receiver.port, host: "receiver.example"), timeout: 10,
                                        maxConnections: 1, resendOnStale: true)
        #expect(throws: WireError.cannotConnect("the TLS handshake failed: the receiver's certificate is not for this host")) {
            try results[0].get()
        }
        #expect(receiver.requests.isEmpty)
    }
}
