// swift-tools-version: 6.1
// libFuzzer targets for swift-korium's parsers. Build and run them with Fuzz/run.sh.
//
// Every directory under Sources/ is one fuzz target (an executable exporting
// LLVMFuzzerTestOneInput); it is discovered here and by run.sh, so adding a target means adding
// `Sources/<Target>/<Target>.swift` and a seed corpus `corpus/<Target>/`, nothing else.
import Foundation
import PackageDescription

let sourcesDirectory = URL(fileURLWithPath: Context.packageDirectory).appendingPathComponent("Sources")
let targetNames = ((try? FileManager.default.contentsOfDirectory(atPath: sourcesDirectory.path)) ?? [])
    .filter { name in
        var isDirectory: ObjCBool = false
        let path = sourcesDirectory.appendingPathComponent(name).path
        return !name.hasPrefix(".") && FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            && isDirectory.boolValue
    }
    .sorted()

/// Every library product of the root package (read from its manifest, so a new module is
/// available to fuzz targets without editing this file); unused ones cost nothing at run time.
let rootManifest = (try? String(
    contentsOf: URL(fileURLWithPath: Context.packageDirectory).appendingPathComponent("../Package.swift"),
    encoding: .utf8)) ?? ""
let libraryNames = rootManifest.components(separatedBy: ".library(name: \"").dropFirst()
    .compactMap { $0.components(separatedBy: "\"").first }
let korium: [Target.Dependency] = (libraryNames.isEmpty ? ["KoriumWire"] : libraryNames)
    .map { .product(name: $0, package: "swift-korium") }

let package = Package(
    name: "KoriumFuzz",
    dependencies: [.package(name: "swift-korium", path: "..")],
    targets: [
        .target(name: "FuzzSupport", dependencies: korium, path: "Support")
    ]
        + targetNames.map { name in
            .executableTarget(name: name, dependencies: ["FuzzSupport"] + korium)
        }
)
