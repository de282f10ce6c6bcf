import Foundation
import GRDB
import HeraldModel
import HeraldPublish
import HeraldStore
import HeraldTestSupport

/// A real HTTP receiver on 127.0.0.1 (Tests/HeraldPublishTests/receiver.py), scripted per test.
final class Receiver: @unchecked Sendable {
    let process = Process()
    let log: String
    let port: Int

    /// One received request.
    struct Request {
        var headers: [String: String]
        var body: String
        var n: Int
        var id: String { headers["webhook-id"] ?? "" }
        var timestamp: Int { Int(headers["webhook-timestamp"] ?? "") ?? 0 }
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]) ?? [:] }
    }

    let output: FileHandle

    init(_ dir: TemporaryDirectory, script: [[String: Any]] = [["status": 200, "json": ["url": "https://social.example/p/1", "id": "r1"]]],
         port: Int = 0, name: String = "receiver", announce: Bool = false) throws {
        log = dir.file("\(name).jsonl")
        let scriptJSON = String(decoding: try JSONSerialization.data(withJSONObject: script), as: UTF8.self)
        (self.port, output) = try startListener(process, script: "receiver.py",
                                                [log, "--script", scriptJSON, "--port", String(port)] + (announce ? ["--announce"] : []))
    }

    var url: String { "http://127.0.0.1:\(port)/hook" }

    /// Blocks until the receiver has announced its n-th request (started with `announce: true`); false if that
    /// does not happen within the limit (a safety net, not a wait).
    @discardableResult
    func waitForRequest(_ n: Int, limit: TimeInterval = 60) -> Bool {
        let done = DispatchSemaphore(value: 0)
        let fd = output.fileDescriptor
        Thread {
            var text = ""
            while !text.contains("GOT \(n)\n") {
                let chunk = POSIXIO.readSome(fd)
                if chunk.isEmpty { break }
                text += String(decoding: chunk, as: UTF8.self)
            }
            done.signal()
        }.start()
        return done.wait(timeout: .now() + limit) == .success
    }

    var requests: [Request] {
        guard let text = try? String(contentsOfFile: log, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return Request(headers: (o["headers"] as? [String: String]) ?? [:], body: o["body"] as? String ?? "", n: o["n"] as? Int ?? 0)
        }.sorted { $0.n < $1.n }
    }

    /// What a receiver that drops repeats by `webhook-id` would have done: one effect per id.
    var effects: Set<String> { Set(requests.map(\.id)) }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}

/// Starts one of the Python listeners of Tests/HeraldPublishTests; returns the port it says (its first line, "PORT <n>")
/// and its output, for what it prints next.
func startListener(_ process: Process, script: String, _ arguments: [String]) throws -> (port: Int, output: FileHandle) {
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", Repo.path("Tests/HeraldPublishTests/\(script)")] + arguments
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    var line = Data()
    while !line.contains(UInt8(ascii: "\n")) {
        let chunk = POSIXIO.readSome(out.fileHandleForReading.fileDescriptor)
        if chunk.isEmpty { break }
        line.append(chunk)
    }
    let text = String(decoding: line, as: UTF8.self)
    guard let port = text.split(separator: " ").last.flatMap({ Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) else {
        throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "\(script) did not start: \(text)"])
    }
    return (port, out.fileHandleForReading)
}

let testSecret = "whsec_" + Data((0..<32).map { UInt8($0 * 7 % 256) }).base64EncodedString()

/// A folder with a strategy whose one channel posts to the given hooks, and a database with approved posts.
final class PublishFixture: @unchecked Sendable {
    let dir = TemporaryDirectory("herald-publish")
    var environment: [String: String] = ["HERALD_TEST_SECRET": testSecret]

    init(hooksYAML: String, channelHooks: [String], maxLateness: String = "6h", notify: String? = nil) throws {
        dir.write("strategy.yaml", """
            brand: {name: Test Café, link: "https://cafe.example/"}
            timezone: UTC
            goals:
              - {id: g, title: Goal, kind: awareness, owner: ola, metrics: [{id: m, name: M, unit: x, baseline: 1, target: 2, direction: up, deadline: 2027-12-31, measured_by: x}]}
            channels:
              - {id: fb, network: facebook, posts_per_week: 7, times: ["09:00"], hooks: [\(channelHooks.joined(separator: ", "))], goals: [g], max_lateness: \(maxLateness)}
            participants:
              - {id: ola, name: Ola, channels: [fb], capacity_per_week: 7, trained: true, rules_accepted: true}
            campaigns: []
            \(notify.map { "notify: \($0)" } ?? "")
            hooks:
            \(hooksYAML)
            """)
        _ = try Store(path: dbPath)
    }

    var dbPath: String { dir.file("herald.sqlite") }
    func store() throws -> Store { try Store(path: dbPath) }

    /// Inserts approved posts at the given times (ids p-0, p-1, …).
    @discardableResult
    func approvedPosts(at times: [Date], prefix: String = "p") throws -> [Post] {
        let posts = times.enumerated().map { i, t in
            Post(id: "\(prefix)-\(i)", channel: "fb", network: .facebook, kind: .informational, goal: "g", owner: "ola", scheduledAt: t,
                 status: .approved, body: "Post number \(i) ☕ https://cafe.example/?utm_source=facebook", source: .manual,
                 approvedBy: "Test", approvedAt: t.addingTimeInterval(-86_400))
        }
        try store().insert(posts, at: Date(iso: "2027-01-01T00:00:00Z")!)
        return posts
    }

    func publish(now: String, _ extra: [String] = [], env: [String: String] = [:]) throws -> ProcessResult {
        try herald(["publish", "--now", now] + extra, environment: environment.merging(env) { $1 }, directory: dir.path)
    }

    /// Starts `herald publish` without waiting for it.
    func startPublish(now: String, _ extra: [String] = [], env: [String: String] = [:]) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Repo.heraldBinary)
        p.arguments = ["publish", "--now", now] + extra
        var e = ProcessInfo.processInfo.environment
        e["NO_COLOR"] = "1"
        for (k, v) in environment.merging(env, uniquingKeysWith: { $1 }) { e[k] = v }
        p.environment = e
        p.currentDirectoryURL = URL(fileURLWithPath: dir.path)
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    func deliveries() throws -> [Delivery] { try store().deliveries() }
    func integrity() throws -> String { try store().integrityCheck() }
}

/// `- {id: NAME, type: webhook, url: URL, secret_env: HERALD_TEST_SECRET, …}`
func webhookYAML(_ id: String, _ url: String, extra: String = "") -> String {
    "  - {id: \(id), type: webhook, url: \"\(url)\", secret_env: HERALD_TEST_SECRET\(extra.isEmpty ? "" : ", \(extra)")}"
}

let signer = WebhookSigner(secret: testSecret)!

func signatureIsValid(_ r: Receiver.Request) -> Bool {
    signer.verify(id: r.id, timestamp: r.timestamp, body: Data(r.body.utf8), header: r.headers["webhook-signature"] ?? "")
}

/// `herald run` started in a folder, its output read as it comes. It is killed after a minute whatever happens, so a
/// read waiting for a line that never comes ends (and the test's expectations then say what was missing).
final class RunningService: @unchecked Sendable {
    let process = Process()
    private let out = Pipe()
    private let err: Pipe?
    /// Standard output so far (with standard error when they are merged).
    private(set) var text = ""

    /// - Parameter separateErrors: keep standard error apart (read by `stop()`) instead of merging it into `text`.
    init(in directory: String, _ arguments: [String], environment: [String: String] = [:], separateErrors: Bool = false) throws {
        process.executableURL = URL(fileURLWithPath: Repo.heraldBinary)
        process.arguments = ["run"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        err = separateErrors ? Pipe() : nil
        process.standardOutput = out
        process.standardError = err ?? out
        try process.run()
        let p = process
        DispatchQueue.global().asyncAfter(deadline: .now() + 60) { if p.isRunning { kill(p.processIdentifier, SIGKILL) } }
    }

    /// Reads until `done` holds for the text read so far, or the output ends.
    func read(until done: (String) -> Bool) {
        while !done(text) {
            let chunk = POSIXIO.readSome(out.fileHandleForReading.fileDescriptor)
            if chunk.isEmpty { return }
            text += String(decoding: chunk, as: UTF8.self)
        }
    }

    /// Stops it with SIGTERM and reads the rest; returns its exit status and its standard error when kept apart.
    func stop() -> (status: Int32, stderr: String) {
        kill(process.processIdentifier, SIGTERM)
        let stderr = err.map { String(decoding: POSIXIO.readAll($0.fileHandleForReading.fileDescriptor), as: UTF8.self) } ?? ""
        process.waitUntilExit()
        text += String(decoding: POSIXIO.readAll(out.fileHandleForReading.fileDescriptor), as: UTF8.self)
        return (process.terminationStatus, stderr)
    }
}
