// swift-tools-version: 6.1
// swift-korium: a pure-Swift peer-to-peer networking stack.
// Library targets import only Glibc, the C shims and the standard library (+ Synchronization):
// no Foundation, no Swift packages. Only the CLI and the tests use packages.
import PackageDescription

let package = Package(
    name: "swift-korium",
    products: [
        .library(name: "KoriumCrypto", targets: ["KoriumCrypto"]),
        .library(name: "KoriumWire", targets: ["KoriumWire"]),
        .library(name: "KoriumTLS", targets: ["KoriumTLS"]),
        .library(name: "KoriumSim", targets: ["KoriumSim"]),
        .library(name: "KoriumFROST", targets: ["KoriumFROST"]),
        .library(name: "KoriumDHT", targets: ["KoriumDHT"]),
        .library(name: "KoriumGossip", targets: ["KoriumGossip"]),
        .library(name: "KoriumQUIC", targets: ["KoriumQUIC"]),
        .library(name: "KoriumIO", targets: ["KoriumIO"]),
        .library(name: "KoriumHTTP3", targets: ["KoriumHTTP3"]),
        .executable(name: "korium", targets: ["KoriumCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // C shims: declarations only, no logic.
        .systemLibrary(name: "CSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),
        .systemLibrary(name: "CBlake2", pkgConfig: "libb2", providers: [.apt(["libb2-dev"])]),
        .target(name: "CKoriumSys"),

        // Crypto ← Wire ← TLS; Sim and FROST sit beside, needing only Crypto/Wire.
        .target(name: "KoriumCrypto", dependencies: ["CSodium", "CBlake2"]),
        .target(name: "KoriumWire"),
        .target(name: "KoriumTLS", dependencies: ["KoriumCrypto", "KoriumWire"]),
        .target(name: "KoriumSim", dependencies: ["KoriumWire"]),
        .target(name: "KoriumFROST", dependencies: ["KoriumCrypto", "KoriumWire"]),
        .target(name: "KoriumDHT", dependencies: ["KoriumCrypto", "KoriumWire"]),
        .target(name: "KoriumDHTSim", dependencies: ["KoriumDHT", "KoriumSim"]),
        .target(name: "KoriumGossip", dependencies: ["KoriumCrypto", "KoriumWire"]),
        .target(name: "KoriumGossipSim", dependencies: ["KoriumGossip", "KoriumSim", "KoriumCrypto"]),
        .target(name: "KoriumQUIC", dependencies: ["KoriumTLS", "KoriumCrypto", "KoriumWire"]),
        .target(name: "KoriumIO", dependencies: ["CKoriumSys", "KoriumWire", "KoriumQUIC"]),
        .target(name: "KoriumNetem", dependencies: ["KoriumSim", "KoriumIO"]),
        .target(name: "KoriumHTTP3", dependencies: ["KoriumQUIC", "KoriumWire"]),

        .executableTarget(
            name: "KoriumCLI",
            dependencies: [
                "KoriumCrypto", "KoriumWire", "KoriumTLS", "KoriumSim", "KoriumFROST", "KoriumDHT", "KoriumDHTSim",
                "KoriumGossip", "KoriumGossipSim", "KoriumQUIC", "KoriumIO", "KoriumNetem", "KoriumHTTP3",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .testTarget(name: "KoriumCryptoTests", dependencies: ["KoriumCrypto", "KoriumWire"]),
        .testTarget(name: "KoriumWireTests", dependencies: ["KoriumWire"]),
        .testTarget(name: "KoriumTLSTests", dependencies: ["KoriumTLS", "KoriumCrypto", "KoriumWire"]),
        .testTarget(name: "KoriumSimTests", dependencies: ["KoriumSim", "KoriumWire"]),
        .testTarget(name: "KoriumFROSTTests", dependencies: ["KoriumFROST", "KoriumCrypto", "KoriumWire"]),
        .testTarget(name: "KoriumDHTTests", dependencies: ["KoriumDHT", "KoriumDHTSim", "KoriumSim", "KoriumCrypto", "KoriumWire"]),
        .testTarget(name: "KoriumGossipTests", dependencies: ["KoriumGossip", "KoriumGossipSim", "KoriumSim", "KoriumCrypto", "KoriumWire"]),
        .testTarget(
            name: "KoriumQUICTests", dependencies: ["KoriumQUIC", "KoriumSim", "KoriumTLS", "KoriumCrypto", "KoriumWire"]),
        .testTarget(name: "KoriumIOTests", dependencies: ["KoriumIO", "KoriumQUIC", "KoriumTLS", "KoriumCrypto"]),
        .testTarget(name: "KoriumNetemTests", dependencies: ["KoriumNetem", "KoriumSim", "KoriumIO"]),
        .testTarget(name: "KoriumHTTP3Tests", dependencies: ["KoriumHTTP3", "KoriumQUIC", "KoriumSim", "KoriumTLS", "KoriumCrypto", "KoriumWire"]),
        .testTarget(name: "KoriumCLITests", dependencies: ["KoriumCLI"]),
    ]
)
