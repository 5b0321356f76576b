import AdapterKit
import CertGateCore
import Fetch
import Foundation
import ServSafe
import Testing

@Suite struct ServSafeAdapterTests {
    static let provider = ProviderSettings(
        id: "servsafe", name: "ServSafe", style: "servsafe", baseURL: "http://127.0.0.1:1",
        auth: AuthSettings(type: .oauth2ClientCredentials, userEnv: "ID", secretEnv: "SECRET"), timeZone: "America/Chicago")

    static let export = #"""
        {"session": {"sessionId": "SS-1", "examType": "MANAGER", "examDate": "2026-01-06", "updatedAt": "2026-01-07T15:00:00Z",
                     "proctor": {"id": "P-77", "name": "Okafor, Daniel"}, "location": {"id": "L-3", "name": "Riverside"}},
         "scoreList": {"sessionId": "SS-1", "passingPercent": 75, "examinees": [
            {"servsafeUserId": "U1", "answerSheetNumber": "A1", "firstName": "Ava", "lastName": "O'Brien", "email": null,
             "dateOfBirth": "2008-07-21", "scoredQuestions": 80, "correct": 68, "result": "PASS",
             "certificateNumber": "CM-1", "certificateExpires": "2031-01-06"},
            {"servsafeUserId": null, "answerSheetNumber": "A2", "firstName": "José", "lastName": "Brown", "email": null,
             "dateOfBirth": null, "scoredQuestions": 80, "correct": 40, "result": "FAIL", "certificateNumber": null,
             "certificateExpires": null},
            {"servsafeUserId": "U3", "answerSheetNumber": "A3", "firstName": "X", "lastName": "Y", "email": null,
             "dateOfBirth": null, "scoredQuestions": 80, "correct": 90, "result": "PASS", "certificateNumber": null,
             "certificateExpires": null},
            {"servsafeUserId": "U4", "result": 17},
            {"servsafeUserId": null, "answerSheetNumber": null, "result": "PASS"}
         ]}}
        """#

    @Test func examineesBecomeResultsAndBadLinesAreRejected() throws {
        let adapter = try ServSafeAdapter(provider: Self.provider)
        let documents = try adapter.documents(fromExport: Array(Self.export.utf8), name: "export.json", readAt: Date())
        #expect(documents.count == 1)
        var results: [CanonicalResult] = []
        var rejected: [RejectedRecord] = []
        try adapter.parse(documents[0]) { record in
            switch record {
            case .result(let result): results.append(result)
            case .rejected(let record): rejected.append(record)
            }
        }
        #expect(results.map(\.recordKey) == ["SS-1|U1", "SS-1|sheet:A2"])
        let ava = results[0]
        #expect(ava.score == 85)
        #expect(ava.passingScore == 75)
        #expect(ava.examCode == "MANAGER")
        #expect(ava.examTitle == "ServSafe Food Protection Manager")
        #expect(ava.expiresOn?.description == "2031-01-06")
        #expect(ava.proctor == "Okafor, Daniel")
        #expect(ava.testingSite == "Riverside")
        #expect(ExamTime.day(of: ava.attemptedAt, in: TimeZone(identifier: "America/Chicago")!).description == "2026-01-06")
        #expect(results[1].outcome == .fail)
        #expect(rejected.map(\.source.record) == [3, 4, 5])
        #expect(rejected[0].reason.contains("90 correct of 80 scored questions is impossible"))
        #expect(rejected[2].reason.contains("neither a servsafeUserId nor an answerSheetNumber"))
    }

    /// Every shape staff save a ServSafe file in gives the same results; a file of none says which are accepted.
    @Test func exportShapesGiveTheSameResults() throws {
        let adapter = try ServSafeAdapter(provider: Self.provider)
        func keys(_ text: String) throws -> [String] {
            var keys: [String] = []
            for document in try adapter.documents(fromExport: Array(text.utf8), name: "f.json", readAt: Date()) {
                try adapter.parse(document) { if case .result(let result) = $0 { keys.append(result.recordKey) } }
            }
            return keys
        }
        let pair = try keys(Self.export)
        #expect(pair == ["SS-1|U1", "SS-1|sheet:A2"])
        #expect(try keys("[\(Self.export), \(Self.export)]") == pair + pair)
        let inline = #"""
            {"sessionId": "SS-1", "examType": "MANAGER", "examDate": "2026-01-06", "passingPercent": 75, "examinees": [
               {"servsafeUserId": "U1", "firstName": "Ava", "lastName": "O'Brien", "result": "PASS"},
               {"answerSheetNumber": "A2", "firstName": "José", "lastName": "Brown", "result": "FAIL"}]}
            """#
        #expect(try keys(inline) == pair)
        #expect(try keys("[\(inline)]") == pair)
        #expect(try keys("{\"sessions\": [\(inline), \(inline.replacing("SS-1", with: "SS-2"))]}") == pair + ["SS-2|U1", "SS-2|sheet:A2"])
        #expect { try keys(#"{"rows": []}"#) } throws: {
            "\($0)".contains("not a ServSafe session export; accepted: ") && "\($0)".contains("examinees inline")
        }
        #expect { try keys(#"{"sessions": [{"sessionId": "SS-1"}]}"#) } throws: { "\($0)".contains("missing key 'examType'") }
        #expect { try keys(String(Self.export.prefix(300))) } throws: { "\($0)".contains("the file looks cut off") }
    }

    @Test func needsOAuth2Credentials() {
        var provider = Self.provider
        provider.auth = AuthSettings(type: .bearer, tokenEnv: "T")
        #expect { try ServSafeAdapter(provider: provider) } throws: { "\($0)".contains("oauth2_client_credentials") }
    }

    @Test func pseudonymizedScoreListHasNoPersonalData() throws {
        let adapter = try ServSafeAdapter(provider: Self.provider)
        let fake = String(
            decoding: try adapter.pseudonymize(Array(Self.export.utf8), path: "/x", using: Pseudonymizer(salt: "s")), as: UTF8.self)
        for real in ["Ava", "O'Brien", "José", "2008-07-21", "Okafor", "CM-1\"", "\"U1\""] { #expect(!fake.contains(real), "\(real)") }
        #expect(fake.contains("\"passingPercent\":75"))
    }
}
