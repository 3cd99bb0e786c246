import Fluent
import Foundation
import GuichetDomain

/// Revisions of a call's envelopes, by administrators, with a reason.
///
/// A revision is checked against what is committed on the envelope (never below it) in the same
/// ``SerializedWrite`` as decisions, so that a wave being applied and a cut being made cannot
/// cross. An administrator revises only envelopes inside their scopes: a region's envelope at
/// that region's level, the pools and the national envelope at the national level.
struct EnvelopeService {
    let database: any Database
    let now: Date

    func revise(
        _ call: LoadedCall, envelopeID: UUID, amount: Money, effectiveOn: Date, reason: String, by user: UserModel
    ) async throws {
        let mine = try await StaffDirectory(database: database).scopes(of: user.requireID())
        guard
            let model = try await EnvelopeModel.query(on: database).filter(\.$id == envelopeID).filter(
                \.$call.$id == call.id
            ).first()
        else {
            throw DomainError.invalidForm(errors: ["envelope": "Choisissez une enveloppe de cet appel."])
        }
        let needed: StaffScope = model.drawCode.flatMap { $0 == "FR" ? nil : StaffScope.region($0) } ?? .national
        guard mine.contains(where: { $0.encloses(needed) }) else {
            throw DomainError.invalidForm(errors: [
                "envelope":
                    "Cette enveloppe relève d'un autre niveau : seul un administrateur \(needed == .national ? "national" : "de sa région") la révise."
            ])
        }
        let agent = InstructionService.agent(user)
        let now = self.now
        try await SerializedWrite.run(on: database, call: call.id) { db in
            let ledger = try await ResultsService(database: db).ledger(call)
            guard let line = ledger.line(envelopeID) else { return }
            var envelope = line.envelope
            let revision = EnvelopeRevision(
                amount: amount, effectiveOn: effectiveOn, reason: reason.trimmingCharacters(in: .whitespacesAndNewlines)
            )
            try envelope.revise(revision, committed: line.committed)
            try await EnvelopeRevisionModel(
                envelopeID: envelopeID, amountCents: amount.cents, effectiveOn: effectiveOn,
                reason: revision.reason
            ).create(on: db)
            try await AuditEntryModel(
                AuditEntry(
                    at: now, actor: agent, action: "revise_envelope", entityType: "envelope", entityID: envelopeID,
                    from: String(line.envelope.currentAmount.cents), to: String(amount.cents),
                    reason: revision.reason)
            ).create(on: db)
        }
    }
}
