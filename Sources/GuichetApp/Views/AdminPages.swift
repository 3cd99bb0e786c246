import Foundation
import GuichetDomain
import Vapor

/// The staff accounts an administrator manages.
struct StaffListPage: Encodable {
    struct Row: Encodable {
        let name: String
        let email: String
        let role: String
        let scopes: String
        let state: String
        let url: String
    }

    let chrome: Chrome
    let rows: [Row]
    let newURL: String

    init(_ req: Request, people: [StaffAdmin.Person]) {
        chrome = .make(req)
        newURL = SiteURL.adminNewStaff.path
        rows = people.compactMap { person in
            guard let id = person.user.id else { return nil }
            return Row(
                name: person.user.displayName, email: person.user.email,
                role: (Role(rawValue: person.user.role) ?? .instructor).label,
                scopes: person.scopes.map(Self.scopeLabel).joined(separator: ", "),
                state: Self.state(person.user), url: SiteURL.adminPerson(id).path)
        }
    }

    static func state(_ user: UserModel) -> String {
        if user.disabledAt != nil { return "fermé" }
        // An account opened without a password waits for its owner to choose one.
        return user.passwordHash.hasPrefix("!") ? "en attente du mot de passe" : "actif"
    }

    static func scopeLabel(_ scope: StaffScope) -> String {
        switch scope {
        case .service(let name, let themes):
            themes.isEmpty ? "service \(name)" : "service \(name) (\(themes.joined(separator: ", ")))"
        default: QueuePage.groupLabel(scope.stored)
        }
    }
}

/// The form to open or change a staff account, with the account's history.
struct PersonPage: Encodable {
    struct Option: Encodable {
        let value: String
        let label: String
        let selected: Bool
    }

    let chrome: Chrome
    let title: String
    let action: String
    let isNew: Bool
    let csrf: String
    let email: String
    let name: String
    let roles: [Option]
    let national: Bool
    let regions: String
    let departements: String
    let service: String
    let themes: [Option]
    let errors: [FormPage.ErrorLink]
    let fieldErrors: [String: String]
    let state: String?
    let closeURL: String?
    let reopenURL: String?
    let history: [StaffDossierPage.Event]

    init(
        _ req: Request, input: StaffInput, person: StaffAdmin.Person?, errors: [String: String],
        history: [AuditEntryModel],
        themes catalog: [Theme]
    ) {
        chrome = .make(req)
        csrf = chrome.csrf ?? ""
        isNew = person == nil
        title = person.map { "Compte de \($0.user.displayName)" } ?? "Ouvrir un compte du personnel"
        let id = person?.user.id
        action = id.map { SiteURL.adminPerson($0).path } ?? SiteURL.adminStaff.path
        email = input.email
        name = input.name
        roles = Role.allCases.filter { $0 != .applicant && $0 != .system }.map {
            Option(value: $0.rawValue, label: $0.label, selected: $0.rawValue == input.role)
        }
        national = input.national
        regions = input.regions
        departements = input.departements
        service = input.service
        themes = catalog.map { Option(value: $0.code, label: $0.label, selected: input.themes.contains($0.code)) }
        let labels = [
            "email": "Adresse électronique", "name": "Nom", "role": "Rôle", "regions": "Régions",
            "departements": "Départements",
            "service": "Service expert", "scope": "Périmètres", "account": "Compte",
        ]
        self.errors = errors.sorted { $0.key < $1.key }.map {
            FormPage.ErrorLink(
                href: "#\($0.key == "scope" || $0.key == "account" ? "departements" : $0.key)",
                message: "\(labels[$0.key] ?? $0.key) : \($0.value)")
        }
        fieldErrors = errors
        state = person.map { StaffListPage.state($0.user) }
        let open = person?.user.disabledAt == nil
        closeURL = id.flatMap { open ? SiteURL.adminPersonClosure($0).path : nil }
        reopenURL = id.flatMap { open ? nil : SiteURL.adminPersonReopening($0).path }
        self.history = history.map { entry in
            StaffDossierPage.Event(
                at: ParisTime.longDateTime(entry.at), who: entry.actorName,
                what: StaffDossierPage.actionLabels[entry.action] ?? entry.action,
                reason: [entry.fromState, entry.toState].compactMap { $0 }.joined(separator: " → "))
        }
    }
}
