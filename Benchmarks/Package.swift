// swift-tools-version: 6.1
// swift-korium benchmarks (ordo-one/benchmark). Run from this folder:
//   swift package --allow-writing-to-package-directory benchmark
// Results and the exact command are recorded in ../BENCHMARKS.md.
import PackageDescription

let package = Package(
    name: "KoriumBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(name: "swift-korium", path: ".."),
    ],
    targets: [
        // libsodium called directly (no KoriumCrypto wrapper), to measure the wrapper's overhead
        // as a ratio in the same run. A nested package cannot see the root's CSodium target,
        // so this is its own system-library module over the same header.
        .systemLibrary(
            name: "CSodiumDirect", path: "Sources/CSodiumDirect", pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]),
        .executableTarget(
            name: "KoriumCryptoBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "KoriumCrypto", package: "swift-korium"),
                "CSodiumDirect",
            ],
            path: "Benchmarks/KoriumCryptoBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "KoriumFROSTBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "KoriumFROST", package: "swift-korium"),
                .product(name: "KoriumCrypto", package: "swift-korium"),
            ],
            path: "Benchmarks/KoriumFROSTBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "KoriumWireBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "KoriumWire", package: "swift-korium"),
            ],
            path: "Benchmarks/KoriumWireBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "KoriumTLSBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "KoriumCrypto", package: "swift-korium"),
                .product(name: "KoriumTLS", package: "swift-korium"),
            ],
            path: "Benchmarks/KoriumTLSBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "KoriumIOBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "KoriumIO", package: "swift-korium"),
            ],
            path: "Benchmarks/KoriumIOBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "KoriumQUICStreamsBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "KoriumQUIC", package: "swift-korium"),
                .product(name: "KoriumWire", package: "swift-korium"),
            ],
            path: "Benchmarks/KoriumQUICStreamsBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "KoriumQUICConnectionBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "KoriumQUIC", package: "swift-korium"),
                .product(name: "KoriumTLS", package: "swift-korium"),
                .product(name: "KoriumCrypto", package: "swift-korium"),
            ],
            path: "Benchmarks/KoriumQUICConnectionBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "KoriumHTTP3Benchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "KoriumHTTP3", package: "swift-korium"),
                .product(name: "KoriumWire", package: "swift-korium"),
            ],
            path: "Benchmarks/KoriumHTTP3Benchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
