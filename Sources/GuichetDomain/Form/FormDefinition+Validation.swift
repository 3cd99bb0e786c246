import Foundation

extension FormDefinition {
    /// The problems of a draft, by field key: only the answers given are checked, against their
    /// field's type and limits, since a draft may be incomplete.
    ///
    /// Answers under keys the form does not have are ignored (a field removed by a later version).
    public func validateForDraft(
        _ values: [String: FieldValue], territories: TerritoryCatalog = .france
    ) -> [String: String] {
        var errors: [String: String] = [:]
        for field in fields {
            guard let value = values[field.key], !value.isEmpty else { continue }
            errors[field.key] = field.problem(with: value, atFiling: false, territories: territories)
        }
        return errors
    }

    /// The problems that prevent filing, by field key: the draft's checks, then every required
    /// field answered, the minimum counts of ticked options, and the form's rules.
    ///
    /// A field reports one message only, the first found; a rule is checked only when both of its
    /// fields hold good answers.
    public func validateForFiling(
        _ values: [String: FieldValue], territories: TerritoryCatalog = .france
    ) -> [String: String] {
        var errors: [String: String] = [:]
        for field in fields {
            if let value = values[field.key], !value.isEmpty {
                errors[field.key] = field.problem(with: value, atFiling: true, territories: territories)
            } else if field.required {
                errors[field.key] = FormMessage.required
            }
        }
        for rule in rules where rule.fieldKeys.allSatisfy({ errors[$0] == nil }) {
            if let violation = rule.violation(in: values, definition: self) {
                errors[violation.key] = violation.message
            }
        }
        return errors
    }

    /// The form's rules broken by a draft, by field key: checked as soon as both of a rule's fields
    /// hold good answers, so that an end before the start or an amount above the budget is said
    /// when the draft is saved, not only when it is filed. The answers are still saved: each is
    /// good on its own, and the applicant fixes whichever is wrong.
    ///
    /// - Parameters:
    ///   - errors: the fields already in error (a rule over one of them waits for a good answer).
    ///   - touching: when given, only the rules over at least one of these fields (those posted):
    ///     saving the first step never reports a rule between two later ones.
    public func ruleProblems(
        _ values: [String: FieldValue], skipping errors: [String: String] = [:], touching: Set<String>? = nil,
        territories: TerritoryCatalog = .france
    ) -> [String: String] {
        var problems: [String: String] = [:]
        for rule in rules {
            let keys = rule.fieldKeys
            if let touching, !keys.contains(where: touching.contains) { continue }
            let good = keys.allSatisfy { key in
                guard errors[key] == nil, let value = values[key], !value.isEmpty, let field = field(key) else {
                    return false
                }
                return field.problem(with: value, atFiling: false, territories: territories) == nil
            }
            guard good, let violation = rule.violation(in: values, definition: self), problems[violation.key] == nil
            else { continue }
            problems[violation.key] = violation.message
        }
        return problems
    }

    /// The problems of a posted draft: those found while reading it, then those of its values.
    public func validateForDraft(
        _ submission: FormSubmission, territories: TerritoryCatalog = .france
    ) -> [String: String] {
        submission.errors.merging(validateForDraft(submission.values, territories: territories)) { read, _ in read }
    }

    /// The problems that prevent filing a posted form. A field refused while reading keeps that
    /// message rather than "required", which would hide why its answer was dropped.
    public func validateForFiling(
        _ submission: FormSubmission, territories: TerritoryCatalog = .france
    ) -> [String: String] {
        submission.errors.merging(validateForFiling(submission.values, territories: territories)) { read, _ in read }
    }

    /// Checks a draft's answers.
    /// - Throws: ``DomainError/invalidForm(errors:)`` with every problem by field key.
    public func checkDraft(_ values: [String: FieldValue], territories: TerritoryCatalog = .france) throws(DomainError)
    {
        try Self.throwing(validateForDraft(values, territories: territories))
    }

    /// Checks that answers may be filed.
    /// - Throws: ``DomainError/invalidForm(errors:)`` with every problem by field key.
    public func checkFiling(_ values: [String: FieldValue], territories: TerritoryCatalog = .france) throws(DomainError)
    {
        try Self.throwing(validateForFiling(values, territories: territories))
    }

    /// Checks a posted draft.
    /// - Throws: ``DomainError/invalidForm(errors:)`` with every problem by field key.
    public func checkDraft(_ submission: FormSubmission, territories: TerritoryCatalog = .france) throws(DomainError) {
        try Self.throwing(validateForDraft(submission, territories: territories))
    }

    /// Checks that a posted form may be filed.
    /// - Throws: ``DomainError/invalidForm(errors:)`` with every problem by field key.
    public func checkFiling(_ submission: FormSubmission, territories: TerritoryCatalog = .france) throws(DomainError) {
        try Self.throwing(validateForFiling(submission, territories: territories))
    }

    private static func throwing(_ errors: [String: String]) throws(DomainError) {
        guard errors.isEmpty else { throw .invalidForm(errors: errors) }
    }
}

extension FormField {
    /// What is wrong with a non-empty answer to this field, in French, or `nil` when it is good.
    ///
    /// Values read from a form are checked here, and so are stored ones, which may come from an
    /// older version of the form or from a hand-built request.
    func problem(with value: FieldValue, atFiling: Bool, territories: TerritoryCatalog) -> String? {
        switch (type, value) {
        case (.shortText(let maxLength), .text(let text)):
            return Self.textProblem(text, maxLength: maxLength, singleLine: true)
        case (.longText(let maxLength), .text(let text)):
            return Self.textProblem(text, maxLength: maxLength, singleLine: false)
        case (.amount(let min, let max), .amount(let amount)):
            if let min, amount < min { return FormMessage.amountBelow(min) }
            if let max, amount > max { return FormMessage.amountAbove(max) }
            return nil
        case (.integer(let min, let max), .integer(let number)):
            if let min, number < min { return FormMessage.integerBelow(min) }
            if let max, number > max { return FormMessage.integerAbove(max) }
            return nil
        case (.date(let notBefore, let notAfter), .date(let iso)):
            guard FrenchDay.isShaped(iso) else { return FormMessage.dateInvalid }
            guard FrenchDay.exists(iso) else { return FormMessage.dateMissing(iso) }
            if let notBefore, iso < notBefore { return FormMessage.dateBefore(notBefore) }
            if let notAfter, iso > notAfter { return FormMessage.dateAfter(notAfter) }
            return nil
        case (.choice(let options), .choice(let chosen)):
            return options.contains { $0.value == chosen } ? nil : FormMessage.notAnOption
        case (.multipleChoice(let options, let minCount, let maxCount), .choices(let chosen)):
            guard chosen.allSatisfy({ value in options.contains { $0.value == value } }) else {
                return FormMessage.notOptions
            }
            guard Set(chosen).count == chosen.count else { return FormMessage.repeatedOption }
            if let maxCount, chosen.count > maxCount {
                return FormMessage.tooManyChoices(max: maxCount, count: chosen.count)
            }
            if atFiling, chosen.count < minCount {
                return FormMessage.tooFewChoices(min: minCount, count: chosen.count)
            }
            return nil
        case (.territory(let levels), .territory(let key)):
            guard levels.contains(key.level) else { return FormMessage.territoryLevel(levels) }
            if Self.exists(key, in: territories) { return nil }
            return Self.exists(key, in: .france)
                ? FormMessage.territoryOutsideCall(key) : FormMessage.unknownTerritory(key)
        case (.yesNo, .yesNo):
            return nil
        case (.file, .file(let id)):
            let plain =
                id.count <= 200
                && id.unicodeScalars.allSatisfy {
                    !$0.properties.isWhitespace && $0.properties.generalCategory != .control
                }
            return plain ? nil : FormMessage.attachmentInvalid
        default:
            return FormMessage.wrongType
        }
    }

    /// Characters are counted as people see them (an accented letter or an emoji is one), and the
    /// only invisible characters allowed are line breaks and tabs: others break pages and exports.
    static func textProblem(_ text: String, maxLength: Int, singleLine: Bool) -> String? {
        if let control = text.unicodeScalars.first(where: {
            $0.properties.generalCategory == .control && $0 != "\n" && $0 != "\t"
        }) {
            return FormMessage.controlCharacter(control)
        }
        if singleLine, text.contains("\n") { return FormMessage.singleLine }
        let count = text.count
        return count > maxLength ? FormMessage.tooLong(limit: maxLength, count: count) : nil
    }

    static func exists(_ key: TerritoryKey, in territories: TerritoryCatalog) -> Bool {
        switch key.level {
        case .national: return key.code == FormMessage.nationalCode
        case .region: return (try? territories.region(key.code)) != nil
        case .departement: return (try? territories.departement(key.code)) != nil
        }
    }

    /// Checks an uploaded file against this file field's limits, once the app has recognised the
    /// file's kind from its content (`pdf`, `image`, `office`…).
    ///
    /// - Throws: ``DomainError/emptyFile(name:)``, ``DomainError/fileTooLarge(name:bytes:limit:)``,
    ///   ``DomainError/fileTypeNotAllowed(name:detected:)``; ``DomainError/invalidForm(errors:)``
    ///   when the field does not take files.
    public func checkAttachment(name: String, bytes: Int, kind: String) throws(DomainError) {
        guard case .file(let maxBytes, let kinds) = type else {
            throw .invalidForm(errors: [key: FormMessage.wrongType])
        }
        guard bytes > 0 else { throw .emptyFile(name: name) }
        if let maxBytes, bytes > maxBytes { throw .fileTooLarge(name: name, bytes: bytes, limit: maxBytes) }
        guard kinds.contains(kind) else { throw .fileTypeNotAllowed(name: name, detected: kind) }
    }
}
