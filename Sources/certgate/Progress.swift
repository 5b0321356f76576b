import Foundation
import Gateway
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Shows progress on stderr: one line rewritten in place on a terminal, plain lines otherwise
/// (cron mail, CI logs).
final class ProgressPrinter: Sendable {
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private let lastLength = Mutex(0)

    func show(_ event: ProgressEvent) {
        let text = event.provider.isEmpty ? event.message : "\(event.provider): \(event.message)"
        if isTerminal {
            let padding = lastLength.withLock { last in
                defer { last = text.count }
                return String(repeating: " ", count: max(0, last - text.count))
            }
            FileHandle.standardError.write(Data("\r\(text)\(padding)".utf8))
        } else {
            FileHandle.standardError.write(Data("certgate: \(text)\n".utf8))
        }
    }

    /// Ends the rewritten line before other output.
    func finish() {
        guard isTerminal, lastLength.withLock({ $0 }) > 0 else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
