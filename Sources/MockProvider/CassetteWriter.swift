import Foundation

/// Writes recorded traffic as a cassette: one JSON file, with each response body in a file of
/// its own beside it (CSV pages stay readable as CSV).
public enum CassetteWriter {
    /// One request as recorded, with the responses it got in order.
    public struct Exchange: Sendable {
        public var method: String
        public var path: String
        public var query: [String: String]
        public var responses: [(status: Int, headers: [String: String], body: [UInt8])]

        public init(method: String, path: String, query: [String: String], responses: [(status: Int, headers: [String: String], body: [UInt8])]) {
            self.method = method
            self.path = path
            self.query = query
            self.responses = responses
        }
    }

    /// Writes `cassette.json` and its body files into `directory` (created if needed).
    public static func write(_ exchanges: [Exchange], description: String, to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var interactions: [[String: Any]] = []
        var bodyNumber = 0
        // Matching ignores parameters a cassette does not list, so a parameter another request to
        // the same path carries (a paging cursor) is written as null here: "must be absent".
        var parameters: [String: Set<String>] = [:]
        for exchange in exchanges { parameters["\(exchange.method) \(exchange.path)", default: []].formUnion(exchange.query.keys) }
        for exchange in exchanges {
            var query: [String: Any] = exchange.query
            for name in parameters["\(exchange.method) \(exchange.path)", default: []] where query[name] == nil {
                query[name] = NSNull()
            }
            var responses: [[String: Any]] = []
            for response in exchange.responses {
                var entry: [String: Any] = ["status": response.status]
                let kept = response.headers.filter { ["content-type", "x-total-pages", "retry-after"].contains($0.key.lowercased()) }
                if !kept.isEmpty { entry["headers"] = kept }
                if !response.body.isEmpty {
                    bodyNumber += 1
                    let type = kept.first { $0.key.lowercased() == "content-type" }?.value.lowercased() ?? ""
                    let suffix = type.contains("json") ? "json" : type.contains("csv") ? "csv" : "txt"
                    let name = String(format: "body-%03d.%@", bodyNumber, suffix)
                    try Data(response.body).write(to: URL(fileURLWithPath: (directory as NSString).appendingPathComponent(name)))
                    entry["body_file"] = name
                }
                responses.append(entry)
            }
            interactions.append([
                "request": ["method": exchange.method, "path": exchange.path, "query": query], "responses": responses,
            ])
        }
        let document: [String: Any] = ["description": description, "interactions": interactions]
        let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        try data.write(to: URL(fileURLWithPath: (directory as NSString).appendingPathComponent("cassette.json")))
    }
}
