import Foundation
import GuichetDomain
import Vapor

/// An expert request as the expert's pages and the dossier's page show it.
struct ExpertRequestView: Encodable {
    let url: String
    let number: String
    let title: String
    let service: String
    let question: String
    let due: String
    let status: String
    let answer: String?

    init(_ request: ExpertRequestModel, dossier: DossierModel) {
        switch request.status {
        case "answered": status = "répondu"
        case "revoked": status = "révoquée"
        default: status = "en attente"
        }
        url = SiteURL.expertRequest(request.id ?? UUID()).path
        number = dossier.number ?? ""
        title = dossier.title
        service = request.service
        question = request.question
        due = ParisTime.longDate(request.dueOn)
        answer = request.answerKind.map { kind in
            "\(OpinionKind(rawValue: kind)?.label ?? kind) — \(request.answerText ?? "")"
        }
    }
}

/// An expert's list of requests.
struct ExpertRequestListPage: Encodable {
    let chrome: Chrome
    let requests: [ExpertRequestView]
}

/// One request, with the dossier's answers and the answer form.
struct ExpertRequestPage: Encodable {
    let chrome: Chrome
    let request: ExpertRequestView
    let answers: [DossierSummaryPage.Answer]
    let csrf: String
    let open: Bool
    let conflicted: Bool
}
