import ArgumentParser
import Foundation
import HeraldEndpoint
import HeraldWorkspace
import Logging
import ServiceLifecycle

/// `herald run --listen HOST:PORT`: the inbox's intake endpoint, as one more service beside the publisher.
enum Listen {
    static let help = """
        Also serve the inbox's intake endpoint on HOST:PORT (e.g. 127.0.0.1:8787; port 0 picks a free one, printed at \
        start): connectors POST signed items to /inbox/<source>. See README, "The endpoint".
        """

    /// Checks `--listen` before anything starts (exit 64 when it is not HOST:PORT).
    static func validate(_ text: String?) throws {
        guard let text else { return }
        do { _ = try ListenAddress(parsing: text) } catch { throw ValidationError(error.description) }
    }

    /// The endpoint service for `--listen`, its sources' secrets read from `environment` (exit 78 when one is missing).
    /// Items are received at `clock` (the run's, which `--now` sets); signatures are checked against the real time.
    static func service(_ text: String, workspace ws: Workspace, environment: [String: String], clock: @escaping @Sendable () -> Date,
                        logger: Logger) throws -> EndpointServer {
        let address = try ListenAddress(parsing: text)
        let endpoint = try InboxEndpoint(workspace: ws, environment: environment, clock: clock, signatureClock: { Date() })
        if endpoint.sources.isEmpty {
            Console.error("warning: the strategy has no `sources:`; the endpoint answers every POST with 404 until one is added (and herald run restarted).")
        }
        return EndpointServer(endpoint: endpoint, address: address, logger: logger) { host, port in
            let shown = host.contains(":") ? "[\(host)]" : host
            Console.out("herald run: listening on http://\(shown):\(port) (POST /inbox/<source> and /results/<source>; sources: \(endpoint.sources.joined(separator: ", ").ifEmpty("none"))).")
        }
    }
}
