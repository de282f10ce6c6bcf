import Foundation
import HeraldModel
import NIOCore
import NIOHTTP1

/// One call to make: the bytes a hook receives and the ids that go with them.
public struct HookCall: Sendable {
    /// The delivery id: `webhook-id`, `Idempotency-Key`, `HERALD_DELIVERY_ID`, the outbox file name.
    public var id: String
    public var postID: String
    public var body: Data
    /// Sent as `webhook-timestamp`: the real time of sending, never a replayed `--now`.
    public var timestamp: Date
    /// For the outbox: the day in the file name and the post's text for the `.md` file.
    public var day: String
    public var text: String?

    public init(id: String, postID: String, body: Data, timestamp: Date, day: String, text: String?) {
        self.id = id; self.postID = postID; self.body = body; self.timestamp = timestamp; self.day = day; self.text = text
    }
}

/// How a call went, before the retry policy is applied.
public enum CallOutcome: Sendable {
    case published(url: String?, remoteID: String?, httpStatus: Int?, exitCode: Int?, excerpt: String?)
    /// Worth another try; `retryAfter` when the receiver asked for a pause.
    case retry(error: String, retryAfter: TimeInterval?, httpStatus: Int?, exitCode: Int?, excerpt: String?, unreachable: Bool)
    case failed(error: String, httpStatus: Int?, exitCode: Int?, excerpt: String?, disableHook: Bool)
    /// It may or may not have happened (a non-idempotent command cut at its timeout).
    case unknown(error: String, exitCode: Int?)
}

/// Calls hooks: webhooks over HTTP (no redirects followed), commands as child processes (argv, never a shell),
/// outboxes as atomically written files.
public final class HookCaller: Sendable {
    /// Webhooks' one transport, `http://` and `https://` alike: kept connections per host.
    let transport: HTTPTransport
    /// Where commands' PATH, HOME and LANG (and their hook's `env` variables, read at resolve) come from.
    let baseEnvironment: [String: String]

    /// - Parameters:
    ///   - environment: also where `SSL_CERT_FILE` (certificate authorities trusted instead of the system's) is read.
    ///   - concurrency: the most connections kept to one receiver between batches (the publisher's calls in flight).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment,
                concurrency: Int = PublisherSettings.defaultConcurrency) {
        transport = HTTPTransport(tls: HTTPTransport.tlsConfiguration(environment: environment), maxIdlePerHost: concurrency)
        baseEnvironment = environment
    }

    public func shutdown() async {
        await transport.closeIdle()
    }

    public func call(_ hook: ResolvedHook, _ call: HookCall) async -> CallOutcome {
        switch hook.target {
        case .webhook(let url, let signer): return await webhook(url, signer, hook, [call], concurrency: 1)[0]
        case .command(let argv):
            let env = CommandRunner.environment(base: baseEnvironment, listed: hook.environment, call: call)
            return await CommandRunner.run(argv: argv, call: call, timeout: hook.timeout, idempotent: hook.idempotent, environment: env)
        case .outbox(let dir): return Outbox.write(directory: dir, call: call)
        }
    }

    /// Whether calls to this hook go out as batches over kept connections (`callBatch`): webhooks.
    public func sendsInBatches(_ hook: ResolvedHook) -> Bool {
        if case .webhook(let url, _) = hook.target { return HTTPEndpoint(url) != nil }
        return false
    }

    /// Calls one hook for many deliveries at once, at most `concurrency` in flight; the outcomes in the calls' order.
    /// Webhooks share kept connections, each request signed with `clock`'s time as it goes out; any other hook is called
    /// one by one.
    public func callBatch(_ hook: ResolvedHook, _ calls: [HookCall], concurrency: Int,
                          clock: @escaping @Sendable () -> Date = { Date() }) async -> [CallOutcome] {
        if case .webhook(let url, let signer) = hook.target {
            return await webhook(url, signer, hook, calls, concurrency: concurrency, clock: clock)
        }
        var out: [CallOutcome] = []
        for call in calls { out.append(await self.call(hook, call)) }
        return out
    }

    /// Runs blocking work on its own thread, off Swift's cooperative pool.
    static func onThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { (cont: CheckedContinuation<T, Never>) in
            let thread = Thread { cont.resume(returning: work()) }
            thread.start()
        }
    }

    /// Posts the calls to a webhook over at most `concurrency` connections. With a `clock`, a request that waited past
    /// its freshness is signed again with the clock's time as it goes out.
    func webhook(_ url: URL, _ signer: WebhookSigner, _ hook: ResolvedHook, _ calls: [HookCall], concurrency: Int,
                 clock: (@Sendable () -> Date)? = nil) async -> [CallOutcome] {
        guard let target = WebhookTarget(url) else {
            return calls.map { _ in .failed(error: "the webhook address \(url.absoluteString) is not http:// or https:// with a host",
                                            httpStatus: nil, exitCode: nil, excerpt: nil, disableHook: false) }
        }
        let requests = calls.map { call -> WireRequest in
            var remake: (@Sendable () -> WireMessage)?
            if let clock { remake = { target.request(call, at: clock(), signer: signer) } }
            return WireRequest(target.request(call, at: call.timestamp, signer: signer), remake: remake)
        }
        let results = await transport.send(requests, to: target.endpoint, timeout: hook.timeout, maxConnections: concurrency,
                                           resendOnStale: hook.idempotent)
        return zip(calls, results).map { call, result in
            switch result {
            case .success(let r):
                return Self.outcome(status: r.status, header: { r.header($0) }, body: String(decoding: r.body, as: UTF8.self), hook: hook, call: call)
            case .failure(.timedOut):
                return Self.timedOut(hook)
            case .failure(.cannotConnect(let why)), .failure(.connectionLost(let why)):
                return .retry(error: "cannot reach \(target.endpoint.host): \(why)", retryAfter: nil, httpStatus: nil, exitCode: nil,
                              excerpt: nil, unreachable: true)
            case .failure(.malformed(let why)):
                return .retry(error: "\(target.endpoint.host) did not answer in HTTP: \(why)", retryAfter: nil, httpStatus: nil,
                              exitCode: nil, excerpt: nil, unreachable: false)
            }
        }
    }

    static let userAgent = "herald/0.1 (+standard-webhooks)"

    static func timedOut(_ hook: ResolvedHook) -> CallOutcome {
        .retry(error: "no answer within \(Int(hook.timeout)) s (timed out)", retryAfter: nil, httpStatus: nil, exitCode: nil, excerpt: nil,
               unreachable: false)
    }

    /// What a receiver's answer means for the delivery.
    static func outcome(status: Int, header: (String) -> String?, body text: String, hook: ResolvedHook, call: HookCall) -> CallOutcome {
        let excerpt = text.isEmpty ? nil : String(text.prefix(500))
        switch status {
        case 200..<300:
            var url: String?, rid: String?
            // An answer of `{}` or less names nothing: skip the parser.
            if text.utf8.count > 2, let json = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] {
                url = json["url"] as? String
                rid = (json["id"] as? String) ?? (json["id"] as? Int).map(String.init)
            }
            return .published(url: url, remoteID: rid, httpStatus: status, exitCode: nil, excerpt: excerpt)
        case 300..<400:
            let location = header("Location").map { " to \($0)" } ?? ""
            return .failed(error: "HTTP \(status): redirect\(location) not followed; point the hook at the final address",
                           httpStatus: status, exitCode: nil, excerpt: excerpt, disableHook: false)
        case 408, 429, 500..<600:
            let after = RetryPolicy.retryAfter(header("Retry-After"), now: call.timestamp)
            return .retry(error: "HTTP \(status)", retryAfter: after, httpStatus: status, exitCode: nil, excerpt: excerpt, unreachable: false)
        case 410:
            return .failed(error: "HTTP 410 Gone: the receiver says this hook is gone; the hook is disabled until `herald hooks enable \(hook.id)`",
                           httpStatus: status, exitCode: nil, excerpt: excerpt, disableHook: true)
        default:
            return .failed(error: "HTTP \(status): the receiver refused the post", httpStatus: status, exitCode: nil, excerpt: excerpt,
                           disableHook: false)
        }
    }
}

/// Where a webhook's requests go, and the fixed part of their head.
struct WebhookTarget: Sendable {
    let endpoint: HTTPEndpoint
    let uri: String
    let headers: HTTPHeaders

    init?(_ url: URL) {
        guard let endpoint = HTTPEndpoint(url) else { return nil }
        self.endpoint = endpoint
        let components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        var path = components?.percentEncodedPath ?? "/"
        if path.isEmpty { path = "/" }
        if let q = components?.percentEncodedQuery { path += "?" + q }
        uri = path
        var authority = endpoint.host.contains(":") ? "[\(endpoint.host)]" : endpoint.host
        if let port = url.port, port != (endpoint.secure ? 443 : 80) { authority += ":\(port)" }
        var headers: HTTPHeaders = ["Host": authority, "Content-Type": "application/json", "User-Agent": HookCaller.userAgent]
        // Credentials in the address (https://user:password@host/…) go as basic authentication, as a browser sends them.
        if let user = url.user, !user.isEmpty {
            func decoded(_ s: String) -> String { s.removingPercentEncoding ?? s }
            headers.add(name: "Authorization", value: "Basic \(Data("\(decoded(user)):\(decoded(url.password ?? ""))".utf8).base64EncodedString())")
        }
        self.headers = headers
    }

    /// The request, signed for the given time.
    func request(_ call: HookCall, at time: Date, signer: WebhookSigner) -> WireMessage {
        let ts = Int(time.timeIntervalSince1970)
        return request(call, timestamp: ts, signature: signer.signature(id: call.id, timestamp: ts, body: call.body))
    }

    /// The request: the webhook headers of Standard Webhooks, `Idempotency-Key`, and the body.
    func request(_ call: HookCall, timestamp: Int, signature: String) -> WireMessage {
        var h = headers
        h.add(name: "webhook-id", value: call.id)
        h.add(name: "webhook-timestamp", value: String(timestamp))
        h.add(name: "webhook-signature", value: signature)
        h.add(name: "Idempotency-Key", value: call.id)
        h.add(name: "Content-Length", value: String(call.body.count))
        return WireMessage(head: HTTPRequestHead(version: .http1_1, method: .POST, uri: uri, headers: h), body: ByteBuffer(bytes: call.body))
    }
}

/// Runs a command hook: argv as given, the payload on stdin, a minimal environment (PATH, HOME, LANG, the hook's `env`
/// variables, HERALD_DELIVERY_ID and HERALD_POST_ID); stopped after its timeout. Each command is watched by a thread of its
/// own (spawn, feed, read and reap in one `poll` loop), so as many run at once as the publisher calls, and a command's
/// end is seen when it happens.
enum CommandRunner {
    /// What every command gets from Herald's environment (when set); anything else only when the hook lists it.
    static let passedOn = ["PATH", "HOME", "LANG"]
    static let defaultPath = "/usr/local/bin:/usr/bin:/bin"
    /// Output kept: standard output (for the JSON answer) and standard error; the rest is read and dropped.
    static let outputLimit = 256 * 1024, errorLimit = 64 * 1024

    /// The environment a command hook runs with.
    static func environment(base: [String: String], listed: [String: String], call: HookCall) -> [String: String] {
        var env: [String: String] = [:]
        for name in passedOn { if let v = base[name] { env[name] = v } }
        if env["PATH"] == nil { env["PATH"] = defaultPath }
        for (k, v) in listed { env[k] = v }
        env["HERALD_DELIVERY_ID"] = call.id
        env["HERALD_POST_ID"] = call.postID
        return env
    }

    static func run(argv: [String], call: HookCall, timeout: TimeInterval, idempotent: Bool, environment: [String: String]) async -> CallOutcome {
        await HookCaller.onThread {
            runBlocking(argv: argv, call: call, timeout: timeout, idempotent: idempotent, environment: environment)
        }
    }

    static func resolve(_ program: String, path: String?) -> String? {
        if program.contains("/") { return FileManager.default.isExecutableFile(atPath: program) ? program : nil }
        for dir in (path ?? defaultPath).split(separator: ":") {
            let candidate = "\(dir)/\(program)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Seconds on the monotonic clock.
    static func uptime() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    static func runBlocking(argv: [String], call: HookCall, timeout: TimeInterval, idempotent: Bool, environment: [String: String]) -> CallOutcome {
        guard let exe = resolve(argv[0], path: environment["PATH"]) else {
            return .failed(error: "cannot run '\(argv[0])': no such program (check the hook's argv and PATH)", httpStatus: nil,
                           exitCode: nil, excerpt: nil, disableHook: false)
        }
        // A command that exits without reading its payload must give EPIPE here, not kill Herald. SIGPIPE is ignored
        // process-wide: Linux has no per-descriptor switch for pipes (no F_SETNOSIGPIPE), and SwiftNIO, which carries
        // the webhooks, ignores it process-wide on Linux for the same reason as soon as it opens a socket; so does
        // swift-subprocess's own test suite, the package itself leaving it to the caller.
        signal(SIGPIPE, SIG_IGN)
        var input: [Int32] = [-1, -1], output: [Int32] = [-1, -1], errors: [Int32] = [-1, -1]
        guard Spawning.pipe(&input), Spawning.pipe(&output), Spawning.pipe(&errors) else {
            let why = String(cString: strerror(errno))
            for fd in input + output + errors where fd >= 0 { close(fd) }
            return .retry(error: "cannot start '\(exe)': \(why)", retryAfter: nil, httpStatus: nil, exitCode: nil, excerpt: nil, unreachable: false)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input[0], 0)
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errors[1], 2)
        // Nothing else of Herald's (the database, sockets, another command's pipes) is left open in the command.
        Spawning.closeFrom3(&actions)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The command starts with SIGPIPE as usual (Herald ignores it) and no signal blocked.
        var defaults = sigset_t(), mask = sigset_t()
        sigemptyset(&defaults); sigaddset(&defaults, SIGPIPE); sigemptyset(&mask)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        let cEnv: [UnsafeMutablePointer<CChar>?] = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in cArgs + cEnv { free(p) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, exe, &actions, &attributes, cArgs, cEnv)
        close(input[0]); close(output[1]); close(errors[1])
        var stdinFD = input[1], stdoutFD = output[0], stderrFD = errors[0]
        guard spawned == 0 else {
            close(stdinFD); close(stdoutFD); close(stderrFD)
            return .failed(error: "cannot run '\(exe)': \(String(cString: strerror(spawned)))", httpStatus: nil, exitCode: nil, excerpt: nil,
                           disableHook: false)
        }
        for fd in [stdinFD, stdoutFD, stderrFD] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        let body = [UInt8](call.body)
        var written = 0
        if body.isEmpty { close(stdinFD); stdinFD = -1 }
        var out = Data(), err = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        /// Reads what is there; closes the descriptor at its end.
        func drain(_ fd: inout Int32, into data: inout Data, limit: Int) {
            while fd >= 0 {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n > 0 {
                    if data.count < limit { data.append(contentsOf: buffer[0..<min(n, limit - data.count)]) }
                } else if n < 0 && errno == EINTR {
                    continue
                } else if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                    return
                } else {
                    close(fd); fd = -1
                }
            }
        }
        let deadline = uptime() + timeout
        var status: Int32 = 0, exited = false, exitedAt = 0.0
        var timedOut = false, stoppedAt: Double?, killed = false
        while true {
            if !exited {
                let r = waitpid(pid, &status, WNOHANG)
                if r == pid { exited = true; exitedAt = uptime() }
            }
            let now = uptime()
            if exited {
                // Done once its output has ended; a child it left running with the pipes open gets a second, no more.
                if stdoutFD < 0 && stderrFD < 0 { break }
                if now - exitedAt > 1 { break }
            } else if let stopped = stoppedAt {
                if !killed && now - stopped >= 2 { kill(pid, SIGKILL); killed = true }
            } else if now >= deadline {
                timedOut = true
                kill(pid, SIGTERM)
                stoppedAt = now
            }
            var fds: [pollfd] = []
            if stdinFD >= 0 { fds.append(pollfd(fd: stdinFD, events: Int16(POLLOUT), revents: 0)) }
            if stdoutFD >= 0 { fds.append(pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0)) }
            if stderrFD >= 0 { fds.append(pollfd(fd: stderrFD, events: Int16(POLLIN), revents: 0)) }
            // With its output closed, the command is about to be reaped: look again soon. Otherwise the output ending
            // wakes the poll; the limit only bounds how late a timeout (or a command that left its pipes to a child) is seen.
            let limit = fds.isEmpty || (stdoutFD < 0 && stderrFD < 0) ? 0.002 : 0.05
            let until = stoppedAt.map { $0 + 2 } ?? deadline
            let wait = Int32(max(1, min(limit, max(0, until - now)) * 1000))
            let ready = fds.withUnsafeMutableBufferPointer { poll($0.baseAddress, nfds_t($0.count), wait) }
            if ready < 0 && errno != EINTR { break }
            if stdinFD >= 0 {
                var full = false, gone = false
                while written < body.count {
                    let n = body.withUnsafeBytes { write(stdinFD, $0.baseAddress! + written, body.count - written) }
                    if n > 0 { written += n; continue }
                    if n < 0 && errno == EINTR { continue }
                    if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { full = true } else { gone = true }
                    break
                }
                // All written, or the command closed its input (EPIPE): either way, it has had its input.
                if !full || gone { close(stdinFD); stdinFD = -1 }
            }
            drain(&stdoutFD, into: &out, limit: outputLimit)
            drain(&stderrFD, into: &err, limit: errorLimit)
        }
        for fd in [stdinFD, stdoutFD, stderrFD] where fd >= 0 { close(fd) }
        if !exited {
            kill(pid, SIGKILL)
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        }
        let signalled = status & 0x7f
        let code = signalled == 0 ? Int((status >> 8) & 0xff) : 128 + Int(signalled)
        let errText = String(decoding: err.prefix(2000), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let outText = String(decoding: out.prefix(64 * 1024), as: UTF8.self)
        let excerpt = [outText, errText].filter { !$0.isEmpty }.joined(separator: "\n").prefix(500)
        if timedOut {
            let msg = "the command did not finish within \(Int(timeout)) s and was stopped"
            return idempotent
                ? .retry(error: msg, retryAfter: nil, httpStatus: nil, exitCode: nil, excerpt: excerpt.isEmpty ? nil : String(excerpt), unreachable: false)
                : .unknown(error: msg + "; it may or may not have posted", exitCode: nil)
        }
        switch code {
        case 0:
            var url: String?, rid: String?
            if let json = try? JSONSerialization.jsonObject(with: out) as? [String: Any] {
                url = json["url"] as? String
                rid = (json["id"] as? String) ?? (json["id"] as? Int).map(String.init)
            }
            return .published(url: url, remoteID: rid, httpStatus: nil, exitCode: 0, excerpt: excerpt.isEmpty ? nil : String(excerpt))
        case 75:
            return .retry(error: "the command asked to retry (exit 75)\(errText.isEmpty ? "" : ": \(errText.prefix(200))")", retryAfter: nil,
                          httpStatus: nil, exitCode: 75, excerpt: excerpt.isEmpty ? nil : String(excerpt), unreachable: false)
        default:
            let how = signalled == 0 ? "exited with \(code)" : "was stopped by signal \(signalled)"
            return .failed(error: "the command \(how)\(errText.isEmpty ? "" : ": \(errText.prefix(200))")", httpStatus: nil,
                           exitCode: code, excerpt: excerpt.isEmpty ? nil : String(excerpt), disableHook: false)
        }
    }
}

/// glibc's `pipe2` and `posix_spawn_file_actions_addclosefrom_np` (2.34), which Swift's Glibc module does not show
/// (they need _GNU_SOURCE), looked up once by name. Without them, a pipe made by one thread could be inherited by a
/// command another thread starts at that moment, which would then hold it open and delay the first command's end.
enum Spawning {
    typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
    typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    static let pipe2: Pipe2? = dlsym(nil, "pipe2").map { unsafeBitCast($0, to: Pipe2.self) }
    static let closeFrom: CloseFrom? = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np").map { unsafeBitCast($0, to: CloseFrom.self) }

    /// A pipe whose ends are closed on exec.
    static func pipe(_ fds: inout [Int32]) -> Bool {
        fds.withUnsafeMutableBufferPointer { buffer in
            if let pipe2 { return pipe2(buffer.baseAddress!, O_CLOEXEC) == 0 }
            guard Glibc.pipe(buffer.baseAddress!) == 0 else { return false }
            for fd in buffer { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            return true
        }
    }

    /// Closes every descriptor from 3 up in the child, where the C library can.
    static func closeFrom3(_ actions: inout posix_spawn_file_actions_t) {
        if let closeFrom { _ = closeFrom(&actions, 3) }
    }
}

/// Writes deliveries as files: `<dir>/<date>-<delivery id>.json` (and `.md` with the post's text), each written to a
/// temporary file, flushed to disk, then linked into place. An existing file means it was already delivered.
enum Outbox {
    static func write(directory: String, call: HookCall) -> CallOutcome {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            return .retry(error: "cannot create the outbox folder \(directory): \(error.localizedDescription)", retryAfter: nil,
                          httpStatus: nil, exitCode: nil, excerpt: nil, unreachable: true)
        }
        let stem = "\(call.day)-\(call.id)"
        if let text = call.text {
            if case .failed(let e) = place(Data(text.utf8), at: "\(directory)/\(stem).md", dir: directory) {
                return .retry(error: e, retryAfter: nil, httpStatus: nil, exitCode: nil, excerpt: nil, unreachable: false)
            }
        }
        switch place(call.body, at: "\(directory)/\(stem).json", dir: directory) {
        case .written: return .published(url: "file://\(directory)/\(stem).json", remoteID: stem, httpStatus: nil, exitCode: nil, excerpt: nil)
        case .existed: return .published(url: "file://\(directory)/\(stem).json", remoteID: stem, httpStatus: nil, exitCode: nil,
                                         excerpt: "already in the outbox")
        case .failed(let e): return .retry(error: e, retryAfter: nil, httpStatus: nil, exitCode: nil, excerpt: nil, unreachable: false)
        }
    }

    enum Placed { case written, existed, failed(String) }

    static func place(_ data: Data, at path: String, dir: String) -> Placed {
        if FileManager.default.fileExists(atPath: path) { return .existed }
        let temp = "\(dir)/.\(UUID().uuidString).tmp"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else { return .failed("cannot write in \(dir): \(String(cString: strerror(errno)))") }
        var ok = data.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { return false }
                offset += n
            }
            return true
        }
        ok = ok && fsync(fd) == 0
        close(fd)
        defer { unlink(temp) }
        guard ok else { return .failed("cannot write \(path): \(String(cString: strerror(errno)))") }
        if link(temp, path) != 0 {
            return errno == EEXIST ? .existed : .failed("cannot place \(path): \(String(cString: strerror(errno)))")
        }
        let dfd = open(dir, O_RDONLY)
        if dfd >= 0 { fsync(dfd); close(dfd) }
        return .written
    }
}
