import Foundation

/// A theme of a call ("La lutte contre la précarité alimentaire et l'accès aux biens essentiels").
public struct Theme: Hashable, Sendable, Codable {
    /// Stable short code (`alimentation`), used in URLs, files and the API.
    public let code: String
    /// The theme's title as the press kit writes it.
    public let label: String
    /// Display order in results.
    public let position: Int

    public init(code: String, label: String, position: Int) {
        self.code = code
        self.label = label
        self.position = position
    }
}

/// One of a call's objectives (the plan's three national axes).
public struct Objective: Hashable, Sendable, Codable {
    public let code: String
    public let label: String
    public let position: Int

    public init(code: String, label: String, position: Int) {
        self.code = code
        self.label = label
        self.position = position
    }
}

/// An announcement of decisions (*vague*): wave 1 on 16 April 2021, wave 2 early June 2021.
///
/// Once published, a wave is frozen: its decisions can no longer change, and later changes need a
/// new wave.
public struct Wave: Hashable, Sendable, Codable {
    public let number: Int
    public let label: String
    /// The announcement's planned or actual date.
    public let announcedOn: Date
    /// When the wave's results were published; `nil` while it is open.
    public let publishedAt: Date?

    public init(number: Int, label: String, announcedOn: Date, publishedAt: Date?) {
        self.number = number
        self.label = label
        self.announcedOn = announcedOn
        self.publishedAt = publishedAt
    }

    /// A published wave accepts no new or changed decision.
    public var isFrozen: Bool { publishedAt != nil }
}

/// A call for projects: themes, objectives, scopes, dates and waves.
public struct Call: Sendable {
    public let reference: String
    public let title: String
    public let themes: [Theme]
    public let objectives: [Objective]
    /// When dossiers can first be filed.
    public let opensAt: Date
    /// The first instant at which filing is refused (the end of the deadline day in Paris).
    public let closesAt: Date
    public let waves: [Wave]
    /// The order in which territories are listed in results (the press kit's order), by INSEE code.
    public let territoryOrder: [String]
    /// The region a regional or départemental call is limited to; `nil` for a national call.
    public let regionCode: String?
    /// The département a départemental call is limited to; `nil` otherwise.
    public let departementCode: String?

    public init(
        reference: String, title: String, themes: [Theme], objectives: [Objective],
        opensAt: Date, closesAt: Date, waves: [Wave], territoryOrder: [String], regionCode: String? = nil,
        departementCode: String? = nil
    ) {
        self.regionCode = regionCode
        self.departementCode = departementCode
        self.reference = reference
        self.title = title
        self.themes = themes.sorted { $0.position < $1.position }
        self.objectives = objectives.sorted { $0.position < $1.position }
        self.opensAt = opensAt
        self.closesAt = closesAt
        self.waves = waves.sorted { $0.number < $1.number }
        self.territoryOrder = territoryOrder
    }

    /// The theme with this code.
    /// - Throws: ``DomainError/unknownTheme(_:)``.
    public func theme(_ code: String) throws(DomainError) -> Theme {
        guard let theme = themes.first(where: { $0.code == code }) else { throw .unknownTheme(code) }
        return theme
    }

    /// The wave with this number.
    /// - Throws: ``DomainError/unknownWave(_:)``.
    public func wave(_ number: Int) throws(DomainError) -> Wave {
        guard let wave = waves.first(where: { $0.number == number }) else { throw .unknownWave(number) }
        return wave
    }

    /// The last day dossiers are accepted, as people say it (the day before ``closesAt`` in Paris).
    public var deadlineDay: Date { Self.deadlineDay(closingAt: closesAt) }

    /// The last moment dossiers are accepted, as pages show it: the second before the call closes
    /// (a call closing at midnight is shown as closing on the day before, at 23 h 59).
    public static func deadlineDay(closingAt closesAt: Date) -> Date { closesAt.addingTimeInterval(-1) }

    /// Checks that a scope lies within the call's region, for a regional call, and within its
    /// département, for a départemental call.
    /// - Throws: ``DomainError/invalidScope(_:)`` naming the region or the département.
    public func checkWithinRegion(_ scope: Scope, territories: TerritoryCatalog = .france) throws(DomainError) {
        if let departementCode {
            guard case .departemental(let code) = scope, code == departementCode else {
                let name = (try? territories.departement(departementCode).name) ?? departementCode
                throw .invalidScope(
                    "cet appel à projets ne finance que des projets dans le département \(name) (\(departementCode)).")
            }
            return
        }
        guard let regionCode else { return }
        let region = try territories.region(of: scope)
        guard region?.code == regionCode else {
            let name = (try? territories.region(regionCode).name) ?? regionCode
            throw .invalidScope(
                "cet appel à projets ne finance que des projets en \(name) (la région ou l'un de ses départements).")
        }
    }

    /// Checks that a dossier may be filed at `now`.
    /// - Throws: ``DomainError/filingNotOpen(opensAt:)`` before the opening,
    ///   ``DomainError/filingClosed(deadline:)`` from the end of the deadline day on.
    public func checkFilingOpen(at now: Date) throws(DomainError) {
        guard now >= opensAt else { throw .filingNotOpen(opensAt: opensAt) }
        guard now < closesAt else { throw .filingClosed(deadline: deadlineDay) }
    }
}
