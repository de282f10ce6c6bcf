import Foundation
import HeraldModel

/// A hook configuration problem (EX_CONFIG, 78): nothing is claimed while one exists.
public struct HookConfigError: Error, Sendable, CustomStringConvertible {
    public var problems: [String]
    public var exitCode: Int32 { 78 }
    public var description: String {
        "the hooks cannot be used; nothing was claimed:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}

/// A hook ready to call: its strategy settings with secrets read from the environment and folders resolved.
public struct ResolvedHook: Sendable {
    public enum Target: Sendable {
        case webhook(url: URL, signer: WebhookSigner)
        case command(argv: [String])
        case outbox(directory: String)
    }

    public var id: String
    public var target: Target
    public var timeout: TimeInterval
    public var maxAttempts: Int
    public var idempotent: Bool

    /// Resolves the hooks the strategy uses (by a channel or as `notify`), reporting every problem.
    /// - Parameters:
    ///   - environment: where `secret_env` variables are read.
    ///   - baseDirectory: outbox folders are relative to it (the strategy's folder).
    public static func resolve(_ strategy: Strategy, environment: [String: String], baseDirectory: String) throws(HookConfigError) -> [String: ResolvedHook] {
        var used = Set(strategy.channels.flatMap(\.hooks))
        if let n = strategy.notify { used.insert(n) }
        var out: [String: ResolvedHook] = [:]
        var problems: [String] = []
        for (i, hook) in strategy.hooks.enumerated() where used.contains(hook.id) {
            let key = "hooks[\(i)] (\(hook.id))"
            switch hook.kind {
            case .webhook(let urlText, let env):
                guard let url = URL(string: urlText), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil else {
                    problems.append("\(key).url: '\(urlText)' is not an http(s) address.")
                    continue
                }
                guard let secret = environment[env], !secret.isEmpty else {
                    problems.append("\(key).secret_env: the environment variable \(env) is not set; export it with the webhook's whsec_… secret.")
                    continue
                }
                guard let signer = WebhookSigner(secret: secret.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                    problems.append("\(key).secret_env: \(env) does not hold a valid secret: expected whsec_ followed by the base64 of 24 to 64 random bytes.")
                    continue
                }
                out[hook.id] = ResolvedHook(id: hook.id, target: .webhook(url: url, signer: signer), timeout: hook.timeout,
                                            maxAttempts: hook.maxAttempts, idempotent: hook.idempotent)
            case .command(let argv):
                guard let first = argv.first, !first.isEmpty else {
                    problems.append("\(key).argv: the command is empty; give [\"/path/to/program\", \"arg\", …].")
                    continue
                }
                out[hook.id] = ResolvedHook(id: hook.id, target: .command(argv: argv), timeout: hook.timeout,
                                            maxAttempts: hook.maxAttempts, idempotent: hook.idempotent)
            case .outbox(let dir):
                let full = dir.hasPrefix("/") ? dir : (baseDirectory as NSString).appendingPathComponent(dir)
                out[hook.id] = ResolvedHook(id: hook.id, target: .outbox(directory: full), timeout: hook.timeout,
                                            maxAttempts: hook.maxAttempts, idempotent: true)
            }
        }
        if !problems.isEmpty { throw HookConfigError(problems: problems) }
        return out
    }
}
