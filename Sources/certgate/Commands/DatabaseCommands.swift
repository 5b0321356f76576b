import Foundation
import Gateway
import Store

/// `certgate db copy --from LOCATION --to LOCATION`: move a district's data between engines.
enum DatabaseCommands {
    static let copy = CommandSpec(
        path: ["db", "copy"],
        summary: "copy every row of one database into a new, empty one (SQLite file ⇄ PostgreSQL)",
        options: [
            OptionSpec(name: "--from", valueName: "FILE|postgresql://…", help: "the database to copy (required; it is only read)"),
            OptionSpec(name: "--to", valueName: "FILE|postgresql://…", help: "the new, empty database (required; created and migrated if need be)"),
        ],
        details: """
            Copies in one transaction: if anything fails the new database stays empty. On arrival each table's
            count is compared with the source's and the audit chain is verified to end at the source's head.
            Passwords belong in PGPASSWORD or ~/.pgpass, never in the URL. Evidence files are not in the database:
            copy the evidence folder too (see docs/postgresql.md).
            """,
        run: { invocation in
            guard let from = invocation.option("--from"), let to = invocation.option("--to") else {
                throw UsageError("give both --from and --to (a SQLite file or a postgresql:// URL)")
            }
            try GlobalOptions.refusePassword(in: from, from: "--from")
            try GlobalOptions.refusePassword(in: to, from: "--to")
            guard from != to else {
                throw UsageError("--from and --to name the same database")
            }
            guard Database.isPostgreSQL(from) || FileManager.default.fileExists(atPath: from) else {
                throw UsageError("--from \(from): no such database file")
            }
            let source = try Database(location: from)
            let target = try Database(location: to)
            let progress = ProgressPrinter()
            let summary = try DatabaseCopy.copy(from: source, to: target) { table, rows in
                progress.show(ProgressEvent(provider: "", message: "\(table): \(rows) rows copied"))
            }
            progress.finish()
            let rows = summary.tables.map { [$0.name, "\($0.rows)"] }
            invocation.print(Output(columns: ["table", "rows"], rows: rows).render(invocation.globals.format, json: summary))
            if invocation.globals.format != .json {
                invocation.print(
                    "copied to \(target.displayLocation) in \(String(format: "%.1f", summary.seconds)) s; counts match; "
                        + "audit chain verified, head \(summary.auditHead)")
            }
            return 0
        })
}
