import Fluent
import Foundation
import SQLKit
import Testing

@testable import GuichetApp

/// Models read by plain SQL (``ModelRows``) are the models Fluent reads: same values, parents
/// loaded, and they save as rows read from the database (an update, never a second row).
@Suite struct ModelRowsTests {
    /// A model's stored values as JSON, to compare two reads of it.
    static func values<M: Model>(_ model: M) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(model), as: UTF8.self)
    }

    @Test func aRowReadByPlainSQLHoldsWhatFluentReads() async throws {
        try await withGuichet { app in
            let db = app.db
            let dossiers = try await DossierModel.query(on: db).sort(\.$id).limit(20).all()
            #expect(dossiers.count == 20)
            for dossier in dossiers {
                let read = try #require(try await ModelRows.find(DossierModel.self, dossier.requireID(), on: db))
                #expect(try Self.values(read) == Self.values(dossier))
            }
            let users = try await UserModel.query(on: db).sort(\.$id).all()
            let plain = try await ModelRows.all(UserModel.self, "ORDER BY m.id", on: db)
            #expect(try plain.map(Self.values) == users.map(Self.values))
            #expect(try await ModelRows.find(UserModel.self, UUID(), on: db) == nil)
            let none = try await ModelRows.first(
                UserModel.self, "WHERE m.email = \(bind: "personne@exemple.fr")", on: db)
            #expect(none == nil)
        }
    }

    @Test func parentsComeWithTheirRowsInOneStatement() async throws {
        try await withGuichet { app in
            let db = app.db
            let opinions = try await OpinionModel.query(on: db).with(\.$author).sort(\.$id).all()
            #expect(!opinions.isEmpty)
            let plain = try await ModelRows.all(OpinionModel.self, with: \.$author, "ORDER BY m.id", on: db)
            #expect(try plain.map(Self.values) == opinions.map(Self.values))
            #expect(try plain.map { try Self.values($0.author) } == opinions.map { try Self.values($0.author) })
        }
    }

    @Test func aLeftJoinWithoutParentGivesNone() async throws {
        try await withGuichet { app in
            let db = app.db
            let user = try #require(try await UserModel.query(on: db).first())
            for (hash, owner) in [("sans-personne", nil), ("avec-personne", try user.requireID())] {
                let row = SessionModel()
                (row.keyHash, row.data, row.userID, row.createdAt, row.seenAt) = (hash, "{}", owner, Date(), Date())
                try await row.create(on: db)
            }
            let rows = try await ModelRows.allWithParent(
                SessionModel.self, UserModel.self, on: "user_id", join: .left,
                "WHERE m.key_hash IN ('sans-personne', 'avec-personne') ORDER BY m.key_hash", on: db)
            #expect(rows.map(\.0.keyHash) == ["avec-personne", "sans-personne"])
            #expect(rows.map { $0.1?.email } == [user.email, nil])
        }
    }

    @Test func aModelReadByPlainSQLSavesAsAnUpdate() async throws {
        try await withGuichet { app in
            let db = app.db
            let before = try await DossierModel.query(on: db).count()
            let id = try #require(try await DossierModel.query(on: db).first()?.requireID())
            let read = try #require(try await ModelRows.find(DossierModel.self, id, on: db))
            read.title = "Titre changé par un test"
            try await read.save(on: db)
            #expect(try await DossierModel.query(on: db).count() == before)
            #expect(try await DossierModel.find(id, on: db)?.title == "Titre changé par un test")
        }
    }
}
