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
    let calls: [Option]
    let waves: [Option]
    let chairs: [Option]
    let members: [Option]
    let title: String
    let heldOn: String
    let scope: String
    let quorum: String
    let errors: [FormPage.ErrorLink]

    /// The seats and quorum the chosen call's definition plans, as a reminder.
    let plannedCommittee: String?

    init(_ req: Request, input: SessionInput, errors: [String: String], calls: [CallModel], people: [UserModel]) {
        chrome = .make(req)
        csrf = chrome.csrf ?? ""
        action = SiteURL.committeeSessions.path
        self.calls = calls.map { Option(value: $0.reference, label: $0.title, selected: $0.reference == input.call) }
        var waves: [Option] = []
        for call in calls {
            for wave in call.waves.sorted(by: { $0.number < $1.number }) where wave.publishedAt == nil {
                let value = String(wave.number)
                if !waves.contains(where: { $0.value == value }) {
                    waves.append(
                        Option(value: value, label: "Vague \(wave.number) (ouverte)", selected: value == input.wave))
                }
            }
        }
        self.waves = waves
        chairs = people.filter { $0.role == Role.committeeChair.rawValue }.compactMap { person in
            person.id.map {
                Option(
                    value: $0.uuidString.lowercased(), label: person.displayName,
                    selected: $0.uuidString.lowercased() == input.chair.lowercased())
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
        // The defaults come from the call: its territory and the committee its definition plans.
        let chosen = calls.first { $0.reference == input.call } ?? calls.first
        let committee = chosen?.committee.flatMap {
            try? JSONDecoder().decode(CallDefinition.CommitteeSpec.self, from: Data($0.utf8))
        }
        scope = input.scope.isEmpty ? (chosen?.callScope.stored ?? "national") : input.scope
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
