/// A school year such as 2025-26 (July to June).
public struct SchoolYear: Sendable, Hashable, CustomStringConvertible {
    /// The calendar year the school year starts in.
    public let startYear: Int

    public init(startYear: Int) { self.startYear = startYear }

    /// Parses `2025-26` or `2025-2026`; the second year must follow the first.
    public init?(parsing text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, let start = Int(parts[0]), (1990...2200).contains(start),
            let end = Int(parts[1])
        else { return nil }
        switch parts[1].count {
        case 2 where end == (start + 1) % 100: break
        case 4 where end == start + 1: break
        default: return nil
        }
        startYear = start
    }

    public var description: String {
        let end = (startYear + 1) % 100
        return "\(startYear)-\(end < 10 ? "0" : "")\(end)"
    }
}
