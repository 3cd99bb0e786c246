import Fluent
import Foundation
import GuichetDomain

/// Calls authored as data: each call gets its status (draft, published, archived), its scope
/// (national, a region, a département), its eligibility text and default committee; envelopes get
/// the stable key the definition names them by; stored forms declare the roles Guichet reads.
///
/// Existing calls were all public, so they become published; their scope comes from their region;
/// their envelopes are keyed by position (`e0`, `e1`…), and forms written before roles existed
/// get them on the keys Guichet used to read (`title`, `summary`, `theme`, `territory`,
/// `amount_requested`).
struct CreateCallDefinitions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.transaction { database in
            // One column per statement: SQLite adds a single column per ALTER TABLE.
            for (name, type) in [
                ("status", DatabaseSchema.DataType.string), ("scope", .string), ("eligibility", .string),
                ("committee", .string), ("updated_at", .datetime),
            ] {
                try await database.schema(CallModel.schema).field(.string(name), type).update()
            }
            try await database.schema(EnvelopeModel.schema).field("key", .string).update()
            // Only the columns that exist at this point of the history: the model has gained
            // others since (`revision`, migration 026), which a full select would ask for.
            for call in try await CallModel.query(on: database).field(\.$id).field(\.$regionCode).all() {
                call.status = CallStatus.published.rawValue
                call.scope = call.regionCode.map { CallScope.region($0).stored } ?? CallScope.national.stored
                call.eligibility = ""
                try await call.save(on: database)
            }
            for envelope in try await EnvelopeModel.query(on: database).all() {
                envelope.key = "e\(envelope.position)"
                try await envelope.save(on: database)
            }
            try await Indexes.create(
                "envelopes_call_key", on: EnvelopeModel.schema, ["call_id", "key"], unique: true, database)
            try await Indexes.create("calls_status", on: CallModel.schema, ["status"], database)
            for form in try await CallFormModel.query(on: database).all() {
                guard var definition = try? JSONDecoder().decode(FormDefinition.self, from: Data(form.definition.utf8))
                else { continue }
                let legacy: [String: FieldRole] = [
                    "title": .title, "summary": .summary, "theme": .theme,
                    "territory": .territory, "amount_requested": .amountRequested,
                ]
                for index in definition.fields.indices where definition.fields[index].role == nil {
                    definition.fields[index].role = legacy[definition.fields[index].key]
                }
                form.definition = String(decoding: try JSONEncoder().encode(definition), as: UTF8.self)
                try await form.save(on: database)
            }
        }
    }

    func revert(on database: any Database) async throws {
        try await Indexes.drop("calls_status", database)
        try await Indexes.drop("envelopes_call_key", database)
        try await database.schema(EnvelopeModel.schema).deleteField("key").update()
        for field in ["updated_at", "committee", "eligibility", "scope", "status"] {
            try await database.schema(CallModel.schema).deleteField(.string(field)).update()
        }
    }
}
