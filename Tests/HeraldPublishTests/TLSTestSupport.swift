import Crypto
import Foundation
import HeraldTestSupport
@testable import HeraldPublish
import NIOSSL
import SwiftASN1
import Testing
import X509

/// The two schemes every transport test runs over.
enum Scheme: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case http, https
    var testDescription: String { rawValue }
    var secure: Bool { self == .https }
}

/// A certificate authority and a receiver certificate for `localhost`, 127.0.0.1 and ::1 (or `localhost` alone), made at
/// test time in a test's folder as PEM files (the receivers load the certificate and key; Herald trusts the authority
/// through `SSL_CERT_FILE`).
struct TestTLS {
    let caFile: String
    let certFile: String
    let keyFile: String

    init(_ dir: TemporaryDirectory, name: String = "test", addresses: Bool = true) throws {
        let now = Date()
        let caKey = P256.Signing.PrivateKey()
        let caName = try DistinguishedName { CommonName("Herald \(name) CA") }
        let ca = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(caKey.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(86_400),
            issuer: caName, subject: caName, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true))
            },
            issuerPrivateKey: .init(caKey))
        let key = P256.Signing.PrivateKey()
        let leaf = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(86_400),
            issuer: caName, subject: try DistinguishedName { CommonName("localhost") }, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames([.dnsName("localhost")] + (addresses ? [
                    .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])),
                    .ipAddress(ASN1OctetString(contentBytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])),
                ] : []))
            },
            issuerPrivateKey: .init(caKey))
        caFile = dir.write("\(name)-ca.pem", try ca.serializeAsPEM().pemString + "\n")
        certFile = dir.write("\(name)-cert.pem", try leaf.serializeAsPEM().pemString + "\n")
        keyFile = dir.write("\(name)-key.pem", key.pemRepresentation + "\n")
    }

    /// How a client that trusts this authority (and no other) checks receivers.
    var clientConfiguration: TLSConfiguration {
        HTTPTransport.tlsConfiguration(environment: ["SSL_CERT_FILE": caFile])
    }

    /// The receiver scripts' arguments for serving TLS with this certificate.
    var serverArguments: [String] { ["--tls", certFile, keyFile] }
}
