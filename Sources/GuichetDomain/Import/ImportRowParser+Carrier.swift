import Foundation

extension ImportRowParser {
    /// The scope of a row: its kind, territory and regions, checked by the catalogue and the call.
    func parseScope(_ row: inout ImportRow) -> Scope? {
        guard let kindText = row.required(.scope) else { return nil }
        let kind = Self.scopeKinds.contains(kindText) ? kindText : ImportColumns.normalise(kindText)
        let territory = row.optional(.territory).map(Self.insee)
        let regions =
            row.optional(.regions)?.split(separator: "|").map { Self.insee($0.trimmingCharacters(in: .whitespaces)) }
            ?? []
        switch kind {
        case "national":
            if let territory, territory != "FR" {
                row.report(
                    .territory, .invalidScope,
                    "« \(territory) » : laissez la cellule vide pour une portée nationale (ou écrivez FR) ; "
                        + "les régions concernées vont dans la colonne regions.")
                return nil
            }
        case "regional", "departemental":
            guard territory != nil else {
                _ = row.required(
                    .territory,
                    because: "indiquez le code INSEE \(kind == "regional" ? "de la région" : "du département") "
                        + "pour une portée \(kindText) (exemple : \(kind == "regional" ? "32" : "02")).")
                return nil
            }
            if !regions.isEmpty {
                row.report(
                    .regions, .invalidScope,
                    "la colonne regions ne s'emploie qu'avec une portée nationale ; videz-la pour une portée \(kindText)."
                )
                return nil
            }
        default:
            break  // the catalogue names the expected kinds
        }
        let scope: Scope
        do throws(DomainError) {
            scope = try territories.scope(kind: kind, territory: territory ?? "", regions: regions)
        } catch {
            let field: ImportField
            switch (kind, error) {
            case ("national", _): field = .regions
            case (_, .unknownTerritory): field = .territory
            default: field = .scope
            }
            row.report(field, error)
            return nil
        }
        do throws(DomainError) {
            try call.checkWithinRegion(scope, territories: territories)
        } catch {
            row.report(kind == "national" ? .scope : .territory, error, code: .scopeOutsideCall)
            return nil
        }
        return scope
    }

    /// The carrier of a row: name, identifiers, legal form and département.
    func parseCarrier(_ row: inout ImportRow) -> ImportedCarrier? {
        let name = row.required(.carrierName)
        var siret: Siret? = nil
        if let text = row.optional(.carrierSiret) {
            do throws(DomainError) { siret = try Siret(text) } catch { row.report(.carrierSiret, error) }
        }
        var rna: RNA? = nil
        if let text = row.optional(.carrierRNA) {
            do throws(DomainError) { rna = try RNA(text) } catch { row.report(.carrierRNA, error) }
        }
        let legalForm = legalForm(&row)
        let departement = row.optional(.carrierDepartement).map(Self.insee)
        if let departement {
            do throws(DomainError) { _ = try territories.departement(departement) } catch {
                row.report(.carrierDepartement, error)
            }
        }
        guard !row.hasIssue(.carrierSiret, .carrierRNA, .carrierName, .carrierDepartement) else { return nil }
        // Registration's own rule (one identifier at least) decides, not a copy of it.
        let organisation = Organisation(
            id: Self.probeID, name: name ?? "", legalForm: legalForm?.rawValue ?? "", siret: siret, rna: rna,
            departementCode: departement, simulated: false)
        do throws(DomainError) {
            try organisation.checkRegistrable(territories: territories)
        } catch {
            row.report(.carrierSiret, error)
            return nil
        }
        guard let name, let legalForm else { return nil }
        return ImportedCarrier(name: name, siret: siret, rna: rna, legalForm: legalForm, departementCode: departement)
    }

    private func legalForm(_ row: inout ImportRow) -> LegalForm? {
        guard let text = row.required(.carrierLegalForm) else { return nil }
        // The stored code is the common case and needs no normalising.
        if let form = LegalForm(rawValue: text) ?? Self.legalForms[ImportColumns.normalise(text)] { return form }
        let expected = LegalForm.allCases.map { "\($0.rawValue) (\($0.label))" }.joined(separator: ", ")
        row.report(
            .carrierLegalForm, .invalidLegalForm,
            "« \(text) » n'est pas une forme juridique connue. Formes attendues : \(expected).")
        return nil
    }

    private static let scopeKinds: Set<String> = ["national", "regional", "departemental"]

    /// Legal forms by normalised code and label.
    private static let legalForms: [String: LegalForm] = {
        var forms: [String: LegalForm] = [:]
        for form in LegalForm.allCases {
            forms[ImportColumns.normalise(form.rawValue)] = form
            forms[ImportColumns.normalise(form.label)] = form
        }
        return forms
    }()

    /// An INSEE code with the leading zero a spreadsheet strips from `02` put back.
    static func insee(_ code: String) -> String {
        code.count == 1 && code.allSatisfy(\.isASCIIDigit) ? "0" + code : code.uppercased()
    }
}
