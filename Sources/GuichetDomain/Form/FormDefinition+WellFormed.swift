import Foundation

extension FormDefinition {
    /// Checks that the definition can be used: unique well-written keys, labels, coherent limits,
    /// options for every choice, and rules between existing fields of the right type.
    ///
    /// Every problem is reported at once, as ``DomainError/invalidForm(errors:)`` rather than
    /// ``DomainError/missingData(field:reason:)``, so that a form editor can show each message
    /// where it belongs: under the field's key, under `fields[n]` (index from 0) for a field whose
    /// key is empty, malformed or taken, under `rules[n]` for a rule, and under `version` or
    /// `fields` for the definition itself.
    /// - Throws: ``DomainError/invalidForm(errors:)``.
    public func checkWellFormed() throws(DomainError) {
        var errors: [String: String] = [:]
        if version < 1 { errors["version"] = FormMessage.badVersion }
        if fields.isEmpty { errors["fields"] = FormMessage.noFields }
        var seen: Set<String> = []
        var roles: Set<FieldRole> = []
        for (index, field) in fields.enumerated() {
            if !Self.isWellWritten(key: field.key) {
                errors["fields[\(index)]"] = FormMessage.badKey(field.key)
            } else if !seen.insert(field.key).inserted {
                errors["fields[\(index)]"] = FormMessage.duplicateKey(field.key)
            } else if let problem = field.definitionProblem {
                errors[field.key] = problem
            } else if let role = field.role {
                if !role.acceptedKinds.contains(field.type.kind) {
                    errors[field.key] = FormMessage.roleType(role)
                } else if !roles.insert(role).inserted {
                    errors[field.key] = FormMessage.duplicateRole(role)
                }
            }
        }
        for (index, rule) in rules.enumerated() {
            if let problem = definitionProblem(of: rule) { errors["rules[\(index)]"] = problem }
        }
        guard errors.isEmpty else { throw .invalidForm(errors: errors) }
    }

    /// Keys become HTML input names, JSON keys and database values: ASCII snake_case keeps them
    /// safe everywhere (`montant_demande`, `date_debut_2`).
    static func isWellWritten(key: String) -> Bool {
        guard let first = key.first, ("a"..."z").contains(first), key.count <= 64 else { return false }
        return key.allSatisfy { ("a"..."z").contains($0) || $0.isASCIIDigit || $0 == "_" }
    }

    private func definitionProblem(of rule: FormRule) -> String? {
        let keys = rule.fieldKeys
        if keys[0] == keys[1] { return FormMessage.ruleOnItself(keys[0]) }
        for key in keys {
            guard let field = field(key) else { return FormMessage.ruleOnMissingField(key) }
            switch (rule, field.type) {
            case (.dateOrder, .date), (.amountAtMost, .amount): continue
            case (.dateOrder, _): return FormMessage.ruleNeedsType(key, expected: "date")
            case (.amountAtMost, _): return FormMessage.ruleNeedsType(key, expected: "montant")
            }
        }
        return nil
    }
}

extension FormField {
    /// What is wrong with this field's own definition, in French, or `nil`.
    var definitionProblem: String? {
        if label.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return FormMessage.emptyLabel }
        switch type {
        case .shortText(let maxLength), .longText(let maxLength):
            return maxLength >= 1 ? nil : FormMessage.badMaxLength
        case .amount(let min, let max):
            if let min, let max, min > max { return FormMessage.boundsReversed(min.formatted(), max.formatted()) }
            return nil
        case .integer(let min, let max):
            if let min, let max, min > max {
                return FormMessage.boundsReversed(FrenchNumber.grouped(min), FrenchNumber.grouped(max))
            }
            return nil
        case .date(let notBefore, let notAfter):
            for bound in [notBefore, notAfter].compactMap({ $0 }) where !FrenchDay.exists(bound) {
                return FormMessage.badDateBound(bound)
            }
            if let notBefore, let notAfter, notBefore > notAfter {
                return FormMessage.boundsReversed(notBefore, notAfter)
            }
            return nil
        case .choice(let options):
            return Self.optionsProblem(options)
        case .multipleChoice(let options, let minCount, let maxCount):
            if let problem = Self.optionsProblem(options) { return problem }
            let upper = maxCount ?? options.count
            guard minCount >= 0, upper >= 1, minCount <= upper, minCount <= options.count else {
                return FormMessage.badCounts(min: minCount, max: maxCount, options: options.count)
            }
            return nil
        case .territory(let levels):
            return levels.isEmpty ? FormMessage.noLevels : nil
        case .yesNo:
            return nil
        case .file(let maxBytes, let kinds):
            if let maxBytes, maxBytes < 1 { return FormMessage.badMaxBytes }
            return kinds.isEmpty || kinds.contains(where: \.isEmpty) ? FormMessage.noKinds : nil
        }
    }

    /// Option values are posted back trimmed, so a value with surrounding spaces could never be chosen.
    static func optionsProblem(_ options: [FormOption]) -> String? {
        if options.isEmpty { return FormMessage.noOptions }
        var seen: Set<String> = []
        for option in options {
            let trimmed = option.value.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty, trimmed == option.value,
                !option.label.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            else { return FormMessage.badOption }
            guard seen.insert(option.value).inserted else { return FormMessage.duplicateOption(option.value) }
        }
        return nil
    }
}

extension FormMessage {
    static let badVersion = "La version du formulaire doit être un entier positif."
    static let noFields = "Le formulaire ne contient aucun champ."
    static let emptyLabel = "Le libellé du champ est vide."
    static let badMaxLength = "La longueur maximale doit être d'au moins 1 caractère."
    static let noOptions = "Une question à choix doit proposer au moins une option."
    static let badOption = "Chaque option doit avoir une valeur sans espace autour et un libellé."
    static let noLevels = "Indiquez au moins un niveau de territoire (national, region, departement)."
    static let badMaxBytes = "La taille maximale d'un fichier doit être positive."
    static let noKinds = "Indiquez au moins un type de fichier accepté (pdf, image, office…)."

    static func badKey(_ key: String) -> String {
        "La clé « \(key) » doit commencer par une lettre minuscule et ne contenir que des minuscules sans accent, des chiffres et _ (exemple : montant_demande)."
    }

    static func duplicateKey(_ key: String) -> String { "La clé « \(key) » est déjà celle d'un autre champ." }
    static func boundsReversed(_ min: String, _ max: String) -> String {
        "Le minimum (\(min)) dépasse le maximum (\(max))."
    }
    static func badDateBound(_ bound: String) -> String {
        "La borne « \(bound) » n'est pas une date existante écrite AAAA-MM-JJ."
    }
    static func duplicateOption(_ value: String) -> String { "L'option « \(value) » apparaît plusieurs fois." }

    static func badCounts(min: Int, max: Int?, options: Int) -> String {
        "Nombres de réponses incohérents : au moins \(min), au plus \(max.map(String.init) ?? "toutes"), pour \(plural(options, "option"))."
    }

    static func ruleOnItself(_ key: String) -> String { "La règle compare le champ « \(key) » à lui-même." }
    static func ruleOnMissingField(_ key: String) -> String {
        "La règle porte sur le champ « \(key) », absent du formulaire."
    }
    static func ruleNeedsType(_ key: String, expected: String) -> String {
        "La règle porte sur le champ « \(key) », qui n'est pas un champ de type \(expected)."
    }

    static func unreadableDefinition(_ error: any Error) -> String {
        guard let decoding = error as? DecodingError else {
            return "Définition de formulaire illisible : le JSON est invalide."
        }
        let context: DecodingError.Context
        let detail: String
        switch decoding {
        case .keyNotFound(let key, let found):
            (context, detail) = (found, "la clé « \(key.stringValue) » manque")
        case .typeMismatch(_, let found), .valueNotFound(_, let found):
            (context, detail) = (found, "une valeur n'a pas le type attendu")
        case .dataCorrupted(let found):
            (context, detail) = (found, found.codingPath.isEmpty ? "le JSON est invalide" : "une valeur est invalide")
        @unknown default:
            return "Définition de formulaire illisible."
        }
        let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        return path.isEmpty
            ? "Définition de formulaire illisible : \(detail)."
            : "Définition de formulaire illisible (à \(path.hasPrefix(".") ? String(path.dropFirst()) : path)) : \(detail)."
    }
}
