public import AdapterKit
import CertGateCore
import Fetch
public import Foundation
import Synchronization

/// NRA/ServSafe-style score lists: OAuth2 client credentials, exam sessions listed page by page
/// through `nextCursor`, and each session's score list.
public struct ServSafeAdapter: ProviderAdapter {
    public static let style = "servsafe"

    let provider: ProviderSettings
    let zone: TimeZone

    static let titles = [
        "MANAGER": "ServSafe Food Protection Manager", "FOOD_HANDLER": "ServSafe Food Handler",
        "ALLERGENS": "ServSafe Allergens",
    ]

    public init(provider: ProviderSettings) throws {
        self.provider = provider
        zone = try provider.resolvedTimeZone()
        guard provider.auth.type == .oauth2ClientCredentials else {
            throw CertGateError(.configuration, "provider '\(provider.id)': the servsafe style needs auth type oauth2_client_credentials")
        }
    }

    public func fetch(_ window: PullWindow, context: FetchContext) throws -> FetchedFeed {
        let token = TokenSource(provider: provider, context: context)
        // Sessions updated since the start of the window's first day, in the provider's zone.
        let since = ExamTime.parse(window.start.description, in: zone)!
        let sinceText = ExamTime.format(since, in: TimeZone(identifier: "UTC")!).replacing("+00:00", with: "Z")
        struct ListPage {
            var url: String
            var page: SessionsPage
        }
        var pages: [ListPage] = []
        var cursor: String?
        var seenCursors: Set<String> = []
        repeat {
            var url = provider.url("v1/exam-sessions") + "?updatedSince=\(HTTPRequest.formEncode(sinceText))"
            if let cursor { url += "&cursor=\(HTTPRequest.formEncode(cursor))" }
            let page: SessionsPage = try fetchJSON(url, token: token, expected: "an exam-session list", name: "session list page \(pages.count + 1)")
            pages.append(ListPage(url: url, page: page))
            context.progress(
                FetchProgress(provider: provider.id, done: pages.reduce(0) { $0 + $1.page.sessions.count }, total: nil, what: "sessions listed"))
            cursor = page.nextCursor
            if let cursor, !seenCursors.insert(cursor).inserted {
                throw FeedError(provider: provider.id, feed: url, "the session list repeats cursor '\(cursor)'")
            }
        } while cursor != nil
        // A list page holding fewer sessions than a full one while more follow was cut short.
        for attempt in 0...CutShortPages.retries {
            guard let worst = CutShortPages.shortOfRows(pages.map(\.page.sessions.count), pageSize: nil).first else { break }
            let listed = pages[worst.page - 1]
            guard attempt < CutShortPages.retries else {
                throw CutShortPages.failure(
                    provider: provider.id, feed: listed.url, page: "session list page \(worst.page) of \(pages.count)",
                    reason: worst.reason.replacing("rows", with: "sessions"))
            }
            let again: SessionsPage = try fetchJSON(
                listed.url, token: token, expected: "an exam-session list", name: "session list page \(worst.page)")
            guard again.nextCursor == listed.page.nextCursor else {
                throw FeedError(provider: provider.id, feed: listed.url, "the session list changed during the pull; run the pull again")
            }
            pages[worst.page - 1].page = again
        }
        let sessions = pages.flatMap(\.page.sessions)

        // Score lists, several at once within the per-host limit; one cut short is fetched again alone.
        let urls = sessions.map { provider.url("v1/exam-sessions/\(HTTPRequest.formEncode($0.sessionId))/score-list") }
        let lists = try token.sendAll(urls.map { url in { auth in .get(url, auth: auth) } })
        var documents: [FeedDocument] = []
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for (index, (session, response)) in zip(sessions, lists).enumerated() {
            let name = "the score list of session \(session.sessionId)"
            let scoreList: ScoreList =
                JSONCompleteness.cutOffAt(response.body) == nil
                ? try decode(response, expected: "a score list")
                : try fetchJSON(urls[index], token: token, expected: "a score list", name: name, sentOnce: true)
            guard scoreList.sessionId == session.sessionId else {
                throw FeedError(provider: provider.id, feed: response.url, "the score list is for another session")
            }
            let combined = try encoder.encode(SessionDocument(session: session, scoreList: scoreList))
            documents.append(FeedDocument(bytes: Array(combined), feed: response.url, page: index + 1, fetchedAt: Date()))
            context.progress(FetchProgress(provider: provider.id, done: index + 1, total: sessions.count, what: "score lists"))
        }
        let latest = sessions.compactMap { ExamTime.parse($0.updatedAt, in: zone) }.max()
        return FetchedFeed(documents: documents, cursor: latest.map { ExamTime.day(of: $0, in: zone) })
    }

    /// Fetches and decodes a JSON document, fetching it again when it stops before its brackets
    /// close (a generator that timed out); one that stays cut short fails the pull.
    /// - Parameter sentOnce: the document was already fetched once and came back cut short.
    private func fetchJSON<T: Decodable>(
        _ url: String, token: TokenSource, expected: String, name: String, sentOnce: Bool = false
    ) throws -> T {
        for attempt in (sentOnce ? 1 : 0)...CutShortPages.retries {
            let response = try token.send { .get(url, auth: $0) }
            guard let cut = JSONCompleteness.cutOffAt(response.body) else { return try decode(response, expected: expected) }
            if attempt == CutShortPages.retries {
                throw CutShortPages.failure(
                    provider: provider.id, feed: url, page: name,
                    reason: "the JSON stops after \(cut) bytes, before its brackets close")
            }
        }
        preconditionFailure("the loop returns or throws")
    }

    private func decode<T: Decodable>(_ response: HTTPResponse, expected: String) throws -> T {
        let document = FeedDocument(
            bytes: response.body, feed: response.url, page: nil, fetchedAt: Date(), contentType: response.header("Content-Type"))
        try document.requireNotHTML(provider: provider.id, expected: expected)
        do {
            return try JSONDecoder().decode(T.self, from: Data(response.body))
        } catch let error as DecodingError {
            throw FeedError(provider: provider.id, feed: response.url, "not \(expected): \(error.readableDescription)")
        }
    }

    public func documents(fromFile path: String, name: String, readAt: Date) throws -> [FeedDocument] {
        try documents(fromExport: FeedDocument(file: path, feed: name, readAt: readAt).contents(), name: name, readAt: readAt)
    }

    /// The shapes of a hand-saved ServSafe file, as the error for a file of none of them lists them.
    static let exportShapes = [
        #"{"session": {...}, "scoreList": {...}} (a pulled session with its score list)"#,
        #"an array of those"#,
        #"{"sessions": [{"sessionId", "examType", "examDate", ..., "examinees": [...]}]} (sessions with examinees inline)"#,
        #"an array of sessions with examinees inline, or one such session"#,
    ]

    /// Splits a session export into one document per session. Accepts each of `exportShapes`.
    public func documents(fromExport bytes: [UInt8], name: String, readAt: Date) throws -> [FeedDocument] {
        if let cut = JSONCompleteness.cutOffAt(bytes) {
            throw FeedError(
                provider: provider.id, feed: name,
                "the file looks cut off: its JSON stops after \(cut) bytes, before its brackets close; nothing was stored")
        }
        let data = Data(bytes)
        let decoder = JSONDecoder()
        // Which shape the file means, from its top-level keys, so an error speaks of that shape.
        let top = try? JSONSerialization.jsonObject(with: data)
        let first = (top as? [Any])?.first ?? top
        let keys = Set((first as? [String: Any])?.keys.map { $0 } ?? [])
        let sessions: [SessionDocument]
        do {
            switch (top is [Any], keys) {
            case (true, let keys) where keys.contains("session"): sessions = try decoder.decode([SessionDocument].self, from: data)
            case (false, let keys) where keys.contains("session"): sessions = [try decoder.decode(SessionDocument.self, from: data)]
            case (false, let keys) where keys.contains("sessions"):
                sessions = try decoder.decode(InlineSessionList.self, from: data).sessions.map(\.document)
            case (true, let keys) where keys.contains("examinees"):
                sessions = try decoder.decode([InlineSession].self, from: data).map(\.document)
            case (false, let keys) where keys.contains("examinees"): sessions = [try decoder.decode(InlineSession.self, from: data).document]
            default:
                throw FeedError(
                    provider: provider.id, feed: name,
                    "not a ServSafe session export; accepted: " + Self.exportShapes.joined(separator: "; "))
            }
        } catch let error as DecodingError {
            throw FeedError(
                provider: provider.id, feed: name,
                "not a ServSafe session export (\(error.readableDescription)); accepted: " + Self.exportShapes.joined(separator: "; "))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try sessions.enumerated().map { index, session in
            FeedDocument(bytes: Array(try encoder.encode(session)), feed: name, page: index + 1, fetchedAt: readAt)
        }
    }

    public func parse(_ document: FeedDocument, emit: (ParsedRecord) throws -> Void) throws {
        let combined: SessionDocument
        do {
            combined = try JSONDecoder().decode(SessionDocument.self, from: Data(document.contents()))
        } catch let error as DecodingError {
            throw FeedError(provider: provider.id, feed: document.feed, "not a session score list: \(error.readableDescription)")
        }
        let session = combined.session
        for (index, line) in combined.scoreList.examinees.enumerated() {
            let source = CanonicalResult.SourceReference(
                feed: document.feed, page: document.page, record: index + 1, fetchedAt: document.fetchedAt)
            do {
                guard let examinee = line.value else { throw ServSafeRowError(line.problem ?? "unreadable examinee") }
                try emit(.result(try result(session, combined.scoreList, examinee, source)))
            } catch let error as ServSafeRowError {
                let raw = "\(session.sessionId)\u{1F}\(index)\u{1F}\(line.value.map { "\($0)" } ?? "")"
                try emit(
                    .rejected(
                        RejectedRecord(
                            source: source, reason: "session \(session.sessionId), examinee \(index + 1): \(error.message)",
                            rawHash: SHA256.hex(raw))))
            }
        }
    }

    private func result(_ session: Session, _ list: ScoreList, _ examinee: Examinee, _ source: CanonicalResult.SourceReference)
        throws -> CanonicalResult
    {
        let texts: KeyValuePairs<String, String?> = [
            "sessionId": session.sessionId, "examType": session.examType, "proctor": session.proctor?.name,
            "location": session.location?.name ?? session.location?.id, "servsafeUserId": examinee.servsafeUserId,
            "answerSheetNumber": examinee.answerSheetNumber, "firstName": examinee.firstName, "lastName": examinee.lastName,
            "email": examinee.email, "certificateNumber": examinee.certificateNumber,
        ]
        for (field, value) in texts {
            if let control = value?.firstControlCharacter() {
                throw ServSafeRowError("\(field) holds the control character \(control.codePointName); IDs and names may not")
            }
        }
        guard let key = examinee.servsafeUserId ?? examinee.answerSheetNumber.map({ "sheet:\($0)" }) else {
            throw ServSafeRowError("neither a servsafeUserId nor an answerSheetNumber")
        }
        let outcome: CanonicalResult.Outcome
        switch examinee.result.uppercased() {
        case "PASS": outcome = .pass
        case "FAIL": outcome = .fail
        default: throw ServSafeRowError("result '\(examinee.result)' is neither PASS nor FAIL")
        }
        guard let examDate = ExamTime.parse(session.examDate, in: zone), CalendarDate(parsing: session.examDate) != nil
        else {
            throw ServSafeRowError("session examDate is not YYYY-MM-DD")
        }
        var score: Double?
        if let correct = examinee.correct, let questions = examinee.scoredQuestions {
            guard questions > 0, (0...questions).contains(correct) else {
                throw ServSafeRowError("\(correct) correct of \(questions) scored questions is impossible")
            }
            score = (Double(correct) / Double(questions) * 1000).rounded() / 10
        }
        var expires: CalendarDate?
        if let text = examinee.certificateExpires {
            guard let date = CalendarDate(parsing: text) else { throw ServSafeRowError("certificateExpires is not a date") }
            expires = date
        }
        return CanonicalResult(
            providerID: provider.id, recordKey: "\(session.sessionId)|\(key)",
            candidate: .init(
                candidateID: examinee.servsafeUserId, firstName: examinee.firstName, lastName: examinee.lastName,
                dateOfBirth: examinee.dateOfBirth.flatMap { CalendarDate(parsing: $0) }, email: examinee.email),
            examCode: session.examType, examTitle: Self.titles[session.examType], attemptedAt: examDate,
            timeZone: zone.identifier, score: score, passingScore: list.passingPercent, outcome: outcome,
            certificateNumber: examinee.certificateNumber, proctor: session.proctor?.name,
            testingSite: session.location?.name ?? session.location?.id, expiresOn: expires, source: source)
    }

    public func pseudonymize(_ body: [UInt8], path: String, using pseudonyms: Pseudonymizer) throws -> [UInt8] {
        guard !body.isEmpty, let json = try? JSONSerialization.jsonObject(with: Data(body)) else { return body }
        func walk(_ value: Any, key: String?, parent: String?) -> Any {
            if let object = value as? [String: Any] {
                return Dictionary(uniqueKeysWithValues: object.map { ($0.key, walk($0.value, key: $0.key, parent: key)) })
            }
            if let array = value as? [Any] { return array.map { walk($0, key: nil, parent: key) } }
            guard let text = value as? String else { return value }
            switch (key, parent) {
            case ("firstName", _): return pseudonyms.firstName(text)
            case ("lastName", _): return pseudonyms.lastName(text)
            case ("email", _): return pseudonyms.email(text)
            case ("dateOfBirth", _): return pseudonyms.dateOfBirth(text)
            case ("servsafeUserId", _), ("certificateNumber", _), ("id", "proctor"): return pseudonyms.identifier(text)
            case ("name", "proctor"): return pseudonyms.fullName(text)
            case ("access_token", _), ("refresh_token", _): return pseudonyms.secret(text)
            default: return text
            }
        }
        let cleaned = walk(json, key: nil, parent: nil)
        return Array(try JSONSerialization.data(withJSONObject: cleaned, options: [.sortedKeys]))
    }
}

/// One examinee line that cannot be used.
struct ServSafeRowError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
