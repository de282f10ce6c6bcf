/// Why a post could not be drafted or a template could not be used. Each case maps to a sysexits code.
public enum ContentError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A template does not parse (EX_DATAERR, 65).
    case templateSyntax(file: String, line: Int, reason: String)
    /// A template uses a variable this post does not have (EX_DATAERR, 65).
    case missingVariable(file: String, line: Int, variable: String, post: String)
    /// No template serves a kind (EX_DATAERR, 65).
    case noTemplate(name: String, locale: String, network: String)
    /// An evergreen library file is broken (EX_DATAERR, 65).
    case library(file: String, line: Int?, reason: String)
    /// A folder named by the strategy cannot be read (EX_NOINPUT, 66).
    case folderMissing(path: String, key: String)

    public var exitCode: Int32 {
        switch self {
        case .folderMissing: 66
        default: 65
        }
    }

    public var description: String {
        switch self {
        case .templateSyntax(let file, let line, let reason):
            "\(file):\(line): the template does not parse: \(reason)."
        case .missingVariable(let file, let line, let variable, let post):
            "\(file):\(line): the template uses {{\(variable)}}, which post \(post) does not have. Put it inside {{#\(variable)}}…{{/\(variable)}} if it is optional, or check the name against `herald templates show`."
        case .noTemplate(let name, let locale, let network):
            "no template '\(name)' for \(locale)/\(network), nor in English; add Templates/\(locale)/\(name).mustache to your templates folder."
        case .library(let file, let line, let reason):
            "\(file)\(line.map { ":\($0)" } ?? ""): \(reason)"
        case .folderMissing(let path, let key):
            "\(path): no such folder (named by `\(key):` in the strategy)."
        }
    }
}
