import Fluent
import Foundation
import GuichetDomain
import Vapor

/// Messages on a dossier: the applicant's page of the conversation, and the instruction's side
/// (shown on the staff dossier page). Each side reaches only the dossiers it may see (404 otherwise).
struct CorrespondenceController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let applicant = routes.grouped(LoginRequired())
        applicant.get(.dossierMessages(.pattern), use: applicantThread)
        applicant.post(
            .dossierMessages(.pattern), body: .collect(maxSize: RequestLimits.uploadRouteCeiling), use: applicantSend
        )
        .takingFiles()
        applicant.get(.messageAttachment(dossier: .pattern, attachment: .pattern), use: applicantDownload)
        let staff = routes.grouped(LoginRequired(), StaffRequired(roles: StaffDirectory.instructingRoles))
        staff.post(.staffMessages(.pattern), body: .collect(maxSize: RequestLimits.uploadRouteCeiling), use: staffSend)
            .takingFiles()
        staff.get(.staffMessageAttachment(dossier: .pattern, attachment: .pattern), use: staffDownload)
    }

    // MARK: - Applicant

    @Sendable
    func applicantThread(req: Request) async throws -> View {
        let (_, dossier) = try await applicantDossier(req)
        let page = try await threadPage(req, dossier, body: "", error: nil)
        // Read once shown: the sign on the dossier and in the list goes away.
        try await CorrespondenceService.markReadByApplicant(try dossier.requireID(), now: Date(), on: req.db)
        return try await req.view.render("dossiers/messages", page)
    }

    @Sendable
    func applicantSend(req: Request) async throws -> Response {
        let (user, dossier) = try await applicantDossier(req)
        let posted = try PostedForm.read(req)
        let body = posted.fields["body"]?.first ?? ""
        do {
            try await service(req).send(
                on: dossier, side: .applicant, author: user, body: body, file: posted.files["file"])
        } catch let error as DomainError {
            let page = try await threadPage(req, dossier, body: body, error: Refusal.notice(error))
            let response = try await req.view.render("dossiers/messages", page).encodeResponse(
                status: error.httpStatus, for: req)
            response.headers.replaceOrAdd(name: "X-Guichet-Error", value: error.code)
            return response
        }
        Flash.set("Message envoyé à l'instruction.", on: req)
        return req.redirect(to: SiteURL.dossierMessages(try dossier.requireID()).path)
    }

    @Sendable
    func applicantDownload(req: Request) async throws -> Response {
        let (_, dossier) = try await applicantDossier(req)
        return try await Self.download(req, dossier)
    }

    // MARK: - Instruction

    @Sendable
    func staffSend(req: Request) async throws -> Response {
        let user = try req.auth.require(UserModel.self)
        let dossier = try await StaffDirectory(req).filedDossier(req.parameters.get("dossier"), for: user)
        let posted = try PostedForm.read(req)
        let page = SiteURL.staffDossier(try dossier.requireID()).path + "#messages"
        return try await Refusal.redirecting(req, success: page, refused: page) {
            try await service(req).send(
                on: dossier, side: .instruction, author: user, body: posted.fields["body"]?.first ?? "",
                file: posted.files["file"])
            return "Message envoyé au porteur ; il est prévenu par courriel."
        }
    }

    @Sendable
    func staffDownload(req: Request) async throws -> Response {
        let user = try req.auth.require(UserModel.self)
        let dossier = try await StaffDirectory(req).filedDossier(req.parameters.get("dossier"), for: user)
        return try await Self.download(req, dossier)
    }

    // MARK: - Helpers

    /// A message's file, with the type detected at upload, never cached by shared caches.
    static func download(_ req: Request, _ dossier: DossierModel) async throws -> Response {
        guard let id = req.parameters.get("attachment").flatMap(UUID.init(uuidString:)),
            let attachment = try await CorrespondenceService.attachment(id, of: dossier.requireID(), on: req.db)
        else {
            throw AppError.notFound("attachment_not_found", "Pièce jointe introuvable.")
        }
        let data = try await AttachmentStore.configured(req.application, on: req.db, scanning: false)
            .read(sha256: attachment.sha256)
        let response = Response(status: .ok, body: .init(data: data))
        response.headers.replaceOrAdd(
            name: .contentType, value: (FileKind(rawValue: attachment.kind) ?? .unknown).mimeType)
        response.headers.replaceOrAdd(
            name: .contentDisposition, value: AttachmentPolicy.contentDisposition(fileName: attachment.fileName))
        response.headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return response
    }

    private func applicantDossier(_ req: Request) async throws -> (UserModel, DossierModel) {
        let user = try req.auth.require(UserModel.self)
        guard let id = req.parameters.get("dossier").flatMap(UUID.init(uuidString:)) else {
            throw AppError.notFound("dossier_not_found", "Dossier introuvable.")
        }
        return (user, try await Membership(database: req.db).requireDossier(id, for: user.requireID()))
    }

    private func threadPage(
        _ req: Request, _ dossier: DossierModel, body: String, error: String?
    ) async throws -> MessagesPage {
        let messages = try await CorrespondenceService.thread(dossier.requireID(), on: req.db)
        return try MessagesPage(req, dossier: dossier, messages: messages, body: body, error: error)
    }

    private func service(_ req: Request) -> CorrespondenceService {
        let config = req.application.guichetConfiguration
        return CorrespondenceService(
            database: req.db, configuration: config,
            store: AttachmentStore.configured(req.application, on: req.db),
            policy: AttachmentPolicy(maxBytes: config.maxUploadBytes, allowed: AttachmentPolicy.defaultAllowed),
            now: Date())
    }
}
