import Foundation
import Testing

@testable import GuichetDomain

/// A dossier form with every field type, shaped like the call's own.
enum FormSample {
    static let options = [
        FormOption(value: "familles", label: "Familles"),
        FormOption(value: "etudiants", label: "Étudiants"),
        FormOption(value: "seniors", label: "Personnes âgées"),
        FormOption(value: "jeunes", label: "Jeunes, 16-25 ans"),
    ]

    static let definition = FormDefinition(
        version: 1,
        fields: [
            FormField(
                key: "titre", label: "Titre du projet", required: true, type: .shortText(maxLength: 200),
                section: "Le projet"),
            FormField(
                key: "description", label: "Description", help: "Publics, actions, partenaires.", required: true,
                type: .longText(maxLength: 4_000), section: "Le projet"),
            FormField(
                key: "budget_total", label: "Budget total du projet", required: true,
                type: .amount(min: nil, max: euros(10_000_000)), section: "Budget"),
            FormField(
                key: "montant_demande", label: "Montant demandé", required: true,
                type: .amount(min: euros(1_000), max: euros(200_000)), section: "Budget"),
            FormField(key: "beneficiaires", label: "Nombre de bénéficiaires", type: .integer(min: 0, max: 1_000_000)),
            FormField(
                key: "date_debut", label: "Date de début", required: true,
                type: .date(notBefore: "2021-01-01", notAfter: "2022-12-31")),
            FormField(
                key: "date_fin", label: "Date de fin", required: true,
                type: .date(notBefore: "2021-01-01", notAfter: nil)),
            FormField(
                key: "thematique", label: "Thématique", required: true,
                type: .choice(options: [
                    FormOption(value: "alimentation", label: "Alimentation"),
                    FormOption(value: "insertion", label: "Insertion"),
                ])),
            FormField(
                key: "publics", label: "Publics", type: .multipleChoice(options: options, minCount: 2, maxCount: 3)),
            FormField(
                key: "territoire", label: "Territoire", required: true,
                type: .territory(levels: [.region, .departement])),
            FormField(key: "deja_finance", label: "Déjà financé", required: true, type: .yesNo),
            FormField(
                key: "budget_previsionnel", label: "Budget prévisionnel",
                type: .file(maxBytes: 20_000_000, kinds: ["pdf", "office"])),
        ],
        rules: [
            .dateOrder(start: "date_debut", end: "date_fin"),
            .amountAtMost(
                "montant_demande", other: "budget_total",
                message: "Le montant demandé ne peut pas dépasser le budget total du projet."),
        ])

    /// What the page posts for a complete, valid form.
    static let complete: [String: [String]] = [
        "titre": ["  Épicerie solidaire de Laon "],
        "description": ["Une épicerie à prix solidaires.\r\nOuverte trois jours par semaine."],
        "budget_total": ["150 000"],
        "montant_demande": ["12 500,50"],
        "beneficiaires": ["1 500"],
        "date_debut": ["2021-03-01"],
        "date_fin": ["2022-01-15"],
        "thematique": ["alimentation"],
        "publics": ["etudiants", "familles"],
        "territoire": ["departement:02"],
        "deja_finance": ["non"],
        "budget_previsionnel": ["att-42"],
        "_csrf": ["jeton"],
    ]

    /// The same answers as stored values.
    static let completeValues: [String: FieldValue] = [
        "titre": .text("Épicerie solidaire de Laon"),
        "description": .text("Une épicerie à prix solidaires.\nOuverte trois jours par semaine."),
        "budget_total": .amount(euros(150_000)),
        "montant_demande": .amount(try! Money(cents: 1_250_050)),
        "beneficiaires": .integer(1_500),
        "date_debut": .date("2021-03-01"),
        "date_fin": .date("2022-01-15"),
        "thematique": .choice("alimentation"),
        "publics": .choices(["familles", "etudiants"]),
        "territoire": .territory(TerritoryKey(level: .departement, code: "02")),
        "deja_finance": .yesNo(false),
        "budget_previsionnel": .file("att-42"),
    ]

    static func euros(_ value: Int64) -> Money { try! Money(euros: value) }

    /// Parses a single posted value for one field.
    static func parse(_ key: String, _ value: String) -> FormSubmission {
        definition.parse([key: [value]])
    }
}

@Suite struct FormTests {
    let form = FormSample.definition

    @Test func completeFormIsReadIntoTypedValues() {
        let submission = form.parse(FormSample.complete)
        #expect(submission.errors == [:])
        #expect(submission.values == FormSample.completeValues)
    }

    @Test(arguments: [
        ("titre", "  Épicerie  ", FieldValue.text("Épicerie")),
        ("titre", String(repeating: "é", count: 200), .text(String(repeating: "é", count: 200))),
        ("description", "Ligne 1\r\nLigne 2\rLigne 3\n\tFin", .text("Ligne 1\nLigne 2\nLigne 3\n\tFin")),
        ("budget_total", "10 000 000 €", .amount(FormSample.euros(10_000_000))),
        ("montant_demande", "1000", .amount(FormSample.euros(1_000))),
        ("montant_demande", "12500.5", .amount(try! Money(cents: 1_250_050))),
        ("beneficiaires", "1 000 000", .integer(1_000_000)),
        ("beneficiaires", "1\u{202F}500", .integer(1_500)),
        ("beneficiaires", "0", .integer(0)),
        ("date_debut", "2022-12-31", .date("2022-12-31")),
        ("date_fin", "2024-02-29", .date("2024-02-29")),
        ("thematique", "insertion", .choice("insertion")),
        ("territoire", "departement:02", .territory(TerritoryKey(level: .departement, code: "02"))),
        ("territoire", "region:02", .territory(TerritoryKey(level: .region, code: "02"))),
        ("territoire", "Departement:2a", .territory(TerritoryKey(level: .departement, code: "2A"))),
        ("territoire", "departement:974", .territory(TerritoryKey(level: .departement, code: "974"))),
        ("deja_finance", "oui", .yesNo(true)),
        ("deja_finance", "NON", .yesNo(false)),
        ("budget_previsionnel", "3F2504E0-4F89-11D3-9A0C-0305E82C3301", .file("3F2504E0-4F89-11D3-9A0C-0305E82C3301")),
    ])
    func goodInputIsAccepted(key: String, input: String, expected: FieldValue) {
        let submission = FormSample.parse(key, input)
        #expect(submission.errors == [:])
        #expect(submission.values == [key: expected])
    }

    @Test(arguments: [
        ("titre", String(repeating: "a", count: 245), "200 caractères au plus (vous en avez saisi 245)."),
        ("description", String(repeating: "x", count: 4_001), "4 000 caractères au plus (vous en avez saisi 4 001)."),
        ("titre", "Épicerie\u{7}", "Le texte contient un caractère de contrôle invisible (U+0007) : retirez-le."),
        ("description", "Texte\u{0}nul", "Le texte contient un caractère de contrôle invisible (U+0000) : retirez-le."),
        (
            "titre", "Première ligne\nSeconde ligne",
            "Ce champ tient sur une seule ligne : retirez les retours à la ligne."
        ),
        ("montant_demande", "-5 000", "Montant invalide : un montant ne peut pas être négatif."),
        ("montant_demande", "99999999999999999999", "Montant invalide : ce nombre a trop de chiffres."),
        (
            "montant_demande", "douze mille",
            "Montant invalide : écrivez un montant en euros, par exemple 12 500 ou 12 500,50."
        ),
        (
            "montant_demande", "12 500,505",
            "Montant invalide : écrivez un montant en euros, par exemple 12 500 ou 12 500,50."
        ),
        ("montant_demande", "999,99", "Le montant doit être d'au moins 1 000 €."),
        ("montant_demande", "200 000,01", "Le montant ne peut pas dépasser 200 000 €."),
        ("budget_total", "50 000 000 000", "Le montant ne peut pas dépasser 10 000 000 €."),
        ("beneficiaires", "12,5", "Nombre invalide : écrivez un nombre entier, par exemple 12 ou 1 500."),
        ("beneficiaires", "1.500", "Nombre invalide : écrivez un nombre entier, par exemple 12 ou 1 500."),
        ("beneficiaires", "-3", "La valeur doit être d'au moins 0."),
        ("beneficiaires", "2 000 000", "La valeur ne peut pas dépasser 1 000 000."),
        ("beneficiaires", "99999999999999999999", "Nombre invalide : ce nombre a trop de chiffres."),
        ("date_debut", "2021-02-30", "La date « 2021-02-30 » n'existe pas."),
        ("date_debut", "2021-02-29", "La date « 2021-02-29 » n'existe pas."),
        ("date_debut", "2021-13-01", "La date « 2021-13-01 » n'existe pas."),
        ("date_debut", "2021-04-00", "La date « 2021-04-00 » n'existe pas."),
        (
            "date_debut", "15/01/2021",
            "Date invalide : choisissez-la dans le calendrier ou écrivez-la comme 2021-01-15."
        ),
        ("date_debut", "2021-1-15", "Date invalide : choisissez-la dans le calendrier ou écrivez-la comme 2021-01-15."),
        ("date_debut", "2020-12-31", "La date doit être au plus tôt le 1er janvier 2021."),
        ("date_debut", "2023-01-01", "La date doit être au plus tard le 31 décembre 2022."),
        ("thematique", "culture", "Choisissez une valeur proposée."),
        ("thematique", "Alimentation", "Choisissez une valeur proposée."),
        ("territoire", "departement:99", "Le département « 99 » n'existe pas."),
        ("territoire", "departement:2C", "Le département « 2C » n'existe pas."),
        ("territoire", "region:99", "La région « 99 » n'existe pas."),
        ("territoire", "national:FR", "Choisissez une région ou un département."),
        ("territoire", "02", "Choisissez un territoire dans la liste."),
        ("territoire", "commune:02408", "Choisissez un territoire dans la liste."),
        ("territoire", "departement:", "Choisissez un territoire dans la liste."),
        ("deja_finance", "peut-être", "Répondez par oui ou par non."),
        ("deja_finance", "true", "Répondez par oui ou par non."),
        ("budget_previsionnel", "att 42", "Pièce jointe invalide : déposez le fichier à nouveau."),
    ])
    func badInputIsRefusedWithItsMessage(key: String, input: String, message: String) {
        let submission = FormSample.parse(key, input)
        #expect(submission.errors == [key: message])
        #expect(submission.values[key] == nil)
        #expect(submission.raw[key] == [input])
    }

    @Test func tickedOptionsAreStoredOnceInTheOptionsOrder() {
        let submission = form.parse(["publics": ["jeunes", "familles", "jeunes", ""]])
        #expect(submission.values["publics"] == .choices(["familles", "jeunes"]))
    }

    @Test func tickingTooManyOptionsIsRefused() {
        let submission = form.parse(["publics": ["familles", "etudiants", "seniors", "jeunes"]])
        #expect(submission.errors["publics"] == "Choisissez au plus 3 réponses (vous en avez choisi 4).")
    }

    @Test func tickingAnOptionTheFormDoesNotOfferIsRefused() {
        let submission = form.parse(["publics": ["familles", "retraites"]])
        #expect(submission.errors["publics"] == "Choisissez parmi les valeurs proposées.")
    }

    @Test func blankInputMeansNoAnswer() {
        let submission = form.parse([
            "titre": ["   "], "montant_demande": [""], "publics": [], "deja_finance": ["", " "],
        ])
        #expect(submission.values == [:])
        #expect(submission.errors == [:])
    }

    @Test func keysOutsideTheFormAreIgnoredAndLeftOutOfRaw() {
        let submission = form.parse(["_csrf": ["jeton"], "montant": ["12"], "titre": ["Projet"]])
        #expect(submission.values == ["titre": .text("Projet")])
        #expect(submission.raw == ["titre": ["Projet"]])
    }

    @Test func typedTextIsKeptVerbatimForThePage() {
        let typed = "  12 5OO €  "
        let submission = form.parse(["montant_demande": [typed], "titre": [" Mon projet "]])
        #expect(submission.rawText("montant_demande") == typed)
        #expect(submission.rawText("titre") == " Mon projet ")
        #expect(submission.rawText("description") == "")
        #expect(submission.errors.keys.sorted() == ["montant_demande"])
    }

    @Test func twoDifferentAnswersToASingleQuestionAreRefused() {
        #expect(
            form.parse(["thematique": ["alimentation", "insertion"]]).errors["thematique"]
                == "Une seule réponse est attendue pour ce champ.")
        #expect(form.parse(["thematique": ["insertion", "insertion"]]).values["thematique"] == .choice("insertion"))
    }

    @Test func decomposedAccentsAreStoredComposed() {
        let decomposed = "E\u{301}picerie"  // É typed as E + combining acute accent
        let submission = form.parse(["titre": [decomposed]])
        guard case .text(let stored)? = submission.values["titre"] else {
            Issue.record("no text")
            return
        }
        #expect(Array(stored.unicodeScalars) == Array("\u{C9}picerie".unicodeScalars))
    }

    @Test func charactersAreCountedAsPeopleSeeThem() {
        let field = FormField(key: "devise", label: "Devise", type: .shortText(maxLength: 3))
        let form = FormDefinition(version: 1, fields: [field])
        #expect(form.parse(["devise": ["é👩‍👩‍👧🇫🇷"]]).errors == [:])
        #expect(form.parse(["devise": ["abcd"]]).errors["devise"] == "3 caractères au plus (vous en avez saisi 4).")
    }

    @Test func checkboxesAndRadiosAreRecheckedFromRaw() {
        let submission = form.parse(["publics": ["familles", "jeunes"], "deja_finance": ["oui"]])
        #expect(submission.isSelected("jeunes", in: "publics"))
        #expect(!submission.isSelected("seniors", in: "publics"))
        #expect(submission.isSelected("oui", in: "deja_finance"))
    }

    @Test func aSavedDraftRefillsTheInputsItCameFrom() {
        let restored = form.submission(restoring: FormSample.completeValues)
        #expect(restored.rawText("montant_demande") == "12 500,50")
        #expect(restored.rawText("territoire") == "departement:02")
        #expect(restored.rawText("deja_finance") == "non")
        #expect(restored.rawText("beneficiaires") == "1500")
        #expect(form.parse(restored.raw).values == FormSample.completeValues)
    }

    @Test func territoryFieldsProposeWhatTheyAcceptInTheFormEncoding() {
        let field = form.field("territoire")!
        let options = field.territoryOptions()
        #expect(options.count == 18 + 101)
        #expect(options.contains(FormOption(value: "region:32", label: "Hauts-de-France")))
        #expect(options.contains(FormOption(value: "departement:02", label: "02 – Aisne")))
        #expect(!options.contains { $0.value.hasPrefix("national:") })
        for option in options {
            #expect(form.parse(["territoire": [option.value]]).errors == [:])
        }
        let national = FormField(key: "portee", label: "Portée", type: .territory(levels: [.national]))
        #expect(national.territoryOptions() == [FormOption(value: "national:FR", label: "France entière")])
        #expect(form.field("titre")!.territoryOptions() == [])
    }

    @Test func territoryFormValueRoundTrips() {
        for key in [
            TerritoryKey(level: .national, code: "FR"), TerritoryKey(level: .region, code: "32"),
            TerritoryKey(level: .departement, code: "2B"),
        ] {
            #expect(TerritoryKey(formValue: key.formValue) == key)
        }
        #expect(TerritoryKey(formValue: "departement:02:x") == nil)
        #expect(TerritoryKey(formValue: "departement:0 2") == nil)
    }

    @Test func sectionsGroupConsecutiveFields() {
        let names = form.sections.map(\.name)
        #expect(names == ["Le projet", "Budget", nil])
        #expect(form.sections[1].fields.map(\.key) == ["budget_total", "montant_demande"])
        #expect(form.field("montant_demande")?.label == "Montant demandé")
        #expect(form.field("inconnu") == nil)
    }

    @Test func eachFieldHasTheStepOfItsSection() {
        #expect(form.step(of: form.sections[0].fields[0].key) == 1)
        #expect(form.step(of: "budget_total") == 2)
        #expect(form.step(of: "montant_demande") == 2)
        #expect(form.step(of: form.sections[2].fields[0].key) == 3)
        #expect(form.step(of: "inconnu") == nil)
    }
}
