import Foundation
import GuichetDomain
import Testing
import Vapor
import VaporTesting

@testable import GuichetApp

/// Every page carries the State's frame (header with the operator's name, navigation, footer with
/// the mandatory links), and the three pages the footer links to state the configuration's facts.
@Suite struct LegalPagesTests {
    @Test func theFooterLinksToTheThreeMandatoryPagesWhichAnswerEveryone() async throws {
        try await withGuichet(adjust: { $0.operatorName = "Préfète de la région Hauts-de-France" }) { app in
            var home = ""
            try await app.testing().test(.GET, SiteURL.login.path) { res in
                #expect(res.status == .ok)
                home = res.body.string
            }
            #expect(home.contains("<p class=\"fr-logo\">République<br>Française</p>"))
            #expect(home.contains("Préfète de la région Hauts-de-France — appels à projets"))
            #expect(home.contains("href=\"\(SiteURL.designSystemStylesheet.path)\""))
            for (url, heading) in [
                (SiteURL.accessibility, "Déclaration d'accessibilité"), (.legalNotice, "Mentions légales"),
                (.personalData, "Données personnelles"),
            ] {
                #expect(home.contains("href=\"\(url.path)\""), "\(url.path)")
                try await app.testing().test(.GET, url.path) { res in
                    #expect(res.status == .ok)
                    let page = res.body.string
                    #expect(
                        page.contains("<h1>\(heading.replacingOccurrences(of: "'", with: "&#39;"))</h1>")
                            || page.contains("<h1>\(heading)</h1>"), "\(url.path)")
                    #expect(page.contains("Préfète de la région Hauts-de-France"), "\(url.path)")
                    #expect(page.contains("aria-current=\"page\""), "\(url.path)")
                }
            }
            try await app.testing().test(.GET, SiteURL.accessibility.path) { res in
                #expect(res.body.string.contains("<strong>non conforme</strong>"))
            }
            try await app.testing().test(.GET, SiteURL.personalData.path) { res in
                let page = res.body.string
                #expect(page.contains(SessionStore.cookieName))
                #expect(page.contains("après 120 minutes sans activité"))
                #expect(page.contains("12 heures après la connexion"))
            }
        }
    }

    @Test func theNeutralThemeShowsNeitherTheBlocMarqueNorMarianne() async throws {
        try await withGuichet(adjust: {
            $0.theme = .neutral
            $0.operatorName = "Fondation Exemple"
        }) { app in
            try await app.testing().test(.GET, SiteURL.legalNotice.path) { res in
                let page = res.body.string
                #expect(res.status == .ok)
                #expect(!page.contains("fr-logo"))
                #expect(page.contains("class=\"theme-neutre\""))
                #expect(page.contains("Fondation Exemple — appels à projets"))
                #expect(page.contains("sans la fonte Marianne ni le bloc-marque"))
            }
        }
    }

    @Test func theNavigationFollowsTheRole() {
        let labels = { (role: Role?) in Chrome.navigation(for: role).map(\.label) }
        let common = ["Accueil", "Appels à projets"]
        #expect(labels(nil) == common)
        #expect(labels(.applicant) == common + ["Mes dossiers", "Mes organisations"])
        #expect(labels(.instructor) == common + ["Instruction", "Subventions"])
        #expect(labels(.expert) == common + ["Avis demandés"])
        #expect(labels(.committeeMember) == common + ["Comité"])
        #expect(
            labels(.administrator) == common + [
                "Instruction", "Subventions", "Comité", "Gestion des appels", "Publication", "Personnel",
            ])
    }
}
