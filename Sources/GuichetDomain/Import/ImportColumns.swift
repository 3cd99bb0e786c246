import Foundation

/// The documented mapping of an import file's columns to a dossier and its decision.
///
/// Rules the table does not show, stated here once for the help page:
/// - the header is line 1; the delimiter is `,` or `;` (detected from the header); a UTF-8 BOM is
///   ignored, and so are empty lines (including lines of bare delimiters, as spreadsheets export);
/// - an unknown column is refused, with a suggestion when it is close to a known one: a typo in a
///   header would otherwise silently drop a whole column of data;
/// - the decision columns are optional as a group; a row leaves them all empty when its dossier
///   has no decision yet;
/// - territory codes of one digit get their leading zero back (`2` is the Aisne, `02`), because
///   spreadsheets strip it from numeric-looking cells.
public enum ImportColumns {
    /// Every column, in the template's order.
    public static let all: [ImportColumn] = [
        ImportColumn(
            .number, .optional, aliases: ["numéro", "numéro de dossier", "n° dossier", "référence"],
            description:
                "Numéro de dossier déjà attribué ; vide pour en attribuer un. Unique dans le fichier et dans l'appel.",
            example: "HDF-2021-0042"),
        ImportColumn(
            .title, .required, aliases: ["titre du projet", "intitulé", "projet"],
            description: "Titre du projet.", example: "Épicerie solidaire itinérante"),
        ImportColumn(
            .summary, .required, aliases: ["résumé du projet", "description"],
            description: "Résumé du projet ; peut tenir sur plusieurs lignes entre guillemets.",
            example: "Un camion-épicerie dessert douze villages."),
        ImportColumn(
            .theme, .required, aliases: ["thème", "thématique du projet"],
            description: "Thématique de l'appel, par son code ou son intitulé (casse et accents indifférents).",
            example: "alimentation"),
        ImportColumn(
            .scope, .required, aliases: ["portée du projet", "échelle"],
            description: "Portée : national, regional ou departemental.", example: "departemental"),
        ImportColumn(
            .territory, .required, aliases: ["code territoire", "code insee"],
            description:
                "Code INSEE de la région (portée régionale) ou du département (portée départementale) ; vide pour une portée nationale.",
            example: "02"),
        ImportColumn(
            .regions, .optional, aliases: ["régions concernées", "régions couvertes"],
            description:
                "Portée nationale seulement : codes INSEE des régions concernées (au moins deux), séparés par |.",
            example: "32|11"),
        ImportColumn(
            .requested, .required, aliases: ["montant demandé", "montant demandé (€)", "montant sollicité", "demande"],
            description: "Montant demandé en euros, supérieur à zéro : 12 500,50 ou 12500.50.", example: "12 500,50"),
        ImportColumn(
            .carrierName, .required, aliases: ["porteur", "nom du porteur", "structure", "organisme"],
            description: "Nom de l'organisation qui porte le projet.", example: "Les Restos du Cœur de l'Aisne"),
        ImportColumn(
            .carrierSiret, .optional, aliases: ["siret", "siret du porteur"],
            description: "SIRET (14 chiffres, espaces permis). Le SIRET ou le numéro RNA est obligatoire.",
            example: "732 829 320 00074"),
        ImportColumn(
            .carrierRNA, .optional, aliases: ["rna", "numéro rna", "n° rna"],
            description: "Numéro RNA : W suivi de 9 chiffres. Le SIRET ou le numéro RNA est obligatoire.",
            example: "W595012345"),
        ImportColumn(
            .carrierLegalForm, .required, aliases: ["forme juridique", "statut juridique"],
            description: "Forme juridique, par son code ou son intitulé : "
                + LegalForm.allCases.map { "\($0.rawValue) (\($0.label))" }.joined(separator: ", ") + ".",
            example: "association_declaree"),
        ImportColumn(
            .carrierDepartement, .optional, aliases: ["département du porteur", "département du siège"],
            description: "Code INSEE du département du siège de l'organisation.", example: "02"),
        ImportColumn(
            .filedAt, .required, aliases: ["date de dépôt", "déposé le", "date dépôt"],
            description:
                "Date du dépôt, dans la période de dépôt de l'appel : jour ISO (2021-01-10) ou date-heure ISO 8601. "
                + "Un jour seul vaut midi, heure de Paris : minuit serait la veille pour un lecteur en UTC, et midi reste "
                + "le même jour sous tous les fuseaux et loin des changements d'heure.",
            example: "2021-01-10"),
        ImportColumn(
            .wave, .requiredWithDecisions, aliases: ["vague de décision", "n° vague"],
            description: "Numéro de la vague de l'appel où la décision a été annoncée ; vague non publiée.",
            example: "1"),
        ImportColumn(
            .decision, .requiredWithDecisions, aliases: ["décision du comité", "résultat"],
            description: "Décision : retenu, liste_attente ou rejete.", example: "retenu"),
        ImportColumn(
            .granted, .optional, aliases: ["montant accordé", "montant accordé (€)", "subvention accordée"],
            description: "Montant accordé en euros, pour un dossier retenu seulement ; au plus le montant demandé.",
            example: "10 000"),
        ImportColumn(
            .motive, .optional, aliases: ["motif du rejet", "motivation"],
            description: "Motif, obligatoire pour un rejet et réservé aux rejets : le porteur le lira.",
            example: "Projet hors du champ de l'appel."),
        ImportColumn(
            .decidedAt, .requiredWithDecisions, aliases: ["date de décision", "décidé le"],
            description: "Date de la décision : jour ISO (midi, heure de Paris) ou date-heure ISO 8601.",
            example: "2021-04-16"),
    ]

    /// The documented column for a field.
    public static func column(_ field: ImportField) -> ImportColumn {
        // The table lists every field; the fallback only keeps this total without a force unwrap.
        all.first { $0.field == field } ?? ImportColumn(field, .optional, aliases: [], description: "", example: "")
    }

    /// A header reduced to what identifies it: lower case, no accents, letters and digits only.
    public static func normalise(_ text: String) -> String {
        let folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
        return String(
            String.UnicodeScalarView(folded.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }))
    }

    /// The field a header names, by canonical header or alias; `nil` for an unknown header.
    public static func field(forHeader header: String) -> ImportField? {
        headerIndex[normalise(header)]
    }

    /// The canonical header closest to an unknown one, when it is close enough to be a typo.
    public static func suggestion(forHeader header: String) -> String? {
        let key = Array(normalise(header))
        guard !key.isEmpty else { return nil }
        let best = headerIndex.map { (field: $0.value, distance: editDistance(key, Array($0.key))) }
            .min { ($0.distance, $0.field.rawValue) < ($1.distance, $1.field.rawValue) }
        guard let best, best.distance <= min(2, max(1, key.count / 3)) else { return nil }
        return best.field.rawValue
    }

    private static let headerIndex: [String: ImportField] = {
        var index: [String: ImportField] = [:]
        for column in all {
            index[normalise(column.header)] = column.field
            for alias in column.aliases { index[normalise(alias)] = column.field }
        }
        return index
    }()

    private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for (i, ca) in a.enumerated() {
            var current = [i + 1]
            for (j, cb) in b.enumerated() {
                current.append(Swift.min(previous[j + 1] + 1, current[j] + 1, previous[j] + (ca == cb ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}
