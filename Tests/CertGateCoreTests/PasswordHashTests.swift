import CertGateCore
import Testing

@Suite struct PasswordHashTests {
    @Test func verifiesOnlyThePasswordItWasMadeFrom() throws {
        let stored = try PasswordHash.make("correct horse battery staple")
        #expect(stored.hasPrefix("scrypt$15$8$3$"))
        #expect(!stored.contains("horse"))
        #expect(PasswordHash.verify("correct horse battery staple", against: stored))
        #expect(!PasswordHash.verify("correct horse battery stapler", against: stored))
        #expect(!PasswordHash.verify("", against: stored))
        // A fresh salt each time: the same password never hashes alike.
        #expect(try PasswordHash.make("correct horse battery staple") != stored)
    }

    @Test func refusesWeakPasswordsAndDamagedHashes() throws {
        #expect(throws: PasswordHash.Problem.tooShort) { try PasswordHash.make("short") }
        #expect(throws: PasswordHash.Problem.tooLong) { try PasswordHash.make(String(repeating: "x", count: 5000)) }
        let stored = try PasswordHash.make("correct horse battery staple")
        for damaged in ["", "plain", stored.replacingOccurrences(of: "scrypt$15", with: "scrypt$30"),
            String(stored.dropLast(4)), stored.replacingOccurrences(of: "scrypt", with: "md5")]
        {
            #expect(!PasswordHash.verify("correct horse battery staple", against: damaged), "\(damaged)")
        }
    }
}
