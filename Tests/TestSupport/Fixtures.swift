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

    /// The bundled roster with a namesake added: a second Aaliyah Kim at another school. The
    /// week-1 feed's Aaliyah Kim gives no date of birth or email, so a person must decide.
    public static func rosterWithNamesake(in directory: String) throws -> String {
        let target = (directory as NSString).appendingPathComponent("roster-with-namesake.csv")
        var text = try String(contentsOfFile: path("mocks/roster/roster.csv"), encoding: .utf8)
        if !text.hasSuffix("\n") { text += "\r\n" }
        text += "S100190,FL001000099190,Aaliyah,,Kim,03/02/2008,aaliyah.90@students.example.org,Central High School,12,N\r\n"
        try text.write(toFile: target, atomically: true, encoding: .utf8)
        return target
    }

    /// A copy of the bundled configuration in `directory/config`, for tests that change it.
    public static func copyConfig(into directory: TemporaryDirectory) throws -> String {
        let target = directory.file("config")
        try FileManager.default.copyItem(atPath: configDirectory, toPath: target)
        return target
    }
}
