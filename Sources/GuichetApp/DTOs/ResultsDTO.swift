import Foundation
import GuichetDomain
import Vapor

/// A call in the API.
struct CallDTO: Content {
    struct Links: Content {
        /// The call's public page.
        let call: String
        /// The results page.
        let page: String
        let results: String
    }

    let id: UUID
    let reference: String
    let title: String
    let programme: String
    /// ISO 8601 instants, UTC.
    let opensAt: String
    let closesAt: String
    /// The last day of filing, Europe/Paris (`2021-01-15`).
    let deadline: String
    let simulated: Bool
    /// `published` or `archived` (drafts are never listed).
    let status: String
    /// `upcoming`, `open`, `closed` or `archived`, now.
    let phase: String
    /// `national`, `region:32` or `departement:02`.
    let scope: String
    let links: Links

    init(_ model: CallModel, now: Date = Date()) throws {
        id = try model.requireID()
        reference = model.reference
        title = model.title
        programme = model.programme
        opensAt = ISO.instant(model.opensAt)
        closesAt = ISO.instant(model.closesAt)
        deadline = ParisTime.isoDay(model.closesAt.addingTimeInterval(-1))
        simulated = model.simulated
        status = model.callStatus.rawValue
        phase = CallPhase(status: model.callStatus, opensAt: model.opensAt, closesAt: model.closesAt, now: now).rawValue
        scope = model.scope
        links = Links(
            call: SiteURL.call(model.reference).path, page: SiteURL.callResults(model.reference).path,
            results: SiteURL.apiCallResults(id.uuidString).path)
    }
}

/// `GET /api/v1/calls` answer.
struct CallListDTO: Content {
    let calls: [CallDTO]
}

/// A call's results in the API: the same figures as the page, amounts in cents.
struct ResultsDTO: Content {
    struct Laureate: Content {
        let dossierId: UUID
        let number: String?
        let title: String
        let carrier: String
        let description: String
        let amountCents: Int64
        let simulated: Bool
    }

    struct Territory: Content {
        let level: String
        let code: String
        let heading: String
        let laureates: [Laureate]
    }

    struct ThemeResults: Content {
        let code: String
        let label: String
        let retained: Int
        let amountCents: Int64
        let territories: [Territory]
    }

    struct WaveResults: Content {
        let number: Int
        let label: String
        let announcedOn: String
        let published: Bool
        let retained: Int
        let amountCents: Int64
        let themes: [ThemeResults]
    }

    struct Figures: Content {
        let code: String
        let level: String?
        let label: String
        let filed: Int
        let retained: Int
        let amountCents: Int64
    }

    struct Revision: Content {
        let amountCents: Int64
        let effectiveOn: String
        let reason: String
    }

    struct EnvelopeLine: Content {
        let id: UUID
        let parentId: UUID?
        let label: String
        let drawCode: String?
        let initialCents: Int64
        let currentCents: Int64
        let committedCents: Int64
        let remainingCents: Int64
        let revisions: [Revision]
    }

    let call: CallDTO
    /// Whether any figure rests on simulated data (demo).
    let simulated: Bool
    let filed: Int
    let retained: Int
    let retainedAmountCents: Int64
    let waves: [WaveResults]
    let themes: [Figures]
    let territories: [Figures]
    let envelopes: [EnvelopeLine]

    init(_ results: CallResults) throws {
        let report = results.report
        call = try CallDTO(results.call.model)
        simulated = report.containsSimulatedData || results.call.model.simulated
        filed = report.filed
        retained = report.retained
        retainedAmountCents = report.retainedAmount.cents
        waves = report.waves.map { wave in
            WaveResults(
                number: wave.wave.number, label: wave.wave.label, announcedOn: ParisTime.isoDay(wave.wave.announcedOn),
                published: wave.wave.publishedAt != nil, retained: wave.retained, amountCents: wave.amount.cents,
                themes: wave.themes.map { theme in
                    ThemeResults(
                        code: theme.theme.code, label: theme.theme.label, retained: theme.retained,
                        amountCents: theme.amount.cents,
                        territories: theme.groups.map { group in
                            Territory(
                                level: group.territory.level.rawValue, code: group.territory.code,
                                heading: group.heading,
                                laureates: group.laureates.map {
                                    Laureate(
                                        dossierId: $0.dossierID, number: $0.number, title: $0.title,
                                        carrier: $0.carrier, description: $0.description,
                                        amountCents: $0.amount.cents, simulated: $0.simulated)
                                })
                        })
                })
        }
        themes = report.byTheme.map {
            Figures(
                code: $0.code, level: nil, label: $0.label, filed: $0.filed, retained: $0.retained,
                amountCents: $0.amount.cents)
        }
        territories = report.byTerritory.map {
            Figures(
                code: $0.code, level: $0.territory?.level.rawValue, label: $0.label, filed: $0.filed,
                retained: $0.retained, amountCents: $0.amount.cents)
        }
        envelopes = results.ledger.lines.map { line in
            EnvelopeLine(
                id: line.envelope.id, parentId: line.envelope.parentID, label: line.envelope.label,
                drawCode: line.envelope.drawCode, initialCents: line.envelope.initialAmount.cents,
                currentCents: line.envelope.currentAmount.cents, committedCents: line.committed.cents,
                remainingCents: line.remaining.cents,
                revisions: line.envelope.revisions.map {
                    Revision(
                        amountCents: $0.amount.cents, effectiveOn: ParisTime.isoDay($0.effectiveOn), reason: $0.reason)
                })
        }
    }
}

/// ISO 8601 writing for the API.
enum ISO {
    static func instant(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
