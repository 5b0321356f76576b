import Foundation

/// A configuration folder for a test: the bundled `gateway.json` with changes.
public enum TestConfig {
    /// Writes `directory/config`: the bundled files, with `gateway.json` changed to fast retries (so fault tests
    /// finish quickly) and `change` applied to its JSON.
    public static func make(in directory: TemporaryDirectory, _ change: (inout [String: Any]) -> Void = { _ in }) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("config/gateway.json")))
        var object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        var http = object["http"] as? [String: Any] ?? [:]
        http["retry_base_delay_seconds"] = 0.05
        http["retry_max_delay_seconds"] = 0.2
        object["http"] = http
        change(&object)
        let folder = directory.file("config")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for file in try FileManager.default.contentsOfDirectory(atPath: Fixtures.configDirectory) where file != "gateway.json" {
            try FileManager.default.copyItem(atPath: Fixtures.configDirectory + "/" + file, toPath: folder + "/" + file)
        }
        try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            .write(to: URL(fileURLWithPath: folder + "/gateway.json"))
        return folder
    }

    /// Credentials for the bundled providers; the mocks accept any.
    public static let credentials = [
        "CERTGATE_CERTIPORT_TOKEN": "test-token", "CERTGATE_SERVSAFE_CLIENT_ID": "test-client",
        "CERTGATE_SERVSAFE_CLIENT_SECRET": "test-secret",
    ]

    /// A folder holding copies of several cassette folders, served together.
    public static func feeds(in directory: TemporaryDirectory, _ sources: [String]) throws -> String {
        let folder = directory.file("feeds")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (index, source) in sources.enumerated() {
            try FileManager.default.copyItem(
                atPath: Fixtures.path(source), toPath: folder + "/\(index)-" + (source as NSString).lastPathComponent)
        }
        return folder
    }
}
