import Foundation

@testable import GuichetDomain

/// Factories for domain tests: a call shaped like the seed's, dossiers and envelopes.
enum Fixtures {
    static let opensAt = ParisTime.startOfDay(year: 2020, month: 11, day: 1)!
    static let closesAt = ParisTime.endOfDay(year: 2021, month: 1, day: 15)!

    static func call(waves: [Wave]? = nil) -> Call {
        Call(
            reference: "TEST", title: "Appel de test",
            themes: [
                Theme(code: "alimentation", label: "Alimentation", position: 1),
                Theme(code: "insertion", label: "Insertion", position: 2),
            ],
            objectives: [],
            opensAt: opensAt, closesAt: closesAt,
            waves: waves ?? [
                Wave(number: 1, label: "Vague 1", announcedOn: ParisTime.day("2021-04-16")!, publishedAt: nil)
            ],
            territoryOrder: ["32", "02", "60", "62", "80", "59"])
    }

    static func dossier(
        status: DossierStatus = .draft, requested: Int64 = 100_000,
        scope: Scope = .departemental(departement: "02"), theme: String = "alimentation",
        title: String = "Épicerie solidaire", filedAt: Date? = nil, number: String? = nil
    ) -> Dossier {
        Dossier(
            id: UUID(), number: number, title: title, summary: "Un projet.", themeCode: theme, scope: scope,
            requestedAmount: try! Money(euros: requested), status: status, filedAt: filedAt)
    }

    static let applicant = Agent(id: UUID(), name: "Association", role: .applicant)
    static let instructor = Agent(id: UUID(), name: "DDETS", role: .instructor)
    static let chair = Agent(id: UUID(), name: "Commissaire", role: .committeeChair)

    static func envelope(_ label: String, euros: Int64, parent: UUID? = nil, draw: String? = nil) -> Envelope {
        try! Envelope(
            id: UUID(), parentID: parent, label: label, drawCode: draw, ownerName: "État",
            initial: EnvelopeRevision(amount: try! Money(euros: euros), effectiveOn: opensAt, reason: "initial"))
    }

    static func euros(_ value: Int64) -> Money { try! Money(euros: value) }
}
