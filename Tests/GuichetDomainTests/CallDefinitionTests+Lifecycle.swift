import Foundation
import Testing

@testable import GuichetDomain

/// A call's status for its authors, its phase for the public, and who may author it.
@Suite struct CallLifecycleTests {
    static let opensAt = ParisTime.day("2020-11-02")!
    static let closesAt = ParisTime.day("2021-01-16")!

    /// Instants around the seed call's filing period.
    enum Moment: String, Sendable, CaseIterable {
        case beforeOpening, atOpening, during, lastSecond, atClosing, afterClosing

        var date: Date {
            switch self {
            case .beforeOpening: CallLifecycleTests.opensAt.addingTimeInterval(-1)
            case .atOpening: CallLifecycleTests.opensAt
            case .during: ParisTime.day("2020-12-15")!
            case .lastSecond: CallLifecycleTests.closesAt.addingTimeInterval(-1)
            case .atClosing: CallLifecycleTests.closesAt
            case .afterClosing: CallLifecycleTests.closesAt.addingTimeInterval(86_400 * 100)
            }
        }
    }

    // MARK: - Phase

    @Test(
        arguments: [
            (CallStatus.draft, Moment.during, CallPhase.draft),
            (.draft, .afterClosing, .draft),
            (.published, .beforeOpening, .upcoming),
            (.published, .atOpening, .open),
            (.published, .during, .open),
            (.published, .lastSecond, .open),
            (.published, .atClosing, .closed),
            (.published, .afterClosing, .closed),
            (.archived, .during, .archived),
            (.archived, .afterClosing, .archived),
        ] as [(CallStatus, Moment, CallPhase)])
    func thePhaseFollowsTheStatusAndTheFilingPeriod(status: CallStatus, moment: Moment, phase: CallPhase) {
        #expect(CallPhase(status: status, opensAt: Self.opensAt, closesAt: Self.closesAt, now: moment.date) == phase)
    }

    @Test func theSeedCallClosesAtTheEndOfItsDeadlineInParis() throws {
        let definition = try CallSeed.definition()
        #expect(definition.opensAt == Self.opensAt)
        #expect(definition.closesAt == Self.closesAt)
    }

    // MARK: - Status

    @Test func onlyADraftIsPublished() throws {
        #expect(try CallStatus.draft.publishing() == .published)
        for status in [CallStatus.published, .archived] {
            #expect(issuePaths { () throws(DomainError) in _ = try status.publishing() } == [""])
        }
    }

    @Test(
        arguments: [
            (CallStatus.published, Moment.atClosing, "archived"),
            (.published, .afterClosing, "archived"),
            (.published, .lastSecond, "deadline"),
            (.published, .beforeOpening, "deadline"),
            (.draft, .afterClosing, ""),
            (.archived, .afterClosing, ""),
        ] as [(CallStatus, Moment, String)])
    func onlyAPublishedCallPastItsDeadlineIsArchived(status: CallStatus, moment: Moment, expected: String) throws {
        if expected == "archived" {
            #expect(try status.archiving(closesAt: Self.closesAt, now: moment.date) == .archived)
        } else {
            #expect(
                issuePaths { () throws(DomainError) in
                    _ = try status.archiving(closesAt: Self.closesAt, now: moment.date)
                } == [expected])
        }
    }

    /// The paths of the call-definition issues `body` throws; `nil` when it throws nothing or another error.
    func issuePaths(_ body: () throws(DomainError) -> Void) -> [String]? {
        do {
            try body()
            return nil
        } catch {
            guard case .invalidCallDefinition(let issues) = error else { return nil }
            return issues.map(\.path)
        }
    }

    // MARK: - Who may author which call

    @Test(
        arguments: [
            (Role.administrator, StaffScope.national, CallScope.national, "ok"),
            (.administrator, .national, .region("32"), "ok"),
            (.administrator, .national, .departement("75"), "ok"),
            (.administrator, .region("32"), .region("32"), "ok"),
            (.administrator, .region("32"), .departement("02"), "ok"),
            (.administrator, .region("32"), .region("11"), "outside_scope"),
            (.administrator, .region("32"), .national, "outside_scope"),
            (.administrator, .region("32"), .departement("75"), "outside_scope"),
            (.administrator, .departement("02"), .departement("02"), "ok"),
            (.administrator, .departement("02"), .departement("60"), "outside_scope"),
            (.administrator, .departement("02"), .region("32"), "outside_scope"),
            (.administrator, .departement("02"), .national, "outside_scope"),
            (.administrator, .service(name: "DRAAF", themes: []), .region("32"), "outside_scope"),
            (.instructor, .national, .national, "actor_not_allowed"),
            (.instructor, .region("32"), .region("32"), "actor_not_allowed"),
            (.instructor, .departement("02"), .departement("02"), "actor_not_allowed"),
            (.committeeChair, .national, .region("32"), "actor_not_allowed"),
        ] as [(Role, StaffScope, CallScope, String)])
    func anAdministratorAuthorsTheCallsOfTheirTerritory(
        role: Role, staff: StaffScope, scope: CallScope, expected: String
    ) {
        do {
            try CallAuthoring.checkMayAuthor(scope, role: role, scopes: [staff])
            #expect(expected == "ok")
        } catch {
            #expect(error.code == expected)
            #expect(!error.message.isEmpty)
        }
        #expect(CallAuthoring.mayAuthor(scope, role: role, scopes: [staff]) == (expected == "ok"))
    }

    @Test func anyOfSeveralScopesGrantsAuthoring() {
        let scopes: [StaffScope] = [.departement("59"), .region("32")]
        #expect(CallAuthoring.mayAuthor(.departement("02"), role: .administrator, scopes: scopes))
        #expect(!CallAuthoring.mayAuthor(.region("11"), role: .administrator, scopes: scopes))
        #expect(!CallAuthoring.mayAuthor(.region("32"), role: .administrator, scopes: []))
    }

    @Test func aRefusalNamesTheCallsTerritory() {
        do {
            try CallAuthoring.checkMayAuthor(.departement("02"), role: .administrator, scopes: [.region("11")])
            Issue.record("an Île-de-France administrator authored a call of the Aisne")
        } catch {
            #expect(
                error == .outsideScope(action: "administrer cet appel à projets", territory: "le département Aisne"))
        }
    }
}
