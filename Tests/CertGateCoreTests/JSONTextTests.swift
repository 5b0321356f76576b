import CertGateCore
import Foundation
import Testing

@Suite struct JSONTextTests {
    @Test func keysAreSortedAndValuesTyped() {
        let text = JSONText.object([
            ("status", .string("resolved")), ("attempts", .integer(3)), ("score", .number(87.5)), ("note", .null),
            ("approved", .bool(true)), ("list", .json(JSONText.array([.integer(1), .string("a")]))),
        ])
        #expect(text == #"{"approved":true,"attempts":3,"list":[1,"a"],"note":null,"score":87.5,"status":"resolved"}"#)
    }

    @Test func stringsAreEscapedSoAnyTextRoundTrips() throws {
        let awkward = "O'Brien \"Jr.\"\\ tab\there\nline\u{1}end García-López ✓"
        let text = JSONText.object([("value", .string(awkward)), ("naN", .number(.nan))])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["value"] as? String == awkward)
        #expect(object["naN"] is NSNull)
    }
}
