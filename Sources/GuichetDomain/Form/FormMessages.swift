import Foundation

/// The French messages shown next to form fields, in one place so that wording stays consistent.
enum FormMessage {
    static let required = "Ce champ est obligatoire."
    static let singleValue = "Une seule réponse est attendue pour ce champ."
    static let wrongType = "Réponse d'un type inattendu pour ce champ : saisissez-la à nouveau."
    static let singleLine = "Ce champ tient sur une seule ligne : retirez les retours à la ligne."
    static let amountInvalid = "Montant invalide : écrivez un montant en euros, par exemple 12 500 ou 12 500,50."
    static let amountNegative = "Montant invalide : un montant ne peut pas être négatif."
    static let amountTooLong = "Montant invalide : ce nombre a trop de chiffres."
    static let integerInvalid = "Nombre invalide : écrivez un nombre entier, par exemple 12 ou 1 500."
    static let integerTooLong = "Nombre invalide : ce nombre a trop de chiffres."
    static let dateInvalid = "Date invalide : choisissez-la dans le calendrier ou écrivez-la comme 2021-01-15."
    static let notAnOption = "Choisissez une valeur proposée."
    static let notOptions = "Choisissez parmi les valeurs proposées."
    static let repeatedOption = "Chaque réponse ne peut être cochée qu'une fois."
    static let territoryInvalid = "Choisissez un territoire dans la liste."
    static let yesNoInvalid = "Répondez par oui ou par non."
    static let attachmentInvalid = "Pièce jointe invalide : déposez le fichier à nouveau."
    static let dateOrder = "La date de fin doit suivre la date de début."

    /// INSEE's code for the whole of France, the only national territory.
    static let nationalCode = "FR"
    static let nationalName = "France entière"

    static func tooLong(limit: Int, count: Int) -> String {
        "\(plural(limit, "caractère")) au plus (vous en avez saisi \(FrenchNumber.grouped(Int64(count))))."
    }

    static func controlCharacter(_ scalar: Unicode.Scalar) -> String {
        "Le texte contient un caractère de contrôle invisible (U+\(String(format: "%04X", scalar.value))) : retirez-le."
    }

    static func amountBelow(_ min: Money) -> String { "Le montant doit être d'au moins \(min.formatted())." }
    static func amountAbove(_ max: Money) -> String { "Le montant ne peut pas dépasser \(max.formatted())." }
    static func integerBelow(_ min: Int64) -> String { "La valeur doit être d'au moins \(FrenchNumber.grouped(min))." }
    static func integerAbove(_ max: Int64) -> String { "La valeur ne peut pas dépasser \(FrenchNumber.grouped(max))." }

    static func dateMissing(_ iso: String) -> String { "La date « \(iso) » n'existe pas." }
    static func dateBefore(_ iso: String) -> String { "La date doit être au plus tôt le \(FrenchDay.long(iso))." }
    static func dateAfter(_ iso: String) -> String { "La date doit être au plus tard le \(FrenchDay.long(iso))." }

    static func tooFewChoices(min: Int, count: Int) -> String {
        "Choisissez au moins \(plural(min, "réponse")) (vous en avez choisi \(count))."
    }

    static func tooManyChoices(max: Int, count: Int) -> String {
        "Choisissez au plus \(plural(max, "réponse")) (vous en avez choisi \(count))."
    }

    static func territoryLevel(_ levels: Set<TerritoryKey.Level>) -> String {
        let names = levels.sorted().map { level in
            switch level {
            case .national: "la France entière"
            case .region: "une région"
            case .departement: "un département"
            }
        }
        let phrase =
            names.count > 1
            ? names.dropLast().joined(separator: ", ") + " ou " + names[names.count - 1] : names.first ?? ""
        return "Choisissez \(phrase)."
    }

    static func territoryOutsideCall(_ key: TerritoryKey) -> String {
        switch key.level {
        case .national:
            "Cet appel ne finance pas de projets nationaux : choisissez le territoire du projet dans la liste."
        case .region:
            "La région « \(key.code) » n'est pas couverte par cet appel : choisissez le territoire du projet dans la liste."
        case .departement:
            "Le département « \(key.code) » n'est pas couvert par cet appel : choisissez le territoire du projet dans la liste."
        }
    }

    static func unknownTerritory(_ key: TerritoryKey) -> String {
        switch key.level {
        case .national: "Le territoire national « \(key.code) » n'existe pas : seul « \(nationalCode) » est connu."
        case .region: "La région « \(key.code) » n'existe pas."
        case .departement: "Le département « \(key.code) » n'existe pas."
        }
    }

    static func amountAtMost(otherLabel: String, ceiling: Money) -> String {
        "Ce montant ne peut pas dépasser « \(otherLabel) » (\(ceiling.formatted()))."
    }

    /// `1 réponse`, `3 réponses`, `4 000 caractères`: French puts 0 and 1 in the singular.
    static func plural(_ count: Int, _ noun: String) -> String {
        "\(FrenchNumber.grouped(Int64(count))) \(noun)\(abs(count) > 1 ? "s" : "")"
    }
}

/// Whole numbers written the French way: `1 500`, `-12 000`.
enum FrenchNumber {
    static func grouped(_ value: Int64) -> String {
        // Works on the digits rather than the magnitude, which Int64.min does not have.
        let text = String(value)
        let sign = text.hasPrefix("-") ? "-" : ""
        let digits = text.dropFirst(sign.count)
        var out = ""
        for (index, char) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(" ") }
            out.append(char)
        }
        return sign + out
    }
}

/// ISO calendar days as strings, the form's storage for dates.
enum FrenchDay {
    /// Whether `text` is shaped `yyyy-mm-dd` with ASCII digits (whether the day exists is separate).
    static func isShaped(_ text: String) -> Bool {
        let chars = Array(text)
        guard chars.count == 10, chars[4] == "-", chars[7] == "-" else { return false }
        return chars.enumerated().allSatisfy { index, char in index == 4 || index == 7 || char.isASCIIDigit }
    }

    /// Whether `text` is a shaped ISO day that exists in the calendar (not 2021-02-30, not month 13).
    static func exists(_ text: String) -> Bool {
        isShaped(text) && ParisTime.day(text) != nil
    }

    /// `15 janvier 2021`, `1er mars 2021`; the ISO text itself for a day that does not exist.
    static func long(_ iso: String) -> String {
        guard exists(iso), let date = ParisTime.day(iso) else { return iso }
        return ParisTime.longDate(date)
    }
}
