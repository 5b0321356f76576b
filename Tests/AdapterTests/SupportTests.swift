import AdapterKit
import CertGateCore
import Foundation
import Testing

@Suite struct ExamTimeTests {
    let newYork = TimeZone(identifier: "America/New_York")!

    @Test(arguments: [
        ("01/06/2026 09:15 AM", "2026-01-06T14:15:00Z"), ("01/06/2026 12:05 AM", "2026-01-06T05:05:00Z"),
        ("01/06/2026 12:05 PM", "2026-01-06T17:05:00Z"), ("1/6/2026 9:15:30 PM", "2026-01-07T02:15:30Z"),
        ("01/06/2026 21:15", "2026-01-07T02:15:00Z"), ("01/06/2026", "2026-01-06T05:00:00Z"),
        ("2026-01-06T09:15:00Z", "2026-01-06T09:15:00Z"), ("2026-01-06T09:15:00.250+01:00", "2026-01-06T08:15:00Z"),
        ("2026-07-06T09:15", "2026-07-06T13:15:00Z"),
    ])
    func parses(text: String, utc: String) {
        #expect(ExamTime.parse(text, in: newYork) == ISO8601DateFormatter().date(from: utc))
    }

    @Test(arguments: ["13/06/2026 09:15 AM", "01/06/2026 13:15 PM", "02/30/2026 09:00 AM", "2026-01-06T25:00", "yesterday", ""])
    func rejects(text: String) {
        #expect(ExamTime.parse(text, in: newYork) == nil)
    }

    @Test func formatsWithTheZoneOffset() {
        let date = ISO8601DateFormatter().date(from: "2026-01-06T14:15:00Z")!
        #expect(ExamTime.format(date, in: newYork) == "2026-01-06T09:15:00-05:00")
        #expect(ExamTime.day(of: date, in: TimeZone(identifier: "Asia/Tokyo")!).description == "2026-01-06")
    }
}

@Suite struct CalendarArithmeticTests {
    @Test(arguments: [
        ("2026-01-11", -3, "2026-01-08"), ("2026-03-01", -1, "2026-02-28"), ("2024-03-01", -1, "2024-02-29"),
        ("2025-12-31", 1, "2026-01-01"), ("2026-01-25", -365, "2025-01-25"), ("2000-02-28", 1, "2000-02-29"),
    ])
    func addsDays(start: String, days: Int, expected: String) {
        #expect(CalendarDate(parsing: start)?.adding(days: days).description == expected)
    }
}

@Suite struct PseudonymizerTests {
    @Test func sameValueSameFakeAndDifferentSaltDifferentFake() {
        let one = Pseudonymizer(salt: "a")
        #expect(one.lastName("García-López") == one.lastName("garcía-lópez"))
        #expect(one.lastName("García-López") != one.lastName("Kim"))
        #expect(one.identifier("aobrien08").count == "aobrien08".count)
        // Same shape: letters stay letters, digits stay digits, separators stay.
        let fake = one.identifier("SSU-100200")
        #expect(fake != "SSU-100200")
        #expect(zip(fake, "SSU-100200").allSatisfy { ($0.isLetter == $1.isLetter) && ($0.isNumber == $1.isNumber) })
        #expect(fake.dropFirst(3).first == "-")
        #expect(Pseudonymizer(salt: "b").email("ava@x.org") != one.email("ava@x.org"))
        #expect(one.dateOfBirth("07/21/2008").hasSuffix("/2008"))
        #expect(one.secret("token-1") != one.secret("token-2"))
    }

    @Test func aFakeBirthdayIsNeverTheRealOne() throws {
        // Every day of a year under many salts: the fake keeps the year and never the day.
        for salt in 0..<40 {
            let pseudonyms = Pseudonymizer(salt: "\(salt)")
            var day = try #require(CalendarDate(parsing: "2008-01-01"))
            while day.year == 2008 {
                let fake = pseudonyms.dateOfBirth(day.description)
                #expect(fake != day.description && fake.hasPrefix("2008-"), "\(day) → \(fake)")
                day = day.adding(days: 1)
            }
        }
    }
}
