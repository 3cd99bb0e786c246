import GuichetDomain
import Vapor

/// An HTTP-level refusal with a stable machine code and a French message.
struct AppError: AbortError, Sendable {
    let status: HTTPResponseStatus
    let code: String
    let message: String

    var reason: String { message }

    static func notFound(_ code: String = "not_found", _ message: String = "Cette page n'existe pas.") -> AppError {
        AppError(status: .notFound, code: code, message: message)
    }
}

extension DomainError {
    /// The HTTP status a refused rule answers with: 409 when the data's state forbids it, 422 when
    /// the input breaks a rule.
    var httpStatus: HTTPResponseStatus {
        switch self {
        case .transitionNotAllowed, .waveFrozen, .filingClosed, .filingNotOpen, .envelopeOverspent, .decisionRefused, .quorumNotReached, .publicationRefused: .conflict
        case .actorNotAllowed, .outsideScope: .forbidden
        default: .unprocessableEntity
        }
    }
}
