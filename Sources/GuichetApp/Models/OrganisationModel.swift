import Fluent
import Foundation

/// An organisation carrying dossiers (`organisations`).
final class OrganisationModel: Model, @unchecked Sendable {
    static let schema = "organisations"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "legal_form") var legalForm: String
    @OptionalField(key: "siret") var siret: String?
    @OptionalField(key: "rna") var rna: String?
    @OptionalField(key: "departement_code") var departementCode: String?
    @OptionalField(key: "address") var address: String?
    @OptionalField(key: "postcode") var postcode: String?
    @OptionalField(key: "city") var city: String?
    @Field(key: "simulated") var simulated: Bool
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    /// Listed by hand: see ``ListedFields``.
    var properties: [any AnyProperty] {
        [$id, $name, $legalForm, $siret, $rna, $departementCode, $address, $postcode, $city, $simulated, $createdAt]
    }

    init() {}

    init(
        id: UUID? = nil, name: String, legalForm: String, siret: String?, rna: String?,
        departementCode: String?, simulated: Bool
    ) {
        self.id = id
        self.name = name
        self.legalForm = legalForm
        self.siret = siret
        self.rna = rna
        self.departementCode = departementCode
        self.simulated = simulated
    }
}
