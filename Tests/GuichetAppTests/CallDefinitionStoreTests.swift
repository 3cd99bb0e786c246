import Fluent
import Foundation
import GuichetDomain
import Testing
import VaporTesting

@testable import GuichetApp

/// Calls as files: the shipped ones load through the store and come back byte for byte; a call
/// exported from one database and imported into another is the same call; faulty files are
/// refused with the path of each error and nothing stored.
@Suite struct CallDefinitionStoreTests {
    static let agent = Agent.system("Essai")

    @Test func everyShippedCallFileLoadsAndExportsByteForByte() async throws {
        try await withGuichet(demo: false) { app in
            let references = try AppResources.shippedCalls()
            #expect(references == ["essai-hdf", "hdf-2021"])
            for reference in references {
                let file = try AppResources.callFile(reference)
                let definition = try CallDefinition.load(json: file)
                #expect(definition.reference == reference)
                let (model, changes) = try await CallDefinitionStore(database: app.db).save(definition, by: Self.agent)
                #expect(changes.isEmpty)
                #expect(model.callStatus == .draft)
                #expect(try await CallDefinitionStore(database: app.db).definition(of: model).json() == file)
            }
        }
    }

    @Test func exportThenImportIntoAnEmptyDatabaseGivesTheSameCall() async throws {
        var exported = Data()
        try await withGuichet { app in
            let model = try await CallRepository(database: app.db).find("hdf-2021")
            exported = try await CallDefinitionStore(database: app.db).definition(of: model).json()
            // The demo's call is its file, unchanged by replaying its history.
            #expect(exported == (try AppResources.callFile("hdf-2021")))
            // Importing it again changes nothing.
            guard
                case .amend(_, let changes) = try await CallDefinitionStore(database: app.db).plan(
                    CallDefinition.load(json: exported))
            else {
                Issue.record("the seed's call should exist")
                return
            }
            #expect(changes.isEmpty)
        }
        try await withGuichet(demo: false) { app in
            let definition = try CallDefinition.load(json: exported)
            guard case .create = try await CallDefinitionStore(database: app.db).plan(definition) else {
                Issue.record("an empty database has no call")
                return
            }
            let (model, _) = try await CallDefinitionStore(database: app.db).save(
                definition, status: .published, by: Self.agent)
            #expect(try await CallDefinitionStore(database: app.db).definition(of: model).json() == exported)
            let loaded = try await CallRepository(database: app.db).load(model)
            #expect(loaded.call.themes.count == 5)
            #expect(loaded.call.regionCode == "32")
            let ledger = try await ResultsService(database: app.db).ledger(loaded)
            #expect(
                ledger.lines.map(\.envelope.currentAmount.cents) == [
                    100_000_000_00, 33_333_333_33, 66_666_666_67, 6_600_000_00,
                ])
            let audit = try await AuditEntryModel.query(on: app.db).filter(\.$entityID == model.requireID()).all()
            #expect(audit.map(\.action) == ["create_call"])
        }
    }

    @Test func aFaultyDefinitionIsRefusedWithThePathOfEachErrorAndNothingStored() async throws {
        try await withGuichet(demo: false) { app in
            var definition = try CallDefinition.load(json: AppResources.callFile("hdf-2021"))
            definition.reference = "autre-2021"
            definition.envelopes[3].owner.siret = "12345678901234"
            definition.envelopes[3].revisions[1].amountCents = 90_000_000_000_00
            definition.themes.append(.init(code: "alimentation", label: "Doublon"))
            do {
                try await CallDefinitionStore(database: app.db).save(definition, by: Self.agent)
                Issue.record("a faulty definition was stored")
            } catch let DomainError.invalidCallDefinition(issues) {
                #expect(
                    Set(issues.map(\.path)) == ["themes[5].code", "envelopes[3].owner.siret", "envelopes[2].revisions"])
            }
            #expect(try await CallModel.query(on: app.db).count() == 0)
            #expect(try await EnvelopeModel.query(on: app.db).count() == 0)
        }
    }

    @Test func anAmendmentIsAuditedWithItsChangesAndKeepsTheCallsIdentity() async throws {
        try await withGuichet { app in
            let store = CallDefinitionStore(database: app.db)
            let model = try await CallRepository(database: app.db).find("hdf-2021")
            let id = try model.requireID()
            var definition = try await store.definition(of: model)
            definition.themes[1].label = "L'accès aux droits"
            definition.form.fields[2].type = .choice(
                options: definition.themes.map { FormOption(value: $0.code, label: $0.label) })
            definition.envelopes[3].revisions.append(
                .init(amountCents: 7_000_000_00, effectiveOn: "2021-05-01", reason: "Rallonge"))
            let (saved, changes) = try await store.save(definition, by: Self.agent)
            #expect(try saved.requireID() == id)
            #expect(
                changes.map(\.path) == [
                    "envelopes[3].revisions[2]", "form.fields[2].options[1].label", "themes[1].label",
                ])
            let entry = try #require(
                try await AuditEntryModel.query(on: app.db).filter(\.$entityID == id).filter(\.$action == "amend_call")
                    .first())
            #expect(
                entry.reason?.contains(
                    "themes[1].label : « L'accès aux droits et la lutte contre l'isolement » → « L'accès aux droits »")
                    == true)
            // Dossiers filed on form version 1 keep it; the changed form is version 2.
            #expect(try await CallRepository(database: app.db).currentForm(id)?.version == 2)
            #expect(
                try await DossierModel.query(on: app.db).filter(\.$call.$id == id).filter(\.$formVersion != 1).count()
                    == 0)
            // The wave published in April 2021 cannot be rewritten.
            definition.waves[0].label = "Autre libellé"
            await #expect(throws: DomainError.self) { try await store.save(definition, by: Self.agent) }
        }
    }

    /// The demo is data loaded through the same door as any call: nothing in the product's code
    /// names it. Only `Demo/` (and the executable that installs it) may.
    @Test func productionCodeNeverNamesTheDemo() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let pattern = try Regex(#"\b(Demo[A-Z]\w*|Demo\.|PracticeCall)\b"#)
        var offenders: [String] = []
        for folder in ["Sources/GuichetApp", "Sources/GuichetDomain"] {
            let base = root.appendingPathComponent(folder)
            guard let files = FileManager.default.enumerator(atPath: base.path) else { continue }
            for case let file as String in files where file.hasSuffix(".swift") && !file.hasPrefix("Demo/") {
                let text = try String(contentsOf: base.appendingPathComponent(file), encoding: .utf8)
                for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
                where line.contains(pattern) && !line.trimmingCharacters(in: .whitespaces).hasPrefix("//") {
                    offenders.append("\(folder)/\(file):\(number + 1)")
                }
            }
        }
        #expect(offenders.isEmpty, "production code names the demo: \(offenders)")
    }
}
