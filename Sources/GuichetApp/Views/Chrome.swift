import GuichetDomain
import Vapor

/// What every page's frame needs: who is logged in, the logout form's token, a one-time notice.
struct Chrome: Encodable {
    let userName: String?
    let csrf: String?
    let notice: String?
    /// Who runs the site and how it looks (the header's *bloc-marque*, the footer).
    let identity: SiteIdentity
    /// The header's navigation: what the signed-in person's role reaches.
    let navigation: [NavigationLink]
    /// The site's fixed addresses, for the layout and the pages' "back" links (from ``SiteURL``).
    let site = SiteLinks()

    /// The addresses every template may link to, so that no template writes a path.
    struct SiteLinks: Encodable {
        let home = SiteURL.home.path
        let stylesheet = SiteURL.stylesheet.path
        let designSystem = SiteURL.designSystemStylesheet.path
        let favicon = SiteURL.favicon.path
        let account = SiteURL.account.path
        let login = SiteURL.login.path
        let signUp = SiteURL.signUp.path
        let logout = SiteURL.logout.path
        let instruction = SiteURL.instruction.path
        let expertise = SiteURL.expertRequests.path
        let committee = SiteURL.committee.path
        let adminStaff = SiteURL.adminStaff.path
        let publications = SiteURL.publications.path
        let organisations = SiteURL.organisations.path
        let newOrganisation = SiteURL.newOrganisation.path
        let accessibility = SiteURL.accessibility.path
        let legalNotice = SiteURL.legalNotice.path
        let personalData = SiteURL.personalData.path
    }

    /// The operator and the theme, from the configuration.
    struct SiteIdentity: Encodable {
        /// The service's name, the header's title.
        let service = "Guichet"
        /// Who runs it (``AppConfiguration/operatorName``).
        let operatorName: String
        /// Whether the State's *bloc-marque* and Marianne font are shown (``SiteTheme/state``).
        let state: Bool

        init(_ configuration: AppConfiguration) {
            operatorName = configuration.operatorName
            state = configuration.theme == .state
        }
    }

    /// A link of the header's navigation.
    struct NavigationLink: Encodable {
        let label: String
        let path: String
    }

    /// The navigation a person of this role reaches (the pages themselves check every access).
    static func navigation(for role: Role?) -> [NavigationLink] {
        var links = [
            NavigationLink(label: "Accueil", path: SiteURL.home.path),
            NavigationLink(label: "Appels à projets", path: SiteURL.calls.path),
        ]
        switch role {
        case nil, .system: break
        case .applicant:
            links.append(NavigationLink(label: "Mes dossiers", path: SiteURL.account.path))
            links.append(NavigationLink(label: "Mes organisations", path: SiteURL.organisations.path))
        case .instructor:
            links.append(NavigationLink(label: "Instruction", path: SiteURL.instruction.path))
        case .expert:
            links.append(NavigationLink(label: "Avis demandés", path: SiteURL.expertRequests.path))
        case .committeeMember, .committeeChair:
            links.append(NavigationLink(label: "Comité", path: SiteURL.committee.path))
        case .administrator:
            links.append(NavigationLink(label: "Instruction", path: SiteURL.instruction.path))
            links.append(NavigationLink(label: "Comité", path: SiteURL.committee.path))
            links.append(NavigationLink(label: "Gestion des appels", path: SiteURL.adminCalls.path))
            links.append(NavigationLink(label: "Publication", path: SiteURL.publications.path))
            links.append(NavigationLink(label: "Personnel", path: SiteURL.adminStaff.path))
        }
        return links
    }

    /// The frame of a page as a reader without an account sees it (pages rendered once and
    /// served to everyone, such as a publication's results page).
    static func anonymous(_ configuration: AppConfiguration) -> Chrome {
        Chrome(
            userName: nil, csrf: nil, notice: nil, identity: SiteIdentity(configuration),
            navigation: navigation(for: nil))
    }

    /// Whether a request would see the ``anonymous(_:)`` frame: nobody signed in, no notice pending.
    static func isAnonymous(_ req: Request) -> Bool {
        req.auth.get(UserModel.self) == nil && !(req.hasSession && req.session.data[Flash.key] != nil)
    }

    /// Builds the frame for a request, consuming the session's pending notice.
    ///
    /// Anonymous visitors of public pages get no session (no token, no cookie, no row).
    static func make(_ req: Request) -> Chrome {
        let user = req.auth.get(UserModel.self)
        var notice: String? = nil
        if req.hasSession, let pending = req.session.data[Flash.key] {
            notice = pending
            req.session.data[Flash.key] = nil
        }
        return Chrome(
            userName: user?.displayName, csrf: user == nil ? nil : CSRFMiddleware.token(for: req), notice: notice,
            identity: SiteIdentity(req.application.guichetConfiguration),
            navigation: navigation(for: user.flatMap { Role(rawValue: $0.role) }))
    }

    /// The same frame with another notice.
    func with(notice: String?) -> Chrome {
        Chrome(userName: userName, csrf: csrf, notice: notice, identity: identity, navigation: navigation)
    }
}

/// A notice shown once on the next page (after a redirect).
enum Flash {
    static let key = "flash"
    /// What a refused form held, for the page it comes back to (``keep(_:on:)``).
    static let formKey = "flash_form"

    static func set(_ message: String, on req: Request) {
        req.session.data[key] = message
    }

    /// Keeps what a refused form held until the next page reads it: the person corrects the field
    /// named in the error rather than typing everything again. Kept in the session, like the
    /// notice, so that the refusal can still redirect (a reload never posts twice).
    static func keep(_ fields: [String: String], on req: Request) {
        let kept = fields.filter { $0.key != "_csrf" && !$0.value.isEmpty }
        guard !kept.isEmpty, let data = try? JSONEncoder().encode(kept) else { return }
        req.session.data[formKey] = String(decoding: data, as: UTF8.self)
    }

    /// What the refused form held, read once.
    static func takeForm(_ req: Request) -> [String: String] {
        guard req.hasSession, let text = req.session.data[formKey] else { return [:] }
        req.session.data[formKey] = nil
        return (try? JSONDecoder().decode([String: String].self, from: Data(text.utf8))) ?? [:]
    }
}

/// A form field as the generic form template draws it.
struct FieldView: Encodable {
    let name: String
    let label: String
    let type: String
    let value: String
    let error: String?
    let help: String?
    let autocomplete: String?
    let required: Bool

    init(
        name: String, label: String, type: String = "text", value: String = "", error: String? = nil,
        help: String? = nil, autocomplete: String? = nil, required: Bool = true
    ) {
        self.name = name
        self.label = label
        self.type = type
        self.value = value
        self.error = error
        self.help = help
        self.autocomplete = autocomplete
        self.required = required
    }
}

/// A page holding one simple form (accounts): fields, errors summarised at the top (RGAA), links.
struct FormPage: Encodable {
    struct Link: Encodable {
        let href: String
        let label: String
    }

    struct ErrorLink: Encodable {
        /// `#field`: the summary links to the field.
        let href: String
        let message: String
    }

    let chrome: Chrome
    let title: String
    let intro: String?
    let action: String
    let submitLabel: String
    let csrf: String
    let fields: [FieldView]
    let errors: [ErrorLink]
    let formError: String?
    let links: [Link]

    init(
        _ req: Request, title: String, intro: String? = nil, action: String, submitLabel: String,
        fields: [FieldView], formError: String? = nil, links: [Link] = []
    ) {
        self.chrome = .make(req)
        self.title = title
        self.intro = intro
        self.action = action
        self.submitLabel = submitLabel
        self.csrf = CSRFMiddleware.token(for: req)
        self.fields = fields
        self.errors = fields.compactMap { field in
            field.error.map { ErrorLink(href: "#\(field.name)", message: "\(field.label) : \($0)") }
        }
        self.formError = formError
        self.links = links
    }
}

/// A page with a title and a message (confirmation, account).
struct MessagePage: Encodable {
    let chrome: Chrome
    let title: String
    let paragraphs: [String]
    let links: [FormPage.Link]
}
