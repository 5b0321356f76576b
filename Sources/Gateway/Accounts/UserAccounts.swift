import CertGateCore
import Foundation
import Store

/// A staff account of the web console (no password or hash in it).
public struct UserAccount: Sendable, Codable, Equatable {
    public var username: String
    public var role: StaffRole
    /// The schools a school lead (or a clerk or teacher tied to schools) works for; empty: all.
    public var schools: [String]
    /// A teacher's name as the enrollments' Teacher column writes it ("Last, First").
    public var teacherName: String?
    public var disabled: Bool
    public var createdAt: String
    public var passwordChangedAt: String

    enum CodingKeys: String, CodingKey {
        case username, role, schools, disabled
        case teacherName = "teacher_name", createdAt = "created_at", passwordChangedAt = "password_changed_at"
    }
}

/// A new account as `certgate user add` describes it.
public struct NewUser: Sendable {
    public var username: String
    public var role: StaffRole
    public var schools: [String]
    public var teacherName: String?

    public init(username: String, role: StaffRole, schools: [String] = [], teacherName: String? = nil) {
        self.username = username
        self.role = role
        self.schools = schools
        self.teacherName = teacherName
    }

    /// What is wrong with it, in words for the person adding it; nil when it is fine.
    var problem: String? {
        if username.utf8.count > 64 || username.isEmpty
            || !username.utf8.allSatisfy({ (97...122).contains($0) || (48...57).contains($0) || [45, 46, 95].contains($0) })
        {
            return "a username is 1 to 64 lowercase letters, digits, '.', '-' or '_'"
        }
        switch role {
        case .schoolLead where schools.isEmpty: return "a school_lead needs --school (one or more)"
        case .cteTeacher where (teacherName ?? "").isEmpty:
            return "a cte_teacher needs --teacher \"Last, First\" as the enrollments' Teacher column writes it"
        case .cteCoordinator, .auditor:
            if !schools.isEmpty { return "a \(role.rawValue) works for every school; leave out --school" }
        default: break
        }
        if teacherName != nil && role != .cteTeacher { return "--teacher is for cte_teacher accounts" }
        return nil
    }
}

/// Staff accounts: created, listed, disabled and given new passwords from the command line;
/// checked when someone signs in to the console. Every change is audited, never a password.
extension Gateway {
    /// Adds an account (`certgate user add`).
    public func addUser(_ user: NewUser, password: String) throws {
        if let problem = user.problem { throw CertGateError(.input, problem) }
        let hash = try passwordHash(password)
        let now = Timestamp.string(Date())
        try database.write { transaction in
            guard try transaction.scalar("SELECT COUNT(*) FROM users WHERE username = ?", [user.username]).int == 0 else {
                throw CertGateError(.conflict, "there is already a user \(user.username)")
            }
            try transaction.execute(
                """
                INSERT INTO users (username, role, teacher_name, password_hash, password_changed_at, created_by, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, [user.username, user.role.rawValue, user.teacherName, hash, now, actor, now])
            for school in Set(user.schools) {
                try transaction.execute("INSERT INTO user_schools (username, school) VALUES (?, ?)", [user.username, school])
            }
            try AuditLog.append(
                transaction, actor: actor, action: "user.add", subjectType: "user", subjectID: user.username,
                after: try JSONEncoder.sortedString(["role": user.role.rawValue, "schools": user.schools.sorted().joined(separator: "; ")]))
        }
    }

    /// Every account, by username.
    public func users() throws -> [UserAccount] { try accounts(named: nil) }

    /// One account, or nil.
    public func user(_ username: String) throws -> UserAccount? { try accounts(named: username).first }

    private func accounts(named username: String?) throws -> [UserAccount] {
        try database.read { transaction in
            var schools: [String: [String]] = [:]
            try transaction.forEach("SELECT username, school FROM user_schools WHERE ?1 IS NULL OR username = ?1 ORDER BY username, school", [username]) {
                schools[$0[0].string ?? "", default: []].append($0[1].string ?? "")
            }
            return try transaction.query(
                """
                SELECT username, role, teacher_name, disabled_at, created_at, password_changed_at FROM users
                WHERE ?1 IS NULL OR username = ?1 ORDER BY username
                """, [username]
            ).compactMap { row in
                guard let username = row[0].string, let role = row[1].string.flatMap(StaffRole.init) else { return nil }
                return UserAccount(
                    username: username, role: role, schools: schools[username] ?? [], teacherName: row[2].string,
                    disabled: row[3].string != nil, createdAt: row[4].string ?? "", passwordChangedAt: row[5].string ?? "")
            }
        }
    }

    /// Disables an account: it can no longer sign in (`certgate user disable`).
    public func disableUser(_ username: String) throws {
        try database.write { transaction in
            let changed = try transaction.execute(
                "UPDATE users SET disabled_at = ? WHERE username = ? AND disabled_at IS NULL", [Timestamp.string(Date()), username])
            guard changed == 1 else {
                let exists = try transaction.scalar("SELECT COUNT(*) FROM users WHERE username = ?", [username]).int == 1
                throw CertGateError(.input, exists ? "user \(username) is already disabled" : "no user \(username); see certgate user list")
            }
            try AuditLog.append(transaction, actor: actor, action: "user.disable", subjectType: "user", subjectID: username)
        }
    }

    /// Gives an account a new password (`certgate user password`); a disabled account stays disabled.
    public func setPassword(_ username: String, password: String) throws {
        let hash = try passwordHash(password)
        try database.write { transaction in
            let changed = try transaction.execute(
                "UPDATE users SET password_hash = ?, password_changed_at = ? WHERE username = ?", [hash, Timestamp.string(Date()), username])
            guard changed == 1 else { throw CertGateError(.input, "no user \(username); see certgate user list") }
            try AuditLog.append(transaction, actor: actor, action: "user.password", subjectType: "user", subjectID: username)
        }
    }

    /// The account, if `password` is its password and it is not disabled; nil otherwise (the
    /// same answer for an unknown user, a wrong password and a disabled account, and about the
    /// same time: an unknown user's password is checked against a stand-in hash).
    public func authenticate(_ username: String, password: String) throws -> UserAccount? {
        let stored = try database.read {
            try $0.query("SELECT password_hash, disabled_at FROM users WHERE username = ?", [username]).first
        }
        let hash = stored?["password_hash"].string ?? Self.standIn
        guard PasswordHash.verify(password, against: hash), stored != nil, stored?["disabled_at"].string == nil else { return nil }
        return try user(username)
    }

    private func passwordHash(_ password: String) throws -> String {
        do {
            return try PasswordHash.make(password)
        } catch let problem as PasswordHash.Problem {
            throw CertGateError(.input, problem.description)
        }
    }

    /// A hash of no one's password, checked for unknown usernames so they take as long.
    private static let standIn = (try? PasswordHash.make(UUID().uuidString + UUID().uuidString)) ?? ""
}

extension Gateway {
    /// Whether any enrollment names this teacher (a teacher's account sees their students by it).
    public func teacherHasEnrollments(_ teacher: String) throws -> Bool {
        try database.read { try $0.scalar("SELECT EXISTS (SELECT 1 FROM enrollments WHERE teacher = ?)", [teacher]).int == 1 }
    }
}
