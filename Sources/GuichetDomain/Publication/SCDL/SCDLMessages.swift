/// The French wording of every issue, kept together so the tone stays consistent.
///
/// Each message names the value found and says what is expected, so that a person can fix the
/// cell without opening the schema's documentation.
enum SCDLMessages {
    // Long free-text cells (an `objet` of 300 characters) would drown the message.
    static func quoted(_ value: String) -> String {
        let limit = 60
        let shown = value.count > limit ? String(value.prefix(limit)) + "…" : value
        return "« \(shown) »"
    }

    static func example(_ field: SCDLField) -> String {
        field.example.map { " (exemple : \($0))" } ?? ""
    }

    static func schemaUnavailable(_ detail: String) -> String {
        "Le schéma SCDL n'a pas pu être chargé (\(detail)) : le fichier ne peut pas être vérifié. Signalez-le à l'équipe technique."
    }

    static func csv(_ reason: String) -> String {
        "Le fichier n'est pas un CSV valide : \(reason). La vérification s'arrête là."
    }

    static let emptyFile = "Le fichier est vide : la première ligne doit contenir les noms des colonnes."

    static func duplicateColumn(_ name: String) -> String {
        "La colonne « \(name) » apparaît plusieurs fois dans l'en-tête : seule la première est vérifiée, supprimez les autres."
    }

    static func unknownColumn(_ name: String, suggestion: String?) -> String {
        let hint = suggestion.map { " Vouliez-vous dire « \($0) » ? Les noms de colonnes respectent la casse." } ?? ""
        return "La colonne « \(name) » ne fait pas partie du schéma.\(hint)"
    }

    static func missingColumn(_ name: String) -> String {
        "La colonne obligatoire « \(name) » est absente de l'en-tête."
    }

    static func rowLength(_ count: Int, expected: Int) -> String {
        "Cette ligne compte \(count) valeurs au lieu de \(expected) : vérifiez les virgules et les guillemets."
    }

    static func required(_ field: SCDLField) -> String {
        "La colonne « \(field.name) » est obligatoire : la cellule est vide\(example(field))."
    }

    static func notADate(_ value: String, _ field: SCDLField) -> String {
        "\(quoted(value)) n'est pas une date au format AAAA-MM-JJ\(example(field))."
    }

    static func unrealDate(_ value: String) -> String {
        "\(quoted(value)) n'existe pas dans le calendrier : vérifiez le mois (01 à 12) et le jour."
    }

    static func notANumber(_ value: String, _ field: SCDLField, integer: Bool) -> String {
        integer
            ? "\(quoted(value)) n'est pas un nombre entier (chiffres seuls, sans espace)\(example(field))."
            : "\(quoted(value)) n'est pas un nombre valide : le séparateur décimal est le point, sans espace ni séparateur de milliers\(example(field))."
    }

    static func notABoolean(_ value: String, _ field: SCDLField) -> String {
        let allowed = (field.trueValues + field.falseValues).map { "« \($0) »" }.joined(separator: " ou ")
        return "\(quoted(value)) n'est pas une valeur autorisée : attendu \(allowed)."
    }

    static func pattern(_ value: String, _ field: SCDLField) -> String {
        "\(quoted(value)) n'a pas le format attendu\(example(field))."
    }

    static func enumeration(_ value: String, _ allowed: [String]) -> String {
        "\(quoted(value)) n'est pas une valeur autorisée ; valeurs possibles : \(allowed.map { "« \($0) »" }.joined(separator: ", "))."
    }

    static func minLength(_ value: String, _ length: Int, _ min: Int) -> String {
        "\(quoted(value)) compte \(length) caractères : il en faut au moins \(min)."
    }

    static func maxLength(_ value: String, _ length: Int, _ max: Int) -> String {
        "\(quoted(value)) compte \(length) caractères : \(max) au maximum."
    }

    static func minimum(_ value: String, _ min: String) -> String {
        "\(quoted(value)) est inférieur au minimum autorisé, \(min)."
    }

    static func maximum(_ value: String, _ max: String) -> String {
        "\(quoted(value)) est supérieur au maximum autorisé, \(max)."
    }

    static func siret(_ value: String) -> String {
        "\(quoted(value)) n'est pas un SIRET valide : 14 chiffres sans espace, dont le dernier est une clé de contrôle. Vérifiez le numéro sur annuaire-entreprises.data.gouv.fr."
    }

    static func oneOfRequired(_ first: String, _ second: String) -> String {
        "Renseignez au moins l'une des colonnes « \(first) » ou « \(second) » : les deux sont vides."
    }

    static func notAPeriod(_ value: String) -> String {
        "\(quoted(value)) n'est ni une date AAAA-MM-JJ ni une période AAAA-MM-JJ/AAAA-MM-JJ."
    }

    static func unrealDates(_ days: [String], in value: String) -> String {
        let list = days.map { "« \($0) »" }.joined(separator: " et ")
        return
            "Dans \(quoted(value)), \(list) n'existe\(days.count > 1 ? "nt" : "") pas dans le calendrier : vérifiez le mois (01 à 12) et le jour."
    }

    static func invertedPeriod(_ value: String, start: CalendarDay, end: CalendarDay) -> String {
        "La période \(quoted(value)) se termine (\(end.iso)) avant de commencer (\(start.iso)) : inversez les dates ou corrigez-les."
    }
}
