import Foundation
import Testing

@testable import GuichetDomain

@Suite struct FormCodingTests {
    private func encoded<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    private func decoded<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(json.utf8))
    }

    @Test func aDefinitionWithEveryFieldTypeSurvivesStorage() throws {
        let definition = FormSample.definition
        let data = try JSONEncoder().encode(definition)
        #expect(try JSONDecoder().decode(FormDefinition.self, from: data) == definition)
        #expect(
            Set(definition.fields.map(\.type.kind)) == [
                "short_text", "long_text", "amount", "integer", "date",
                "choice", "multiple_choice", "territory", "yes_no", "file",
            ])
    }

    @Test func storedValuesSurviveStorage() throws {
        let data = try JSONEncoder().encode(FormSample.completeValues)
        #expect(try JSONDecoder().decode([String: FieldValue].self, from: data) == FormSample.completeValues)
    }

    @Test func aDefinitionWrittenByHandIsRead() throws {
        let json = """
            {
              "version": 3,
              "fields": [
                {"key": "titre", "label": "Titre du projet", "required": true, "type": "short_text", "max_length": 200,
                 "section": "Le projet"},
                {"key": "description", "label": "Description", "help": "En quelques lignes.", "type": "long_text", "max_length": 4000},
                {"key": "budget_total", "label": "Budget total", "required": true, "type": "amount", "max_cents": 1000000000},
                {"key": "montant_demande", "label": "Montant demandé", "required": true, "type": "amount",
                 "min_cents": 100000, "max_cents": 20000000},
                {"key": "beneficiaires", "label": "Bénéficiaires", "type": "integer", "min": 0},
                {"key": "date_debut", "label": "Début", "type": "date", "not_before": "2021-01-01", "not_after": "2022-12-31"},
                {"key": "date_fin", "label": "Fin", "type": "date"},
                {"key": "thematique", "label": "Thématique", "type": "choice",
                 "options": [{"value": "alimentation", "label": "Alimentation"}]},
                {"key": "publics", "label": "Publics", "type": "multiple_choice", "max_count": 2,
                 "options": [{"value": "familles", "label": "Familles"}, {"value": "jeunes", "label": "Jeunes"}]},
                {"key": "territoire", "label": "Territoire", "type": "territory", "levels": ["departement", "region"]},
                {"key": "deja_finance", "label": "Déjà financé", "type": "yes_no"},
                {"key": "budget_pdf", "label": "Budget", "type": "file", "kinds": ["pdf"], "max_bytes": 20000000}
              ],
              "rules": [
                {"type": "date_order", "start": "date_debut", "end": "date_fin"},
                {"type": "amount_at_most", "field": "montant_demande", "other": "budget_total",
                 "message": "Le montant demandé ne peut pas dépasser le budget total du projet."}
              ]
            }
            """
        let definition = try FormDefinition(json: Data(json.utf8))
        #expect(definition.version == 3)
        #expect(
            definition.fields.map(\.type) == [
                .shortText(maxLength: 200),
                .longText(maxLength: 4_000),
                .amount(min: nil, max: FormSample.euros(10_000_000)),
                .amount(min: FormSample.euros(1_000), max: FormSample.euros(200_000)),
                .integer(min: 0, max: nil),
                .date(notBefore: "2021-01-01", notAfter: "2022-12-31"),
                .date(notBefore: nil, notAfter: nil),
                .choice(options: [FormOption(value: "alimentation", label: "Alimentation")]),
                .multipleChoice(
                    options: [
                        FormOption(value: "familles", label: "Familles"), FormOption(value: "jeunes", label: "Jeunes"),
                    ],
                    minCount: 0, maxCount: 2),
                .territory(levels: [.region, .departement]),
                .yesNo,
                .file(maxBytes: 20_000_000, kinds: ["pdf"]),
            ])
        #expect(definition.fields[0].required && definition.fields[0].section == "Le projet")
        #expect(!definition.fields[1].required && definition.fields[1].help == "En quelques lignes.")
        #expect(
            definition.rules == [
                .dateOrder(start: "date_debut", end: "date_fin"),
                .amountAtMost(
                    "montant_demande", other: "budget_total",
                    message: "Le montant demandé ne peut pas dépasser le budget total du projet."),
            ])
    }

    @Test func aFieldIsWrittenAsOneFlatObject() throws {
        let field = FormField(
            key: "montant_demande", label: "Montant demandé", required: true,
            type: .amount(min: FormSample.euros(1_000), max: nil), section: "Budget")
        #expect(
            try encoded(field)
                == #"{"key":"montant_demande","label":"Montant demandé","min_cents":100000,"required":true,"section":"Budget","type":"amount"}"#
        )
    }

    @Test(arguments: [
        (FieldType.shortText(maxLength: 80), #"{"max_length":80,"type":"short_text"}"#),
        (.integer(min: nil, max: 12), #"{"max":12,"type":"integer"}"#),
        (.date(notBefore: "2021-01-01", notAfter: nil), #"{"not_before":"2021-01-01","type":"date"}"#),
        (
            .multipleChoice(options: [FormOption(value: "a", label: "A")], minCount: 1, maxCount: nil),
            #"{"min_count":1,"options":[{"label":"A","value":"a"}],"type":"multiple_choice"}"#
        ),
        (
            .territory(levels: [.departement, .national, .region]),
            #"{"levels":["national","region","departement"],"type":"territory"}"#
        ),
        (.yesNo, #"{"type":"yes_no"}"#),
        (.file(maxBytes: nil, kinds: ["pdf", "image"]), #"{"kinds":["pdf","image"],"type":"file"}"#),
    ])
    func fieldTypesKeepTheirStoredShape(type: FieldType, json: String) throws {
        #expect(try encoded(type) == json)
        #expect(try decoded(FieldType.self, json) == type)
    }

    @Test(arguments: [
        (FieldValue.text("Épicerie"), #"{"type":"text","value":"Épicerie"}"#),
        (.amount(try! Money(cents: 1_250_050)), #"{"cents":1250050,"type":"amount"}"#),
        (.integer(-3), #"{"type":"integer","value":-3}"#),
        (.date("2021-01-15"), #"{"type":"date","value":"2021-01-15"}"#),
        (.choice("alimentation"), #"{"type":"choice","value":"alimentation"}"#),
        (.choices(["familles", "jeunes"]), #"{"type":"choices","values":["familles","jeunes"]}"#),
        (
            .territory(TerritoryKey(level: .departement, code: "02")),
            #"{"code":"02","level":"departement","type":"territory"}"#
        ),
        (.yesNo(true), #"{"type":"yes_no","value":true}"#),
        (.file("att-42"), #"{"attachment":"att-42","type":"file"}"#),
    ])
    func valuesKeepTheirStoredShape(value: FieldValue, json: String) throws {
        #expect(try encoded(value) == json)
        #expect(try decoded(FieldValue.self, json) == value)
    }

    @Test func rulesKeepTheirStoredShape() throws {
        #expect(
            try encoded(FormRule.dateOrder(start: "a", end: "b")) == #"{"end":"b","start":"a","type":"date_order"}"#)
        #expect(
            try encoded(FormRule.amountAtMost("a", other: "b", message: "Trop."))
                == #"{"field":"a","message":"Trop.","other":"b","type":"amount_at_most"}"#)
    }

    @Test func leftOutKeysTakeTheirDefaults() throws {
        let definition = try decoded(
            FormDefinition.self, #"{"version":1,"fields":[{"key":"oui_non","label":"Oui ?","type":"yes_no"}]}"#)
        #expect(
            definition == FormDefinition(version: 1, fields: [FormField(key: "oui_non", label: "Oui ?", type: .yesNo)]))
        #expect(try decoded(FieldType.self, #"{"type":"amount","min_cents":null}"#) == .amount(min: nil, max: nil))
    }

    @Test(arguments: [
        #"{"type":"colour"}"#,
        #"{"type":"amount","min_cents":-1}"#,
        #"{"type":"short_text"}"#,
        #"{"type":"territory","levels":["commune"]}"#,
    ])
    func unknownOrBrokenTypesAreRefused(json: String) {
        #expect(throws: DecodingError.self) { try decoded(FieldType.self, json) }
    }

    @Test func brokenValuesAreRefused() {
        #expect(throws: DecodingError.self) { try decoded(FieldValue.self, #"{"type":"amount","cents":-100}"#) }
        #expect(throws: DecodingError.self) { try decoded(FieldValue.self, #"{"type":"money","cents":100}"#) }
    }

    @Test func unreadableDefinitionsSayWhere() {
        #expect(
            throws: DomainError.invalidForm(errors: [
                "definition": "Définition de formulaire illisible : le JSON est invalide."
            ])
        ) {
            try FormDefinition(json: Data("{".utf8))
        }
        #expect(
            throws: DomainError.invalidForm(errors: [
                "definition": "Définition de formulaire illisible (à fields[0]) : la clé « label » manque."
            ])
        ) {
            try FormDefinition(json: Data(#"{"version":1,"fields":[{"key":"a","type":"yes_no"}]}"#.utf8))
        }
    }

    @Test func readingJSONAlsoChecksTheDefinition() {
        let json = #"{"version":1,"fields":[{"key":"choix","label":"Choix","type":"choice","options":[]}]}"#
        #expect(
            throws: DomainError.invalidForm(errors: ["choix": "Une question à choix doit proposer au moins une option."]
            )
        ) {
            try FormDefinition(json: Data(json.utf8))
        }
    }
}
