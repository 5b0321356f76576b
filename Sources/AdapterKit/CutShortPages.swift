import CertGateCore

/// A page a provider cut short: a complete HTTP response whose body stops mid-record (a report
/// generator that timed out and flushed), or that holds fewer rows than a full page while more
/// pages follow. Storing what such a page holds and moving the cursor on would lose the rows
/// after the cut for good, so adapters fetch it again and, if it stays short, fail the pull.
public enum CutShortPages {
    /// How many more times a cut-short page is fetched before the provider's pull fails.
    public static let retries = 2

    /// What a CSV page holds: its rows after the header, and why it looks cut off, if it does.
    public struct CSVShape: Sendable, Equatable {
        public var rows: Int
        public var cutOff: String?

        /// Reads the page's records (not their values: parsing comes later).
        public init(_ bytes: [UInt8], name: String) {
            rows = 0
            cutOff = nil
            let reader = CSVReader(bytes: bytes, name: name)
            do {
                guard let header = try reader.next() else { return }
                while let record = try reader.next() {
                    if !record.terminated && record.fields.count < header.fields.count {
                        cutOff = "it stops at line \(record.line) in the middle of a row (\(record.fields.count) of "
                            + "\(header.fields.count) fields, no line end)"
                        return
                    }
                    rows += 1
                }
            } catch let error as InputError where error.isCutOff {
                cutOff = "it stops at line \(error.location.line ?? 0) inside a quoted field"
            } catch {
                // Not a question of length: parsing reports it with its line.
            }
        }
    }

    /// The pages (1-based, all but the last) holding fewer rows than a full page. A full page
    /// holds `pageSize` rows when the provider says so, else as many as the fullest of them.
    public static func shortOfRows(_ rows: [Int], pageSize: Int?) -> [(page: Int, reason: String)] {
        guard rows.count > 1 else { return [] }
        let inner = rows.dropLast()
        let full = pageSize ?? inner.max() ?? 0
        return inner.enumerated().compactMap { index, count in
            count < full
                ? (index + 1, "it holds \(count) rows where a full page holds \(full), and \(rows.count - index - 1) more page(s) follow")
                : nil
        }
    }

    /// The error that fails a provider's pull once a page stayed short.
    public static func failure(provider: String, feed: String, page: String, reason: String) -> FeedError {
        FeedError(
            provider: provider, feed: feed,
            "\(page) looks cut short: \(reason) (fetched \(retries + 1) times); nothing from this provider was stored and "
                + "its cursor is unchanged, so the next pull asks for these days again")
    }
}
