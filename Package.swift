// swift-tools-version:6.0
// CertGate: a provider-integration gateway for industry-certification tracking.
// No Swift package dependencies: only the toolchain and system C libraries.
import PackageDescription

let package = Package(
    name: "CertGate",
    products: [
        .executable(name: "certgate", targets: ["certgate"])
    ],
    targets: [
        // System C libraries (Debian packages are installed by `make deps`).
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CTLS", pkgConfig: "libssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CMicroHTTPD", pkgConfig: "libmicrohttpd", providers: [.apt(["libmicrohttpd-dev"])]),
        .systemLibrary(name: "CZip", pkgConfig: "libzip", providers: [.apt(["libzip-dev"])]),
        .systemLibrary(name: "CXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CXLSXWriter", pkgConfig: "xlsxwriter", providers: [.apt(["libxlsxwriter-dev"])]),
        .systemLibrary(name: "CPostgres", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),

        // Libraries.
        .target(name: "CertGateCore", dependencies: ["CCrypto"]),
        .target(name: "Fetch", dependencies: ["CCurl", "CertGateCore"]),
        .target(name: "Store", dependencies: ["CSQLite", "CPostgres", "CertGateCore"]),
        .target(
            name: "Gateway",
            dependencies: ["CertGateCore", "Fetch", "Store", "AdapterKit", "Certiport", "ServSafe", "MockProvider", "Matching", "ManualPDF", "Spreadsheet"]),
        .target(name: "MockProvider", dependencies: ["CTLS"]),
        .target(name: "AdapterKit", dependencies: ["CertGateCore", "Fetch"]),
        .target(name: "Matching", dependencies: ["CertGateCore"]),
        // Excel workbooks (.xlsx): read through libzip and libxml2 (teachers' logs), written through libxlsxwriter (reports).
        .target(name: "Spreadsheet", dependencies: ["CZip", "CXML2", "CXLSXWriter", "CertGateCore"]),
        // The staff web console on libmicrohttpd.
        .target(name: "Console", dependencies: ["CMicroHTTPD", "Gateway", "CertGateCore", "Matching", "Spreadsheet"]),

        // Provider adapters: one folder per report style.
        .target(name: "Certiport", dependencies: ["AdapterKit", "CertGateCore", "Fetch"], path: "adapters/Certiport"),
        .target(name: "ServSafe", dependencies: ["AdapterKit", "CertGateCore", "Fetch"], path: "adapters/ServSafe"),
        .target(name: "ManualPDF", dependencies: ["CZlib", "CertGateCore", "Matching"], path: "adapters/ManualPDF"),

        .target(name: "FuzzTargets", dependencies: ["AdapterKit", "CertGateCore", "Certiport", "ServSafe", "ManualPDF", "Fetch", "Spreadsheet"]),

        // Executables: thin front ends over the libraries.
        .executableTarget(
            name: "certgate", dependencies: ["Gateway", "CertGateCore", "Store", "MockProvider", "AdapterKit", "Matching", "Console", "Spreadsheet"]),
        .executableTarget(
            name: "certgate-bench", dependencies: ["Gateway", "CertGateCore", "Store", "Fetch", "MockProvider", "Matching", "Console", "TestSupport"]),

        .executableTarget(name: "certgate-fuzz", dependencies: ["FuzzTargets"]),

        // Tests.
        .target(name: "TestSupport", dependencies: ["CertGateCore", "Store"], path: "Tests/TestSupport"),
        .testTarget(name: "CertGateCoreTests", dependencies: ["CertGateCore", "TestSupport"]),
        .testTarget(name: "FetchTests", dependencies: ["Fetch", "MockProvider", "TestSupport"]),
        .testTarget(name: "StoreTests", dependencies: ["Store", "TestSupport"]),
        .testTarget(name: "AdapterTests", dependencies: ["AdapterKit", "Certiport", "ServSafe", "CertGateCore", "Fetch"]),
        .testTarget(name: "MatchingTests", dependencies: ["Matching", "CertGateCore", "TestSupport"]),
        .testTarget(name: "SpreadsheetTests", dependencies: ["Spreadsheet", "CertGateCore", "TestSupport"]),
        .testTarget(name: "ManualPDFTests", dependencies: ["ManualPDF", "TestSupport", "FuzzTargets"]),
        .testTarget(name: "MockProviderTests", dependencies: ["MockProvider", "Fetch", "TestSupport"]),
        .testTarget(name: "GatewayTests", dependencies: ["Gateway", "Store", "TestSupport", "MockProvider", "AdapterKit", "CertGateCore"]),
        .testTarget(name: "EndToEndTests", dependencies: ["certgate", "TestSupport", "Store"]),
        .testTarget(name: "ConsoleTests", dependencies: ["Console", "Gateway", "Fetch", "TestSupport", "MockProvider", "Spreadsheet"]),
    ]
)

for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + [
        .swiftLanguageMode(.v6),
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("InternalImportsByDefault"),
    ]
}
