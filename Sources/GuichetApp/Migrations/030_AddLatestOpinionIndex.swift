import Fluent

/// `opinions_dossier_latest` on `(dossier_id, created_at, id)`: a dossier's latest opinion is the
/// last entry of its part of the index, found without sorting — the board reads it for each of
/// its hundred rows, the dossier page lists them in that order. It replaces `opinions_dossier`,
/// its prefix.
struct AddLatestOpinionIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await Indexes.create(
            "opinions_dossier_latest", on: OpinionModel.schema, ["dossier_id", "created_at", "id"], database)
        try await Indexes.drop("opinions_dossier", database)
    }

    func revert(on database: any Database) async throws {
        try await Indexes.create("opinions_dossier", on: OpinionModel.schema, ["dossier_id"], database)
        try await Indexes.drop("opinions_dossier_latest", database)
    }
}
