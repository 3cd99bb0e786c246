import Foundation
import Testing

@testable import GuichetDomain

@Suite struct FormCanonicalTextTests {
    let form = FormSample.definition

    @Test func answersAreWrittenInFormOrderTheFrenchWay() {
        let text = form.canonicalText(
            values: FormSample.completeValues,
            attachments: ["att-42": "budget.pdf (120 ko, SHA-256 9f86d081…)"])
        #expect(
            text == """
                Titre du projet : Épicerie solidaire de Laon
                Description : Une épicerie à prix solidaires.
                  Ouverte trois jours par semaine.
                Budget total du projet : 150 000 €
                Montant demandé : 12 500,50 €
                Nombre de bénéficiaires : 1 500
                Date de début : 1er mars 2021
                Date de fin : 15 janvier 2022
                Thématique : Alimentation
                Publics : Familles ; Étudiants
                Territoire : Aisne (département 02)
                Déjà financé : non
                Budget prévisionnel : budget.pdf (120 ko, SHA-256 9f86d081…)
                """)
    }

    @Test func theTextDependsOnlyOnTheAnswers() {
        let reference = form.canonicalText(values: FormSample.completeValues)
        // Same answers, inserted in another order, with a decomposed accent and an unknown key.
        var values: [String: FieldValue] = ["champ_supprime": .text("ignoré")]
        for (key, value) in FormSample.completeValues.sorted(by: { $0.key > $1.key }) { values[key] = value }
        values["titre"] = .text("E\u{301}picerie solidaire de Laon")
        for _ in 0..<5 {
            #expect(form.canonicalText(values: values) == reference)
        }
        #expect(Array(reference.utf8) == Array(form.canonicalText(values: values).utf8))
        #expect(form.canonicalText(values: form.parse(FormSample.complete).values) == reference)
    }

    @Test func changingAnAnswerChangesTheText() {
        var values = FormSample.completeValues
        values["montant_demande"] = .amount(FormSample.euros(12_500))
        #expect(form.canonicalText(values: values) != form.canonicalText(values: FormSample.completeValues))
    }

    @Test func unansweredFieldsAreLeftOut() {
        let values: [String: FieldValue] = [
            "deja_finance": .yesNo(true), "titre": .text(""),
            "territoire": .territory(TerritoryKey(level: .region, code: "32")),
        ]
        #expect(form.canonicalText(values: values) == "Territoire : Hauts-de-France (région 32)\nDéjà financé : oui")
        #expect(form.canonicalText(values: [:]) == "")
    }

    @Test func noAnswerCanPassForAnotherFieldsLine() {
        let values: [String: FieldValue] = ["description": .text("Rien\nMontant demandé : 1 €")]
        #expect(form.canonicalText(values: values) == "Description : Rien\n  Montant demandé : 1 €")
    }

    @Test func answersThatNoLongerFitAreStillWritten() {
        let values: [String: FieldValue] = [
            "thematique": .choice("culture"),
            "territoire": .territory(TerritoryKey(level: .departement, code: "99")),
            "budget_previsionnel": .file("att-7"),
        ]
        #expect(
            form.canonicalText(values: values)
                == "Thématique : culture\nTerritoire : département 99\nBudget prévisionnel : pièce jointe att-7")
    }
}
