import Fluent
import Foundation
import GuichetDomain
import Vapor

/// The portfolio proposal of a session: the chair's rules, the optimal selection explained
/// dossier by dossier, a what-if, and adopting it as staged decisions.
struct ProposalController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let committee = routes.grouped(LoginRequired(), StaffRequired(roles: StaffDirectory.committeeRoles))
        committee.get(.committeeProposal(.pattern), use: page)
        committee.post(.committeeProposal(.pattern), use: adopt)
    }

    @Sendable
    func page(req: Request) async throws -> Response {
        let (user, session) = try await load(req)
        let input = ProposalInput(query: req.url.query ?? "")
        let board = try await CommitteeBoard.load(session, theme: nil, territory: nil, on: req.db)
        // An applied session has nothing left to propose: the page says so rather than compute "0 dossier".
        guard input.compute, session.isOpen else {
            return try await render(
                req, ProposalPage(req, board: board, user: user, input: input, proposal: nil, errors: [:]), .ok)
        }
        do {
            let proposal = try await PortfolioService(database: req.db).propose(
                board, settings: try input.settings(), milp: cbcMILPRunner(req.application.guichetConfiguration.cbcPath)
            )
            return try await render(
                req, ProposalPage(req, board: board, user: user, input: input, proposal: proposal, errors: [:]), .ok)
        } catch DomainError.invalidForm(let errors) {
            return try await render(
                req, ProposalPage(req, board: board, user: user, input: input, proposal: nil, errors: errors),
                .unprocessableEntity)
        } catch let error as PortfolioError {
            let status: HTTPStatus = error.code == "solver_missing" ? .serviceUnavailable : .unprocessableEntity
            return try await render(
                req,
                ProposalPage(
                    req, board: board, user: user, input: input, proposal: nil,
                    errors: ["solver": error.message]), status, code: error.code)
        }
    }

    /// Stages the proposal's selection as retained decisions with their amounts, all or nothing.
    @Sendable
    func adopt(req: Request) async throws -> Response {
        let (user, session) = try await load(req)
        let input = ProposalInput(query: String(buffer: req.body.data ?? ByteBuffer()))
        let back = SiteURL.committeeSession(try session.requireID()).path
        return try await Refusal.redirecting(req, success: back, refused: back) {
            let board = try await CommitteeBoard.load(session, theme: nil, territory: nil, on: req.db)
            let proposal: PortfolioService.Proposal
            do {
                proposal = try await PortfolioService(database: req.db).propose(
                    board, settings: try input.settings(),
                    milp: cbcMILPRunner(req.application.guichetConfiguration.cbcPath))
            } catch let error as PortfolioError {
                throw DomainError.invalidForm(errors: ["solver": error.message])
            }
            // The relaxed proposal is adopted only when the page offered it (and said what it relaxes).
            let adopted = input.value("assouplir") == "1" ? proposal.shown : proposal.result
            guard adopted.status != .infeasible else {
                throw DomainError.invalidForm(errors: [
                    "solver": "Les règles fixées ne laissent aucune sélection possible : rien n'est préparé."
                ])
            }
            let decisions = try adopted.selected.compactMap { grant -> (DossierModel, DecisionOutcome)? in
                guard let dossier = proposal.dossiers[grant.id] else { return nil }
                return (dossier, .retained(amount: try Money(cents: grant.grantedCents)))
            }
            try await CommitteeService(
                database: req.db, configuration: req.application.guichetConfiguration, now: Date()
            )
            .stageAll(session, decisions: decisions, by: user)
            return
                "\(decisions.count) décision(s) préparée(s) d'après la proposition ; vérifiez-les avant d'appliquer la vague."
        }
    }

    private func render(
        _ req: Request, _ page: ProposalPage, _ status: HTTPStatus, code: String? = nil
    ) async throws -> Response {
        let response = try await req.view.render("committee/proposal", page).encodeResponse(status: status, for: req)
        if let code { response.headers.replaceOrAdd(name: "X-Guichet-Error", value: code) }
        return response
    }

    private func load(_ req: Request) async throws -> (UserModel, CommitteeSessionModel) {
        let user = try req.auth.require(UserModel.self)
        guard let id = req.parameters.get("session").flatMap(UUID.init(uuidString:)) else {
            throw AppError.notFound("session_not_found", "Séance introuvable.")
        }
        return (
            user,
            try await CommitteeService(
                database: req.db, configuration: req.application.guichetConfiguration, now: Date()
            )
            .session(id, for: user)
        )
    }
}

/// The proposal form's fields (in the address for the page, in the body to adopt).
struct ProposalInput {
    var fields: [String: String] = [:]

    init(query: String) {
        for (key, values) in PostedForm.urlEncoded(query).fields {
            fields[key] = values.first?.trimmingCharacters(in: .whitespaces)
        }
    }

    /// Whether the chair asked for the computation (the form's button), not just the page.
    var compute: Bool { fields["calculer"] != nil }

    func value(_ key: String) -> String { fields[key] ?? "" }

    /// The settings, or the fields in error.
    func settings() throws -> PortfolioService.Settings {
        var errors: [String: String] = [:]
        var settings = PortfolioService.Settings()
        func amount(_ key: String) -> Int64? {
            guard !value(key).isEmpty else { return nil }
            do { return try Money.parse(value(key)).cents } catch {
                errors[key] = error.message
                return nil
            }
        }
        func percent(_ key: String) -> Percentage? {
            guard !value(key).isEmpty else { return nil }
            guard
                let number = Double(
                    value(key).replacingOccurrences(of: ",", with: ".").replacingOccurrences(of: "%", with: "")
                        .trimmingCharacters(in: .whitespaces)), let share = try? Percentage(percent: number)
            else {
                errors[key] = "Un pourcentage entre 0 et 100 est attendu."
                return nil
            }
            return share
        }
        settings.budgetCents = amount("budget")
        settings.whatIfCents = amount("whatif")
        if !value("min_dept").isEmpty {
            if let n = Int(value("min_dept")), (0...50).contains(n) {
                settings.rules.minPerDepartement = n
            } else {
                errors["min_dept"] = "Un nombre entier de projets (0 à 50) est attendu."
            }
        }
        settings.rules.partialFundingFloorPercent = percent("floor")
        for key in fields.keys.sorted() where key.hasPrefix("min_theme_") || key.hasPrefix("max_theme_") {
            let theme = String(key.dropFirst(10))
            guard let share = percent(key) else { continue }
            var current = settings.rules.themeShares[theme] ?? ThemeShare()
            if key.hasPrefix("min_") { current.minPercent = share } else { current.maxPercent = share }
            settings.rules.themeShares[theme] = current
        }
        let list = { (key: String) in
            value(key).split(whereSeparator: { $0 == "," || $0 == " " || $0 == ";" }).map(String.init)
        }
        settings.rules.forcedIn = list("inclure")
        settings.rules.forcedOut = list("exclure")
        guard errors.isEmpty else { throw DomainError.invalidForm(errors: errors) }
        return settings
    }
}
