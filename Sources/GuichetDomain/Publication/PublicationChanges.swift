import Foundation

/// What a version of the results changes from the one before it, for the public.
///
/// Each version names its differences in plain French ("3 lauréats ajoutés", "montant total :
/// 4 400 000 € → 6 600 000 €") so that a reader of an old version knows what it no longer says.
public struct PublicationChanges: Codable, Sendable, Equatable {
    /// A laureate named in a change.
    public struct Entry: Codable, Sendable, Equatable {
        public let number: String?
        public let title: String
        public let carrier: String
        public let fromCents: Int64?
        public let toCents: Int64?
    }

    /// A figure that moved.
    public struct Figure: Codable, Sendable, Equatable {
        public let label: String
        public let from: Int64
        public let to: Int64
        public let isMoney: Bool
    }

    public let added: [Entry]
    public let removed: [Entry]
    public let amountChanged: [Entry]
    public let figures: [Figure]

    /// The first version changes nothing: it is the origin.
    public static let none = PublicationChanges(added: [], removed: [], amountChanged: [], figures: [])

    public init(added: [Entry], removed: [Entry], amountChanged: [Entry], figures: [Figure]) {
        self.added = added
        self.removed = removed
        self.amountChanged = amountChanged
        self.figures = figures
    }

    /// Compares two versions by dossier: laureates added, removed, or granted another amount, and
    /// the headline figures that moved.
    public init(from previous: PublishedResults, to current: PublishedResults) {
        let before = Dictionary(previous.laureates.map { ($0.dossierID, $0) }, uniquingKeysWith: { a, _ in a })
        let after = Dictionary(current.laureates.map { ($0.dossierID, $0) }, uniquingKeysWith: { a, _ in a })
        func entry(_ l: PublishedResults.Laureate, from: Int64?, to: Int64?) -> Entry {
            Entry(number: l.number, title: l.title, carrier: l.carrier, fromCents: from, toCents: to)
        }
        added = current.laureates.filter { before[$0.dossierID] == nil }.map {
            entry($0, from: nil, to: $0.amountCents)
        }
        removed = previous.laureates.filter { after[$0.dossierID] == nil }.map {
            entry($0, from: $0.amountCents, to: nil)
        }
        amountChanged = current.laureates.compactMap { now in
            guard let then = before[now.dossierID], then.amountCents != now.amountCents else { return nil }
            return entry(now, from: then.amountCents, to: now.amountCents)
        }
        var figures: [Figure] = []
        if previous.filed != current.filed {
            figures.append(
                Figure(label: "Projets déposés", from: Int64(previous.filed), to: Int64(current.filed), isMoney: false))
        }
        if previous.retained != current.retained {
            figures.append(
                Figure(
                    label: "Projets retenus", from: Int64(previous.retained), to: Int64(current.retained),
                    isMoney: false))
        }
        if previous.amountCents != current.amountCents {
            figures.append(
                Figure(label: "Montant accordé", from: previous.amountCents, to: current.amountCents, isMoney: true))
        }
        self.figures = figures
    }

    /// Whether the two versions say the same thing.
    public var isEmpty: Bool { added.isEmpty && removed.isEmpty && amountChanged.isEmpty && figures.isEmpty }

    /// One sentence per kind of change, in French.
    public var summary: [String] {
        var lines: [String] = figures.map { figure in
            let text = { (value: Int64) in
                figure.isMoney ? ((try? Money(cents: value).formatted()) ?? String(value)) : String(value)
            }
            return "\(figure.label) : \(text(figure.from)) → \(text(figure.to))"
        }
        func count(_ n: Int, _ one: String, _ many: String) -> String { n == 1 ? "1 \(one)" : "\(n) \(many)" }
        if !added.isEmpty { lines.append(count(added.count, "lauréat ajouté", "lauréats ajoutés")) }
        if !removed.isEmpty { lines.append(count(removed.count, "lauréat retiré", "lauréats retirés")) }
        if !amountChanged.isEmpty { lines.append(count(amountChanged.count, "montant modifié", "montants modifiés")) }
        return lines
    }
}
