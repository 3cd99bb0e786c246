import Foundation
import GuichetDomain

/// The seed's call: the 2020–2021 *plan de soutien aux associations de lutte contre la pauvreté*,
/// as run in Hauts-de-France (press kit of 16 April 2021).
///
/// Everything here is transcribed from the press kit, except what it does not publish: the exact
/// opening day ("novembre 2020" → 2 November 2020), wave 2's day ("début juin" → 1 June 2021),
/// the committee's day, the date of the envelope's doubling, and every individual amount.
enum DemoCall {
    static let reference = "hdf-2021"
    static let regionCode = "32"
    static let title = "Plan de soutien aux associations de lutte contre la pauvreté — Hauts-de-France"
    static let programme = "Stratégie nationale de prévention et de lutte contre la pauvreté — France Relance"
    static let description = """
        Plan exceptionnel de 100 M€ annoncé par le ministre des Solidarités et de la Santé pour soutenir \
        les associations de lutte contre la pauvreté, quelle que soit leur taille, face aux conséquences \
        sociales de la crise sanitaire. Appel à projets proposé en novembre 2020, aux niveaux national \
        (projets couvrant au moins deux régions) et régional ; deux tiers du budget pour les projets \
        d'envergure régionale, un tiers pour les projets d'envergure nationale.
        """
    static let receiptPrefix = "HDF-2021"
    /// The press kit lists the region first, then Aisne, Oise, Pas-de-Calais, Somme and Nord.
    static let territoryOrder = ["32", "02", "60", "62", "80", "59"]

    static let themes: [Theme] = [
        Theme(code: "alimentation", label: "La lutte contre la précarité alimentaire et l'accès aux biens essentiels", position: 1),
        Theme(code: "acces-aux-droits", label: "L'accès aux droits et la lutte contre l'isolement", position: 2),
        Theme(code: "soutien-aux-familles", label: "Le soutien aux familles, notamment pour l'accueil des enfants de parents demandeurs d'emploi et en insertion", position: 3),
        Theme(code: "insertion", label: "L'insertion sociale et professionnelle", position: 4),
        Theme(code: "modernisation", label: "La modernisation, la numérisation et la réorganisation des associations", position: 5),
    ]

    static let objectives: [Objective] = [
        Objective(code: "services-innovants", label: "Développer des actions innovantes pour améliorer les services rendus aux personnes en situation de précarité : mieux guider, informer, conseiller et accompagner pour encourager l'autonomie dans la gestion de leur budget et de leur vie quotidienne.", position: 1),
        Objective(code: "biens-essentiels", label: "Moderniser les dispositifs d'accès aux biens essentiels (alimentation et produits d'hygiène) des personnes en situation de précarité, pour éviter les ruptures d'accès aux biens.", position: 2),
        Objective(code: "systemes-information", label: "Adapter les systèmes d'information et infrastructures des associations pour les rendre plus efficaces sur le plan environnemental et économique.", position: 3),
    ]

    static func day(_ iso: String) -> Date {
        guard let date = ParisTime.day(iso) else { preconditionFailure("demo date \(iso) is not a day") }
        return date
    }

    static let opensAt = day("2020-11-02")
    /// Dossiers were taken into account until 15 January 2021, end of day in Paris.
    static let closesAt = day("2021-01-16")
    static let reviewDone = day("2021-03-19")
    static let committeeDay = day("2021-04-09").addingTimeInterval(10 * 3600)
    static let envelopeDoubledOn = day("2021-04-09")
    static let wave1Day = day("2021-04-16")
    static let wave2Day = day("2021-06-01")

    static let waves: [(number: Int, label: String, day: Date)] = [
        (1, "Première vague — 16 avril 2021", wave1Day),
        (2, "Seconde vague — début juin 2021", wave2Day),
    ]

    /// The envelope tree: the plan, its national third, its regional two thirds, the region.
    struct EnvelopeSpec {
        let key: String
        let parentKey: String?
        let label: String
        let drawCode: String?
        let owner: String
        let initialCents: Int64
        let initialReason: String
        let revision: (cents: Int64, on: Date, reason: String)?
    }

    static let planCents: Int64 = 100_000_000_00
    static let nationalCents: Int64 = 33_333_333_33 // one third, rounded down to the cent
    static let regionalCents: Int64 = planCents - nationalCents

    static let envelopes: [EnvelopeSpec] = [
        EnvelopeSpec(key: "plan", parentKey: nil, label: "Plan de soutien aux associations (national)",
                     drawCode: nil, owner: "Ministère des Solidarités et de la Santé",
                     initialCents: planCents, initialReason: "Annonce du plan de soutien de 100 M€", revision: nil),
        EnvelopeSpec(key: "national", parentKey: "plan", label: "Projets d'envergure nationale (un tiers)",
                     drawCode: "FR", owner: "Ministère des Solidarités et de la Santé",
                     initialCents: nationalCents, initialReason: "Un tiers du plan pour les projets couvrant au moins deux régions", revision: nil),
        EnvelopeSpec(key: "regional", parentKey: "plan", label: "Projets d'envergure régionale (deux tiers)",
                     drawCode: nil, owner: "Ministère des Solidarités et de la Santé",
                     initialCents: regionalCents, initialReason: "Deux tiers du plan pour les projets régionaux", revision: nil),
        EnvelopeSpec(key: "hdf", parentKey: "regional", label: "Hauts-de-France",
                     drawCode: regionCode, owner: "Préfecture de la région Hauts-de-France (DREETS)",
                     initialCents: 3_300_000_00, initialReason: "Enveloppe initialement envisagée pour la région",
                     revision: (6_600_000_00, envelopeDoubledOn, "Doublement des moyens financiers initialement envisagés")),
    ]

    /// The total granted to wave 1's 37 laureates, as the press kit states it.
    static let wave1TotalCents: Int64 = 4_400_000_00
    /// The number of dossiers filed in the region, as the press kit states it.
    static let filedInRegion = 287
}
