import Foundation
import HeraldModel
import HeraldPublish
import HeraldStore
import HeraldTestSupport
import Testing

/// A `herald run --listen 127.0.0.1:0` process: its port read from what it prints.
final class ListeningHerald: @unchecked Sendable {
    let process = Process()
    let port: Int
    private let out = Pipe(), err = Pipe()
    private let lock = NSLock()
    private var printed = Data()
    private let done = DispatchSemaphore(value: 0)

    init(directory: String, extra: [String] = []) throws {
        process.executableURL = URL(fileURLWithPath: Repo.heraldBinary)
        process.arguments = ["run", "--listen", "127.0.0.1:0", "--interval", "3600"] + extra
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        env.removeValue(forKey: "HERALD_DB")
        env.removeValue(forKey: "HERALD_STRATEGY")
        for (k, v) in Secrets.environment { env[k] = v }
        env["HERALD_WEBHOOK_SECRET"] = Secrets.social
        process.environment = env
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read what it prints until it says where it listens (a blocking read, no waiting by time).
        let fd = out.fileHandleForReading.fileDescriptor
        var buffer = [UInt8](repeating: 0, count: 4096)
        var found: Int?
        var text = ""
        while found == nil {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            text += String(decoding: buffer[0..<n], as: UTF8.self)
            if let r = text.range(of: #"listening on http://127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
                found = Int(text[r].split(separator: ":").last!)
            }
        }
        guard let found else {
            process.terminate()
            let e = String(decoding: POSIXIO.readAll(err.fileHandleForReading.fileDescriptor), as: UTF8.self)
            throw CLIFailure(message: "herald run did not listen: \(text) \(e)")
        }
        port = found
        printed = Data(text.utf8)
        // Keep draining both pipes so the process never blocks on a full one.
        let outFD = fd, errFD = err.fileHandleForReading.fileDescriptor
        Thread.detachNewThread { [self] in
            let rest = POSIXIO.readAll(outFD)
            lock.withLock { printed.append(rest) }
            done.signal()
        }
        Thread.detachNewThread { _ = POSIXIO.readAll(errFD) }
    }

    /// Waits for the exit; what it printed in all.
    func wait() -> (status: Int32, reason: Process.TerminationReason, stdout: String) {
        process.waitUntilExit()
        done.wait()
        return (process.terminationStatus, process.terminationReason, lock.withLock { String(decoding: printed, as: UTF8.self) })
    }
}

struct CLIFailure: Error, CustomStringConvertible { var message: String; var description: String { message } }

@Suite(.serialized) struct ListenCommandTests {
    func folder() -> TemporaryDirectory {
        let dir = TemporaryDirectory("herald-listen")
        dir.write("strategy.yaml", endpointStrategy)
        return dir
    }

    func storedNetworkIDs(_ dir: TemporaryDirectory) throws -> Set<String> {
        let store = try Store(path: dir.file("herald.sqlite"))
        return Set(try store.inboxItems(InboxQuery(statuses: InboxStatus.allCases)).compactMap(\.networkItemID))
    }

    @Test func badListenValuesExit64Or69WithTheReason() throws {
        let dir = folder()
        let env = Secrets.environment.merging(["HERALD_WEBHOOK_SECRET": Secrets.social]) { a, _ in a }
        for (value, message) in [("127.0.0.1", "no port."), ("127.0.0.1:http", "'http' is not a port"), ("127.0.0.1:70000", "'70000' is not a port"),
                                 (":8080", "no host"), ("bad host:8080", "'bad host' is not a host name"), ("::1:8080", "write an IPv6 address in brackets")] {
            let r = try herald(["run", "--listen", value], environment: env, directory: dir.path)
            #expect(r.status == 64, "\(value): \(r.stderr)")
            #expect(r.stderr.contains("--listen '\(value)': \(message)"), "\(r.stderr)")
        }
        let untouched = try !FileManager.default.fileExists(atPath: dir.file("herald.sqlite")) || storedNetworkIDs(dir).isEmpty
        #expect(untouched)
        // A port another process holds: 69, and it says so.
        let first = try ListeningHerald(directory: dir.path)
        let taken = try herald(["run", "--listen", "127.0.0.1:\(first.port)"], environment: env, directory: dir.path)
        #expect(taken.status == 69, "\(taken.stderr)")
        #expect(taken.stderr.contains("cannot listen on 127.0.0.1:\(first.port): the port is already in use"), "\(taken.stderr)")
        // A host that is not this machine's.
        let foreign = try herald(["run", "--listen", "192.0.2.1:8787"], environment: env, directory: dir.path)
        #expect(foreign.status == 69 && foreign.stderr.contains("cannot listen on 192.0.2.1:8787"), "\(foreign.stderr)")
        first.process.terminate()
        let end = first.wait()
        #expect(end.status == 0 && end.stdout.contains("herald run: stopped."), "\(end.stdout)")
        // A source whose secret is missing: 78, before anything listens.
        var missing = env
        missing.removeValue(forKey: "HERALD_REVIEWS_SECRET")
        let r = try herald(["run", "--listen", "127.0.0.1:0"], environment: missing, directory: dir.path)
        #expect(r.status == 78, "\(r.stderr)")
        #expect(r.stderr.contains("source 'reviews': HERALD_REVIEWS_SECRET is not set"), "\(r.stderr)")
        let help = try herald(["run", "--help"])
        #expect(help.stdout.contains("--listen <host:port>") && help.stdout.contains("/inbox/<source>"), "\(help.stdout)")
    }

    /// kill -9 mid-load: every item that was answered 2xx is in the database afterwards.
    @Test func killMinus9MidLoadLosesNoAcknowledgedItem() async throws {
        let dir = folder()
        let run = try ListeningHerald(directory: dir.path)
        let port = run.port
        let lock = NSLock()
        nonisolated(unsafe) var acknowledged: [String] = []
        nonisolated(unsafe) var refused: [String] = []
        let killAt = 200
        let killed = DispatchSemaphore(value: 0)
        let senders = 8
        let group = DispatchGroup()
        for s in 0..<senders {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                for n in 0..<10_000 {
                    let id = "ig-\(s)-\(n)"
                    let body = Data(item(id: id, text: "Sender \(s), item \(n): do you have oat milk?").utf8)
                    guard let a = try? Wire.sendBlocking(port: port, Wire.signedRequest(source: "social-listening", secret: Secrets.social, id: "msg-\(id)",
                                                                                  timestamp: Int(Date().timeIntervalSince1970), body: body)) else { return }
                    lock.withLock {
                        if (200..<300).contains(a.status) { acknowledged.append(id) } else { refused.append("\(a.status) \(a.body)") }
                        if acknowledged.count == killAt { killed.signal() }
                    }
                }
            }
        }
        killed.wait()
        kill(run.process.processIdentifier, SIGKILL)
        group.wait()
        let end = run.wait()
        #expect(end.reason == .uncaughtSignal)
        let acked = lock.withLock { acknowledged }
        #expect(lock.withLock { refused }.isEmpty, "\(refused.prefix(3))")
        #expect(acked.count >= killAt)
        let stored = try storedNetworkIDs(dir)
        let lost = acked.filter { !stored.contains($0) }
        #expect(lost.isEmpty, "answered 2xx but not stored: \(lost.prefix(10))")
        // Started again, it takes the same items as duplicates and new ones as new; SIGTERM stops it cleanly.
        let again = try ListeningHerald(directory: dir.path)
        let repeatID = try #require(acked.first)
        let dup = try await Wire.signed(port: again.port, source: "social-listening", secret: Secrets.social, id: "msg-\(repeatID)",
                                  timestamp: Int(Date().timeIntervalSince1970), body: Data(item(id: repeatID).utf8))
        #expect(dup.status == 200 && dup.body.contains("duplicate"), "\(dup.body)")
        let fresh = try await Wire.signed(port: again.port, source: "social-listening", secret: Secrets.social, id: "msg-fresh",
                                    timestamp: Int(Date().timeIntervalSince1970), body: Data(item(id: "ig-fresh").utf8))
        #expect(fresh.status == 201, "\(fresh.body)")
        kill(again.process.processIdentifier, SIGTERM)
        let stopped = again.wait()
        #expect(stopped.status == 0 && stopped.stdout.contains("herald run: stopped."), "\(stopped.stdout)")
        #expect(try storedNetworkIDs(dir).count == stored.count + 1)
    }
}
