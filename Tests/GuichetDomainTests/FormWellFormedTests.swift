import Foundation
import Testing

@testable import GuichetDomain

@Suite struct FormWellFormedTests {
    private func errors(_ definition: FormDefinition) -> [String: String] {
        do {
            try definition.checkWellFormed()
            return [:]
        } catch {
            guard case .invalidForm(let errors) = error else { return ["?": error.message] }
            return errors
        }
    }

    private func form(_ fields: FormField..., rules: [FormRule] = []) -> FormDefinition {
        FormDefinition(version: 1, fields: fields, rules: rules)
    }

    private let start = FormField(key: "debut", label: "Début", type: .date(notBefore: nil, notAfter: nil))
    private let end = FormField(key: "fin", label: "Fin", type: .date(notBefore: nil, notAfter: nil))
    private let amount = FormField(key: "montant", label: "Montant", type: .amount(min: nil, max: nil))
    private let title = FormField(key: "titre", label: "Titre", type: .shortText(maxLength: 100))

    @Test func theSampleFormIsWellFormed() throws {
        try FormSample.definition.checkWellFormed()
    }

    @Test func duplicateKeysAreRefused() {
        #expect(errors(form(title, start, title)) == ["fields[2]": "La clé « titre » est déjà celle d'un autre champ."])
    }

    @Test(arguments: [
        "", "Titre", "montant-demande", "1er_champ", "éligible", "a b", String(repeating: "a", count: 65),
    ])
    func badlyWrittenKeysAreRefused(key: String) {
        let field = FormField(key: key, label: "Libellé", type: .yesNo)
        #expect(
            errors(form(field))["fields[0]"]?.hasPrefix("La clé « \(key) » doit commencer par une lettre minuscule")
                == true)
    }

    @Test(arguments: [
        (FieldType.choice(options: []), "Une question à choix doit proposer au moins une option."),
        (
            .multipleChoice(options: [], minCount: 0, maxCount: nil),
            "Une question à choix doit proposer au moins une option."
        ),
        (
            .choice(options: [FormOption(value: "a", label: "A"), FormOption(value: "a", label: "Autre A")]),
            "L'option « a » apparaît plusieurs fois."
        ),
        (
            .choice(options: [FormOption(value: " a", label: "A")]),
            "Chaque option doit avoir une valeur sans espace autour et un libellé."
        ),
        (
            .choice(options: [FormOption(value: "a", label: " ")]),
            "Chaque option doit avoir une valeur sans espace autour et un libellé."
        ),
        (
            .multipleChoice(options: [FormOption(value: "a", label: "A")], minCount: 2, maxCount: nil),
            "Nombres de réponses incohérents : au moins 2, au plus toutes, pour 1 option."
        ),
        (
            .multipleChoice(
                options: [FormOption(value: "a", label: "A"), FormOption(value: "b", label: "B")], minCount: 2,
                maxCount: 1),
            "Nombres de réponses incohérents : au moins 2, au plus 1, pour 2 options."
        ),
        (.shortText(maxLength: 0), "La longueur maximale doit être d'au moins 1 caractère."),
        (.amount(min: FormSample.euros(10), max: FormSample.euros(5)), "Le minimum (10 €) dépasse le maximum (5 €)."),
        (.integer(min: 2_000, max: 1_000), "Le minimum (2 000) dépasse le maximum (1 000)."),
        (
            .date(notBefore: "2021-02-30", notAfter: nil),
            "La borne « 2021-02-30 » n'est pas une date existante écrite AAAA-MM-JJ."
        ),
        (
            .date(notBefore: "2022-01-01", notAfter: "2021-01-01"),
            "Le minimum (2022-01-01) dépasse le maximum (2021-01-01)."
        ),
        (.territory(levels: []), "Indiquez au moins un niveau de territoire (national, region, departement)."),
        (.file(maxBytes: 0, kinds: ["pdf"]), "La taille maximale d'un fichier doit être positive."),
        (.file(maxBytes: nil, kinds: []), "Indiquez au moins un type de fichier accepté (pdf, image, office…)."),
    ])
    func incoherentFieldsAreRefused(type: FieldType, message: String) {
        #expect(errors(form(FormField(key: "champ", label: "Champ", type: type))) == ["champ": message])
    }

    @Test func emptyLabelsAreRefused() {
        #expect(
            errors(form(FormField(key: "champ", label: "  ", type: .yesNo))) == [
                "champ": "Le libellé du champ est vide."
            ])
    }

    @Test(arguments: [
        (
            FormRule.dateOrder(start: "debut", end: "absente"),
            "La règle porte sur le champ « absente », absent du formulaire."
        ),
        (
            .dateOrder(start: "debut", end: "montant"),
            "La règle porte sur le champ « montant », qui n'est pas un champ de type date."
        ),
        (
            .amountAtMost("montant", other: "debut"),
            "La règle porte sur le champ « debut », qui n'est pas un champ de type montant."
        ),
        (
            .amountAtMost("titre", other: "montant"),
            "La règle porte sur le champ « titre », qui n'est pas un champ de type montant."
        ),
        (.dateOrder(start: "fin", end: "fin"), "La règle compare le champ « fin » à lui-même."),
    ])
    func rulesMustPointAtFieldsOfTheRightType(rule: FormRule, message: String) {
        let definition = form(title, start, end, amount, rules: [.dateOrder(start: "debut", end: "fin"), rule])
        #expect(errors(definition) == ["rules[1]": message])
    }

    @Test func everyProblemIsReportedAtOnce() {
        let definition = FormDefinition(
            version: 0, fields: [FormField(key: "choix", label: "Choix", type: .choice(options: [])), title],
            rules: [.amountAtMost("montant", other: "titre")])
        #expect(
            errors(definition) == [
                "version": "La version du formulaire doit être un entier positif.",
                "choix": "Une question à choix doit proposer au moins une option.",
                "rules[0]": "La règle porte sur le champ « montant », absent du formulaire.",
            ])
        #expect(errors(FormDefinition(version: 1, fields: [])) == ["fields": "Le formulaire ne contient aucun champ."])
    }
}
