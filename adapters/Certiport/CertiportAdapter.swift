public import AdapterKit
import CertGateCore
import Fetch
public import Foundation

/// Certiport-style exam-results reports: CSV pages from
/// `GET {base}/exam-results?from=YYYY-MM-DD&to=YYYY-MM-DD&page=N` with a bearer token, the page
/// count in `X-Total-Pages`. Columns are found by header name (any order, unknown ones ignored).
public struct CertiportAdapter: ProviderAdapter {
    public static let style = "certiport"

    let provider: ProviderSettings
    let zone: TimeZone
    let headers: [CertiportColumn: [String]]

    public init(provider: ProviderSettings) throws {
        self.provider = provider
        zone = try provider.resolvedTimeZone()
        var headers = CertiportColumn.defaultHeaders
        for (name, extra) in provider.columns {
            guard let column = CertiportColumn(rawValue: name) else {
                let known = CertiportColumn.allCases.map(\.rawValue).joined(separator: ", ")
                throw CertGateError(.configuration, "provider '\(provider.id)': unknown column '\(name)' (known: \(known))")
            }
            headers[column, default: []] += extra
        }
        self.headers = headers
    }

    public func fetch(_ window: PullWindow, context: FetchContext) throws -> FetchedFeed {
        let auth = try provider.auth.resolve(environment: context.environment)
        func request(_ page: Int) -> HTTPRequest {
            .get(provider.url("exam-results") + "?from=\(window.start)&to=\(window.end)&page=\(page)", auth: auth)
        }
        let first = try context.transport.send(request(1))
        guard let totalText = first.header("X-Total-Pages"), let total = Int(totalText.trimmingSpaces), total >= 0 else {
            try document(first, page: 1).requireNotHTML(provider: provider.id, expected: "a CSV report")
            throw FeedError(
                provider: provider.id, feed: first.url, "the response has no valid X-Total-Pages header; is the base URL right?")
        }
        var pages = [first]
        context.progress(FetchProgress(provider: provider.id, done: 1, total: max(total, 1), what: "pages"))
        if total > 1 {
            // The rest of the pages at once; the client keeps within the per-host limit.
            let results = context.transport.sendAll((2...total).map(request), maxConcurrent: 8)
            for (offset, result) in results.enumerated() {
                pages.append(try samePageCount(result.get(), total: total))
                context.progress(FetchProgress(provider: provider.id, done: offset + 2, total: total, what: "pages"))
            }
        }
        // A page cut short is fetched again; one that stays short fails the pull before anything is stored.
        let pageSize = first.header("X-Page-Size").flatMap { Int($0.trimmingSpaces) }.flatMap { $0 > 0 ? $0 : nil }
        for attempt in 0...CutShortPages.retries {
            for (index, page) in pages.enumerated() {
                try document(page, page: index + 1).requireNotHTML(provider: provider.id, expected: "a CSV report")
            }
            let shapes = pages.enumerated().map { CutShortPages.CSVShape($1.body, name: "page \($0 + 1)") }
            var short = shapes.enumerated().compactMap { index, shape in shape.cutOff.map { (page: index + 1, reason: $0) } }
            if short.isEmpty { short = CutShortPages.shortOfRows(shapes.map(\.rows), pageSize: pageSize) }
            guard let worst = short.first else { break }
            guard attempt < CutShortPages.retries else {
                throw CutShortPages.failure(
                    provider: provider.id, feed: pages[worst.page - 1].url, page: "page \(worst.page) of \(total)",
                    reason: worst.reason)
            }
            context.progress(
                FetchProgress(provider: provider.id, done: short.count, total: total, what: "pages cut short, fetching again"))
            let again = context.transport.sendAll(short.map { request($0.page) }, maxConcurrent: 8)
            for (page, result) in zip(short.map(\.page), again) { pages[page - 1] = try samePageCount(result.get(), total: total) }
        }
        return FetchedFeed(documents: pages.enumerated().map { document($1, page: $0 + 1) }, cursor: window.end)
    }

    /// A page of a report whose page count is still `total`: a report regenerated during the pull
    /// may have moved rows between pages.
    private func samePageCount(_ response: HTTPResponse, total: Int) throws -> HTTPResponse {
        guard response.header("X-Total-Pages").flatMap({ Int($0.trimmingSpaces) }) == total else {
            throw FeedError(
                provider: provider.id, feed: response.url,
                "the page count changed during the pull (the report was regenerated); run the pull again")
        }
        return response
    }

    private func document(_ response: HTTPResponse, page: Int) -> FeedDocument {
        FeedDocument(
            bytes: response.body, feed: response.url, page: page, fetchedAt: Date(), contentType: response.header("Content-Type"))
    }

    public func documents(fromFile path: String, name: String, readAt: Date) throws -> [FeedDocument] {
        [FeedDocument(file: path, feed: name, readAt: readAt)]
    }

    public func parse(_ document: FeedDocument, emit: (ParsedRecord) throws -> Void) throws {
        try document.requireNotHTML(provider: provider.id, expected: "a CSV report")
        let name = document.page.map { "\(document.feed) page \($0)" } ?? document.feed
        let table: CSVTable<CertiportColumn>
        do {
            table = try CSVTable(
                reader: document.csvReader(name: name), name: name, aliases: headers,
                required: CertiportColumn.required)
        } catch let error as InputError {
            throw FeedError(provider: provider.id, feed: document.feed, "not a readable exam-results report: \(error)")
        }
        while true {
            let row: CSVTable<CertiportColumn>.Row
            do {
                guard let next = try table.next() else { break }
                row = next
            } catch let error as InputError where error.isRecoverable {
                try emit(.rejected(rejected(document, line: error.location.line, reason: error.message, raw: "\(error)")))
                continue
            } catch let error as InputError {
                throw FeedError(provider: provider.id, feed: document.feed, "\(error)")
            }
            let source = CanonicalResult.SourceReference(
                feed: document.feed, page: document.page, record: row.line, fetchedAt: document.fetchedAt)
            do {
                try emit(.result(try result(row, table, source)))
            } catch let error as InputError {
                let raw = CertiportColumn.allCases.map { row[$0] ?? "" }.joined(separator: "\u{1F}")
                try emit(.rejected(rejected(document, line: row.line, reason: error.description, raw: raw)))
            }
        }
    }

    private func rejected(_ document: FeedDocument, line: Int?, reason: String, raw: String) -> RejectedRecord {
        RejectedRecord(
            source: .init(feed: document.feed, page: document.page, record: line, fetchedAt: document.fetchedAt),
            reason: reason, rawHash: SHA256.hex("\(provider.id)\u{1F}\(raw)"))
    }

    private func result(
        _ row: CSVTable<CertiportColumn>.Row, _ table: CSVTable<CertiportColumn>, _ source: CanonicalResult.SourceReference
    ) throws -> CanonicalResult {
        func required(_ column: CertiportColumn) throws -> String {
            guard let value = row[column] else { throw InputError(table.location(row, column), "a value is required") }
            return value
        }
        func number(_ column: CertiportColumn) throws -> Double? {
            guard let text = row[column] else { return nil }
            guard let value = Double(text), value.isFinite else {
                throw InputError(table.location(row, column), "'\(text)' is not a number")
            }
            return value
        }
        let candidateID = try required(.candidateID)
        let examCode = try required(.examCode)
        let dateText = try required(.examDate)
        guard let attemptedAt = ExamTime.parse(dateText, in: zone) else {
            throw InputError(
                table.location(row, .examDate), "'\(dateText)' is not a date and time (expected MM/DD/YYYY hh:mm AM|PM or ISO 8601)")
        }
        let resultText = try required(.result)
        let outcome: CanonicalResult.Outcome
        switch resultText.lowercased() {
        case "pass", "passed", "p": outcome = .pass
        case "fail", "failed", "f": outcome = .fail
        default: throw InputError(table.location(row, .result), "'\(resultText)' is neither Pass nor Fail")
        }
        let candidate = CanonicalResult.Candidate(
            candidateID: candidateID, firstName: row[.firstName], lastName: row[.lastName],
            // A mistyped date of birth is common and not the report's fault: keep the row without it.
            dateOfBirth: row[.dateOfBirth].flatMap { CalendarDate(parsing: $0) }, email: row[.email],
            studentID: row[.studentID])
        let instant = ExamTime.format(attemptedAt, in: zone)
        return CanonicalResult(
            providerID: provider.id, recordKey: "\(candidateID)|\(examCode)|\(instant)", candidate: candidate,
            examCode: examCode, examTitle: row[.examTitle], attemptedAt: attemptedAt, timeZone: zone.identifier,
            score: try number(.score), passingScore: try number(.passingScore), outcome: outcome,
            certificateNumber: row[.verificationCode], proctor: row[.proctor],
            testingSite: row[.testingCenter] ?? row[.testingCenterID], expiresOn: nil, source: source)
    }

    public func pseudonymize(_ body: [UInt8], path: String, using pseudonyms: Pseudonymizer) throws -> [UInt8] {
        guard !body.isEmpty else { return body }
        let reader = CSVReader(bytes: body, name: path)
        guard let header = try reader.next() else { return body }
        var personal: [Int: CertiportColumn] = [:]
        for (index, title) in header.fields.enumerated() {
            let key = CSVTable<CertiportColumn>.normalize(title)
            for column in CertiportColumn.personal where headers[column, default: []].contains(where: {
                CSVTable<CertiportColumn>.normalize($0) == key
            }) {
                personal[index] = column
            }
        }
        var lines = [CSVWriter.dataLine(header.fields)]
        while let record = try reader.next() {
            var fields = record.fields
            for (index, column) in personal where index < fields.count && !fields[index].isEmpty {
                let value = fields[index]
                switch column {
                case .firstName: fields[index] = pseudonyms.firstName(value)
                case .lastName: fields[index] = pseudonyms.lastName(value)
                case .dateOfBirth: fields[index] = pseudonyms.dateOfBirth(value)
                case .email: fields[index] = pseudonyms.email(value)
                case .proctor: fields[index] = pseudonyms.fullName(value)
                default: fields[index] = pseudonyms.identifier(value)
                }
            }
            lines.append(CSVWriter.dataLine(fields))
        }
        return Array(lines.joined().utf8)
    }
}
