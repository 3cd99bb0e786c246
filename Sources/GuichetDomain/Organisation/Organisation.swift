import Foundation

/// An organisation carrying projects (an association, most often).
public struct Organisation: Sendable {
    public let id: UUID
    public var name: String
    public var legalForm: String
    public var siret: Siret?
    public var rna: RNA?
    public var departementCode: String?
    public var simulated: Bool

    public init(
        id: UUID, name: String, legalForm: String, siret: Siret?, rna: RNA?,
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

    /// Checks what registering an organisation through the web requires: a name, at least one
    /// identifier, and a known département when one is given.
    public func checkRegistrable(territories: TerritoryCatalog = .france) throws(DomainError) {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw .missingData(field: "nom", reason: "indiquez le nom de l'organisation.")
        }
        guard siret != nil || rna != nil else { throw .missingIdentifier }
        if let code = departementCode { _ = try territories.departement(code) }
    }
}

/// A SIRET: 14 digits whose Luhn key is valid, except La Poste's establishments (SIREN
/// 356 000 000), whose digits may add up to a multiple of 5 instead.
public struct Siret: Hashable, Sendable, Codable, CustomStringConvertible {
    public let value: String

    /// Parses a SIRET, ignoring spaces.
    /// - Throws: ``DomainError/invalidSiret(_:)``.
    public init(_ text: String) throws(DomainError) {
        let digits = text.filter { !$0.isWhitespace }
        // One rule for the form and the open-data file (La Poste's sum-by-5 exception included).
        guard SCDLSiret.isValid(digits) else { throw .invalidSiret(text) }
        self.value = digits
    }

    public var description: String { value }

    /// The SIREN (the organisation's first nine digits).
    public var siren: String { String(value.prefix(9)) }
}

/// An RNA number (*Répertoire national des associations*): `W` and nine digits.
public struct RNA: Hashable, Sendable, Codable, CustomStringConvertible {
    public let value: String

    /// Parses an RNA number, ignoring spaces and case.
    /// - Throws: ``DomainError/invalidRNA(_:)``.
    public init(_ text: String) throws(DomainError) {
        let cleaned = text.filter { !$0.isWhitespace }.uppercased()
        guard cleaned.count == 10, cleaned.hasPrefix("W"), cleaned.dropFirst().allSatisfy(\.isASCIIDigit) else {
            throw .invalidRNA(text)
        }
        self.value = cleaned
    }

    public var description: String { value }
}
