// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "umwelt",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "umweltd", targets: ["umweltd"]),
        .executable(name: "umwelt", targets: ["umwelt"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(
            url: "https://github.com/hummingbird-project/hummingbird",
            from: "2.28.1",
            traits: ["FullFoundation"]
        ),
    ],
    targets: [
        .systemLibrary(
            name: "CMosquitto",
            path: "Sources/CMosquitto",
            providers: [.apt(["libmosquitto-dev"])]
        ),
        .systemLibrary(
            name: "COpenBLAS",
            path: "Sources/COpenBLAS",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
        ),
        .target(
            name: "UmweltCore",
            dependencies: [
                .product(name: "Yams", package: "Yams")
            ]
        ),
        .target(
            name: "WorldModel",
            dependencies: ["UmweltCore", "COpenBLAS"]
        ),
        .target(
            name: "UmweltStore",
            dependencies: [
                "UmweltCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        .target(
            name: "UmweltMQTT",
            dependencies: [
                "CMosquitto",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "BuildingSimulator",
            dependencies: ["UmweltCore"]
        ),
        .target(
            name: "UmweltService",
            dependencies: [
                "UmweltCore",
                "WorldModel",
                "UmweltStore",
                "UmweltMQTT",
                "BuildingSimulator",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "umweltd",
            dependencies: [
                "UmweltService",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "umwelt",
            dependencies: [
                "UmweltService",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "umwelt-bench",
            dependencies: [
                "UmweltService", "UmweltCore", "WorldModel", "BuildingSimulator", "UmweltMQTT",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/umwelt-bench"
        ),
        .testTarget(name: "UmweltCoreTests", dependencies: ["UmweltCore"]),
        .testTarget(
            name: "WorldModelTests", dependencies: ["WorldModel", "UmweltCore", "COpenBLAS", "BuildingSimulator"]
        ),
        .testTarget(name: "UmweltStoreTests", dependencies: ["UmweltStore", "UmweltCore"]),
        .testTarget(
            name: "UmweltServiceTests",
            dependencies: [
                "UmweltService", "UmweltCore", "WorldModel", "BuildingSimulator",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "UmweltService", "UmweltMQTT", "UmweltCore", "BuildingSimulator", "UmweltStore", "WorldModel",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    settings.append(.treatAllWarnings(as: .error))
    target.swiftSettings = settings
}
