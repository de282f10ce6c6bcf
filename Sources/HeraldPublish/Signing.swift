import Crypto
import Foundation

/// Signs webhook requests per the Standard Webhooks specification: `webhook-signature: v1,<base64 HMAC-SHA256 of
/// "id.timestamp.body">`, with the key decoded from a `whsec_<base64>` secret.
public struct WebhookSigner: Sendable {
    let keyBytes: Data
    var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    /// Accepts `whsec_` followed by the base64 of 24 to 64 bytes.
    public init?(secret: String) {
        guard secret.hasPrefix("whsec_"), let bytes = Data(base64Encoded: String(secret.dropFirst(6))),
              (24...64).contains(bytes.count) else { return nil }
        keyBytes = bytes
    }

    public func signature(id: String, timestamp: Int, body: Data) -> String {
        var content = Data("\(id).\(timestamp).".utf8)
        content.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: content, using: key)
        return "v1," + Data(mac).base64EncodedString()
    }

    /// Checks a `webhook-signature` header (which may list several space-separated signatures).
    public func verify(id: String, timestamp: Int, body: Data, header: String) -> Bool {
        let expected = signature(id: id, timestamp: timestamp, body: body)
        return header.split(separator: " ").contains { $0 == expected }
    }
}
