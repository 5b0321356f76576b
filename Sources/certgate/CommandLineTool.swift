import CertGateCore
import Foundation
import Gateway

/// A command: its words, what it takes and what it does.
struct CommandSpec: Sendable {
    let path: [String]
    let summary: String
    var positionals: [String] = []
    var options: [OptionSpec] = []
    var details: String = ""
    let run: @Sendable (Invocation) throws -> Int32

    var usage: String {
        var parts = ["certgate"] + path + positionals
        for option in options {
            parts.append("[\(option.name)\(option.valueName.map { " \($0)" } ?? "")]\(option.repeats ? "..." : "")")
        }
        return parts.joined(separator: " ")
    }
}

/// One run of a command with its parsed arguments.
struct Invocation {
    let globals: GlobalOptions
    let positionals: [String]
    let options: [String: [String]]

    func option(_ name: String) -> String? { options[name]?.last }

    func values(_ name: String) -> [String] { options[name] ?? [] }

    /// A `YYYY-MM-DD` option; anything else is a usage error.
    func date(_ name: String) throws -> CalendarDate? {
        guard let text = option(name) else { return nil }
        guard let date = CalendarDate(parsing: text) else { throw UsageError("\(name) must be a date YYYY-MM-DD, not '\(text)'") }
        return date
    }

    /// `--base-url ID=URL` options.
    func baseURLs() throws -> [String: String] {
        var result: [String: String] = [:]
        for value in values("--base-url") {
            guard let equals = value.firstIndex(of: "="), equals != value.startIndex,
                value[value.index(after: equals)...].hasPrefix("http")
            else { throw UsageError("--base-url takes PROVIDER=URL, e.g. certiport=http://127.0.0.1:8080/certiport") }
            result[String(value[..<equals])] = String(value[value.index(after: equals)...])
        }
        return result
    }

    func printError(_ text: String, newline: Bool = true) {
        FileHandle.standardError.write(Data((text + (newline ? "\n" : "")).utf8))
    }

    func print(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    func openGateway() throws -> Gateway {
        try Gateway(databaseLocation: globals.databaseLocation, configDirectory: globals.configDirectory, actor: globals.actor)
    }
}

/// Parses the command line, runs the command and turns failures into exit codes:
/// 0 success, 1 the operation failed (reason on stderr), 2 a usage error.
enum CommandLineTool {
    static let commands: [CommandSpec] = [
        RosterImportCommand.spec, PullCommand.spec, ImportCommand.spec, ResultsCommand.spec, MatchLinkCommand.spec, MatchParametersCommand.spec,
        MatchRejectCommand.spec, TasksCommand.spec, TaskCloseCommand.spec(dismiss: false), TaskCloseCommand.spec(dismiss: true),
        EvidenceCommands.add, EvidenceCommands.batch, EvidenceCommands.export, AttainmentsCommand.spec, ReportableCommand.spec, ReviewCommand.spec(.approve), ReviewCommand.spec(.reject),
        ReviewCommand.spec(.followUp), CheckCommand.spec, ExportCommand.spec, AuditCommands.verify, AuditCommands.head, AuditCommands.history,
        MockServeCommand.spec, ReportCommands.nonConcentrators, LogsCommands.importLogs, ReconcileCommand.spec,
    ] + UserCommands.all + [ServeCommand.spec] + [
        MockRecordCommand.spec, DemoCommand.spec, DatabaseCommands.copy,
    ]

    static func run(_ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment) -> Int32 {
        let parsed: ParsedArguments
        do {
            parsed = try ParsedArguments(arguments, environment: environment)
        } catch {
            return usageFailure("\(error)", command: nil)
        }
        if parsed.words.first == "help" {
            return showHelp(for: Array(parsed.words.dropFirst()))
        }
        guard let command = commands.filter({ parsed.words.starts(with: $0.path) }).max(by: { $0.path.count < $1.path.count })
        else {
            if parsed.globals.help || parsed.words.isEmpty { return showHelp(for: parsed.words) }
            let group = commands.filter { $0.path.first == parsed.words.first }
            if !group.isEmpty { return usageFailure("unknown command '\(parsed.words.joined(separator: " "))'", command: nil) }
            return usageFailure("unknown command '\(parsed.words[0])'", command: nil)
        }
        if parsed.globals.help { return showHelp(for: command.path) }
        let positionals = Array(parsed.words.dropFirst(command.path.count))
        let required = command.positionals.filter { !$0.hasPrefix("[") }.count
        // A last positional written `FILE...` takes any number of arguments.
        let most = command.positionals.last?.hasSuffix("...") == true ? Int.max : command.positionals.count
        guard (required...most).contains(positionals.count) else {
            let expected = command.positionals.isEmpty ? "no arguments" : command.positionals.joined(separator: " ")
            return usageFailure("expected \(expected), got \(positionals.count) argument(s)", command: command)
        }
        for (name, values) in parsed.options {
            guard let spec = command.options.first(where: { $0.name == name }) else {
                return usageFailure("unknown option \(name)", command: command)
            }
            if spec.valueName != nil, values.contains("") { return usageFailure("\(name) needs a value", command: command) }
            if !spec.repeats, values.count > 1 { return usageFailure("\(name) given more than once", command: command) }
        }
        let invocation = Invocation(globals: parsed.globals, positionals: positionals, options: parsed.options)
        do {
            return try command.run(invocation)
        } catch let error as UsageError {
            return usageFailure(error.description, command: command)
        } catch {
            report(error, format: parsed.globals.format)
            return 1
        }
    }

    /// Prints a failure: the reason on stderr, and with `--format json` a JSON document on stdout.
    static func report(_ error: any Error, format: OutputFormat) {
        FileHandle.standardError.write(Data("certgate: \(error)\n".utf8))
        guard format == .json else { return }
        var document: [String: [String: JSONValue]] = ["error": ["message": .string("\(error)")]]
        if let errors = error as? InputErrors {
            document["error"]?["message"] = .string("\(errors.file): \(errors.total) error(s); nothing was imported")
            document["error"]?["total"] = .number(errors.total)
            document["error"]?["errors"] = .array(errors.errors.map(JSONValue.init))
        } else if let error = error as? InputError {
            document["error"]?["errors"] = .array([JSONValue(error)])
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        if let data = try? encoder.encode(document) {
            FileHandle.standardOutput.write(data + Data("\n".utf8))
        }
    }

    static func usageFailure(_ message: String, command: CommandSpec?) -> Int32 {
        let hint = command.map { "usage: \($0.usage)\nsee 'certgate \($0.path.joined(separator: " ")) --help'" }
            ?? "see 'certgate --help'"
        FileHandle.standardError.write(Data("certgate: \(message)\n\(hint)\n".utf8))
        return 2
    }

    static func showHelp(for words: [String]) -> Int32 {
        if let command = commands.first(where: { $0.path == words }) {
            print(Help.command(command))
            return 0
        }
        let matching = commands.filter { $0.path.starts(with: words) }
        guard !matching.isEmpty else { return usageFailure("no help for '\(words.joined(separator: " "))'", command: nil) }
        print(Help.overview(matching))
        return 0
    }
}

/// A small JSON value for error documents.
enum JSONValue: Encodable {
    case string(String)
    case number(Int)
    case null
    case array([JSONValue])
    case object([String: JSONValue])

    init(_ error: InputError) {
        self = .object([
            "file": .string(error.location.file),
            "line": error.location.line.map(JSONValue.number) ?? .null,
            "field": error.location.field.map(JSONValue.string) ?? .null,
            "message": .string(error.message),
        ])
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .null: try container.encodeNil()
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}
