import Foundation
import GuichetDomain
import Vapor

/// The public page of a call: what it funds, for whom, until when, and the button to apply.
struct CallPage: Encodable {
    struct Item: Encodable {
        let label: String
    }

    struct EnvelopeRow: Encodable {
        let label: String
        let depth: Int
        let amount: String
    }

    let chrome: Chrome
    let title: String
    let programme: String
    let description: String
    let themes: [Item]
    let objectives: [Item]
    let scopes: [Item]
    let eligibility: [Item]
    let envelopes: [EnvelopeRow]
    let opening: String
    let deadline: String
    let open: Bool
    let closedMessage: String?
    let applyURL: String
    let resultsURL: String
    let simulated: Bool
    /// The editor's address when an author previews the page (the page then says so).
    var previewOf: String? = nil

    init(_ req: Request, call: LoadedCall, ledger: EnvelopeLedger, now: Date) {
        chrome = .make(req)
        title = call.model.title
        programme = call.model.programme
        description = call.model.description
        themes = call.call.themes.map { Item(label: $0.label) }
        objectives = call.call.objectives.map { Item(label: $0.label) }
        let catalog = TerritoryCatalog.france
        switch call.model.callScope {
        case .departement(let code):
            scopes = [
                Item(
                    label:
                        "Projets départementaux, dans le département \((try? catalog.departement(code).name) ?? code) (\(code))"
                )
            ]
        case .region(let code):
            let name = (try? catalog.region(code).name) ?? code
            let departements = catalog.departements(in: code).map { "\($0.name) (\($0.code))" }
            scopes = [
                Item(label: "Projets régionaux, couvrant l'ensemble de la région \(name)"),
                Item(
                    label:
                        "Projets départementaux, dans l'un de ses départements : \(departements.joined(separator: ", "))"
                ),
            ]
        case .national:
            scopes = [
                Item(label: "Projets nationaux, couvrant au moins deux régions"), Item(label: "Projets régionaux"),
                Item(label: "Projets départementaux"),
            ]
        }
        // One statement a line, as the call's authors wrote them.
        eligibility = call.model.eligibility.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map { Item(label: $0) }
        envelopes = ledger.lines.map {
            EnvelopeRow(label: $0.envelope.label, depth: $0.depth, amount: $0.envelope.currentAmount.formatted())
        }
        opening = ParisTime.longDate(call.model.opensAt)
        deadline = ParisTime.longDateTime(call.call.deadlineDay)
        do {
            try call.call.checkFilingOpen(at: now)
            open = true
            closedMessage = nil
        } catch {
            open = false
            closedMessage = error.message
        }
        applyURL = SiteURL.apply(call.model.reference).path
        resultsURL = SiteURL.callResults(call.model.reference).path
        simulated = call.model.simulated
    }
}

/// The page to start a dossier: pick the organisation that carries it.
struct ApplyPage: Encodable {
    struct Choice: Encodable {
        let id: String
        let name: String
    }

    let chrome: Chrome
    let callTitle: String
    let csrf: String
    let action: String
    let organisations: [Choice]
    let newOrganisationURL: String
    let closedMessage: String?

    init(_ req: Request, call: LoadedCall, organisations: [OrganisationModel], now: Date) {
        chrome = .make(req)
        callTitle = call.model.title
        csrf = CSRFMiddleware.token(for: req)
        action = SiteURL.apply(call.model.reference).path
        self.organisations = organisations.compactMap { org in
            org.id.map { Choice(id: $0.uuidString.lowercased(), name: org.name) }
        }
        // Back here once the organisation is registered, so that the dossier can be started.
        newOrganisationURL = SiteURL.newOrganisation.path + "?retour=" + action
        do {
            try call.call.checkFilingOpen(at: now)
            closedMessage = nil
        } catch {
            closedMessage = error.message
        }
    }
}
