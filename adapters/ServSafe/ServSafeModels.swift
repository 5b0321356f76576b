import CertGateCore

/// `GET /v1/exam-sessions` page.
struct SessionsPage: Codable {
    var sessions: [Session]
    var nextCursor: String?
}

/// A proctored exam session.
struct Session: Codable {
    struct Party: Codable {
        var id: String?
        var name: String?
    }

    var sessionId: String
    var examType: String
    var examDate: String
    var proctor: Party?
    var location: Party?
    var updatedAt: String
}

/// `GET /v1/exam-sessions/{id}/score-list`.
struct ScoreList: Codable {
    var sessionId: String
    var passingPercent: Double?
    var examinees: [Lenient<Examinee>]
}

/// One examinee's line on a score list.
struct Examinee: Codable {
    var servsafeUserId: String?
    var answerSheetNumber: String?
    var firstName: String?
    var lastName: String?
    var email: String?
    var dateOfBirth: String?
    var scoredQuestions: Int?
    var correct: Int?
    var result: String
    var certificateNumber: String?
    var certificateExpires: String?
}

/// What the adapter stores per session: the session as listed and its score list, so one
/// document holds everything a result needs. Also the format of a hand-exported file (one
/// object, or an array of them).
struct SessionDocument: Codable {
    var session: Session
    var scoreList: ScoreList
}

/// A session as staff save it from the portal: the session with its examinees inline (one
/// object, an array of them, or `{"sessions": [...]}`).
struct InlineSession: Decodable {
    var sessionId: String
    var examType: String
    var examDate: String
    var proctor: Session.Party?
    var location: Session.Party?
    var updatedAt: String?
    var passingPercent: Double?
    var examinees: [Lenient<Examinee>]

    /// The same session as a pull stores it.
    var document: SessionDocument {
        SessionDocument(
            session: Session(
                sessionId: sessionId, examType: examType, examDate: examDate, proctor: proctor, location: location,
                updatedAt: updatedAt ?? examDate),
            scoreList: ScoreList(sessionId: sessionId, passingPercent: passingPercent, examinees: examinees))
    }
}

/// `{"sessions": [...]}` with each session's examinees inline.
struct InlineSessionList: Decodable {
    var sessions: [InlineSession]
}

/// `POST /oauth/token` answer.
struct TokenResponse: Codable {
    var access_token: String
    var token_type: String?
    var expires_in: Double?
}

/// An array element decoded on its own, so one bad examinee rejects only that line.
struct Lenient<Value: Codable>: Codable {
    var value: Value?
    var problem: String?

    init(from decoder: any Decoder) throws {
        do {
            value = try Value(from: decoder)
        } catch let error as DecodingError {
            problem = error.readableDescription
        }
    }

    func encode(to encoder: any Encoder) throws {
        try value.encode(to: encoder)
    }
}
