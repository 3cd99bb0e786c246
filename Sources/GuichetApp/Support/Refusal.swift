import GuichetDomain
import Vapor

/// How a staff action answers without JavaScript: success or refusal, the person is sent back to
/// a page with a one-time notice; a refusal also carries its stable code in `X-Guichet-Error`
/// (for clients and tests) and has stored nothing.
enum Refusal {
    static func redirecting(
        _ req: Request, success: String, refused: String, keeping fields: [String: String] = [:],
        _ work: () async throws -> String
    ) async throws -> Response {
        do {
            Flash.set(try await work(), on: req)
            return req.redirect(to: success)
        } catch let error as DomainError {
            Flash.set(notice(error), on: req)
            Flash.keep(fields, on: req)
            let response = req.redirect(to: refused)
            response.headers.replaceOrAdd(name: "X-Guichet-Error", value: error.code)
            return response
        }
    }

    /// A form's field errors read as one sentence; other refusals as their message.
    static func notice(_ error: DomainError) -> String {
        if case .invalidForm(let errors) = error { return errors.values.sorted().joined(separator: " ") }
        return error.message
    }

    /// Runs a staff action on a dossier and comes back to its page, with the outcome as a notice.
    /// - Parameter fields: what the form held, shown again in it when the action is refused.
    static func onStaffDossier(
        _ req: Request, _ dossier: DossierModel, keeping fields: [String: String] = [:],
        _ work: () async throws -> String
    ) async throws -> Response {
        let page = SiteURL.staffDossier(try dossier.requireID()).path
        return try await redirecting(req, success: page, refused: page, keeping: fields, work)
    }
}
