import Foundation
import HeraldResources

/// One template file: where it came from and its text.
public struct TemplateFile: Sendable, Hashable {
    /// As shown to people: `Templates/en/x/informational.v2.mustache` or `my-templates/en/informational.mustache`.
    public var path: String
    /// The folder it answers for: `en/x`, `en`, …
    public var folder: String
    public var name: String
    public var variant: Int
    public var text: String
    public var bundled: Bool

    public init(path: String, folder: String, name: String, variant: Int, text: String, bundled: Bool) {
        self.path = path; self.folder = folder; self.name = name; self.variant = variant; self.text = text; self.bundled = bundled
    }
}

/// The templates a strategy can use: its own folder (if any) layered over the bundled `Templates/`.
///
/// A post's template is found in the first of these folders that has any file for its name:
/// `<locale>/<network>`, `<locale>`, `en/<network>`, `en`. Within a folder, files `name.mustache`,
/// `name.v2.mustache`, … are variants; a file in the strategy's folder replaces the bundled file of the same path.
public struct TemplateSet: Sendable {
    /// Relative path (`en/x/informational.v2.mustache`) → file.
    var files: [String: TemplateFile] = [:]

    /// The bundled templates only.
    public static var bundled: TemplateSet {
        var set = TemplateSet()
        for path in BundledFiles.paths(under: "Templates") where path.hasSuffix(".mustache") {
            let relative = String(path.dropFirst("Templates/".count))
            if let file = parse(relative: relative, display: path, text: BundledFiles.text(path) ?? "", bundled: true) {
                set.files[relative] = file
            }
        }
        return set
    }

    /// The bundled templates with a folder on disk layered over them.
    public static func layered(userFolder: String?, displayName: String? = nil) throws(ContentError) -> TemplateSet {
        var set = bundled
        guard let userFolder else { return set }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: userFolder, isDirectory: &isDir), isDir.boolValue else {
            throw .folderMissing(path: userFolder, key: "templates")
        }
        let shown = displayName ?? userFolder
        guard let walker = FileManager.default.enumerator(atPath: userFolder) else { return set }
        for case let relative as String in walker where relative.hasSuffix(".mustache") {
            let full = (userFolder as NSString).appendingPathComponent(relative)
            guard let data = FileManager.default.contents(atPath: full), let text = String(data: data, encoding: .utf8) else {
                throw .templateSyntax(file: (shown as NSString).appendingPathComponent(relative), line: 1, reason: "the file is not UTF-8 text")
            }
            if let file = parse(relative: relative, display: (shown as NSString).appendingPathComponent(relative), text: text, bundled: false) {
                set.files[relative] = file
            }
        }
        return set
    }

    static func parse(relative: String, display: String, text: String, bundled: Bool) -> TemplateFile? {
        var parts = relative.split(separator: "/").map(String.init)
        guard parts.count == 2 || parts.count == 3, let last = parts.popLast() else { return nil }
        var stem = String(last.dropLast(".mustache".count))
        var variant = 1
        if let dot = stem.lastIndex(of: "."), stem[stem.index(after: dot)...].hasPrefix("v"),
           let n = Int(stem[stem.index(dot, offsetBy: 2)...]), n >= 1 {
            variant = n
            stem = String(stem[..<dot])
        }
        return TemplateFile(path: display, folder: parts.joined(separator: "/"), name: stem, variant: variant, text: text, bundled: bundled)
    }

    /// The folders tried for a locale and network, most specific first.
    public static func folders(locale: String, network: String) -> [String] {
        var out = ["\(locale)/\(network)", locale]
        let lang = LocaleFormat.language(locale)
        if lang != locale { out += ["\(lang)/\(network)", lang] }
        out += ["en/\(network)", "en"]
        var seen = Set<String>()
        return out.filter { seen.insert($0).inserted }
    }

    /// The variants that serve a template name for a locale and network, in variant order. Within each language
    /// the strategy's own files come first (network override, then language), then the bundled ones.
    public func variants(_ name: String, locale: String, network: String) -> [TemplateFile] {
        let folders = Self.folders(locale: locale, network: network)
        var tiers: [[String]] = []
        for f in folders {
            let lang = String(f.prefix { $0 != "/" })
            if let last = tiers.last, let first = last.first, first.prefix(while: { $0 != "/" }) == lang {
                tiers[tiers.count - 1].append(f)
            } else {
                tiers.append([f])
            }
        }
        for tier in tiers {
            for bundled in [false, true] {
                for folder in tier {
                    let found = files.values.filter { $0.folder == folder && $0.name == name && $0.bundled == bundled }
                        .sorted { $0.variant < $1.variant }
                    if !found.isEmpty { return found }
                }
            }
        }
        return []
    }

    /// The file a post with this variant number gets.
    public func template(_ name: String, locale: String, network: String, variant: Int) throws(ContentError) -> TemplateFile {
        let list = variants(name, locale: locale, network: network)
        guard !list.isEmpty else { throw .noTemplate(name: name, locale: locale, network: network) }
        return list[((variant % list.count) + list.count) % list.count]
    }

    /// Every template name known, sorted.
    public var names: [String] { Set(files.values.map(\.name)).sorted() }

    /// Every folder (locale or locale/network) known, sorted.
    public var allFolders: [String] { Set(files.values.map(\.folder)).sorted() }
}
