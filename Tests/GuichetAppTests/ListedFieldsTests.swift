import Fluent
import Foundation
import Testing

@testable import GuichetApp

/// Each model's hand-written list of property wrappers (``ListedFields``) is exactly what
/// Fluent's reflection would find, in the same order; no model class is left out.
@Suite struct ListedFieldsTests {
    @Test func everyModelListsEachOfItsWrappersOnceInDeclarationOrder() {
        for type in ListedFields.models {
            let model = type.init()
            let reflected = Mirror(reflecting: model).children.compactMap { $0.value as? any AnyProperty }
            let listed = model.properties
            #expect(
                listed.map { ObjectIdentifier($0 as AnyObject) } == reflected.map { ObjectIdentifier($0 as AnyObject) },
                "\(type): \(listed.count) listed, \(reflected.count) declared")
        }
    }

    @Test func everyModelClassOfTheSourcesIsListed() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/GuichetApp")
        let files =
            FileManager.default.enumerator(atPath: sources.path)?.compactMap { $0 as? String }.filter {
                $0.hasSuffix(".swift")
            } ?? []
        let declaration = try Regex(#"final class (\w+): Model\b"#)
        var declared: Set<String> = []
        for file in files {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            for match in text.matches(of: declaration) {
                if let name = match.output[1].substring { declared.insert(String(name)) }
            }
        }
        let listed = Set(ListedFields.models.map { String(describing: $0) })
        #expect(declared.count >= 39)
        #expect(declared == listed, "not listed: \(declared.subtracting(listed).sorted())")
    }
}
