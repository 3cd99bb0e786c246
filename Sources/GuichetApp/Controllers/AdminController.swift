import Fluent
import Foundation
import GuichetDomain
import Vapor

/// The administrators' pages for staff accounts (`/admin/personnel`). Anyone but an
/// administrator gets 404; an administrator reaches only the people inside their scopes.
struct AdminController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped(LoginRequired(), StaffRequired(roles: [.administrator]))
        admin.get(.adminStaff, use: list)
        admin.get(.adminNewStaff, use: newForm)
        admin.post(.adminStaff, use: create)
        admin.get(.adminPerson(.pattern), use: editForm)
        admin.post(.adminPerson(.pattern), use: update)
        admin.post(.adminPersonClosure(.pattern), use: close)
        admin.post(.adminPersonReopening(.pattern), use: reopen)
    }

    @Sendable
    func list(req: Request) async throws -> View {
        let admin = try req.auth.require(UserModel.self)
        let people = try await service(req).people(managedBy: admin)
        return try await req.view.render("admin/staff", StaffListPage(req, people: people))
    }

    @Sendable
    func newForm(req: Request) async throws -> Response {
        try await personPage(req, input: StaffInput(), person: nil, errors: [:], status: .ok)
    }

    @Sendable
    func create(req: Request) async throws -> Response {
        let admin = try req.auth.require(UserModel.self)
        let input = try StaffInput(PostedForm.read(req))
        do {
            let (role, scopes) = try input.parsed()
            let user = try await service(req).invite(
                email: input.email, name: input.name, role: role, scopes: scopes, by: admin)
            Flash.set(
                "Compte ouvert pour \(user.displayName) : un lien pour choisir son mot de passe lui est envoyé.",
                on: req)
            return req.redirect(to: SiteURL.adminStaff.path)
        } catch DomainError.invalidForm(let errors) {
            return try await personPage(req, input: input, person: nil, errors: errors, status: .unprocessableEntity)
        }
    }

    @Sendable
    func editForm(req: Request) async throws -> Response {
        let person = try await load(req)
        return try await personPage(req, input: StaffInput(person), person: person, errors: [:], status: .ok)
    }

    @Sendable
    func update(req: Request) async throws -> Response {
        let admin = try req.auth.require(UserModel.self)
        let person = try await load(req)
        var input = try StaffInput(PostedForm.read(req))
        input.email = person.user.email
        do {
            let (role, scopes) = try input.parsed()
            try await service(req).update(person, name: input.name, role: role, scopes: scopes, by: admin)
            Flash.set("Compte de \(person.user.displayName) mis à jour.", on: req)
            return req.redirect(to: SiteURL.adminStaff.path)
        } catch DomainError.invalidForm(let errors) {
            return try await personPage(req, input: input, person: person, errors: errors, status: .unprocessableEntity)
        }
    }

    @Sendable
    func close(req: Request) async throws -> Response {
        try await setOpen(req, false)
    }

    @Sendable
    func reopen(req: Request) async throws -> Response {
        try await setOpen(req, true)
    }

    private func setOpen(_ req: Request, _ open: Bool) async throws -> Response {
        let admin = try req.auth.require(UserModel.self)
        let person = try await load(req)
        let page = SiteURL.adminPerson(try person.user.requireID()).path
        return try await Refusal.redirecting(req, success: page, refused: page) {
            try await service(req).setOpen(person, open, by: admin)
            return open
                ? "Compte rouvert."
                : "Compte fermé : cette personne ne peut plus se connecter ; son historique est conservé."
        }
    }

    private func load(_ req: Request) async throws -> StaffAdmin.Person {
        let admin = try req.auth.require(UserModel.self)
        guard let id = req.parameters.get("person").flatMap(UUID.init(uuidString:)) else {
            throw AppError.notFound("staff_not_found", "Compte introuvable.")
        }
        return try await service(req).person(id, managedBy: admin)
    }

    private func personPage(
        _ req: Request, input: StaffInput, person: StaffAdmin.Person?, errors: [String: String],
        status: HTTPStatus
    ) async throws -> Response {
        var history: [AuditEntryModel] = []
        if let id = person?.user.id {
            history = try await AuditEntryModel.query(on: req.db).filter(\.$entityID == id).sort(\.$at).all()
        }
        return try await req.view.render(
            "admin/person",
            PersonPage(
                req, input: input, person: person, errors: errors, history: history,
                themes: try await CallRepository(database: req.db).themeCatalog())
        )
        .encodeResponse(status: status, for: req)
    }

    private func service(_ req: Request) -> StaffAdmin {
        StaffAdmin(
            database: req.db, configuration: req.application.guichetConfiguration, hasher: req.password.async,
            now: Date())
    }
}

/// The staff form as posted: role, territories (national, regions, départements), an expert
/// service and its themes. Territories are typed as INSEE codes, checked against the catalogue.
struct StaffInput {
    var email = ""
    var name = ""
    var role = Role.instructor.rawValue
    var national = false
    var regions = ""
    var departements = ""
    var service = ""
    var themes: [String] = []

    init() {}

    init(_ posted: PostedForm) {
        let field = { (name: String) in (posted.fields[name]?.first ?? "").trimmingCharacters(in: .whitespaces) }
        email = field("email")
        name = field("name")
        role = field("role")
        national = field("national") == "1"
        regions = field("regions")
        departements = field("departements")
        service = field("service")
        themes = (posted.fields["themes"] ?? []).filter { !$0.isEmpty }
    }

    init(_ person: StaffAdmin.Person) {
        email = person.user.email
        name = person.user.displayName
        role = person.user.role
        var regions: [String] = [], departements: [String] = []
        for scope in person.scopes {
            switch scope {
            case .national: national = true
            case .region(let code): regions.append(code)
            case .departement(let code): departements.append(code)
            case .service(let name, let themes):
                service = name
                self.themes = themes
            }
        }
        self.regions = regions.joined(separator: ", ")
        self.departements = departements.joined(separator: ", ")
    }

    /// The role and scopes, or the fields in error.
    func parsed() throws -> (Role, [StaffScope]) {
        var errors: [String: String] = [:]
        let role = Role(rawValue: self.role).flatMap { [.applicant, .system].contains($0) ? nil : $0 }
        if role == nil { errors["role"] = "Choisissez un rôle." }
        var scopes: [StaffScope] = national ? [.national] : []
        func codes(_ text: String) -> [String] {
            text.split(whereSeparator: { $0 == "," || $0 == " " || $0 == ";" }).map(String.init)
        }
        for code in codes(regions) {
            do { scopes.append(try StaffScope(stored: "region:\(code)")) } catch {
                errors["regions"] = "Région inconnue : « \(code) » (code INSEE, par exemple 32)."
            }
        }
        for code in codes(departements) {
            do { scopes.append(try StaffScope(stored: "departement:\(code.uppercased())")) } catch {
                errors["departements"] = "Département inconnu : « \(code) » (code INSEE, par exemple 02 ou 2A)."
            }
        }
        if !service.isEmpty {
            if service.contains(":") || service.contains("+") || service.count > 40 {
                errors["service"] = "Nom de service invalide (par exemple DRAAF ou ARS)."
            } else {
                scopes.append(.service(name: service.uppercased(), themes: themes))
            }
        }
        guard errors.isEmpty, let role else { throw DomainError.invalidForm(errors: errors) }
        var unique: [StaffScope] = []
        for scope in scopes where !unique.contains(scope) { unique.append(scope) }
        return (role, unique)
    }
}
