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
    /// The HTTP status a refused rule answers with: 409 when the data's state forbids it, 403 when
    /// the person may not, 422 when the input breaks a rule. Every case is listed: a new one must
    /// choose its status here.
    var httpStatus: HTTPResponseStatus {
        switch self {
        case .transitionNotAllowed, .waveFrozen, .filingClosed, .filingNotOpen, .envelopeOverspent, .decisionRefused,
            .quorumNotReached, .publicationRefused, .paymentAboveRemaining, .paymentReferenceTaken, .recoveryAbovePaid,
            .grantStep:
            .conflict
        case .actorNotAllowed, .outsideScope:
            .forbidden
        case .unknownTerritory, .invalidScope, .negativeAmount, .amountOverflow, .invalidAmount, .amountAboveRequest,
            .proposalAboveRequest,
            .envelopeTreeInconsistent, .invalidRevision, .missingData, .unknownTheme, .unknownWave, .invalidSiret,
            .invalidRNA,
            .missingIdentifier, .invalidCSV, .invalidForm, .emptyFile, .fileTooLarge, .fileTypeNotAllowed,
            .conflictOfInterest,
            .expertRequestClosed, .openDataInvalid, .invalidCallDefinition, .invalidSchedule:
            .unprocessableEntity
        }
    }
}
