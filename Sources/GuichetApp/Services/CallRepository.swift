import Fluent
import Foundation
import GuichetDomain
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// A call read from the database with everything the domain needs.
struct LoadedCall: Sendable {
    let model: CallModel
    let call: Call
    let themes: [ThemeModel]
    let objectives: [ObjectiveModel]
    let waves: [WaveModel]

    var id: UUID { model.id ?? UUID() }
}

/// Finds and loads calls.
struct CallRepository {
    let database: any Database

    /// All public calls (drafts left out), newest opening first.
    func all() async throws -> [CallModel] {
        try await CallModel.query(on: database).filter(\.$status != CallStatus.draft.rawValue)
            .sort(\.$opensAt, .descending).sort(\.$reference).all()
    }

    /// The public call named by a UUID or a reference (`hdf-2021`): a draft is nobody's to see
    /// but its authors', who reach it through ``findAny(_:)``.
    /// - Throws: a 404 ``AppError`` when there is none.
    func find(_ key: String) async throws -> CallModel {
        let model = try await findAny(key)
        guard model.callStatus != .draft else {
            throw AppError.notFound("call_not_found", "Appel à projets introuvable.")
        }
        return model
    }

    /// The call named by a UUID or a reference, drafts included: for its authors' pages only.
    /// - Throws: a 404 ``AppError`` when there is none.
    func findAny(_ key: String) async throws -> CallModel {
        let found: CallModel?
        if let id = UUID(uuidString: key) {
            found = try await ModelRows.find(CallModel.self, id, on: database)
        } else if Self.isReference(key) {
            found = try await ModelRows.first(CallModel.self, "WHERE m.reference = \(bind: key)", on: database)
        } else {
            // Not a possible reference: never sent to the database (PostgreSQL refuses NUL bytes).
            throw AppError.notFound("call_not_found", "Appel à projets introuvable.")
        }
        guard let model = found else {
            throw AppError.notFound("call_not_found", "Appel à projets introuvable.")
        }
        return model
    }

    /// A call reference: 1 to 64 lowercase ASCII letters, digits and dashes (`hdf-2021`).
    static func isReference(_ key: String) -> Bool {
        (1...64).contains(key.utf8.count)
            && key.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 45 }
    }

    /// The call `guichet report` reads without `--call`: the most recently opened public call with
    /// published results, or else the most recently opened public call.
    func defaultCall() async throws -> CallModel? {
        let published = try await WaveModel.query(on: database).filter(\.$publishedAt != nil).all(\.$call.$id)
        if !published.isEmpty,
            let call = try await CallModel.query(on: database).filter(\.$id ~~ published).filter(
                \.$status != CallStatus.draft.rawValue
            )
            .sort(\.$opensAt, .descending).first()
        {
            return call
        }
        return try await all().first
    }

    /// Loads a call's themes, objectives and waves.
    ///
    /// The lists are those this instance last read for the call's ``CallModel/revision``, when
    /// the database has not raised it since (``CallParts``); otherwise they are read again.
    func load(_ model: CallModel) async throws -> LoadedCall {
        let id = try model.requireID()
        let themes: [ThemeModel], objectives: [ObjectiveModel], waves: [WaveModel]
        if let revision = model.revision, let kept = CallParts.shared.parts(of: id, revision: revision) {
            (themes, objectives, waves) = kept.models(call: id)
        } else {
            themes = try await ThemeModel.query(on: database).filter(\.$call.$id == id).sort(\.$position).all()
            objectives = try await ObjectiveModel.query(on: database).filter(\.$call.$id == id).sort(\.$position)
                .all()
            waves = try await WaveModel.query(on: database).filter(\.$call.$id == id).sort(\.$number).all()
            if let revision = model.revision {
                CallParts.shared.keep(
                    CallParts.Parts(themes: themes, objectives: objectives, waves: waves), of: id, revision: revision)
            }
        }
        let call = Call(
            reference: model.reference, title: model.title,
            themes: themes.map { Theme(code: $0.code, label: $0.label, position: $0.position) },
            objectives: objectives.map { Objective(code: $0.code, label: $0.label, position: $0.position) },
            opensAt: model.opensAt, closesAt: model.closesAt,
            waves: waves.map {
                Wave(number: $0.number, label: $0.label, announcedOn: $0.announcedOn, publishedAt: $0.publishedAt)
            },
            territoryOrder: Self.territoryOrder(model),
            regionCode: model.regionCode,
            departementCode: model.callScope.level == .departement ? model.callScope.code : nil)
        return LoadedCall(model: model, call: call, themes: themes, objectives: objectives, waves: waves)
    }

    /// The order results list territories in: the call's own, or its scope's.
    static func territoryOrder(_ model: CallModel) -> [String] {
        let stored = model.territoryOrder.split(separator: ",").map(String.init)
        return stored.isEmpty ? model.callScope.defaultTerritoryOrder() : stored
    }

    /// The call's current dossier form (its latest version).
    func currentForm(_ callID: UUID) async throws -> (version: Int, definition: FormDefinition)? {
        guard
            let model = try await CallFormModel.query(on: database).filter(\.$call.$id == callID)
                .sort(\.$version, .descending).first()
        else { return nil }
        return (model.version, try ParsedForms.shared.form(model.definition))
    }

    /// A given version of the call's form.
    func form(_ callID: UUID, version: Int) async throws -> FormDefinition {
        guard
            let definition = try await database.sql().raw(
                """
                SELECT definition FROM \(ident: CallFormModel.schema) WHERE call_id = \(bind: callID) \
                AND version = \(bind: version)
                """
            ).first().map({ try $0.decode(column: "definition", as: String.self) })
        else {
            throw AppError(
                status: .internalServerError, code: "form_missing",
                message: "Le formulaire de ce dossier est introuvable.")
        }
        return try ParsedForms.shared.form(definition)
    }

    /// The calls as the queue's filters name them, and their themes (``themeCatalog()``).
    struct Catalog: Sendable {
        struct Call: Sendable {
            let id: UUID
            let reference: String
            let title: String
        }
        /// By title.
        let calls: [Call]
        let themes: [Theme]
    }

    /// The calls and their themes, kept under the calls' revision (``SiteRevisions``).
    func catalog(keeping: Keeping?) async throws -> Catalog {
        try await keeping.kept(\.catalog, 0, revision: \.calls, on: database) {
            let rows = try await database.sql().raw(
                "SELECT id, reference, title FROM \(ident: CallModel.schema) ORDER BY title, reference"
            ).all()
            return Catalog(
                calls: try rows.map { row in
                    Catalog.Call(
                        id: try row.decodeUUID(column: "id"),
                        reference: try row.decode(column: "reference", as: String.self),
                        title: try row.decode(column: "title", as: String.self))
                },
                themes: try await themeCatalog())
        }
    }

    /// The themes of all calls, each code once (worded as its most recent call words it), for the
    /// filters and forms that span calls: the instruction queue, experts' themes.
    func themeCatalog() async throws -> [Theme] {
        // Plain columns: the queue reads it on every page.
        let rows = try await database.sql().raw(
            """
            SELECT t.code AS code, t.label AS label FROM \(ident: ThemeModel.schema) t
              JOIN \(ident: CallModel.schema) c ON c.id = t.call_id
            ORDER BY c.opens_at DESC, c.id, t.position
            """
        ).all()
        var seen: Set<String> = []
        var themes: [Theme] = []
        for row in rows {
            let code = try row.decode(column: "code", as: String.self)
            guard seen.insert(code).inserted else { continue }
            themes.append(
                Theme(code: code, label: try row.decode(column: "label", as: String.self), position: themes.count + 1))
        }
        return themes
    }

    /// Finds and loads a call.
    /// The call of this id with its parts, whatever its state (the caller reached it through a
    /// dossier or a session of it).
    func load(id: UUID) async throws -> LoadedCall {
        guard let model = try await ModelRows.find(CallModel.self, id, on: database) else {
            throw AppError.notFound("call_not_found", "Appel à projets introuvable.")
        }
        return try await load(model)
    }

    func load(_ key: String) async throws -> LoadedCall {
        try await load(find(key))
    }
}

/// Form definitions as parsed and checked, by their stored text: every staff dossier page and
/// every save of a draft reads its form, and decoding the JSON and checking it was a tenth of the
/// dossier page's CPU. The key is the text itself, not the call and version, because a version
/// is rewritten while no dossier answers it yet: a changed text is a new entry, never a stale one.
/// A few dozen forms at most are in use at once; beyond `capacity` the cache starts again.
final class ParsedForms: Sendable {
    static let shared = ParsedForms(capacity: 64)

    private let capacity: Int
    private let forms = NIOLockedValueBox<[String: FormDefinition]>([:])

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// The form the text defines.
    /// - Throws: the domain's error when the text is not a well-formed form (not kept).
    func form(_ text: String) throws -> FormDefinition {
        if let known = forms.withLockedValue({ $0[text] }) { return known }
        let parsed = try FormDefinition(json: Data(text.utf8))
        forms.withLockedValue { forms in
            if forms.count >= capacity { forms.removeAll(keepingCapacity: true) }
            forms[text] = parsed
        }
        return parsed
    }

    /// How many forms are kept (for tests).
    var count: Int { forms.withLockedValue(\.count) }
}

/// A call's themes, objectives and waves as this instance last read them, by call and
/// ``CallModel/revision``: the database raises the revision in the transaction of any change to
/// these lists (``AddCallRevision``), so a kept entry whose revision is still the call's is
/// exactly what the tables hold. Plain values are kept and fresh models built for each request,
/// so that no two requests share a model they might change.
final class CallParts: Sendable {
    static let shared = CallParts()

    struct Theme: Sendable {
        let id: UUID
        let code: String
        let label: String
        let position: Int
    }

    struct Wave: Sendable {
        let id: UUID
        let number: Int
        let label: String
        let announcedOn: Date
        let publishedAt: Date?
    }

    struct Parts: Sendable {
        let themes: [Theme]
        let objectives: [Theme]
        let waves: [Wave]

        init(themes: [ThemeModel], objectives: [ObjectiveModel], waves: [WaveModel]) {
            self.themes = themes.compactMap { t in
                t.id.map { Theme(id: $0, code: t.code, label: t.label, position: t.position) }
            }
            self.objectives = objectives.compactMap { o in
                o.id.map { Theme(id: $0, code: o.code, label: o.label, position: o.position) }
            }
            self.waves = waves.compactMap { w in
                w.id.map {
                    Wave(
                        id: $0, number: w.number, label: w.label, announcedOn: w.announcedOn, publishedAt: w.publishedAt
                    )
                }
            }
        }

        /// Models as a query would have returned them: existing rows, ready to be saved.
        func models(call: UUID) -> ([ThemeModel], [ObjectiveModel], [WaveModel]) {
            (
                themes.map { t in
                    let model = ThemeModel()
                    model.id = t.id
                    model.$id.exists = true
                    model.$call.id = call
                    (model.code, model.label, model.position) = (t.code, t.label, t.position)
                    return model
                },
                objectives.map { o in
                    let model = ObjectiveModel()
                    model.id = o.id
                    model.$id.exists = true
                    model.$call.id = call
                    (model.code, model.label, model.position) = (o.code, o.label, o.position)
                    return model
                },
                waves.map { w in
                    let model = WaveModel()
                    model.id = w.id
                    model.$id.exists = true
                    model.$call.id = call
                    (model.number, model.label, model.announcedOn, model.publishedAt) =
                        (w.number, w.label, w.announcedOn, w.publishedAt)
                    return model
                }
            )
        }
    }

    private let kept = KeptByRevision<UUID, Parts>()

    /// The parts kept for this revision of the call, if any.
    func parts(of call: UUID, revision: Int) -> Parts? { kept.value(of: call, revision: revision) }

    /// Keeps the parts read for this revision (``KeptByRevision``).
    func keep(_ parts: Parts, of call: UUID, revision: Int) { kept.keep(parts, of: call, revision: revision) }
}
