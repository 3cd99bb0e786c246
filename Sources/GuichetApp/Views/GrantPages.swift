import Foundation
import GuichetDomain
import Vapor

/// A grant as the staff dossier page and the organisation's dossier page show it: the act, the
/// schedule, what was paid and claimed back, and the forms the viewer may use.
struct GrantView: Encodable {
    struct Instalment: Encodable {
        let label: String
        let amount: String
        let condition: String
    }

    struct Movement: Encodable {
        let day: String
        let amount: String
        let reference: String
        let by: String
        let simulated: Bool
    }

    /// The act's kind and title (`Arrêté attributif de subvention n° …`).
    let kind: String
    let title: String
    let amount: String
    let generated: String
    /// How and when it was signed; `nil` while it waits for the signature.
    let signed: String?
    let reportDue: String
    let actURL: String
    let pdfURL: String
    /// The signed copy the staff recorded (staff only).
    let signedCopyURL: String?
    let instalments: [Instalment]
    let payments: [Movement]
    let recoveries: [Movement]
    let paid: String
    let leftToPay: String
    let recovered: String
    let simulated: Bool
    /// The staff's forms, as the act's state and the viewer allow them.
    let regenerateURL: String?
    let signedCopyUploadURL: String?
    let paymentURL: String?
    let recoveryURL: String?
    /// The organisation's acceptance form (its representatives, before the signature).
    let acceptURL: String?

    /// Who is looking: the staff of the dossier's territory, or the organisation's representatives.
    enum Viewer {
        case staff(conflicted: Bool)
        case organisation
    }

    init(_ grant: GrantService.Grant, dossierID: UUID, viewer: Viewer) {
        let act = grant.act
        kind = act.actKind.label
        title = (try? act.decodedDocument().title) ?? act.actKind.label
        amount = Money.text(cents: act.amountCents)
        generated = "Établi le \(ParisTime.longDate(act.generatedAt)) par \(act.generatedBy)"
        if let at = act.signedAt {
            let who = act.signedBy ?? ""
            signed =
                act.signedHow == GrantActModel.SignedHow.uploaded.rawValue
                ? "Exemplaire signé enregistré le \(ParisTime.longDate(at)) par \(who)"
                : "Accepté en ligne le \(ParisTime.longDate(at)) par \(who), au nom de l'organisme"
        } else {
            signed = nil
        }
        reportDue = ParisTime.longDate(act.reportDueOn)
        simulated = act.simulated
        instalments = grant.instalments.map {
            Instalment(
                label: $0.label, amount: Money.text(cents: $0.amountCents),
                condition: (try? $0.instalment().condition.label) ?? "")
        }
        func line(_ movement: GrantMovementModel) -> Movement {
            Movement(
                day: ParisTime.longDate(movement.day), amount: Money.text(cents: movement.amountCents),
                reference: movement.reference, by: movement.recordedBy, simulated: movement.simulated)
        }
        payments = grant.payments.map(line)
        recoveries = grant.recoveries.map(line)
        paid = grant.account.paid.formatted()
        leftToPay = grant.account.leftToPay.formatted()
        recovered = grant.account.recovered.formatted()
        let signedNow = act.signedAt != nil
        switch viewer {
        case .staff(let conflicted):
            actURL = SiteURL.staffGrantAct(dossierID).path
            pdfURL = SiteURL.staffGrantActPDF(dossierID).path
            signedCopyURL = act.signedFileSHA256 == nil ? nil : SiteURL.staffGrantSignedCopy(dossierID).path
            regenerateURL = conflicted || signedNow ? nil : SiteURL.staffGrantActGeneration(dossierID).path
            signedCopyUploadURL = conflicted || signedNow ? nil : SiteURL.staffGrantSignedCopy(dossierID).path
            paymentURL =
                conflicted || !signedNow || grant.account.leftToPay == .zero
                ? nil : SiteURL.staffGrantPayments(dossierID).path
            recoveryURL =
                conflicted || grant.account.paid.remaining(after: grant.account.recovered) == .zero
                ? nil : SiteURL.staffGrantRecoveries(dossierID).path
            acceptURL = nil
        case .organisation:
            actURL = SiteURL.grantAct(dossierID).path
            pdfURL = SiteURL.grantActPDF(dossierID).path
            signedCopyURL = nil
            regenerateURL = nil
            signedCopyUploadURL = nil
            paymentURL = nil
            recoveryURL = nil
            acceptURL = signedNow ? nil : SiteURL.grantActAcceptance(dossierID).path
        }
    }
}

/// The printable act (`grants/act`), for the staff and the organisation alike.
struct GrantActPage: Encodable {
    let chrome: Chrome
    let backURL: String
    let pdfURL: String
    let document: GrantActDocument
    let signed: String?
    let simulated: Bool
    /// The act can still change (generated again before its signature).
    let draft: Bool
}
