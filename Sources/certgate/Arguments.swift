import Store

/// A usage mistake: exit status 2, with a hint to `--help`.
struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

/// An option a command takes.
struct OptionSpec: Sendable {
    /// `--enrollments`.
    let name: String
    /// `FILE`; nil for a flag that takes no value.
    let valueName: String?
    let help: String
    /// May be given more than once.
    var repeats = false
}

/// The flags every command understands.
struct GlobalOptions {
    var databaseLocation: String
    var configDirectory = "./config"
    var actor: String
    var format = OutputFormat.table
    var help = false

    static let specs = [
        OptionSpec(
            name: "--db", valueName: "PATH|postgresql://…",
            help: "a SQLite file, or a PostgreSQL URL with no password (default $CERTGATE_DB, else ./certgate.db)"),
        OptionSpec(name: "--config", valueName: "DIR", help: "the configuration folder (default ./config)"),
        OptionSpec(name: "--actor", valueName: "NAME", help: "who is acting, for the audit trail (default $CERTGATE_ACTOR, else $USER)"),
        OptionSpec(name: "--format", valueName: "table|json|csv", help: "output format (default table)"),
        OptionSpec(name: "--help", valueName: nil, help: "show help"),
    ]

    /// A password on a command line is seen by every user of the machine (`ps`) and kept in shell
    /// history: refused, with where it belongs instead.
    static func refusePassword(in location: String, from option: String) throws {
        guard Database.displayLocation(of: location) == location else {
            throw UsageError(
                "\(option) holds a password: give it in PGPASSWORD, a ~/.pgpass file or a service file (PGSERVICE) instead, never on the command line")
        }
    }

    init(environment: [String: String]) {
        databaseLocation = environment["CERTGATE_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? "./certgate.db"
        actor = environment["CERTGATE_ACTOR"] ?? environment["USER"] ?? environment["LOGNAME"] ?? "unknown"
    }
}

/// A command line split into the command's words, its options and its positional arguments.
struct ParsedArguments {
    var globals: GlobalOptions
    /// Leading words that are not options (`roster`, `import`, then positionals).
    var words: [String] = []
    var options: [String: [String]] = [:]

    /// Splits arguments; global flags may stand anywhere. `--name=value` and `--name value` both work.
    init(_ arguments: [String], environment: [String: String]) throws {
        globals = GlobalOptions(environment: environment)
        var index = 0
        var onlyWords = false
        for (position, argument) in arguments.enumerated() {
            if let control = argument.firstControlCharacter(allowingLineBreaks: true) {
                throw UsageError(
                    "argument \(position + 1) holds the control character \(control.codePointName); IDs, names and notes may not")
            }
        }
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if onlyWords || !argument.hasPrefix("-") || argument == "-" {
                words.append(argument)
                continue
            }
            if argument == "--" {
                onlyWords = true
                continue
            }
            if argument == "-h" || argument == "--help" {
                globals.help = true
                continue
            }
            var name = argument
            var value: String?
            if let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                value = String(argument[argument.index(after: equals)...])
            }
            func takeValue() throws -> String {
                if let value { return value }
                guard index < arguments.count else { throw UsageError("\(name) needs a value") }
                index += 1
                return arguments[index - 1]
            }
            switch name {
            case "--db":
                globals.databaseLocation = try takeValue()
                try GlobalOptions.refusePassword(in: globals.databaseLocation, from: "--db")
            case "--config": globals.configDirectory = try takeValue()
            case "--actor": globals.actor = try takeValue()
            case "--format":
                let text = try takeValue()
                guard let format = OutputFormat(rawValue: text) else {
                    throw UsageError("--format must be table, json or csv, not '\(text)'")
                }
                globals.format = format
            default:
                // Command options are checked against the command's specs later; a value is taken
                // when the next argument is not itself an option.
                if value == nil, index < arguments.count, !arguments[index].hasPrefix("--") {
                    value = arguments[index]
                    index += 1
                }
                options[name, default: []].append(value ?? "")
            }
        }
    }
}
