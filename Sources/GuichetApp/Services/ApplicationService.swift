import Fluent
import Foundation
import GuichetDomain
import SQLKit
import Vapor

/// An applicant's dossier from draft to filing: create, save what is valid, file once.
struct ApplicationService {
    let database: any Database
    let store: AttachmentStore
    let policy: AttachmentPolicy
    let configuration: AppConfiguration
    let now: Date

    /// What a draft save produced: the errors to show next to fields, and the raw text to keep.
    struct SaveOutcome {
        let errors: [String: String]
        let raw: [String: [String]]
    }

    /// Creates a draft for an organisation the user represents, on the call's current form.
    func createDraft(call: LoadedCall, organisationID: UUID, user: UserModel) async throws -> DossierModel {
        let userID = try user.requireID()
        _ = try await Membership(database: database).requireOrganisation(organisationID, for: userID)
        try call.call.checkFilingOpen(at: now)
        guard let form = try await CallRepository(database: database).currentForm(call.id) else {
            throw AppError(
                status: .conflict, code: "no_form",
                message: "Cet appel à projets n'a pas encore de formulaire de dépôt.")
        }
        let dossier = DossierModel()
        dossier.id = UUID()
        dossier.$call.id = call.id
        dossier.$organisation.id = organisationID
        dossier.title = ""
        dossier.summary = ""
        dossier.themeCode = ""
        dossier.scopeKind = "regional"
        dossier.territoryCode = call.model.regionCode ?? "FR"
        dossier.scopeRegions = ""
        dossier.requestedCents = 0
        dossier.status = DossierStatus.draft.rawValue
        dossier.simulated = false
        dossier.formVersion = form.version
        dossier.answers = "{}"
        dossier.createdBy = userID
        try await database.transaction { db in
            try await dossier.create(on: db)
            try await AuditEntryModel(
                AuditEntry(
                    at: now, actor: Self.agent(user), action: "create_draft", entityType: "dossier",
                    entityID: try dossier.requireID(), from: nil, to: DossierStatus.draft.rawValue,
                    reason: nil)
            ).create(on: db)
        }
        return dossier
    }

    /// Saves whatever is valid in a posted form; invalid fields keep their stored value and get
    /// their message. Uploaded files are checked by content, stored, scanned and recorded.
    func saveDraft(_ dossier: DossierModel, posted: PostedForm, user: UserModel) async throws -> SaveOutcome {
        guard let status = DossierStatus(rawValue: dossier.status), status.isEditableByApplicant else {
            throw DomainError.transitionNotAllowed(
                action: "modifier", from: DossierStatus(rawValue: dossier.status) ?? .filed)
        }
        let call = try await CallRepository(database: database).load(dossier.$call.get(on: database))
        let form = try await CallRepository(database: database).form(call.id, version: dossier.formVersion ?? 1)
        let submission = form.parse(posted.fields, territories: .france.within(call.model.callScope))
        var errors = submission.errors
        var answers = try Self.answers(dossier)
        for field in form.fields {
            if case .file = field.type { continue }
            // Only fields present in the post change: the page posts an empty value for a group of
            // checkboxes, so that unticking them all clears the answer.
            guard posted.fields[field.key] != nil else { continue }
            if errors[field.key] != nil { continue }
            if let value = submission.values[field.key] { answers[field.key] = value } else { answers[field.key] = nil }
        }
        // Files: each upload is checked before anything is written, and the dossier keeps within
        // its storage quota (what replaced files leave behind counts until the dossier is filed).
        var newAttachments: [AttachmentModel] = []
        var used = try await AttachmentStore.usedBytes(dossier: dossier.requireID(), on: database)
        let quota = configuration.dossierQuotaBytes
        for field in form.fields {
            guard case .file = field.type, let upload = posted.files[field.key] else { continue }
            let name = AttachmentPolicy.safeFileName(upload.fileName)
            do {
                let fieldPolicy = AttachmentPolicy(maxBytes: policy.maxBytes, allowed: policy.allowed)
                let kind = try fieldPolicy.check(name: name, data: upload.data)
                try field.checkAttachment(name: name, bytes: upload.data.count, kind: kind.category ?? kind.rawValue)
                guard used + upload.data.count <= quota else {
                    errors[field.key] =
                        "Le dossier a atteint sa place pour les pièces jointes (\(ByteSize.french(quota))) : « \(name) » n'est pas joint. Écrivez à l'instruction si des pièces volumineuses sont indispensables."
                    continue
                }
                used += upload.data.count
                let sha = AttachmentStore.sha256(upload.data)
                try await store.store(upload.data, sha256: sha)
                let scan = await store.scan(sha256: sha)
                if scan == .infected {
                    errors[field.key] =
                        "Le fichier « \(name) » contient un virus : il a été mis en quarantaine et n'est pas joint au dossier."
                    continue
                }
                let attachment = AttachmentModel()
                attachment.id = UUID()
                attachment.$dossier.id = try dossier.requireID()
                attachment.fieldKey = field.key
                attachment.fileName = name
                attachment.kind = kind.rawValue
                attachment.sizeBytes = Int64(upload.data.count)
                attachment.sha256 = sha
                attachment.scanStatus = scan.rawValue
                attachment.uploadedBy = try user.requireID()
                newAttachments.append(attachment)
                answers[field.key] = .file(try attachment.requireID().uuidString.lowercased())
            } catch let error as DomainError {
                errors[field.key] = error.message
            }
        }
        // The rules over what was just posted, on the answers as saved (issue: errors said late).
        let posted = Set(form.fields.map(\.key).filter { posted.fields[$0] != nil || posted.files[$0] != nil })
        for (key, message) in form.ruleProblems(
            answers, skipping: errors, touching: posted, territories: .france.within(call.model.callScope))
        where errors[key] == nil {
            errors[key] = message
        }
        try Self.apply(answers, to: dossier, form: form)
        let created = newAttachments
        try await database.transaction { db in
            for attachment in created { try await attachment.create(on: db) }
            try await dossier.save(on: db)
        }
        return SaveOutcome(errors: errors, raw: submission.raw)
    }

    /// Deletes a draft that was never filed, with its attachments' rows, and says so in the audit
    /// log. A filed dossier has a number and a receipt: it is withdrawn, never deleted.
    ///
    /// The files themselves stay in the content-addressed store, which other dossiers may share;
    /// the store's retention removes those no row refers to.
    /// - Throws: ``DomainError/transitionNotAllowed(action:from:)`` once filed;
    ///   ``DomainError/invalidForm(errors:)`` unconfirmed.
    func deleteDraft(_ dossier: DossierModel, user: UserModel, confirmed: Bool) async throws {
        let status = DossierStatus(rawValue: dossier.status) ?? .filed
        guard status == .draft, dossier.filedAt == nil, dossier.number == nil else {
            throw DomainError.transitionNotAllowed(action: "supprimer", from: status)
        }
        guard confirmed else {
            throw DomainError.invalidForm(errors: [
                "confirmer": "Cochez « Je confirme la suppression de ce brouillon » : la suppression est définitive."
            ])
        }
        let id = try dossier.requireID()
        let entry = AuditEntry(
            at: now, actor: Self.agent(user), action: "delete_draft", entityType: "dossier", entityID: id,
            from: status.rawValue, to: nil, reason: "Brouillon supprimé par le porteur")
        try await database.transaction { db in
            try await AttachmentModel.query(on: db).filter(\.$dossier.$id == id).delete()
            try await DossierModel.query(on: db).filter(\.$id == id).filter(\.$status == DossierStatus.draft.rawValue)
                .delete()
            try await AuditEntryModel(entry).create(on: db)
        }
    }

    /// Files a dossier, once: a second click, a retry or a concurrent request finds it filed and
    /// changes nothing. Returns the filed dossier.
    func file(_ dossier: DossierModel, user: UserModel) async throws -> DossierModel {
        let id = try dossier.requireID()
        if let status = DossierStatus(rawValue: dossier.status), !status.isEditableByApplicant, dossier.filedAt != nil {
            return dossier
        }
        let callModel = try await dossier.$call.get(on: database)
        let call = try await CallRepository(database: database).load(callModel)
        let form = try await CallRepository(database: database).form(call.id, version: dossier.formVersion ?? 1)
        let answers = try Self.answers(dossier)
        try form.checkFiling(answers, territories: .france.within(callModel.callScope))
        try Self.apply(answers, to: dossier, form: form)
        let transition = try DossierLifecycle.transition(
            try dossier.domain(), .file, by: Self.agent(user), call: call.call, now: now)

        return try await database.transaction { db in
            let sql = try db.sql()
            // The status moves only if it is still the one read: the single winner files.
            let moved = try await sql.update(DossierModel.schema)
                .set("status", to: SQLBind(transition.to.rawValue))
                .where("id", .equal, SQLBind(id))
                .where("status", .equal, SQLBind(transition.from.rawValue))
                .returning("id").all()
            guard moved.count == 1, let fresh = try await DossierModel.find(id, on: db) else {
                return try await DossierModel.find(id, on: db) ?? dossier
            }
            let sequence =
                try await sql.update(CallModel.schema)
                .set(
                    SQLIdentifier("receipt_counter"),
                    to: SQLBinaryExpression(SQLIdentifier("receipt_counter"), .add, SQLLiteral.numeric("1"))
                )
                .where("id", .equal, SQLBind(call.id))
                .returning("receipt_counter").first(decodingColumn: "receipt_counter", as: Int.self) ?? 0
            try Self.apply(answers, to: fresh, form: form)
            fresh.instructorGroup = Routing.group(for: try fresh.domain().scope).stored
            // A refiled dossier answers the pending request for correction.
            fresh.correctionMessage = nil
            fresh.correctionDueOn = nil
            fresh.correctionRemindedAt = nil
            fresh.status = transition.to.rawValue
            if fresh.filedAt == nil { fresh.filedAt = now }
            if fresh.number == nil {
                fresh.number = ReceiptNumber.make(prefix: callModel.receiptPrefix, sequence: sequence)
            }
            let attachments = try await AttachmentModel.query(on: db).filter(\.$dossier.$id == id).all()
            fresh.receiptDigest = AttachmentStore.sha256(
                Data(
                    Self.receiptText(
                        fresh, form: form, answers: answers,
                        attachments: attachments
                    ).utf8))
            try await fresh.save(on: db)
            try await AuditEntryModel(AuditEntry.dossier(id, transition, by: Self.agent(user), at: now)).create(on: db)
            try await Mailer(database: db).enqueue(
                to: user.email, subject: "Accusé de réception — dossier \(fresh.number ?? "")",
                body: Self.receiptMail(fresh, call: callModel, configuration: configuration),
                kind: "receipt", now: now)
            return fresh
        }
    }

    // MARK: - Answers

    static func answers(_ dossier: DossierModel) throws -> [String: FieldValue] {
        guard let json = dossier.answers, !json.isEmpty else { return [:] }
        return try JSONDecoder().decode([String: FieldValue].self, from: Data(json.utf8))
    }

    /// Stores the answers and copies the ones whose fields declare a role (title, summary, theme,
    /// territory, requested amount) into the dossier's columns.
    static func apply(_ answers: [String: FieldValue], to dossier: DossierModel, form: FormDefinition) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        dossier.answers = String(decoding: try encoder.encode(answers), as: UTF8.self)
        func answer(_ role: FieldRole) -> FieldValue? { form.field(role: role).flatMap { answers[$0.key] } }
        if case .text(let title)? = answer(.title) { dossier.title = title } else { dossier.title = "" }
        if case .text(let summary)? = answer(.summary) { dossier.summary = summary } else { dossier.summary = "" }
        if case .choice(let theme)? = answer(.theme) { dossier.themeCode = theme } else { dossier.themeCode = "" }
        if case .amount(let amount)? = answer(.amountRequested) {
            dossier.requestedCents = amount.cents
        } else {
            dossier.requestedCents = 0
        }
        if case .territory(let key)? = answer(.territory) {
            switch key.level {
            case .national: dossier.scopeKind = "national"
            case .region: dossier.scopeKind = "regional"
            case .departement: dossier.scopeKind = "departemental"
            }
            dossier.territoryCode = key.code
        }
    }

    /// What the receipt seals: the number, the filing time, and every answer (files by name,
    /// size and SHA-256).
    static func receiptText(
        _ dossier: DossierModel, form: FormDefinition, answers: [String: FieldValue],
        attachments: [AttachmentModel]
    ) -> String {
        var described: [String: String] = [:]
        for attachment in attachments {
            guard let id = attachment.id?.uuidString.lowercased() else { continue }
            described[id] =
                "\(attachment.fileName) (\(ByteSize.french(Int(attachment.sizeBytes))), SHA-256 \(attachment.sha256))"
        }
        let filed = dossier.filedAt.map { ISO.instant($0) } ?? ""
        return "Dossier \(dossier.number ?? "")\nDéposé le \(filed)\n"
            + form.canonicalText(values: answers, attachments: described)
    }

    static func receiptMail(_ dossier: DossierModel, call: CallModel, configuration: AppConfiguration) -> String {
        let filed = dossier.filedAt.map { ParisTime.longDateTime($0) } ?? ""
        let id = dossier.id ?? UUID()
        return """
            Bonjour,

            Votre dossier « \(dossier.title) » a bien été déposé pour l'appel à projets « \(call.title) ».

            Numéro de dossier : \(dossier.number ?? "")
            Déposé le : \(filed) (heure de Paris)
            Empreinte du dépôt (SHA-256) : \(dossier.receiptDigest ?? "")

            Votre récépissé : \(configuration.publicURL)\(SiteURL.dossierReceipt(id).path)

            Conservez ce message : il prouve la date et le contenu de votre dépôt.
            """
    }

    static func agent(_ user: UserModel) -> Agent {
        Agent(id: user.id, name: user.displayName, role: .applicant)
    }
}
