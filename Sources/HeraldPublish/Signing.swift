import Crypto
import Foundation

/// Signs webhook requests per the Standard Webhooks specification: `webhook-signature: v1,<base64 HMAC-SHA256 of
/// "id.timestamp.body">`, with the key decoded from a `whsec_<base64>` secret.
public struct WebhookSigner: @unchecked Sendable {
    /// The HMAC with the key already mixed in, copied for each signature (copy on write: this one is never changed, so
    /// signers on several threads each work on their own copy). `@unchecked` stays: swift-crypto's `HMAC` (and the
    /// `SymmetricKey` inside it, backed by BoringSSL memory on Linux) is not declared `Sendable`, though this value is
    /// never mutated after `init`; a `Mutex` around it would serialise every signature for no safety gained.
    let keyed: HMAC<SHA256>

    /// Accepts `whsec_` followed by the base64 of 24 to 64 bytes.
    public init?(secret: String) {
        guard secret.hasPrefix("whsec_"), let bytes = Data(base64Encoded: String(secret.dropFirst(6))),
              (24...64).contains(bytes.count) else { return nil }
        keyed = HMAC<SHA256>(key: SymmetricKey(data: bytes))
    }

    public func signature(id: String, timestamp: Int, body: Data) -> String {
        "v1," + Data(code(id: id, timestamp: timestamp, body: body)).base64EncodedString()
    }

    /// Checks a `webhook-signature` header (which may list several space-separated signatures). The codes are compared
    /// in constant time, so a receiver using this cannot be probed byte by byte through its response times.
    public func verify(id: String, timestamp: Int, body: Data, header: String) -> Bool {
        let expected = code(id: id, timestamp: timestamp, body: body)
        return header.split(separator: " ").contains { part in
            guard part.hasPrefix("v1,"), let given = Data(base64Encoded: String(part.dropFirst(3))) else { return false }
            return expected == given
        }
    }

    /// The HMAC of "id.timestamp.body", signed in two parts so the body is not copied.
    private func code(id: String, timestamp: Int, body: Data) -> HashedAuthenticationCode<SHA256> {
        var mac = keyed
        mac.update(data: Array("\(id).\(timestamp).".utf8))
        mac.update(data: body)
        return mac.finalize()
    }
}
