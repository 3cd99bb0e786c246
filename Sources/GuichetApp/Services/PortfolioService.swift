import Fluent
import Foundation
import GuichetDomain

/// Builds the committee's portfolio problems from Guichet's data and solves them.
///
/// A session's problem holds the dossiers its board shows that are still to decide (reviewed or
/// on the waiting list), each with its aggregate score (hundredths, 0 when nobody scored it: the
/// solver never selects it) and the envelope it draws on; each envelope's room is what remains
/// once committed decisions and the proposals of the call's other open sessions are counted.
/// A call's retrospective (`guichet propose --call`) holds every dossier that reached review,
/// whatever was decided since, with each envelope at its amount in force: "what would the best
/// selection have been?".
struct PortfolioService {
    let database: any Database

    /// The chair's settings: rules, a budget for the session's envelope, a what-if budget.
    struct Settings {
        var rules = PortfolioRules()
        var budgetCents: Int64?
        var whatIfCents: Int64?
        var timeLimitSeconds: Double = 20
    }

    /// What a proposal page shows.
    struct Proposal {
        let problem: PortfolioProblem
        let result: PortfolioResult
        let comparison: PortfolioComparison?
        /// The envelope a budget applies to.
        let envelopeID: String
        /// The what-if amount compared, if any.
        let whatIfCents: Int64?
        let dossiers: [String: DossierModel]
        /// What the instruction's opinions changed, by dossier (see ``InstructionAdvice``); the
        /// results' explanations already say it.
        let advice: [String: AdviceEffect]

        /// The proposal to show and adopt: the result, or — when the rules conflict — the one
        /// computed with the conflict's rules relaxed.
        var shown: PortfolioResult { result.relaxed?.result ?? result }
    }

    /// Proposes for a session.
    func propose(
        _ board: CommitteeBoard, settings: Settings, milp: @escaping PortfolioSolver.MILPRunner
    ) async throws -> Proposal {
        let ledger = try await ResultsService(database: database).ledger(board.call)
        let candidates = board.rows.filter { DossierLifecycle.statuses(from: .decide).contains($0.domain.status) }
        let sessionID = try board.session.requireID()
        // Room: what remains, minus what the call's other open sessions propose.
        let others = try await StagedDecisionModel.query(on: database).join(parent: \.$session)
            .filter(CommitteeSessionModel.self, \.$call.$id == board.call.id)
            .filter(CommitteeSessionModel.self, \.$status == CommitteeSessionModel.Status.open.rawValue)
            .filter(\.$session.$id != sessionID).filter(\.$outcome == "retained").all()
        var elsewhere = ledger
        let scopes = try await DossierModel.query(on: database).filter(\.$id ~~ others.map { $0.$dossier.id }).all()
            .reduce(into: [UUID: Scope]()) { $0[try $1.requireID()] = try $1.domain().scope }
        for decision in others {
            guard let scope = scopes[decision.$dossier.id] else { continue }
            elsewhere = try elsewhere.committing(
                try Money(cents: decision.grantedCents), on: try ledger.envelope(for: scope).id)
        }
        let names = Self.names(elsewhere)
        let envelopes = elsewhere.lines.map { line in
            PortfolioEnvelope(
                id: names[line.envelope.id] ?? "", parent: line.envelope.parentID.flatMap { names[$0] },
                remainingCents: line.remaining.cents)
        }
        var dossiers: [String: DossierModel] = [:]
        var items: [PortfolioDossier] = []
        var advice: [String: InstructionAdvice] = [:]
        for row in candidates {
            let id = Self.identifier(row.dossier)
            dossiers[id] = row.dossier
            advice[id] = row.opinion.flatMap(Self.advice)
            items.append(
                PortfolioDossier(
                    id: id, envelope: names[row.envelope.id] ?? "", theme: row.domain.themeCode,
                    departement: Self.departement(row.domain.scope), requestedCents: row.domain.requestedAmount.cents,
                    score: row.score?.score ?? 0))
        }
        let target = try Self.target(of: items, envelopes: envelopes)
        return try await solve(
            name: board.session.title, envelopes: envelopes, dossiers: items, models: dossiers, advice: advice,
            target: target, settings: settings, milp: milp)
    }

    /// Proposes for a whole call in retrospect (every reviewed dossier, envelopes at their amount in force).
    func retrospective(
        _ call: LoadedCall, settings: Settings, milp: @escaping PortfolioSolver.MILPRunner
    ) async throws -> Proposal {
        let ledger = try await ResultsService(database: database).ledger(call)
        let models = try await DossierModel.query(on: database).filter(\.$call.$id == call.id)
            .filter(\.$status ~~ DossierStatus.instructed.map(\.rawValue))
            .sort(\.$number).all()
        let scores = try await InstructionService.aggregates(models.compactMap(\.id), on: database)
        let opinions = try await OpinionModel.query(on: database).filter(\.$dossier.$id ~~ models.compactMap(\.id))
            .sort(\.$createdAt).all()
        let latest = Dictionary(opinions.map { ($0.$dossier.id, $0) }, uniquingKeysWith: { _, later in later })
        let names = Self.names(ledger)
        var dossiers: [String: DossierModel] = [:]
        var items: [PortfolioDossier] = []
        var advice: [String: InstructionAdvice] = [:]
        for model in models {
            let domain = try model.domain()
            let id = Self.identifier(model)
            dossiers[id] = model
            advice[id] = latest[domain.id].flatMap(Self.advice)
            items.append(
                PortfolioDossier(
                    id: id, envelope: names[try ledger.envelope(for: domain.scope).id] ?? "",
                    theme: domain.themeCode, departement: Self.departement(domain.scope),
                    requestedCents: domain.requestedAmount.cents, score: scores[domain.id]?.score ?? 0))
        }
        let envelopes = ledger.lines.map { line in
            PortfolioEnvelope(
                id: names[line.envelope.id] ?? "", parent: line.envelope.parentID.flatMap { names[$0] },
                remainingCents: line.envelope.currentAmount.cents)
        }
        let target = try Self.target(of: items, envelopes: envelopes)
        return try await solve(
            name: call.model.reference, envelopes: envelopes, dossiers: items, models: dossiers, advice: advice,
            target: target, settings: settings, milp: milp)
    }

    private func solve(
        name: String, envelopes: [PortfolioEnvelope], dossiers: [PortfolioDossier], models: [String: DossierModel],
        advice: [String: InstructionAdvice], target: String, settings: Settings,
        milp: @escaping PortfolioSolver.MILPRunner
    ) async throws -> Proposal {
        let (honoured, effects) = PortfolioProblem(
            name: name, envelopes: envelopes, dossiers: dossiers, rules: settings.rules,
            timeLimitSeconds: settings.timeLimitSeconds
        ).honouring(advice)
        var problem = honoured
        if let budget = settings.budgetCents {
            problem = try PortfolioWhatIf.changing(problem, envelope: target, remainingCents: budget)
        }
        func solved(_ problem: PortfolioProblem) async throws -> PortfolioResult {
            try await PortfolioSolver.solve(problem, milp: milp).noting(effects)
        }
        let result = try await solved(problem)
        var comparison: PortfolioComparison?
        if let whatIf = settings.whatIfCents {
            let changed = try PortfolioWhatIf.changing(problem, envelope: target, remainingCents: whatIf)
            comparison = PortfolioComparison(before: result, after: try await solved(changed))
        }
        return Proposal(
            problem: problem, result: result, comparison: comparison, envelopeID: target,
            whatIfCents: settings.whatIfCents,
            dossiers: models, advice: effects)
    }

    /// The envelope a budget applies to: the one the candidates draw on (the most used one).
    static func target(of dossiers: [PortfolioDossier], envelopes: [PortfolioEnvelope]) throws -> String {
        let counts = Dictionary(grouping: dossiers, by: \.envelope).mapValues(\.count)
        guard let top = counts.max(by: { $0.value < $1.value })?.key ?? envelopes.first?.id else {
            throw DomainError.invalidForm(errors: ["budget": "Aucune enveloppe à laquelle appliquer le budget."])
        }
        return top
    }

    /// Envelopes are named in the problem by their labels, which the explanations quote (the
    /// rare duplicate label gets its id's first characters).
    static func names(_ ledger: EnvelopeLedger) -> [UUID: String] {
        let counts = Dictionary(grouping: ledger.lines, by: \.envelope.label).mapValues(\.count)
        return Dictionary(
            uniqueKeysWithValues: ledger.lines.map { line in
                let label = line.envelope.label
                return (
                    line.envelope.id,
                    counts[label] == 1 ? label : "\(label) (\(line.envelope.id.uuidString.prefix(8).lowercased()))"
                )
            })
    }

    /// A dossier's identifier in the problem: its receipt number (what the committee reads).
    static func identifier(_ dossier: DossierModel) -> String {
        dossier.number ?? dossier.id?.uuidString.lowercased() ?? ""
    }

    /// An opinion as the proposal reads it (an unknown stored kind is no opinion).
    static func advice(_ opinion: OpinionModel) -> InstructionAdvice? {
        OpinionKind(rawValue: opinion.kind).map { InstructionAdvice(kind: $0, proposedCents: opinion.proposedCents) }
    }

    static func departement(_ scope: Scope) -> String? {
        if case .departemental(let code) = scope { return code }
        return nil
    }
}
