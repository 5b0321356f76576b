/// Help texts.
enum Help {
    static func overview(_ commands: [CommandSpec]) -> String {
        let width = commands.map { $0.path.joined(separator: " ").count }.max() ?? 0
        var lines = [
            "certgate: track students' industry certifications from provider reports and certificate PDFs",
            "",
            "usage: certgate [global options] COMMAND ...",
            "",
            "commands:",
        ]
        for command in commands {
            let name = command.path.joined(separator: " ")
            lines.append("  \(name.padding(toLength: width, withPad: " ", startingAt: 0))  \(command.summary)")
        }
        lines += ["", "global options:"] + options(GlobalOptions.specs)
        lines += [
            "", "exit status: 0 success, 1 the operation failed (reason on stderr), 2 usage error",
            "'certgate COMMAND --help' tells more about a command.",
        ]
        return lines.joined(separator: "\n")
    }

    static func command(_ command: CommandSpec) -> String {
        var lines = ["usage: \(command.usage)", "", command.summary]
        if !command.details.isEmpty { lines += ["", command.details] }
        if !command.options.isEmpty { lines += ["", "options:"] + options(command.options) }
        lines += ["", "global options:"] + options(GlobalOptions.specs)
        return lines.joined(separator: "\n")
    }

    private static func options(_ specs: [OptionSpec]) -> [String] {
        let labels = specs.map { $0.name + ($0.valueName.map { " \($0)" } ?? "") }
        let width = labels.map(\.count).max() ?? 0
        return zip(labels, specs).map { "  \($0.padding(toLength: width, withPad: " ", startingAt: 0))  \($1.help)" }
    }
}
