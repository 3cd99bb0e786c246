import Fluent
import Foundation

/// One scope of a staff member (`staff_scopes`): `departement:02`, `region:32`, `national`,
/// `service:DRAAF:alimentation` (see ``GuichetDomain/StaffScope``).
final class StaffScopeModel: Model, @unchecked Sendable {
    static let schema = "staff_scopes"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: UserModel
    @Field(key: "scope") var scope: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(userID: UUID, scope: String) {
        self.$user.id = userID
        self.scope = scope
    }
}
