// `make fuzz` builds this with -sanitize=fuzzer,address and -D FUZZING: libFuzzer's driver then
// feeds inputs to the target named in CERTGATE_FUZZ_TARGET. An ordinary build is a replayer:
// `certgate-fuzz TARGET FILE...` runs files through the same parser.
import Foundation
import FuzzTargets

#if FUZZING
    /// libFuzzer's entry point for programs that have their own `main`.
    @_silgen_name("LLVMFuzzerRunDriver")
    func runDriver(
        _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
    ) -> Int32

    nonisolated(unsafe) private var target = FuzzTarget.csv

    @main
    struct FuzzMain {
        static func main() {
            target = FuzzTarget(rawValue: ProcessInfo.processInfo.environment["CERTGATE_FUZZ_TARGET"] ?? "") ?? .csv
            var argc = CommandLine.argc
            var argv = CommandLine.unsafeArgv
            exit(runDriver(&argc, &argv) { data, size in
                target.run(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
                return 0
            })
        }
    }
#else
    @main
    struct FuzzReplay {
        static func main() {
            let arguments = CommandLine.arguments.dropFirst()
            guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
                print("usage: certgate-fuzz csv|certiport|servsafe|pdf FILE...")
                exit(2)
            }
            for path in arguments.dropFirst() {
                let bytes = [UInt8](FileManager.default.contents(atPath: path) ?? Data())
                print("\(path): \(target.run(bytes))")
            }
        }
    }
#endif
