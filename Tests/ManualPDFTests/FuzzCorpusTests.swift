import Foundation
import FuzzTargets
import TestSupport
import Testing

/// Every committed fuzzing input, and every finding once fixed, runs through its parser again:
/// regression tests for what `make fuzz` found (Tests/Fixtures/fuzz/TARGET/).
@Suite struct FuzzCorpusTests {
    @Test(arguments: FuzzTarget.allCases)
    func corpusRunsWithoutCrashing(target: FuzzTarget) throws {
        let folder = Fixtures.testFile("fuzz/\(target.rawValue)")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(!files.isEmpty)
        var read = 0
        for file in files {
            read += target.run([UInt8](try Data(contentsOf: URL(fileURLWithPath: folder + "/" + file))))
        }
        #expect(read > 0)  // the seeds are valid inputs: the parser must read something
    }
}
