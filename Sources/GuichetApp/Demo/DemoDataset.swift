import Foundation
import GuichetDomain

/// The demo's organisations and dossiers, built deterministically from the press kit's 37
/// laureates and a fixed seed for the 250 other dossiers filed in the region.
///
/// Content is deterministic; identities are not: each load creates new rows with fresh UUIDs, so
/// the append-only audit log never attaches an old history to a new dossier after a reset.
struct DemoDataset {
    /// What happened to a dossier after filing.
    enum Fate: Equatable {
        case laureate(grantedCents: Int64)
        case waitingList
        case reviewed
        case ineligible
        case withdrawn
    }

    struct OrganisationPlan {
        let id: UUID
        let name: String
        let legalForm: String
        let departementCode: String?
        let simulated: Bool
    }

    struct DossierPlan {
        var dossier: Dossier
        let organisationID: UUID
        let filedAt: Date
        let fate: Fate
    }

    let organisations: [OrganisationPlan]
    /// In filing order; numbers are given in this order.
    let dossiers: [DossierPlan]

    /// Builds the dataset.
    /// - Parameter laureatesCSV: the press kit's laureates (theme, territoire, titre, porteur, description).
    /// - Parameter generated: how many dossiers to generate besides the laureates: 250 gives the
    ///   seed's 287; benchmarks ask for more (2 573 gives the national 2 610).
    static func make(
        laureatesCSV: String, generated: Int = DemoCall.filedInRegion - 37, seed: UInt64 = 2021_04_16
    ) throws -> DemoDataset {
        var random = SplitMix64(seed: seed)
        let records = try CSV.records(laureatesCSV)
        guard records.count == 37 else {
            throw DomainError.invalidCSV(line: 0, reason: "37 lauréats attendus, \(records.count) trouvés")
        }

        var organisations: [OrganisationPlan] = []
        var organisationByName: [String: UUID] = [:]
        func organisation(_ name: String, departement: String?, legalForm: String, simulated: Bool) -> UUID {
            if let id = organisationByName[name] { return id }
            let id = UUID()
            organisations.append(
                OrganisationPlan(
                    id: id, name: name, legalForm: legalForm,
                    departementCode: departement, simulated: simulated))
            organisationByName[name] = id
            return id
        }

        // The 37 laureates: real titles, carriers and descriptions; simulated amounts adding up to 4.4 M€.
        let grants = laureateGrants(records.map { $0["territoire"] == DemoCall.regionCode }, random: &random)
        var laureates: [(Dossier, UUID, Int64)] = []
        for (index, record) in records.enumerated() {
            let territory = record["territoire"] ?? ""
            let scope: Scope =
                territory == DemoCall.regionCode ? .regional(region: territory) : .departemental(departement: territory)
            let carrier = (record["porteur"] ?? "").trimmingCharacters(in: .whitespaces)
            let orgID = organisation(
                carrier.isEmpty ? "Porteur non précisé par le dossier de presse" : carrier,
                departement: territory == DemoCall.regionCode ? nil : territory,
                legalForm: "Non précisée par le dossier de presse", simulated: carrier.isEmpty)
            let granted = grants[index]
            let requested = granted + roundTo(Int64(Double(granted) * 0.3 * random.unit()), 100_000)
            let dossier = Dossier(
                id: UUID(), title: record["titre"] ?? "", summary: record["description"] ?? "",
                themeCode: record["theme"] ?? "", scope: scope,
                requestedAmount: try Money(cents: requested), simulated: false)
            laureates.append((dossier, orgID, granted))
        }

        // The 250 others: generated, marked simulated.
        var others: [(Dossier, UUID, Fate)] = []
        for _ in 0..<max(0, generated) {
            let theme = pick(Generated.themeWeights, &random)
            let territory = pick(Generated.territoryWeights, &random)
            let place =
                territory == DemoCall.regionCode
                ? "en Hauts-de-France"
                : "à \(Generated.places[territory, default: ["Amiens"]].randomElement(using: &random) ?? "Amiens")"
            let action =
                Generated.actions[theme, default: ["Projet solidaire"]].randomElement(using: &random)
                ?? "Projet solidaire"
            let orgName =
                "\(Generated.orgPrefixes.randomElement(using: &random) ?? "Solidarité") \(place.dropFirst(place.hasPrefix("en ") ? 3 : 2))"
            let orgID = organisation(
                orgName, departement: territory == DemoCall.regionCode ? nil : territory,
                legalForm: "Association déclarée (loi 1901)", simulated: true)
            let scope: Scope =
                territory == DemoCall.regionCode ? .regional(region: territory) : .departemental(departement: territory)
            let requested = roundTo(1_000_000 + Int64(random.unit() * 24_000_000), 50_000)
            let dossier = Dossier(
                id: UUID(), title: "\(action) \(place)",
                summary:
                    "Projet simulé pour la démonstration : \(action.lowercased()) \(place), au bénéfice des personnes en situation de précarité.",
                themeCode: theme, scope: scope, requestedAmount: try Money(cents: requested), simulated: true)
            let roll = random.unit()
            let fate: Fate =
                roll < 0.08 ? .ineligible : roll < 0.10 ? .withdrawn : roll < 0.26 ? .waitingList : .reviewed
            others.append((dossier, orgID, fate))
        }

        // Interleave laureates among the others, then give filing times in order over the call's
        // two and a half months, more of them near the deadline as in every call.
        var all: [(Dossier, UUID, Fate)] = others
        for (dossier, orgID, granted) in laureates {
            let position = Int(random.next() % UInt64(all.count + 1))
            all.insert((dossier, orgID, .laureate(grantedCents: granted)), at: position)
        }
        // Keep the press kit's order among laureates (results list them by receipt number).
        var laureateIterator = laureates.makeIterator()
        all = all.map { item in
            guard case .laureate = item.2, let next = laureateIterator.next() else { return item }
            return (next.0, next.1, .laureate(grantedCents: next.2))
        }
        let span = DemoCall.closesAt.timeIntervalSince(DemoCall.opensAt) - 3600
        var times = (0..<all.count).map { _ in
            DemoCall.opensAt.addingTimeInterval(3600 + span * random.unit().squareRoot())
        }
        times.sort()
        let plans = zip(all, times).map { item, time in
            DossierPlan(dossier: item.0, organisationID: item.1, filedAt: time, fate: item.2)
        }
        return DemoDataset(organisations: organisations, dossiers: plans)
    }

    /// Simulated grants for the laureates: region-wide projects weigh about three times a
    /// départemental one; rounded to 1 000 €, the largest absorbing the rounding so that the
    /// total is exactly the press kit's 4.4 M€.
    static func laureateGrants(_ regionWide: [Bool], random: inout SplitMix64) -> [Int64] {
        let weights = regionWide.map { ($0 ? 3.0 : 1.0) * (0.6 + 0.8 * random.unit()) }
        let total = weights.reduce(0, +)
        var grants = weights.map { roundTo(Int64(Double(DemoCall.wave1TotalCents) * $0 / total), 100_000) }
        let largest = grants.indices.max { grants[$0] < grants[$1] } ?? 0
        grants[largest] += DemoCall.wave1TotalCents - grants.reduce(0, +)
        return grants
    }

    static func roundTo(_ cents: Int64, _ step: Int64) -> Int64 { (cents + step / 2) / step * step }

    static func pick(_ weights: [(String, Double)], _ random: inout SplitMix64) -> String {
        let total = weights.reduce(0) { $0 + $1.1 }
        var roll = random.unit() * total
        for (value, weight) in weights {
            if roll < weight { return value }
            roll -= weight
        }
        return weights.last?.0 ?? ""
    }
}

/// Word lists for the generated dossiers.
enum Generated {
    static let themeWeights: [(String, Double)] = [
        ("alimentation", 38), ("acces-aux-droits", 26), ("soutien-aux-familles", 10), ("insertion", 16),
        ("modernisation", 10),
    ]
    static let territoryWeights: [(String, Double)] = [
        ("32", 12), ("59", 34), ("62", 20), ("80", 11), ("02", 11), ("60", 12),
    ]
    static let places: [String: [String]] = [
        "02": ["Laon", "Saint-Quentin", "Soissons", "Château-Thierry", "Hirson", "Chauny"],
        "59": [
            "Lille", "Roubaix", "Tourcoing", "Dunkerque", "Valenciennes", "Maubeuge", "Douai", "Cambrai", "Armentières",
        ],
        "60": ["Beauvais", "Compiègne", "Creil", "Noyon", "Nogent-sur-Oise"],
        "62": ["Arras", "Lens", "Calais", "Boulogne-sur-Mer", "Béthune", "Liévin", "Saint-Omer"],
        "80": ["Amiens", "Abbeville", "Péronne", "Albert", "Montdidier"],
    ]
    static let actions: [String: [String]] = [
        "alimentation": [
            "Épicerie solidaire mobile", "Chambre froide pour l'aide alimentaire",
            "Paniers solidaires de producteurs locaux",
            "Véhicule réfrigéré pour la collecte des dons", "Restaurant solidaire",
            "Distribution de produits d'hygiène",
        ],
        "acces-aux-droits": [
            "Permanences d'accès aux droits", "Bus numérique itinérant", "Maraude et veille sociale",
            "Lutte contre l'isolement des aînés", "Accompagnement aux démarches en ligne",
        ],
        "soutien-aux-familles": [
            "Halte-garderie pour parents en recherche d'emploi", "Lieu d'accueil parents-enfants",
            "Garde d'enfants à horaires atypiques", "Soutien à la parentalité",
        ],
        "insertion": [
            "Chantier d'insertion", "Atelier de remobilisation vers l'emploi", "Auto-école solidaire",
            "Accompagnement vers la formation",
        ],
        "modernisation": [
            "Modernisation du système d'information", "Numérisation de l'accueil", "Outil de gestion des bénévoles",
            "Équipement informatique des antennes",
        ],
    ]
    static let orgPrefixes = [
        "Entraide", "Solidarité", "Accueil et Partage", "Le Relais", "Horizons", "Main tendue", "Partage",
        "Les Amis de",
    ]
}
