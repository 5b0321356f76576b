import CertGateCore
import Foundation
import Gateway

#if canImport(Glibc)
    import Glibc
#endif

/// `certgate user add|list|disable|password`: the console's staff accounts.
enum UserCommands {
    static let add = CommandSpec(
        path: ["user", "add"],
        summary: "add a staff account for the web console (the password is read from standard input)",
        positionals: ["USERNAME"],
        options: [
            OptionSpec(name: "--role", valueName: "ROLE", help: "\(StaffRole.list) (required)"),
            OptionSpec(name: "--school", valueName: "NAME", help: "a school the account works for (school_lead: required)", repeats: true),
            OptionSpec(name: "--teacher", valueName: "\"Last, First\"", help: "cte_teacher: the name in the enrollments' Teacher column"),
        ],
        details: """
            Roles: cte_coordinator (everything), school_lead (their schools), data_clerk (match
            review, roster, imports), cte_teacher (only the students enrolled in their own courses,
            by the enrollments' Teacher column), auditor (read-only: evidence and the audit trail).
            The password is read from standard input (typed without echo at a terminal, or piped
            from a password manager): never from the command line, where other users could see it.
            At least 12 characters. Stored as an scrypt hash only.
            """,
        run: { invocation in
            guard let roleName = invocation.option("--role") else { throw UsageError("--role is required; roles: \(StaffRole.list)") }
            guard let role = StaffRole(rawValue: roleName) else { throw UsageError("unknown --role \(roleName); roles: \(StaffRole.list)") }
            let user = NewUser(
                username: invocation.positionals[0], role: role, schools: invocation.values("--school"),
                teacherName: invocation.option("--teacher"))
            let gateway = try invocation.openGateway()
            try gateway.addUser(user, password: try readPassword(invocation))
            invocation.print("user \(user.username) added (\(role.rawValue))")
            if let teacher = user.teacherName, try !gateway.teacherHasEnrollments(teacher) {
                invocation.printError("note: no enrollment names the teacher '\(teacher)' yet; the account sees no students until one does")
            }
            return 0
        })

    static let list = CommandSpec(
        path: ["user", "list"],
        summary: "list the console's staff accounts (never passwords)",
        run: { invocation in
            let users = try invocation.openGateway().users()
            let columns = ["username", "role", "schools", "teacher", "disabled", "created_at", "password_changed_at"]
            let rows = users.map {
                [$0.username, $0.role.rawValue, $0.schools.joined(separator: "; "), $0.teacherName ?? "", $0.disabled ? "yes" : "",
                 $0.createdAt, $0.passwordChangedAt]
            }
            invocation.print(Output(columns: columns, rows: rows).render(invocation.globals.format, json: ["users": users]))
            return 0
        })

    static let disable = CommandSpec(
        path: ["user", "disable"],
        summary: "disable a staff account: it can no longer sign in",
        positionals: ["USERNAME"],
        run: { invocation in
            try invocation.openGateway().disableUser(invocation.positionals[0])
            invocation.print("user \(invocation.positionals[0]) disabled")
            return 0
        })

    static let password = CommandSpec(
        path: ["user", "password"],
        summary: "give a staff account a new password (read from standard input)",
        positionals: ["USERNAME"],
        run: { invocation in
            let gateway = try invocation.openGateway()
            try gateway.setPassword(invocation.positionals[0], password: try readPassword(invocation))
            invocation.print("password of \(invocation.positionals[0]) changed")
            return 0
        })

    static let all = [add, list, disable, password]

    /// One line from standard input; at a terminal, asked for without echo.
    private static func readPassword(_ invocation: Invocation) throws -> String {
        let terminal = isatty(STDIN_FILENO) == 1
        var saved = termios()
        if terminal {
            invocation.printError("password: ", newline: false)
            tcgetattr(STDIN_FILENO, &saved)
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet)
        }
        let line = readLine(strippingNewline: true)
        if terminal {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
            invocation.printError("")
        }
        guard let password = line, !password.isEmpty else {
            throw UsageError("give the password on standard input, e.g. from a password manager: … | certgate user add NAME --role ROLE")
        }
        return password
    }
}
