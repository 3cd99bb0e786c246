import Fluent
import Foundation
import GuichetDomain

/// An open copy of the seed's call, so that the whole applicant journey can be tried today: the
/// seed's call closed on 15 January 2021. Same themes, objectives and form; dates relative to the
/// day the demo is loaded (opened 30 days before, closing 90 days after); no dossiers; marked
/// simulated everywhere.
enum PracticeCall {
    static let reference = "essai-hdf"

    static func insert(on database: any Database, now: Date) async throws {
        let day = ParisTime.calendar.startOfDay(for: now)
        let opensAt = day.addingTimeInterval(-30 * 86_400)
        let closesAt = day.addingTimeInterval(91 * 86_400)
        let call = CallModel(reference: reference, title: "Appel à projets d'essai — Hauts-de-France (démonstration)",
                             programme: DemoCall.programme,
                             description: "Appel fictif, ouvert pour essayer le dépôt d'un dossier : il reprend les thématiques, les objectifs et le formulaire de l'appel 2020-2021. Les dossiers déposés ici ne seront pas instruits.",
                             opensAt: opensAt, closesAt: closesAt, receiptPrefix: "ESSAI", territoryOrder: DemoCall.territoryOrder,
                             simulated: true)
        call.regionCode = DemoCall.regionCode
        call.scoringGrid = try DemoGrid.json()
        call.expertServices = DemoGrid.expertServices
        try await call.create(on: database)
        let callID = try call.requireID()
        try await DemoCall.themes.map { ThemeModel(callID: callID, code: $0.code, label: $0.label, position: $0.position) }.create(on: database)
        try await DemoCall.objectives.map { ObjectiveModel(callID: callID, code: $0.code, label: $0.label, position: $0.position) }.create(on: database)
        try await WaveModel(callID: callID, number: 1, label: "Vague unique (essai)", announcedOn: closesAt.addingTimeInterval(60 * 86_400),
                            publishedAt: nil).create(on: database)
        let form = try DemoForm.definition()
        try await CallFormModel(callID: callID, version: form.version,
                                definition: String(decoding: try JSONEncoder().encode(form), as: UTF8.self)).create(on: database)
        let envelope = EnvelopeModel(callID: callID, parentID: nil, label: "Enveloppe d'essai (simulée)", drawCode: DemoCall.regionCode,
                                     ownerName: "Préfecture de la région Hauts-de-France (DREETS)", ownerSiret: nil, position: 0)
        try await envelope.create(on: database)
        try await EnvelopeRevisionModel(envelopeID: try envelope.requireID(), amountCents: 1_000_000_00, effectiveOn: opensAt,
                                        reason: "Montant fictif de l'appel d'essai").create(on: database)
    }
}
