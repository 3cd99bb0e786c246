import Fluent
import Foundation
import GuichetDomain

extension CallDefinitionStore {
    /// A stored call as its definition: what `guichet call export` writes and the editor starts
    /// from. The form is the call's current version.
    func definition(of model: CallModel) async throws -> CallDefinition {
        let id = try model.requireID()
        let themes = try await ThemeModel.query(on: database).filter(\.$call.$id == id).sort(\.$position).all()
        let objectives = try await ObjectiveModel.query(on: database).filter(\.$call.$id == id).sort(\.$position).all()
        let waves = try await WaveModel.query(on: database).filter(\.$call.$id == id).sort(\.$number).all()
        let envelopes = try await EnvelopeModel.query(on: database).filter(\.$call.$id == id).with(\.$revisions).sort(
            \.$position
        ).all()
        let keys = Dictionary(
            envelopes.compactMap { envelope in envelope.id.map { ($0, envelope.key) } }, uniquingKeysWith: { a, _ in a }
        )
        guard let form = try await CallRepository(database: database).currentForm(id)?.definition else {
            throw AppError(
                status: .internalServerError, code: "form_missing",
                message: "Le formulaire de cet appel est introuvable.")
        }
        let decoder = JSONDecoder()
        let grid =
            try model.scoringGrid.map { try decoder.decode(ScoringGrid.self, from: Data($0.utf8)) }
            ?? ScoringGrid(criteria: [], scale: [], aggregation: .mean)
        let experts =
            try model.expertServices.map { try decoder.decode([String: String].self, from: Data($0.utf8)) } ?? [:]
        let committee =
            try model.committee.map { try decoder.decode(CallDefinition.CommitteeSpec.self, from: Data($0.utf8)) }
            ?? CallDefinition.CommitteeSpec(quorum: 1, members: [])
        let grants = try model.grantTerms.map { try decoder.decode(GrantTerms.self, from: Data($0.utf8)) }
        let order = model.territoryOrder.split(separator: ",").map(String.init)
        return CallDefinition(
            reference: model.reference, title: model.title, programme: model.programme, context: model.description,
            eligibility: model.eligibility, scope: model.callScope, simulated: model.simulated,
            receiptPrefix: model.receiptPrefix,
            opensOn: ParisTime.isoDay(model.opensAt), deadline: ParisTime.isoDay(model.closesAt.addingTimeInterval(-1)),
            territoryOrder: order.isEmpty ? nil : order,
            waves: waves.map {
                .init(number: $0.number, label: $0.label, announcedOn: ParisTime.isoDay($0.announcedOn))
            },
            themes: themes.map { .init(code: $0.code, label: $0.label) },
            objectives: objectives.map { .init(code: $0.code, label: $0.label) },
            envelopes: envelopes.map { envelope in
                .init(
                    key: envelope.key, parent: envelope.$parent.id.flatMap { keys[$0] }, label: envelope.label,
                    draws: envelope.drawCode,
                    owner: .init(name: envelope.ownerName, siret: envelope.ownerSiret),
                    revisions: envelope.revisions.sorted(by: Self.revisionOrder).map {
                        .init(
                            amountCents: $0.amountCents, effectiveOn: ParisTime.isoDay($0.effectiveOn),
                            reason: $0.reason)
                    })
            },
            form: form, scoringGrid: grid, expertServices: experts, committee: committee, grants: grants)
    }

    /// Revisions oldest first; on the same day, in the order they were recorded.
    static func revisionOrder(_ a: EnvelopeRevisionModel, _ b: EnvelopeRevisionModel) -> Bool {
        if a.effectiveOn != b.effectiveOn { return a.effectiveOn < b.effectiveOn }
        return (a.createdAt ?? .distantPast, a.id?.uuidString ?? "") < (
            b.createdAt ?? .distantPast, b.id?.uuidString ?? ""
        )
    }

    /// Writes a checked definition into `model` (saved or new), replacing `current` if any.
    func write(
        _ definition: CallDefinition, into model: CallModel, replacing current: CallDefinition?, usage: CallUsage
    ) async throws {
        guard let opensAt = definition.opensAt, let closesAt = definition.closesAt else {
            throw DomainError.invalidCallDefinition(issues: [CallDefinitionIssue("opens_on", "date illisible.")])
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        func json<T: Encodable>(_ value: T) throws -> String {
            String(decoding: try encoder.encode(value), as: UTF8.self)
        }
        model.title = definition.title
        model.programme = definition.programme
        model.description = definition.context
        model.eligibility = definition.eligibility
        model.scope = definition.scope.stored
        model.regionCode = definition.scope.regionCode()
        model.simulated = definition.simulated
        model.receiptPrefix = definition.receiptPrefix
        model.opensAt = opensAt
        model.closesAt = closesAt
        model.territoryOrder = (definition.territoryOrder ?? []).joined(separator: ",")
        model.scoringGrid = try json(definition.scoringGrid)
        model.expertServices = try json(definition.expertServices)
        model.committee = try json(definition.committee)
        model.grantTerms = try definition.grants.map { try json($0) }
        try await model.save(on: database)
        let id = try model.requireID()

        try await ThemeModel.query(on: database).filter(\.$call.$id == id).delete()
        try await definition.themes.enumerated().map {
            ThemeModel(callID: id, code: $1.code, label: $1.label, position: $0 + 1)
        }.create(on: database)
        try await ObjectiveModel.query(on: database).filter(\.$call.$id == id).delete()
        try await definition.objectives.enumerated().map {
            ObjectiveModel(callID: id, code: $1.code, label: $1.label, position: $0 + 1)
        }.create(on: database)
        try await writeWaves(definition.waves, callID: id)
        try await writeEnvelopes(definition.envelopes, callID: id, keepRevisions: usage.hasFiledDossiers)
        try await writeForm(
            definition.form, callID: id,
            changed: current.map { old in
                var a = old.form, b = definition.form
                a.version = 1
                b.version = 1
                return a != b
            } ?? true)
    }

    private func writeWaves(_ waves: [CallDefinition.WaveSpec], callID: UUID) async throws {
        let existing = try await WaveModel.query(on: database).filter(\.$call.$id == callID).all()
        for spec in waves {
            guard let day = ParisTime.day(spec.announcedOn) else { continue }
            if let model = existing.first(where: { $0.number == spec.number }) {
                // A published wave keeps its publication; the amendment rules kept its content.
                model.label = spec.label
                model.announcedOn = day
                try await model.save(on: database)
            } else {
                try await WaveModel(
                    callID: callID, number: spec.number, label: spec.label, announcedOn: day, publishedAt: nil
                ).create(on: database)
            }
        }
        let numbers = Set(waves.map(\.number))
        for model in existing where !numbers.contains(model.number) { try await model.delete(on: database) }
    }

    private func writeEnvelopes(_ specs: [CallDefinition.EnvelopeSpec], callID: UUID, keepRevisions: Bool) async throws
    {
        let existing = try await EnvelopeModel.query(on: database).filter(\.$call.$id == callID).with(\.$revisions)
            .all()
        var byKey = Dictionary(existing.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        // Draw codes are unique per call: clear the ones that move before any row takes them.
        for model in existing where specs.first(where: { $0.key == model.key })?.draws != model.drawCode {
            model.drawCode = nil
            try await model.save(on: database)
        }
        for (position, spec) in specs.enumerated() {
            let model =
                byKey[spec.key]
                ?? EnvelopeModel(
                    callID: callID, parentID: nil, key: spec.key, label: spec.label, drawCode: nil,
                    ownerName: spec.owner.name, ownerSiret: spec.owner.siret, position: position)
            model.label = spec.label
            model.ownerName = spec.owner.name
            model.ownerSiret = spec.owner.siret
            model.position = position
            model.$parent.id = nil
            try await model.save(on: database)
            byKey[spec.key] = model
            let envelopeID = try model.requireID()
            let stored = model.$revisions.value?.sorted(by: Self.revisionOrder) ?? []
            // Once dossiers are filed the recorded revisions are kept and only new ones added (the
            // amendment rules checked that the old ones are unchanged); before that, replaced.
            let kept = keepRevisions ? stored.count : 0
            if !keepRevisions { for revision in stored { try await revision.delete(on: database) } }
            for revision in spec.revisions.dropFirst(kept) {
                guard let day = ParisTime.day(revision.effectiveOn) else { continue }
                try await EnvelopeRevisionModel(
                    envelopeID: envelopeID, amountCents: revision.amountCents, effectiveOn: day,
                    reason: revision.reason
                ).create(on: database)
            }
        }
        for spec in specs {
            guard let model = byKey[spec.key] else { continue }
            model.$parent.id = spec.parent.flatMap { byKey[$0]?.id }
            model.drawCode = spec.draws
            try await model.save(on: database)
        }
        let keys = Set(specs.map(\.key))
        for model in existing where !keys.contains(model.key) {
            try await EnvelopeRevisionModel.query(on: database).filter(\.$envelope.$id == model.requireID()).delete()
            try await model.delete(on: database)
        }
    }

    /// A changed form becomes a new version once the call has any dossier (filed, draft or
    /// imported: each keeps the version it answered); before that, the current version is rewritten.
    private func writeForm(_ form: FormDefinition, callID: UUID, changed: Bool) async throws {
        let latest = try await CallFormModel.query(on: database).filter(\.$call.$id == callID).sort(
            \.$version, .descending
        ).first()
        guard changed || latest == nil else { return }
        var form = form
        if let latest {
            let answered = try await DossierModel.query(on: database).filter(\.$call.$id == callID).count() > 0
            form.version = answered ? latest.version + 1 : latest.version
            let text = String(decoding: try JSONEncoder().encode(form), as: UTF8.self)
            if answered {
                try await CallFormModel(callID: callID, version: form.version, definition: text).create(on: database)
            } else {
                latest.definition = text
                try await latest.save(on: database)
            }
        } else {
            try await CallFormModel(
                callID: callID, version: form.version,
                definition: String(decoding: try JSONEncoder().encode(form), as: UTF8.self)
            )
            .create(on: database)
        }
    }
}
