import CertGateCore
import TestSupport
import Testing

@Suite struct CSVReaderTests {
    func records(_ text: String) throws -> [CSVRecord] {
        try records(Array(text.utf8))
    }

    func records(_ bytes: [UInt8]) throws -> [CSVRecord] {
        let reader = CSVReader(bytes: bytes, name: "report.csv")
        var result: [CSVRecord] = []
        while let record = try reader.next() { result.append(record) }
        return result
    }

    @Test func plainRowsWithLF() throws {
        let rows = try records("a,b,c\n1,2,3\n")
        #expect(rows.map(\.fields) == [["a", "b", "c"], ["1", "2", "3"]])
        #expect(rows.map(\.line) == [1, 2])
    }

    @Test func crlfAndLoneCRAndNoFinalNewline() throws {
        #expect(try records("a,b\r\n1,2\r\n").map(\.fields) == [["a", "b"], ["1", "2"]])
        #expect(try records("a,b\r1,2").map(\.fields) == [["a", "b"], ["1", "2"]])
        #expect(try records("a,b\n1,2").map(\.line) == [1, 2])
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let rows = try records([0xEF, 0xBB, 0xBF] + Array("Candidate ID,Exam Code\r\nC1,MO-200\r\n".utf8))
        #expect(rows[0].fields == ["Candidate ID", "Exam Code"])
    }

    @Test func quotedFieldsWithCommasQuotesAndLineBreaks() throws {
        let rows = try records("name,note\r\n\"Smith, Jr.\",\"said \"\"hi\"\"\"\r\n\"O'Brien\",\"line one\r\nline two\"\r\nnext,row\r\n")
        #expect(rows[1].fields == ["Smith, Jr.", "said \"hi\""])
        #expect(rows[2].fields == ["O'Brien", "line one\r\nline two"])
        // The record after a two-line field starts on line 5.
        #expect(rows.map(\.line) == [1, 2, 3, 5])
    }

    @Test func emptyFieldsAndBlankLines() throws {
        let rows = try records("a,,c\n\n,\n\"\",x\n")
        #expect(rows.map(\.fields) == [["a", "", "c"], ["", ""], ["", "x"]])
        #expect(rows.map(\.line) == [1, 3, 4])
    }

    @Test func accentsSurviveUTF8() throws {
        #expect(try records("García-López,José\n")[0].fields == ["García-López", "José"])
    }

    @Test func emptyInputHasNoRecords() throws {
        #expect(try records("").isEmpty)
        #expect(try records([0xEF, 0xBB, 0xBF]).isEmpty)
    }

    @Test func unterminatedQuoteNamesTheLineItStarted() throws {
        let error = try #require(throws: InputError.self) { try records("a,b\n1,\"open\n2,3\n") }
        #expect(error.location.line == 2)
        #expect(error.message.contains("never closed"))
        #expect(!error.isRecoverable)
    }

    @Test func quoteInsideUnquotedFieldIsAnError() throws {
        let error = try #require(throws: InputError.self) { try records("a,b\n1,5\" ruler\n") }
        #expect(error.location.line == 2)
        #expect(error.location.field == "column 2")
    }

    @Test func textAfterClosingQuoteIsAnError() throws {
        let error = try #require(throws: InputError.self) { try records("a\n\"x\"y\n") }
        #expect(error.location.line == 2)
        #expect(error.message.contains("after a closing quote"))
    }

    @Test func invalidUTF8IsAnError() throws {
        // 0xE9 is "é" in Windows-1252, a common SIS export encoding.
        let error = try #require(throws: InputError.self) { try records(Array("a\nJos".utf8) + [0xE9, 0x0A]) }
        #expect(error.location.line == 2)
        #expect(error.message.contains("UTF-8"))
    }

    @Test func fieldsSpanningChunkBoundariesInAFile() throws {
        let directory = try TemporaryDirectory()
        // Rows of varying width so fields, quotes and CRLFs fall across the 64 KiB read chunks.
        var text = "id,name,note\r\n"
        for index in 0..<5000 {
            text += "\(index),\"Name \(index), \(String(repeating: "x", count: index % 37))\",\"q\"\"\(index)\"\r\n"
        }
        let path = try directory.write("big.csv", text)
        let reader = try CSVReader(path: path)
        var count = 0
        _ = try reader.next()
        while let record = try reader.next() {
            #expect(record.fields == ["\(count)", "Name \(count), \(String(repeating: "x", count: count % 37))", "q\"\(count)"])
            #expect(record.line == count + 2)
            count += 1
        }
        #expect(count == 5000)
    }

    @Test func missingFileIsAClearError() {
        #expect { try CSVReader(path: "/nonexistent/roster.csv") } throws: {
            "\($0)".contains("cannot open '/nonexistent/roster.csv'")
        }
    }
}

@Suite struct CSVTableTests {
    enum Field: String, Hashable, Sendable { case id, name, date }

    let aliases: [Field: [String]] = [.id: ["Candidate ID", "CandidateID"], .name: ["First Name"], .date: ["Exam Date"]]

    func table(_ text: String, required: Set<Field> = [.id]) throws -> CSVTable<Field> {
        try CSVTable(reader: CSVReader(bytes: Array(text.utf8), name: "r.csv"), name: "r.csv", aliases: aliases, required: required)
    }

    @Test func headersMatchCaseAndPunctuationInsensitivelyInAnyOrder() throws {
        let table = try table("exam_date,Extra Column,FIRST NAME,candidate-id\n2026-01-02,zz, Ana ,C9\n")
        let row = try #require(try table.next())
        #expect(row[.id] == "C9")
        #expect(row[.name] == "Ana")
        #expect(row[.date] == "2026-01-02")
        #expect(table.ignoredHeaders == ["Extra Column"])
    }

    @Test func emptyValuesAreNil() throws {
        let table = try table("Candidate ID,First Name\nC1,\n")
        #expect(try table.next()?[.name] == nil)
    }

    @Test func missingRequiredColumnListsTheAcceptedNames() throws {
        let error = try #require(throws: InputError.self) { try table("First Name\nAna\n") }
        #expect(error.location.line == 1)
        #expect(error.message.contains("'Candidate ID'"))
    }

    @Test func twoColumnsForOneFieldIsAnError() throws {
        let error = try #require(throws: InputError.self) { try table("Candidate ID,CandidateID\n1,2\n") }
        #expect(error.message.contains("both mean the same field"))
    }

    @Test func raggedRowIsReportedWithItsLine() throws {
        let table = try table("Candidate ID,First Name\nC1,Ana\nC2\nC3,Bo\n")
        _ = try table.next()
        let error = try #require(throws: InputError.self) { try table.next() }
        #expect(error.location.line == 3)
        #expect(error.message == "the row has 1 fields but the header has 2")
        #expect(error.isRecoverable)
        #expect(try table.next()?[.id] == "C3")
    }

    @Test func emptyFileHasNoHeader() {
        #expect { try table("") } throws: { "\($0)".contains("the file is empty") }
    }
}

@Suite struct CutOffInputTests {
    enum Field: Hashable, Sendable { case a, b, c }
    func table(_ text: String) throws -> CSVTable<Field> {
        try CSVTable(
            reader: CSVReader(bytes: Array(text.utf8), name: "f.csv"), name: "f.csv", aliases: [.a: ["A"], .b: ["B"], .c: ["C"]],
            required: [.a])
    }

    @Test func aLastRowShortOfFieldsWithoutALineEndIsCutOff() throws {
        let cut = try table("A,B,C\r\n1,2,3\r\n4,5")
        _ = try cut.next()
        #expect { try cut.next() } throws: { error in
            let error = error as! InputError
            return error.isCutOff && !error.isRecoverable && error.location.line == 3 && error.message.contains("2 of 3 fields")
        }
        // Short of fields but ended by a line end: a ragged row, kept as rejected, not a cut.
        let ragged = try table("A,B,C\r\n4,5\r\n6,7,8\r\n")
        #expect { try ragged.next() } throws: { ($0 as! InputError).isRecoverable }
        #expect(try ragged.next()?.line == 3)
        // Whole but with no final line end: fine.
        let whole = try table("A,B,C\r\n1,2,3")
        #expect(try whole.next()?.line == 2)
    }

    @Test func jsonThatStopsBeforeItsBracketsCloseIsCutOff() {
        #expect(JSONCompleteness.cutOffAt(Array(#"{"a": [1, 2"#.utf8)) == 11)
        #expect(JSONCompleteness.cutOffAt(Array(#"{"a": "x}"#.utf8)) != nil)
        #expect(JSONCompleteness.cutOffAt(Array(#"{"a": "\"}"}"#.utf8)) == nil)
        #expect(JSONCompleteness.cutOffAt(Array(#"{"a": 1} trailing"#.utf8)) == nil)
        #expect(JSONCompleteness.cutOffAt([]) == nil)
    }
}

@Suite struct TextSafetyTests {
    @Test func formulaCellsGetALeadingQuoteAndNumbersStay() {
        #expect(CSVWriter.line(["=cmd|' /C calc'!A0", "+1-2", "@SUM(A1)", "-2+3", "\tx", "S100", "-12.5", "", "a,b"])
            == "'=cmd|' /C calc'!A0,'+1-2,'@SUM(A1),'-2+3,'\tx,S100,-12.5,,\"a,b\"\r\n")
        #expect(CSVWriter.dataLine(["=x", "+1"]) == "=x,+1\r\n")
    }

    @Test func controlCharactersAreFoundAndEscaped() {
        #expect("S3\u{0}X".firstControlCharacter()?.codePointName == "U+0000")
        #expect("Zoë Ångström".firstControlCharacter() == nil)
        #expect("a\u{85}b".firstControlCharacter()?.codePointName == "U+0085")
        #expect("line\none".firstControlCharacter(allowingLineBreaks: true) == nil)
        #expect("\u{1B}[2Jx\ny".escapingControlCharacters == "\\u{1B}[2Jx\\ny")
    }
}
