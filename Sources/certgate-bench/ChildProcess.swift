import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a program to completion and reports what it cost: wall time and its own peak resident
/// memory, so a benchmark measures `certgate` exactly as staff run it, apart from the benchmark's
/// own data.
struct ChildProcess {
    struct Outcome {
        var status: Int32
        var seconds: Double
        var peakMiB: Double
        var output: String
    }

    /// - Parameters:
    ///   - environment: added to this process's environment.
    ///   - outputPath: where the program's standard output goes (standard error is inherited,
    ///     so its progress shows).
    static func run(_ program: String, _ arguments: [String], environment: [String: String] = [:], outputPath: String)
        throws -> Outcome
    {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let started = DispatchTime.now().uptimeNanoseconds
        let code = posix_spawn(&pid, program, &actions, nil, argv, envp)
        guard code == 0 else { throw BenchError("cannot start \(program): \(String(cString: strerror(code)))") }
        // The kernel's high-water mark of the child's own memory, read every 10 ms while it runs.
        // (wait4's ru_maxrss would do, but for a spawned child it starts from the parent's size.)
        let peakKiB = Mutex(0)
        let finished = Atomic<Bool>(false)
        let child = pid
        let sampler = Thread {
            while !finished.load(ordering: .relaxed) {
                if let kib = highWaterKiB(child) { peakKiB.withLock { $0 = max($0, kib) } }
                usleep(10_000)
            }
        }
        sampler.start()
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        finished.store(true, ordering: .relaxed)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return Outcome(status: exit, seconds: seconds, peakMiB: Double(peakKiB.withLock { $0 }) / 1024, output: output)
    }

    /// `VmHWM` from `/proc/PID/status`: the process's peak resident memory so far, in KiB.
    static func highWaterKiB(_ pid: pid_t) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return nil }
        return Int(line.split(separator: " ").dropFirst().first ?? "")
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
