import GuichetDomain
import Vapor

/// How much of a request Guichet reads, decided before anything reads it.
///
/// A form is a few kilobytes; only the routes that take files accept more (the configured upload
/// size, with room for the form around it). The limit is checked against `Content-Length` before
/// a byte of the body is read, and enforced while reading a body sent without one, so that an
/// anonymous 25 MB POST is refused at once with 413 rather than read for seconds. Addresses
/// longer than any Guichet writes are answered with 414.
enum RequestLimits {
    /// What any form may weigh (the call editor's JSON section included).
    static let formBytes = 256 * 1024
    /// The longest address Guichet answers (filters and pages fit in well under a kilobyte).
    static let urlBytes = 4096

    /// The longest request line the server reads (method, address, version): past it, 414.
    static let requestLineBytes = urlBytes + 32

    static let userInfoKey = "guichet.takesFiles"

    /// A request the server refused before it was read whole; answered by
    /// ``RequestLimitsMiddleware`` like any refusal (French page or JSON code, security headers).
    enum Refusal: Sendable, Equatable {
        case uriTooLong
        case bodyTooLarge(limit: Int, files: Bool)
        case headersTooLarge
        case malformed

        var error: AppError {
            switch self {
            case .uriTooLong: RequestLimits.uriTooLong
            case .bodyTooLarge(let limit, let files): RequestLimits.tooLarge(limit, files: files)
            case .headersTooLarge:
                AppError(
                    status: .init(statusCode: 431, reasonPhrase: "Request Header Fields Too Large"),
                    code: "headers_too_large",
                    message:
                        "Les en-têtes de la requête sont trop volumineux : effacez les cookies de ce site et réessayez."
                )
            case .malformed:
                AppError(
                    status: .badRequest, code: "malformed_request",
                    message: "La requête est mal formée : elle ne peut pas être lue.")
            }
        }
    }

    struct RefusalKey: StorageKey { typealias Value = Refusal }

    static let uriTooLong = AppError(
        status: .uriTooLong, code: "uri_too_long",
        message: "Cette adresse est trop longue pour être une page de Guichet.")

    /// What a route that takes files lets Vapor collect: above any configurable upload size, so
    /// that ``RequestLimitsMiddleware`` is the one limit that applies.
    static let uploadRouteCeiling: ByteCount = "101mb"

    /// The body limit of the route a request reached: one file of the configured upload size and
    /// its form on the routes that take files, a form's size everywhere else.
    static func bodyLimit(_ request: Request) -> Int {
        guard request.route?.userInfo[userInfoKey] as? Bool == true else { return formBytes }
        return request.application.guichetConfiguration.maxUploadBytes + formBytes
    }

    /// The refusal, in French, naming the limit.
    static func tooLarge(_ limit: Int, files: Bool) -> AppError {
        AppError(
            status: .payloadTooLarge, code: "body_too_large",
            message: files
                ? "L'envoi dépasse la taille acceptée ici (\(ByteSize.french(limit)) au plus) : allégez les fichiers ou envoyez-les un par un."
                : "Le formulaire envoyé est trop volumineux (\(ByteSize.french(limit)) au plus).")
    }
}

extension Route {
    /// Marks a route that takes files: its body may reach the configured upload size.
    @discardableResult
    func takingFiles() -> Route {
        userInfo[RequestLimits.userInfoKey] = true
        return self
    }
}
