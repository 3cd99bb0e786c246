import Fluent
import Foundation
import GuichetDomain
import SQLKit

/// How an instruction team shares its work: who instructs which dossier, labels, internal notes.
/// Each action works on one dossier or on a selection, all or nothing: if one dossier of the
/// selection refuses (a recused person), none changes.
struct Teamwork {
    let database: any Database
    let now: Date

    /// Gives the dossiers to `assignee`, who must instruct their territory and have no link with
    /// their organisations; each change is in the dossier's history.
    func assign(_ dossiers: [DossierModel], to assignee: UserModel, by user: UserModel) async throws {
        let directory = StaffDirectory(database: database)
        let target = try assignee.requireID()
        for dossier in dossiers {
            // Whoever hands a dossier over must be free to act on it too.
            if target != user.id {
                try await directory.checkNotConflicted(user, on: dossier, action: "confier ce dossier", now: now)
            }
            let covering = try await directory.instructors(covering: dossier)
            guard covering.contains(where: { $0.id == target }) else {
                throw DomainError.invalidForm(errors: [
                    "assignee":
                        "\(assignee.displayName) n'instruit pas le territoire du dossier \(dossier.number ?? "")."
                ])
            }
            try await directory.checkNotConflicted(assignee, on: dossier, action: "instruire ce dossier", now: now)
        }
        let reason = target == user.id ? "Pris en charge" : "Attribué à \(assignee.displayName)"
        try await database.transaction { db in
            for dossier in dossiers where dossier.assigneeID != target {
                let previous = dossier.assigneeID
                dossier.assigneeID = target
                try await dossier.save(on: db)
                try await audit(
                    "assign", dossier, by: user, from: previous?.uuidString.lowercased(),
                    to: target.uuidString.lowercased(), reason: reason, on: db)
            }
        }
    }

    /// Puts a label on the dossiers (those that already carry it are left as they are).
    func addLabel(_ raw: String, to dossiers: [DossierModel], by user: UserModel) async throws {
        let label = try DossierLabel(raw)
        try await checkNotConflicted(user, on: dossiers, action: "étiqueter ce dossier")
        let ids = try dossiers.map { try $0.requireID() }
        let already = Set(
            try await DossierLabelModel.query(on: database).filter(\.$dossier.$id ~~ ids)
                .filter(\.$labelKey == label.key).all(\.$dossier.$id))
        let userID = try user.requireID()
        try await database.transaction { db in
            for dossier in dossiers where !already.contains(try dossier.requireID()) {
                let model = DossierLabelModel()
                model.$dossier.id = try dossier.requireID()
                model.label = label.text
                model.labelKey = label.key
                model.createdBy = userID
                model.createdAt = now
                try await model.create(on: db)
                try await audit("label_added", dossier, by: user, from: nil, to: label.text, reason: nil, on: db)
            }
        }
    }

    /// Takes a label off the dossiers.
    func removeLabel(_ raw: String, from dossiers: [DossierModel], by user: UserModel) async throws {
        let label = try DossierLabel(raw)
        try await checkNotConflicted(user, on: dossiers, action: "étiqueter ce dossier")
        try await database.transaction { db in
            for dossier in dossiers {
                let id = try dossier.requireID()
                let existing = try await DossierLabelModel.query(on: db).filter(\.$dossier.$id == id).filter(
                    \.$labelKey == label.key
                ).all()
                guard !existing.isEmpty else { continue }
                for model in existing { try await model.delete(on: db) }
                try await audit("label_removed", dossier, by: user, from: label.text, to: nil, reason: nil, on: db)
            }
        }
    }

    /// Adds an internal note to a dossier.
    func annotate(_ dossier: DossierModel, text: String, by user: UserModel) async throws {
        let body = try Annotation.checkBody(text)
        try await checkNotConflicted(user, on: [dossier], action: "annoter ce dossier")
        try await database.transaction { db in
            let note = DossierAnnotationModel()
            note.$dossier.id = try dossier.requireID()
            note.$author.id = try user.requireID()
            note.body = body
            note.createdAt = now
            try await note.create(on: db)
            try await audit("annotation", dossier, by: user, from: nil, to: nil, reason: "Note interne ajoutée", on: db)
        }
    }

    /// The labels of each dossier, sorted.
    func labels(of ids: [UUID]) async throws -> [UUID: [String]] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await ModelRows.all(
            DossierLabelModel.self, "WHERE m.dossier_id IN (\(binds: ids))", on: database)
        var result: [UUID: [String]] = [:]
        for row in rows { result[row.$dossier.id, default: []].append(row.label) }
        return result.mapValues { $0.sorted { $0.localizedStandardCompare($1) == .orderedAscending } }
    }

    /// The labels in use on the given instructor groups (all when `nil`), for the queue's filter.
    ///
    /// One row per label (its key, with one of the spellings in use), grouped by the database: the
    /// queue reads it on every page, and a national team's labels may be on thousands of dossiers.
    func labelsInUse(groups: Set<String>?) async throws -> [String] {
        if let groups, groups.isEmpty { return [] }
        let scope: SQLQueryString = groups.map { "WHERE d.instructor_group IN (\(binds: $0.sorted()))" } ?? ""
        let rows = try await database.sql().raw(
            """
            SELECT l.label_key AS label_key, MIN(l.label) AS label FROM \(ident: DossierLabelModel.schema) l
              JOIN \(ident: DossierModel.schema) d ON d.id = l.dossier_id
            \(scope)
            GROUP BY l.label_key
            """
        ).all()
        return try rows.map { try $0.decode(column: "label", as: String.self) }
            .sorted { $0.localizedStandardCompare($1) == .orderedAscending }
    }

    /// The dossier's internal notes, oldest first.
    func annotations(of dossierID: UUID) async throws -> [DossierAnnotationModel] {
        try await ModelRows.all(
            DossierAnnotationModel.self, with: \.$author,
            "WHERE m.dossier_id = \(bind: dossierID) ORDER BY m.created_at", on: database)
    }

    private func checkNotConflicted(_ user: UserModel, on dossiers: [DossierModel], action: String) async throws {
        let directory = StaffDirectory(database: database)
        for dossier in dossiers { try await directory.checkNotConflicted(user, on: dossier, action: action, now: now) }
    }

    private func audit(
        _ action: String, _ dossier: DossierModel, by user: UserModel, from: String?, to: String?, reason: String?,
        on db: any Database
    ) async throws {
        try await AuditEntryModel(
            AuditEntry(
                at: now, actor: InstructionService.agent(user), action: action, entityType: "dossier",
                entityID: try dossier.requireID(), from: from, to: to, reason: reason)
        ).create(on: db)
    }
}
