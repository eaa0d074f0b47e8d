// swift-tools-version:6.2
import PackageDescription

// House settings (STYLE.md): explicit `any`, imports visible only where declared, internal by default.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// One executable per Lambda function; `main.swift` only (STYLE: thin executables).
func function(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .executableTarget(
        name: name,
        dependencies: dependencies,
        path: "Sources/Functions/\(name)",
        swiftSettings: swiftSettings
    )
}

let package = Package(
    name: "gavel",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "runtime-probe", targets: ["runtime-probe"]),
        .executable(name: "gavel-local", targets: ["gavel-local"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        // HTTP parts with trailers, for gavel-local's Runtime API (Hummingbird already depends on it).
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        // Tests only: the reference our own Mustache renderer is checked against (it imports full Foundation).
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev", "libssl-dev"])]
        ),
        // JSON over bytes with no Foundation: a reader, a writer and Codable on them (issue 18: no Foundation
        // in a bootstrap).
        .target(name: "JSON", swiftSettings: swiftSettings),
        .target(
            name: "LambdaRuntime",
            dependencies: ["CCurl", "JSON", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(name: "AWS", dependencies: ["CCurl", "JSON"], swiftSettings: swiftSettings),
        // The event and response shapes of Lambda's sources (Sources/LambdaEvents/), both ways: functions decode
        // them, gavel-local builds them. One module per source, not one for all: SwiftPM links a module's object
        // files whole, and one module measured +128 KB in every bootstrap, mostly shapes it never reads.
        .target(
            name: "APIGatewayEvents",
            dependencies: ["JSON"],
            path: "Sources/LambdaEvents/APIGatewayEvents",
            swiftSettings: swiftSettings
        ),
        .target(name: "SQSEvents", path: "Sources/LambdaEvents/SQSEvents", swiftSettings: swiftSettings),
        .target(name: "S3Events", path: "Sources/LambdaEvents/S3Events", swiftSettings: swiftSettings),
        .target(name: "SchedulerEvents", path: "Sources/LambdaEvents/SchedulerEvents", swiftSettings: swiftSettings),
        .target(name: "CognitoEvents", path: "Sources/LambdaEvents/CognitoEvents", swiftSettings: swiftSettings),
        .target(
            name: "RuntimeProbe",
            dependencies: ["LambdaRuntime", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        function("runtime-probe", ["LambdaRuntime", "RuntimeProbe"]),
        .target(
            name: "GavelCore",
            dependencies: ["AWS", "JSON", "LambdaRuntime", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // Each domain is its own module, linked only by its functions: SwiftPM links a library's object files
        // whole, so code in GavelCore grows every bootstrap (docs/architecture.md: size budget).
        .target(
            name: "LiveAuction",
            dependencies: [
                "AWS", "GavelCore", "JSON", "SQSEvents", "LambdaRuntime",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        function("bid-persistence", ["AWS", "LiveAuction", "LambdaRuntime"]),
        .target(
            name: "Notifications",
            dependencies: [
                "AWS", "GavelCore", "JSON", "SQSEvents", "LambdaRuntime",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        function("notifications", ["AWS", "Notifications", "LambdaRuntime"]),
        // The Products table: one row type and one store for order-validation, image-processing and the API.
        .target(name: "Catalog", dependencies: ["AWS", "GavelCore"], swiftSettings: swiftSettings),
        // The eBay sniper's API and executor.
        .target(
            name: "Sniper",
            dependencies: [
                "AWS", "GavelCore", "JSON", "APIGatewayEvents", "LambdaRuntime",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        function("bid-executor", ["AWS", "Sniper", "LambdaRuntime"]),
        // The storefront's orders and cleanup.
        .target(
            name: "Storefront",
            dependencies: [
                "AWS", "Catalog", "GavelCore", "JSON", "SchedulerEvents", "LambdaRuntime",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        function("order-validation", ["AWS", "Storefront", "LambdaRuntime"]),
        function("cleanup", ["AWS", "Storefront", "LambdaRuntime"]),
        // The whole marketplace's HTTP API: the sniper's routes, the storefront's and the live auction's.
        .target(
            name: "API",
            dependencies: [
                "AWS", "JSON", "Catalog", "GavelCore", "Sniper", "Storefront", "LiveAuction", "APIGatewayEvents",
                "CognitoEvents", "LambdaRuntime",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        function("api", ["AWS", "API", "LambdaRuntime"]),
        // RS256 signature checks with libcrypto (already in every bootstrap through libcurl), and the JWT
        // authorizer on them: gavel-local's API gateway runs it, and bid-export, behind a Function URL with no
        // authorizer of its own, checks its callers' tokens with it.
        .target(name: "CJWTSignature", linkerSettings: [.linkedLibrary("crypto")]),
        .target(
            name: "Identity",
            dependencies: ["AWS", "CJWTSignature", "GavelCore", "JSON"],
            swiftSettings: swiftSettings
        ),
        // A signed-in user's live bids as CSV, streamed through a Function URL (response streaming).
        .target(
            name: "BidExport",
            dependencies: [
                "AWS", "JSON", "APIGatewayEvents", "GavelCore", "Identity", "LiveAuction", "LambdaRuntime",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        function("bid-export", ["AWS", "BidExport", "LambdaRuntime"]),
        // libjpeg-turbo and libpng (Debian's static archives in a static build), linked only by image-processing.
        // A C target, not a system library: both report errors by longjmp, which must stay on the C side.
        .target(
            name: "CImageCodecs",
            linkerSettings: [.linkedLibrary("jpeg"), .linkedLibrary("png16"), .linkedLibrary("z"), .linkedLibrary("m")]
        ),
        .target(
            name: "Imaging",
            dependencies: [
                "AWS", "Catalog", "CImageCodecs", "GavelCore", "S3Events", "LambdaRuntime",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        function("image-processing", ["AWS", "Imaging", "LambdaRuntime"]),

        // Developer tool: never linked into a bootstrap.
        .target(
            name: "GavelLocal",
            dependencies: [
                "LambdaRuntime",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),

        // The whole backend locally (`gavel-local dev`): API gateway, event wiring, fake eBay and mailbox.
        .target(
            name: "GavelDev",
            dependencies: [
                "AWS", "Catalog", "GavelCore", "GavelLocal", "Identity", "APIGatewayEvents", "SQSEvents",
                "SchedulerEvents", "CognitoEvents", "LambdaRuntime", "Sniper",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "gavel-local",
            dependencies: [
                "AWS", "GavelDev", "GavelLocal", "LambdaRuntime",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),

        // Release-built benchmarks of the libraries (scripts/bench): never linked into a bootstrap.
        .executableTarget(
            name: "gavel-bench",
            dependencies: [
                "AWS", "CCurl", "Catalog", "GavelCore", "GavelDev", "GavelFixtures", "GavelTesting", "Imaging",
                "APIGatewayEvents", "LambdaRuntime",
                "API", "Sniper", "Storefront", "LiveAuction",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // Test helpers with no server in them (a test of LambdaRuntime compiles no Hummingbird)...
        .target(
            name: "GavelTesting",
            dependencies: ["AWS", "GavelCore", "LambdaRuntime", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // ...and the embedded AWS and the domains' fixtures, for the tests that run against moto.
        .target(
            name: "GavelFixtures",
            dependencies: [
                "AWS", "Catalog", "GavelCore", "GavelDev", "GavelLocal", "GavelTesting", "Imaging", "LambdaRuntime",
                "Notifications", "Sniper", "Storefront",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LambdaRuntimeTests",
            dependencies: ["LambdaRuntime", "GavelTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "JSONTests", dependencies: ["JSON", "GavelTesting"], swiftSettings: swiftSettings),
        .testTarget(
            name: "AWSTests",
            dependencies: [
                "AWS", "JSON", "GavelDev", "GavelLocal", "GavelFixtures", "GavelTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GavelCoreTests",
            dependencies: ["GavelCore", "AWS", "GavelFixtures", "GavelTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LambdaEventsTests",
            dependencies: [
                "APIGatewayEvents", "SQSEvents", "S3Events", "SchedulerEvents", "GavelLocal", "GavelFixtures",
                "GavelTesting",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SniperTests",
            dependencies: [
                "Sniper", "GavelCore", "AWS", "GavelDev", "GavelFixtures", "GavelTesting", "APIGatewayEvents",
                "LambdaRuntime",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "APITests",
            dependencies: [
                "API", "Sniper", "Storefront", "LiveAuction", "Catalog", "GavelCore", "AWS", "GavelFixtures",
                "GavelTesting", "APIGatewayEvents", "CognitoEvents", "SQSEvents", "LambdaRuntime",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "NotificationsTests",
            dependencies: [
                "Notifications", "GavelCore", "AWS", "GavelDev", "GavelFixtures", "GavelTesting", "SQSEvents",
                "LambdaRuntime",
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LiveAuctionTests",
            dependencies: [
                "LiveAuction", "GavelCore", "AWS", "GavelFixtures", "GavelTesting", "SQSEvents", "LambdaRuntime",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StorefrontTests",
            dependencies: [
                "Storefront", "Catalog", "GavelCore", "AWS", "GavelFixtures", "GavelTesting", "SchedulerEvents",
                "LambdaRuntime",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ImagingTests",
            dependencies: [
                "Imaging", "Catalog", "AWS", "GavelCore", "GavelFixtures", "GavelTesting", "S3Events", "LambdaRuntime",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GavelLocalTests",
            dependencies: [
                "GavelLocal", "GavelFixtures", "GavelTesting", "Sniper", .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GavelDevTests",
            dependencies: [
                "GavelCore", "GavelDev", "GavelLocal", "GavelFixtures", "GavelTesting", "APIGatewayEvents", "AWS",
                "Identity", .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "GavelDev", "GavelLocal", "GavelFixtures", "GavelTesting", "LambdaRuntime", "GavelCore", "Sniper",
                "Storefront", "Imaging", "AWS",
                "Catalog", "APIGatewayEvents", "SQSEvents", "S3Events", "SchedulerEvents", "LiveAuction",
                "Notifications",
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
