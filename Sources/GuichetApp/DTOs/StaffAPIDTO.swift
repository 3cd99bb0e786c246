import Foundation
import GuichetDomain
import Vapor

/// A dossier through the API: identifiers, content, status, amounts in cents, times in UTC.
struct APIDossier: Content {
    let id: UUID
    let number: String?
    let title: String
    let summary: String
    let theme: String
    let scope: String
    let territory: String
    let group: String?
    let status: String
    let requestedCents: Int64
    /// ISO 8601, UTC.
    let filedAt: String?
    let organisation: Organisation
    let simulated: Bool

    struct Organisation: Content {
        let id: UUID
        let name: String
        let siret: String?
        let rna: String?
    }

    init(_ d: DossierModel) {
        id = d.id ?? UUID()
        number = d.number
        title = d.title
        summary = d.summary
        theme = d.themeCode
        scope = d.scopeKind
        territory = d.territoryCode
        group = d.instructorGroup
        status = d.status
        requestedCents = d.requestedCents
        filedAt = d.filedAt.map(ISO.instant)
        organisation = Organisation(
            id: d.$organisation.id, name: d.$organisation.value?.name ?? "", siret: d.$organisation.value?.siret,
            rna: d.$organisation.value?.rna)
        simulated = d.simulated
    }
}

/// A page of dossiers.
struct APIDossierPage: Content {
    let items: [APIDossier]
    let page: Int
    let per: Int
    let total: Int
}

/// A dossier's scores and opinions.
struct APIReviews: Content {
    struct Score: Content {
        let reviewer: String
        /// Out of 100, in hundredths (8750 is 87.50).
        let score: Int
        /// Marks per criterion, as the grid stores them (JSON).
        let marks: String
        let comments: String
        let createdAt: String?
        let simulated: Bool
    }

    struct Opinion: Content {
        let author: String
        let kind: String
        let proposedCents: Int64
        let motive: String
        let createdAt: String?
        let simulated: Bool
    }

    let dossier: UUID
    let aggregateScore: Int?
    let spread: Int?
    let scores: [Score]
    let opinions: [Opinion]
}

/// A committee decision.
struct APIDecision: Content {
    let dossier: UUID
    let number: String?
    let wave: Int
    let outcome: String
    let grantedCents: Int64
    let motive: String?
    let decidedAt: String
    let published: Bool
    let simulated: Bool
}

/// The decisions a person may read in a call.
struct APIDecisionList: Content {
    let items: [APIDecision]
}

/// A published version of a call's results, with its files.
struct APIPublication: Content {
    let version: Int
    let wave: Int
    let publishedAt: String
    let changes: [String]
    let files: [String: String]
}

/// The versions of a call's results, newest first.
struct APIPublicationList: Content {
    let items: [APIPublication]
}

/// A dossier's grant after the decision: its act, schedule, payments and recoveries, and its
/// financial report (`GET /api/v1/dossiers/{dossier}/grant`).
struct APIGrant: Content {
    struct Instalment: Content {
        let label: String
        let amountCents: Int64
        /// `act_signed`, `from` (with ``fromDay``) or `report_validated`.
        let condition: String
        let fromDay: String?
    }

    struct Movement: Content {
        /// `payment` or `recovery`.
        let kind: String
        /// The day, `yyyy-mm-dd` in Paris.
        let day: String
        let amountCents: Int64
        let reference: String
        let recordedAt: String
        let simulated: Bool
    }

    struct Report: Content {
        /// `draft`, `filed`, `correction_requested` or `validated`.
        let status: String
        let filedAt: String?
        let spentCents: Int64?
        let validatedAt: String?
    }

    let dossier: UUID
    /// `arrete` or `convention`.
    let kind: String
    let number: String
    let amountCents: Int64
    let generatedAt: String
    let signedAt: String?
    /// `accepted` (online by the organisation) or `uploaded` (the signed copy recorded by staff).
    let signedHow: String?
    /// `yyyy-mm-dd` in Paris.
    let reportDueOn: String
    let paidCents: Int64
    let recoveredCents: Int64
    let leftToPayCents: Int64
    let instalments: [Instalment]
    let movements: [Movement]
    let report: Report?
    let simulated: Bool

    init(_ grant: GrantService.Grant, report: GrantReportModel?) {
        let act = grant.act
        dossier = act.dossierID
        kind = act.kind
        number = act.number
        amountCents = act.amountCents
        generatedAt = ISO.instant(act.generatedAt)
        signedAt = act.signedAt.map(ISO.instant)
        signedHow = act.signedHow
        reportDueOn = ParisTime.isoDay(act.reportDueOn)
        paidCents = grant.account.paid.cents
        recoveredCents = grant.account.recovered.cents
        leftToPayCents = grant.account.leftToPay.cents
        instalments = grant.instalments.map {
            Instalment(
                label: $0.label, amountCents: $0.amountCents, condition: $0.condition,
                fromDay: $0.fromDay.map(ParisTime.isoDay))
        }
        movements = grant.movements.map {
            Movement(
                kind: $0.kind, day: ParisTime.isoDay($0.day), amountCents: $0.amountCents, reference: $0.reference,
                recordedAt: ISO.instant($0.recordedAt), simulated: $0.simulated)
        }
        self.report = report.map {
            Report(
                status: $0.status, filedAt: $0.filedAt.map(ISO.instant), spentCents: $0.spentCents,
                validatedAt: $0.validatedAt.map(ISO.instant))
        }
        simulated = act.simulated
    }
}
