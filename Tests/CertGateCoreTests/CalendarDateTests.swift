import CertGateCore
import Testing

@Suite struct CalendarDateTests {
    @Test(arguments: [
        ("2009-03-14", "2009-03-14"), ("03/14/2009", "2009-03-14"), ("3/4/2009", "2009-03-04"), (" 12/31/2008 ", "2008-12-31"),
        ("2008-02-29", "2008-02-29"),
    ])
    func parsesISOAndUSDates(text: String, expected: String) {
        #expect(CalendarDate(parsing: text)?.description == expected)
    }

    @Test(arguments: ["2009-02-29", "13/01/2009", "2009-13-01", "04/31/2009", "2009/03/14", "14.03.2009", "", "03-14-2009"])
    func rejectsWhatIsNotADay(text: String) {
        #expect(CalendarDate(parsing: text) == nil)
    }

    @Test func ordersByDay() throws {
        let early = try #require(CalendarDate(parsing: "2025-12-31"))
        let late = try #require(CalendarDate(parsing: "2026-01-01"))
        #expect(early < late)
    }
}

@Suite struct SHA256Tests {
    @Test func knownDigests() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func incrementalEqualsOneShot() {
        var hasher = SHA256()
        hasher.update("a")
        hasher.update(Array("bc".utf8))
        #expect(hasher.finalizeHex() == SHA256.hex("abc"))
    }
}
