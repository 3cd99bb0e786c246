import Foundation
import GuichetDomain
import Testing

@Suite struct StaffAdministrationTests {
    static let region = StaffScope.region("32")

    @Test(arguments: [
        (StaffScope.national, StaffScope.service(name: "DRAAF", themes: []), true),
        (StaffScope.region("32"), StaffScope.departement("02"), true),
        (StaffScope.region("32"), StaffScope.departement("75"), false),
        (StaffScope.region("32"), StaffScope.region("11"), false),
        (StaffScope.region("32"), StaffScope.national, false),
        (StaffScope.region("32"), StaffScope.service(name: "ARS", themes: []), false),
        (StaffScope.departement("02"), StaffScope.departement("02"), true),
        (StaffScope.departement("02"), StaffScope.region("32"), false),
    ])
    func scopesEncloseTheirOwnTerritory(admin: StaffScope, other: StaffScope, expected: Bool) {
        #expect(admin.encloses(other) == expected)
    }

    @Test func aRegionalAdministratorManagesOnlyPeopleInsideTheRegion() {
        #expect(
            StaffAdministration.canManage(
                adminScopes: [Self.region], personScopes: [.departement("02"), .departement("59")]))
        #expect(
            !StaffAdministration.canManage(
                adminScopes: [Self.region], personScopes: [.departement("02"), .departement("75")]))
        #expect(!StaffAdministration.canManage(adminScopes: [Self.region], personScopes: []))
        #expect(StaffAdministration.canManage(adminScopes: [.national], personScopes: []))
    }

    @Test func grantingBeyondOnesScopeIsRefused() {
        #expect(throws: DomainError.self) {
            try StaffAdministration.checkCanGrant(adminScopes: [Self.region], granted: [.national])
        }
        #expect(throws: Never.self) {
            try StaffAdministration.checkCanGrant(adminScopes: [Self.region], granted: [.departement("80")])
        }
    }

    @Test func nobodyClosesTheirOwnAccount() {
        let id = UUID()
        #expect(throws: DomainError.self) { try StaffAdministration.checkCanClose(adminID: id, personID: id) }
        #expect(throws: Never.self) { try StaffAdministration.checkCanClose(adminID: id, personID: UUID()) }
    }
}
