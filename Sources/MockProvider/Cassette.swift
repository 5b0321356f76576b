import Foundation

/// Recorded provider traffic: requests to match and the responses to give, in order.
///
/// The format is documented in `mocks/README.md`. Files are JSON:
/// `{"description": "…", "interactions": [{"request": {…}, "responses": [{…}, …]}]}`.
public struct Cassette: Sendable {
    /// Which requests an interaction answers.
    public struct RequestMatch: Sendable {
        public var method: String
        public var path: String
        /// Parameters that must be present with these values (`"*"`: any value; nil: must be
        /// absent). Parameters not listed are ignored.
        public var query: [String: String?]
        /// Headers that must be present with these values (`"*"`: any value); names compared
        /// case-insensitively.
        public var headers: [String: String]

        func matches(_ request: RecordedRequest) -> Bool {
            guard request.method.uppercased() == method.uppercased(), request.path == path else { return false }
            let items = request.queryItems
            for (name, expected) in query {
                switch expected {
                case nil: if items[name] != nil { return false }
                case "*": if items[name] == nil { return false }
                case let value?: if items[name] != value { return false }
                }
            }
            for (name, expected) in headers {
                guard let actual = request.header(name) else { return false }
                if expected != "*" && actual != expected { return false }
            }
            return true
        }
    }

    /// One request pattern and its responses: the first request gets the first response, the
    /// next the next, and the last repeats.
    public struct Interaction: Sendable {
        public var request: RequestMatch
        public var responses: [MockResponse]
    }

    public var name: String
    public var description: String
    public var interactions: [Interaction]
}

/// A cassette file that cannot be used; names the file and the place in it.
public struct CassetteError: Error, CustomStringConvertible {
    public let description: String
    init(_ file: String, _ message: String) { description = "\(file): \(message)" }
}

extension Cassette {
    /// Every `*.json` cassette under a folder (recursively, in name order).
    public static func loadAll(directory: String) throws -> [Cassette] {
        guard let walker = FileManager.default.enumerator(atPath: directory) else {
            throw CassetteError(directory, "no such folder")
        }
        let files = walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".json") }.sorted()
        let cassettes = try files.compactMap { file -> Cassette? in
            let path = (directory as NSString).appendingPathComponent(file)
            // JSON bodies that cassettes point to live beside them; only files with interactions count.
            guard let data = FileManager.default.contents(atPath: path),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], object["interactions"] != nil
            else { return nil }
            return try Cassette(object: object, path: path)
        }
        guard !cassettes.isEmpty else { throw CassetteError(directory, "no cassettes (JSON files with \"interactions\")") }
        return cassettes
    }

    /// Reads one cassette file.
    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw CassetteError(path, "cannot read the file") }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw CassetteError(path, "not a JSON object")
        }
        try self.init(object: object, path: path)
    }

    init(object: [String: Any], path: String) throws {
        name = (path as NSString).lastPathComponent
        description = object["description"] as? String ?? ""
        guard let list = object["interactions"] as? [[String: Any]] else {
            throw CassetteError(path, "\"interactions\" must be a list of objects")
        }
        let folder = (path as NSString).deletingLastPathComponent
        interactions = try list.enumerated().map { index, item in
            let place = "interactions[\(index)]"
            guard let request = item["request"] as? [String: Any], let path = request["path"] as? String else {
                throw CassetteError(path, "\(place).request needs a \"path\"")
            }
            var query: [String: String?] = [:]
            for (key, value) in request["query"] as? [String: Any] ?? [:] {
                query[key] = value is NSNull ? .some(nil) : "\(value)"
            }
            let match = RequestMatch(
                method: request["method"] as? String ?? "GET", path: path, query: query,
                headers: request["headers"] as? [String: String] ?? [:])
            guard let responses = item["responses"] as? [[String: Any]], !responses.isEmpty else {
                throw CassetteError(path, "\(place).responses must be a non-empty list")
            }
            return Interaction(
                request: match,
                responses: try responses.enumerated().map {
                    try Self.response($1, place: "\(place).responses[\($0)]", file: path, folder: folder)
                })
        }
    }

    private static func response(_ object: [String: Any], place: String, file: String, folder: String) throws -> MockResponse {
        var response = MockResponse(status: object["status"] as? Int ?? 200)
        for (name, value) in object["headers"] as? [String: Any] ?? [:] { response.headers.append((name, "\(value)")) }
        response.headers.sort { $0.name < $1.name }
        if let body = object["body"] as? String {
            response.body = Array(body.utf8)
        } else if let bodyFile = object["body_file"] as? String {
            guard !bodyFile.hasPrefix("/"), !bodyFile.split(separator: "/").contains("..") else {
                throw CassetteError(file, "\(place).body_file must be a path inside the cassette's folder")
            }
            // A symlink could still point outside: compare real paths.
            let path = (folder as NSString).appendingPathComponent(bodyFile)
            let realFolder = (folder as NSString).resolvingSymlinksInPath
            let realPath = (path as NSString).resolvingSymlinksInPath
            guard realPath.hasPrefix(realFolder.hasSuffix("/") ? realFolder : realFolder + "/") else {
                throw CassetteError(file, "\(place).body_file '\(bodyFile)' leads outside the cassette's folder (a symlink?)")
            }
            guard let data = FileManager.default.contents(atPath: realPath) else {
                throw CassetteError(file, "\(place).body_file '\(bodyFile)' cannot be read")
            }
            response.body = Array(data)
        } else if let json = object["body_json"] {
            response.body = Array(try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys, .fragmentsAllowed]))
        }
        if let fault = object["fault"] as? [String: Any] {
            let seconds = (fault["seconds"] as? Double) ?? Double(fault["seconds"] as? Int ?? 0)
            let bytes = fault["after_bytes"] as? Int ?? 0
            switch fault["kind"] as? String {
            case "delay": response.fault = .delay(seconds: seconds)
            case "stall": response.fault = .stall(afterBytes: bytes, seconds: seconds)
            case "reset": response.fault = .reset(afterBytes: bytes)
            case "truncate": response.fault = .truncate(afterBytes: bytes)
            case let other:
                throw CassetteError(file, "\(place).fault.kind '\(other ?? "")' is not delay, stall, reset or truncate")
            }
        }
        return response
    }
}
