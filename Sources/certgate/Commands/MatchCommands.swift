import CertGateCore
import Foundation
import Gateway
import Matching

/// `certgate match link RESULT_ID STUDENT_ID`
enum MatchLinkCommand {
    static let spec = CommandSpec(
        path: ["match", "link"],
        summary: "confirm that a result belongs to a student",
        positionals: ["RESULT_ID", "STUDENT_ID"],
        options: [OptionSpec(name: "--comment", valueName: "TEXT", help: "why, for the audit trail")],
        details: """
            Records the decision with --actor and the time, links the provider's candidate ID to the
            student (so that candidate's other results follow), resolves the result's match tasks,
            and is never changed by a later automatic run.
            """,
        run: run)

    static func run(_ invocation: Invocation) throws -> Int32 {
        guard let resultID = Int(invocation.positionals[0]) else { throw UsageError("RESULT_ID must be a number") }
        let followed = try invocation.openGateway().linkResult(
            resultID, to: invocation.positionals[1], note: invocation.option("--comment"))
        invocation.print("result \(resultID) linked to student \(invocation.positionals[1])")
        if followed.matched > 0 {
            invocation.print("\(followed.matched) other result(s) of the same candidate matched through the link")
        }
        return 0
    }
}

/// `certgate match reject RESULT_ID`
enum MatchRejectCommand {
    static let spec = CommandSpec(
        path: ["match", "reject"],
        summary: "record that a result belongs to none of the district's students",
        positionals: ["RESULT_ID"],
        options: [OptionSpec(name: "--comment", valueName: "TEXT", help: "why, for the audit trail")],
        details: "Records the decision with --actor and the time, resolves the result's match tasks, and is never changed by a later automatic run.",
        run: run)

    static func run(_ invocation: Invocation) throws -> Int32 {
        guard let resultID = Int(invocation.positionals[0]) else { throw UsageError("RESULT_ID must be a number") }
        try invocation.openGateway().rejectResult(resultID, note: invocation.option("--comment"))
        invocation.print("result \(resultID) rejected")
        return 0
    }
}

/// `certgate match parameters [--run N]`
enum MatchParametersCommand {
    static let spec = CommandSpec(
        path: ["match", "parameters"],
        summary: "show what a matching run learned: m, u and weight of every comparison level",
        options: [OptionSpec(name: "--run", valueName: "N", help: "this run (default: the latest)")],
        details: """
            Every matching run (after a pull, an import, a roster import or a staff link) learns its
            Fellegi-Sunter parameters from its own results and keeps them with its decisions, so a
            decision can be explained and reproduced. For each field and comparison level: m (how
            often a result and its own student agree at that level), u (how often a result and
            another student do) and the weight log2(m/u) in bits that the level adds to a score;
            exact names weigh by how common the name is in the roster instead of u. Also shown: the
            share of results whose student is in the roster, what the run learned from, and how its
            parameters agree with staff's links and rejections. A result's match probability is in
            `certgate results`; config/matching.json holds the starting parameters and thresholds.
            """,
        run: run)

    static func run(_ invocation: Invocation) throws -> Int32 {
        var id: Int?
        if let text = invocation.option("--run") {
            guard let number = Int(text), number > 0 else { throw UsageError("--run must be a run number (see certgate match parameters)") }
            id = number
        }
        guard let run = try invocation.openGateway().matchRun(id: id) else {
            throw CertGateError(.input, id.map { "no matching run \($0)" } ?? "no matching run yet: pull or import results first")
        }
        var rows: [[String]] = []
        for field in MatchField.allCases {
            for level in field.levels {
                let value = run.parameters[field, level]
                let exactName = level == .exact && (field == .firstName || field == .lastName)
                rows.append([
                    field.rawValue, level.rawValue, String(format: "%.4f", value.m),
                    exactName ? "by name" : String(format: "%.5f", value.u),
                    exactName ? "by name" : String(format: "%+.2f", value.weight),
                ])
            }
        }
        if invocation.globals.format != .table {
            invocation.print(Output(columns: ["field", "level", "m", "u", "weight_bits"], rows: rows).render(invocation.globals.format, json: run))
            return 0
        }
        let training = run.training
        invocation.print(
            """
            matching run \(run.id): \(run.startedAt) by \(run.actor) (\(run.scope) results), roster of \(run.rosterSize) students, \
            \(run.decisions) decision(s) made with these parameters
            learned from \(training.results) result(s) and \(training.candidatePairs) candidate pair(s), u from \(training.randomPairs) random pair(s); \
            \(training.iterations) iteration(s), \(training.converged ? "converged" : "not converged (the last estimate is used)")
            results whose student is in the roster: \(String(format: "%.1f%%", run.parameters.inRoster * 100))
            staff decisions: \(training.staffLinksAgreeing) of \(training.staffLinks) link(s) and \(training.staffRejectionsAgreeing) of \
            \(training.staffRejections) rejection(s) agree with these parameters
            """)
        invocation.print(Output(columns: ["field", "level", "m", "u", "weight_bits"], rows: rows).table())
        return 0
    }
}
