import Foundation
import Testing

@testable import GuichetDomain

/// A committee decides inside the call's territory, with people of that territory, never alone.
@Suite struct CommitteeTerritoryTests {
    @Test(arguments: [
        (CallScope.region("32"), StaffScope.region("32"), true),
        (.region("32"), .departement("02"), true),
        (.region("32"), .region("11"), false),
        (.region("32"), .departement("75"), false),
        (.region("32"), .national, false),
        (.departement("02"), .departement("02"), true),
        (.departement("02"), .region("32"), false),
        (.national, .region("11"), true),
        (.national, .national, true),
        (.national, .service(name: "DRAAF", themes: []), false),
    ])
    func aSessionLiesWithinItsCallsTerritory(call: CallScope, session: StaffScope, allowed: Bool) {
        #expect(((try? CommitteeTerritory.checkSessionScope(session, call: call)) != nil) == allowed)
    }

    @Test(arguments: [
        ([StaffScope.region("32")], StaffScope.region("32"), true),
        ([.region("32")], .departement("02"), true),
        ([.departement("02")], .region("32"), false),
        ([.region("11")], .region("32"), false),
        ([.national], .departement("59"), true),
        ([], .region("32"), false),
        ([.service(name: "DRAAF", themes: [])], .region("32"), false),
    ])
    func onlyPeopleWhoseScopesEncloseTheSessionActForIt(scopes: [StaffScope], session: StaffScope, allowed: Bool) {
        #expect(
            ((try? CommitteeTerritory.checkMayAct("appliquer la vague", scopes: scopes, session: session)) != nil)
                == allowed)
    }

    @Test func aRefusalNamesTheTerritory() {
        #expect(throws: DomainError.outsideScope(action: "ouvrir une séance", territory: "la région Hauts-de-France")) {
            try CommitteeTerritory.checkMayAct("ouvrir une séance", scopes: [.region("11")], session: .region("32"))
        }
    }

    @Test(arguments: [
        (2, 2, true), (4, 2, true), (4, 1, false), (5, 2, false), (5, 3, true), (1, 1, false), (3, 4, false),
        (10, 5, true),
    ])
    func theQuorumIsAtLeastTwoAndHalfTheMembers(members: Int, quorum: Int, allowed: Bool) {
        #expect(((try? CommitteeSession.checkQuorumRule(quorum, members: members)) != nil) == allowed)
    }

    @Test func theNextWaveOpensOnlyOnceTheLatestIsPublished() {
        let day = Date(timeIntervalSince1970: 1_618_531_200)
        let published = Wave(number: 1, label: "1", announcedOn: day, publishedAt: day)
        let open = Wave(number: 2, label: "2", announcedOn: day, publishedAt: nil)
        #expect(throws: Never.self) { try CommitteeTerritory.checkCanOpenNextWave(after: [published]) }
        #expect(throws: DomainError.self) { try CommitteeTerritory.checkCanOpenNextWave(after: [published, open]) }
    }
}
