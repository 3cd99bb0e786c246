import Vapor

/// The pages every French public website links from its footer: the accessibility statement
/// (RGAA), the legal notice and what is done with personal data. Open to everyone; their facts
/// come from the configuration (who runs the site, how long a session lasts).
struct LegalPagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(.accessibility, use: accessibility)
        routes.get(.legalNotice, use: legalNotice)
        routes.get(.personalData, use: personalData)
    }

    @Sendable
    func accessibility(req: Request) async throws -> View {
        try await req.view.render("legal/accessibility", LegalPage(req))
    }

    @Sendable
    func legalNotice(req: Request) async throws -> View {
        try await req.view.render("legal/notice", LegalPage(req))
    }

    @Sendable
    func personalData(req: Request) async throws -> View {
        try await req.view.render("legal/personal-data", LegalPage(req))
    }
}

/// What the legal pages state, from the running configuration (the operator's name comes with
/// the frame, `chrome.identity`).
struct LegalPage: Encodable {
    let chrome: Chrome
    let publicURL: String
    let sessionIdleMinutes: Int
    let sessionMaxHours: Int
    let cookieName = SessionStore.cookieName

    init(_ req: Request) {
        let configuration = req.application.guichetConfiguration
        chrome = Chrome.make(req)
        publicURL = configuration.publicURL
        sessionIdleMinutes = configuration.sessionIdleSeconds / 60
        sessionMaxHours = configuration.sessionMaxSeconds / 3600
    }
}
