import Foundation
import Testing

@testable import GuichetDomain

@Suite struct FormValidationTests {
    let form = FormSample.definition

    @Test func anEmptyDraftIsAcceptedButCannotBeFiled() {
        #expect(form.validateForDraft([:]) == [:])
        let errors = form.validateForFiling([:])
        #expect(
            errors.keys.sorted() == [
                "budget_total", "date_debut", "date_fin", "deja_finance", "description",
                "montant_demande", "territoire", "thematique", "titre",
            ])
        #expect(Set(errors.values) == ["Ce champ est obligatoire."])
    }

    @Test func aCompleteFormCanBeFiled() throws {
        #expect(form.validateForFiling(FormSample.completeValues) == [:])
        try form.checkFiling(FormSample.completeValues)
        try form.checkFiling(form.parse(FormSample.complete))
    }

    @Test func aDraftReportsOnlyTheAnswersItGives() {
        let draft: [String: FieldValue] = [
            "titre": .text(String(repeating: "a", count: 201)), "thematique": .choice("alimentation"),
        ]
        #expect(form.validateForDraft(draft) == ["titre": "200 caractères au plus (vous en avez saisi 201)."])
    }

    @Test func answeringNoIsAnAnswer() {
        var values = FormSample.completeValues
        values["deja_finance"] = .yesNo(false)
        #expect(form.validateForFiling(values)["deja_finance"] == nil)
        values["deja_finance"] = nil
        #expect(form.validateForFiling(values)["deja_finance"] == "Ce champ est obligatoire.")
    }

    @Test func emptyStoredValuesCountAsMissing() {
        var values = FormSample.completeValues
        values["titre"] = .text("")
        values["publics"] = .choices([])
        #expect(form.validateForDraft(values) == [:])
        #expect(form.validateForFiling(values) == ["titre": "Ce champ est obligatoire."])
    }

    @Test func tooFewTickedOptionsWaitForFiling() {
        var values = FormSample.completeValues
        values["publics"] = .choices(["familles"])
        #expect(form.validateForDraft(values) == [:])
        #expect(
            form.validateForFiling(values) == ["publics": "Choisissez au moins 2 réponses (vous en avez choisi 1)."])
    }

    @Test(
        arguments: [
            ("2021-03-01", "2021-02-28", "La date de fin doit suivre la date de début."),
            ("2021-03-01", "2021-03-01", nil),
            ("2021-03-01", "2021-03-02", nil),
            ("2021-12-31", "2022-01-01", nil),
        ] as [(String, String, String?)])
    func theEndDateMayNotPrecedeTheStartDate(start: String, end: String, message: String?) {
        var values = FormSample.completeValues
        values["date_debut"] = .date(start)
        values["date_fin"] = .date(end)
        #expect(form.validateForDraft(values) == [:])
        #expect(form.validateForFiling(values)["date_fin"] == message)
    }

    @Test(
        arguments: [
            (Int64(150_000), Int64(150_000), nil),
            (150_001, 150_000, "Le montant demandé ne peut pas dépasser le budget total du projet."),
            (1_000, 150_000, nil),
        ] as [(Int64, Int64, String?)])
    func theRequestedAmountStaysWithinTheBudget(requested: Int64, budget: Int64, message: String?) {
        var values = FormSample.completeValues
        values["montant_demande"] = .amount(FormSample.euros(requested))
        values["budget_total"] = .amount(FormSample.euros(budget))
        #expect(form.validateForDraft(values) == [:])
        #expect(form.validateForFiling(values)["montant_demande"] == message)
    }

    @Test func amountRuleHasADefaultMessageNamingTheOtherField() {
        var form = FormSample.definition
        form.rules = [.amountAtMost("montant_demande", other: "budget_total")]
        var values = FormSample.completeValues
        values["budget_total"] = .amount(FormSample.euros(5_000))
        #expect(
            form.validateForFiling(values)["montant_demande"]
                == "Ce montant ne peut pas dépasser « Budget total du projet » (5 000 €).")
    }

    @Test func rulesWaitForBothAnswersToBeGood() {
        var values = FormSample.completeValues
        values["date_debut"] = .date("2022-06-01")
        values["date_fin"] = .date("2022-02-30")
        #expect(form.validateForFiling(values)["date_fin"] == "La date « 2022-02-30 » n'existe pas.")
        values["date_fin"] = nil
        #expect(form.validateForFiling(values)["date_fin"] == "Ce champ est obligatoire.")
    }

    @Test func aRefusedInputKeepsItsOwnMessageAtFiling() {
        var raw = FormSample.complete
        raw["montant_demande"] = ["douze mille"]
        raw["budget_total"] = ["1 000"]
        let submission = form.parse(raw)
        let errors = form.validateForFiling(submission)
        // The amount was dropped while reading: neither "required" nor the budget rule may hide why.
        #expect(
            errors == [
                "montant_demande": "Montant invalide : écrivez un montant en euros, par exemple 12 500 ou 12 500,50."
            ])
        #expect(form.validateForDraft(submission) == errors)
    }

    @Test func storedValuesOfTheWrongTypeAreRefused() {
        let values: [String: FieldValue] = ["montant_demande": .text("12 500"), "territoire": .choice("02")]
        let errors = form.validateForDraft(values)
        #expect(errors.count == 2)
        #expect(errors["montant_demande"] == "Réponse d'un type inattendu pour ce champ : saisissez-la à nouveau.")
    }

    @Test func storedValuesAreCheckedAgainstTheCurrentForm() {
        let values: [String: FieldValue] = [
            "thematique": .choice("culture"),
            "territoire": .territory(TerritoryKey(level: .region, code: "99")),
            "publics": .choices(["familles", "familles"]),
            "description": .text("Ligne\r\nsuivante"),
            "champ_supprime": .text("ignoré"),
        ]
        #expect(
            form.validateForDraft(values) == [
                "thematique": "Choisissez une valeur proposée.",
                "territoire": "La région « 99 » n'existe pas.",
                "publics": "Chaque réponse ne peut être cochée qu'une fois.",
                "description": "Le texte contient un caractère de contrôle invisible (U+000D) : retirez-le.",
            ])
    }

    @Test func throwingVariantsCarryEveryMessage() {
        let draft: [String: FieldValue] = ["thematique": .choice("culture")]
        #expect(throws: DomainError.invalidForm(errors: ["thematique": "Choisissez une valeur proposée."])) {
            try form.checkDraft(draft)
        }
        #expect(throws: DomainError.invalidForm(errors: form.validateForFiling(draft))) {
            try form.checkFiling(draft)
        }
        #expect(
            throws: DomainError.invalidForm(errors: [
                "titre": "Ce champ tient sur une seule ligne : retirez les retours à la ligne."
            ])
        ) {
            try form.checkDraft(form.parse(["titre": ["a\nb"]]))
        }
        #expect(throws: DomainError.self) { try form.checkFiling(form.parse([:])) }
    }

    @Test func anUnknownNationalCodeIsRefused() {
        let field = FormField(key: "portee", label: "Portée", type: .territory(levels: [.national, .departement]))
        let form = FormDefinition(version: 1, fields: [field])
        #expect(form.parse(["portee": ["national:FR"]]).errors == [:])
        #expect(
            form.parse(["portee": ["national:DE"]]).errors["portee"]
                == "Le territoire national « DE » n'existe pas : seul « FR » est connu.")
        #expect(
            form.parse(["portee": ["region:32"]]).errors["portee"] == "Choisissez la France entière ou un département.")
    }

    @Test func aTerritoryOutsideTheCallIsNeitherOfferedNorAccepted() {
        let field = FormField(
            key: "territoire", label: "Territoire", type: .territory(levels: [.region, .departement]))
        let form = FormDefinition(version: 1, fields: [field])
        let hauts = TerritoryCatalog.france.within(.region("32"))
        #expect(
            field.territoryOptions(territories: hauts).map(\.value)
                == [
                    "region:32", "departement:02", "departement:59", "departement:60", "departement:62",
                    "departement:80",
                ])
        #expect(form.parse(["territoire": ["departement:59"]], territories: hauts).errors == [:])
        #expect(
            form.parse(["territoire": ["departement:75"]], territories: hauts).errors["territoire"]
                == "Le département « 75 » n'est pas couvert par cet appel : choisissez le territoire du projet dans la liste."
        )
        #expect(
            form.parse(["territoire": ["region:11"]], territories: hauts).errors["territoire"]
                == "La région « 11 » n'est pas couverte par cet appel : choisissez le territoire du projet dans la liste."
        )
        #expect(
            form.parse(["territoire": ["departement:99"]], territories: hauts).errors["territoire"]
                == "Le département « 99 » n'existe pas.")
        #expect(
            form.validateForFiling(
                ["territoire": .territory(TerritoryKey(level: .departement, code: "75"))], territories: hauts)[
                    "territoire"] != nil)
        // A département's call: that département alone; a national call: everything.
        #expect(TerritoryCatalog.france.within(.departement("02")).departements.map(\.code) == ["02"])
        #expect(TerritoryCatalog.france.within(.departement("02")).regions.isEmpty)
        #expect(TerritoryCatalog.france.within(.national).departements.count == 101)
    }

    @Test func attachmentsAreCheckedAgainstTheFieldLimits() throws {
        let field = try #require(form.field("budget_previsionnel"))
        try field.checkAttachment(name: "budget.pdf", bytes: 120_000, kind: "pdf")
        #expect(throws: DomainError.emptyFile(name: "vide.pdf")) {
            try field.checkAttachment(name: "vide.pdf", bytes: 0, kind: "pdf")
        }
        #expect(throws: DomainError.fileTooLarge(name: "gros.pdf", bytes: 25_000_000, limit: 20_000_000)) {
            try field.checkAttachment(name: "gros.pdf", bytes: 25_000_000, kind: "pdf")
        }
        #expect(throws: DomainError.fileTypeNotAllowed(name: "photo.png", detected: "image")) {
            try field.checkAttachment(name: "photo.png", bytes: 1_000, kind: "image")
        }
        #expect(throws: DomainError.self) {
            try form.field("titre")!.checkAttachment(name: "x.pdf", bytes: 1, kind: "pdf")
        }
    }
}
