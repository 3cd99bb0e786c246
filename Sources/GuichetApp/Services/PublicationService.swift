import Fluent
import Foundation
import GuichetDomain

/// Publishing a wave: one action that freezes it, writes a new version of the public results and
/// regenerates the open data and the press kit from that same version.
///
/// Everything the public will read is computed first, from the call as it will be once the wave
/// is published; the SCDL file is validated against its schema; only then is anything written, in
/// the same ``SerializedWrite`` as committee decisions, so that no decision can slip into a wave
/// between the check and the freeze. The press kit's PDF, which needs a browser, is made after the
/// commit and attached to the version when it succeeds.
struct PublicationService {
    let database: any Database
    let now: Date

    /// What a publication writes, before it is written.
    struct Draft {
        let results: PublishedResults
        let changes: PublicationChanges
        let subsidies: [SCDLSubsidy]
        let csv: String
        let validation: SCDLValidationReport
    }

    /// Files a version carries, by name.
    enum FileName {
        static let subsidies = "subventions.csv"
        static let results = "resultats.json"
        static let pressKit = "dossier-de-presse.html"
        static let pressKitPDF = "dossier-de-presse.pdf"
    }

    /// Checks that `user` may publish this call's results: an administrator whose scope covers the
    /// call (its region, or national for a national call).
    static func checkCanPublish(_ call: LoadedCall, user: UserModel, on db: any Database) async throws {
        let scopes = try await StaffDirectory(database: db).scopes(of: user.requireID())
        let needed: StaffScope = call.call.regionCode.map { .region($0) } ?? .national
        guard user.role == Role.administrator.rawValue else {
            throw DomainError.actorNotAllowed(
                action: "publier les résultats", role: Role(rawValue: user.role) ?? .applicant)
        }
        guard scopes.contains(where: { $0.encloses(needed) }) else {
            let territory =
                call.call.regionCode.flatMap { try? TerritoryCatalog.france.region($0).name }.map { "la région \($0)" }
                ?? "niveau national"
            throw DomainError.outsideScope(
                action: "publier les résultats ou importer des dossiers de cet appel", territory: territory)
        }
    }

    /// The version that publishing `wave` would write, and its open data with their validation.
    func draft(_ call: LoadedCall, wave: Int, on db: any Database) async throws -> Draft {
        let publishing = call.call.publishing(wave: wave, at: now)
        let future = LoadedCall(
            model: call.model, call: publishing, themes: call.themes, objectives: call.objectives, waves: call.waves)
        let computed = try await ResultsService(database: db).results(future, publishedOnly: true)
        let previous = try await latest(call.id, on: db)
        let results = PublishedResults(
            report: computed.report, call: publishing, version: (previous?.version ?? 0) + 1,
            wave: wave, publishedAt: now)
        let changes = try previous.map { PublicationChanges(from: try $0.results(), to: results) } ?? .none
        let subsidies = try await grants(results, ledger: computed.ledger, on: db)
        let rows = GrantedSubsidies.rows(subsidies, callReference: call.model.reference, callTitle: call.model.title)
        let csv = SCDLSubventionsFile.csv(rows)
        return Draft(
            results: results, changes: changes, subsidies: rows, csv: csv,
            validation: SCDLValidator.validateSubventions(csv))
    }

    /// Publishes wave `wave`: refused, with nothing written, when a rule or the open data forbids it.
    /// - Parameter pressKit: renders the press kit's HTML from the version (the views live in the app).
    @discardableResult
    func publish(
        _ call: LoadedCall, wave: Int, by user: UserModel?,
        pressKit: @escaping @Sendable (PublishedResults) async throws -> String
    ) async throws -> PublicationModel {
        let now = self.now
        return try await SerializedWrite.run(on: database, call: call.id) { db in
            let state = try await Self.state(call, wave: wave, on: db)
            try WavePublication.checkCanPublish(wave: wave, of: call.call, state: state)
            let draft = try await draft(call, wave: wave, on: db)
            guard draft.validation.isValid else {
                throw DomainError.openDataInvalid(
                    lines: draft.validation.faultyLines, first: draft.validation.issues.first?.message ?? "")
            }
            guard let waveModel = call.waves.first(where: { $0.number == wave }) else {
                throw DomainError.unknownWave(wave)
            }
            waveModel.publishedAt = now
            try await waveModel.save(on: db)
            let actor = user.map(InstructionService.agent) ?? Agent.system()
            // The publication is itself in the call's audit chain, and records the chain's head
            // with it: anyone can check the log against the published version later.
            let entry = AuditEntryModel(
                AuditEntry(
                    at: now, actor: actor, action: "publish_wave", entityType: "call", entityID: call.id,
                    from: nil, to: "vague \(wave), version \(draft.results.version)",
                    reason: draft.changes.summary.joined(separator: " ; ")))
            try await entry.create(on: db)
            let publication = try PublicationModel(
                callID: call.id, results: draft.results, changes: draft.changes, by: user?.id)
            publication.auditSequence = entry.sequence
            publication.auditHash = entry.entryHash
            try await publication.create(on: db)
            let id = try publication.requireID()
            let html = try await pressKit(draft.results)
            try await [
                PublicationFileModel(
                    publicationID: id, name: FileName.subsidies, mediaType: "text/csv; charset=utf-8",
                    content: Data(draft.csv.utf8)),
                PublicationFileModel(
                    publicationID: id, name: FileName.results, mediaType: "application/json",
                    content: try ResultsDocument.json(draft.results)),
                PublicationFileModel(
                    publicationID: id, name: FileName.pressKit, mediaType: "text/html; charset=utf-8",
                    content: Data(html.utf8)),
            ].create(on: db)
            return publication
        }
    }

    /// Applied decisions in the wave, and decisions still staged in its open sessions.
    static func state(_ call: LoadedCall, wave: Int, on db: any Database) async throws -> WavePublication.State {
        guard let waveID = call.waves.first(where: { $0.number == wave })?.id else {
            return .init(decisions: 0, stagedInOpenSessions: 0)
        }
        let decisions = try await DecisionModel.query(on: db).filter(\.$wave.$id == waveID).count()
        let open = try await CommitteeSessionModel.query(on: db).filter(\.$wave.$id == waveID)
            .filter(\.$status == CommitteeSessionModel.Status.open.rawValue).all(\.$id)
        let staged =
            open.isEmpty ? 0 : try await StagedDecisionModel.query(on: db).filter(\.$session.$id ~~ open).count()
        return .init(decisions: decisions, stagedInOpenSessions: staged)
    }

    /// The latest version of a call's results, if any was published.
    func latest(_ callID: UUID, on db: (any Database)? = nil) async throws -> PublicationModel? {
        try await PublicationModel.query(on: db ?? database).filter(\.$call.$id == callID).sort(\.$version, .descending)
            .first()
    }

    /// Every version of a call's results, newest first.
    func versions(_ callID: UUID) async throws -> [PublicationModel] {
        try await PublicationModel.query(on: database).filter(\.$call.$id == callID).sort(\.$version, .descending).all()
    }

    /// One version by number.
    func version(_ callID: UUID, _ number: Int) async throws -> PublicationModel {
        guard
            let found = try await PublicationModel.query(on: database).filter(\.$call.$id == callID).filter(
                \.$version == number
            ).first()
        else {
            throw AppError.notFound("publication_not_found", "Cette version des résultats n'existe pas.")
        }
        return found
    }

    /// A file of a version.
    func file(_ publication: PublicationModel, _ name: String) async throws -> PublicationFileModel {
        guard
            let found = try await PublicationFileModel.query(on: database).filter(
                \.$publication.$id == publication.requireID()
            )
            .filter(\.$name == name).first()
        else {
            throw AppError.notFound(
                "file_not_found", "Ce fichier n'a pas été produit pour cette version des résultats.")
        }
        return found
    }

    /// What open data needs beyond the snapshot: decision days, identifiers, granting bodies.
    private func grants(
        _ results: PublishedResults, ledger: EnvelopeLedger, on db: any Database
    ) async throws -> [GrantedSubsidies.Grant] {
        let ids = results.laureates.map(\.dossierID)
        guard !ids.isEmpty else { return [] }
        let dossiers = try await DossierModel.query(on: db).filter(\.$id ~~ ids).with(\.$organisation).all()
        let byID = Dictionary(dossiers.compactMap { d in d.id.map { ($0, d) } }, uniquingKeysWith: { a, _ in a })
        let decisions = try await DecisionModel.query(on: db).filter(\.$dossier.$id ~~ ids).with(\.$wave).all()
        return try results.laureates.compactMap { laureate in
            guard let dossier = byID[laureate.dossierID] else { return nil }
            let decidedAt =
                decisions.filter { $0.$dossier.id == laureate.dossierID && $0.wave.number == laureate.wave }.map(
                    \.decidedAt
                ).max() ?? now
            let envelope = try ledger.envelope(for: try dossier.domain().scope)
            return GrantedSubsidies.Grant(
                laureate: laureate, decidedAt: decidedAt, beneficiarySiret: dossier.organisation.siret,
                beneficiaryRNA: dossier.organisation.rna, grantorName: envelope.ownerName,
                grantorSiret: envelope.ownerSiret)
        }
    }
}
