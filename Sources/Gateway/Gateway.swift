public import CertGateCore
import Foundation
public import Store

/// The gateway: the configuration, the store and the operations the command line offers.
public final class Gateway: Sendable {
    public let config: GatewayConfig
    public let database: Database
    /// Who is acting, for the audit trail.
    public let actor: String
    /// The configuration folder.
    public let configDirectory: String

    /// Opens the database (creating and migrating it as needed) and reads the configuration.
    /// - Parameter databaseLocation: a SQLite file's path, or a PostgreSQL URL (`postgresql://…`)
    ///   or libpq connection string.
    public init(databaseLocation: String, configDirectory: String, actor: String) throws {
        config = try GatewayConfig.load(directory: configDirectory)
        do {
            database = try Database(location: databaseLocation)
        } catch let error as DatabaseError {
            throw CertGateError(.database, error.message, operation: "open database '\(Database.displayLocation(of: databaseLocation))'")
        }
        self.actor = actor
        self.configDirectory = configDirectory
    }

    private init(config: GatewayConfig, database: Database, actor: String, configDirectory: String) {
        self.config = config
        self.database = database
        self.actor = actor
        self.configDirectory = configDirectory
    }

    /// The same gateway (configuration and database) acting for someone else: the console's
    /// signed-in user is the actor in the audit trail.
    public func acting(as actor: String) -> Gateway {
        Gateway(config: config, database: database, actor: actor, configDirectory: configDirectory)
    }

    /// Imports an SIS roster export and optionally its CTE enrollments (`certgate roster import`).
    /// Results still in review or unmatched are then matched again against the new roster.
    public func importRoster(rosterPath: String, enrollmentsPath: String? = nil) throws -> RosterImportSummary {
        var summary = try RosterImport(database: database, settings: config.roster, actor: actor)
            .run(rosterPath: rosterPath, enrollmentsPath: enrollmentsPath)
        summary.matching = try MatchRun(database: database, configDirectory: configDirectory, actor: actor).run(.undecided)
        summary.checks = try runChecks()
        return summary
    }

    /// Derives attainments, runs every data check and brings tasks in line (`certgate check`,
    /// and after every pull, import, upload, link and review).
    /// - Parameter today: the day expiry is measured from (default: today in UTC).
    public func runChecks(today: CalendarDate? = nil) throws -> CheckSummary {
        try CheckRun(database: database, configDirectory: configDirectory, actor: actor).run(today: today)
    }

    /// The checks after a pull, an import or a staff match decision: only results stored or
    /// matched since `since` and their students, once the day's full run is recorded (else
    /// everything).
    func runChecks(changedSince since: Date) throws -> CheckSummary {
        try CheckRun(database: database, configDirectory: configDirectory, actor: actor)
            .run(scope: .changedSince(Timestamp.string(since)))
    }

    /// The checks after a review or an upload: only these students, once the day's full run is
    /// recorded (else everything).
    func runChecks(students: Set<String>, today: CalendarDate? = nil) throws -> CheckSummary {
        try CheckRun(database: database, configDirectory: configDirectory, actor: actor).run(today: today, scope: .students(students))
    }
}

extension Gateway {
    /// Checks the audit trail's hash chain (`certgate audit verify`).
    public func verifyAudit(head: AuditHead? = nil) throws -> AuditVerification { try AuditLog.verify(database, head: head) }

    /// The audit chain's newest event, to keep outside the database (`certgate audit head`).
    public func auditHead() throws -> AuditHead { try AuditLog.head(database) }
}
