import CertGateCore
import Matching

/// An uploaded certificate PDF, checked: a real PDF, within the size cap, not encrypted, with no
/// active content; and its text, when it has any.
public struct CertificatePDF: Sendable {
    /// Why a file is not accepted as evidence.
    public enum Rejection: Error, Sendable, Equatable, CustomStringConvertible {
        case empty
        case tooLarge(size: Int, limit: Int)
        case notPDF
        case truncated
        case noStructure
        case encrypted
        /// JavaScript, launch actions or embedded files: dangerous to open, so quarantined or refused.
        case activeContent([String])

        public var description: String {
            switch self {
            case .empty: return "the file is empty"
            case .tooLarge(let size, let limit): return "the file is \(size) bytes, over the \(limit)-byte limit"
            case .notPDF: return "not a PDF (no %PDF- header at the start)"
            case .truncated: return "the PDF is truncated (no %%EOF at the end); upload the whole file again"
            case .noStructure: return "the PDF's cross-reference and object structure cannot be read (damaged file)"
            case .encrypted: return "the PDF is encrypted or password-protected; upload an unprotected copy"
            case .activeContent(let what): return "the PDF contains \(what.joined(separator: ", ")), which certificates never need"
            }
        }

        /// Active content is quarantined (when configured) rather than simply refused.
        public var isActiveContent: Bool {
            if case .activeContent = self { return true }
            return false
        }
    }

    public let bytes: [UInt8]
    public let version: String
    /// The text of its content streams (empty for a scan).
    public let text: String

    /// Validates a file's bytes.
    public init(bytes: [UInt8], maximumSize: Int) throws(Rejection) {
        guard !bytes.isEmpty else { throw .empty }
        guard bytes.count <= maximumSize else { throw .tooLarge(size: bytes.count, limit: maximumSize) }
        let scan = PDFScan(bytes)
        guard let version = scan.version else { throw .notPDF }
        guard scan.hasEndMarker else { throw .truncated }
        guard scan.hasValidCrossReference || scan.hasObjectStructure else { throw .noStructure }
        let streams = scan.streams(limit: maximumSize * 20)
        var names = scan.names(in: bytes)
        for stream in streams where !stream.isImage { names.formUnion(scan.names(in: stream.data)) }
        if names.contains("/Encrypt") { throw .encrypted }
        let risky: [(String, String)] = [
            ("/JavaScript", "JavaScript"), ("/JS", "JavaScript"), ("/Launch", "a launch action"),
            ("/EmbeddedFile", "an embedded file"), ("/EmbeddedFiles", "an embedded file"), ("/RichMedia", "rich media"),
        ]
        let found = Array(Set(risky.filter { names.contains($0.0) }.map(\.1))).sorted()
        if !found.isEmpty { throw .activeContent(found) }
        self.bytes = bytes
        self.version = version
        text = streams.filter { !$0.isImage }.map { PDFText.extract(from: $0.data) }.filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// What the certificate's text says about the record it is attached to.
    public enum Reading: Sendable, Equatable {
        /// Everything asked for appears in the text.
        case agrees
        /// These things do not appear (described, never quoted).
        case differs([String])
        /// No text to read (a scan): a person must look at it.
        case noText
    }

    /// Compares the text with the student's name, the credential and the verification code.
    public func read(firstName: String, lastName: String, credentialName: String, examCodes: [String], verificationCode: String?)
        -> Reading
    {
        guard text.count >= 8 else { return .noText }
        let words = Set(NameFolding.tokens(text))
        var differs: [String] = []
        let last = NameFolding.tokens(lastName), first = NameFolding.tokens(firstName)
        if !last.allSatisfy(words.contains) || !(first.first.map(words.contains) ?? true) {
            differs.append("the student's name does not appear on the certificate")
        }
        let folded = text.lowercased()
        // Credential names keep their "+" ("A+" is not "ITF+"), so they are split apart from names.
        let textWords = Self.words(text)
        let significant = Self.words(credentialName).filter { $0.count > 1 || $0.hasSuffix("+") }
        let nameShare = significant.isEmpty ? 0 : Double(significant.filter(textWords.contains).count) / Double(significant.count)
        if nameShare < 0.7 && !examCodes.contains(where: { folded.contains($0.lowercased()) }) {
            differs.append("neither the credential's name nor its exam code appears on the certificate")
        }
        if let code = verificationCode, !code.isEmpty, !text.contains(code) {
            differs.append("the verification code given does not appear on the certificate")
        }
        return differs.isEmpty ? .agrees : .differs(differs)
    }

    /// Lowercased words split at spaces and punctuation other than `+`.
    static func words(_ text: String) -> Set<String> {
        Set(text.lowercased().split { !($0.isLetter || $0.isNumber || $0 == "+") }.map(String.init))
    }
}
