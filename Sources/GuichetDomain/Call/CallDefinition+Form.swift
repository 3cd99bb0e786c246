import Foundation

extension CallDefinition {
    /// The dossier form's rules: well formed, with every role Guichet reads, the theme question
    /// offering exactly the call's themes, and the territory question limited to the call's scope.
    func checkForm(_ territories: TerritoryCatalog, _ add: (String, String) -> Void) {
        var errors: [String: String] = [:]
        do { try form.checkWellFormed() } catch { errors.merge(error.formErrors) { a, _ in a } }
        do { try form.checkCarriesDossier() } catch { errors.merge(error.formErrors) { a, _ in a } }
        for (key, message) in errors.sorted(by: { formPath($0.key) < formPath($1.key) }) {
            add(formPath(key), Self.lowercasedFirst(message))
        }
        guard errors.isEmpty else { return }
        if let (index, field) = indexed(role: .theme) {
            let offered = field.type.options.map(\.value)
            let expected = themes.map(\.code)
            if Set(offered) != Set(expected) {
                add(
                    "form.fields[\(index)].options",
                    "la question de thématique propose exactement les thématiques de l'appel (\(expected.joined(separator: ", "))), pas \(offered.joined(separator: ", "))."
                )
            }
        }
        if let (index, field) = indexed(role: .territory), case .territory(let levels) = field.type {
            let allowed = scope.allowedLevels
            if !levels.isSubset(of: allowed) {
                add(
                    "form.fields[\(index)].levels",
                    "un appel \(scope.level == .departement ? "départemental" : "régional") ne finance pas de projet au niveau \(levels.subtracting(allowed).map(\.rawValue).sorted().joined(separator: ", "))."
                )
            }
        }
    }

    private func indexed(role: FieldRole) -> (Int, FormField)? {
        form.fields.enumerated().first { $0.element.role == role }.map { ($0.offset, $0.element) }
    }

    /// The form's error keys (a field key, `fields[n]`, `rules[n]`, `roles.x`) as document paths.
    private func formPath(_ key: String) -> String {
        // The form's own keys (`version`, `fields`, `fields[n]`, `rules[n]`, `roles.x`) are not fields.
        let own =
            key == "version" || key == "fields" || key.hasPrefix("fields[") || key.hasPrefix("rules[")
            || key.hasPrefix("roles.")
        if !own, let index = form.fields.firstIndex(where: { $0.key == key }) {
            return "form.fields[\(index)]"
        }
        return DefinitionPath.join("form", key)
    }

    static func lowercasedFirst(_ text: String) -> String {
        guard let first = text.first else { return text }
        return first.lowercased() + text.dropFirst()
    }
}

extension DomainError {
    /// The per-key messages of an ``DomainError/invalidForm(errors:)``, or the message under `form`.
    public var formErrors: [String: String] {
        if case .invalidForm(let errors) = self { return errors }
        return ["form": message]
    }
}
