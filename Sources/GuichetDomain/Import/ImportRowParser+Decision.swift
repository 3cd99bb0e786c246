import Foundation

extension ImportRowParser {
    /// The committee that decided a call run elsewhere, for checking its decisions by the rules
    /// Guichet's own committee follows.
    private static let externalCommittee = Agent(id: nil, name: "Comité de l'appel (import)", role: .committeeChair)

    private static let decisionFields: [ImportField] = ImportField.allCases.filter(\.isDecision)

    /// The decision of a row, or `nil` when its decision cells are all empty.
    func parseDecision(_ row: inout ImportRow, requested: Money?) -> ImportedDecision? {
        let given = Self.decisionFields.filter { row.optional($0) != nil }
        guard let first = given.first else { return nil }
        guard allowDecisions else {
            row.report(
                first, .decisionNotAllowed,
                "cet appel est instruit dans Guichet : ses décisions passent par le comité, "
                    + "pas par un import. Videz les colonnes \(given.map(\.rawValue).joined(separator: ", ")).")
            return nil
        }
        let wave = wave(&row)
        let kind = kind(&row)
        var decidedAt: Date? = nil
        if let text = row.required(.decidedAt) { decidedAt = date(text, .decidedAt, &row) }
        var outcome: DecisionOutcome? = nil
        if let kind { outcome = self.outcome(kind, &row) }
        guard let wave, let outcome, let decidedAt else { return nil }
        if let requested {
            // The committee's rules (a motive for a rejection, granted ≤ requested) decide.
            let reviewed = Dossier(
                id: Self.probeID, title: "", summary: "", themeCode: "", scope: .national(regions: []),
                requestedAmount: requested, status: .reviewed)
            do throws(DomainError) {
                _ = try DossierLifecycle.transition(
                    reviewed, .decide(outcome), by: Self.externalCommittee,
                    call: call, territories: territories, now: decidedAt)
            } catch {
                switch error {
                case .missingData(field: "motif", _): row.report(.motive, error, code: .missingMotive)
                case .missingData: row.report(.granted, error, code: .invalidAmount)
                default: row.report(.granted, error)
                }
                return nil
            }
        }
        return ImportedDecision(waveNumber: wave.number, outcome: outcome, decidedAt: decidedAt)
    }

    private func wave(_ row: inout ImportRow) -> Wave? {
        guard let text = row.required(.wave) else { return nil }
        let waves = call.waves.map { String($0.number) }.joined(separator: ", ")
        guard let number = Int(text) else {
            row.report(.wave, .unknownWave, "« \(text) » n'est pas un numéro de vague ; vagues de l'appel : \(waves).")
            return nil
        }
        do throws(DomainError) {
            let wave = try call.wave(number)
            guard !wave.isFrozen else { throw .waveFrozen(number) }
            return wave
        } catch {
            let hint = error == .unknownWave(number) ? " Vagues de l'appel : \(waves)." : ""
            row.report(.wave, ImportIssue.Code(error), error.message + hint)
            return nil
        }
    }

    private enum Kind { case retained, waitingList, rejected }

    private func kind(_ row: inout ImportRow) -> Kind? {
        guard let text = row.required(.decision) else { return nil }
        switch ["retenu", "rejete"].contains(text) ? text : ImportColumns.normalise(text) {
        case "retenu", "retenue", "retained": return .retained
        case "listeattente", "listedattente", "waitinglist": return .waitingList
        case "rejete", "rejetee", "rejected": return .rejected
        default:
            row.report(
                .decision, .invalidDecision,
                "« \(text) » n'est pas une décision : écrivez retenu, liste_attente ou rejete.")
            return nil
        }
    }

    /// The outcome of a decision, refusing values that the outcome would silently drop.
    private func outcome(_ kind: Kind, _ row: inout ImportRow) -> DecisionOutcome? {
        let granted = row.optional(.granted)
        let motive = row.optional(.motive)
        switch kind {
        case .retained:
            if motive != nil {
                row.report(
                    .motive, .invalidDecision,
                    "un motif n'est conservé que pour un rejet ; videz la cellule pour un dossier retenu.")
            }
            guard
                let text = row.required(
                    .granted, because: "indiquez le montant accordé au dossier retenu (exemple : 10 000).")
            else { return nil }
            return amount(text, .granted, &row).map { .retained(amount: $0) }
        case .waitingList:
            if granted != nil {
                row.report(
                    .granted, .invalidDecision,
                    "« \(granted ?? "") » : un dossier en liste d'attente ne reçoit pas de montant ; videz la cellule.")
            }
            if motive != nil {
                row.report(
                    .motive, .invalidDecision,
                    "un motif n'est conservé que pour un rejet ; videz la cellule pour la liste d'attente.")
            }
            return granted == nil && motive == nil ? .waitingList : nil
        case .rejected:
            if granted != nil {
                row.report(
                    .granted, .invalidDecision,
                    "« \(granted ?? "") » : un dossier rejeté ne reçoit pas de montant ; videz la cellule.")
            }
            return granted == nil ? .rejected(motive: motive ?? "") : nil
        }
    }
}
