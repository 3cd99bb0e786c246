import Fluent
import Foundation
import GuichetDomain
import SQLKit
import Vapor

/// Applies the retention policy (``RetentionPolicy``, `GUICHET_RETENTION_*_DAYS`): what is due is
/// anonymised or deleted, kind by kind, each kind in its own transaction; a dry run counts the
/// same rows and changes nothing. The server runs it once a day (``OutboxWorker``); `guichet
/// retention --dry-run|--apply` runs it by hand.
///
/// Order matters: drafts go first, then refused dossiers, so that an account whose only dossiers
/// were those is found unused in the same run. Every anonymisation and deletion of a dossier or
/// an account is written in the audit log (actor « Conservation des données »). Files no row
/// refers to any more (a deleted draft's, an anonymised dossier's) leave the store a day after
/// they were written — never sooner, so that a file uploaded a moment ago, whose row is not yet
/// committed, is not taken for an orphan.
struct RetentionService {
    let database: any Database
    let configuration: AppConfiguration
    let now: Date

    /// One kind's outcome: how many rows (or files) were due.
    struct Outcome: Equatable, Sendable {
        let kind: String
        let label: String
        let count: Int
    }

    static let refusedStatuses: [DossierStatus] = [.ineligible, .rejected, .withdrawn]
    /// A dossier in one of these keeps its author's account alive.
    static let finishedStatuses: [DossierStatus] = refusedStatuses + [.reported]
    static let agent = Agent(id: nil, name: "Conservation des données", role: .administrator)

    func run(apply: Bool) async throws -> [Outcome] {
        let policy = configuration.retention
        var outcomes: [Outcome] = []
        func record(_ kind: RetentionPolicy.Kind, _ count: Int) {
            outcomes.append(Outcome(kind: kind.rawValue, label: kind.label, count: count))
        }
        record(.drafts, try await drafts(before: policy.cutoff(.drafts, now: now), apply: apply))
        record(.refusedDossiers, try await refused(before: policy.cutoff(.refusedDossiers, now: now), apply: apply))
        record(
            .accounts,
            try await accounts(
                before: policy.cutoff(.accounts, now: now), draftsBefore: policy.cutoff(.drafts, now: now), apply: apply
            ))
        record(.loginAttempts, try await loginAttempts(before: policy.cutoff(.loginAttempts, now: now), apply: apply))
        record(.mail, try await mail(before: policy.cutoff(.mail, now: now), apply: apply))
        record(
            .webhookDeliveries,
            try await webhookDeliveries(before: policy.cutoff(.webhookDeliveries, now: now), apply: apply))
        outcomes.append(
            Outcome(kind: "sessions", label: "sessions expirées (supprimées)", count: try await sessions(apply: apply)))
        outcomes.append(
            Outcome(
                kind: "orphan_files", label: "fichiers que plus rien ne cite (supprimés)",
                count: try await orphanFiles(apply: apply)))
        return outcomes
    }

    // MARK: - Dossiers

    private func ids(_ query: SQLQueryString, on db: any Database) async throws -> [UUID] {
        try await db.sql().raw(query).all().map { try $0.decode(column: "id", as: UUID.self) }
    }

    private func drafts(before cutoff: Date?, apply: Bool) async throws -> Int {
        guard let cutoff else { return 0 }
        let query: SQLQueryString = """
            SELECT id FROM \(ident: DossierModel.schema)
            WHERE status = \(bind: DossierStatus.draft.rawValue) AND filed_at IS NULL AND number IS NULL
              AND updated_at < \(bind: cutoff)
            """
        guard apply else { return try await ids(query, on: database).count }
        return try await database.transaction { db in
            let due = try await ids(query, on: db)
            // Sealed while the rows still say which call's chain the entries belong to.
            try await audit(
                due, action: "delete_draft", from: DossierStatus.draft.rawValue,
                reason: "Brouillon jamais déposé, supprimé à l'échéance de conservation", on: db)
            for chunk in due.chunked(500) {
                try await db.sql().delete(from: AttachmentModel.schema).where("dossier_id", .in, SQLBind.group(chunk))
                    .run()
                try await db.sql().delete(from: DossierModel.schema).where("id", .in, SQLBind.group(chunk)).run()
            }
            return due.count
        }
    }

    private func refused(before cutoff: Date?, apply: Bool) async throws -> Int {
        guard let cutoff else { return 0 }
        let query: SQLQueryString = """
            SELECT id FROM \(ident: DossierModel.schema)
            WHERE status IN (\(binds: Self.refusedStatuses.map(\.rawValue))) AND anonymised_at IS NULL
              AND updated_at < \(bind: cutoff)
            """
        guard apply else { return try await ids(query, on: database).count }
        return try await database.transaction { db in
            let due = try await ids(query, on: db)
            let sql = try db.sql()
            for chunk in due.chunked(500) {
                let group = SQLBind.group(chunk)
                try await sql.delete(from: AttachmentModel.schema).where("dossier_id", .in, group).run()
                try await sql.raw(
                    """
                    DELETE FROM \(ident: MessageAttachmentModel.schema) WHERE message_id IN
                      (SELECT id FROM \(ident: DossierMessageModel.schema) WHERE dossier_id IN \(group))
                    """
                ).run()
                try await sql.delete(from: DossierMessageModel.schema).where("dossier_id", .in, group).run()
                try await sql.delete(from: DossierAnnotationModel.schema).where("dossier_id", .in, group).run()
                try await sql.update(DossierModel.schema)
                    .set("title", to: SQLBind("Dossier anonymisé"))
                    .set("summary", to: SQLBind(""))
                    .set("answers", to: SQLBind("{}"))
                    .set("correction_message", to: SQLLiteral.null)
                    .set("anonymised_at", to: SQLBind(now))
                    .where("id", .in, group).run()
            }
            try await audit(
                due, action: "anonymise", from: nil,
                reason: "Données personnelles retirées à l'échéance de conservation", on: db)
            return due.count
        }
    }

    private func audit(_ ids: [UUID], action: String, from: String?, reason: String, on db: any Database) async throws {
        guard !ids.isEmpty else { return }
        let entries = ids.map {
            AuditEntryModel(
                AuditEntry(
                    at: now, actor: Self.agent, action: action, entityType: "dossier", entityID: $0, from: from,
                    to: nil,
                    reason: reason))
        }
        try await AuditChainStore.seal(entries, on: db)
        for entry in entries { try await entry.create(on: db) }
    }

    // MARK: - Accounts

    /// A draft due for deletion keeps no account alive: a dry run counts what a real run, which
    /// deletes drafts first, finds.
    private func accounts(before cutoff: Date?, draftsBefore: Date?, apply: Bool) async throws -> Int {
        guard let cutoff else { return 0 }
        let dueDraft: SQLQueryString =
            draftsBefore.map {
                "OR (d.status = \(bind: DossierStatus.draft.rawValue) AND d.filed_at IS NULL AND d.updated_at < \(bind: $0))"
            } ?? ""
        let query: SQLQueryString = """
            SELECT u.id AS id, u.email AS email FROM \(ident: UserModel.schema) u
            WHERE u.role = \(bind: Role.applicant.rawValue) AND u.anonymised_at IS NULL
              AND COALESCE(u.last_login_at, u.created_at) < \(bind: cutoff)
              AND NOT EXISTS (
                SELECT 1 FROM \(ident: DossierModel.schema) d WHERE d.created_by = u.id AND d.anonymised_at IS NULL
                  AND NOT (d.status IN (\(binds: Self.finishedStatuses.map(\.rawValue))) \(dueDraft)))
            """
        guard apply else { return try await database.sql().raw(query).all().count }
        return try await database.transaction { db in
            let sql = try db.sql()
            let due = try await sql.raw(query).all().map {
                (try $0.decode(column: "id", as: UUID.self), try $0.decode(column: "email", as: String.self))
            }
            for (id, email) in due {
                try await SessionModel.query(on: db).filter(\.$userID == id).delete()
                try await sql.delete(from: UserTokenModel.schema).where("user_id", .equal, SQLBind(id)).run()
                try await sql.delete(from: OrganisationMemberModel.schema).where("user_id", .equal, SQLBind(id)).run()
                try await LoginAttemptModel.query(on: db).filter(\.$key == "email:\(email)").delete()
                try await OutboxMessageModel.query(on: db).filter(\.$toAddress == email).delete()
                try await sql.update(UserModel.schema)
                    .set("email", to: SQLBind("anonyme-\(id.uuidString.lowercased())@guichet.invalid"))
                    .set("display_name", to: SQLBind("Compte anonymisé"))
                    // No password hashes to "!": no sign-in can match it.
                    .set("password_hash", to: SQLBind("!"))
                    .set("email_verified_at", to: SQLLiteral.null)
                    .set("disabled_at", to: SQLBind(now))
                    .set("anonymised_at", to: SQLBind(now))
                    .where("id", .equal, SQLBind(id)).run()
                try await AuditEntryModel(
                    AuditEntry(
                        at: now, actor: Self.agent, action: "anonymise", entityType: "user", entityID: id, from: nil,
                        to: nil, reason: "Compte inutilisé, anonymisé à l'échéance de conservation")
                ).create(on: db)
            }
            return due.count
        }
    }

    // MARK: - Traces

    private func loginAttempts(before cutoff: Date?, apply: Bool) async throws -> Int {
        guard let cutoff else { return 0 }
        let due = LoginAttemptModel.query(on: database).filter(\.$windowStart < cutoff).group(.or) {
            $0.filter(\.$blockedUntil == nil).filter(\.$blockedUntil < now)
        }
        let count = try await due.count()
        if apply, count > 0 {
            try await LoginAttemptModel.query(on: database).filter(\.$windowStart < cutoff).group(.or) {
                $0.filter(\.$blockedUntil == nil).filter(\.$blockedUntil < now)
            }.delete()
        }
        return count
    }

    /// Sent messages' rows (their bodies name people) and the `.eml` copies in the data folder.
    private func mail(before cutoff: Date?, apply: Bool) async throws -> Int {
        guard let cutoff else { return 0 }
        let rows = try await OutboxMessageModel.query(on: database).filter(\.$sentAt < cutoff).count()
        if apply, rows > 0 { try await OutboxMessageModel.query(on: database).filter(\.$sentAt < cutoff).delete() }
        let folder = configuration.dataDirectory + "/mail"
        var files = 0
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.hasSuffix(".eml") {
            let path = folder + "/" + name
            guard let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
                modified < cutoff
            else { continue }
            files += 1
            if apply { try? FileManager.default.removeItem(atPath: path) }
        }
        return rows + files
    }

    private func webhookDeliveries(before cutoff: Date?, apply: Bool) async throws -> Int {
        guard let cutoff else { return 0 }
        let count = try await WebhookDeliveryModel.query(on: database).group(.or) {
            $0.filter(\.$deliveredAt < cutoff).filter(\.$failedAt < cutoff)
        }.count()
        if apply, count > 0 {
            try await WebhookDeliveryModel.query(on: database).group(.or) {
                $0.filter(\.$deliveredAt < cutoff).filter(\.$failedAt < cutoff)
            }.delete()
        }
        return count
    }

    private func sessions(apply: Bool) async throws -> Int {
        let idle = now.addingTimeInterval(-Double(configuration.sessionIdleSeconds))
        let old = now.addingTimeInterval(-Double(configuration.sessionMaxSeconds))
        guard apply else {
            return try await SessionModel.query(on: database).group(.or) {
                $0.filter(\.$seenAt < idle).filter(\.$createdAt < old)
            }.count()
        }
        return try await SessionStore.purge(
            on: database, idleSeconds: configuration.sessionIdleSeconds, maxSeconds: configuration.sessionMaxSeconds,
            now: now)
    }

    // MARK: - Files

    private func orphanFiles(apply: Bool) async throws -> Int {
        let sql = try database.sql()
        var used = Set<String>()
        for table in [AttachmentModel.schema, MessageAttachmentModel.schema] {
            for row in try await sql.raw("SELECT DISTINCT sha256 FROM \(ident: table)").all() {
                used.insert(try row.decode(column: "sha256", as: String.self))
            }
        }
        let settled = now.addingTimeInterval(-86_400)
        var count = 0
        let stored = try await sql.raw(
            "SELECT sha256 FROM \(ident: CreateStoredFiles.table) WHERE created_at < \(bind: settled)"
        ).all().map { try $0.decode(column: "sha256", as: String.self) }
        for digest in stored where !used.contains(digest) {
            count += 1
            if apply {
                try await sql.delete(from: CreateStoredFiles.table).where("sha256", .equal, SQLBind(digest)).run()
            }
        }
        let root = configuration.dataDirectory
        for folder in ["attachments", "quarantine"] {
            guard let walker = FileManager.default.enumerator(atPath: "\(root)/\(folder)") else { continue }
            while let relative = walker.nextObject() as? String {
                let name = (relative as NSString).lastPathComponent
                guard name.count == 64, name.allSatisfy(\.isHexDigit), !used.contains(name) else { continue }
                let path = "\(root)/\(folder)/\(relative)"
                guard
                    let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate]
                        as? Date,
                    modified < settled
                else { continue }
                count += 1
                if apply { try? FileManager.default.removeItem(atPath: path) }
            }
        }
        return count
    }
}
