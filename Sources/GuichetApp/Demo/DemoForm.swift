import Foundation
import GuichetDomain

/// The dossier form of the seed's call: what the 2020 call asked of associations.
enum DemoForm {
    static func definition() throws -> FormDefinition {
        let themes = DemoCall.themes.map { FormOption(value: $0.code, label: $0.label) }
        let objectives = DemoCall.objectives.map { FormOption(value: $0.code, label: $0.label) }
        let documents = ["pdf", "office"]
        let definition = FormDefinition(version: 1, fields: [
            FormField(key: DossierForm.title, label: "Titre du projet", help: "Une phrase qui dit ce que fait le projet.",
                      required: true, type: .shortText(maxLength: 200), section: "Le projet"),
            FormField(key: DossierForm.summary, label: "Résumé du projet",
                      help: "Ce que vous ferez, pour qui, où et avec quels moyens (2 000 caractères au plus).",
                      required: true, type: .longText(maxLength: 2000), section: "Le projet"),
            FormField(key: DossierForm.theme, label: "Thématique principale", required: true,
                      type: .choice(options: themes), section: "Le projet"),
            FormField(key: "objectives", label: "Objectifs de l'appel auxquels le projet répond", required: true,
                      type: .multipleChoice(options: objectives, minCount: 1, maxCount: nil), section: "Le projet"),
            FormField(key: DossierForm.territory, label: "Territoire du projet",
                      help: "La région pour un projet régional, sinon le département où il se déroule.",
                      required: true, type: .territory(levels: [.region, .departement]), section: "Le projet"),
            FormField(key: "expected_public", label: "Public visé", help: "Qui le projet aidera, et comment vous les toucherez.",
                      required: true, type: .longText(maxLength: 1000), section: "Le projet"),
            FormField(key: "beneficiaries", label: "Nombre de personnes accompagnées (estimation)", required: false,
                      type: .integer(min: 1, max: 10_000_000), section: "Le projet"),
            FormField(key: "start_date", label: "Date de début", required: true,
                      type: .date(notBefore: "2020-11-01", notAfter: nil), section: "Calendrier"),
            FormField(key: "end_date", label: "Date de fin", required: true,
                      type: .date(notBefore: "2020-11-01", notAfter: nil), section: "Calendrier"),
            FormField(key: DossierForm.amountRequested, label: "Montant demandé",
                      help: "En euros, par exemple 45 000 ou 45 000,50.", required: true,
                      type: .amount(min: try Money(euros: 1), max: try Money(euros: 5_000_000)), section: "Budget"),
            FormField(key: "total_budget", label: "Budget total du projet", required: true,
                      type: .amount(min: try Money(euros: 1), max: try Money(euros: 50_000_000)), section: "Budget"),
            FormField(key: "cofinancing", label: "Cofinancements",
                      help: "Financeurs, montants, et s'ils sont acquis ou seulement sollicités.", required: false,
                      type: .longText(maxLength: 1000), section: "Budget"),
            FormField(key: "budget_document", label: "Budget prévisionnel du projet", help: "PDF, Word, Excel ou OpenDocument.",
                      required: true, type: .file(maxBytes: nil, kinds: documents), section: "Pièces jointes"),
            FormField(key: "statutes", label: "Statuts de l'association", help: "PDF.", required: true,
                      type: .file(maxBytes: nil, kinds: ["pdf"]), section: "Pièces jointes"),
            FormField(key: "bank_details", label: "Relevé d'identité bancaire (RIB)", help: "PDF ou image.", required: true,
                      type: .file(maxBytes: nil, kinds: ["pdf", "image"]), section: "Pièces jointes"),
            FormField(key: "annual_accounts", label: "Derniers comptes annuels approuvés",
                      help: "Pour les associations de plus d'un an.", required: false,
                      type: .file(maxBytes: nil, kinds: documents), section: "Pièces jointes"),
        ], rules: [
            .dateOrder(start: "start_date", end: "end_date", message: nil),
            .amountAtMost(DossierForm.amountRequested, other: "total_budget", message: nil),
        ])
        try definition.checkWellFormed()
        return definition
    }
}

/// The form keys Guichet reads into the dossier itself (title, theme, scope, amount); every call's
/// form must have them.
enum DossierForm {
    static let title = "title"
    static let summary = "summary"
    static let theme = "theme"
    static let territory = "territory"
    static let amountRequested = "amount_requested"
}

/// The demo's scoring grid: the five criteria of the seed's committee, weighted, on a 0–4 scale,
/// combined by the mean.
enum DemoGrid {
    static let grid = ScoringGrid(criteria: [
        Criterion(code: "pertinence", label: "Pertinence au regard des objectifs de l'appel", weight: 3),
        Criterion(code: "impact", label: "Impact sur le public visé", weight: 3),
        Criterion(code: "faisabilite", label: "Faisabilité", weight: 2),
        Criterion(code: "partenariats", label: "Partenariats", weight: 1),
        Criterion(code: "efficience", label: "Coût-efficacité", weight: 1),
    ], scale: ["0 — insuffisant", "1 — faible", "2 — correct", "3 — bon", "4 — excellent"], aggregation: .mean)

    /// The seed's advisers: DRAAF for food, ARS for access to rights (which covers access to care).
    static let expertServices = #"{"acces-aux-droits":"ARS","alimentation":"DRAAF"}"#

    static func json() throws -> String {
        String(decoding: try JSONEncoder().encode(grid), as: UTF8.self)
    }
}
