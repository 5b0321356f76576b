import Foundation

/// Paths into the repository: bundled configuration, mocks and test fixtures.
public enum Fixtures {
    /// The repository's root folder.
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // Tests/TestSupport/Fixtures.swift
        return url.path
    }()

    public static func path(_ relative: String) -> String { (root as NSString).appendingPathComponent(relative) }

    /// The bundled `config/` folder.
    public static var configDirectory: String { path("config") }

    /// A file under `Tests/Fixtures`.
    public static func testFile(_ name: String) -> String { path("Tests/Fixtures/\(name)") }

    /// A copy of the bundled configuration in `directory/config`, for tests that change it.
    public static func copyConfig(into directory: TemporaryDirectory) throws -> String {
        let target = directory.file("config")
        try FileManager.default.copyItem(atPath: configDirectory, toPath: target)
        return target
    }
}
