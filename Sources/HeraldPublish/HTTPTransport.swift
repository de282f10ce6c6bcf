import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOTLS

/// A request as it goes on the wire: its head and its body.
struct WireMessage: Sendable {
    var head: HTTPRequestHead
    var body: ByteBuffer
}

/// A request to send. One that waited in its batch longer than `freshFor` seconds is made again when it is put on a
/// connection (a signed timestamp stays close to the time it is sent).
struct WireRequest: Sendable {
    let message: WireMessage
    let remake: (@Sendable () -> WireMessage)?

    init(_ message: WireMessage, remake: (@Sendable () -> WireMessage)? = nil) {
        self.message = message
        self.remake = remake
    }

    static let freshFor: Double = 30
}

/// A receiver's answer.
struct WireResponse: Sendable {
    var status: Int
    var headers: HTTPHeaders
    /// At most `HTTPTransport.bodyLimit` bytes of the body (the rest is read and dropped).
    var body: [UInt8]
    /// The connection may carry the next request.
    var keepAlive: Bool

    /// A header's first value (spaces around it trimmed), whatever the case of its name.
    func header(_ name: String) -> String? { headers.first(name: name)?.trimmingCharacters(in: .whitespaces) }
}

/// Why a request got no answer: the transport's one error type, for both schemes.
enum WireError: Error, Sendable, Equatable {
    /// No connection could be made (refused, no route, the name does not resolve, connect timed out, TLS handshake failed).
    case cannotConnect(String)
    /// Connected and sent, but no full answer within the timeout.
    case timedOut
    /// The connection broke before a full answer.
    case connectionLost(String)
    /// The answer is not HTTP/1.x, or breaks the transport's limits.
    case malformed(String)
}

/// Where requests go: a scheme, a host and a port. Kept connections are pooled per endpoint.
struct HTTPEndpoint: Hashable, Sendable {
    var secure: Bool
    /// As in the address, without the brackets of an IPv6 literal.
    var host: String
    var port: Int

    /// The endpoint of an `http://` or `https://` address with a host; nil for anything else.
    init?(_ url: URL) {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty else { return nil }
        self.init(secure: scheme == "https", host: host, port: url.port ?? (scheme == "https" ? 443 : 80))
    }

    init(secure: Bool, host: String, port: Int) {
        self.secure = secure
        self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host.lowercased()
        self.port = port
    }

    /// Whether the host is an IP address (no SNI; the certificate is checked against the address).
    var hostIsAddress: Bool { (try? SocketAddress(ipAddress: host, port: 0)) != nil }
}

/// HTTP/1.1 over SwiftNIO for webhooks, `http://` and `https://` alike: connections made by `ClientBootstrap` (Happy
/// Eyeballs over the host's addresses), NIOSSL for TLS, NIOHTTP1's codec with header limits, a body limit of its own.
/// A batch of requests goes out over up to N connections (no pipelining: a connection carries one request at a time, as
/// RFC 9112 asks for POST); kept-alive connections are pooled per host for the next batch. A request sent on a kept
/// connection that the receiver had meanwhile closed (nothing came back) is sent once more on a new connection when the
/// caller allows it (the hook drops repeats by their id). Every channel lives on one event loop, where each batch runs.
final class HTTPTransport: Sendable {
    /// The body bytes kept per answer.
    static let bodyLimit = 256 * 1024
    /// An answer larger than this is refused (a webhook answers with a little JSON).
    static let responseLimit = 16 * 1024 * 1024
    /// The most header bytes an answer may have.
    static let headerLimit = 64 * 1024

    let loop: any EventLoop
    let tls: TLSConfiguration
    /// The most idle connections kept per endpoint.
    let maxIdle: Int
    /// Resolves host names for each new connection (NIO's getaddrinfo resolver when nil).
    let makeResolver: (@Sendable (any EventLoop) -> any Resolver & Sendable)?
    private let state: NIOLoopBoundBox<PoolState?>

    /// - Parameters:
    ///   - tls: how `https://` receivers are checked (by default: the system's certificate authorities, full verification).
    ///   - maxIdlePerHost: the most kept-alive connections pooled per host between batches.
    init(group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, tls: TLSConfiguration = .makeClientConfiguration(),
         maxIdlePerHost: Int = PublisherSettings.defaultConcurrency,
         resolver: (@Sendable (any EventLoop) -> any Resolver & Sendable)? = nil) {
        loop = group.next()
        self.tls = tls
        maxIdle = max(1, maxIdlePerHost)
        makeResolver = resolver
        state = .makeEmptyBox(valueType: PoolState.self, eventLoop: loop)
    }

    /// The TLS configuration `https://` receivers are checked with: the system's certificate authorities, or those in the
    /// PEM file `SSL_CERT_FILE` names (as OpenSSL, curl and Go read it).
    static func tlsConfiguration(environment: [String: String]) -> TLSConfiguration {
        var config = TLSConfiguration.makeClientConfiguration()
        if let file = environment["SSL_CERT_FILE"], !file.isEmpty { config.trustRoots = .file(file) }
        return config
    }

    /// Sends every request and waits for every answer (or error), in the requests' order.
    func send(_ requests: [WireRequest], to endpoint: HTTPEndpoint, timeout: TimeInterval, connectTimeout: TimeInterval = 10,
              maxConnections: Int, resendOnStale: Bool, freshFor: TimeInterval = WireRequest.freshFor) async
        -> [Result<WireResponse, WireError>] {
        guard !requests.isEmpty else { return [] }
        let future = loop.flatSubmit { [self] () -> EventLoopFuture<[Result<WireResponse, WireError>]> in
            let batch = Batch(transport: self, endpoint: endpoint, requests: requests, timeout: timeout, connectTimeout: connectTimeout,
                              maxConnections: max(1, maxConnections), resendOnStale: resendOnStale, freshFor: freshFor)
            return batch.run()
        }
        return (try? await future.get()) ?? requests.map { _ in .failure(.connectionLost("the transport stopped")) }
    }

    /// Closes the kept connections.
    func closeIdle() async {
        let closed = loop.flatSubmit { [self] () -> EventLoopFuture<Void> in
            let pool = pool()
            let channels = pool.idle.values.flatMap { $0.map(\.channel) }
            pool.idle = [:]
            return EventLoopFuture.andAllComplete(channels.map { $0.close() }, on: loop)
        }
        try? await closed.get()
    }

    // MARK: On the event loop

    /// The loop's pool (made on first use).
    fileprivate func pool() -> PoolState {
        if let p = state.value { return p }
        let p = PoolState()
        state.value = p
        return p
    }

    /// A kept connection to the endpoint the receiver has not closed, if any.
    fileprivate func takeIdle(_ endpoint: HTTPEndpoint) -> Connection? {
        let pool = pool()
        while let c = pool.idle[endpoint]?.popLast() {
            if c.isUsable { return c }
            c.close()
        }
        return nil
    }

    /// Keeps a connection for the next batch (or closes it when the pool is full or it cannot carry another request).
    fileprivate func keep(_ c: Connection) {
        let pool = pool()
        guard c.isUsable, pool.idle[c.endpoint, default: []].count < maxIdle else { c.close(); return }
        c.reused = true
        pool.idle[c.endpoint, default: []].append(c)
    }

    /// A new connection, TLS handshake done for `https://`.
    fileprivate func connect(_ endpoint: HTTPEndpoint, timeout: TimeInterval) -> EventLoopFuture<Connection> {
        let pool = pool()
        var context: NIOSSLContext?
        if endpoint.secure {
            if pool.tlsContext == nil {
                do { pool.tlsContext = try NIOSSLContext(configuration: tls) } catch {
                    return loop.makeFailedFuture(WireError.cannotConnect("cannot set up TLS: \(Self.describe(error))"))
                }
            }
            context = pool.tlsContext
        }
        let serverName = endpoint.secure && !endpoint.hostIsAddress ? endpoint.host : nil
        let connectTimeout = TimeAmount.nanoseconds(Int64(max(0.001, timeout) * 1e9))
        var bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(connectTimeout)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { [context] channel in
                channel.eventLoop.makeCompletedFuture(withResultOf: {
                    let pipeline = channel.pipeline.syncOperations
                    if let context { try pipeline.addHandler(NIOSSLClientHandler(context: context, serverHostname: serverName)) }
                    var limits = NIOHTTPDecoderLimitConfiguration()
                    limits.maxHeaderListSize = HTTPTransport.headerLimit
                    limits.maxHeaderFieldSize = HTTPTransport.headerLimit
                    try pipeline.addHTTPClientHandlers(position: .last, leftOverBytesStrategy: .dropBytes,
                                                       enableOutboundHeaderValidation: true, encoderConfiguration: .init(),
                                                       decoderLimitConfiguration: limits, withClientUpgrade: nil)
                    try pipeline.addHandler(ExchangeHandler(secure: context != nil))
                })
            }
        if let makeResolver { bootstrap = bootstrap.resolver(makeResolver(loop)) }
        let loop = self.loop
        let promise = loop.makePromise(of: Connection.self)
        bootstrap.connect(host: endpoint.host, port: endpoint.port).assumeIsolated().whenComplete { result in
            let channel: Channel, handler: ExchangeHandler
            do {
                channel = try result.get()
                handler = try channel.pipeline.syncOperations.handler(type: ExchangeHandler.self)
            } catch {
                promise.fail(Self.connectError(error))
                return
            }
            // Connected; for TLS the handshake still has to finish, within the same time.
            let timer = loop.assumeIsolated().scheduleTask(in: connectTimeout) {
                handler.failReady(.cannotConnect("the TLS handshake timed out"))
            }
            handler.whenReady { ready in
                timer.cancel()
                switch ready {
                case .success:
                    promise.assumeIsolated().succeed(Connection(endpoint: endpoint, channel: channel, handler: handler))
                case .failure(let e):
                    channel.close(promise: nil)
                    promise.fail(e)
                }
            }
        }
        return promise.futureResult
    }

    // MARK: Errors

    static func errnoText(_ code: Int32) -> String {
        switch code {
        case ECONNREFUSED: return "connection refused"
        case ETIMEDOUT: return "connection timed out"
        case ENETUNREACH, EHOSTUNREACH: return "no route to the host"
        case ECONNRESET: return "the receiver reset the connection"
        case EPIPE: return "the receiver closed the connection"
        default: return String(cString: strerror(code))
        }
    }

    /// A short text for an error of the layers below (for messages only: decisions go by the error's type).
    static func describe(_ error: any Error) -> String {
        if let e = error as? WireError {
            switch e {
            case .cannotConnect(let s), .connectionLost(let s), .malformed(let s): return s
            case .timedOut: return "timed out"
            }
        }
        if let io = error as? IOError { return errnoText(io.errnoCode) }
        return String(String(describing: error).prefix(200))
    }

    /// Why a connection could not be made.
    static func connectError(_ error: any Error) -> WireError {
        if let e = error as? WireError { return e }
        if let e = error as? NIOConnectionError {
            if let last = e.connectionErrors.last { return connectError(last.error) }
            return .cannotConnect("the host name does not resolve")
        }
        if let e = error as? ChannelError, case .connectTimeout = e { return .cannotConnect("connection timed out") }
        if let io = error as? IOError { return .cannotConnect(errnoText(io.errnoCode)) }
        if error is SocketAddressError { return .cannotConnect("the host name does not resolve") }
        if let e = error as? NIOSSLError { return .cannotConnect("the TLS handshake failed: \(tlsText(e))") }
        if let e = error as? NIOSSLExtraError, e == .failedToValidateHostname {
            return .cannotConnect("the TLS handshake failed: the receiver's certificate is not for this host")
        }
        if error is NIOSSLExtraError || error is BoringSSLError {
            return .cannotConnect("the TLS handshake failed: \(describe(error))")
        }
        return .cannotConnect(describe(error))
    }

    /// What went wrong in TLS, in words (BoringSSL's own detail last, for whoever reads the receiver's logs).
    static func tlsText(_ e: NIOSSLError) -> String {
        switch e {
        case .handshakeFailed(let inner):
            return "check that the receiver's certificate is valid, names the host and is signed by an authority Herald trusts "
                + "(the system's, or those in SSL_CERT_FILE) (\(String(describing: inner).prefix(160)))"
        case .uncleanShutdown: return "the receiver closed the connection"
        default: return String(String(describing: e).prefix(200))
        }
    }

    /// Why an exchange on an open connection failed.
    static func exchangeError(_ error: any Error) -> WireError {
        if let e = error as? WireError { return e }
        if let e = error as? HTTPParserError {
            if case .invalidEOFState = e { return .connectionLost("the receiver closed the connection in the middle of its answer") }
            return .malformed(parserText(e))
        }
        if let io = error as? IOError { return .connectionLost(errnoText(io.errnoCode)) }
        if let e = error as? ChannelError {
            switch e {
            case .ioOnClosedChannel, .alreadyClosed, .eof, .outputClosed: return .connectionLost("the receiver closed the connection")
            default: return .connectionLost(describe(e))
            }
        }
        if let e = error as? NIOSSLError { return .connectionLost("TLS: \(tlsText(e))") }
        return .connectionLost(describe(error))
    }

    static func parserText(_ e: HTTPParserError) -> String {
        switch e {
        case .headerOverflow: return "the answer's headers are longer than 64 KiB"
        case .invalidVersion, .invalidConstant, .invalidStatus, .lfExpected, .invalidCharactersUsed:
            return "the answer does not start with an HTTP/1.x status line"
        case .invalidContentLength, .unexpectedContentLength: return "the answer's Content-Length is not a number"
        case .invalidChunkSize: return "a chunk size that is not hexadecimal"
        case .invalidHeaderToken: return "a header that is not HTTP"
        default: return "the answer is not HTTP/1.1 (\(e))"
        }
    }
}

/// The loop's kept connections and its TLS context (made on first use: loading the trust store takes a while).
private final class PoolState {
    var idle: [HTTPEndpoint: [Connection]] = [:]
    var tlsContext: NIOSSLContext?
}

/// One open connection, on the transport's loop.
private final class Connection {
    let endpoint: HTTPEndpoint
    let channel: Channel
    let handler: ExchangeHandler
    /// Came from the pool, or carried a request before (the receiver may have closed it meanwhile).
    var reused = false

    init(endpoint: HTTPEndpoint, channel: Channel, handler: ExchangeHandler) {
        self.endpoint = endpoint; self.channel = channel; self.handler = handler
    }

    var isUsable: Bool { channel.isActive && handler.isIdle }

    func close() { channel.close(promise: nil) }
}

/// Carries one request at a time over its connection and collects the answer within the limits.
private final class ExchangeHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart
    typealias Done = (Result<WireResponse, WireError>, _ answered: Bool) -> Void

    private let secure: Bool
    private var context: ChannelHandlerContext?
    private var ready = false
    private var readyError: WireError?
    private var onReady: ((Result<Void, WireError>) -> Void)?
    private var closed = false

    private var done: Done?
    private var head: HTTPResponseHead?
    private var body: [UInt8] = []
    private var received = 0
    /// Something came back for the current request.
    private var answered = false

    init(secure: Bool) { self.secure = secure }

    var isIdle: Bool { ready && !closed && done == nil }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if !secure && context.channel.isActive { becomeReady() }
    }

    func channelActive(context: ChannelHandlerContext) {
        if !secure { becomeReady() }
        context.fireChannelActive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let tls = event as? TLSUserEvent, case .handshakeCompleted = tls { becomeReady() }
        context.fireUserInboundEventTriggered(event)
    }

    /// Calls back once the connection can carry requests (at once if it can already), or why it cannot.
    func whenReady(_ callback: @escaping (Result<Void, WireError>) -> Void) {
        if ready { callback(.success(())) } else if let e = readyError { callback(.failure(e)) } else { onReady = callback }
    }

    private func becomeReady() {
        guard !ready, readyError == nil else { return }
        ready = true
        let callback = onReady
        onReady = nil
        callback?(.success(()))
    }

    func failReady(_ error: WireError) {
        guard !ready, readyError == nil else { return }
        readyError = error
        let callback = onReady
        onReady = nil
        callback?(.failure(error))
        context?.close(promise: nil)
    }

    /// Sends a request; `done` is called once with its answer or error.
    func send(_ message: WireMessage, done: @escaping Done) {
        guard let context, !closed else {
            done(.failure(.connectionLost("the receiver closed the connection")), false)
            return
        }
        self.done = done
        head = nil
        body.removeAll(keepingCapacity: true)
        received = 0
        answered = false
        context.write(wrapOutboundOut(.head(message.head)), promise: nil)
        if message.body.readableBytes > 0 { context.write(wrapOutboundOut(.body(.byteBuffer(message.body))), promise: nil) }
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
        written.futureResult.assumeIsolated().whenFailure { [self] error in
            abort(HTTPTransport.exchangeError(error))
        }
    }

    /// Ends the current request with an error and closes the connection.
    func abort(_ error: WireError) {
        finish(.failure(error))
        context?.close(promise: nil)
    }

    private func finish(_ result: Result<WireResponse, WireError>) {
        guard let callback = done else { return }
        done = nil
        callback(result, answered)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard done != nil else {
            // Nothing was asked: a receiver talking out of turn cannot be trusted with the next request.
            context.close(promise: nil)
            return
        }
        answered = true
        switch unwrapInboundIn(data) {
        case .head(let h):
            if h.status.code == 101 { abort(.malformed("the receiver switched protocols (HTTP 101)")); return }
            if let length = h.headers.first(name: "content-length").flatMap(Int.init), length > HTTPTransport.responseLimit {
                abort(.malformed("the answer is larger than 16 MiB"))
                return
            }
            head = h
        case .body(let buffer):
            received += buffer.readableBytes
            if received > HTTPTransport.responseLimit { abort(.malformed("the answer is larger than 16 MiB")); return }
            let room = HTTPTransport.bodyLimit - body.count
            if room > 0 { body.append(contentsOf: buffer.readableBytesView.prefix(room)) }
        case .end:
            guard let h = head else { abort(.malformed("an answer without a status line")); return }
            // The connection carries the next request only when the receiver keeps it and the body had a length.
            let framed = h.headers.contains(name: "content-length") || h.headers.contains(name: "transfer-encoding")
                || h.status.code == 204 || h.status.code == 304
            let keep = h.isKeepAlive && framed && context.channel.isActive
            let response = WireResponse(status: Int(h.status.code), headers: h.headers, body: body, keepAlive: keep)
            body = []
            finish(.success(response))
            if !keep { context.close(promise: nil) }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A TLS receiver that closes without close_notify: the close follows, and ends a body without a length as for http.
        if let e = error as? NIOSSLError, case .uncleanShutdown = e { return }
        if !ready {
            failReady(HTTPTransport.connectError(error))
        } else {
            if error is HTTPParserError { answered = true }
            finish(.failure(HTTPTransport.exchangeError(error)))
        }
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        failReady(.cannotConnect("the receiver closed the connection"))
        finish(.failure(.connectionLost(answered ? "the receiver closed the connection in the middle of its answer"
                                                   : "the receiver closed the connection")))
        context.fireChannelInactive()
    }
}

/// One batch's run, on the transport's loop.
private final class Batch {
    let transport: HTTPTransport
    let endpoint: HTTPEndpoint
    let requests: [WireRequest]
    let timeout: TimeInterval
    let connectTimeout: TimeInterval
    let maxConnections: Int
    let resendOnStale: Bool
    let freshFor: TimeInterval
    let promise: EventLoopPromise<[Result<WireResponse, WireError>]>
    let started = NIODeadline.now()

    var results: [Result<WireResponse, WireError>?]
    /// Each request as it went out (made again when it waited past its freshness).
    var messages: [WireMessage?]
    /// Requests not yet on a connection, next one last.
    var queue: [Int]
    var resent: Set<Int> = []
    /// Open connections not carrying a request.
    var free: [Connection] = []
    var busy = 0
    var opening = 0
    /// Set when connecting failed: the rest of the batch fails the same way (the deliveries retry later).
    var endpointError: WireError?
    var finished = false

    init(transport: HTTPTransport, endpoint: HTTPEndpoint, requests: [WireRequest], timeout: TimeInterval, connectTimeout: TimeInterval,
         maxConnections: Int, resendOnStale: Bool, freshFor: TimeInterval) {
        self.transport = transport; self.endpoint = endpoint; self.requests = requests; self.timeout = timeout
        self.connectTimeout = connectTimeout; self.maxConnections = maxConnections; self.resendOnStale = resendOnStale
        self.freshFor = freshFor
        promise = transport.loop.makePromise()
        results = Array(repeating: nil, count: requests.count)
        messages = Array(repeating: nil, count: requests.count)
        queue = Array((0..<requests.count).reversed())
    }

    func run() -> EventLoopFuture<[Result<WireResponse, WireError>]> {
        assign()
        checkDone()
        return promise.futureResult
    }

    /// Puts waiting requests on free connections: kept ones first, then new ones up to the limit.
    func assign() {
        while let next = queue.last {
            if let e = endpointError {
                queue.removeLast()
                results[next] = .failure(e)
                continue
            }
            if let c = free.popLast() {
                queue.removeLast()
                start(next, on: c)
                continue
            }
            guard busy + opening < maxConnections else { return }
            if let c = transport.takeIdle(endpoint) {
                queue.removeLast()
                start(next, on: c)
                continue
            }
            guard opening < queue.count else { return }
            open()
        }
    }

    func open() {
        opening += 1
        transport.connect(endpoint, timeout: connectTimeout).assumeIsolated().whenComplete { [self] result in
            opening -= 1
            switch result {
            case .success(let c):
                if finished { transport.keep(c) } else { free.append(c) }
            case .failure(let e):
                if endpointError == nil { endpointError = HTTPTransport.connectError(e) }
            }
            assign()
            checkDone()
        }
    }

    func start(_ i: Int, on c: Connection) {
        busy += 1
        if messages[i] == nil {
            let r = requests[i]
            let waited = Double((NIODeadline.now() - started).nanoseconds) / 1e9
            messages[i] = r.remake != nil && waited > freshFor ? r.remake!() : r.message
        }
        let handler = c.handler
        let timer = transport.loop.assumeIsolated().scheduleTask(in: .nanoseconds(Int64(max(0.001, timeout) * 1e9))) {
            handler.abort(.timedOut)
        }
        handler.send(messages[i]!) { [self] result, answered in
            timer.cancel()
            busy -= 1
            switch result {
            case .success(let response):
                results[i] = .success(response)
                if response.keepAlive && c.isUsable {
                    c.reused = true
                    free.append(c)
                } else {
                    c.close()
                }
            case .failure(let error):
                c.close()
                // A kept connection the receiver had closed as the request went out: once more on a new one, if allowed.
                if case .connectionLost = error, c.reused, !answered, resendOnStale, !resent.contains(i) {
                    resent.insert(i)
                    queue.append(i)
                } else {
                    results[i] = .failure(error)
                }
            }
            // Let the handler finish its own bookkeeping before the connection is used again.
            transport.loop.assumeIsolated().execute { [self] in
                assign()
                checkDone()
            }
        }
    }

    func checkDone() {
        guard !finished, queue.isEmpty, busy == 0 else { return }
        finished = true
        for c in free { transport.keep(c) }
        free = []
        promise.succeed(results.map { $0 ?? .failure(.connectionLost("no answer")) })
    }
}
