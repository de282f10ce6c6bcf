import Foundation
import HeraldModel
import Yams

/// A ready-written post from the evergreen library.
public struct LibraryEntry: Sendable, Hashable {
    /// The file's path relative to the library folder; also how uses are recorded (`library:<id>`).
    public var id: String
    public var kind: ContentKind
    public var goal: String?
    /// Networks it suits (nil: any).
    public var networks: [Network]?
    /// Its language (nil: any).
    public var locale: String?
    /// Not used for posts after this day.
    public var expires: LocalDate?
    public var body: String
    /// Images or videos that go with the text (web addresses); drafting gives them to the post.
    public var media: [String] = []

    public var templateKey: String { "library:\(id)" }
}

/// The evergreen library: Markdown files with a small front matter, e.g.
///
/// ```
/// ---
/// kind: informational
/// goal: awareness
/// networks: [instagram, facebook]
/// locale: en
/// expires: 2027-06-30
/// media: [https://beanandbloom.example/img/roast.jpg]
/// ---
/// How we roast: …
/// ```
public enum EvergreenLibrary {
    static let keys = ["kind", "goal", "networks", "locale", "expires", "media"]

    public static func load(folder: String, display: String) throws(ContentError) -> [LibraryEntry] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDir), isDir.boolValue else {
            throw .folderMissing(path: folder, key: "library")
        }
        var out: [LibraryEntry] = []
        let files = (FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".md") }.sorted()
        for relative in files {
            let shown = (display as NSString).appendingPathComponent(relative)
            guard let data = FileManager.default.contents(atPath: (folder as NSString).appendingPathComponent(relative)),
                  let text = String(data: data, encoding: .utf8) else {
                throw .library(file: shown, line: nil, reason: "not UTF-8 text")
            }
            out.append(try parse(text, id: relative, file: shown))
        }
        return out
    }

    public static func parse(_ text: String, id: String, file: String) throws(ContentError) -> LibraryEntry {
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n")
        guard lines.first?.trimmingCharacters(in: .whitespaces) == "---",
              let end = lines.dropFirst().firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "---" }) else {
            throw .library(file: file, line: 1, reason: "starts without front matter; begin the file with a `---` line, `kind: informational`, and a closing `---`.")
        }
        let yaml = lines[1..<end].joined(separator: "\n")
        let body = lines[(end + 1)...].joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        let fields: [String: Any]
        do {
            fields = (try Yams.load(yaml: yaml) as? [String: Any]) ?? [:]
        } catch {
            throw .library(file: file, line: 2, reason: "the front matter is not valid YAML (\(error))")
        }
        for key in fields.keys where !keys.contains(key) {
            throw .library(file: file, line: lineOf(key, lines), reason: "unknown key '\(key)'; use \(keys.joined(separator: ", ")).")
        }
        guard let kindText = fields["kind"].map({ "\($0)" }) else {
            throw .library(file: file, line: 2, reason: "kind is required (informational, engagement or social-proof).")
        }
        guard let kind = ContentKind(rawValue: kindText), !kind.isPromotional, kind != .crisis else {
            throw .library(file: file, line: lineOf("kind", lines), reason: "kind '\(kindText)' cannot come from the library; use informational, engagement or social-proof.")
        }
        var networks: [Network]?
        if let raw = fields["networks"] {
            let names = (raw as? [Any])?.map { "\($0)" } ?? ["\(raw)"]
            networks = try names.map { name throws(ContentError) in
                guard let n = Network(rawValue: name) else {
                    throw .library(file: file, line: lineOf("networks", lines), reason: "unknown network '\(name)'.")
                }
                return n
            }
        }
        var expires: LocalDate?
        if let raw = fields["expires"] {
            let text = raw is Date ? String(describing: raw).prefix(10).description : "\(raw)"
            guard let d = LocalDate(iso: text) else {
                throw .library(file: file, line: lineOf("expires", lines), reason: "expires must be a date like 2027-06-30, got '\(raw)'.")
            }
            expires = d
        }
        var media: [String] = []
        if let raw = fields["media"] {
            media = (raw as? [Any])?.map { "\($0)" } ?? ["\(raw)"]
            if let bad = media.first(where: { !isWebAddress($0) }) {
                throw .library(file: file, line: lineOf("media", lines),
                               reason: "media must be web addresses of images or videos (https://…), got '\(bad)'.")
            }
        }
        guard !body.isEmpty else { throw .library(file: file, line: end + 2, reason: "the post has no text after the front matter.") }
        return LibraryEntry(id: id, kind: kind, goal: fields["goal"].map { "\($0)" }, networks: networks,
                            locale: fields["locale"].map { "\($0)" }, expires: expires, body: body, media: media)
    }

    /// An http(s) address with a host and no spaces or control characters: what hooks can fetch an image from.
    public static func isWebAddress(_ text: String) -> Bool {
        guard text.hasPrefix("https://") || text.hasPrefix("http://"),
              !text.contains(where: { $0.isWhitespace || $0.unicodeScalars.contains { $0.properties.generalCategory == .control } }),
              let url = URL(string: text), let host = url.host, !host.isEmpty else { return false }
        return true
    }

    static func lineOf(_ key: String, _ lines: [String]) -> Int {
        (lines.firstIndex { $0.hasPrefix("\(key):") } ?? 1) + 1
    }
}
