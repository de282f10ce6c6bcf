import Foundation
import HeraldModel
import HeraldResources
import HeraldStore
import HeraldStrategy
import HeraldWorkspace

/// Temporary workspaces for in-process benchmarks: a strategy folder and a fresh database.
public enum Workspaces {
    /// A new empty folder under the system's temporary folder.
    public static func temporaryFolder(_ name: String) throws -> String {
        let dir = (NSTemporaryDirectory() as NSString).appendingPathComponent("herald-bench-\(name)-\(getpid())-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// The bundled example (what `herald init` writes) in a new folder, with an empty database.
    public static func example() throws -> Workspace {
        let dir = try temporaryFolder("example")
        let file = (dir as NSString).appendingPathComponent("strategy.yaml")
        try BundledFiles.text("Templates/strategy.yaml")!.write(toFile: file, atomically: true, encoding: .utf8)
        return try open(file)
    }

    /// A synthetic strategy in a new folder, with an empty database.
    public static func synthetic(_ shape: StrategyShape) throws -> Workspace {
        let dir = try temporaryFolder("synthetic")
        try StrategyFixture.write(shape, to: dir)
        return try open((dir as NSString).appendingPathComponent("strategy.yaml"))
    }

    public static func open(_ file: String) throws -> Workspace {
        let dir = (file as NSString).deletingLastPathComponent
        let locator = ResourceLocator(baseDirectory: dir)
        let loaded = try StrategyLoader.load(file: file, fileExists: locator.exists)
        return Workspace(loaded: loaded, store: try Store(path: (dir as NSString).appendingPathComponent("herald.sqlite")))
    }

    /// A new database beside the workspace's strategy (for a benchmark that needs an empty one each time).
    public static func reopen(_ ws: Workspace, database name: String) throws -> Workspace {
        let path = (ws.loaded.directory as NSString).appendingPathComponent(name)
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        return Workspace(loaded: ws.loaded, store: try Store(path: path))
    }

    /// Removes a workspace's folder.
    public static func remove(_ ws: Workspace) {
        try? FileManager.default.removeItem(atPath: ws.loaded.directory)
    }
}
