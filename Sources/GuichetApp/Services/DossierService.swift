import Fluent
import Foundation
import GuichetDomain

/// Changes a dossier's status: loads it, lets the domain decide, and saves the new status with
/// its audit entry in one transaction. A refused action writes nothing.
struct DossierService {
    let database: any Database

    /// Applies a lifecycle action (anything but a decision, see ``decide(_:outcome:wave:by:now:)``).
    /// - Returns: the transition that was saved.
    @discardableResult
    func apply(
        _ action: DossierAction, to dossierID: UUID, by agent: Agent, now: Date
    ) async throws -> DossierTransition {
        // Filing and deciding carry more rules (the form, the receipt; the wave, the envelope):
        // they have their own paths, ApplicationService.file and decide(_:outcome:wave:by:now:).
        if case .decide = action {
            throw DomainError.missingData(field: "vague", reason: "une décision se prend dans une vague du comité.")
        }
        if case .file = action {
            throw DomainError.missingData(field: "formulaire", reason: "un dépôt passe par le formulaire du dossier.")
        }
        return try await database.transaction { db in
            let (model, dossier, call) = try await Self.load(dossierID, on: db)
            let transition = try DossierLifecycle.transition(dossier, action, by: agent, call: call.call, now: now)
            var updated = dossier
            updated.status = transition.to
            model.apply(updated)
            try await model.save(on: db)
            try await AuditEntryModel(AuditEntry.dossier(dossierID, transition, by: agent, at: now)).create(on: db)
            return transition
        }
    }

    /// Records a committee decision in an open wave, checked against the dossier's envelope and
    /// every envelope above it as read inside the same transaction.
    @discardableResult
    func decide(
        _ dossierID: UUID, outcome: DecisionOutcome, wave number: Int, by agent: Agent, now: Date
    ) async throws -> Decision {
        try await database.transaction { db in
            let (model, dossier, call) = try await Self.load(dossierID, on: db)
            guard let waveModel = call.waves.first(where: { $0.number == number }) else {
                throw DomainError.unknownWave(number)
            }
            let wave = try call.call.wave(number)
            let ledger = try await ResultsService(database: db).ledger(call)
            let envelope = try ledger.envelope(for: dossier.scope)
            let (transition, decision) = try Committee.decide(
                dossier, outcome: outcome, wave: wave,
                envelope: ledger.position(of: envelope.id),
                by: agent, call: call.call, now: now)
            var updated = dossier
            updated.status = transition.to
            model.apply(updated)
            try await model.save(on: db)
            try await DecisionModel(
                decision, waveID: try waveModel.requireID(), decidedBy: agent.name, simulated: false
            ).create(on: db)
            try await AuditEntryModel(AuditEntry.dossier(dossierID, transition, by: agent, at: now)).create(on: db)
            return decision
        }
    }

    private static func load(_ id: UUID, on db: any Database) async throws -> (DossierModel, Dossier, LoadedCall) {
        guard let model = try await DossierModel.find(id, on: db) else {
            throw AppError.notFound("dossier_not_found", "Dossier introuvable.")
        }
        let call = try await CallRepository(database: db).load(model.$call.get(on: db))
        return (model, try model.domain(), call)
    }
}
