import Foundation

/// A dossier as the selection committee weighs it: what it asks, from which envelope, its score.
///
/// Only what the proposal needs is kept, so that an instance can be exported, shared with another
/// tool and solved again without the database.
public struct PortfolioDossier: Equatable, Sendable, Codable {
    /// The dossier's identifier, as the instance names it.
    public var id: String
    /// The leaf envelope the dossier draws on.
    public var envelope: String
    /// The theme code, for theme shares.
    public var theme: String
    /// The INSEE département code, or `nil` for regional and national dossiers.
    public var departement: String?
    /// The requested amount in cents.
    public var requestedCents: Int64
    /// The aggregate score in hundredths of a point, 0…10000.
    public var score: Int

    /// Creates a dossier.
    public init(id: String, envelope: String, theme: String, departement: String?, requestedCents: Int64, score: Int) {
        self.id = id
        self.envelope = envelope
        self.theme = theme
        self.departement = departement
        self.requestedCents = requestedCents
        self.score = score
    }

    enum CodingKeys: String, CodingKey { case id, envelope, theme, departement, requestedCents, score }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(envelope, forKey: .envelope)
        try container.encode(theme, forKey: .theme)
        try container.encode(departement, forKey: .departement)  // null stays visible in the file
        try container.encode(requestedCents, forKey: .requestedCents)
        try container.encode(score, forKey: .score)
    }
}

/// An envelope of the tree, with what is left to commit on it.
///
/// A dossier's amount counts against its envelope and every ancestor, as in ``EnvelopeLedger``.
public struct PortfolioEnvelope: Equatable, Sendable, Codable {
    /// The envelope's identifier.
    public var id: String
    /// The parent envelope, `nil` for the root.
    public var parent: String?
    /// What is left to commit, in cents.
    public var remainingCents: Int64

    /// Creates an envelope.
    public init(id: String, parent: String?, remainingCents: Int64) {
        self.id = id
        self.parent = parent
        self.remainingCents = remainingCents
    }

    enum CodingKeys: String, CodingKey { case id, parent, remainingCents }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(parent, forKey: .parent)
        try container.encode(remainingCents, forKey: .remainingCents)
    }
}

/// Everything the committee's proposal is computed from: envelopes, dossiers, rules, time limit.
///
/// This is also the JSON instance format shared with the comparison scripts
/// (`scripts/portfolio/`), so its keys never change.
public struct PortfolioProblem: Equatable, Sendable, Codable {
    /// A name for reports (`national-2610`).
    public var name: String
    /// The envelope tree.
    public var envelopes: [PortfolioEnvelope]
    /// The candidates.
    public var dossiers: [PortfolioDossier]
    /// The chair's rules.
    public var rules: PortfolioRules
    /// How long the search may run before answering with its best selection and bound.
    public var timeLimitSeconds: Double

    /// The time limit when the instance gives none.
    public static let defaultTimeLimitSeconds: Double = 60

    /// Creates a problem.
    public init(
        name: String, envelopes: [PortfolioEnvelope], dossiers: [PortfolioDossier],
        rules: PortfolioRules = PortfolioRules(), timeLimitSeconds: Double = PortfolioProblem.defaultTimeLimitSeconds
    ) {
        self.name = name
        self.envelopes = envelopes
        self.dossiers = dossiers
        self.rules = rules
        self.timeLimitSeconds = timeLimitSeconds
    }

    enum CodingKeys: String, CodingKey { case name, envelopes, dossiers, rules, timeLimitSeconds }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name) ?? "instance"
        envelopes = try container.decode([PortfolioEnvelope].self, forKey: .envelopes)
        dossiers = try container.decode([PortfolioDossier].self, forKey: .dossiers)
        rules = try container.decodeIfPresent(PortfolioRules.self, forKey: .rules) ?? PortfolioRules()
        timeLimitSeconds =
            try container.decodeIfPresent(Double.self, forKey: .timeLimitSeconds) ?? Self.defaultTimeLimitSeconds
    }

    /// Reads an instance file's JSON.
    /// - Throws: ``PortfolioError/invalidInstance(_:)`` naming the first key that does not fit,
    ///   ``PortfolioError/invalidPercent(_:)`` for a malformed percentage.
    public static func decode(json data: Data) throws(PortfolioError) -> PortfolioProblem {
        do {
            return try JSONDecoder().decode(PortfolioProblem.self, from: data)
        } catch let error as PortfolioError {
            throw error
        } catch let DecodingError.keyNotFound(key, context) {
            throw .invalidInstance("clé « \(key.stringValue) » absente (\(Self.path(context.codingPath)))")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw .invalidInstance("valeur inattendue en \(Self.path(context.codingPath))")
        } catch let DecodingError.dataCorrupted(context) {
            if let percent = context.underlyingError as? PortfolioError { throw percent }
            throw .invalidInstance("JSON mal formé (\(Self.path(context.codingPath)))")
        } catch {
            throw .invalidInstance("JSON mal formé")
        }
    }

    private static func path(_ codingPath: [any CodingKey]) -> String {
        let names = codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
        return names.isEmpty ? "racine" : names.joined(separator: ".")
    }
}
