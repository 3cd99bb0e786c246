import Foundation
import GuichetDomain
import Vapor

/// `/admin/appels`: the calls an administrator authors, a form to create one, and a form to
/// duplicate any of them or any public call (the usual way to start next year's).
struct CallListPage: Encodable {
    struct Row: Encodable {
        let reference: String
        let title: String
        let status: String
        let territory: String
        let dates: String
        let editURL: String?
        let publicURL: String?
        let duplicateURL: String
        let duplicating: Bool
    }

    struct Option: Encodable {
        let value: String
        let label: String
        let selected: Bool
    }

    let chrome: Chrome
    let csrf: String
    let rows: [Row]
    let others: [Row]
    let createURL: String
    let input: [String: String]
    let levels: [Option]
    let scopeHelp: String
    let fieldErrors: [String: String]
    let errors: [FormPage.ErrorLink]

    init(
        _ req: Request, calls: [CallModel], others: [CallModel], scopes: [StaffScope], input: [String: String],
        issues: [CallDefinitionIssue], duplicating: String?, now: Date
    ) {
        chrome = .make(req)
        csrf = CSRFMiddleware.token(for: req)
        func row(_ call: CallModel, editable: Bool) -> Row {
            let phase = CallPhase(status: call.callStatus, opensAt: call.opensAt, closesAt: call.closesAt, now: now)
            return Row(
                reference: call.reference, title: call.title, status: phase.label,
                territory: HomePage.territory(call.callScope),
                dates:
                    "\(ParisTime.longDate(call.opensAt)) → \(ParisTime.longDate(call.closesAt.addingTimeInterval(-1)))",
                editURL: editable ? SiteURL.adminCall(call.reference).path : nil,
                publicURL: call.callStatus == .draft ? nil : SiteURL.call(call.reference).path,
                duplicateURL: SiteURL.adminCallDuplicate(call.reference).path,
                duplicating: duplicating == call.reference)
        }
        rows = calls.map { row($0, editable: true) }
        self.others = others.map { row($0, editable: false) }
        createURL = SiteURL.adminCalls.path
        self.input = input
        let level = input["scope_level"] ?? Self.defaultLevel(scopes)
        levels = [("national", "National"), ("region", "Une région"), ("departement", "Un département")].map {
            Option(value: $0.0, label: $0.1, selected: $0.0 == level)
        }
        scopeHelp = "Vos périmètres : " + scopes.map(Self.describe).joined(separator: ", ") + "."
        let labels = [
            "reference": "Référence", "title": "Titre", "scope_code": "Code du territoire", "opens_on": "Ouverture",
            "deadline": "Date limite", "amount": "Montant de l'enveloppe", "owner_name": "Autorité qui attribue",
            "owner_siret": "SIRET de l'autorité", "scope": "Périmètre",
        ]
        var fieldErrors: [String: String] = [:]
        var links: [FormPage.ErrorLink] = []
        for issue in issues {
            let key = labels[issue.path] != nil ? issue.path : (issue.path.hasPrefix("scope") ? "scope_code" : "")
            if !key.isEmpty {
                fieldErrors[key] = (fieldErrors[key].map { $0 + " " } ?? "") + CallEditorPage.capitalised(issue.message)
            }
            links.append(
                FormPage.ErrorLink(
                    href: "#" + (key.isEmpty ? "creer" : (duplicating.map { "d-\($0)-\(key)" } ?? key)),
                    message: "\(labels[key] ?? issue.path) : \(issue.message)"))
        }
        self.fieldErrors = fieldErrors
        errors = links
    }

    static func defaultLevel(_ scopes: [StaffScope]) -> String {
        if scopes.contains(.national) { return "national" }
        return scopes.contains { if case .region = $0 { true } else { false } } ? "region" : "departement"
    }

    static func describe(_ scope: StaffScope) -> String {
        switch scope {
        case .national: "national"
        case .region(let code): "région \((try? TerritoryCatalog.france.region(code).name) ?? code) (\(code))"
        case .departement(let code):
            "département \((try? TerritoryCatalog.france.departement(code).name) ?? code) (\(code))"
        case .service(let name, _): "service \(name)"
        }
    }
}
