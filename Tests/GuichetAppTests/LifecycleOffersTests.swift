import Fluent
import Foundation
import GuichetDomain
import Testing
import VaporTesting

@testable import GuichetApp

/// The pages offer exactly what the lifecycle allows: every action a page has a form for is one
/// the domain accepts in the dossier's status for the person's role, and every such action is
/// offered. The dossier is walked through its instruction, and each offered action is taken.
@Suite struct LifecycleOffersTests {
    /// The lifecycle actions an instruction page offers, read from its forms.
    static func instructionOffers(_ html: String, base: String) -> Set<DossierAction.Kind> {
        var kinds: Set<DossierAction.Kind> = []
        if html.contains("action=\"\(base)/recevabilite\"") { kinds.formUnion([.declareEligible, .declareIneligible]) }
        if html.contains("action=\"\(base)/complement\"") { kinds.insert(.requestCorrection) }
        if html.contains("action=\"\(base)/instruction\"") {
            if html.contains("Commencer l&#39;instruction") || html.contains("Commencer l'instruction") {
                kinds.insert(.startReview)
            }
            if html.contains("Clore l&#39;instruction") || html.contains("Clore l'instruction") {
                kinds.insert(.completeReview)
            }
        }
        return kinds
    }

    /// What the domain allows a role in a status, among the actions the instruction page can take.
    static func allowed(_ status: DossierStatus, _ role: Role) -> Set<DossierAction.Kind> {
        Set(DossierLifecycle.actions(from: status, by: role).filter(StaffDossierPage.Actions.forms.contains))
    }

    @Test func theInstructionPageOffersWhatTheLifecycleAllowsAtEveryStep() async throws {
        try await withGuichet { app in
            let (_, id) = try await Factory.filedDossier(app)
            let instructor = try await Factory.staff(app, "ddets02@exemple.fr", scopes: ["departement:02"])
            let administrator = try await Factory.staff(
                app, "admin32@exemple.fr", role: .administrator, scopes: ["region:32"])
            let base = SiteURL.staffDossier(id).path
            // Each step: the page offers what the domain allows, then the offered action is taken.
            let steps: [(DossierStatus, String, [String: String])] = [
                (.filed, "/recevabilite", ["decision": "recevable"]),
                (.eligible, "/instruction", [:]),
                (.underReview, "/instruction", ["confirmer": "oui"]),
            ]
            for (status, path, form) in steps {
                #expect(try await DossierModel.find(id, on: app.db)?.status == status.rawValue)
                for (browser, role) in [(instructor, Role.instructor), (administrator, .administrator)] {
                    let page = try await browser.get(base)
                    #expect(
                        Self.instructionOffers(page.body.string, base: base) == Self.allowed(status, role),
                        "\(status) as \(role)")
                }
                let taken = try await instructor.post(base + path, form)
                #expect(taken.headers.first(name: "X-Guichet-Error") == nil, "\(status): \(path)")
            }
            // Reviewed: the instruction has nothing left to offer, and the domain agrees.
            #expect(try await DossierModel.find(id, on: app.db)?.status == DossierStatus.reviewed.rawValue)
            #expect(Self.instructionOffers(try await instructor.get(base).body.string, base: base) == [])
            #expect(Self.allowed(.reviewed, .instructor) == [])
        }
    }

    @Test func theActionsOfferedAreTheLifecyclesForEveryStatusAndRole() {
        for status in DossierStatus.allCases {
            for role in Role.allCases {
                let actions = StaffDossierPage.Actions(status: status, role: role, dossier: UUID())
                #expect(Set(actions.offered) == Self.allowed(status, role), "\(status) as \(role)")
                for kind in actions.offered { #expect(DossierLifecycle.allows(kind, from: status, by: role)) }
                #expect((actions.correctionURL != nil) == actions.offered.contains(.requestCorrection))
                #expect(
                    (actions.reviewURL != nil)
                        == (actions.offered.contains(.startReview) || actions.offered.contains(.completeReview)))
            }
        }
    }

    @Test func theApplicantIsOfferedToFileAndWithdrawExactlyWhenTheLifecycleAllows() async throws {
        try await withGuichet { app in
            let applicant = try await Applicant.make(app)
            let id = try await applicant.startDossier()
            try await applicant.browser.postMultipart(
                SiteURL.editDossier(id).path, completeAnswers, files: completeFiles)
            // Filing is offered on the summary, withdrawing on the dossier's page.
            func offers() async throws -> (file: Bool, withdraw: Bool) {
                let summary = try await applicant.browser.get(SiteURL.dossierSummary(id).path).body.string
                let page = try await applicant.browser.get(SiteURL.dossier(id).path).body.string
                return (
                    summary.contains("action=\"\(SiteURL.fileDossier(id).path)\""),
                    page.contains("action=\"\(SiteURL.withdrawDossier(id).path)\"")
                )
            }
            // A complete draft: filing and withdrawing.
            var offered = try await offers()
            #expect(offered.file == DossierLifecycle.allows(.file, from: .draft, by: .applicant))
            // A draft never filed is deleted rather than withdrawn: it has no number to withdraw.
            #expect(!offered.withdraw)
            #expect(
                try await applicant.browser.get(SiteURL.dossier(id).path).body.string.contains(
                    "action=\"\(SiteURL.deleteDraft(id).path)\""))
            #expect(
                try await applicant.browser.post(SiteURL.fileDossier(id).path, [:]).headers.first(
                    name: "X-Guichet-Error") == nil)
            // Filed: withdrawing only.
            offered = try await offers()
            #expect(offered.file == DossierLifecycle.allows(.file, from: .filed, by: .applicant))
            #expect(!offered.file)
            #expect(offered.withdraw == DossierLifecycle.allows(.withdraw, from: .filed, by: .applicant))
        }
    }
}
