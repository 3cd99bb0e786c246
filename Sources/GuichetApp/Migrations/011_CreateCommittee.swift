import Fluent

/// Committee sessions, their members and attendance, and the decisions staged during a session
/// before they are applied together as a wave.
struct CreateCommittee: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.transaction { database in
            try await database.schema(CommitteeSessionModel.schema)
                .id()
                .field("call_id", .uuid, .required, .references(CallModel.schema, "id", onDelete: .cascade))
                .field("wave_id", .uuid, .required, .references(WaveModel.schema, "id"))
                .field("title", .string, .required)
                .field("held_on", .datetime, .required)
                .field("scope", .string, .required)
                .field("quorum", .int, .required)
                .field("status", .string, .required)
                .field("created_by", .uuid, .required)
                .field("created_at", .datetime, .required)
                .field("applied_at", .datetime)
                .field("applied_by", .uuid)
                .create()
            try await Indexes.create(
                "committee_sessions_call", on: CommitteeSessionModel.schema, ["call_id", "held_on"], database)
            try await database.schema(CommitteeMemberModel.schema)
                .id()
                .field(
                    "session_id", .uuid, .required, .references(CommitteeSessionModel.schema, "id", onDelete: .cascade)
                )
                .field("user_id", .uuid, .required, .references(UserModel.schema, "id"))
                .field("is_chair", .bool, .required)
                .field("present", .bool, .required)
                .unique(on: "session_id", "user_id")
                .create()
            try await Indexes.create("committee_members_user", on: CommitteeMemberModel.schema, ["user_id"], database)
            try await database.schema(StagedDecisionModel.schema)
                .id()
                .field(
                    "session_id", .uuid, .required, .references(CommitteeSessionModel.schema, "id", onDelete: .cascade)
                )
                .field("dossier_id", .uuid, .required, .references(DossierModel.schema, "id", onDelete: .cascade))
                .field("outcome", .string, .required)
                .field("granted_cents", .int64, .required)
                .field("motive", .string)
                .field("staged_by", .uuid, .required)
                .field("staged_at", .datetime, .required)
                .unique(on: "session_id", "dossier_id")
                .create()
            try await Indexes.create(
                "staged_decisions_dossier", on: StagedDecisionModel.schema, ["dossier_id"], database)
        }
    }

    func revert(on database: any Database) async throws {
        for index in ["staged_decisions_dossier", "committee_members_user", "committee_sessions_call"] {
            try await Indexes.drop(index, database)
        }
        try await database.schema(StagedDecisionModel.schema).delete()
        try await database.schema(CommitteeMemberModel.schema).delete()
        try await database.schema(CommitteeSessionModel.schema).delete()
    }
}
