// swift-tools-version: 6.1
// Herald's benchmarks: a package of their own, so the main build stays lean. See README.md (Performance) at the root.
//
//   cd Benchmarks
//   swift build -c release                 # the fixture generator and the in-process benchmarks
//   swift package benchmark                # in-process benchmarks (plan, draft, claim/finish cycle, export)
//   bash run.sh                            # whole-process scenarios (hyperfine) and the webhook burst, one table
import PackageDescription

let package = Package(
    name: "HeraldBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "Herald", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
    ],
    targets: [
        // Deterministic, seeded synthetic inputs: large strategies, calendars, and databases of many posts.
        .target(name: "HeraldFixtures", dependencies: [
            .product(name: "HeraldKit", package: "Herald"),
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        // `herald-fixtures`: writes the fixtures to disk for the whole-process scenarios in run.sh.
        .executableTarget(name: "herald-fixtures", dependencies: ["HeraldFixtures"]),
        // In-process benchmarks (ordo-one/benchmark): `swift package benchmark`.
        .executableTarget(
            name: "HeraldBenchmarks",
            dependencies: [
                "HeraldFixtures",
                .product(name: "HeraldKit", package: "Herald"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/HeraldBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
