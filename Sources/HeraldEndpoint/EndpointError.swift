import Foundation

/// Why the intake endpoint could not start. Each case maps to a sysexits code.
public enum EndpointError: Error, Sendable, CustomStringConvertible {
    /// `--listen` is not HOST:PORT (EX_USAGE, 64).
    case badAddress(String, reason: String)
    /// The address cannot be listened on: the port is taken, the host is not this machine's, no permission (EX_UNAVAILABLE, 69).
    case cannotListen(address: String, reason: String)
    /// A source's secret variable is not set, or is not a `whsec_…` secret (EX_CONFIG, 78).
    case secret(source: String, variable: String, problem: String)

    public var exitCode: Int32 {
        switch self {
        case .badAddress: 64
        case .cannotListen: 69
        case .secret: 78
        }
    }

    public var description: String {
        switch self {
        case .badAddress(let text, let reason):
            "--listen '\(text)': \(reason) Give HOST:PORT, e.g. 127.0.0.1:8787 (port 0 picks a free one; [::1]:8787 for IPv6)."
        case .cannotListen(let address, let reason):
            "cannot listen on \(address): \(reason). Nothing was started."
        case .secret(let source, let variable, let problem):
            "source '\(source)': \(variable) \(problem); set it to the connector's whsec_… secret (e.g. `echo whsec_$(head -c 32 /dev/urandom | base64)`) and start again. Nothing was started."
        }
    }
}

/// Where the endpoint listens: `HOST:PORT`, `[IPv6]:PORT`.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) { self.host = host; self.port = port }

    /// Parses `--listen`; a missing or out-of-range port, or a host with characters no host name has, is refused.
    public init(parsing text: String) throws(EndpointError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var host: Substring
        let portText: Substring
        if trimmed.hasPrefix("[") {
            guard let close = trimmed.firstIndex(of: "]") else { throw .badAddress(text, reason: "an IPv6 address needs its closing ']'.") }
            host = trimmed[trimmed.index(after: trimmed.startIndex)..<close]
            let rest = trimmed[trimmed.index(after: close)...]
            guard rest.hasPrefix(":") else { throw .badAddress(text, reason: "no port.") }
            portText = rest.dropFirst()
        } else {
            guard let colon = trimmed.lastIndex(of: ":") else { throw .badAddress(text, reason: "no port.") }
            host = trimmed[..<colon]
            portText = trimmed[trimmed.index(after: colon)...]
            if host.contains(":") { throw .badAddress(text, reason: "write an IPv6 address in brackets.") }
        }
        guard !portText.isEmpty else { throw .badAddress(text, reason: "no port.") }
        guard let port = Int(portText), (0...65_535).contains(port) else {
            throw .badAddress(text, reason: "'\(portText)' is not a port (a whole number from 0 to 65535).")
        }
        if host.isEmpty { throw .badAddress(text, reason: "no host (127.0.0.1 for this machine only, 0.0.0.0 for every interface).") }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: ".-_:%"))
        guard host.unicodeScalars.allSatisfy({ $0.isASCII && allowed.contains($0) }) else {
            throw .badAddress(text, reason: "'\(host)' is not a host name or IP address.")
        }
        self.host = String(host)
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
