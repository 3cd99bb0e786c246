import Fluent
import Foundation
import GuichetDomain

/// The conversation on a dossier between the instruction and the applicant.
///
/// A message, its file and the emails it causes are saved in one transaction: the other side is
/// told if and only if the message exists. Emails carry the text and a link, never the file:
/// an attachment may hold personal data, so it is served only to people signed in and entitled
/// to the dossier (the choice of Démarches Simplifiées and of most State services).
struct CorrespondenceService {
    let database: any Database
    let configuration: AppConfiguration
    let store: AttachmentStore
    let policy: AttachmentPolicy
    let now: Date

    /// Sends a message, with at most one file checked by content and scanned.
    /// - Throws: ``DomainError`` for an empty or too long text, a dossier that takes no message
    ///   from this side, a refused or infected file, or a recused instructor; nothing is stored.
    @discardableResult
    func send(
        on dossier: DossierModel, side: Correspondence.Side, author: UserModel, body: String,
        file: PostedForm.File?
    ) async throws -> DossierMessageModel {
        let text = try Correspondence.checkBody(body)
        try Correspondence.checkCanWrite(side, status: DossierStatus(rawValue: dossier.status) ?? .draft)
        if side == .instruction {
            try await StaffDirectory(database: database).checkNotConflicted(
                author, on: dossier, action: "écrire au porteur", now: now)
        }
        var stored: MessageAttachmentModel?
        if let file {
            let used = try await AttachmentStore.usedBytes(dossier: dossier.requireID(), on: database)
            guard used + file.data.count <= configuration.dossierQuotaBytes else {
                throw DomainError.invalidForm(errors: [
                    "file":
                        "Le dossier a atteint sa place pour les pièces jointes (\(ByteSize.french(configuration.dossierQuotaBytes))) : envoyez le message sans le fichier, ou un fichier plus léger."
                ])
            }
            stored = try await storedAttachment(file)
        }
        let attachment = stored
        let dossierID = try dossier.requireID()
        let message = DossierMessageModel()
        message.id = UUID()
        message.$dossier.id = dossierID
        message.side = side.rawValue
        message.$author.id = try author.requireID()
        message.body = text
        message.createdAt = now
        let actor = side == .instruction ? InstructionService.agent(author) : ApplicationService.agent(author)
        try await database.transaction { db in
            try await message.create(on: db)
            if let attachment {
                attachment.$message.id = try message.requireID()
                try await attachment.create(on: db)
            }
            try await AuditEntryModel(
                AuditEntry(
                    at: now, actor: actor, action: "message", entityType: "dossier", entityID: dossierID,
                    from: nil, to: side.rawValue,
                    reason: side == .instruction ? "Message au porteur" : "Message du porteur")
            ).create(on: db)
            try await notify(dossier, side: side, text: text, fileName: attachment?.fileName, on: db)
        }
        return message
    }

    /// The dossier's messages, oldest first, with their authors and files.
    /// The instruction's messages the applicant side has not opened yet, by dossier.
    static func unreadByApplicant(_ dossierIDs: [UUID], on database: any Database) async throws -> [UUID: Int] {
        guard !dossierIDs.isEmpty else { return [:] }
        let unread = try await DossierMessageModel.query(on: database).filter(\.$dossier.$id ~~ dossierIDs)
            .filter(\.$side == Correspondence.Side.instruction.rawValue).filter(\.$readAt == nil).all(\.$dossier.$id)
        return unread.reduce(into: [:]) { $0[$1, default: 0] += 1 }
    }

    /// The applicant side opened the conversation: the instruction's messages are read.
    static func markReadByApplicant(_ dossierID: UUID, now: Date, on database: any Database) async throws {
        try await DossierMessageModel.query(on: database).filter(\.$dossier.$id == dossierID)
            .filter(\.$side == Correspondence.Side.instruction.rawValue).filter(\.$readAt == nil)
            .set(\.$readAt, to: now).update()
    }

    static func thread(_ dossierID: UUID, on database: any Database) async throws -> [DossierMessageModel] {
        let messages = try await ModelRows.all(
            DossierMessageModel.self, with: \.$author, "WHERE m.dossier_id = \(bind: dossierID) ORDER BY m.created_at",
            on: database)
        // Most dossiers have no message: then their files are not asked for.
        guard !messages.isEmpty else { return [] }
        let files = try await ModelRows.all(
            MessageAttachmentModel.self, "WHERE m.message_id IN (\(binds: messages.compactMap(\.id)))", on: database)
        let byMessage = Dictionary(grouping: files, by: { $0.$message.id })
        for message in messages { message.$attachments.value = message.id.flatMap { byMessage[$0] } ?? [] }
        return messages
    }

    /// A file joined to one of the dossier's messages; `nil` when it belongs to another dossier.
    static func attachment(
        _ id: UUID, of dossierID: UUID, on database: any Database
    ) async throws -> MessageAttachmentModel? {
        try await MessageAttachmentModel.query(on: database).filter(\.$id == id)
            .join(parent: \.$message).filter(DossierMessageModel.self, \.$dossier.$id == dossierID).first()
    }

    private func storedAttachment(_ file: PostedForm.File) async throws -> MessageAttachmentModel {
        let name = AttachmentPolicy.safeFileName(file.fileName)
        let kind: FileKind
        do { kind = try policy.check(name: name, data: file.data) } catch {
            throw DomainError.invalidForm(errors: ["file": error.message])
        }
        let sha = AttachmentStore.sha256(file.data)
        try await store.store(file.data, sha256: sha)
        let scan = await store.scan(sha256: sha)
        guard scan != .infected else {
            throw DomainError.invalidForm(errors: [
                "file":
                    "Le fichier « \(name) » contient un virus : il a été mis en quarantaine et le message n'est pas envoyé."
            ])
        }
        let attachment = MessageAttachmentModel()
        attachment.id = UUID()
        attachment.fileName = name
        attachment.kind = kind.rawValue
        attachment.sizeBytes = Int64(file.data.count)
        attachment.sha256 = sha
        attachment.scanStatus = scan.rawValue
        return attachment
    }

    /// Tells the other side: the organisation's representatives, or the instructor in charge
    /// (everyone instructing the dossier's territory while nobody has taken it, except recused people).
    private func notify(
        _ dossier: DossierModel, side: Correspondence.Side, text: String, fileName: String?,
        on db: any Database
    ) async throws {
        let id = try dossier.requireID()
        let number = dossier.number ?? ""
        let file = fileName.map { "\nPièce jointe : \($0) (à télécharger depuis Guichet).\n" } ?? ""
        switch side {
        case .instruction:
            try await InstructionService(database: db, configuration: configuration, now: now).notifyMembers(
                of: dossier, subject: "Nouveau message sur votre dossier \(number)",
                body: """
                    Bonjour,

                    L'instruction vous écrit au sujet de votre dossier « \(dossier.title) » (\(number)) :

                    \(text)
                    \(file)
                    Pour lire la conversation et répondre : \(configuration.publicURL)\(SiteURL.dossierMessages(id).path)
                    """, kind: "dossier_message")
        case .applicant:
            let directory = StaffDirectory(database: db)
            var recipients = try await directory.instructors(covering: dossier)
            if let assignee = dossier.assigneeID, let person = recipients.first(where: { $0.id == assignee }) {
                recipients = [person]
            } else {
                recipients = recipients.filter { $0.role == Role.instructor.rawValue }
            }
            for person in recipients where !(try await directory.isConflicted(person.requireID(), on: dossier)) {
                try await Mailer(database: db).enqueue(
                    to: person.email, subject: "Message du porteur — dossier \(number)",
                    body: """
                        Bonjour,

                        Le porteur du dossier « \(dossier.title) » (\(number)) a écrit :

                        \(text)
                        \(file)
                        Dossier : \(configuration.publicURL)\(SiteURL.staffDossier(id).path)#messages
                        """, kind: "dossier_message", now: now)
            }
        }
    }
}
