import Foundation
import HeraldPublish
import Testing

@Suite struct SigningTests {
    let signer = WebhookSigner(secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")!

    /// The example of the Standard Webhooks specification, and a second answer worked out with Python's `hmac`.
    @Test func signaturesMatchTheSpecificationsExample() {
        #expect(signer.signature(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: Data("{\"test\": 2432232314}".utf8))
                == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        #expect(signer.signature(id: "dlv_x", timestamp: 1_800_000_000, body: Data("Zażółć".utf8))
                == "v1,sbKJ8JuqCSjG815IzN4w+aeN6hjiiLmfzhlXqxtR7Cc=")
    }

    /// The keyed HMAC is shared and copied for each signature: signing many at once on several threads gives each its own.
    @Test func signingOnManyThreadsAtOnceGivesTheSameSignatures() async {
        let bodies = (0..<64).map { Data("{\"n\":\($0)}".utf8) }
        let shared = signer
        let expected = bodies.enumerated().map { shared.signature(id: "dlv_\($0.offset)", timestamp: 1_800_000_000, body: $0.element) }
        let got = await withTaskGroup(of: (Int, String).self) { group in
            for _ in 0..<8 {
                for (n, body) in bodies.enumerated() {
                    group.addTask { (n, shared.signature(id: "dlv_\(n)", timestamp: 1_800_000_000, body: body)) }
                }
            }
            var all: [(Int, String)] = []
            for await r in group { all.append(r) }
            return all
        }
        #expect(got.count == 8 * 64)
        #expect(got.allSatisfy { expected[$0.0] == $0.1 })
        #expect(Set(expected).count == 64)
    }

    /// A header may list several signatures (key rotation); one that matches is enough. Anything else is refused:
    /// another body, a signature of another key, another scheme, text that is not base64, a truncated code.
    @Test func verifyingFindsTheMatchingSignatureAmongSeveral() {
        let body = Data("{\"test\": 2432232314}".utf8), id = "msg_p5jXN8AQM9LWM0D4loKWxJek", ts = 1_614_265_330
        let good = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        let other = WebhookSigner(secret: "whsec_" + Data(repeating: 7, count: 32).base64EncodedString())!.signature(id: id, timestamp: ts, body: body)
        #expect(signer.verify(id: id, timestamp: ts, body: body, header: good))
        #expect(signer.verify(id: id, timestamp: ts, body: body, header: "\(other) \(good)"))
        #expect(!signer.verify(id: id, timestamp: ts, body: body, header: other))
        #expect(!signer.verify(id: id, timestamp: ts, body: Data("{\"test\": 2432232315}".utf8), header: good))
        #expect(!signer.verify(id: id, timestamp: ts + 1, body: body, header: good))
        #expect(!signer.verify(id: id, timestamp: ts, body: body, header: "v2," + good.dropFirst(3)))
        #expect(!signer.verify(id: id, timestamp: ts, body: body, header: "v1,not base64!"))
        let truncated = "v1," + Data(Data(base64Encoded: String(good.dropFirst(3)))!.prefix(31)).base64EncodedString()
        #expect(!signer.verify(id: id, timestamp: ts, body: body, header: truncated))
        #expect(!signer.verify(id: id, timestamp: ts, body: body, header: ""))
    }

    @Test func secretsThatAreNotStandardWebhooksSecretsAreRefused() {
        #expect(WebhookSigner(secret: "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") == nil)
        #expect(WebhookSigner(secret: "whsec_c2hvcnQ=") == nil)
        #expect(WebhookSigner(secret: "whsec_not base64!") == nil)
    }
}
