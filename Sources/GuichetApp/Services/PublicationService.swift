import Fluent
import Foundation
import GuichetDomain
import SQLKit

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
        /// The report and ledger the version is computed from (published waves, this one included).
        let computed: CallResults
        /// The envelope statement the public reads with the version.
        let statement: EnvelopeStatement
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
        /// The results page as a reader without an account sees it.
        static let resultsPage = "resultats.html"
        /// The API's answers for the version: `/api/v1/calls/{call}/results` and `…/envelopes`.
        static let apiResults = "api-resultats.json"
        static let apiEnvelopes = "api-enveloppes.json"
    }

    /// A file rendered for a version, before it is stored.
    struct RenderedFile: Sendable {
        let name: String
        let mediaType: String
        let content: Data
    }

    /// Renders what the public reads of a version with the application's views (the press kit,
    /// the results page): the service computes, the app draws.
    typealias Renderer = @Sendable (PublishedResults, CallResults) async throws -> [RenderedFile]

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
        let statement = try await ResultsService(database: db).statement(future, publishedOnly: true)
        return Draft(
            results: results, computed: computed, statement: statement, changes: changes, subsidies: rows, csv: csv,
            validation: SCDLValidator.validateSubventions(csv))
    }

    /// Publishes wave `wave`: refused, with nothing written, when a rule or the open data forbids it.
    ///
    /// Everything the public reads of the version is rendered here, once, and stored with it: the
    /// open data, the press kit, the results page and the API's answers. Readers are then served
    /// those bytes (from memory, see ``PublishedAnswers``) and nothing is computed per request.
    /// - Parameter render: draws the press kit and the results page (the views live in the app).
    @discardableResult
    func publish(
        _ call: LoadedCall, wave: Int, by user: UserModel?, render: @escaping Renderer
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
            let files =
                [
                    RenderedFile(
                        name: FileName.subsidies, mediaType: "text/csv; charset=utf-8", content: Data(draft.csv.utf8)),
                    RenderedFile(
                        name: FileName.results, mediaType: "application/json",
                        content: try ResultsDocument.json(draft.results)),
                ]
                + (try Self.apiFiles(
                    computed: draft.computed, statement: draft.statement, reference: call.model.reference))
                + (try await render(draft.results, draft.computed))
            try await files.map {
                PublicationFileModel(publicationID: id, name: $0.name, mediaType: $0.mediaType, content: $0.content)
            }.create(on: db)
            return publication
        }
    }

    /// The API's answers for a version, encoded as the API encodes every answer.
    static func apiFiles(
        computed: CallResults, statement: EnvelopeStatement, reference: String
    ) throws -> [RenderedFile] {
        [
            RenderedFile(
                name: FileName.apiResults, mediaType: "application/json; charset=utf-8",
                content: try APIEncoding.json(ResultsDTO(computed))),
            RenderedFile(
                name: FileName.apiEnvelopes, mediaType: "application/json; charset=utf-8",
                content: try APIEncoding.json(EnvelopeStatementDTO(reference: reference, statement))),
        ]
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

    /// Each call's latest version, as one row per call (what readers are served).
    struct Latest: Sendable, Equatable {
        let callID: UUID
        let reference: String
        let publicationID: UUID
        let publishedAt: Date
        /// How many files the version has (the press kit's PDF is added after publication).
        let files: Int
    }

    /// Each published call's latest version, from one query.
    func latestVersions() async throws -> [Latest] {
        let p = PublicationModel.schema, c = CallModel.schema, f = PublicationFileModel.schema
        let rows = try await database.sql().raw(
            """
            SELECT \(ident: p).id AS id, \(ident: p).published_at AS published_at, \(ident: c).id AS call_id,
              \(ident: c).reference AS reference,
              (SELECT COUNT(*) FROM \(ident: f) WHERE \(ident: f).publication_id = \(ident: p).id) AS files
            FROM \(ident: p) JOIN \(ident: c) ON \(ident: c).id = \(ident: p).call_id
            WHERE \(ident: p).version = (SELECT MAX(q.version) FROM \(ident: p) q WHERE q.call_id = \(ident: p).call_id)
            """
        ).all()
        return try rows.map { row in
            Latest(
                callID: try row.decode(column: "call_id", as: UUID.self),
                reference: try row.decode(column: "reference", as: String.self),
                publicationID: try row.decode(column: "id", as: UUID.self),
                publishedAt: try row.decode(column: "published_at", as: Date.self),
                files: try row.decode(column: "files", as: Int.self))
        }
    }

    /// Each published call's latest results, by call.
    func latestResults() async throws -> [UUID: PublishedResults] {
        let versions = try await latestVersions()
        guard !versions.isEmpty else { return [:] }
        let models = try await PublicationModel.query(on: database).filter(\.$id ~~ versions.map(\.publicationID)).all()
        var results: [UUID: PublishedResults] = [:]
        for model in models { results[model.$call.id] = try model.results() }
        return results
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

    /// A file of a call's latest version, if the call was published and the version has it.
    func latestFile(_ callID: UUID, _ name: String) async throws -> PublicationFileModel? {
        guard let latest = try await latest(callID) else { return nil }
        return try await PublicationFileModel.query(on: database).filter(\.$publication.$id == latest.requireID())
            .filter(\.$name == name).first()
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
        // The acts, their schedules and payments: the payment columns come from them.
        let acts = try await GrantActModel.query(on: db).filter(\.$dossierID ~~ ids).all()
        let actIDs = acts.compactMap(\.id)
        let instalments =
            actIDs.isEmpty
            ? [] : try await GrantInstalmentModel.query(on: db).filter(\.$actID ~~ actIDs).sort(\.$position).all()
        let payments =
            actIDs.isEmpty
            ? []
            : try await GrantMovementModel.query(on: db).filter(\.$actID ~~ actIDs)
                .filter(\.$kind == GrantMovementModel.Kind.payment.rawValue).all()
        let actByDossier = Dictionary(acts.map { ($0.dossierID, $0) }, uniquingKeysWith: { a, _ in a })
        return try results.laureates.compactMap { laureate in
            guard let dossier = byID[laureate.dossierID] else { return nil }
            let decidedAt =
                decisions.filter { $0.$dossier.id == laureate.dossierID && $0.wave.number == laureate.wave }.map(
                    \.decidedAt
                ).max() ?? now
            let envelope = try ledger.envelope(for: try dossier.domain().scope)
            let act = actByDossier[laureate.dossierID]
            // A schedule for the amount published: an act generated for another amount (a later
            // decision not yet carried into a new act) does not describe this grant.
            let schedule = try act.flatMap { act -> PaymentSchedule? in
                guard act.amountCents == laureate.amountCents, let actID = act.id else { return nil }
                return try PaymentSchedule(
                    granted: Money(cents: act.amountCents),
                    instalments: instalments.filter { $0.actID == actID }.map { try $0.instalment() })
            }
            return GrantedSubsidies.Grant(
                laureate: laureate, decidedAt: decidedAt, beneficiarySiret: dossier.organisation.siret,
                beneficiaryRNA: dossier.organisation.rna, grantorName: envelope.ownerName,
                grantorSiret: envelope.ownerSiret, schedule: schedule, signedAt: schedule == nil ? nil : act?.signedAt,
                paymentDays: schedule == nil ? [] : payments.filter { $0.actID == act?.id }.map(\.day))
        }
    }
}
