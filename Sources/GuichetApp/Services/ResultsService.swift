import Fluent
import Foundation
import GuichetDomain

/// A call's results and envelope ledger, computed from the database.
struct CallResults: Sendable {
    let call: LoadedCall
    let report: ResultsReport
    let ledger: EnvelopeLedger
}

/// Reads dossiers, decisions and envelopes and lets the domain compute the results.
struct ResultsService {
    let database: any Database

    /// The results of a call.
    /// - Parameter publishedOnly: the public sees published waves only, in figures and envelopes alike.
    func results(_ call: LoadedCall, publishedOnly: Bool) async throws -> CallResults {
        let callID = try call.model.requireID()
        let models = try await DossierModel.query(on: database).filter(\.$call.$id == callID)
            .with(\.$organisation).all()
        let dossiers = try models.map { try $0.domain() }
        let inputs = zip(models, dossiers).map { model, dossier in
            ResultsReport.Input(dossier: dossier, carrier: model.organisation.name)
        }
        let waveNumbers = Dictionary(uniqueKeysWithValues: call.waves.compactMap { wave in wave.id.map { ($0, wave.number) } })
        let decisionModels = try await DecisionModel.query(on: database)
            .join(DossierModel.self, on: \DecisionModel.$dossier.$id == \DossierModel.$id)
            .filter(DossierModel.self, \.$call.$id == callID).all()
        let decisions = try decisionModels.compactMap { model -> Decision? in
            guard let number = waveNumbers[model.$wave.id] else { return nil }
            return try model.domain(waveNumber: number)
        }
        let report = try ResultsReport(call: call.call, dossiers: inputs, decisions: decisions, publishedOnly: publishedOnly)
        let envelopeModels = try await EnvelopeModel.query(on: database).filter(\.$call.$id == callID)
            .with(\.$revisions).sort(\.$position).all()
        let published = Set(call.call.waves.filter { $0.publishedAt != nil }.map(\.number))
        let ledger = try EnvelopeLedger(envelopes: envelopeModels.map { try $0.domain() }, dossiers: dossiers,
                                        decisions: decisions, waves: publishedOnly ? published : nil)
        return CallResults(call: call, report: report, ledger: ledger)
    }
}
