import Foundation
import GuichetDomain
import Vapor

/// A field of a form that offers choices as well as text: an `<input>` or a `<select>`.
struct ChoiceFieldView: Encodable {
    /// One `<option>`; `selected` keeps what was chosen when the form comes back with errors.
    struct Option: Encodable {
        let value: String
        let label: String
        let selected: Bool
    }

    let name: String
    let label: String
    /// `text`, `email`… for an input; `select` for a list.
    let type: String
    let value: String
    let error: String?
    let help: String?
    let autocomplete: String?
    let inputmode: String?
    let required: Bool
    let options: [Option]

    init(
        name: String, label: String, type: String = "text", value: String = "", error: String? = nil,
        help: String? = nil,
        autocomplete: String? = nil, inputmode: String? = nil, required: Bool = true, options: [Option] = []
    ) {
        self.name = name
        self.label = label
        self.type = type
        self.value = value
        self.error = error
        self.help = help
        self.autocomplete = autocomplete
        self.inputmode = inputmode
        self.required = required
        self.options = options
    }

    /// A select list whose first entry asks to choose, with `value` selected.
    static func select(
        name: String, label: String, value: String, error: String?, help: String? = nil,
        choices: [(value: String, label: String)]
    ) -> ChoiceFieldView {
        let options =
            [Option(value: "", label: "Choisissez…", selected: value.isEmpty)]
            + choices.map { Option(value: $0.value, label: $0.label, selected: $0.value == value) }
        return ChoiceFieldView(
            name: name, label: label, type: "select", value: value, error: error, help: help, options: options)
    }
}

/// The organisation registration form (`organisations/new`), in groups of fields.
struct NewOrganisationPage: Encodable {
    /// A `<fieldset>`: its legend, an optional explanation, its fields.
    struct Group: Encodable {
        let legend: String
        let help: String?
        let fields: [ChoiceFieldView]
    }

    let chrome: Chrome
    let title: String
    let action: String
    let csrf: String
    let groups: [Group]
    let errors: [FormPage.ErrorLink]
    let links: [FormPage.Link]
    /// Where to go once the organisation is registered: the page that sent the person here (the
    /// filing of a dossier), a local path only (``LoginRequired/safeReturn(_:)``).
    let returnTo: String?

    init(_ req: Request, input: OrganisationService.Registration, errors: [String: String], returnTo: String?) {
        let departements = TerritoryCatalog.france.departements.map {
            (value: $0.code, label: "\($0.code) — \($0.name)")
        }
        let legalForms = LegalForm.allCases.map { (value: $0.rawValue, label: $0.label) }
        let groups = [
            Group(
                legend: "L'organisation", help: nil,
                fields: [
                    ChoiceFieldView(
                        name: "name", label: "Nom de l'organisation", value: input.name, error: errors["name"],
                        help: "Tel qu'il figure dans vos statuts.", autocomplete: "organization"),
                    .select(
                        name: "legal_form", label: "Forme juridique", value: input.legalForm,
                        error: errors["legal_form"],
                        choices: legalForms),
                ]),
            Group(
                legend: "Identifiants",
                help:
                    "Indiquez au moins l'un des deux : le SIRET (avis de situation INSEE) ou le numéro RNA (récépissé de déclaration en préfecture).",
                fields: [
                    ChoiceFieldView(
                        name: "siret", label: "SIRET", value: input.siret, error: errors["siret"],
                        help: "14 chiffres, espaces permis.", inputmode: "numeric", required: false),
                    ChoiceFieldView(
                        name: "rna", label: "Numéro RNA", value: input.rna, error: errors["rna"],
                        help: "W suivi de 9 chiffres (exemple : W595012345).", required: false),
                ]),
            Group(
                legend: "Adresse du siège", help: nil,
                fields: [
                    ChoiceFieldView(
                        name: "address", label: "Adresse", value: input.address, error: errors["address"],
                        help: "Numéro et voie.", autocomplete: "street-address"),
                    ChoiceFieldView(
                        name: "postcode", label: "Code postal", value: input.postcode, error: errors["postcode"],
                        autocomplete: "postal-code", inputmode: "numeric"),
                    ChoiceFieldView(
                        name: "city", label: "Commune", value: input.city, error: errors["city"],
                        autocomplete: "address-level2"),
                    .select(
                        name: "departement", label: "Département", value: input.departement,
                        error: errors["departement"],
                        choices: departements),
                ]),
        ]
        self.groups = groups
        chrome = .make(req)
        title = "Inscrire une organisation"
        action = SiteURL.organisations.path
        csrf = CSRFMiddleware.token(for: req)
        // In the order of the page, so that the summary reads like the form.
        self.errors = groups.flatMap(\.fields).compactMap { field in
            field.error.map { FormPage.ErrorLink(href: "#\(field.name)", message: "\(field.label) : \($0)") }
        }
        self.returnTo = returnTo
        links =
            returnTo.map { [.init(href: $0, label: "Retour au dépôt du dossier")] }
            ?? [.init(href: SiteURL.organisations.path, label: "Retour à mes organisations")]
    }
}

/// The organisations a person represents (`organisations/index`).
struct OrganisationListPage: Encodable {
    struct Item: Encodable {
        let name: String
        let href: String
        let detail: String
    }

    let chrome: Chrome
    let title: String
    let organisations: [Item]
    let newHref: String

    init(_ req: Request, organisations: [OrganisationModel]) throws {
        chrome = .make(req)
        title = "Mes organisations"
        self.organisations = try organisations.map { model in
            Item(
                name: model.name, href: SiteURL.organisation(try model.requireID()).path,
                detail: [LegalForm.label(forStored: model.legalForm), model.city].compactMap { $0 }.joined(
                    separator: " — "))
        }
        newHref = SiteURL.newOrganisation.path
    }
}

/// One organisation, its members and the invitation form (`organisations/show`).
struct OrganisationPage: Encodable {
    struct Detail: Encodable {
        let label: String
        let value: String
    }

    struct Member: Encodable {
        let name: String
        let email: String
    }

    struct Invitation: Encodable {
        let email: String
        let expires: String
    }

    let chrome: Chrome
    let title: String
    let details: [Detail]
    let members: [Member]
    let invitations: [Invitation]
    let inviteAction: String
    let csrf: String
    let email: FieldView
    let errors: [FormPage.ErrorLink]
    let links: [FormPage.Link]

    init(
        _ req: Request, organisation: OrganisationModel, members: [UserModel],
        invitations: [OrganisationInvitationModel],
        email: String = "", emailError: String? = nil
    ) throws {
        chrome = .make(req)
        title = organisation.name
        let departement = organisation.departementCode.map { code in
            (try? TerritoryCatalog.france.departement(code)).map { "\($0.code) — \($0.name)" } ?? code
        }
        let place = [organisation.postcode, organisation.city].compactMap { $0 }.joined(separator: " ")
        let rows: [(String, String?)] = [
            ("Forme juridique", LegalForm.label(forStored: organisation.legalForm)),
            ("SIRET", organisation.siret),
            ("Numéro RNA", organisation.rna),
            ("Adresse", organisation.address),
            ("Commune", place.isEmpty ? nil : place),
            ("Département", departement),
        ]
        details = rows.compactMap { label, value in value.map { Detail(label: label, value: $0) } }
        self.members = members.map { Member(name: $0.displayName, email: $0.email) }
        self.invitations = invitations.map { Invitation(email: $0.email, expires: ParisTime.longDate($0.expiresAt)) }
        inviteAction = SiteURL.organisationInvitations(try organisation.requireID()).path
        csrf = CSRFMiddleware.token(for: req)
        let label = "Adresse électronique de la personne à inviter"
        self.email = FieldView(
            name: "email", label: label, type: "email", value: email, error: emailError,
            help: "Elle recevra un lien valable 7 jours pour rejoindre l'organisation.", autocomplete: "email")
        errors = emailError.map { [FormPage.ErrorLink(href: "#email", message: "\(label) : \($0)")] } ?? []
        links = [.init(href: SiteURL.organisations.path, label: "Mes organisations")]
    }
}

/// The confirmation asked before joining an organisation by an emailed invitation.
struct InvitationPage: Encodable {
    let chrome: Chrome
    let csrf: String
    let action: String
    let token: String
    let organisation: String
}
