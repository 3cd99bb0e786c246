import Foundation

/// Checks rows one by one against the call, remembering what spans rows (numbers already seen).
struct ImportRowParser {
    let call: Call
    let territories: TerritoryCatalog
    let existingNumbers: Set<String>
    let allowDecisions: Bool
    /// Themes by normalised code and label, so `Alimentation` and `ALIMENTATION` both match.
    private let themesByKey: [String: Theme]
    private var lineOfNumber: [String: Int] = [:]
    /// The id of the throwaway values built only to ask the domain's rules; never saved.
    static let probeID = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))

    init(call: Call, territories: TerritoryCatalog, existingNumbers: Set<String>, allowDecisions: Bool) {
        self.call = call
        self.territories = territories
        self.existingNumbers = existingNumbers
        self.allowDecisions = allowDecisions
        var themes: [String: Theme] = [:]
        for theme in call.themes.reversed() {
            themes[ImportColumns.normalise(theme.label)] = theme
        }
        for theme in call.themes { themes[ImportColumns.normalise(theme.code)] = theme }
        self.themesByKey = themes
    }

    /// The typed dossier of a row, or `nil` with every issue of the row in `row.issues`.
    mutating func parse(_ row: inout ImportRow) -> ImportedDossier? {
        let number = parseNumber(&row)
        let title = row.required(.title)
        let summary = row.required(.summary)
        let theme = theme(&row)
        let scope = parseScope(&row)
        var requested: Money? = nil
        if let text = row.required(.requested) { requested = amount(text, .requested, &row) }
        let carrier = parseCarrier(&row)
        let filedAt = filingDate(&row)
        if let title, let summary, let theme, let scope, let requested {
            // The filing rules (a title, a summary, an amount above zero…) are the domain's own.
            let draft = Dossier(
                id: Self.probeID, title: title, summary: summary, themeCode: theme.code, scope: scope,
                requestedAmount: requested)
            do throws(DomainError) {
                try draft.checkComplete(for: call, territories: territories)
            } catch {
                // Only the amount can still be refused here: the other fields were checked above.
                if case .missingData = error {
                    row.report(.requested, error, code: .invalidAmount)
                } else {
                    row.report(.requested, error)
                }
            }
        }
        let decision = parseDecision(&row, requested: requested)
        guard row.issues.isEmpty, let title, let summary, let theme, let scope, let requested, let carrier, let filedAt
        else { return nil }
        return ImportedDossier(
            line: row.line, number: number, title: title, summary: summary, themeCode: theme.code,
            scope: scope, requested: requested, carrier: carrier, filedAt: filedAt, decision: decision)
    }

    private mutating func parseNumber(_ row: inout ImportRow) -> String? {
        guard let number = row.optional(.number) else { return nil }
        if let first = lineOfNumber[number] {
            row.report(
                .number, .duplicateNumber,
                "le numéro « \(number) » figure déjà ligne \(first) : chaque dossier a son propre numéro.")
        } else if existingNumbers.contains(number) {
            row.report(
                .number, .duplicateNumber,
                "le numéro « \(number) » est déjà attribué à un dossier de l'appel \(call.reference) ; "
                    + "laissez la cellule vide pour qu'un numéro soit attribué.")
        }
        lineOfNumber[number] = lineOfNumber[number] ?? row.line
        return number
    }

    private func theme(_ row: inout ImportRow) -> Theme? {
        guard let text = row.required(.theme) else { return nil }
        if let theme = try? call.theme(text) { return theme }
        if let theme = themesByKey[ImportColumns.normalise(text)] { return theme }
        let expected = call.themes.map { "\($0.code) (\($0.label))" }.joined(separator: ", ")
        row.report(
            .theme, .unknownTheme, DomainError.unknownTheme(text).message + " Thématiques attendues : \(expected).")
        return nil
    }

    /// An amount in euros, with the domain's wording when it is not one.
    func amount(_ text: String, _ field: ImportField, _ row: inout ImportRow) -> Money? {
        do throws(DomainError) {
            return try Money.parse(text)
        } catch {
            row.report(field, error)
            return nil
        }
    }

    /// An ISO date, or an issue naming the value and the expected formats.
    func date(_ text: String, _ field: ImportField, _ row: inout ImportRow) -> Date? {
        if let date = ImportDate.parse(text) { return date }
        row.report(
            field, .invalidDate,
            "« \(text) » n'est pas une date au format AAAA-MM-JJ (exemple : 2021-01-10) "
                + "ni une date-heure ISO 8601 (exemple : 2021-01-10T14:30:00+01:00).")
        return nil
    }

    private func filingDate(_ row: inout ImportRow) -> Date? {
        guard let text = row.required(.filedAt), let date = date(text, .filedAt, &row) else { return nil }
        do throws(DomainError) {
            try call.checkFilingOpen(at: date)
            return date
        } catch {
            let window = "du \(ParisTime.longDate(call.opensAt)) au \(ParisTime.longDate(call.deadlineDay)) inclus"
            row.report(
                .filedAt, .filedOutsideWindow,
                "« \(text) » tombe hors de la période de dépôt (\(window)). \(error.message)")
            return nil
        }
    }
}
