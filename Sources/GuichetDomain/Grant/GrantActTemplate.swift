import Foundation

/// What an act states about one grant, gathered from the decision, the dossier, its organisation
/// and the envelope's granting body.
public struct GrantActFacts: Sendable, Equatable {
    public var kind: GrantActKind
    /// The act's number: the dossier's receipt number (`HDF-2021-0012`).
    public var number: String
    public var callTitle: String
    public var grantorName: String
    public var grantorSiret: String?
    public var beneficiary: String
    public var siret: String?
    public var rna: String?
    public var address: String
    /// The project's title.
    public var object: String
    public var amount: Money
    public var durationMonths: Int
    public var schedule: PaymentSchedule
    public var reportDue: Date
    public var decidedOn: Date
    public var wave: Int

    public init(
        kind: GrantActKind, number: String, callTitle: String, grantorName: String, grantorSiret: String?,
        beneficiary: String, siret: String?, rna: String?, address: String, object: String, amount: Money,
        durationMonths: Int, schedule: PaymentSchedule, reportDue: Date, decidedOn: Date, wave: Int
    ) {
        self.kind = kind
        self.number = number
        self.callTitle = callTitle
        self.grantorName = grantorName
        self.grantorSiret = grantorSiret
        self.beneficiary = beneficiary
        self.siret = siret
        self.rna = rna
        self.address = address
        self.object = object
        self.amount = amount
        self.durationMonths = durationMonths
        self.schedule = schedule
        self.reportDue = reportDue
        self.decidedOn = decidedOn
        self.wave = wave
    }

    /// The organisation's identifiers as the act names them.
    var identifiers: String {
        [siret.map { "SIRET \($0)" }, rna.map { "RNA \($0)" }].compactMap { $0 }.joined(separator: ", ")
    }

    /// The schedule in words: each instalment, its amount and what releases it.
    var scheduleText: String {
        schedule.instalments.map { "\($0.label) : \($0.amount.formatted()) \($0.condition.label)" }
            .joined(separator: " ; ")
    }
}

/// A generated act, frozen when it is generated: what the pages print, the PDF holds, and the
/// association accepts.
public struct GrantActDocument: Sendable, Equatable, Codable {
    public struct Article: Sendable, Equatable, Codable {
        public let heading: String
        public let text: String

        public init(heading: String, text: String) {
            self.heading = heading
            self.text = text
        }
    }

    public let title: String
    /// Who grants and who receives, each with their identifiers.
    public let parties: [String]
    /// The texts the act is taken under.
    public let visas: [String]
    public let articles: [Article]
    /// How the act is signed or notified.
    public let closing: String

    public init(title: String, parties: [String], visas: [String], articles: [Article], closing: String) {
        self.title = title
        self.parties = parties
        self.visas = visas
        self.articles = articles
        self.closing = closing
    }
}

/// The articles of a call's grant acts, written with placeholders (`{montant}`) that each act
/// fills from its facts. A call may write its own articles (`grants.articles`); the legal
/// mentions Guichet always adds — parties with their SIRET and RNA, the texts the act is taken
/// under, the closing — are not the author's to forget.
public struct GrantActTemplate: Sendable, Equatable {
    /// One article: its heading and its text with placeholders.
    public struct Article: Sendable, Equatable, Codable {
        public var heading: String
        public var text: String

        public init(heading: String, text: String) {
            self.heading = heading
            self.text = text
        }
    }

    public let articles: [Article]

    public init(articles: [Article]) { self.articles = articles }

    /// The placeholders an article may use, with what each becomes.
    public static let placeholders: KeyValuePairs<String, String> = [
        "beneficiaire": "le nom de l'organisme bénéficiaire",
        "identifiants": "son SIRET et son numéro RNA",
        "attribuant": "l'autorité qui accorde la subvention",
        "appel": "le titre de l'appel à projets",
        "objet": "le titre du projet",
        "montant": "le montant accordé",
        "duree": "la durée de l'action, en mois",
        "echeancier": "l'échéancier des versements et ce qui libère chacun",
        "compte_rendu": "la date limite du compte rendu financier",
        "decision": "la date de la décision du comité",
        "vague": "le numéro de la vague",
        "numero": "le numéro de l'acte",
    ]

    /// The articles of a call that writes none: object, amount, duration, payments, the financial
    /// report, control, reimbursement and publication, as the décret n° 2001-495 and the loi
    /// n° 2000-321 ask an act to state.
    public static let standard: [Article] = [
        Article(
            heading: "Objet",
            text:
                "Une subvention est attribuée à {beneficiaire} pour le projet « {objet} », retenu par le comité de sélection de l'appel à projets « {appel} »."
        ),
        Article(
            heading: "Montant",
            text:
                "Le montant de la subvention est de {montant}. Il constitue un plafond : la subvention ne peut servir qu'à l'objet défini à l'article 1er."
        ),
        Article(
            heading: "Durée",
            text: "L'action est conduite pendant {duree} mois à compter de la signature du présent acte."),
        Article(
            heading: "Modalités de versement",
            text:
                "La subvention est versée selon l'échéancier suivant : {echeancier}. Les versements sont faits au compte de l'organisme dont le relevé d'identité bancaire est joint au dossier."
        ),
        Article(
            heading: "Compte rendu financier",
            text:
                "Conformément à l'article 10 de la loi n° 2000-321 du 12 avril 2000, l'organisme remet un compte rendu financier (Cerfa n° 15059) attestant la conformité des dépenses à l'objet de la subvention, au plus tard le {compte_rendu}, dans son espace en ligne."
        ),
        Article(
            heading: "Contrôle",
            text:
                "L'autorité qui accorde la subvention peut contrôler son emploi ; l'organisme lui communique toute pièce justificative des dépenses."
        ),
        Article(
            heading: "Reversement",
            text:
                "Les sommes non utilisées, non justifiées par le compte rendu financier ou employées à un autre objet sont reversées, sur titre de recette."
        ),
        Article(
            heading: "Publicité",
            text:
                "Le bénéficiaire, l'objet, le montant et les conditions de versement de la subvention sont publiés en données ouvertes (décret n° 2017-779 du 5 mai 2017)."
        ),
    ]

    /// Problems of the articles: none, an empty heading or text, a placeholder unknown or left
    /// open; each named by its path under `path`.
    public func issues(path: String) -> [CallDefinitionIssue] {
        var issues: [CallDefinitionIssue] = []
        if articles.isEmpty { issues.append(CallDefinitionIssue(path, "l'acte a au moins un article.")) }
        let known = Set(Self.placeholders.map(\.key))
        for (index, article) in articles.enumerated() {
            let at = DefinitionPath.index(path, index)
            if article.heading.trimmedIsEmpty {
                issues.append(
                    CallDefinitionIssue(DefinitionPath.join(at, "heading"), "indiquez le titre de l'article."))
            }
            if article.text.trimmedIsEmpty {
                issues.append(CallDefinitionIssue(DefinitionPath.join(at, "text"), "l'article est vide."))
            }
            switch Self.names(in: article.text) {
            case .success(let names):
                for name in names where !known.contains(name) {
                    issues.append(
                        CallDefinitionIssue(
                            DefinitionPath.join(at, "text"),
                            "« {\(name)} » n'est pas une donnée de l'acte ; les données sont : \(Self.placeholders.map { "{\($0.key)}" }.joined(separator: ", "))."
                        ))
                }
            case .failure:
                issues.append(
                    CallDefinitionIssue(
                        DefinitionPath.join(at, "text"), "une accolade « { » n'est pas refermée par « } »."))
            }
        }
        return issues
    }

    private struct Unclosed: Error {}

    /// The placeholder names an article's text uses, in order.
    private static func names(in text: String) -> Result<[String], Unclosed> {
        var names: [String] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            let after = rest[rest.index(after: open)...]
            guard let close = after.firstIndex(of: "}") else { return .failure(Unclosed()) }
            names.append(String(after[..<close]))
            rest = after[after.index(after: close)...]
        }
        return .success(names)
    }

    /// The act of one grant.
    public func render(_ facts: GrantActFacts) -> GrantActDocument {
        let values: [String: String] = [
            "beneficiaire": facts.beneficiary,
            "identifiants": facts.identifiers,
            "attribuant": facts.grantorName,
            "appel": facts.callTitle,
            "objet": facts.object,
            "montant": facts.amount.formatted(),
            "duree": String(facts.durationMonths),
            "echeancier": facts.scheduleText,
            "compte_rendu": ParisTime.longDate(facts.reportDue),
            "decision": ParisTime.longDate(facts.decidedOn),
            "vague": String(facts.wave),
            "numero": facts.number,
        ]
        func fill(_ text: String) -> String {
            var out = ""
            var rest = Substring(text)
            while let open = rest.firstIndex(of: "{"),
                let close = rest[open...].firstIndex(of: "}")
            {
                out += rest[..<open]
                let name = String(rest[rest.index(after: open)..<close])
                out += values[name] ?? "{\(name)}"
                rest = rest[rest.index(after: close)...]
            }
            return out + rest
        }
        let grantor = [facts.grantorName, facts.grantorSiret.map { "SIRET \($0)" }].compactMap { $0 }
            .joined(separator: ", ")
        let beneficiary = [facts.beneficiary, facts.identifiers, facts.address].filter { !$0.isEmpty }
            .joined(separator: ", ")
        let title: String
        let parties: [String]
        let closing: String
        switch facts.kind {
        case .convention:
            title = "Convention attributive de subvention n° \(facts.number)"
            parties = [
                "Entre \(grantor), ci-après « l'administration »,",
                "et \(beneficiary), ci-après « l'organisme »,",
                "il est convenu ce qui suit.",
            ]
            closing =
                "Fait en deux exemplaires. Pour l'administration : \(facts.grantorName). Pour l'organisme : son représentant légal, qui accepte la présente convention."
        case .arrete:
            title = "Arrêté attributif de subvention n° \(facts.number)"
            parties = ["\(grantor),", "au bénéfice de \(beneficiary),", "arrête :"]
            closing =
                "Le présent arrêté est notifié à l'organisme, qui en accepte les conditions. Pour \(facts.grantorName)."
        }
        return GrantActDocument(
            title: title, parties: parties,
            visas: [
                "Vu la loi n° 2000-321 du 12 avril 2000 relative aux droits des citoyens dans leurs relations avec les administrations, notamment son article 10 ;",
                "Vu le décret n° 2001-495 du 6 juin 2001 pris pour l'application de l'article 10 de la loi n° 2000-321 et relatif à la transparence financière des aides octroyées par les personnes publiques ;",
                "Vu la décision du comité de sélection de l'appel à projets « \(facts.callTitle) » du \(ParisTime.longDate(facts.decidedOn)) (vague \(facts.wave)) ;",
            ],
            articles: articles.enumerated().map { index, article in
                GrantActDocument.Article(
                    heading: "Article \(index == 0 ? "1er" : String(index + 1)) — \(fill(article.heading))",
                    text: fill(article.text))
            },
            closing: closing)
    }
}
