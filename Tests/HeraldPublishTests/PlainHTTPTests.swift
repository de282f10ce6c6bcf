import Foundation
@testable import HeraldPublish
import HeraldTestSupport
import Testing

/// A TCP receiver on 127.0.0.1 that answers with scripted raw bytes (Tests/HeraldPublishTests/raw_receiver.py): what
/// real receivers may send that a friendly one never does.
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

    init(_ dir: TemporaryDirectory, _ script: [[String: Any]]) throws {
        log = dir.file("raw.jsonl")
        let scriptJSON = String(decoding: try JSONSerialization.data(withJSONObject: script), as: UTF8.self)
        port = try startListener(process, script: "raw_receiver.py", [log, scriptJSON]).port
    }

    var requests: [Request] {
        guard let text = try? String(contentsOfFile: log, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return Request(n: o["n"] as? Int ?? 0, connection: o["connection"] as? Int ?? 0, head: o["head"] as? String ?? "",
                           body: o["body"] as? String ?? "")
        }.sorted { $0.n < $1.n }
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

private func requests(_ n: Int) -> [WireRequest] {
    (0..<n).map { i in
        let body = "{\"n\":\(i)}"
        return WireRequest(bytes: Array("POST /hook HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8))
    }
}

private let ok = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"

/// The HTTP/1.1 client the publisher uses for `http://` webhooks, over real sockets.
@Suite struct PlainHTTPClientTests {
    @Test func keptConnectionsCarryManyRequestsAndChunkedAnswers() throws {
        let dir = TemporaryDirectory()
        let chunked = "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\n{\"id\r\n6\r\n\":\"r1\"\r\n1\r\n}\r\n0\r\nX-Trailer: yes\r\n\r\n"
        let receiver = try RawReceiver(dir, [["raw": chunked]])
        let client = PlainHTTPClient(host: "127.0.0.1", port: receiver.port)
        let first = client.send(requests(20), timeout: 10, maxConnections: 4, resendOnStale: true)
        let second = client.send(requests(5), timeout: 10, maxConnections: 4, resendOnStale: true)
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
        client.closeIdle()
    }

    @Test func answersInTheRequestsOrderWhateverOrderTheyCome() throws {
        let dir = TemporaryDirectory()
        let receiver = try RawReceiver(dir, [["raw": ok]])
        let client = PlainHTTPClient(host: "127.0.0.1", port: receiver.port)
        let reqs = requests(64)
        let results = client.send(reqs, timeout: 10, maxConnections: 8, resendOnStale: true)
        #expect(results.count == 64)
        #expect(results.allSatisfy { (try? $0.get().status) == 200 })
        #expect(Set(receiver.requests.map(\.body)) == Set((0..<64).map { "{\"n\":\($0)}" }))
    }

    @Test func aConnectionTheReceiverClosedIsNotReused() throws {
        let dir = TemporaryDirectory()
        // HTTP/1.1 with Connection: close, then HTTP/1.0 without keep-alive: both mean a new connection next time.
        let receiver = try RawReceiver(dir, [
            ["raw": "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}", "close": true],
            ["raw": "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}", "close": true],
            ["raw": "HTTP/1.1 200 OK\r\n\r\nno length: the body ends when the connection does", "close": true],
            ["raw": ok],
        ])
        let client = PlainHTTPClient(host: "127.0.0.1", port: receiver.port)
        var bodies: [String] = []
        for _ in 0..<4 {
            let r = try #require(client.send(requests(1), timeout: 10, maxConnections: 1, resendOnStale: false).first).get()
            #expect(r.status == 200)
            bodies.append(String(decoding: r.body, as: UTF8.self))
        }
        #expect(bodies == ["{}", "{}", "no length: the body ends when the connection does", "{}"])
        #expect(receiver.requests.map(\.connection) == [1, 2, 3, 4])
    }

    /// A kept connection the receiver drops just as a request goes out: sent once more on a new connection when the
    /// hook drops repeats, otherwise reported (the publisher retries later).
    @Test func aKeptConnectionDroppedMidRequestIsRetriedOnlyWhenAllowed() throws {
        for allowed in [true, false] {
            let dir = TemporaryDirectory()
            let receiver = try RawReceiver(dir, [["raw": ok], ["drop": true], ["raw": ok]])
            let client = PlainHTTPClient(host: "127.0.0.1", port: receiver.port)
            #expect(try client.send(requests(1), timeout: 10, maxConnections: 1, resendOnStale: allowed)[0].get().status == 200)
            let second = client.send(requests(1), timeout: 10, maxConnections: 1, resendOnStale: allowed)[0]
            if allowed {
                #expect(try second.get().status == 200)
                #expect(receiver.requests.map(\.connection) == [1, 1, 2])
            } else {
                #expect(throws: WireError.connectionLost("the receiver closed the connection")) { try second.get() }
                #expect(receiver.requests.count == 2)
            }
        }
    }

    @Test func whatIsNotAnAnswerIsReportedAsSuch() throws {
        let dir = TemporaryDirectory()
        let receiver = try RawReceiver(dir, [
            ["raw": "SSH-2.0-OpenSSH_9.2\r\n\r\n", "close": true],
            ["raw": "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"cut\":", "close": true],
            ["raw": "HTTP/1.1 200 OK\r\nContent-Length: many\r\n\r\n{}", "close": true],
            ["raw": "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", "close": true],
        ])
        let client = PlainHTTPClient(host: "127.0.0.1", port: receiver.port)
        func one() -> Result<WireResponse, WireError> { client.send(requests(1), timeout: 10, maxConnections: 1, resendOnStale: false)[0] }
        #expect(throws: WireError.malformed("the answer does not start with an HTTP/1.x status line (SSH-2.0-OpenSSH_9.2)")) { try one().get() }
        #expect(throws: WireError.connectionLost("the receiver closed the connection in the middle of its answer")) { try one().get() }
        #expect(throws: WireError.malformed("the Content-Length 'many' is not a number")) { try one().get() }
        #expect(throws: WireError.malformed("a chunk size 'zz' that is not hexadecimal")) { try one().get() }
    }

    /// A request that waited past its freshness goes out made again (signed anew); a fresh one as it was made.
    @Test func aRequestThatWaitedTooLongIsMadeAgain() throws {
        let dir = TemporaryDirectory()
        let receiver = try RawReceiver(dir, [["raw": ok]])
        let client = PlainHTTPClient(host: "127.0.0.1", port: receiver.port)
        func request(_ tag: String) -> WireRequest {
            let old = Array("POST /old HTTP/1.1\r\nContent-Length: \(tag.utf8.count)\r\n\r\n\(tag)".utf8)
            let new = Array("POST /new HTTP/1.1\r\nContent-Length: \(tag.utf8.count)\r\n\r\n\(tag)".utf8)
            return WireRequest(bytes: old, remake: { new })
        }
        _ = client.send([request("a")], timeout: 10, maxConnections: 1, resendOnStale: true)
        _ = client.send([request("b")], timeout: 10, maxConnections: 1, resendOnStale: true, freshFor: 0)
        #expect(receiver.requests.map { String($0.head.prefix(9)) } == ["POST /old", "POST /new"])
    }

    @Test func aReceiverThatNeverAnswersTimesOut() throws {
        let dir = TemporaryDirectory()
        let receiver = try RawReceiver(dir, [["hang": true]])
        let client = PlainHTTPClient(host: "127.0.0.1", port: receiver.port)
        let results = client.send(requests(3), timeout: 0.3, maxConnections: 3, resendOnStale: true)
        #expect(results.count == 3)
        for r in results { #expect(throws: WireError.timedOut) { try r.get() } }
    }

    @Test func aRefusedConnectionFailsTheWholeBatchAtOnce() throws {
        // A port nobody listens on: bind one, note it, close it.
        let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(probe, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(probe, $0, &len) } }
        let port = Int(UInt16(bigEndian: addr.sin_port))
        close(probe)
        let client = PlainHTTPClient(host: "127.0.0.1", port: port)
        let results = client.send(requests(100), timeout: 10, maxConnections: 32, resendOnStale: true)
        #expect(results.count == 100)
        for r in results { #expect(throws: WireError.cannotConnect("connection refused")) { try r.get() } }
        let nowhere = PlainHTTPClient(host: "no-such-host.invalid", port: 80)
        #expect(throws: WireError.cannotConnect("the host name does not resolve")) {
            try nowhere.send(requests(1), timeout: 10, maxConnections: 1, resendOnStale: true)[0].get()
        }
    }

    /// "localhost" may resolve to ::1 first; a receiver listening on 127.0.0.1 only is still reached.
    @Test func everyAddressOfTheHostIsTried() throws {
        let dir = TemporaryDirectory()
        let receiver = try RawReceiver(dir, [["raw": ok]])
        let client = PlainHTTPClient(host: "localhost", port: receiver.port)
        #expect(try client.send(requests(2), timeout: 10, maxConnections: 2, resendOnStale: true).map { try $0.get().status } == [200, 200])
    }
}

/// Reading answers byte by byte as they arrive.
@Suite struct ResponseParserTests {
    func parse(_ text: String, ended: Bool = false) -> ResponseParser.Parsed { ResponseParser.parse(Array(text.utf8), ended: ended) }

    @Test func interimAnswersAreSkippedAndHeadersReadWhateverTheirCase() throws {
        let text = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 429 Too Many\r\nretry-AFTER:  120 \r\nContent-Length: 0\r\n\r\n"
        guard case .complete(let r, let used) = parse(text) else { Issue.record("not complete"); return }
        #expect(r.status == 429)
        #expect(r.header("Retry-After") == "120")
        #expect(r.keepAlive)
        #expect(used == text.utf8.count)
    }

    @Test func partialAnswersWaitForTheRest() {
        for cut in ["HTTP/1.1 200 OK\r\nContent-Le", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n{}", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}"] {
            guard case .incomplete = parse(cut) else { Issue.record("\(cut) should wait for more"); continue }
        }
        guard case .complete(let r, _) = parse("HTTP/1.1 204 No Content\r\n\r\n") else { Issue.record("204 has no body"); return }
        #expect(r.body.isEmpty)
    }

    /// Sizes no answer can have are refused before any arithmetic on them.
    @Test func absurdSizesAreRefused() {
        for text in ["HTTP/1.1 200 OK\r\nContent-Length: 9223372036854775807\r\n\r\n{}",
                     "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7fffffffffffffff\r\n{}\r\n0\r\n\r\n",
                     "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n{}"] {
            guard case .invalid = parse(text) else { Issue.record("\(text.prefix(60)) should be refused"); continue }
        }
    }

    @Test func aLargeBodyIsReadButOnlyItsStartKept() throws {
        let big = String(repeating: "x", count: PlainHTTPClient.bodyLimit + 10)
        let text = "HTTP/1.1 200 OK\r\nContent-Length: \(big.utf8.count)\r\n\r\n\(big)"
        guard case .complete(let r, let used) = parse(text) else { Issue.record("not complete"); return }
        #expect(r.body.count == PlainHTTPClient.bodyLimit)
        #expect(used == text.utf8.count)
    }
}
