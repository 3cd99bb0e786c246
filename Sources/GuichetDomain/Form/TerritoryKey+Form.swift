import Foundation

extension TerritoryKey {
    /// How a territory travels in an HTML form: its level and INSEE code joined by a colon, as
    /// `departement:02`, `region:32` or `national:FR`.
    ///
    /// The level is part of the value because region and département codes overlap (`02` is both
    /// Martinique and the Aisne); the level names are ``Level``'s stored names.
    public var formValue: String { "\(level.rawValue):\(code)" }

    /// Reads a territory posted by a form (see ``formValue``); `nil` when it is not `level:code`.
    ///
    /// The level is read in any case and the code is upper-cased, so `departement:2a` is Corse-du-Sud.
    /// Whether the territory exists is checked against the catalogue by the field, not here.
    public init?(formValue: String) {
        let parts = formValue.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let level = Level(rawValue: parts[0].lowercased()) else { return nil }
        let code = parts[1].uppercased()
        guard (1...5).contains(code.count), code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            return nil
        }
        self.init(level: level, code: code)
    }
}

extension FormField {
    /// The territories a territory field proposes, as options whose values are what the page must
    /// post (``TerritoryKey/formValue``): France first, then regions, then départements, each in
    /// INSEE code order. Empty for other field types.
    public func territoryOptions(territories: TerritoryCatalog = .france) -> [FormOption] {
        guard case .territory(let levels) = type else { return [] }
        var options: [FormOption] = []
        if levels.contains(.national) {
            options.append(
                FormOption(
                    value: TerritoryKey(level: .national, code: FormMessage.nationalCode).formValue,
                    label: FormMessage.nationalName))
        }
        if levels.contains(.region) {
            options += territories.regions.map {
                FormOption(value: TerritoryKey(level: .region, code: $0.code).formValue, label: $0.name)
            }
        }
        if levels.contains(.departement) {
            options += territories.departements.map {
                FormOption(
                    value: TerritoryKey(level: .departement, code: $0.code).formValue, label: "\($0.code) – \($0.name)")
            }
        }
        return options
    }
}
