import Foundation

extension CallDefinition {
    /// Every rule a call must satisfy before it is stored, each problem named by its path.
    ///
    /// The same rules the domain enforces on live data, applied to the whole document at once:
    /// codes known to the COG, days that exist and come in order, an envelope tree whose children
    /// fit their parents at every date, granting bodies with a valid SIRET, a dossier form that is
    /// well formed and declares the roles Guichet reads, a theme question offering exactly the
    /// call's themes, a scoring grid that can score, a committee that can reach its quorum.
    /// - Returns: the problems, in document order; empty when the definition can be stored.
    public func issues(territories: TerritoryCatalog = .france) -> [CallDefinitionIssue] {
        var issues: [CallDefinitionIssue] = []
        func add(_ path: String, _ message: String) { issues.append(CallDefinitionIssue(path, message)) }

        if format != Self.currentFormat {
            add("format", "format \(format) inconnu : cette version de Guichet lit le format \(Self.currentFormat).")
        }
        if !Self.isReference(reference) {
            add(
                "reference",
                "« \(reference) » n'est pas une référence : 1 à 64 minuscules sans accent, chiffres et tirets (exemple : hdf-2022)."
            )
        }
        for (path, text) in [("title", title), ("context", context)] where text.trimmedIsEmpty {
            add(path, "ce texte est obligatoire.")
        }
        checkScope(territories, add)
        if !Self.isReceiptPrefix(receiptPrefix) {
            add(
                "receipt_prefix",
                "« \(receiptPrefix) » : 1 à 20 majuscules sans accent, chiffres et tirets (exemple : HDF-2022).")
        }
        checkDates(add)
        checkTerritoryOrder(territories, add)
        checkCodes(themes, path: "themes", noun: "thématique", required: true, add)
        checkCodes(objectives, path: "objectives", noun: "objectif", required: false, add)
        checkEnvelopes(territories, add)
        checkForm(territories, add)
        checkGrid(add)
        checkExpertServices(add)
        checkCommittee(add)
        if let grants { issues += grants.issues(path: "grants") }
        return issues
    }

    /// Checks the definition.
    /// - Throws: ``DomainError/invalidCallDefinition(issues:)`` with every problem.
    public func check(territories: TerritoryCatalog = .france) throws(DomainError) {
        let found = issues(territories: territories)
        guard found.isEmpty else { throw .invalidCallDefinition(issues: found) }
    }

    /// A call reference: 1 to 64 lowercase ASCII letters, digits and dashes (`hdf-2021`).
    public static func isReference(_ text: String) -> Bool {
        (1...64).contains(text.utf8.count)
            && text.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 45 }
    }

    static func isReceiptPrefix(_ text: String) -> Bool {
        (1...20).contains(text.utf8.count)
            && text.utf8.allSatisfy { (65...90).contains($0) || (48...57).contains($0) || $0 == 45 }
    }

    private typealias Add = (String, String) -> Void

    private func checkScope(_ territories: TerritoryCatalog, _ add: Add) {
        switch scope {
        case .national: break
        case .region(let code):
            if (try? territories.region(code)) == nil {
                add("scope.code", "« \(code) » n'est pas un code de région de l'INSEE.")
            }
        case .departement(let code):
            if (try? territories.departement(code)) == nil {
                add("scope.code", "« \(code) » n'est pas un code de département de l'INSEE.")
            }
        }
    }

    private func checkDates(_ add: Add) {
        let opens = Self.day(opensOn, path: "opens_on", add)
        let closes = Self.day(deadline, path: "deadline", add)
        if let opens, let closes, closes < opens {
            add("deadline", "la date limite (\(deadline)) précède l'ouverture (\(opensOn)).")
        }
        if waves.isEmpty { add("waves", "indiquez au moins une vague de décisions.") }
        var previous: Date?
        for (index, wave) in waves.enumerated() {
            let path = DefinitionPath.index("waves", index)
            if wave.number != index + 1 {
                add(
                    DefinitionPath.join(path, "number"),
                    "les vagues sont numérotées 1, 2, 3… dans l'ordre : \(index + 1) attendu ici.")
            }
            if wave.label.trimmedIsEmpty {
                add(DefinitionPath.join(path, "label"), "le libellé de la vague est obligatoire.")
            }
            guard let day = Self.day(wave.announcedOn, path: DefinitionPath.join(path, "announced_on"), add) else {
                continue
            }
            if let opens, day < opens {
                add(
                    DefinitionPath.join(path, "announced_on"),
                    "une vague ne peut pas être annoncée avant l'ouverture de l'appel (\(opensOn)).")
            }
            if let previous, day < previous {
                add(
                    DefinitionPath.join(path, "announced_on"),
                    "les vagues se suivent : celle-ci est annoncée avant la précédente.")
            }
            previous = day
        }
    }

    private func checkTerritoryOrder(_ territories: TerritoryCatalog, _ add: Add) {
        guard let territoryOrder else { return }
        var seen: Set<String> = []
        for (index, code) in territoryOrder.enumerated() {
            let path = DefinitionPath.index("territory_order", index)
            if code != "FR", (try? territories.region(code)) == nil, (try? territories.departement(code)) == nil {
                add(path, "« \(code) » n'est ni FR, ni un code de région ou de département de l'INSEE.")
            } else if !seen.insert(code).inserted {
                add(path, "« \(code) » apparaît deux fois.")
            }
        }
    }

    private func checkCodes(_ entries: [Entry], path: String, noun: String, required: Bool, _ add: Add) {
        if required, entries.isEmpty { add(path, "indiquez au moins une \(noun).") }
        var seen: Set<String> = []
        for (index, entry) in entries.enumerated() {
            let base = DefinitionPath.index(path, index)
            if !Self.isReference(entry.code) {
                add(
                    DefinitionPath.join(base, "code"),
                    "« \(entry.code) » : minuscules sans accent, chiffres et tirets (exemple : acces-aux-droits).")
            } else if !seen.insert(entry.code).inserted {
                add(DefinitionPath.join(base, "code"), "le code « \(entry.code) » est déjà pris.")
            }
            if entry.label.trimmedIsEmpty { add(DefinitionPath.join(base, "label"), "le libellé est obligatoire.") }
        }
    }

    private func checkGrid(_ add: Add) {
        if scoringGrid.criteria.isEmpty { add("scoring_grid.criteria", "la grille compte au moins un critère.") }
        var seen: Set<String> = []
        for (index, criterion) in scoringGrid.criteria.enumerated() {
            let base = DefinitionPath.index("scoring_grid.criteria", index)
            if !Self.isReference(criterion.code) {
                add(
                    DefinitionPath.join(base, "code"),
                    "« \(criterion.code) » : minuscules sans accent, chiffres et tirets.")
            } else if !seen.insert(criterion.code).inserted {
                add(DefinitionPath.join(base, "code"), "le code « \(criterion.code) » est déjà pris.")
            }
            if criterion.label.trimmedIsEmpty { add(DefinitionPath.join(base, "label"), "le libellé est obligatoire.") }
            if !(1...100).contains(criterion.weight) {
                add(DefinitionPath.join(base, "weight"), "le poids est un entier de 1 à 100.")
            }
        }
        if !(2...21).contains(scoringGrid.scale.count) {
            add("scoring_grid.scale", "l'échelle compte de 2 à 21 échelons (de 0 au maximum).")
        }
        for (index, step) in scoringGrid.scale.enumerated() where step.trimmedIsEmpty {
            add(DefinitionPath.index("scoring_grid.scale", index), "chaque échelon a un libellé.")
        }
    }

    private func checkExpertServices(_ add: Add) {
        let codes = Set(themes.map(\.code))
        for (theme, service) in expertServices.sorted(by: { $0.key < $1.key }) {
            let path = DefinitionPath.join("expert_services", theme)
            if !codes.contains(theme) { add(path, "« \(theme) » n'est pas une thématique de l'appel.") }
            if service.trimmedIsEmpty || service.contains(":") || service.contains("+") {
                add(path, "nommez le service expert (DRAAF, ARS…), sans « : » ni « + ».")
            }
        }
    }

    private func checkCommittee(_ add: Add) {
        let seats = committee.members.count
        let chairs = committee.members.filter { $0.role == .chair }.count
        if committee.quorum < 1 || (seats > 0 && committee.quorum > seats) {
            add("committee.quorum", "le quorum est d'au moins 1 et d'au plus le nombre de sièges (\(seats)).")
        }
        if seats > 0, chairs != 1 {
            add("committee.members", "le comité a un président, et un seul (\(chairs) indiqué(s)).")
        }
        for (index, seat) in committee.members.enumerated() where seat.title.trimmedIsEmpty {
            add(
                DefinitionPath.join(DefinitionPath.index("committee.members", index), "title"),
                "indiquez qui occupe ce siège.")
        }
    }

    /// Reads a day, reporting it when it does not exist.
    static func day(_ text: String, path: String, _ add: (String, String) -> Void) -> Date? {
        guard FrenchDay.exists(text), let day = ParisTime.day(text) else {
            add(path, "« \(text) » n'est pas une date existante écrite AAAA-MM-JJ.")
            return nil
        }
        return day
    }
}

extension String {
    var trimmedIsEmpty: Bool { trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
}
