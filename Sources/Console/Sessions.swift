import Foundation
import Gateway
import Synchronization

/// Signed-in sessions, kept in the console process: a random 256-bit token in an HttpOnly,
/// SameSite=Strict cookie, a CSRF token for the session's forms, an idle expiry and an absolute
/// one. A restart signs everyone out.
final class SessionStore: Sendable {
    struct Session: Sendable {
        var username: String
        var csrf: String
        var created: Date
        var lastSeen: Date
    }

    let idleSeconds: TimeInterval
    let absoluteSeconds: TimeInterval
    private let sessions = Mutex<[String: Session]>([:])

    init(idleSeconds: TimeInterval = 30 * 60, absoluteSeconds: TimeInterval = 10 * 3600) {
        self.idleSeconds = idleSeconds
        self.absoluteSeconds = absoluteSeconds
    }

    /// A new session's token.
    func create(username: String, now: Date = Date()) -> String {
        let token = Self.randomToken()
        sessions.withLock { sessions in
            sessions = sessions.filter { !expired($0.value, now: now) }  // forget the expired while here
            sessions[token] = Session(username: username, csrf: Self.randomToken(), created: now, lastSeen: now)
        }
        return token
    }

    /// The session of a token, if it has not expired; seeing it counts as activity.
    func session(_ token: String?, now: Date = Date()) -> Session? {
        guard let token else { return nil }
        return sessions.withLock { sessions in
            guard var session = sessions[token] else { return nil }
            guard !expired(session, now: now) else {
                sessions[token] = nil
                return nil
            }
            session.lastSeen = now
            sessions[token] = session
            return session
        }
    }

    func end(_ token: String?) {
        guard let token else { return }
        _ = sessions.withLock { $0.removeValue(forKey: token) }
    }

    /// Ends every session of a user (disabled, or a new password).
    func end(username: String) {
        sessions.withLock { $0 = $0.filter { $0.value.username != username } }
    }

    private func expired(_ session: Session, now: Date) -> Bool {
        now.timeIntervalSince(session.lastSeen) > idleSeconds || now.timeIntervalSince(session.created) > absoluteSeconds
    }

    /// 32 random bytes from the system's secure source, as 64 hex digits.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(format: "%016llx", generator.next() as UInt64) }.joined()
    }
}

/// Failed sign-ins per username and per address: after `limit` failures within `window`
/// seconds, further attempts are refused until the window has passed.
final class LoginThrottle: Sendable {
    let limit: Int
    let window: TimeInterval
    private let failures = Mutex<[String: [Date]]>([:])

    init(limit: Int = 5, window: TimeInterval = 15 * 60) {
        self.limit = limit
        self.window = window
    }

    func blocked(username: String, address: String, now: Date = Date()) -> Bool {
        failures.withLock { failures in
            ["user:" + username, "address:" + address].contains { key in
                (failures[key] ?? []).filter { now.timeIntervalSince($0) < window }.count >= limit
            }
        }
    }

    func failed(username: String, address: String, now: Date = Date()) {
        failures.withLock { failures in
            // Attempts with ever new usernames must not grow this without bound.
            if failures.count > 10_000 { failures = failures.filter { $0.value.contains { now.timeIntervalSince($0) < window } } }
            for key in ["user:" + username, "address:" + address] {
                failures[key] = (failures[key] ?? []).filter { now.timeIntervalSince($0) < window } + [now]
            }
        }
    }

    func succeeded(username: String) {
        _ = failures.withLock { $0.removeValue(forKey: "user:" + username) }
    }
}
