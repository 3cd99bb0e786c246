import Foundation
import Testing

@testable import GuichetDomain

@Suite struct DossierLifecycleTests {
    let call = Fixtures.call()
    let duringCall = ParisTime.startOfDay(year: 2021, month: 1, day: 10)!

    @Test func filingADraftBeforeTheDeadlineFilesIt() throws {
        let transition = try DossierLifecycle.transition(
            Fixtures.dossier(), .file, by: Fixtures.applicant,
            call: call, now: duringCall)
        #expect(transition.from == .draft)
        #expect(transition.to == .filed)
    }

    @Test func filingOnTheLastEveningInParisIsAccepted() throws {
        // 15 January 2021, 23:30 in Paris is 22:30 UTC.
        let lastEvening = Date(timeIntervalSince1970: 1_610_749_800)
        let transition = try DossierLifecycle.transition(
            Fixtures.dossier(), .file, by: Fixtures.applicant, call: call, now: lastEvening)
        #expect(transition.to == .filed)
    }

    @Test func filingAfterTheDeadlineIsRefused() {
        let justAfter = call.closesAt
        #expect(throws: DomainError.filingClosed(deadline: call.deadlineDay)) {
            try DossierLifecycle.transition(
                Fixtures.dossier(), .file, by: Fixtures.applicant, call: call, now: justAfter)
        }
    }

    @Test func filingBeforeTheOpeningIsRefused() {
        #expect(throws: DomainError.filingNotOpen(opensAt: call.opensAt)) {
            try DossierLifecycle.transition(
                Fixtures.dossier(), .file, by: Fixtures.applicant, call: call,
                now: call.opensAt.addingTimeInterval(-1))
        }
    }

    @Test func filingAnIncompleteDossierIsRefused() {
        #expect(throws: DomainError.self) {
            try DossierLifecycle.transition(
                Fixtures.dossier(title: "  "), .file, by: Fixtures.applicant, call: call, now: duringCall)
        }
        #expect(throws: DomainError.unknownTheme("culture")) {
            try DossierLifecycle.transition(
                Fixtures.dossier(theme: "culture"), .file, by: Fixtures.applicant, call: call, now: duringCall)
        }
        #expect(throws: DomainError.unknownTerritory("99")) {
            try DossierLifecycle.transition(
                Fixtures.dossier(scope: .departemental(departement: "99")), .file,
                by: Fixtures.applicant, call: call, now: duringCall)
        }
        #expect(throws: DomainError.self) {
            try DossierLifecycle.transition(
                Fixtures.dossier(requested: 0), .file, by: Fixtures.applicant, call: call, now: duringCall)
        }
    }

    @Test(arguments: [
        (DossierStatus.draft, DossierAction.declareEligible),
        (.filed, .completeReview),
        (.reviewed, .file),
        (.retained, .withdraw(reason: "plus besoin")),
        (.rejected, .decide(.waitingList)),
        (.withdrawn, .file),
        (.eligible, .recordPayment),
    ])
    func transitionFromTheWrongStateIsRefused(status: DossierStatus, action: DossierAction) {
        let actor = Agent(id: nil, name: "Admin", role: .system)
        #expect(throws: DomainError.transitionNotAllowed(action: action.label, from: status)) {
            try DossierLifecycle.transition(
                Fixtures.dossier(status: status), action, by: actor, call: call, now: duringCall)
        }
    }

    @Test func actionByTheWrongRoleIsRefused() {
        #expect(throws: DomainError.actorNotAllowed(action: "décider", role: .applicant)) {
            try DossierLifecycle.transition(
                Fixtures.dossier(status: .reviewed), .decide(.waitingList),
                by: Fixtures.applicant, call: call, now: duringCall)
        }
        #expect(throws: DomainError.actorNotAllowed(action: "déposer", role: .instructor)) {
            try DossierLifecycle.transition(
                Fixtures.dossier(), .file, by: Fixtures.instructor, call: call, now: duringCall)
        }
    }

    @Test func fullPathFromDraftToReportIsAllowed() throws {
        var dossier = Fixtures.dossier()
        let steps: [(DossierAction, Agent, DossierStatus)] = [
            (.file, Fixtures.applicant, .filed),
            (.requestCorrection(message: "Joindre le RIB"), Fixtures.instructor, .incomplete),
            (.file, Fixtures.applicant, .filed),
            (.declareEligible, Fixtures.instructor, .eligible),
            (.startReview, Fixtures.instructor, .underReview),
            (.completeReview, Fixtures.instructor, .reviewed),
            (.decide(.waitingList), Fixtures.chair, .waitingList),
            (.decide(.retained(amount: Fixtures.euros(50_000))), Fixtures.chair, .retained),
            (.signAgreement, Fixtures.instructor, .agreementSigned),
            (.recordPayment, Fixtures.instructor, .paid),
            (.recordReport, Fixtures.applicant, .reported),
        ]
        for (action, actor, expected) in steps {
            let transition = try DossierLifecycle.transition(dossier, action, by: actor, call: call, now: duringCall)
            #expect(transition.to == expected)
            dossier.status = transition.to
        }
    }

    @Test(arguments: Array(DossierStatus.beforeDecision))
    func withdrawalIsAllowedBeforeTheDecision(status: DossierStatus) throws {
        let t = try DossierLifecycle.transition(
            Fixtures.dossier(status: status), .withdraw(reason: "Projet abandonné"),
            by: Fixtures.applicant, call: call, now: duringCall)
        #expect(t.to == .withdrawn)
        #expect(t.reason == "Projet abandonné")
    }

    @Test func motivesAreRequired() {
        #expect(
            throws: DomainError.missingData(field: "motif", reason: "un dossier irrecevable doit être motivé.")
        ) {
            try DossierLifecycle.transition(
                Fixtures.dossier(status: .filed), .declareIneligible(motive: " "),
                by: Fixtures.instructor, call: call, now: duringCall)
        }
        #expect(
            throws: DomainError.missingData(field: "motif", reason: "un rejet doit être motivé : le porteur le lira.")
        ) {
            try DossierLifecycle.transition(
                Fixtures.dossier(status: .reviewed), .decide(.rejected(motive: "")),
                by: Fixtures.chair, call: call, now: duringCall)
        }
    }

    @Test func motivesArePlainTextOfBoundedLength() throws {
        for (motive, problem) in [
            ("Hors\u{0}champ", "U+0000"), (String(repeating: "é", count: 5_001), "5000"),
        ] {
            #expect {
                try DossierLifecycle.transition(
                    Fixtures.dossier(status: .filed), .declareIneligible(motive: motive),
                    by: Fixtures.instructor, call: call, now: duringCall)
            } throws: { error in
                guard case .invalidForm(let errors) = error as? DomainError, let text = errors["motif"] else {
                    return false
                }
                return text.contains(problem) || text.contains("5 000")
            }
        }
        let kept = try DossierLifecycle.transition(
            Fixtures.dossier(status: .filed), .declareIneligible(motive: "Hors champ :\n\tle projet est national."),
            by: Fixtures.instructor, call: call, now: duringCall)
        #expect(kept.reason == "Hors champ :\n\tle projet est national.")
    }

    @Test func theLifecycleAnswersWhichActionsAStatusAllowsARole() {
        #expect(DossierLifecycle.actions(from: .draft, by: .applicant) == [.file, .withdraw])
        #expect(
            DossierLifecycle.actions(from: .filed, by: .instructor) == [
                .requestCorrection, .declareEligible, .declareIneligible,
            ])
        #expect(
            DossierLifecycle.actions(from: .filed, by: .administrator) == [
                .requestCorrection, .declareEligible, .declareIneligible, .withdraw,
            ])
        #expect(DossierLifecycle.actions(from: .eligible, by: .instructor) == [.startReview])
        #expect(DossierLifecycle.actions(from: .reviewed, by: .committeeChair) == [.decide])
        #expect(DossierLifecycle.actions(from: .reviewed, by: .applicant) == [.withdraw])
        #expect(DossierLifecycle.actions(from: .withdrawn, by: .administrator).isEmpty)
        #expect(DossierLifecycle.actions(from: .filed, by: .expert).isEmpty)
        // Every action the lifecycle allows is one `transition` accepts (data apart).
        for status in DossierStatus.allCases {
            for kind in DossierLifecycle.actions(from: status, by: .system) {
                #expect(DossierLifecycle.statuses(from: kind).contains(status))
            }
        }
        #expect(DossierStatus.decided == [.retained, .waitingList, .rejected, .agreementSigned, .paid, .reported])
        #expect(DossierStatus.instructed == DossierStatus.decided.union([.reviewed]))
        #expect(DossierStatus.draft.isEditableByApplicant && DossierStatus.incomplete.isEditableByApplicant)
        #expect(!DossierStatus.filed.isEditableByApplicant)
    }

    @Test func receiptNumbersArePadded() {
        #expect(ReceiptNumber.make(prefix: "HDF-2021", sequence: 288) == "HDF-2021-0288")
        #expect(ReceiptNumber.make(prefix: "HDF-2021", sequence: 12345) == "HDF-2021-12345")
    }
}
