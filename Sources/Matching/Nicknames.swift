import Foundation

/// Given names that are the same person's (William, Bill, Will, Liam), kept as data in
/// `config/nicknames.json`: a list of groups of folded names.
public struct NicknameTable: Sendable {
    private let groups: [String: Set<Int>]

    public init(groups: [[String]]) {
        var map: [String: Set<Int>] = [:]
        for (index, group) in groups.enumerated() {
            for name in group { map[NameFolding.tokens(name).joined(), default: []].insert(index) }
        }
        self.groups = map
    }

    /// Reads `{"groups": [["william", "bill", …], …]}`.
    public static func load(path: String) throws -> NicknameTable {
        struct File: Decodable { var groups: [[String]] }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path])
        }
        return NicknameTable(groups: try JSONDecoder().decode(File.self, from: data).groups)
    }

    /// Whether two folded given names share a group.
    public func related(_ a: String, _ b: String) -> Bool {
        guard let first = groups[a], let second = groups[b] else { return false }
        return !first.isDisjoint(with: second)
    }

    /// A name that stands for the whole group (the group's number), or the name itself: equal
    /// for all nicknames of one name, for finding candidates.
    public func canonical(_ name: String) -> String {
        guard let group = groups[name]?.min() else { return name }
        return "#\(group)"
    }
}
