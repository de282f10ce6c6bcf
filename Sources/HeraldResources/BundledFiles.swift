import Foundation

/// The `Templates/` and `Calendars/` files shipped with Herald, embedded in the binary at build time.
public enum BundledFiles {
    /// The text of a bundled file, by its path in the repository (e.g. `Templates/strategy.yaml`).
    public static func text(_ path: String) -> String? {
        contents[normalize(path)]
    }

    /// Paths of bundled files under a folder (e.g. `Templates/en`), sorted.
    public static func paths(under folder: String) -> [String] {
        let prefix = normalize(folder).hasSuffix("/") ? normalize(folder) : normalize(folder) + "/"
        return contents.keys.filter { $0.hasPrefix(prefix) }.sorted()
    }

    public static var allPaths: [String] { contents.keys.sorted() }

    static func normalize(_ path: String) -> String {
        var p = path
        while p.hasPrefix("./") { p.removeFirst(2) }
        return p
    }
}

/// Finds a file a strategy names: on disk relative to the strategy's folder first, then among the bundled files.
public struct ResourceLocator: Sendable {
    /// The folder holding the strategy file.
    public var baseDirectory: String

    public init(baseDirectory: String) { self.baseDirectory = baseDirectory.isEmpty ? "." : baseDirectory }

    public func diskPath(_ path: String) -> String {
        path.hasPrefix("/") ? path : (baseDirectory as NSString).appendingPathComponent(path)
    }

    public func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: diskPath(path)) || BundledFiles.text(path) != nil
    }

    /// The file's bytes and where they came from: a file on disk wins over the bundled one, even when it is not
    /// valid text (so the reader can say what is wrong with it instead of silently using the bundled copy).
    public func data(_ path: String) -> (data: Data, origin: String)? {
        let disk = diskPath(path)
        if let data = FileManager.default.contents(atPath: disk) { return (data, disk) }
        if let t = BundledFiles.text(path) { return (Data(t.utf8), "bundled:\(BundledFiles.normalize(path))") }
        return nil
    }

    /// The file's text and where it came from (a disk path, or `bundled:Calendars/…`).
    public func text(_ path: String) -> (text: String, origin: String)? {
        let disk = diskPath(path)
        if let data = FileManager.default.contents(atPath: disk), let t = String(data: data, encoding: .utf8) {
            return (t, disk)
        }
        if let t = BundledFiles.text(path) { return (t, "bundled:\(BundledFiles.normalize(path))") }
        return nil
    }
}
