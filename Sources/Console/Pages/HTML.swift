import Foundation
import Gateway

/// Server-rendered HTML: every value escaped, no inline script or style (the CSP forbids them).
enum HTML {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// A table of text cells; each cell carries its heading as `data-label`, which a phone shows
    /// when the row becomes a card.
    static func table(caption: String?, headings: [String], rows: [[String]]) -> String {
        let head = headings.map { "<th scope=\"col\">\(escape($0))</th>" }.joined()
        let body = rows.map { row in
            "<tr>" + zip(headings, row).map { "<td data-label=\"\(escape($0))\">\(escape($1))</td>" }.joined() + "</tr>"
        }.joined()
        return "<table>\(caption.map { "<caption>\(escape($0))</caption>" } ?? "")<thead><tr>\(head)</tr></thead><tbody>\(body)</tbody></table>"
    }

    /// "Page 2 of 7" with links to the pages before and after; the other query arguments stay.
    static func pager(_ path: String, query: [String: String], page: Int, total: Int, pageSize: Int) -> String {
        let pages = max(1, (total + pageSize - 1) / pageSize)
        guard pages > 1 else { return "" }
        func link(_ target: Int, _ label: String) -> String {
            var arguments = query
            arguments["page"] = "\(target)"
            let text = arguments.sorted { $0.key < $1.key }.map {
                "\($0.key)=\(queryValue($0.value))"
            }.joined(separator: "&amp;")
            return "<a href=\"\(path)?\(text)\">\(label)</a>"
        }
        var parts = ["Page \(page) of \(pages)"]
        if page > 1 { parts.insert(link(page - 1, "Previous page"), at: 0) }
        if page < pages { parts.append(link(page + 1, "Next page")) }
        return "<nav aria-label=\"Pages\" class=\"pager\"><p>" + parts.joined(separator: " · ") + "</p></nav>"
    }

    /// Characters a query value keeps as they are (RFC 3986's unreserved ones).
    static let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")

    /// A value for a link's query (or path part), percent-encoded.
    static func queryValue(_ value: String) -> String { value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? "" }

    /// The page number a query asks for (1 if none or nonsense).
    static func pageNumber(_ query: [String: String]) -> Int { max(1, Int(query["page"] ?? "") ?? 1) }

    /// The `<option>`s of a `<select>`: values and labels escaped, `selected` marked.
    static func options(_ items: [(value: String, label: String)], selected: String? = nil) -> String {
        items.map { "<option value=\"\(escape($0.value))\"\($0.value == selected ? " selected" : "")>\(escape($0.label))</option>" }.joined()
    }

    /// A value's words for a person: `school_lead` → `school lead`.
    static func words(_ value: String) -> String { value.replacingOccurrences(of: "_", with: " ") }

    /// A whole page: the title, a navigation for signed-in users, the body.
    /// `refresh`: reload every so many seconds (work in progress; no script needed).
    static func page(_ title: String, user: UserAccount? = nil, csrf: String? = nil, refresh: Int? = nil, _ body: String) -> String {
        var navigation = ""
        if let user {
            navigation = """
                <header><nav aria-label="Main"><a href="/">Dashboard</a> <a href="/tasks">Tasks</a>\(user.role != .auditor ? " <a href=\"/certificates/upload\">Upload a certificate</a>" : "")\(user.role == .cteTeacher ? " <a href=\"/certificates/log\">Log a certificate</a>" : "")\(user.role == .dataClerk || user.role == .cteCoordinator ? " <a href=\"/matches\">Match review</a>" : "")\(user.role == .schoolLead || user.role == .cteCoordinator ? " <a href=\"/review\">Review</a>" : "")\(user.role != .dataClerk ? " <a href=\"/reconciliation\">Reconciliation</a>" : "")\(user.role == .auditor || user.role == .cteCoordinator ? " <a href=\"/exports\">Exports</a> <a href=\"/pulls\">Pulls</a>" : "")</nav>
                <form method="post" action="/logout" class="signout"><input type="hidden" name="csrf" value="\(escape(csrf ?? ""))">
                <span>\(escape(user.username)) (\(escape(words(user.role.rawValue))))</span>
                <button type="submit">Sign out</button></form></header>
                """
        }
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">\(refresh.map { "<meta http-equiv=\"refresh\" content=\"\($0)\">" } ?? "")
            <title>\(escape(title)) · CertGate</title><link rel="stylesheet" href="/static/console.css"></head>
            <body>\(navigation)<main id="main"><h1>\(escape(title))</h1>
            \(body)
            </main></body></html>
            """
    }
}
