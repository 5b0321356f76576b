import Foundation

/// `certgate mock serve DIR` running in the background, as a user's test suite would start it.
/// Stopped (SIGTERM) when released.
public final class MockServeProcess {
    public let baseURL: String
    private let process: Process

    public init(directory: String) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: CertgateProcess.executable)
        process.arguments = ["mock", "serve", directory]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The second line says "base URL: http://127.0.0.1:PORT".
        var text = ""
        let deadline = Date().addingTimeInterval(20)
        while !text.contains("base URL: ") || !text.hasSuffix("\n") {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty || Date() > deadline {
                process.terminate()
                throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "mock serve did not start: \(text)"])
            }
            text += String(decoding: chunk, as: UTF8.self)
        }
        let line = text.split(separator: "\n").first { $0.hasPrefix("base URL: ") }!
        baseURL = String(line.dropFirst("base URL: ".count))
    }

    deinit {
        process.terminate()
        process.waitUntilExit()
    }
}
