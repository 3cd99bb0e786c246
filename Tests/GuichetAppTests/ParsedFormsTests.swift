import Foundation
import GuichetDomain
import Testing

@testable import GuichetApp

/// Forms are parsed once per stored text: the same text gives the same form, a rewritten text
/// its new form, a faulty text its error every time.
@Suite struct ParsedFormsTests {
    static func text(_ label: String) throws -> String {
        let form = FormDefinition(version: 1, fields: [FormField(key: "oui_non", label: label, type: .yesNo)])
        return String(decoding: try JSONEncoder().encode(form), as: UTF8.self)
    }

    @Test func aTextIsParsedOnceAndARewrittenTextGivesItsNewForm() throws {
        let cache = ParsedForms(capacity: 2)
        let first = try Self.text("Oui ?")
        #expect(try cache.form(first).fields.first?.label == "Oui ?")
        #expect(try cache.form(first) == (try FormDefinition(json: Data(first.utf8))))
        #expect(cache.count == 1)
        let rewritten = try Self.text("Vraiment ?")
        #expect(try cache.form(rewritten).fields.first?.label == "Vraiment ?")
        #expect(cache.count == 2)
        // Beyond its capacity the cache starts again; answers stay right.
        #expect(try cache.form(try Self.text("Encore ?")).fields.first?.label == "Encore ?")
        #expect(cache.count == 1)
        #expect(try cache.form(first).fields.first?.label == "Oui ?")
    }

    @Test func aFaultyTextThrowsEveryTimeAndIsNotKept() throws {
        let cache = ParsedForms(capacity: 4)
        for _ in 0..<2 {
            #expect(throws: DomainError.self) { try cache.form(#"{"version": 1, "fields": []}"#) }
            #expect(throws: DomainError.self) { try cache.form("pas du JSON") }
        }
        #expect(cache.count == 0)
    }
}
