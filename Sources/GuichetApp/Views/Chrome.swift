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
    /// The skip links and the header (*bloc-marque*, the person's buttons, the navigation),
    /// written by ``header(userName:csrf:identity:navigation:site:)``.
    let headerHTML: String
    /// The footer, written by ``footer(identity:site:)``.
    let footerHTML: String

    init(
        userName: String?, csrf: String?, notice: String?, identity: SiteIdentity, navigation: [NavigationLink]
    ) {
        self.userName = userName
        self.csrf = csrf
        self.notice = notice
        self.identity = identity
        self.navigation = navigation
        let site = SiteLinks()
        headerHTML = Self.header(userName: userName, csrf: csrf, identity: identity, navigation: navigation, site: site)
        footerHTML = Self.footer(identity: identity, site: site)
    }

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
            links.append(NavigationLink(label: "Subventions", path: SiteURL.grantFollowUp.path))
        case .expert:
            links.append(NavigationLink(label: "Avis demandés", path: SiteURL.expertRequests.path))
        case .committeeMember, .committeeChair:
            links.append(NavigationLink(label: "Comité", path: SiteURL.committee.path))
        case .administrator:
            links.append(NavigationLink(label: "Instruction", path: SiteURL.instruction.path))
            links.append(NavigationLink(label: "Subventions", path: SiteURL.grantFollowUp.path))
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

// MARK: - The frame's markup

extension Chrome {
    /// The frame every page shares, written in Swift rather than in the layout template: Leaf
    /// resolves each of its conditions and loops at every page, about a tenth of a staff page's
    /// CPU time (docs/BENCHMARKS.md); here it is a few appends, every value escaped
    /// (``HTMLWriter``). The layout keeps the document's head and the page's own content.
    fileprivate static func header(
        userName: String?, csrf: String?, identity: SiteIdentity, navigation: [NavigationLink], site: SiteLinks
    ) -> String {
        var w = HTMLWriter(capacity: 3_000)
        w.raw(
            """
            <div class="fr-skiplinks">
              <nav class="fr-container" aria-label="Accès rapide">
                <ul class="fr-skiplinks__list">
                  <li><a class="fr-link" href="#contenu">Contenu</a></li>
                  <li><a class="fr-link" href="#navigation">Menu</a></li>
                  <li><a class="fr-link" href="#pied-de-page">Pied de page</a></li>
                </ul>
              </nav>
            </div>
            <header role="banner" class="fr-header">
              <div class="fr-header__body">
                <div class="fr-container">
                  <div class="fr-header__body-row">
                    <div class="fr-header__brand fr-enlarge-link">
                      <div class="fr-header__brand-top">
            """)
        if identity.state {
            w.raw("<div class=\"fr-header__logo\"><p class=\"fr-logo\">République<br>Française</p></div>")
        }
        w.raw("</div>\n<div class=\"fr-header__service\">\n<a href=\"")
        w.text(site.home)
        w.raw("\" title=\"Accueil — ")
        w.text(identity.service)
        w.raw(" — ")
        w.text(identity.operatorName)
        w.raw("\"><p class=\"fr-header__service-title\">")
        w.text(identity.service)
        w.raw("</p></a>\n<p class=\"fr-header__service-tagline\">")
        w.text(identity.operatorName)
        w.raw(
            """
             — appels à projets</p>
            </div>
            </div>
            <div class="fr-header__tools">
            <div class="fr-header__tools-links">
            <ul class="fr-btns-group">

            """)
        if let userName {
            w.raw("<li><a class=\"fr-btn\" href=\"")
            w.text(site.account)
            w.raw("\">Mon espace (")
            w.text(userName)
            w.raw(")</a></li>\n<li><form method=\"post\" action=\"")
            w.text(site.logout)
            w.raw("\"><input type=\"hidden\" name=\"_csrf\" value=\"")
            w.text(csrf ?? "")
            w.raw("\"><button type=\"submit\" class=\"fr-btn\">Se déconnecter</button></form></li>\n")
        } else {
            w.raw("<li><a class=\"fr-btn\" href=\"")
            w.text(site.login)
            w.raw("\">Se connecter</a></li>\n<li><a class=\"fr-btn\" href=\"")
            w.text(site.signUp)
            w.raw("\">Créer un compte</a></li>\n")
        }
        w.raw(
            """
            </ul>
            </div>
            </div>
            </div>
            </div>
            </div>
            <div class="fr-header__menu" id="navigation">
            <div class="fr-container">
            <nav class="fr-nav" aria-label="Menu principal">
            <ul class="fr-nav__list">

            """)
        for link in navigation {
            w.raw("<li class=\"fr-nav__item\"><a class=\"fr-nav__link\" href=\"")
            w.text(link.path)
            w.raw("\">")
            w.text(link.label)
            w.raw("</a></li>\n")
        }
        w.raw("</ul>\n</nav>\n</div>\n</div>\n</header>")
        return w.html
    }

    fileprivate static func footer(identity: SiteIdentity, site: SiteLinks) -> String {
        var w = HTMLWriter(capacity: 1_500)
        w.raw(
            """
            <footer class="fr-footer" role="contentinfo" id="pied-de-page">
              <div class="fr-container">
                <div class="fr-footer__body">
                  <div class="fr-footer__brand fr-enlarge-link">
                    <a href="
            """)
        w.text(site.home)
        w.raw("\" title=\"Accueil — ")
        w.text(identity.service)
        w.raw("\">\n")
        if identity.state {
            w.raw("<p class=\"fr-logo\">République<br>Française</p>")
        } else {
            w.raw("<p class=\"fr-footer__service\">")
            w.text(identity.service)
            w.raw("</p>")
        }
        w.raw("\n</a>\n</div>\n<div class=\"fr-footer__content\">\n<p class=\"fr-footer__content-desc\">")
        w.text(identity.operatorName)
        w.raw(" — appels à projets publics, avec ")
        w.text(identity.service)
        w.raw(
            """
            . Heures affichées en heure de Paris.</p>
            </div>
            </div>
            <div class="fr-footer__bottom">
            <ul class="fr-footer__bottom-list">
            <li class="fr-footer__bottom-item"><a class="fr-footer__bottom-link" href="
            """)
        w.text(site.accessibility)
        w.raw(
            "\">Accessibilité : non conforme</a></li>\n<li class=\"fr-footer__bottom-item\"><a class=\"fr-footer__bottom-link\" href=\""
        )
        w.text(site.legalNotice)
        w.raw(
            "\">Mentions légales</a></li>\n<li class=\"fr-footer__bottom-item\"><a class=\"fr-footer__bottom-link\" href=\""
        )
        w.text(site.personalData)
        w.raw("\">Données personnelles</a></li>\n</ul>\n</div>\n</div>\n</footer>")
        return w.html
    }
}
