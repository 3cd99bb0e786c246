import Foundation
import GuichetDomain
import Vapor

/// The sessions a person sits in or administers.
struct SessionListPage: Encodable {
    struct Row: Encodable {
        let title: String
        let url: String
        let call: String
        let wave: String
        let heldOn: String
        let scope: String
        let status: String
    }

    let chrome: Chrome
    let rows: [Row]
    let newURL: String?
    let envelopeLinks: [FormPage.Link]

    init(_ req: Request, sessions: [CommitteeSessionModel], user: UserModel) {
        chrome = .make(req)
        rows = sessions.compactMap { session in
            guard let id = session.id else { return nil }
            return Row(
                title: session.title, url: SiteURL.committeeSession(id).path, call: session.call.title,
                wave: session.wave.label,
                heldOn: ParisTime.longDate(session.heldOn), scope: QueuePage.groupLabel(session.scope),
                status: session.isOpen ? "en cours" : "décisions appliquées")
        }
        newURL =
            [Role.committeeChair.rawValue, Role.administrator.rawValue].contains(user.role)
            ? SiteURL.newCommitteeSession.path : nil
        var seen = Set<String>()
        envelopeLinks = sessions.compactMap { session in
            guard seen.insert(session.call.reference).inserted else { return nil }
            return FormPage.Link(
                href: SiteURL.envelopes(session.call.reference).path, label: "Enveloppes — \(session.call.title)")
        }
    }
}

/// The form opening a session.
struct NewSessionPage: Encodable {
    struct Option: Encodable {
        let value: String
        let label: String
        let selected: Bool
    }

    let chrome: Chrome
    let csrf: String
    let action: String
    /// The first form (GET) chooses the call; the second (POST) opens the session in it, with
    /// the chosen call's own waves and territories: a page without JavaScript cannot change its
    /// lists when a select changes, so the choice of call is a step of its own.
    let callChoiceURL: String
    let calls: [Option]
    /// The chosen call's reference, posted with the session.
    let call: String
    let callTitle: String
    let waves: [Option]
    let scopes: [Option]
    let chairs: [Option]
    let members: [Option]
    let title: String
    let heldOn: String
    let quorum: String
    let errors: [FormPage.ErrorLink]

    /// The seats and quorum the chosen call's definition plans, as a reminder.
    let plannedCommittee: String?

    init(_ req: Request, input: SessionInput, errors: [String: String], calls: [CallModel], people: [UserModel]) {
        chrome = .make(req)
        csrf = chrome.csrf ?? ""
        action = SiteURL.committeeSessions.path
        callChoiceURL = SiteURL.newCommitteeSession.path
        // The call asked for, else the first with a wave still open, else the first.
        let chosen =
            calls.first { $0.reference == input.call }
            ?? calls.first { $0.waves.contains { $0.publishedAt == nil } } ?? calls.first
        let reference = chosen?.reference ?? ""
        call = reference
        callTitle = chosen?.title ?? ""
        self.calls = calls.map { Option(value: $0.reference, label: $0.title, selected: $0.reference == reference) }
        let open = (chosen?.waves ?? []).sorted { $0.number < $1.number }.filter { $0.publishedAt == nil }
        waves = open.enumerated().map { index, wave in
            let value = String(wave.number)
            return Option(
                value: value, label: "\(wave.label) (ouverte)",
                selected: input.wave.isEmpty ? index == 0 : value == input.wave)
        }
        // The call's territory, then each region and département within it.
        let callScope = chosen?.callScope ?? .national
        let catalog = TerritoryCatalog.france.within(callScope)
        var scopeValues = [callScope.stored]
        if case .national = callScope { scopeValues += catalog.regions.map { StaffScope.region($0.code).stored } }
        scopeValues += catalog.departements.map { StaffScope.departement($0.code).stored }
        var seen = Set<String>()
        let wanted = input.scope.isEmpty ? callScope.stored : input.scope
        scopes = scopeValues.filter { seen.insert($0).inserted }.map {
            Option(value: $0, label: QueuePage.groupLabel($0), selected: $0 == wanted)
        }
        // The chair proposed is the person opening the session when they may chair.
        let me = req.auth.get(UserModel.self)?.id?.uuidString.lowercased()
        let wantedChair = input.chair.isEmpty ? (me ?? "") : input.chair.lowercased()
        chairs = people.filter { $0.role == Role.committeeChair.rawValue }.compactMap { person in
            person.id.map {
                Option(
                    value: $0.uuidString.lowercased(), label: person.displayName,
                    selected: $0.uuidString.lowercased() == wantedChair)
            }
        }
        members = people.compactMap { person in
            person.id.map { id in
                Option(
                    value: id.uuidString.lowercased(),
                    label: "\(person.displayName) (\((Role(rawValue: person.role) ?? .committeeMember).label))",
                    selected: input.members.contains { $0.lowercased() == id.uuidString.lowercased() })
            }
        }
        title = input.title
        heldOn = input.heldOn
        // The default quorum comes from the committee the call's definition plans.
        let committee = chosen?.committee.flatMap {
            try? JSONDecoder().decode(CallDefinition.CommitteeSpec.self, from: Data($0.utf8))
        }
        quorum = input.quorum.isEmpty ? String(committee?.quorum ?? 1) : input.quorum
        plannedCommittee = committee.flatMap { plan in
            plan.members.isEmpty
                ? nil
                : "Comité prévu par l'appel « \(chosen?.title ?? "") » : "
                    + plan.members.map { ($0.role == .chair ? "présidence : " : "") + $0.title }.joined(separator: ", ")
                    + " ; quorum \(plan.quorum)."
        }
        let labels = [
            "call": "Appel", "title": "Intitulé", "held_on": "Date", "wave": "Vague", "scope": "Périmètre",
            "quorum": "Quorum",
            "chair": "Présidence", "members": "Membres",
        ]
        self.errors = errors.sorted { $0.key < $1.key }.map {
            FormPage.ErrorLink(href: "#\($0.key)", message: "\(labels[$0.key] ?? $0.key) : \($0.value)")
        }
    }
}
