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
    /// A command hook's listed variables (`env:`) with their values, read once from Herald's environment.
    public var environment: [String: String] = [:]

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
                var listed: [String: String] = [:]
                for name in hook.environment {
                    if let value = environment[name] { listed[name] = value } else {
                        problems.append("\(key).env: the environment variable \(name) is not set; export it where Herald runs (cron, the service), or remove it from `env`.")
                    }
                }
                out[hook.id] = ResolvedHook(id: hook.id, target: .command(argv: argv), timeout: hook.timeout,
                                            maxAttempts: hook.maxAttempts, idempotent: hook.idempotent, environment: listed)
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

/// Takes every known secret value out of what Herald stores about a call (errors, response excerpts, addresses, ids):
/// a command or a receiver may print one. Known secrets are the values of every hook's `secret_env` (and, for a
/// `whsec_` secret, its key after the prefix), of every command hook's `env` variables, and of any variable in
/// Herald's environment whose name says it holds one (…SECRET…, …TOKEN…, …PASSWORD…, …PASSWD…, …API_KEY…,
/// …PRIVATE_KEY…, …CREDENTIAL…). Values under 8 characters are left alone: they cannot be secret, and replacing them
/// would garble the text.
public struct SecretRedactor: Sendable {
    public static let mark = "[redacted]"
    /// The shortest value treated as a secret.
    public static let minimumLength = 8
    static let secretNames = ["SECRET", "TOKEN", "PASSWORD", "PASSWD", "API_KEY", "APIKEY", "PRIVATE_KEY", "CREDENTIAL"]

    /// Longest first, so a secret containing another is replaced whole.
    public let secrets: [String]

    public init(secrets: [String]) {
        self.secrets = Array(Set(secrets.filter { $0.count >= Self.minimumLength })).sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
    }

    /// The secrets a strategy's hooks and Herald's environment hold.
    public init(strategy: Strategy, environment: [String: String]) {
        var found: [String] = []
        func add(_ value: String?) {
            guard let value else { return }
            let v = value.trimmingCharacters(in: .whitespacesAndNewlines)
            found.append(value); found.append(v)
            if v.hasPrefix("whsec_") { found.append(String(v.dropFirst(6))) }
        }
        for hook in strategy.hooks {
            if case .webhook(_, let env) = hook.kind { add(environment[env]) }
            for name in hook.environment { add(environment[name]) }
        }
        for (name, value) in environment where Self.secretNames.contains(where: { name.uppercased().contains($0) }) { add(value) }
        self.init(secrets: found)
    }

    /// The text with every secret replaced by `[redacted]`, and a secret cut off at the end (an excerpt's limit) too.
    public func callAsFunction(_ text: String) -> String {
        guard !secrets.isEmpty, !text.isEmpty else { return text }
        var out = text
        for s in secrets where out.contains(s) { out = out.replacingOccurrences(of: s, with: Self.mark) }
        for s in secrets {
            // The longest start of a secret the text ends with (at least 6 characters): what a cut excerpt leaves.
            var n = min(s.count - 1, out.count)
            while n >= 6 {
                if out.hasSuffix(String(s.prefix(n))) { out = String(out.dropLast(n)) + Self.mark; break }
                n -= 1
            }
        }
        return out
    }

    public func callAsFunction(_ text: String?) -> String? { text.map { self($0) } }

    /// An outcome with its texts redacted.
    public func callAsFunction(_ outcome: CallOutcome) -> CallOutcome {
        guard !secrets.isEmpty else { return outcome }
        switch outcome {
        case .published(let url, let rid, let s, let e, let x):
            return .published(url: self(url), remoteID: self(rid), httpStatus: s, exitCode: e, excerpt: self(x))
        case .retry(let error, let after, let s, let e, let x, let unreachable):
            return .retry(error: self(error), retryAfter: after, httpStatus: s, exitCode: e, excerpt: self(x), unreachable: unreachable)
        case .failed(let error, let s, let e, let x, let disable):
            return .failed(error: self(error), httpStatus: s, exitCode: e, excerpt: self(x), disableHook: disable)
        case .unknown(let error, let e):
            return .unknown(error: self(error), exitCode: e)
        }
    }
}
