import Fluent
import Foundation
import GuichetDomain
import SQLKit

/// What Guichet holds about one person, as JSON (`guichet personal-data export --email`): the
/// answer to a right-of-access request (GDPR article 15), which the service sends the person.
///
/// Everything keyed on the account or its address: the account, its organisations, the dossiers
/// it created with their answers, attachments (names, kinds, sizes, digests — the files
/// themselves are the dossier's, sent apart if asked) and messages, the mail sent to the
/// address, the sessions and sign-in traces, and the audit log's entries where the person acted.
struct PersonalDataExport {
    let database: any Database

    struct Export: Encodable {
        struct Account: Encodable {
            let id: UUID
            let email: String
            let displayName: String
            let role: String
            let createdAt: Date?
            let emailVerifiedAt: Date?
            let disabledAt: Date?
        }
        struct Organisation: Encodable {
            let id: UUID
            let name: String
            let legalForm: String
            let siret: String?
            let rna: String?
            let address: String?
            let postcode: String?
            let city: String?
        }
        struct Attachment: Encodable {
            let fileName: String
            let kind: String
            let sizeBytes: Int64
            let sha256: String
        }
        struct Message: Encodable {
            let side: String
            let body: String
            let createdAt: Date
        }
        struct Dossier: Encodable {
            let id: UUID
            let call: String
            let number: String?
            let title: String
            let summary: String
            let status: String
            let filedAt: Date?
            let requestedCents: Int64
            let answers: [String: FieldValue]
            let attachments: [Attachment]
            let messages: [Message]
        }
        struct Mail: Encodable {
            let subject: String
            let kind: String
            let queuedAt: Date?
            let sentAt: Date?
        }
        struct Action: Encodable {
            let at: Date
            let action: String
            let entityType: String
            let entityID: UUID
        }

        let exportedAt: Date
        let account: Account
        let organisations: [Organisation]
        let dossiers: [Dossier]
        let mail: [Mail]
        let openSessions: Int
        let signInFailures: Int
        let actions: [Action]
    }

    /// The export, or nil when no account has this address.
    func export(email rawEmail: String, now: Date = Date()) async throws -> Export? {
        let email = rawEmail.trimmingCharacters(in: .whitespaces).lowercased()
        guard let user = try await UserModel.query(on: database).filter(\.$email == email).first(),
            let userID = user.id
        else { return nil }
        let memberships = try await OrganisationMemberModel.query(on: database).filter(\.$user.$id == userID).all()
        let organisations = try await OrganisationModel.query(on: database)
            .filter(\.$id ~~ memberships.map { $0.$organisation.id }).sort(\.$name).all()
        let dossiers = try await DossierModel.query(on: database).filter(\.$createdBy == userID).sort(\.$createdAt)
            .all()
        let dossierIDs = dossiers.compactMap(\.id)
        let attachments = Dictionary(
            grouping: try await AttachmentModel.query(on: database).filter(\.$dossier.$id ~~ dossierIDs).all(),
            by: { $0.$dossier.id })
        let messages = Dictionary(
            grouping: try await DossierMessageModel.query(on: database).filter(\.$dossier.$id ~~ dossierIDs)
                .sort(\.$createdAt).all(),
            by: { $0.$dossier.id })
        var calls: [UUID: String] = [:]
        for call in try await CallModel.query(on: database).all() { calls[try call.requireID()] = call.reference }
        let mail = try await OutboxMessageModel.query(on: database).filter(\.$toAddress == email).sort(\.$createdAt)
            .all()
        let actions = try await AuditEntryModel.query(on: database).filter(\.$actorID == userID).sort(\.$at).all()
        let failures = try await LoginAttemptModel.query(on: database).filter(\.$key == "email:\(email)").first()
        return Export(
            exportedAt: now,
            account: .init(
                id: userID, email: user.email, displayName: user.displayName, role: user.role,
                createdAt: user.createdAt,
                emailVerifiedAt: user.emailVerifiedAt, disabledAt: user.disabledAt),
            organisations: organisations.compactMap { organisation in
                organisation.id.map {
                    .init(
                        id: $0, name: organisation.name, legalForm: organisation.legalForm, siret: organisation.siret,
                        rna: organisation.rna, address: organisation.address, postcode: organisation.postcode,
                        city: organisation.city)
                }
            },
            dossiers: try dossiers.compactMap { dossier in
                guard let id = dossier.id else { return nil }
                return .init(
                    id: id, call: calls[dossier.$call.id] ?? dossier.$call.id.uuidString, number: dossier.number,
                    title: dossier.title, summary: dossier.summary, status: dossier.status, filedAt: dossier.filedAt,
                    requestedCents: dossier.requestedCents, answers: try ApplicationService.answers(dossier),
                    attachments: (attachments[id] ?? []).map {
                        .init(fileName: $0.fileName, kind: $0.kind, sizeBytes: $0.sizeBytes, sha256: $0.sha256)
                    },
                    messages: (messages[id] ?? []).map { .init(side: $0.side, body: $0.body, createdAt: $0.createdAt) })
            },
            mail: mail.map { .init(subject: $0.subject, kind: $0.kind, queuedAt: $0.createdAt, sentAt: $0.sentAt) },
            openSessions: try await SessionModel.query(on: database).filter(\.$userID == userID).count(),
            signInFailures: failures?.failures ?? 0,
            actions: actions.compactMap { entry in
                entry.id.map { _ in
                    .init(at: entry.at, action: entry.action, entityType: entry.entityType, entityID: entry.entityID)
                }
            })
    }

    static func json(_ export: Export) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return try encoder.encode(export)
    }
}
