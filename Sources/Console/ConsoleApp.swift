import CertGateCore
import Foundation
public import Gateway

/// The staff web console: routes, sign-in, and authorization of every request and every object
/// on the server. Pages are server-rendered and work without JavaScript.
public final class ConsoleApp: Sendable {
    let gateway: Gateway
    let sessions: SessionStore
    let throttle: LoginThrottle
    let pulls: BackgroundPull
    /// The dashboard's figures by view, and the school years with data.
    let figures = TimedCache<DashboardFigures>()
    let years = TimedCache<[SchoolYear]>()
    /// Under TLS the session cookie is also `Secure`.
    let secureCookies: Bool
    static let cookie = "certgate_session"

    /// Sessions last `console.idle_minutes` idle and `console.absolute_hours` at most (gateway.json)
    /// unless given here; `pullOptions`: how "Pull now" pulls (tests point providers at recorded feeds).
    public init(
        gateway: Gateway, secureCookies: Bool? = nil, idleMinutes: Double? = nil, absoluteHours: Double? = nil,
        pullOptions: PullOptions = PullOptions()
    ) {
        let settings = gateway.config.console
        self.gateway = gateway
        pulls = BackgroundPull(options: pullOptions)
        // Under HTTPS served here the cookie is `Secure`; behind an HTTPS proxy, console.secure_cookies says so.
        self.secureCookies = secureCookies ?? settings.secureCookies ?? (settings.tlsCertificate != nil)
        sessions = SessionStore(idleSeconds: (idleMinutes ?? settings.idleMinutes) * 60, absoluteSeconds: (absoluteHours ?? settings.absoluteHours) * 3600)
        throttle = LoginThrottle()
    }

    /// The largest upload the server reads: a certificate PDF at the evidence limit, and its form.
    public var maximumUploadBytes: Int { gateway.config.evidence.maxPDFBytes + 64 * 1024 }

    /// Whether to read an upload's body at all, from its headers: only for a signed-in user who
    /// may change things (the CSRF token, in the body, is checked once it is read).
    func admitUpload(_ request: ConsoleRequest) -> ConsoleResponse? {
        guard let (_, user) = try? signedIn(request), user.role != .auditor else {
            return .html(HTML.page("Signed out", "<p>Your session has ended. <a href=\"/login\">Sign in</a> again, then upload the file again.</p>"), status: 403)
        }
        return nil
    }

    /// The live session of a request's cookie and its account, unless signed out or disabled.
    private func signedIn(_ request: ConsoleRequest) throws -> (SessionStore.Session, UserAccount)? {
        guard let session = sessions.session(request.cookies[Self.cookie]), let user = try gateway.user(session.username), !user.disabled
        else { return nil }
        return (session, user)
    }

    /// Serves the console: an HTTP server with the upload limit and admission of this console,
    /// over HTTPS when gateway.json names a certificate and key.
    public func serve(_ options: HTTPServer.Options) throws -> HTTPServer {
        var options = options
        options.maximumUploadBytes = maximumUploadBytes
        if options.tls == nil { options.tls = try TLSFiles.load(gateway.config.console, configDirectory: gateway.configDirectory) }
        return try HTTPServer(options: options, admit: { [self] in admitUpload($0) }) { [self] in respond($0) }
    }

    /// Answers one request (called on the server's worker threads).
    public func respond(_ request: ConsoleRequest) -> ConsoleResponse {
        do {
            return try route(request)
        } catch {
            // The reason goes to the server's log, never to the page (it may name records).
            FileHandle.standardError.write(Data("console: \(request.method.rawValue) \(request.path): \(error)\n".utf8))
            return .html(HTML.page("Something went wrong", "<p>The console could not do that. The error is in the server's log.</p>"), status: 500)
        }
    }

    private func route(_ request: ConsoleRequest) throws -> ConsoleResponse {
        switch (request.method, request.parts) {
        case (.get, ["static", "console.css"]):
            return ConsoleResponse(status: 200, headers: [("Content-Type", "text/css; charset=utf-8")], body: Array(Stylesheet.text.utf8))
        case (.get, ["login"]): return loginPage()
        case (.post, ["login"]): return signIn(request)
        default: break
        }
        // Everything else needs a session.
        guard let (session, user) = try signedIn(request) else {
            return request.method == .get ? .redirect("/login") : .html(HTML.page("Signed out", "<p>Your session has ended. <a href=\"/login\">Sign in</a> again.</p>"), status: 403)
        }
        if request.method == .post {
            // Every state-changing form carries the session's CSRF token.
            guard let token = request.form["csrf"], Self.constantTimeEqual(token, session.csrf) else {
                return .html(HTML.page("Refused", "<p>This form has expired or did not come from the console. Go back, reload the page and try again.</p>"), status: 403)
            }
        }
        let context = PageContext(user: user, csrf: session.csrf, gateway: gateway.acting(as: user.username))
        switch (request.method, request.parts) {
        case (.post, ["logout"]):
            sessions.end(request.cookies[Self.cookie])
            return .redirect("/login", headers: [("Set-Cookie", clearCookie)])
        case (.get, []): return try DashboardPage.render(context, query: request.query, figures: figures, years: years)
        case (.get, ["tasks"]): return try TasksPage.list(context, query: request.query)
        case (.get, ["matches"]): return try MatchReviewPage.list(context, query: request.query)
        case (.get, ["review"]): return try ReviewPage.list(context, query: request.query)
        case (.get, ["exports"]): return try ExportsPage.list(context)
        case (.get, ["pulls"]): return try PullsPage.render(context, pulls.current)
        case (.post, ["pulls", "now"]): return PullsPage.pullNow(context, pulls)
        case (.get, ["exports", "download"]): return try ExportsPage.download(context, query: request.query)
        case (.get, ["reconciliation"]): return try ReconciliationPage.render(context, query: request.query)
        case (.get, ["reconciliation", "download"]): return try ReconciliationPage.download(context, query: request.query)
        case (.get, ["certificates", "upload"]): return try CertificatePages.show(context, .upload, query: request.query)
        case (.post, ["certificates", "upload"]): return try CertificatePages.submit(context, .upload, request: request)
        case (.get, ["certificates", "log"]): return try CertificatePages.show(context, .log, query: request.query)
        case (.post, ["certificates", "log"]): return try CertificatePages.submit(context, .log, request: request)
        default: break
        }
        let parts = request.parts
        if parts.count == 2, parts[0] == "matches", request.method == .get { return try MatchReviewPage.show(context, id: Int(parts[1])) }
        if parts.count == 2, parts[0] == "evidence", request.method == .get { return try StudentPage.evidence(context, id: Int(parts[1])) }
        if parts.count == 2, parts[0] == "students", request.method == .get { return try StudentPage.render(context, id: parts[1]) }
        if parts.count == 2, parts[0] == "review" {
            return request.method == .post
                ? try ReviewPage.record(context, id: Int(parts[1]), form: request.form) : try ReviewPage.show(context, id: Int(parts[1]))
        }
        if request.method == .post, parts.count == 3, parts[0] == "matches", parts[2] == "link" || parts[2] == "reject" {
            return try MatchReviewPage.decide(context, id: Int(parts[1]), link: parts[2] == "link", form: request.form)
        }
        if request.method == .post, parts.count == 3, parts[0] == "tasks", parts[2] == "resolve" || parts[2] == "dismiss" {
            return try TasksPage.close(context, id: Int(parts[1]), dismiss: parts[2] == "dismiss", note: request.form["note"] ?? "")
        }
        return Self.notFound
    }

    static let notFound = ConsoleResponse.html(HTML.page("Not found", "<p>There is nothing here, or it is not yours to see.</p>"), status: 404)

    private func loginPage(message: String? = nil, username: String = "", status: Int = 200) -> ConsoleResponse {
        let error = message.map { "<p class=\"error\" role=\"alert\" id=\"login-error\">\(HTML.escape($0))</p>" } ?? ""
        let described = message == nil ? "" : " aria-describedby=\"login-error\""
        return .html(HTML.page("Sign in", """
            \(error)<form method="post" action="/login">
            <p><label for="username">Username</label><br><input id="username" name="username" autocomplete="username" required value="\(HTML.escape(username))"\(described)></p>
            <p><label for="password">Password</label><br><input id="password" name="password" type="password" autocomplete="current-password" required\(described)></p>
            <p><button type="submit">Sign in</button></p></form>
            """), status: status)
    }

    private func signIn(_ request: ConsoleRequest) -> ConsoleResponse {
        let username = request.form["username"] ?? "", password = request.form["password"] ?? ""
        if throttle.blocked(username: username, address: request.client) {
            return loginPage(message: "Too many failed attempts. Wait a quarter of an hour and try again.", username: username, status: 429)
        }
        guard let user = try? gateway.authenticate(username, password: password) else {
            throttle.failed(username: username, address: request.client)
            return loginPage(message: "The username or password is not right.", username: username, status: 401)
        }
        throttle.succeeded(username: username)
        let token = sessions.create(username: user.username)
        return .redirect("/", headers: [("Set-Cookie", "\(Self.cookie)=\(token); Path=/; HttpOnly; SameSite=Strict\(secureCookies ? "; Secure" : "")")])
    }

    private var clearCookie: String { "\(Self.cookie)=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0\(secureCookies ? "; Secure" : "")" }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// Who is asking, and the gateway acting for them.
struct PageContext {
    var user: UserAccount
    var csrf: String
    var gateway: Gateway

    /// Auditors read; they change nothing.
    var mayChange: Bool { user.role != .auditor }
}
