import Fluent
import Foundation
import GuichetDomain

/// What a committee session looks at: the reviewed dossiers of its scope ranked by aggregate
/// score, with opinions, amounts, staged decisions, recusals, and a running total per envelope.
struct CommitteeBoard {
    struct Row {
        let dossier: DossierModel
        let domain: Dossier
        let score: (score: Int, spread: Int, count: Int)?
        let opinion: OpinionModel?
        let staged: StagedDecisionModel?
        /// The present members linked to the dossier's organisation.
        let recused: [String]
        let envelope: Envelope
        /// Staged retained amounts on this envelope, this row included, in rank order.
        let runningTotal: Money
        /// The envelope's remaining amount minus the running total (zero when over).
        let remainingAfter: Money
        let overBudget: Bool
    }

    let session: CommitteeSessionModel
    let call: LoadedCall
    let rows: [Row]
    let statement: EnvelopeStatement
    /// Present members and the dossiers they are recused from.
    let recusals: [(member: String, dossiers: [String])]

    /// Loads the board, narrowed by theme and territory (instructor group) when given.
    static func load(
        _ session: CommitteeSessionModel, theme: String?, territory: String?, on db: any Database
    ) async throws -> CommitteeBoard {
        let call = try await CallRepository(database: db).load(session.$call.get(on: db))
        let scope = try StaffScope(stored: session.scope)
        let sessionID = try session.requireID()
        let staged = try await StagedDecisionModel.query(on: db).filter(\.$session.$id == sessionID).all()
        let stagedByDossier = Dictionary(staged.map { ($0.$dossier.id, $0) }, uniquingKeysWith: { a, _ in a })
        let decidable = DossierLifecycle.statuses(from: .decide).map(\.rawValue)
        // An open session looks at what is still to decide; an applied one at what it decided.
        let query = DossierModel.query(on: db).filter(\.$call.$id == call.id).with(\.$organisation)
        if session.isOpen {
            query.group(.or) { $0.filter(\.$status ~~ decidable).filter(\.$id ~~ Array(stagedByDossier.keys)) }
        } else {
            query.filter(\.$id ~~ Array(stagedByDossier.keys))
        }
        if let theme, !theme.isEmpty { query.filter(\.$themeCode == theme) }
        if let territory, !territory.isEmpty { query.filter(\.$instructorGroup == territory) }
        let candidates = try await query.all().compactMap { model -> (DossierModel, Dossier)? in
            guard let domain = try? model.domain(), scope.covers(domain.scope) else { return nil }
            return (model, domain)
        }
        let ids = candidates.map(\.1.id)
        let scores = try await InstructionService.aggregates(ids, on: db)
        let opinions = try await OpinionModel.query(on: db).filter(\.$dossier.$id ~~ ids).sort(\.$createdAt).all()
        let latestOpinion = Dictionary(opinions.map { ($0.$dossier.id, $0) }, uniquingKeysWith: { _, later in later })
        let (statement, ledger) = try await ResultsService(database: db).statementAndLedger(call, publishedOnly: false)
        let recusedBy = try await recusals(session, candidates.map(\.0), on: db)
        let ranked = candidates.sorted { a, b in
            let sa = scores[a.1.id]?.score ?? -1, sb = scores[b.1.id]?.score ?? -1
            if sa != sb { return sa > sb }
            if a.1.requestedAmount != b.1.requestedAmount { return a.1.requestedAmount < b.1.requestedAmount }
            return (a.1.number ?? "") < (b.1.number ?? "")
        }
        // The room the session works with: what remains now, plus, once it is applied, what its
        // own decisions took (so that its running total reads as it did in the meeting).
        var room: [UUID: Money] = [:]
        for line in ledger.lines { room[line.envelope.id] = line.remaining }
        if !session.isOpen {
            for (model, dossier) in candidates {
                guard let staged = stagedByDossier[dossier.id], staged.outcome == "retained" else { continue }
                let envelope = try ledger.envelope(for: dossier.scope).id
                room[envelope] = try (room[envelope] ?? .zero).adding(try Money(cents: staged.grantedCents))
                _ = model
            }
        }
        var running: [UUID: Money] = [:]
        var rows: [Row] = []
        for (model, dossier) in ranked {
            let envelope = try ledger.envelope(for: dossier.scope)
            let stagedDecision = stagedByDossier[dossier.id]
            let amount =
                stagedDecision?.outcome == "retained" ? try Money(cents: stagedDecision?.grantedCents ?? 0) : .zero
            let total = try (running[envelope.id] ?? .zero).adding(amount)
            running[envelope.id] = total
            let remaining = room[envelope.id] ?? .zero
            rows.append(
                Row(
                    dossier: model, domain: dossier, score: scores[dossier.id], opinion: latestOpinion[dossier.id],
                    staged: stagedDecision,
                    recused: recusedBy.compactMap { $0.value.contains(dossier.id) ? $0.key : nil }.sorted(),
                    envelope: envelope, runningTotal: total, remainingAfter: remaining.remaining(after: total),
                    overBudget: total > remaining))
        }
        let numbers = Dictionary(
            candidates.map { ($0.1.id, $0.1.number ?? $0.1.title) }, uniquingKeysWith: { a, _ in a })
        let summary = recusedBy.map { (member: $0.key, dossiers: $0.value.compactMap { numbers[$0] }.sorted()) }.sorted
        { $0.member < $1.member }
        return CommitteeBoard(session: session, call: call, rows: rows, statement: statement, recusals: summary)
    }

    /// For each present member, the dossiers whose organisation they declared a link with.
    static func recusals(
        _ session: CommitteeSessionModel, _ dossiers: [DossierModel], on db: any Database
    ) async throws -> [String: Set<UUID>] {
        let present = session.members.filter(\.present).map { $0.$user.id }
        guard !present.isEmpty else { return [:] }
        let users = try await UserModel.query(on: db).filter(\.$id ~~ present).all()
        let links = try await StaffLinkModel.query(on: db).filter(\.$user.$id ~~ present).all()
        var result: [String: Set<UUID>] = [:]
        for user in users {
            let theirs = links.filter { $0.$user.id == user.id }.map { DeclaredLink(siret: $0.siret, rna: $0.rna) }
            guard !theirs.isEmpty else { continue }
            for dossier in dossiers {
                let organisation = dossier.organisation
                if ConflictOfInterest.isConflicted(
                    links: theirs, organisationSiret: organisation.siret, organisationRNA: organisation.rna),
                    let id = dossier.id
                {
                    result[user.displayName, default: []].insert(id)
                }
            }
        }
        return result
    }
}
