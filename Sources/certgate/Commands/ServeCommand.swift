import CertGateCore
import Console
import Dispatch
import Foundation
import Gateway

#if canImport(Glibc)
    import Glibc
#endif

/// `certgate serve [--listen HOST:PORT]`: the staff web console.
enum ServeCommand {
    static let spec = CommandSpec(
        path: ["serve"],
        summary: "run the staff web console (sign in with an account from certgate user add)",
        options: [
            OptionSpec(name: "--listen", valueName: "HOST:PORT", help: "where to listen (default 127.0.0.1:8080; [::1]:8080 for IPv6)"),
            OptionSpec(name: "--max-connections", valueName: "N", help: "browser connections served at once, a thread each (default 512)"),
        ],
        details: """
            Serves the console on the address given: over HTTPS when gateway.json's console section
            names tls_certificate and tls_key (PEM files; the key readable by its owner only), else
            over plain HTTP, to keep on 127.0.0.1 behind a reverse proxy that terminates TLS (set
            console.secure_cookies to true there; see the README's "Web console"). Signed-in
            sessions last console.idle_minutes (30) idle and console.absolute_hours (10) at most;
            five failed sign-ins in 15 minutes lock the username and the address for the rest of
            that time. Uploads are refused past the evidence PDF limit. Stops cleanly on SIGTERM or
            Ctrl-C, letting requests in progress finish.
            """,
        run: run)

    static func run(_ invocation: Invocation) throws -> Int32 {
        var options = HTTPServer.Options()
        if let listen = invocation.option("--listen") {
            guard let colon = listen.lastIndex(of: ":"), let port = UInt16(listen[listen.index(after: colon)...]) else {
                throw UsageError("--listen takes HOST:PORT, e.g. 127.0.0.1:8080")
            }
            options.host = String(listen[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            options.port = port
        }
        if let text = invocation.option("--max-connections") {
            guard let limit = UInt32(text), (1...10_000).contains(limit) else { throw UsageError("--max-connections takes 1 to 10000") }
            options.maximumConnections = limit
        }
        let gateway = try invocation.openGateway()
        if try gateway.users().isEmpty {
            invocation.printError("note: there are no accounts yet; add one with: certgate user add NAME --role cte_coordinator")
        }
        let app = ConsoleApp(gateway: gateway)
        let server: HTTPServer
        do {
            server = try app.serve(options)
        } catch {
            throw CertGateError(.io, "\(error)", operation: "start the console")
        }
        let shown = options.host.contains(":") ? "[\(options.host)]" : options.host
        let scheme = gateway.config.console.tlsCertificate == nil ? "http" : "https"
        invocation.print("console at \(scheme)://\(shown):\(server.port)/ (Ctrl-C or SIGTERM stops it)")
        // Wait for SIGTERM or SIGINT, then stop: requests in progress finish first.
        let stop = DispatchSemaphore(value: 0)
        var sources: [any DispatchSourceSignal] = []
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { stop.signal() }
            source.resume()
            sources.append(source)
        }
        stop.wait()
        server.stop()
        invocation.print("console stopped")
        return 0
    }
}
