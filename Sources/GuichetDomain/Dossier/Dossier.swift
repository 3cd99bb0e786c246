import Foundation

/// A project dossier filed by an organisation in answer to a call.
public struct Dossier: Sendable {
    public let id: UUID
    /// The receipt number given at filing (`HDF-2021-0001`); `nil` for a draft.
    public var number: String?
    public var title: String
    public var summary: String
    public var themeCode: String
    public var scope: Scope
    public var requestedAmount: Money
    public var status: DossierStatus
    public var filedAt: Date?
    /// Generated or invented data (demo dossiers), to be marked so wherever shown.
    public var simulated: Bool

    public init(
        id: UUID, number: String? = nil, title: String, summary: String, themeCode: String,
        scope: Scope, requestedAmount: Money, status: DossierStatus = .draft,
        filedAt: Date? = nil, simulated: Bool = false
    ) {
        self.id = id
        self.number = number
        self.title = title
        self.summary = summary
        self.themeCode = themeCode
        self.scope = scope
        self.requestedAmount = requestedAmount
        self.status = status
        self.filedAt = filedAt
        self.simulated = simulated
    }

    /// Checks that the dossier holds what filing requires: a title, a summary, a theme of the
    /// call, a valid scope and a positive requested amount.
    public func checkComplete(for call: Call, territories: TerritoryCatalog) throws(DomainError) {
        guard !title.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw .missingData(field: "titre", reason: "le projet doit avoir un titre.")
        }
        guard !summary.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw .missingData(field: "résumé", reason: "décrivez le projet en quelques lignes.")
        }
        _ = try call.theme(themeCode)
        try territories.validate(scope)
        try call.checkWithinRegion(scope, territories: territories)
        guard requestedAmount > .zero else {
            throw .missingData(field: "montant demandé", reason: "indiquez un montant supérieur à zéro.")
        }
    }
}

/// The human receipt number of a filed dossier: the call's prefix and a four-digit sequence.
public enum ReceiptNumber {
    /// `make(prefix: "HDF-2021", sequence: 288)` → `HDF-2021-0288`.
    public static func make(prefix: String, sequence: Int) -> String {
        let digits = String(sequence)
        return "\(prefix)-\(String(repeating: "0", count: max(0, 4 - digits.count)))\(digits)"
    }
}
