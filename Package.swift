// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Herald",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "herald", targets: ["herald"]),
        // Herald's modules as one library, for the separate Benchmarks/ package (and other tools built on Herald).
        .library(name: "HeraldKit", targets: [
            "HeraldModel", "HeraldStrategy", "HeraldPlanner", "HeraldStore", "HeraldWorkspace", "HeraldContent", "HeraldPublish",
            "HeraldReports", "HeraldCalendars", "HeraldResources", "HeraldListening", "HeraldResults",
        ]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.0"),
        // Tests only: the certificate authority and receiver certificate the TLS tests make at test time.
        .package(url: "https://github.com/apple/swift-certificates", from: "1.10.0"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.3.0"),
        // The inbox's intake endpoint (HeraldEndpoint) serves HTTP with Hummingbird.
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        // The PostgreSQL backend (HeraldPostgres) speaks the wire protocol through PostgresNIO.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
    ],
    targets: [
        // Build tool that embeds Templates/ and Calendars/ into the binary.
        .executableTarget(name: "herald-embed"),
        .plugin(name: "EmbedBundled", capability: .buildTool(), dependencies: ["herald-embed"]),
        // The bundled templates and calendars, embedded at build time; and the lookup of user files over them.
        .target(name: "HeraldResources", plugins: ["EmbedBundled"]),
        // The domain as plain value types.
        .target(name: "HeraldModel"),
        // Reading and validating strategy.yaml into the model, with located errors.
        .target(name: "HeraldStrategy", dependencies: [
            "HeraldModel",
            .product(name: "Yams", package: "Yams"),
        ]),
        // Pure planning: strategy + stored posts + calendar days → the quarter's posts; no I/O.
        .target(name: "HeraldPlanner", dependencies: ["HeraldModel"]),
        // What every command works on: a strategy, its database and the files it names; composes the modules above.
        .target(name: "HeraldWorkspace", dependencies: [
            "HeraldModel", "HeraldStrategy", "HeraldStore", "HeraldResources", "HeraldPlanner", "HeraldCalendars", "HeraldContent", "HeraldPublish", "HeraldReports", "HeraldCrisis", "HeraldListening", "HeraldResults",
        ]),
        // Post bodies: Mustache templates per locale and network, the evergreen library, network text rules.
        .target(name: "HeraldContent", dependencies: [
            "HeraldModel", "HeraldResources",
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "Yams", package: "Yams"),
        ]),
        // Publishing: the delivery queue's states, retry policy, hooks (webhook, command, outbox), the publisher.
        .target(name: "HeraldPublish", dependencies: [
            "HeraldModel", "HeraldStore", "HeraldContent",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOTLS", package: "swift-nio"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Crisis mode: pause promotion, respond on every channel, the five-step checklist, close and rebuild trust.
        .target(name: "HeraldCrisis", dependencies: ["HeraldModel", "HeraldStore", "HeraldContent", "HeraldPlanner"]),
        // The one database type: migrations, records, queries.
        .target(name: "HeraldStore", dependencies: [
            "HeraldModel", "HeraldResults",
            .product(name: "GRDB", package: "GRDB.swift"),
            // SQLite's C interface, for binding the values of bulk writes directly (Store+Bulk.swift).
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
        ]),
        // A brand's database on a PostgreSQL server (`--db postgres://…`): its schema, and copying a brand between SQLite and
        // PostgreSQL; through PostgresNIO.
        .target(name: "HeraldPostgres", dependencies: [
            "HeraldModel", "HeraldStore",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),
        // The inbox's intake endpoint: connectors POST items signed per Standard Webhooks; served with Hummingbird.
        .target(name: "HeraldEndpoint", dependencies: [
            "HeraldModel", "HeraldStore", "HeraldWorkspace", "HeraldPublish",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        // The command-line tool: parsing, printing, exit codes.
        .executableTarget(name: "herald", dependencies: [
            "HeraldModel", "HeraldStrategy", "HeraldStore", "HeraldResources", "HeraldPlanner", "HeraldWorkspace", "HeraldContent", "HeraldPublish", "HeraldReports", "HeraldCrisis", "HeraldResults", "HeraldEndpoint", "HeraldPostgres",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // What people look at: ICS, CSV and HTML exports, bulk-upload layouts, and the goal-to-metric report. Pure:
        // plain values in, text out.
        .target(name: "HeraldReports", dependencies: ["HeraldModel", "HeraldPlanner", "HeraldResults"]),
        // What posts achieved: reading results files, per-post metrics, rollups by group with bootstrap intervals. Pure.
        .target(name: "HeraldResults", dependencies: ["HeraldModel"]),
        // ICS calendars: reading holidays and observances (RFC 5545).
        .target(name: "HeraldCalendars", dependencies: ["HeraldModel"]),
        // Sorting inbox items: language, sentiment, intent, topic and spam, each with its reason. Pure: text in, labels out.
        .target(name: "HeraldListening", dependencies: ["HeraldModel", "HeraldResources"]),
        // Helpers shared by the test targets: temporary folders, running the built binary (its pipes read with HeraldPublish's POSIXIO),
        // a throwaway database on the test PostgreSQL server.
        .target(name: "HeraldTestSupport", dependencies: ["HeraldPublish", .product(name: "PostgresNIO", package: "postgres-nio")],
                path: "Tests/HeraldTestSupport"),
        .testTarget(name: "HeraldModelTests", dependencies: ["HeraldModel"]),
        .testTarget(name: "HeraldStrategyTests", dependencies: ["HeraldStrategy", "HeraldResources", "HeraldTestSupport"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "HeraldPlannerTests", dependencies: ["HeraldPlanner", "HeraldStrategy", "HeraldResources", "HeraldTestSupport"]),
        .testTarget(name: "HeraldContentTests", dependencies: ["HeraldContent", "HeraldStrategy", "HeraldTestSupport"]),
        .testTarget(name: "HeraldPublishTests", dependencies: ["HeraldPublish", "HeraldStore", "HeraldStrategy", "HeraldWorkspace", "HeraldTestSupport",
                                                            .product(name: "Logging", package: "swift-log"),
                                                            .product(name: "GRDB", package: "GRDB.swift"),
                                                            .product(name: "NIOCore", package: "swift-nio"),
                                                            .product(name: "NIOPosix", package: "swift-nio"),
                                                            .product(name: "NIOHTTP1", package: "swift-nio"),
                                                            .product(name: "NIOSSL", package: "swift-nio-ssl"),
                                                            .product(name: "X509", package: "swift-certificates"),
                                                            .product(name: "SwiftASN1", package: "swift-asn1"),
                                                            .product(name: "Crypto", package: "swift-crypto")],
                    exclude: ["receiver.py", "raw_receiver.py"]),
        .testTarget(name: "HeraldStoreTests", dependencies: ["HeraldStore", "HeraldTestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "HeraldCLITests", dependencies: ["herald", "HeraldTestSupport", "HeraldStore", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "HeraldResultsTests", dependencies: ["HeraldResults", "HeraldModel"]),
        .testTarget(name: "HeraldEndpointTests", dependencies: ["herald", "HeraldEndpoint", "HeraldWorkspace", "HeraldStore", "HeraldModel",
                                                             "HeraldPublish", "HeraldStrategy", "HeraldResources", "HeraldTestSupport",
                                                             .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "HeraldReportsTests", dependencies: ["HeraldReports", "HeraldStrategy", "HeraldPlanner", "HeraldTestSupport"], exclude: ["check_ics.py"]),
        .testTarget(name: "HeraldCalendarsTests", dependencies: ["HeraldCalendars", "HeraldTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "HeraldPostgresTests", dependencies: ["HeraldPostgres", "HeraldStore", "HeraldModel", "HeraldTestSupport",
                                                             .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "HeraldListeningTests", dependencies: ["HeraldListening", "HeraldModel", "HeraldResources", "HeraldTestSupport",
                                                              .product(name: "Yams", package: "Yams")],
                    exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
