#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A request as it goes on the wire: request line, headers and body. A request that waited in its batch longer than
/// `freshFor` seconds is made again when it is put on a connection (a signed timestamp stays close to the time it is sent).
struct WireRequest: Sendable {
    let bytes: [UInt8]
    let remake: (@Sendable () -> [UInt8])?

    init(bytes: [UInt8], remake: (@Sendable () -> [UInt8])? = nil) {
        self.bytes = bytes
        self.remake = remake
    }

    static let freshFor: Double = 30
}

/// A receiver's answer.
struct WireResponse: Sendable {
    var status: Int
    /// Names in lower case, values as sent (spaces around them trimmed).
    var headers: [(name: String, value: String)]
    /// At most `PlainHTTPClient.bodyLimit` bytes of the body (the rest is read and dropped).
    var body: [UInt8]
    /// The connection may carry the next request.
    var keepAlive: Bool

    func header(_ name: String) -> String? {
        let key = name.lowercased()
        return headers.first { $0.name == key }?.value
    }
}

/// Why a request got no answer.
enum WireError: Error, Sendable, Equatable {
    /// No connection could be made (refused, no route, the name does not resolve, connect timed out).
    case cannotConnect(String)
    /// Connected and sent, but no full answer within the timeout.
    case timedOut
    /// The connection broke before a full answer.
    case connectionLost(String)
    /// The answer is not HTTP/1.x.
    case malformed(String)
}

/// HTTP/1.1 for `http://` webhooks over plain TCP sockets: a batch of requests goes out over up to N keep-alive
/// connections driven by one `poll` loop on the calling thread (no pipelining: a connection carries one request at a
/// time, as RFC 9112 asks for POST). Idle connections are kept for the next batch. A request sent on a kept connection
/// that the receiver had meanwhile closed (nothing came back) is sent once more on a new connection when the caller
/// allows it (the hook drops repeats by their id). TLS (`https://`) goes through AsyncHTTPClient instead.
final class PlainHTTPClient: @unchecked Sendable {
    let host: String
    let port: Int
    /// The body bytes kept per answer.
    static let bodyLimit = 256 * 1024
    /// An answer larger than this is refused (a webhook answers with a little JSON).
    static let responseLimit = 16 * 1024 * 1024

    private let lock = NSLock()
    private var idle: [Int32] = []
    /// The address that last connected (tried first next time).
    private var preferred: [UInt8]?

    init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    deinit { closeIdle() }

    func closeIdle() {
        lock.lock(); let fds = idle; idle = []; lock.unlock()
        for fd in fds { close(fd) }
    }

    /// Sends every request and waits for every answer (or error), in the requests' order. Blocks the calling thread.
    /// A request put on a connection more than `freshFor` seconds after the call is made again (`WireRequest.remake`).
    func send(_ requests: [WireRequest], timeout: TimeInterval, connectTimeout: TimeInterval = 10, maxConnections: Int,
              resendOnStale: Bool, freshFor: TimeInterval = WireRequest.freshFor) -> [Result<WireResponse, WireError>] {
        guard !requests.isEmpty else { return [] }
        var loop = WireLoop(client: self, requests: requests, timeout: timeout, connectTimeout: connectTimeout,
                            maxConnections: max(1, maxConnections), resendOnStale: resendOnStale, freshFor: freshFor)
        return loop.run()
    }

    /// A kept connection the receiver has not closed, if any.
    fileprivate func takeIdle() -> Int32? {
        while true {
            lock.lock()
            let fd = idle.popLast()
            lock.unlock()
            guard let fd else { return nil }
            // A closed or broken connection reads as end of file (0) or an error; an open, quiet one would block.
            var byte: UInt8 = 0
            let n = recv(fd, &byte, 1, Int32(MSG_PEEK) | Int32(MSG_DONTWAIT))
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return fd }
            close(fd)
        }
    }

    fileprivate func keep(_ fd: Int32) {
        lock.lock(); idle.append(fd); lock.unlock()
    }

    fileprivate func remember(_ address: [UInt8]) {
        lock.lock(); preferred = address; lock.unlock()
    }

    /// The host's addresses, the one that worked last time first; or why there are none.
    fileprivate func addresses() -> Result<[[UInt8]], WireError> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if os(Linux)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        guard getaddrinfo(bare, String(port), &hints, &list) == 0, let first = list else {
            return .failure(.cannotConnect("the host name does not resolve"))
        }
        defer { freeaddrinfo(list) }
        var out: [[UInt8]] = []
        var p: UnsafeMutablePointer<addrinfo>? = first
        while let a = p {
            if let addr = a.pointee.ai_addr {
                let bytes = [UInt8](UnsafeRawBufferPointer(start: addr, count: Int(a.pointee.ai_addrlen)))
                if !out.contains(bytes) { out.append(bytes) }
            }
            p = a.pointee.ai_next
        }
        lock.lock(); let pref = preferred; lock.unlock()
        if let pref, let i = out.firstIndex(of: pref) { out.insert(out.remove(at: i), at: 0) }
        return out.isEmpty ? .failure(.cannotConnect("the host name does not resolve")) : .success(out)
    }
}

/// Seconds on the monotonic clock (timeouts are real time, not the publisher's injected business clock).
private func monotonic() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

private func errnoText(_ code: Int32) -> String {
    switch code {
    case ECONNREFUSED: return "connection refused"
    case ETIMEDOUT: return "connection timed out"
    case ENETUNREACH, EHOSTUNREACH: return "no route to the host"
    case ECONNRESET: return "the receiver reset the connection"
    case EPIPE: return "the receiver closed the connection"
    default: return String(cString: strerror(code))
    }
}

/// One batch's event loop.
private struct WireLoop {
    struct Connection {
        var fd: Int32
        /// Came from the idle pool (it may have been closed by the receiver meanwhile).
        var reused: Bool
        var connecting: Bool
        /// Index into `addresses` of the address being connected to.
        var address: Int
        var request: Int?
        var written = 0
        var received: [UInt8] = []
        var deadline: Double = .infinity
    }

    let client: PlainHTTPClient
    let requests: [WireRequest]
    let timeout: Double
    let connectTimeout: Double
    let maxConnections: Int
    let freshFor: Double
    let resendOnStale: Bool

    var results: [Result<WireResponse, WireError>?]
    /// Each request's bytes, taken (or made again) when it is first put on a connection.
    var wire: [[UInt8]]
    let started = monotonic()
    /// Requests not yet on a connection, last one next.
    var queue: [Int]
    var resent: Set<Int> = []
    var connections: [Connection] = []
    var addresses: [[UInt8]]?
    /// Set when connecting failed: the rest of the batch fails the same way (the delivery retries later).
    var endpointError: WireError?
    var scratch = [UInt8](repeating: 0, count: 65_536)

    init(client: PlainHTTPClient, requests: [WireRequest], timeout: Double, connectTimeout: Double, maxConnections: Int,
         resendOnStale: Bool, freshFor: Double) {
        self.client = client; self.requests = requests; self.timeout = timeout; self.connectTimeout = connectTimeout
        self.maxConnections = maxConnections; self.resendOnStale = resendOnStale; self.freshFor = freshFor
        results = Array(repeating: nil, count: requests.count)
        wire = Array(repeating: [], count: requests.count)
        queue = Array((0..<requests.count).reversed())
    }

    mutating func run() -> [Result<WireResponse, WireError>] {
        var fds: [pollfd] = []
        var polled: [Int] = []
        while true {
            assign()
            if queue.isEmpty && !connections.contains(where: { $0.request != nil }) { break }
            fds.removeAll(keepingCapacity: true); polled.removeAll(keepingCapacity: true)
            var soonest = Double.infinity
            for (i, c) in connections.enumerated() where c.request != nil {
                let writing = c.connecting || c.written < wire[c.request!].count
                fds.append(pollfd(fd: c.fd, events: Int16(writing ? POLLOUT : POLLIN), revents: 0))
                polled.append(i)
                soonest = min(soonest, c.deadline)
            }
            if fds.isEmpty { fail(all: .connectionLost("no connection to wait on")); break }
            let wait = soonest == .infinity ? -1 : Int32(max(0, min(Double(Int32.max), ((soonest - monotonic()) * 1000).rounded(.up))))
            let n = poll(&fds, nfds_t(fds.count), wait)
            if n < 0 && errno != EINTR { fail(all: .connectionLost("poll failed: \(errnoText(errno))")); break }
            if n > 0 {
                for (k, pfd) in fds.enumerated() where pfd.revents != 0 { step(polled[k]) }
            }
            let now = monotonic()
            for i in connections.indices where connections[i].request != nil && connections[i].deadline <= now {
                if connections[i].connecting {
                    connectFailed(i, ETIMEDOUT)
                } else {
                    finish(i, .failure(.timedOut), keep: false)
                }
            }
            connections.removeAll { $0.fd < 0 }
        }
        for c in connections where c.fd >= 0 { client.keep(c.fd) }
        connections = []
        return results.map { $0 ?? .failure(.connectionLost("no answer")) }
    }

    /// Puts waiting requests on free connections, opening new ones up to the limit.
    mutating func assign() {
        while let next = queue.last {
            if let e = endpointError {
                queue.removeLast()
                results[next] = .failure(e)
                continue
            }
            connections.removeAll { $0.fd < 0 }
            var slot = connections.firstIndex { $0.request == nil }
            if slot == nil, connections.count < maxConnections {
                if let fd = client.takeIdle() {
                    connections.append(Connection(fd: fd, reused: true, connecting: false, address: 0))
                    slot = connections.count - 1
                } else if let c = open(from: 0) {
                    connections.append(c)
                    slot = connections.count - 1
                } else {
                    continue  // endpointError is set now
                }
            }
            guard let i = slot else { return }
            queue.removeLast()
            if wire[next].isEmpty {
                let r = requests[next]
                wire[next] = r.remake != nil && monotonic() - started > freshFor ? r.remake!() : r.bytes
            }
            connections[i].request = next
            connections[i].written = 0
            connections[i].received.removeAll(keepingCapacity: true)
            let now = monotonic()
            connections[i].deadline = connections[i].connecting ? min(now + timeout, now + connectTimeout) : now + timeout
            if !connections[i].connecting { write(i) }
        }
    }

    /// A new non-blocking connection to the first address from `index` on that does not refuse at once.
    mutating func open(from index: Int, lastError failure: Int32 = ECONNREFUSED) -> Connection? {
        if addresses == nil {
            switch client.addresses() {
            case .success(let a): addresses = a
            case .failure(let e): endpointError = e; return nil
            }
        }
        let list = addresses!
        var lastError = failure
        var k = index
        while k < list.count {
            let address = list[k]
            let family = address.withUnsafeBytes { $0.loadUnaligned(as: sockaddr.self).sa_family }
            #if os(Linux)
            let fd = socket(Int32(family), Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            #else
            let fd = socket(Int32(family), SOCK_STREAM, 0)
            if fd >= 0 {
                _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
                var on: Int32 = 1
                setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &on, socklen_t(MemoryLayout<Int32>.size))
            }
            #endif
            guard fd >= 0 else { lastError = errno; k += 1; continue }
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let rc = address.withUnsafeBytes { raw in
                connect(fd, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(raw.count))
            }
            if rc == 0 {
                client.remember(address)
                return Connection(fd: fd, reused: false, connecting: false, address: k)
            }
            if errno == EINPROGRESS || errno == EINTR {
                return Connection(fd: fd, reused: false, connecting: true, address: k)
            }
            lastError = errno
            close(fd)
            k += 1
        }
        endpointError = .cannotConnect(errnoText(lastError))
        return nil
    }

    mutating func step(_ i: Int) {
        guard connections[i].fd >= 0, let r = connections[i].request else { return }
        if connections[i].connecting {
            var err: Int32 = 0
            var len = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(connections[i].fd, SOL_SOCKET, SO_ERROR, &err, &len)
            if err != 0 { connectFailed(i, err); return }
            connections[i].connecting = false
            client.remember(addresses![connections[i].address])
            connections[i].deadline = monotonic() + timeout
            write(i)
            return
        }
        if connections[i].written < wire[r].count {
            write(i)
        } else {
            read(i)
        }
    }

    /// Connecting failed: try the host's next address, else fail this request and the rest of the batch.
    mutating func connectFailed(_ i: Int, _ code: Int32) {
        let r = connections[i].request!
        close(connections[i].fd)
        if let c = open(from: connections[i].address + 1, lastError: code) {
            connections[i] = c
            connections[i].request = r
            connections[i].deadline = monotonic() + (c.connecting ? min(timeout, connectTimeout) : timeout)
            if !c.connecting { write(i) }
            return
        }
        connections[i].fd = -1
        connections[i].request = nil
        results[r] = .failure(endpointError ?? .cannotConnect(errnoText(code)))
    }

    mutating func write(_ i: Int) {
        let r = connections[i].request!
        let fd = connections[i].fd
        let n = wire[r].withUnsafeBytes { raw -> Int in
            let from = connections[i].written
            #if os(Linux)
            return Glibc.send(fd, raw.baseAddress! + from, raw.count - from, Int32(MSG_NOSIGNAL))
            #else
            return Darwin.send(fd, raw.baseAddress! + from, raw.count - from, 0)
            #endif
        }
        if n > 0 {
            connections[i].written += n
        } else if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
            return
        } else {
            broken(i, errno)
        }
    }

    mutating func read(_ i: Int) {
        let fd = connections[i].fd
        let n = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n > 0 {
            connections[i].received.append(contentsOf: scratch[0..<n])
            switch ResponseParser.parse(connections[i].received, ended: false) {
            case .incomplete: return
            case .complete(let response, let used):
                finish(i, .success(response), keep: response.keepAlive && used == connections[i].received.count)
            case .invalid(let why):
                finish(i, .failure(.malformed(why)), keep: false)
            }
        } else if n == 0 {
            if connections[i].received.isEmpty { broken(i, EPIPE); return }
            switch ResponseParser.parse(connections[i].received, ended: true) {
            case .complete(let response, _): finish(i, .success(response), keep: false)
            case .invalid(let why): finish(i, .failure(.malformed(why)), keep: false)
            case .incomplete: finish(i, .failure(.connectionLost("the receiver closed the connection in the middle of its answer")), keep: false)
            }
        } else if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR {
            return
        } else {
            broken(i, errno)
        }
    }

    /// The connection broke before any answer: a kept connection the receiver had closed gets the request once more on a
    /// new connection (when allowed); otherwise the request fails.
    mutating func broken(_ i: Int, _ code: Int32) {
        let r = connections[i].request!
        if connections[i].reused && connections[i].received.isEmpty && resendOnStale && !resent.contains(r) {
            resent.insert(r)
            close(connections[i].fd)
            connections[i].fd = -1
            connections[i].request = nil
            queue.append(r)
            return
        }
        finish(i, .failure(.connectionLost(errnoText(code))), keep: false)
    }

    mutating func finish(_ i: Int, _ result: Result<WireResponse, WireError>, keep: Bool) {
        results[connections[i].request!] = result
        connections[i].request = nil
        connections[i].received.removeAll(keepingCapacity: true)
        connections[i].deadline = .infinity
        if keep {
            connections[i].reused = true
        } else {
            close(connections[i].fd)
            connections[i].fd = -1
        }
    }

    mutating func fail(all error: WireError) {
        for i in results.indices where results[i] == nil { results[i] = .failure(error) }
        for c in connections where c.fd >= 0 { close(c.fd) }
        connections = []
        queue = []
    }
}

/// Reads one HTTP/1.x response from the bytes received so far.
enum ResponseParser {
    enum Parsed {
        case incomplete
        /// The response and how many bytes it used.
        case complete(WireResponse, used: Int)
        case invalid(String)
    }

    static let crlf: [UInt8] = [13, 10]

    /// - Parameter ended: the receiver closed the connection after these bytes (a body without a length ends there).
    static func parse(_ b: [UInt8], ended: Bool) -> Parsed {
        if b.count > PlainHTTPClient.responseLimit { return .invalid("the answer is larger than 16 MB") }
        var start = 0
        while true {
            guard let headEnd = find([13, 10, 13, 10], in: b, from: start) else {
                return b.count - start > 64 * 1024 ? .invalid("the answer's headers are longer than 64 KB") : .incomplete
            }
            // The status line: "HTTP/1.x NNN reason".
            let lineEnd = find(crlf, in: b, from: start) ?? headEnd
            func digit(_ i: Int) -> Int? { i < lineEnd && b[i] >= 48 && b[i] <= 57 ? Int(b[i] - 48) : nil }
            guard lineEnd - start >= 12, b[start..<start + 7].elementsEqual("HTTP/1.".utf8), b[start + 8] == 32,
                  let d0 = digit(start + 9), let d1 = digit(start + 10), let d2 = digit(start + 11),
                  start + 12 == lineEnd || b[start + 12] == 32, d0 >= 1 else {
                return .invalid("the answer does not start with an HTTP/1.x status line (\(String(decoding: b[start..<min(lineEnd, start + 60)], as: UTF8.self)))")
            }
            let status = d0 * 100 + d1 * 10 + d2
            let http11 = b[start + 7] == UInt8(ascii: "1")
            var headers: [(name: String, value: String)] = []
            var p = lineEnd + 2
            while p < headEnd {
                let end = find(crlf, in: b, from: p).map { min($0, headEnd) } ?? headEnd
                guard let colon = b[p..<end].firstIndex(of: UInt8(ascii: ":")) else {
                    return .invalid("a header line without a colon (\(String(decoding: b[p..<min(end, p + 60)], as: UTF8.self)))")
                }
                var v0 = colon + 1, v1 = end
                while v0 < v1 && (b[v0] == 32 || b[v0] == 9) { v0 += 1 }
                while v1 > v0 && (b[v1 - 1] == 32 || b[v1 - 1] == 9) { v1 -= 1 }
                let name = String(decoding: b[p..<colon].map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
                headers.append((name, String(decoding: b[v0..<v1], as: UTF8.self)))
                p = end + 2
            }
            func values(_ name: String) -> [String] { headers.filter { $0.name == name }.map { $0.value.lowercased() } }
            let bodyStart = headEnd + 4
            if status < 200 {  // 100 Continue and other interim answers: the real one follows
                if status == 101 { return .invalid("the receiver switched protocols (HTTP 101)") }
                start = bodyStart
                continue
            }
            let connection = values("connection").joined(separator: ",")
            let keepAlive = http11 ? !connection.contains("close") : connection.contains("keep-alive")
            var response = WireResponse(status: status, headers: headers, body: [], keepAlive: keepAlive)
            if status == 204 || status == 304 { return .complete(response, used: bodyStart) }
            if values("transfer-encoding").contains(where: { $0.contains("chunked") }) {
                return chunked(b, from: bodyStart, response)
            }
            if let lengthText = values("content-length").first {
                guard let length = Int(lengthText), length >= 0 else { return .invalid("the Content-Length '\(lengthText)' is not a number") }
                guard length <= PlainHTTPClient.responseLimit else { return .invalid("the answer is larger than 16 MB") }
                guard b.count >= bodyStart + length else { return .incomplete }
                response.body = Array(b[bodyStart..<bodyStart + min(length, PlainHTTPClient.bodyLimit)])
                return .complete(response, used: bodyStart + length)
            }
            // No length: the body runs until the receiver closes the connection.
            guard ended else { return .incomplete }
            response.keepAlive = false
            response.body = Array(b[bodyStart..<min(b.count, bodyStart + PlainHTTPClient.bodyLimit)])
            return .complete(response, used: b.count)
        }
    }

    static func chunked(_ b: [UInt8], from: Int, _ head: WireResponse) -> Parsed {
        var response = head
        var p = from
        while true {
            guard let lineEnd = find(crlf, in: b, from: p) else { return .incomplete }
            let sizeText = String(decoding: b[p..<lineEnd], as: UTF8.self).split(separator: ";").first.map {
                $0.trimmingCharacters(in: .whitespaces)
            } ?? ""
            guard let size = Int(sizeText, radix: 16), size >= 0 else { return .invalid("a chunk size '\(sizeText.prefix(20))' that is not hexadecimal") }
            guard size <= PlainHTTPClient.responseLimit else { return .invalid("the answer is larger than 16 MB") }
            p = lineEnd + 2
            if size == 0 {
                // Trailers, then an empty line.
                while true {
                    guard let end = find(crlf, in: b, from: p) else { return .incomplete }
                    if end == p { return .complete(response, used: p + 2) }
                    p = end + 2
                }
            }
            guard b.count >= p + size + 2 else { return .incomplete }
            guard b[p + size] == 13, b[p + size + 1] == 10 else { return .invalid("a chunk that does not end where its size says") }
            let room = PlainHTTPClient.bodyLimit - response.body.count
            if room > 0 { response.body.append(contentsOf: b[p..<p + min(size, room)]) }
            p += size + 2
        }
    }

    static func find(_ needle: [UInt8], in b: [UInt8], from: Int) -> Int? {
        guard b.count >= needle.count else { return nil }
        var i = from
        let last = b.count - needle.count
        while i <= last {
            if b[i] == needle[0] {
                var k = 1
                while k < needle.count && b[i + k] == needle[k] { k += 1 }
                if k == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}
