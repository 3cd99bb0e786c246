import Foundation
import NIOCore

/// Where and how to reach the SMTP server, read from `GUICHET_SMTP_URL`.
///
/// ```
/// smtp://127.0.0.1:25                                           plain, for a local relay
/// smtp://user:p%40ss@mail.exemple.fr:587?starttls=required      STARTTLS, refused if not offered
/// smtps://user:password@mail.exemple.fr:465                     implicit TLS
/// ```
/// Options: `starttls=required`, `ehlo=<name>` (default: the host of `GUICHET_PUBLIC_URL`),
/// `timeout=<seconds>` (connection and each reply, default 30). The user and password are
/// percent-decoded. Default ports: 25 for `smtp`, 465 for `smtps`.
struct SMTPConfiguration: Sendable, Equatable {
    /// How the connection is protected.
    enum Security: Sendable, Equatable {
        /// Clear text: only for a relay on the same machine or a trusted network.
        case none
        /// `STARTTLS` after the first `EHLO`; the session stops if the server does not offer it.
        case startTLS
        /// TLS from the first byte (`smtps`, usually port 465).
        case implicitTLS
    }

    /// The account used for `AUTH`.
    struct Credentials: Sendable, Equatable, CustomStringConvertible {
        let user: String
        let password: String
        // Keeps the password out of logs and error messages.
        var description: String { "\(user):••••" }
    }

    var host: String
    var port: Int
    var security: Security
    var credentials: Credentials?
    /// The name given in `EHLO`: a domain name or an address literal such as `[127.0.0.1]`.
    var ehloName: String
    /// How long to wait for the connection and then for each reply.
    var timeout: TimeAmount

    init(
        host: String, port: Int, security: Security = .none, credentials: Credentials? = nil,
        ehloName: String = "localhost", timeout: TimeAmount = .seconds(30)
    ) {
        self.host = host
        self.port = port
        self.security = security
        self.credentials = credentials
        self.ehloName = ehloName
        self.timeout = timeout
    }

    /// Parses `GUICHET_SMTP_URL`.
    /// - Parameters:
    ///   - url: the URL, in the syntax above.
    ///   - defaultEHLOName: the `EHLO` name when the URL has no `ehlo=` option.
    /// - Throws: ``SMTPConfigurationError`` saying what to fix. The message never repeats the
    ///   password.
    init(url: String, defaultEHLOName: String) throws {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else {
            throw SMTPConfigurationError("is not a URL; expected e.g. smtps://user:password@mail.exemple.fr:465")
        }
        switch scheme {
        case "smtp": security = .none
        case "smtps": security = .implicitTLS
        default:
            throw SMTPConfigurationError("has the scheme \"\(scheme)\"; expected smtp:// or smtps://")
        }
        let rawHost = components.host ?? ""
        // Foundation keeps the brackets of an IPv6 literal on some platforms and not on others.
        host = rawHost.hasPrefix("[") && rawHost.hasSuffix("]") ? String(rawHost.dropFirst().dropLast()) : rawHost
        guard !host.isEmpty else {
            throw SMTPConfigurationError("has no host; expected e.g. smtp://127.0.0.1:25")
        }
        port = components.port ?? (security == .implicitTLS ? 465 : 25)
        guard (1...65535).contains(port) else { throw SMTPConfigurationError("has an invalid port \(port)") }
        if let user = components.user, !user.isEmpty {
            credentials = Credentials(user: user, password: components.password ?? "")
        } else {
            credentials = nil
        }
        ehloName = defaultEHLOName
        timeout = .seconds(30)
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name.lowercased() {
            case "starttls":
                guard value.lowercased() == "required" else {
                    throw SMTPConfigurationError("has starttls=\(value); the only accepted value is starttls=required")
                }
                guard security == .none else {
                    throw SMTPConfigurationError(
                        "asks for STARTTLS on smtps://, which is already TLS; use one or the other")
                }
                security = .startTLS
            case "ehlo":
                guard Self.isValidEHLOName(value) else {
                    throw SMTPConfigurationError("has ehlo=\(value), which is not a domain name or an address literal")
                }
                ehloName = value
            case "timeout":
                guard let seconds = Int(value), (1...600).contains(seconds) else {
                    throw SMTPConfigurationError("has timeout=\(value); expected a number of seconds between 1 and 600")
                }
                timeout = .seconds(Int64(seconds))
            default:
                throw SMTPConfigurationError(
                    "has an unknown option \"\(item.name)\"; known options: starttls, ehlo, timeout")
            }
        }
        // A password sent in clear over a network can be read by anyone on the path.
        if credentials != nil, security == .none, !Self.isLoopback(host) {
            throw SMTPConfigurationError(
                """
                would send the password in clear to \(host); use smtps://…:465 or add ?starttls=required
                """)
        }
    }

    /// The `EHLO` name for a machine reached at `publicURL`: its host, as an address literal when
    /// it is an IP address (RFC 5321 §4.1.3).
    static func ehloName(forPublicURL publicURL: String) -> String {
        guard let host = URLComponents(string: publicURL)?.host, !host.isEmpty else { return "localhost" }
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if bare.contains(":") { return "[IPv6:\(bare)]" }
        if bare.split(separator: ".").count == 4, bare.allSatisfy({ $0.isNumber || $0 == "." }) { return "[\(bare)]" }
        return isValidEHLOName(bare) ? bare : "localhost"
    }

    private static func isValidEHLOName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 255
            && name.unicodeScalars.allSatisfy {
                $0.isASCII
                    && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || ".-[]:".unicodeScalars.contains($0))
            }
    }

    static func isLoopback(_ host: String) -> Bool {
        host.lowercased() == "localhost" || host.hasPrefix("127.") || host == "::1"
    }
}

/// `GUICHET_SMTP_URL` cannot be used; raised at startup, not at the first email.
struct SMTPConfigurationError: Error, CustomStringConvertible {
    let problem: String
    init(_ problem: String) { self.problem = problem }
    var description: String { "GUICHET_SMTP_URL \(problem)" }
}
