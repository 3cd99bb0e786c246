import Foundation

extension CallDefinition {
    /// A new call's first draft: what its author gives (reference, title, scope, dates, the
    /// envelope and who grants it), and the rest as a working start — one wave two months after
    /// the deadline, one theme, a dossier form with the fields Guichet reads and a budget, a
    /// three-criterion grid, a committee of one chair. Everything is then edited like any call.
    public static func starter(
        reference: String, title: String, scope: CallScope, opensOn: String, deadline: String,
        amountCents: Int64, ownerName: String, ownerSiret: String,
        territories: TerritoryCatalog = .france
    ) -> CallDefinition {
        let announced =
            ParisTime.day(deadline).flatMap { ParisTime.calendar.date(byAdding: .day, value: 60, to: $0) }
            .map(ParisTime.isoDay) ?? deadline
        let levels = scope.allowedLevels
        let theme = Entry(code: "general", label: "Thématique unique (à renommer)")
        let form = FormDefinition(
            version: 1,
            fields: [
                FormField(
                    key: "title", label: "Titre du projet", help: "Une phrase qui dit ce que fait le projet.",
                    required: true,
                    type: .shortText(maxLength: 200), section: "Le projet", role: .title),
                FormField(
                    key: "summary", label: "Résumé du projet",
                    help: "Ce que vous ferez, pour qui, où et avec quels moyens.",
                    required: true, type: .longText(maxLength: 2000), section: "Le projet", role: .summary),
                FormField(
                    key: "theme", label: "Thématique principale", required: true,
                    type: .choice(options: [FormOption(value: theme.code, label: theme.label)]), section: "Le projet",
                    role: .theme),
                FormField(
                    key: "territory", label: "Territoire du projet", required: true, type: .territory(levels: levels),
                    section: "Le projet", role: .territory),
                FormField(
                    key: "amount_requested", label: "Montant demandé",
                    help: "En euros, par exemple 45 000 ou 45 000,50.",
                    required: true, type: .amount(min: try? Money(cents: 100), max: nil), section: "Budget",
                    role: .amountRequested),
                FormField(
                    key: "total_budget", label: "Budget total du projet", required: true,
                    type: .amount(min: try? Money(cents: 100), max: nil), section: "Budget"),
                FormField(
                    key: "budget_document", label: "Budget prévisionnel du projet",
                    help: "PDF, Word, Excel ou OpenDocument.",
                    required: true, type: .file(maxBytes: nil, kinds: ["pdf", "office"]), section: "Pièces jointes"),
            ], rules: [.amountAtMost("amount_requested", other: "total_budget", message: nil)])
        return CallDefinition(
            reference: reference, title: title, programme: "",
            context: "À compléter : le contexte et les objectifs de l'appel.",
            eligibility: "", scope: scope, simulated: false, receiptPrefix: receiptPrefix(for: reference),
            opensOn: opensOn, deadline: deadline, territoryOrder: nil,
            waves: [WaveSpec(number: 1, label: "Vague unique", announcedOn: announced)],
            themes: [theme], objectives: [],
            envelopes: [
                EnvelopeSpec(
                    key: "enveloppe", parent: nil, label: "Enveloppe de l'appel",
                    draws: scope.regionCode(territories: territories) ?? "FR",
                    owner: Owner(name: ownerName, siret: ownerSiret),
                    revisions: [
                        RevisionSpec(
                            amountCents: amountCents, effectiveOn: opensOn, reason: "Montant initial de l'appel")
                    ])
            ],
            form: form,
            scoringGrid: ScoringGrid(
                criteria: [
                    Criterion(code: "pertinence", label: "Pertinence au regard des objectifs de l'appel", weight: 2),
                    Criterion(code: "impact", label: "Impact sur le public visé", weight: 2),
                    Criterion(code: "faisabilite", label: "Faisabilité", weight: 1),
                ],
                scale: ["0 — insuffisant", "1 — faible", "2 — correct", "3 — bon", "4 — excellent"], aggregation: .mean),
            expertServices: [:],
            committee: CommitteeSpec(
                quorum: 1, members: [CommitteeSpec.Seat(role: .chair, title: "Présidence du comité")]))
    }

    /// A copy of this call to start another one (next year's, another region's): new reference,
    /// title and scope; a draft that is not simulated; envelopes that drew on the old region draw
    /// on the new one, and the territories follow the new scope's order.
    public func duplicated(
        reference: String, title: String, scope: CallScope, territories: TerritoryCatalog = .france
    ) -> CallDefinition {
        var copy = self
        copy.reference = reference
        copy.title = title
        copy.receiptPrefix = Self.receiptPrefix(for: reference)
        copy.simulated = false
        if scope != self.scope {
            let old = self.scope.regionCode(territories: territories)
            let new = scope.regionCode(territories: territories)
            copy.scope = scope
            copy.territoryOrder = nil
            if let old, old != new {
                copy.envelopes = envelopes.map { envelope in
                    var envelope = envelope
                    if envelope.draws == old { envelope.draws = new ?? "FR" }
                    return envelope
                }
            }
            // The territory question follows the new scope's levels.
            let allowed = scope.allowedLevels
            for index in copy.form.fields.indices {
                if case .territory(let levels) = copy.form.fields[index].type {
                    let kept = levels.intersection(allowed)
                    copy.form.fields[index].type = .territory(levels: kept.isEmpty ? allowed : kept)
                }
            }
        }
        return copy
    }

    /// A receipt prefix made from a reference: `hdf-2022` gives `HDF-2022`.
    public static func receiptPrefix(for reference: String) -> String {
        let prefix = String(
            reference.uppercased().filter { ("A"..."Z").contains($0) || $0.isASCIIDigit || $0 == "-" }.prefix(20))
        return prefix.isEmpty ? "DOSSIER" : prefix
    }
}
