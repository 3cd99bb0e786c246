import Foundation

extension CallDefinition {
    /// The envelope tree's rules: unique keys, known parents without cycles, draw codes that exist
    /// and fit the call's scope, granting bodies with a valid SIRET where grants are made, dated
    /// revisions in order with a reason, and children within their parent at every date.
    func checkEnvelopes(_ territories: TerritoryCatalog, _ add: (String, String) -> Void) {
        if envelopes.isEmpty { add("envelopes", "indiquez au moins une enveloppe.") }
        var indexByKey: [String: Int] = [:]
        var draws: [String: Int] = [:]
        let region = scope.regionCode(territories: territories)
        for (index, envelope) in envelopes.enumerated() {
            let path = DefinitionPath.index("envelopes", index)
            if !Self.isReference(envelope.key) {
                add(
                    DefinitionPath.join(path, "key"),
                    "« \(envelope.key) » : minuscules sans accent, chiffres et tirets (exemple : region).")
            } else if indexByKey[envelope.key] != nil {
                add(
                    DefinitionPath.join(path, "key"), "la clé « \(envelope.key) » est déjà celle d'une autre enveloppe."
                )
            } else {
                indexByKey[envelope.key] = index
            }
            if envelope.label.trimmedIsEmpty { add(DefinitionPath.join(path, "label"), "le libellé est obligatoire.") }
            if envelope.owner.name.trimmedIsEmpty {
                add(DefinitionPath.join(path, "owner.name"), "nommez l'autorité qui attribue.")
            }
            if let siret = envelope.owner.siret, !SCDLSiret.isValid(siret) {
                add(
                    DefinitionPath.join(path, "owner.siret"),
                    "« \(siret) » n'est pas un SIRET : 14 chiffres dont la clé est valide.")
            }
            if let code = envelope.draws {
                let drawsPath = DefinitionPath.join(path, "draws")
                if code != "FR", (try? territories.region(code)) == nil {
                    add(drawsPath, "« \(code) » : FR (projets nationaux) ou un code de région de l'INSEE.")
                } else if let region, code != "FR", code != region {
                    add(
                        drawsPath,
                        "cet appel ne finance que \(scope.name(territories: territories)) : une enveloppe ne peut financer que FR ou la région \(region)."
                    )
                } else if let other = draws[code] {
                    add(drawsPath, "l'enveloppe envelopes[\(other)] finance déjà « \(code) ».")
                } else {
                    draws[code] = index
                }
                if envelope.owner.siret == nil {
                    add(
                        DefinitionPath.join(path, "owner.siret"),
                        "le SIRET de l'attribuant est obligatoire pour une enveloppe qui finance des dossiers (données ouvertes)."
                    )
                }
            }
            checkRevisions(envelope.revisions, path: DefinitionPath.join(path, "revisions"), add)
        }
        if let region, draws[region] == nil, !envelopes.isEmpty {
            add(
                "envelopes",
                "aucune enveloppe ne finance la région \(region) (draws : \"\(region)\") : les dossiers de l'appel n'auraient rien sur quoi tirer."
            )
        }
        if region == nil, draws.isEmpty, !envelopes.isEmpty {
            add("envelopes", "aucune enveloppe ne finance de dossiers (draws : FR ou un code de région).")
        }
        for (index, envelope) in envelopes.enumerated() {
            guard let parent = envelope.parent else { continue }
            let path = DefinitionPath.join(DefinitionPath.index("envelopes", index), "parent")
            if indexByKey[parent] == nil {
                add(path, "aucune enveloppe n'a la clé « \(parent) ».")
            } else if isInCycle(envelope.key, indexByKey: indexByKey) {
                add(path, "la chaîne des parents de « \(envelope.key) » revient sur elle-même (cycle).")
            }
        }
        checkChildrenFit(indexByKey: indexByKey, add)
    }

    private func checkRevisions(_ revisions: [RevisionSpec], path: String, _ add: (String, String) -> Void) {
        if revisions.isEmpty { add(path, "une enveloppe a au moins un montant initial.") }
        var previous: Date?
        for (index, revision) in revisions.enumerated() {
            let base = DefinitionPath.index(path, index)
            if revision.amountCents < 0 {
                add(DefinitionPath.join(base, "amount_cents"), "un montant ne peut pas être négatif.")
            }
            if revision.reason.trimmedIsEmpty {
                add(
                    DefinitionPath.join(base, "reason"),
                    index == 0 ? "indiquez l'origine du montant initial." : "une révision doit être motivée.")
            }
            guard let day = Self.day(revision.effectiveOn, path: DefinitionPath.join(base, "effective_on"), add) else {
                continue
            }
            if let previous, day < previous {
                add(
                    DefinitionPath.join(base, "effective_on"),
                    "une révision ne peut pas être antérieure à la précédente.")
            }
            previous = day
        }
    }

    private func isInCycle(_ key: String, indexByKey: [String: Int]) -> Bool {
        var seen: Set<String> = [key]
        var current = indexByKey[key].flatMap { envelopes[$0].parent }
        while let next = current {
            guard seen.insert(next).inserted else { return true }
            current = indexByKey[next].flatMap { envelopes[$0].parent }
        }
        return false
    }

    /// At every date an amount changes, each envelope's children add up to no more than it holds.
    private func checkChildrenFit(indexByKey: [String: Int], _ add: (String, String) -> Void) {
        let dates = Set(envelopes.flatMap { $0.revisions.map(\.effectiveOn) }.filter(FrenchDay.exists)).sorted()
        func amount(_ envelope: EnvelopeSpec, asOf day: String) -> Int64 {
            (envelope.revisions.last { $0.effectiveOn <= day } ?? envelope.revisions.first)?.amountCents ?? 0
        }
        for (index, parent) in envelopes.enumerated() {
            let children = envelopes.filter { $0.parent == parent.key && $0.key != parent.key }
            guard !children.isEmpty else { continue }
            for day in dates {
                let (total, overflow) = children.reduce((Int64(0), false)) { sum, child in
                    let (value, over) = sum.0.addingReportingOverflow(amount(child, asOf: day))
                    return (value, sum.1 || over)
                }
                let held = amount(parent, asOf: day)
                guard overflow || total > held else { continue }
                let heldText = (try? Money(cents: held).formatted()) ?? "\(held)"
                let totalText =
                    overflow ? "un montant hors de toute mesure" : (try? Money(cents: total).formatted()) ?? "\(total)"
                add(
                    DefinitionPath.join(DefinitionPath.index("envelopes", index), "revisions"),
                    "au \(FrenchDay.long(day)), les sous-enveloppes de « \(parent.label) » totalisent \(totalText), plus que ses \(heldText)."
                )
                break
            }
        }
    }
}
