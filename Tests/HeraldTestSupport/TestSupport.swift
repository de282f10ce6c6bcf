import Foundation
import HeraldPublish
import Synchronization

/// A fresh folder under the system's temporary directory, removed when the value is released.
public final class TemporaryDirectory: Sendable {
    public let path: String

    public init(_ label: String = "herald-test") {
        let base = (NSTemporaryDirectory() as NSString).appendingPathComponent("\(label)-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        path = base
    }

    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    @discardableResult
    public func write(_ name: String, _ text: String) -> String {
        let p = file(name)
        try? FileManager.default.createDirectory(atPath: (p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: p, contents: Data(text.utf8))
        return p
    }

    public func read(_ name: String) -> String? {
        FileManager.default.contents(atPath: file(name)).flatMap { String(data: $0, encoding: .utf8) }
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Paths inside the repository checkout.
public enum Repo {
    /// The package root, found from this file's location.
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url.path }
        }
        return FileManager.default.currentDirectoryPath
    }()

    public static func path(_ relative: String) -> String { (root as NSString).appendingPathComponent(relative) }

    public static func text(_ relative: String) -> String {
        (FileManager.default.contents(atPath: path(relative)).flatMap { String(data: $0, encoding: .utf8) }) ?? ""
    }

    /// The built `herald` executable beside the test bundle.
    public static var heraldBinary: String {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = testBinary.deletingLastPathComponent()
        if dir.lastPathComponent.hasSuffix(".xctest") || dir.path.contains(".xctest/") {
            while dir.path.contains(".xctest") { dir.deleteLastPathComponent() }
        }
        let candidate = dir.appendingPathComponent("herald").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        return path(".build/debug/herald")
    }
}

/// What a finished process printed and returned.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs a program to completion with the given arguments, environment additions and working directory.
public func runProcess(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                       directory: String? = nil, stdin: String? = nil) throws -> ProcessResult {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env["NO_COLOR"] = "1"
    env.removeValue(forKey: "HERALD_DB")
    env.removeValue(forKey: "HERALD_STRATEGY")
    for (k, v) in environment { env[k] = v }
    p.environment = env
    if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    let input = Pipe()
    p.standardInput = input
    try p.run()
    if let stdin { POSIXIO.writeAll(input.fileHandleForWriting.fileDescriptor, Data(stdin.utf8)) }
    try? input.fileHandleForWriting.close()
    // Read both pipes fully before waiting, so a chatty process cannot block on a full pipe.
    let group = DispatchGroup()
    let errBox = Mutex(Data())
    group.enter()
    DispatchQueue.global().async { let d = POSIXIO.readAll(err.fileHandleForReading.fileDescriptor); errBox.withLock { $0 = d }; group.leave() }
    let outData = POSIXIO.readAll(out.fileHandleForReading.fileDescriptor)
    group.wait()
    let errData = errBox.withLock { $0 }
    p.waitUntilExit()
    return ProcessResult(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errData, as: UTF8.self))
}

/// Runs the built `herald` binary.
public func herald(_ arguments: [String], environment: [String: String] = [:], directory: String? = nil,
                   stdin: String? = nil) throws -> ProcessResult {
    try runProcess(Repo.heraldBinary, arguments, environment: environment, directory: directory, stdin: stdin)
}

/// The bundled example strategy's text.
public var exampleStrategy: String { Repo.text("Templates/strategy.yaml") }
