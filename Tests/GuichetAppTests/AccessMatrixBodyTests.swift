import Fluent
import Foundation
import GuichetDomain
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import GuichetApp

/// The access matrix with real bodies: every POST route is tried with a *valid* form that names an
/// object of another territory or of an organisation the person is linked to — a session's scope,
/// chair or members, an assignee, the dossiers of a bulk action, a request of another dossier, an
/// account or call of another region — and must be refused with nothing stored, nothing mailed.
/// The same form naming the person's own objects is then accepted and changes the database, which
/// proves the refusal came from the rule and not from a malformed body.
///
/// A POST route registered without a probe here (or a line saying why its body names nothing
/// another person owns) fails ``everyPostRouteHasItsBodyProbes()``.
extension AccessMatrixTests {
    /// Who acts in a probe: the matrix's personas, and the people this test adds.
    enum Actor: String, CaseIterable {
        case applicant, stranger, instructor, regionalInstructor, linkedInstructor, expert, linkedExpert
        case chair, member, linkedMember, administrator, otherAdministrator
    }

    /// The objects the probes name, filled while the world is built and by the accepted steps.
    final class World: @unchecked Sendable {
        var browsers: [Actor: Browser] = [:]
        var ids: [String: UUID] = [:]
        var strings: [String: String] = [:]

        func id(_ key: String) -> String { ids[key]?.uuidString.lowercased() ?? "manquant-\(key)" }
        func text(_ key: String) -> String { strings[key] ?? "manquant-\(key)" }
    }

    /// One request: refused (nothing changes) or accepted (the control: something changes).
    struct Step: Sendable {
        enum Outcome: Sendable { case refused, accepted }
        let route: String
        let outcome: Outcome
        let actor: Actor
        let names: String
        let path: @Sendable (World) -> String
        let body: @Sendable (World) -> [(String, String)]
        var multipart = false
    }

    /// POST routes whose body names nothing that belongs to someone else; their path is covered by
    /// the matrix, their form by their own tests.
    static let namesNothing: [String: String] = [
        "POST /inscription": "a new account: an e-mail and a password",
        "POST /connexion": "one's own credentials",
        "POST /mot-de-passe-oublie": "an e-mail address (answered the same whether known or not)",
        "POST /mot-de-passe/nouveau": "a token sent by mail and a new password",
        "POST /organisations": "a new organisation of one's own",
        "POST /liens-d-interet": "declares one's own link: any organisation may be named",
        "POST /mon-espace/jetons": "a token of one's own, bounded by one's own scopes",
        "POST /admin/webhooks": "an address and events; the address checks have their own tests",
        "POST /deconnexion": "nothing",
        "POST /invitations/accepter":
            "a single-use link mailed to the invited address: whoever holds it may accept it (associations share mailboxes)",
    ]

    static func refused(
        _ route: String, _ actor: Actor, _ names: String, multipart: Bool = false,
        path: @escaping @Sendable (World) -> String,
        body: @escaping @Sendable (World) -> [(String, String)] = { _ in [] }
    ) -> Step {
        Step(route: route, outcome: .refused, actor: actor, names: names, path: path, body: body, multipart: multipart)
    }

    static func accepted(
        _ route: String, _ actor: Actor, _ names: String, multipart: Bool = false,
        path: @escaping @Sendable (World) -> String,
        body: @escaping @Sendable (World) -> [(String, String)] = { _ in [] }
    ) -> Step {
        Step(route: route, outcome: .accepted, actor: actor, names: names, path: path, body: body, multipart: multipart)
    }

    static func dueDay() -> String { ParisTime.isoDay(Date().addingTimeInterval(10 * 86_400)) }

    /// A payment (or recovery) form of 100 € today.
    static func payment(_ reference: String) -> [(String, String)] {
        [("day", ParisTime.isoDay(Date())), ("amount", "100"), ("reference", reference)]
    }

    static func A(_ w: World) -> String { "/instruction/dossiers/" + w.id("A") }
    static func B(_ w: World) -> String { "/instruction/dossiers/" + w.id("B") }
    static let scores = [
        ("note_pertinence", "4"), ("note_impact", "4"), ("note_faisabilite", "4"), ("note_partenariats", "4"),
        ("note_efficience", "4"),
    ]

    static func sessionForm(
        _ call: String, _ wave: String, _ scope: String, _ chair: String, _ members: [String]
    ) -> [(String, String)] {
        [
            ("call", call), ("wave", wave), ("title", "Séance d'essai"), ("held_on", ParisTime.isoDay(Date())),
            ("scope", scope),
            ("chair", chair), ("quorum", "2"),
        ] + members.map { ("members", $0) }
    }

    static func staffForm(
        _ email: String, _ role: String, _ regions: String, _ departements: String
    ) -> [(String, String)] {
        [
            ("email", email), ("name", "Agent \(email)"), ("role", role), ("regions", regions),
            ("departements", departements), ("service", ""),
        ]
    }

    /// The probes, in the order they run (accepted steps move the dossiers along their workflow).
    static let probes: [Step] = {
        let practice = PracticeCall.reference
        return [
            // Applicants.
            refused(
                "POST /appels/:call/deposer", .applicant, "another association's organisation",
                path: { _ in "/appels/\(practice)/deposer" }, body: { w in [("organisation", w.id("orgB"))] }),
            accepted(
                "POST /appels/:call/deposer", .applicant, "the applicant's organisation",
                path: { _ in "/appels/\(practice)/deposer" }, body: { w in [("organisation", w.id("orgA"))] }),
            refused(
                "POST /dossiers/:dossier/modifier", .stranger, "another association's draft", multipart: true,
                path: { w in "/dossiers/\(w.id("draft"))/modifier" }, body: { _ in completeAnswers }),
            accepted(
                "POST /dossiers/:dossier/modifier", .applicant, "its own draft, in the Aisne", multipart: true,
                path: { w in "/dossiers/\(w.id("draft"))/modifier" }, body: { _ in completeAnswers }),
            // A draft keeps its valid answers: only the territory differs from what is saved.
            refused(
                "POST /dossiers/:dossier/modifier", .applicant, "a territory outside the call's region",
                multipart: true,
                path: { w in "/dossiers/\(w.id("draft"))/modifier" },
                body: { _ in completeAnswers.map { $0.0 == "territory" ? ($0.0, "departement:75") : $0 } }),
            refused(
                "POST /dossiers/:dossier/deposer", .stranger, "another association's draft",
                path: { w in "/dossiers/\(w.id("draft"))/deposer" }),
            refused(
                "POST /dossiers/:dossier/supprimer", .stranger, "another association's draft",
                path: { w in "/dossiers/\(w.id("draft"))/supprimer" }, body: { _ in [("confirmer", "oui")] }),
            refused(
                "POST /dossiers/:dossier/retirer", .stranger, "another association's dossier",
                path: { w in "/dossiers/\(w.id("A"))/retirer" }, body: { _ in [("confirmation", "1")] }),
            refused(
                "POST /dossiers/:dossier/messages", .stranger, "another association's dossier",
                path: { w in "/dossiers/\(w.id("A"))/messages" }, body: { _ in [("body", "Bonjour")] }),
            accepted(
                "POST /dossiers/:dossier/messages", .applicant, "its own dossier",
                path: { w in "/dossiers/\(w.id("A"))/messages" }, body: { _ in [("body", "Bonjour")] }),
            refused(
                "POST /organisations/:id/invitations", .applicant, "another association",
                path: { w in "/organisations/\(w.id("orgB"))/invitations" },
                body: { _ in [("email", "recrue@exemple.fr")] }),
            accepted(
                "POST /organisations/:id/invitations", .applicant, "its own association",
                path: { w in "/organisations/\(w.id("orgA"))/invitations" },
                body: { _ in [("email", "recrue@exemple.fr")] }),
            // Instruction: the Aisne's instructor, the region's, and an instructor linked to A's organisation.
            refused(
                "POST /instruction/dossiers/:dossier/prendre", .instructor, "a dossier of the Nord",
                path: { w in B(w) + "/prendre" }),
            refused(
                "POST /instruction/dossiers/:dossier/prendre", .linkedInstructor, "a dossier of a linked organisation",
                path: { w in A(w) + "/prendre" }),
            accepted(
                "POST /instruction/dossiers/:dossier/prendre", .instructor, "a dossier of the Aisne",
                path: { w in A(w) + "/prendre" }),
            refused(
                "POST /instruction/dossiers/:dossier/attribuer", .regionalInstructor, "an instructor of Île-de-France",
                path: { w in A(w) + "/attribuer" }, body: { w in [("assignee", w.id("idf"))] }),
            refused(
                "POST /instruction/dossiers/:dossier/attribuer", .regionalInstructor,
                "a colleague linked to the organisation",
                path: { w in A(w) + "/attribuer" }, body: { w in [("assignee", w.id("linkedInstructor"))] }),
            refused(
                "POST /instruction/dossiers/:dossier/attribuer", .linkedInstructor,
                "themself, on a linked organisation's dossier",
                path: { w in A(w) + "/attribuer" }, body: { w in [("assignee", w.id("linkedInstructor"))] }),
            accepted(
                "POST /instruction/dossiers/:dossier/attribuer", .regionalInstructor, "a colleague of the region",
                path: { w in A(w) + "/attribuer" }, body: { w in [("assignee", w.id("regionalInstructor"))] }),
            refused(
                "POST /instruction/lot", .instructor, "a dossier of the Nord among the ticked ones",
                path: { _ in "/instruction/lot" },
                body: { w in [("action", "prendre"), ("dossiers", w.id("A")), ("dossiers", w.id("B"))] }),
            refused(
                "POST /instruction/lot", .linkedInstructor, "a linked organisation's dossier",
                path: { _ in "/instruction/lot" },
                body: { w in [("action", "etiqueter"), ("label", "lot"), ("dossiers", w.id("A"))] }),
            refused(
                "POST /instruction/lot", .regionalInstructor, "an assignee of Île-de-France",
                path: { _ in "/instruction/lot" },
                body: { w in [("action", "attribuer"), ("assignee", w.id("idf")), ("dossiers", w.id("A"))] }),
            refused(
                "POST /instruction/lot", .regionalInstructor, "an assignee linked to the organisation",
                path: { _ in "/instruction/lot" },
                body: { w in [("action", "attribuer"), ("assignee", w.id("linkedInstructor")), ("dossiers", w.id("A"))]
                }),
            accepted(
                "POST /instruction/lot", .instructor, "a dossier of the Aisne",
                path: { _ in "/instruction/lot" },
                body: { w in [("action", "etiqueter"), ("label", "lot"), ("dossiers", w.id("A"))] }),
            refused(
                "POST /instruction/dossiers/:dossier/etiquettes", .instructor, "a dossier of the Nord",
                path: { w in B(w) + "/etiquettes" }, body: { _ in [("label", "prioritaire")] }),
            refused(
                "POST /instruction/dossiers/:dossier/etiquettes", .linkedInstructor, "a linked organisation's dossier",
                path: { w in A(w) + "/etiquettes" }, body: { _ in [("label", "prioritaire")] }),
            accepted(
                "POST /instruction/dossiers/:dossier/etiquettes", .instructor, "a dossier of the Aisne",
                path: { w in A(w) + "/etiquettes" }, body: { _ in [("label", "prioritaire")] }),
            refused(
                "POST /instruction/dossiers/:dossier/etiquettes/retirer", .linkedInstructor,
                "a linked organisation's dossier",
                path: { w in A(w) + "/etiquettes/retirer" }, body: { _ in [("label", "prioritaire")] }),
            refused(
                "POST /instruction/dossiers/:dossier/etiquettes/retirer", .instructor, "a dossier of the Nord",
                path: { w in B(w) + "/etiquettes/retirer" }, body: { _ in [("label", "prioritaire")] }),
            accepted(
                "POST /instruction/dossiers/:dossier/etiquettes/retirer", .instructor, "a dossier of the Aisne",
                path: { w in A(w) + "/etiquettes/retirer" }, body: { _ in [("label", "prioritaire")] }),
            refused(
                "POST /instruction/dossiers/:dossier/annotations", .linkedInstructor, "a linked organisation's dossier",
                path: { w in A(w) + "/annotations" }, body: { _ in [("note", "Vu")] }),
            refused(
                "POST /instruction/dossiers/:dossier/annotations", .instructor, "a dossier of the Nord",
                path: { w in B(w) + "/annotations" }, body: { _ in [("note", "Vu")] }),
            accepted(
                "POST /instruction/dossiers/:dossier/annotations", .instructor, "a dossier of the Aisne",
                path: { w in A(w) + "/annotations" }, body: { _ in [("note", "Vu")] }),
            refused(
                "POST /instruction/dossiers/:dossier/messages", .linkedInstructor, "a linked organisation's dossier",
                path: { w in A(w) + "/messages" }, body: { _ in [("body", "Merci d'envoyer le budget.")] }),
            refused(
                "POST /instruction/dossiers/:dossier/messages", .instructor, "a dossier of the Nord",
                path: { w in B(w) + "/messages" }, body: { _ in [("body", "Merci d'envoyer le budget.")] }),
            accepted(
                "POST /instruction/dossiers/:dossier/messages", .instructor, "a dossier of the Aisne",
                path: { w in A(w) + "/messages" }, body: { _ in [("body", "Merci d'envoyer le budget.")] }),
            refused(
                "POST /instruction/dossiers/:dossier/recevabilite", .linkedInstructor,
                "a linked organisation's dossier",
                path: { w in A(w) + "/recevabilite" }, body: { _ in [("decision", "recevable")] }),
            refused(
                "POST /instruction/dossiers/:dossier/recevabilite", .instructor, "a dossier of the Nord",
                path: { w in B(w) + "/recevabilite" }, body: { _ in [("decision", "recevable")] }),
            accepted(
                "POST /instruction/dossiers/:dossier/recevabilite", .instructor, "a dossier of the Aisne",
                path: { w in A(w) + "/recevabilite" }, body: { _ in [("decision", "recevable")] }),
            refused(
                "POST /instruction/dossiers/:dossier/instruction", .linkedInstructor, "a linked organisation's dossier",
                path: { w in A(w) + "/instruction" }, body: { _ in [("confirmer", "oui")] }),
            accepted(
                "POST /instruction/dossiers/:dossier/instruction", .instructor, "a dossier of the Aisne",
                path: { w in A(w) + "/instruction" }, body: { _ in [("confirmer", "oui")] }),
            refused(
                "POST /instruction/dossiers/:dossier/notes", .linkedInstructor, "a linked organisation's dossier",
                path: { w in A(w) + "/notes" }, body: { _ in scores }),
            refused(
                "POST /instruction/dossiers/:dossier/notes", .instructor, "a dossier of the Nord",
                path: { w in B(w) + "/notes" }, body: { _ in scores }),
            accepted(
                "POST /instruction/dossiers/:dossier/notes", .instructor, "a dossier of the Aisne",
                path: { w in A(w) + "/notes" }, body: { _ in scores }),
            refused(
                "POST /instruction/dossiers/:dossier/expertise", .linkedInstructor, "a linked organisation's dossier",
                path: { w in A(w) + "/expertise" },
                body: { _ in [("service", "DRAAF"), ("question", "Votre avis ?"), ("due_on", dueDay())] }),
            refused(
                "POST /instruction/dossiers/:dossier/expertise", .instructor, "a dossier of the Nord",
                path: { w in B(w) + "/expertise" },
                body: { _ in [("service", "DRAAF"), ("question", "Votre avis ?"), ("due_on", dueDay())] }),
            // The expert's answer comes before the request is revoked below.
            refused(
                "POST /expertise/:request", .linkedExpert, "a request on a linked organisation's dossier",
                path: { w in "/expertise/" + w.id("requestA") },
                body: { _ in [("kind", "favourable"), ("answer_text", "Projet solide.")] }),
            refused(
                "POST /expertise/:request", .expert, "a request addressed to another service",
                path: { w in "/expertise/" + w.id("requestB") },
                body: { _ in [("kind", "favourable"), ("answer_text", "Projet solide.")] }),
            accepted(
                "POST /expertise/:request", .expert, "a request addressed to the expert's service",
                path: { w in "/expertise/" + w.id("requestA") },
                body: { _ in [("kind", "favourable"), ("answer_text", "Projet solide.")] }),
            accepted(
                "POST /instruction/dossiers/:dossier/expertise", .instructor, "a dossier of the Aisne",
                path: { w in A(w) + "/expertise" },
                body: { _ in [("service", "DRAAF"), ("question", "Et le second volet ?"), ("due_on", dueDay())] }),
            refused(
                "POST /instruction/dossiers/:dossier/expertise/:request/revoquer", .regionalInstructor,
                "a request of another dossier under this dossier's address",
                path: { w in A(w) + "/expertise/" + w.id("requestB") + "/revoquer" }),
            refused(
                "POST /instruction/dossiers/:dossier/expertise/:request/revoquer", .linkedInstructor,
                "a linked organisation's dossier",
                path: { w in A(w) + "/expertise/" + w.id("secondRequestA") + "/revoquer" }),
            accepted(
                "POST /instruction/dossiers/:dossier/expertise/:request/revoquer", .instructor,
                "a request of a dossier of the Aisne",
                path: { w in A(w) + "/expertise/" + w.id("secondRequestA") + "/revoquer" }),
            refused(
                "POST /instruction/dossiers/:dossier/avis", .linkedInstructor, "a linked organisation's dossier",
                path: { w in A(w) + "/avis" },
                body: { _ in [("kind", "favourable"), ("amount", "40 000"), ("motive", "Utile.")] }),
            refused(
                "POST /instruction/dossiers/:dossier/avis", .instructor, "a dossier of the Nord",
                path: { w in B(w) + "/avis" },
                body: { _ in [("kind", "favourable"), ("amount", "40 000"), ("motive", "Utile.")] }),
            accepted(
                "POST /instruction/dossiers/:dossier/avis", .instructor, "a dossier of the Aisne",
                path: { w in A(w) + "/avis" },
                body: { _ in [("kind", "favourable"), ("amount", "40 000"), ("motive", "Utile.")] }),
            refused(
                "POST /instruction/dossiers/:dossier/complement", .linkedInstructor, "a linked organisation's dossier",
                path: { w in A(w) + "/complement" }, body: { _ in [("message", "Le RIB"), ("due_on", dueDay())] }),
            refused(
                "POST /instruction/dossiers/:dossier/complement", .instructor, "a dossier of the Nord",
                path: { w in B(w) + "/complement" }, body: { _ in [("message", "Le RIB"), ("due_on", dueDay())] }),
            accepted(
                "POST /instruction/dossiers/:dossier/complement", .instructor, "a filed dossier of the Aisne",
                path: { w in "/instruction/dossiers/" + w.id("filedAisne") + "/complement" },
                body: { _ in [("message", "Le RIB"), ("due_on", dueDay())] }),
            // Committee: the seed's call, wave 2; a session of the Aisne whose member is linked to one dossier's organisation.
            refused(
                "POST /comite/seances", .administrator, "a scope of another region",
                path: { _ in "/comite/seances" },
                body: { w in sessionForm(DemoCall.reference, "2", "region:11", w.id("chair"), [w.id("member")]) }),
            refused(
                "POST /comite/seances", .administrator, "a chair of another region",
                path: { _ in "/comite/seances" },
                body: { w in sessionForm(DemoCall.reference, "2", "region:32", w.id("otherChair"), [w.id("member")]) }),
            refused(
                "POST /comite/seances", .administrator, "a member of another region",
                path: { _ in "/comite/seances" },
                body: { w in sessionForm(DemoCall.reference, "2", "region:32", w.id("chair"), [w.id("otherMember")]) }),
            refused(
                "POST /comite/seances", .otherAdministrator, "a call of Hauts-de-France, from Île-de-France",
                path: { _ in "/comite/seances" },
                body: { w in sessionForm(DemoCall.reference, "2", "region:32", w.id("chair"), [w.id("member")]) }),
            refused(
                "POST /comite/seances", .chair, "a call of Île-de-France",
                path: { _ in "/comite/seances" },
                body: { w in sessionForm("essai-idf", "1", "region:11", w.id("otherChair"), [w.id("otherMember")]) }),
            accepted(
                "POST /comite/seances", .administrator, "the region's call, chair and member",
                path: { _ in "/comite/seances" },
                body: { w in
                    sessionForm(
                        DemoCall.reference, "2", "departement:02", w.id("chair"),
                        [w.id("member"), w.id("linkedMember")])
                }),
            refused(
                "POST /comite/seances/:session/presences", .chair, "a person who does not sit in the session",
                path: { w in "/comite/seances/\(w.id("session"))/presences" },
                body: { w in [("present", w.id("chair")), ("present", w.id("otherMember"))] }),
            refused(
                "POST /comite/seances/:session/presences", .otherAdministrator, "a session of Hauts-de-France",
                path: { w in "/comite/seances/\(w.id("session"))/presences" },
                body: { w in [("present", w.id("chair")), ("present", w.id("member"))] }),
            accepted(
                "POST /comite/seances/:session/presences", .chair, "the session's members",
                path: { w in "/comite/seances/\(w.id("session"))/presences" },
                body: { w in
                    [("present", w.id("chair")), ("present", w.id("member")), ("present", w.id("linkedMember"))]
                }),
            refused(
                "POST /comite/seances/:session/decisions", .chair, "a dossier outside the session's territory",
                path: { w in "/comite/seances/\(w.id("session"))/decisions" },
                body: { w in [("dossier", w.id("reviewedNord")), ("outcome", "waiting_list")] }),
            refused(
                "POST /comite/seances/:session/decisions", .linkedMember, "a linked organisation's dossier",
                path: { w in "/comite/seances/\(w.id("session"))/decisions" },
                body: { w in [("dossier", w.id("reviewedLinked")), ("outcome", "waiting_list")] }),
            refused(
                "POST /comite/seances/:session/decisions", .otherAdministrator, "a session of Hauts-de-France",
                path: { w in "/comite/seances/\(w.id("session"))/decisions" },
                body: { w in [("dossier", w.id("reviewedAisne")), ("outcome", "waiting_list")] }),
            accepted(
                "POST /comite/seances/:session/decisions", .member, "a dossier of the session's territory",
                path: { w in "/comite/seances/\(w.id("session"))/decisions" },
                body: { w in [("dossier", w.id("reviewedLinked")), ("outcome", "waiting_list")] }),
            refused(
                "POST /comite/seances/:session/decisions/retirer", .linkedMember, "a linked organisation's dossier",
                path: { w in "/comite/seances/\(w.id("session"))/decisions/retirer" },
                body: { w in [("dossier", w.id("reviewedLinked"))] }),
            refused(
                "POST /comite/seances/:session/decisions/retirer", .otherAdministrator, "a session of Hauts-de-France",
                path: { w in "/comite/seances/\(w.id("session"))/decisions/retirer" },
                body: { w in [("dossier", w.id("reviewedLinked"))] }),
            accepted(
                "POST /comite/seances/:session/decisions/retirer", .member, "a dossier of the session",
                path: { w in "/comite/seances/\(w.id("session"))/decisions/retirer" },
                body: { w in [("dossier", w.id("reviewedLinked"))] }),
            refused(
                "POST /comite/seances/:session/proposition", .otherAdministrator, "a session of Hauts-de-France",
                path: { w in "/comite/seances/\(w.id("session"))/proposition" }, body: { _ in [("calculer", "1")] }),
            refused(
                "POST /comite/seances/:session/proposition", .chair,
                "a dossier outside the session's territory to include",
                path: { w in "/comite/seances/\(w.id("session"))/proposition" },
                body: { w in [("calculer", "1"), ("inclure", w.text("reviewedNordNumber"))] }),
            accepted(
                "POST /comite/seances/:session/proposition", .chair, "the session's own dossiers",
                path: { w in "/comite/seances/\(w.id("session"))/proposition" }, body: { _ in [("calculer", "1")] }),
            refused(
                "POST /comite/seances/:session/appliquer", .otherAdministrator, "a session of Hauts-de-France",
                path: { w in "/comite/seances/\(w.id("session"))/appliquer" }, body: { _ in [("confirmer", "oui")] }),
            refused(
                "POST /comite/seances/:session/appliquer", .member, "a session they sit in without chairing it",
                path: { w in "/comite/seances/\(w.id("session"))/appliquer" }, body: { _ in [("confirmer", "oui")] }),
            accepted(
                "POST /comite/seances/:session/appliquer", .chair, "the session they chair",
                path: { w in "/comite/seances/\(w.id("session"))/appliquer" }, body: { _ in [("confirmer", "oui")] }),
            refused(
                "POST /comite/enveloppes/:call/revisions", .otherAdministrator, "an envelope of Hauts-de-France",
                path: { _ in "/comite/enveloppes/\(practice)/revisions" },
                body: { w in
                    [
                        ("envelope", w.id("envelope")), ("effective_on", ParisTime.isoDay(Date())),
                        ("amount", w.text("envelopeAmount")), ("reason", "Abondement"),
                    ]
                }),
            accepted(
                "POST /comite/enveloppes/:call/revisions", .administrator, "an envelope of the region",
                path: { _ in "/comite/enveloppes/\(practice)/revisions" },
                body: { w in
                    [
                        ("envelope", w.id("envelope")), ("effective_on", ParisTime.isoDay(Date())),
                        ("amount", w.text("envelopeAmount")), ("reason", "Abondement"),
                    ]
                }),
            refused(
                "POST /comite/enveloppes/:call/vagues", .otherAdministrator, "a call of Hauts-de-France",
                path: { _ in "/comite/enveloppes/\(practice)/vagues" },
                body: { _ in [("label", "Vague de complément"), ("announced_on", dueDay())] }),
            refused(
                "POST /admin/publication/:call/publier", .otherAdministrator, "a call of Hauts-de-France",
                path: { _ in "/admin/publication/\(DemoCall.reference)/publier" }),
            refused(
                "POST /admin/import/:call", .otherAdministrator, "a call of Hauts-de-France", multipart: true,
                path: { _ in "/admin/import/\(practice)" }, body: { _ in [("mode", "importer")] }),
            // After the decision: laureates of the seed in the Aisne (one whose organisation the
            // linked instructor declared) and in the Nord; the signed acts are made by the world.
            refused(
                "POST /instruction/dossiers/:dossier/acte/etablir", .linkedInstructor,
                "a linked organisation's laureate",
                path: { w in "/instruction/dossiers/\(w.id("laureateAisne"))/acte/etablir" }),
            refused(
                "POST /instruction/dossiers/:dossier/acte/etablir", .instructor, "a laureate of the Nord",
                path: { w in "/instruction/dossiers/\(w.id("laureateNord"))/acte/etablir" }),
            refused(
                "POST /dossiers/:dossier/acte/accepter", .stranger, "another organisation's act",
                path: { w in "/dossiers/\(w.id("signedAisne"))/acte/accepter" }, body: { _ in [("confirmer", "oui")] }),
            refused(
                "POST /dossiers/:dossier/acte/accepter", .applicant, "another organisation's act",
                path: { w in "/dossiers/\(w.id("signedAisne"))/acte/accepter" }, body: { _ in [("confirmer", "oui")] }),
            accepted(
                "POST /instruction/dossiers/:dossier/acte/etablir", .instructor, "a laureate of the Aisne",
                path: { w in "/instruction/dossiers/\(w.id("laureateAisne"))/acte/etablir" }),
            refused(
                "POST /instruction/dossiers/:dossier/acte/exemplaire-signe", .linkedInstructor,
                "a linked organisation's act", multipart: true,
                path: { w in "/instruction/dossiers/\(w.id("laureateAisne"))/acte/exemplaire-signe" }),
            refused(
                "POST /instruction/dossiers/:dossier/acte/exemplaire-signe", .instructor, "an act of the Nord",
                multipart: true,
                path: { w in "/instruction/dossiers/\(w.id("laureateNord"))/acte/exemplaire-signe" }),
            refused(
                "POST /instruction/dossiers/:dossier/versements", .linkedInstructor, "a linked organisation's grant",
                path: { w in "/instruction/dossiers/\(w.id("signedAisne"))/versements" },
                body: { _ in payment("MDT-LIE") }),
            refused(
                "POST /instruction/dossiers/:dossier/versements", .instructor, "a grant of the Nord",
                path: { w in "/instruction/dossiers/\(w.id("signedNord"))/versements" },
                body: { _ in payment("MDT-NORD") }),
            accepted(
                "POST /instruction/dossiers/:dossier/versements", .instructor, "a grant of the Aisne",
                path: { w in "/instruction/dossiers/\(w.id("signedAisne"))/versements" },
                body: { _ in payment("MDT-1") }),
            refused(
                "POST /instruction/dossiers/:dossier/reversements", .linkedInstructor, "a linked organisation's grant",
                path: { w in "/instruction/dossiers/\(w.id("signedAisne"))/reversements" },
                body: { _ in payment("TR-LIE") }),
            refused(
                "POST /instruction/dossiers/:dossier/reversements", .instructor, "a grant of the Nord",
                path: { w in "/instruction/dossiers/\(w.id("signedNord"))/reversements" },
                body: { _ in payment("TR-NORD") }),
            accepted(
                "POST /instruction/dossiers/:dossier/reversements", .instructor, "a grant of the Aisne",
                path: { w in "/instruction/dossiers/\(w.id("signedAisne"))/reversements" },
                body: { _ in payment("TR-1") }),
            refused(
                "POST /dossiers/:dossier/compte-rendu", .stranger, "another organisation's report",
                path: { w in "/dossiers/\(w.id("signedAisne"))/compte-rendu" },
                body: { _ in [("next", "draft"), ("realisation", "Fait.")] }),
            refused(
                "POST /dossiers/:dossier/compte-rendu", .applicant, "another organisation's report",
                path: { w in "/dossiers/\(w.id("signedAisne"))/compte-rendu" },
                body: { _ in [("next", "draft"), ("realisation", "Fait.")] }),
            refused(
                "POST /instruction/dossiers/:dossier/compte-rendu/valider", .linkedInstructor,
                "a linked organisation's report",
                path: { w in "/instruction/dossiers/\(w.id("signedAisne"))/compte-rendu/valider" },
                body: { _ in [("confirmer", "oui")] }),
            refused(
                "POST /instruction/dossiers/:dossier/compte-rendu/valider", .instructor, "a report of the Nord",
                path: { w in "/instruction/dossiers/\(w.id("signedNord"))/compte-rendu/valider" },
                body: { _ in [("confirmer", "oui")] }),
            refused(
                "POST /instruction/dossiers/:dossier/compte-rendu/correction", .linkedInstructor,
                "a linked organisation's report",
                path: { w in "/instruction/dossiers/\(w.id("signedAisne"))/compte-rendu/correction" },
                body: { _ in [("message", "Le budget"), ("due_on", dueDay())] }),
            refused(
                "POST /instruction/dossiers/:dossier/compte-rendu/correction", .instructor, "a report of the Nord",
                path: { w in "/instruction/dossiers/\(w.id("signedNord"))/compte-rendu/correction" },
                body: { _ in [("message", "Le budget"), ("due_on", dueDay())] }),
            // Accounts, tokens and endpoints of other people.
            refused(
                "POST /mon-espace/jetons/:token/revoquer", .instructor, "a colleague's token",
                path: { w in "/mon-espace/jetons/\(w.id("token"))/revoquer" }),
            accepted(
                "POST /mon-espace/jetons/:token/revoquer", .regionalInstructor, "their own token",
                path: { w in "/mon-espace/jetons/\(w.id("token"))/revoquer" }),
            refused(
                "POST /admin/webhooks/:endpoint/desactiver", .otherAdministrator, "another administrator's endpoint",
                path: { w in "/admin/webhooks/\(w.id("endpoint"))/desactiver" }),
            accepted(
                "POST /admin/webhooks/:endpoint/desactiver", .administrator, "their own endpoint",
                path: { w in "/admin/webhooks/\(w.id("endpoint"))/desactiver" }),
            refused(
                "POST /admin/personnel", .administrator, "an instructor of another region",
                path: { _ in "/admin/personnel" },
                body: { _ in staffForm("nouvel-idf@exemple.fr", "instructor", "11", "") }),
            refused(
                "POST /admin/personnel", .administrator, "a committee chair of another region",
                path: { _ in "/admin/personnel" },
                body: { _ in staffForm("president-idf@exemple.fr", "committee_chair", "11", "") }),
            refused(
                "POST /admin/personnel", .administrator, "a département of another region",
                path: { _ in "/admin/personnel" }, body: { _ in staffForm("paris@exemple.fr", "instructor", "", "75") }),
            accepted(
                "POST /admin/personnel", .administrator, "an instructor of the region",
                path: { _ in "/admin/personnel" },
                body: { _ in staffForm("nouvel-oise@exemple.fr", "instructor", "", "60") }),
            refused(
                "POST /admin/personnel/:person", .administrator,
                "a département of another region for a person of the region",
                path: { w in "/admin/personnel/\(w.id("somme"))" },
                body: { _ in staffForm("ddets80@exemple.fr", "instructor", "", "80, 75") }),
            refused(
                "POST /admin/personnel/:person", .otherAdministrator, "a person of Hauts-de-France",
                path: { w in "/admin/personnel/\(w.id("somme"))" },
                body: { _ in staffForm("ddets80@exemple.fr", "instructor", "11", "") }),
            accepted(
                "POST /admin/personnel/:person", .administrator, "a person of the region",
                path: { w in "/admin/personnel/\(w.id("somme"))" },
                body: { _ in staffForm("ddets80@exemple.fr", "instructor", "", "80, 60") }),
            refused(
                "POST /admin/personnel/:person/fermer", .otherAdministrator, "a person of Hauts-de-France",
                path: { w in "/admin/personnel/\(w.id("somme"))/fermer" }),
            accepted(
                "POST /admin/personnel/:person/fermer", .administrator, "a person of the region",
                path: { w in "/admin/personnel/\(w.id("somme"))/fermer" }),
            refused(
                "POST /admin/personnel/:person/rouvrir", .otherAdministrator, "a person of Hauts-de-France",
                path: { w in "/admin/personnel/\(w.id("somme"))/rouvrir" }),
            accepted(
                "POST /admin/personnel/:person/rouvrir", .administrator, "a person of the region",
                path: { w in "/admin/personnel/\(w.id("somme"))/rouvrir" }),
            // Calls of another region.
            refused(
                "POST /admin/appels", .administrator, "a call of another region",
                path: { _ in "/admin/appels" },
                body: { _ in
                    [
                        ("reference", "idf-2028"), ("title", "Un appel d'Île-de-France"), ("scope_level", "region"),
                        ("scope_code", "11"),
                        ("opens_on", "2028-01-04"), ("deadline", "2028-03-31"), ("amount", "1 000 000"),
                        ("owner_name", "Préfecture"), ("owner_siret", "93511186320515"),
                    ]
                }),
            accepted(
                "POST /admin/appels", .administrator, "a call of the region",
                path: { _ in "/admin/appels" },
                body: { _ in
                    [
                        ("reference", "hdf-2028"), ("title", "Un appel des Hauts-de-France"), ("scope_level", "region"),
                        ("scope_code", "32"),
                        ("opens_on", "2028-01-04"), ("deadline", "2028-03-31"), ("amount", "1 000 000"),
                        ("owner_name", "Préfecture"), ("owner_siret", "93511186320515"),
                    ]
                }),
            refused(
                "POST /admin/appels/:call/dupliquer", .administrator, "a copy into another region",
                path: { _ in "/admin/appels/\(practice)/dupliquer" },
                body: { _ in
                    [("reference", "copie-idf"), ("title", "Copie"), ("scope_level", "region"), ("scope_code", "11")]
                }),
            refused(
                "POST /admin/appels/:call/dupliquer", .otherAdministrator,
                "a copy into Hauts-de-France, from Île-de-France",
                path: { _ in "/admin/appels/\(practice)/dupliquer" },
                body: { _ in
                    [("reference", "copie-hdf"), ("title", "Copie"), ("scope_level", "region"), ("scope_code", "32")]
                }),
            accepted(
                "POST /admin/appels/:call/dupliquer", .administrator, "a copy into the region",
                path: { _ in "/admin/appels/\(practice)/dupliquer" },
                body: { _ in
                    [
                        ("reference", "copie-hdf"), ("title", "Copie"), ("scope_level", "departement"),
                        ("scope_code", "02"),
                    ]
                }),
            refused(
                "POST /admin/appels/:call/:section", .otherAdministrator, "a draft of Hauts-de-France",
                path: { _ in "/admin/appels/copie-hdf/general" },
                body: { w in w.generalSection(level: "region", code: "32") }),
            refused(
                "POST /admin/appels/:call/:section", .administrator, "a scope of another region for their draft",
                path: { _ in "/admin/appels/copie-hdf/general" },
                body: { w in w.generalSection(level: "region", code: "11") }),
            accepted(
                "POST /admin/appels/:call/:section", .administrator, "their region's draft",
                path: { _ in "/admin/appels/copie-hdf/general" },
                body: { w in w.generalSection(level: "departement", code: "02", title: "Copie revue") }),
            refused(
                "POST /admin/appels/:call/publier", .otherAdministrator, "a draft of Hauts-de-France",
                path: { _ in "/admin/appels/copie-hdf/publier" }),
            accepted(
                "POST /admin/appels/:call/publier", .administrator, "their region's draft",
                path: { _ in "/admin/appels/copie-hdf/publier" }),
            // Archiving needs a closed call: the seed's.
            refused(
                "POST /admin/appels/:call/archiver", .otherAdministrator, "a call of Hauts-de-France",
                path: { _ in "/admin/appels/\(DemoCall.reference)/archiver" }),
            accepted(
                "POST /admin/appels/:call/archiver", .administrator, "their region's closed call",
                path: { _ in "/admin/appels/\(DemoCall.reference)/archiver" }),
        ]
    }()

    @Test func everyPostRouteHasItsBodyProbes() {
        let posts = Set(Self.matrix.filter { $0.method == .POST }.map { "POST \($0.url.patternText)" })
        let refused = Set(Self.probes.filter { $0.outcome == .refused }.map(\.route))
        let covered = refused.union(Self.namesNothing.keys)
        #expect(
            posts.subtracting(covered).isEmpty,
            "POST routes without a probe naming another territory's or a linked organisation's object: \(posts.subtracting(covered).sorted())"
        )
        #expect(
            covered.subtracting(posts).isEmpty,
            "probes for routes that do not exist: \(covered.subtracting(posts).sorted())")
        #expect(refused.isDisjoint(with: Self.namesNothing.keys))
    }

    @Test func postsNamingAnotherTerritoryOrALinkedOrganisationChangeNothing() async throws {
        try await withGuichet { app in
            let world = try await Self.world(app)
            var failures: [String] = []
            for step in Self.probes {
                guard let browser = world.browsers[step.actor] else {
                    failures.append("no browser for \(step.actor)")
                    continue
                }
                let path = step.path(world)
                // The page the form comes from gives the token (and the session its CSRF value).
                let before = try await Self.fingerprint(app.db)
                let mailsBefore = try await OutboxMessageModel.query(on: app.db).count()
                let response =
                    step.multipart
                    ? try await browser.postMultipart(path, step.body(world))
                    : try await browser.post(path, pairs: step.body(world))
                let after = try await Self.fingerprint(app.db)
                let error = response.headers.first(name: "X-Guichet-Error")
                let label = "\(step.route) as \(step.actor) naming \(step.names)"
                if response.status.code >= 500 { failures.append("\(label): \(response.status.code)") }
                switch step.outcome {
                case .refused:
                    if error == "csrf_invalid" {
                        failures.append("\(label): refused for its CSRF token, not by the rule")
                    }
                    let refusedStatus: Set<UInt> = [403, 404, 409, 410, 413, 422]
                    if !(refusedStatus.contains(response.status.code) || error != nil) {
                        failures.append("\(label): answered \(response.status.code) without a refusal")
                    }
                    let changed =
                        before.filter { after[$0.key] != $0.value }.map(\.key) + after.keys.filter { before[$0] == nil }
                    if !changed.isEmpty { failures.append("\(label): changed \(changed.sorted())") }
                    if try await OutboxMessageModel.query(on: app.db).count() != mailsBefore {
                        failures.append("\(label): mailed someone")
                    }
                case .accepted:
                    if response.status.code >= 400 || error != nil {
                        failures.append(
                            "\(label): control refused (\(response.status.code), \(error ?? "-")) \(response.visibleText.prefix(300))"
                        )
                    } else if before == after {
                        failures.append("\(label): control changed nothing")
                    }
                    try await world.record(step, response, app)
                }
            }
            #expect(
                failures.isEmpty,
                "\(failures.count) of \(Self.probes.count) probes failed:\n\(failures.joined(separator: "\n"))")
        }
    }

    /// What a refused request must leave as it was: the number of rows of every table (sessions,
    /// throttling counters and the audit log's refusals apart), the dossiers' status and assignee,
    /// the expert requests' status, tokens, endpoints and accounts.
    static func fingerprint(_ database: any Database) async throws -> [String: String] {
        let sql = try #require(database as? any SQLDatabase)
        let tables: [String]
        if sql.dialect.name == "sqlite" {
            tables = try await sql.raw(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            ).all()
                .map { try $0.decode(column: "name", as: String.self) }
        } else {
            tables = try await sql.raw("SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()")
                .all()
                .map { try $0.decode(column: "name", as: String.self) }
        }
        let moving: Set<String> = [
            "sessions", "login_attempts", "rate_limits", "audit_entries", "audit_chains", "_fluent_migrations",
        ]
        var print: [String: String] = [:]
        for table in tables where !moving.contains(table) {
            let row = try await sql.raw("SELECT COUNT(*) AS n FROM \(ident: table)").first()
            print[table] = String(try row?.decode(column: "n", as: Int.self) ?? -1)
        }
        print["audit_entries (acts)"] = String(
            try await AuditEntryModel.query(on: database).filter(\.$action != "recusal").count())
        for dossier in try await DossierModel.query(on: database).all() {
            print["dossier \(try dossier.requireID())"] =
                "\(dossier.status) \(dossier.assigneeID?.uuidString ?? "-") \(dossier.territoryCode) \(dossier.answers ?? "")"
        }
        for token in try await APITokenModel.query(on: database).all() {
            print["token \(try token.requireID())"] = "\(token.revokedAt.map { "\($0)" } ?? "-")"
        }
        for endpoint in try await WebhookEndpointModel.query(on: database).all() {
            print["endpoint \(try endpoint.requireID())"] = "\(endpoint.disabledAt.map { "\($0)" } ?? "-")"
        }
        for user in try await UserModel.query(on: database).all() {
            print["user \(try user.requireID())"] = "\(user.role) \(user.disabledAt.map { "\($0)" } ?? "-")"
        }
        for request in try await ExpertRequestModel.query(on: database).all() {
            print["expert request \(try request.requireID())"] = request.status
        }
        return print
    }
}

extension AccessMatrixTests.World {
    /// The "general" section of the copied call's editor, as a browser posts it, with a scope.
    func generalSection(level: String, code: String, title: String? = nil) -> [(String, String)] {
        var fields = (try? JSONDecoder().decode([String: String].self, from: Data(text("copyGeneral").utf8))) ?? [:]
        fields["scope.level"] = level
        fields["scope.code"] = code
        if let title { fields["title"] = title }
        return fields.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Keeps what an accepted step created, for the steps after it.
    func record(_ step: AccessMatrixTests.Step, _ response: TestingHTTPResponse, _ app: Application) async throws {
        switch step.route {
        case "POST /appels/:call/deposer":
            let location = response.headers.first(name: .location) ?? ""
            ids["draft"] = UUID(uuidString: location.split(separator: "/").dropFirst().first.map(String.init) ?? "")
        case "POST /instruction/dossiers/:dossier/expertise":
            ids["secondRequestA"] = try await ExpertRequestModel.query(on: app.db).filter(
                \.$dossier.$id == ids["A"] ?? UUID()
            )
            .filter(\.$status == "pending").first()?.requireID()
        case "POST /comite/seances":
            let location = response.headers.first(name: .location) ?? ""
            ids["session"] = UUID(uuidString: String(location.split(separator: "/").last ?? ""))
        case "POST /admin/appels/:call/dupliquer":
            let definition = try await CallDefinitionStore(database: app.db).definition(
                of: CallRepository(database: app.db).findAny("copie-hdf"))
            let general = CallAuthoringTests.fields(definition, .general)
            strings["copyGeneral"] = String(decoding: try JSONEncoder().encode(general), as: UTF8.self)
        default: break
        }
    }
}

extension AccessMatrixTests {
    /// The matrix's fixture, the people this test adds, and the objects its probes name.
    static func world(_ app: Application) async throws -> World {
        let (fixture, personas) = try await prepare(app)
        let world = World()
        func user(_ email: String) async throws -> UserModel {
            try #require(try await UserModel.query(on: app.db).filter(\.$email == email).first())
        }
        for (actor, persona) in [
            (Actor.applicant, Persona.applicant), (.instructor, .instructor),
            (.regionalInstructor, .regionalInstructor),
            (.expert, .expert), (.chair, .committeeChair), (.member, .committeeMember),
            (.administrator, .administrator),
        ] {
            world.browsers[actor] = personas[persona]
        }
        let stranger = Browser(app)
        try await stranger.get(SiteURL.login.path)
        try await stranger.post(SiteURL.login.path, ["email": "autre@exemple.fr", "password": Applicant.password])
        world.browsers[.stranger] = stranger
        let otherAdministrator = Browser(app)
        try await otherAdministrator.get(SiteURL.login.path)
        try await otherAdministrator.post(
            SiteURL.login.path, ["email": "admin11@exemple.fr", "password": Factory.staffPassword])
        world.browsers[.otherAdministrator] = otherAdministrator
        // A dossier of the Aisne (A) and one of the Nord (B), their organisations and expert requests.
        world.ids["A"] = fixture.dossier[.own]
        world.ids["B"] = fixture.dossier[.other]
        world.ids["orgA"] = fixture.organisation[.own]
        world.ids["orgB"] = fixture.organisation[.other]
        world.ids["requestA"] = fixture.request[.own]
        world.ids["requestB"] = fixture.request[.other]
        world.ids["somme"] = fixture.person[.own]
        for (key, email) in [
            ("idf", "idf@exemple.fr"), ("chair", "president@exemple.fr"), ("member", "membre@exemple.fr"),
            ("otherChair", "autre-president@exemple.fr"), ("otherMember", "autre-membre@exemple.fr"),
            ("regionalInstructor", "dreets@exemple.fr"),
        ] {
            world.ids[key] = try await user(email).requireID()
        }
        // People linked to organisations: an instructor of the Aisne and an expert of the DRAAF to
        // A's; a committee member to the organisation of a reviewed dossier of the Aisne.
        let organisationA = try #require(try await OrganisationModel.find(fixture.organisation[.own], on: app.db))
        let seed = try await CallRepository(database: app.db).load(DemoCall.reference)
        let reviewed = { (group: String) in
            try await DossierModel.query(on: app.db).filter(\.$call.$id == seed.id).filter(
                \.$status == DossierStatus.reviewed.rawValue
            )
            .filter(\.$instructorGroup == group).sort(\.$number).first()
        }
        let aisne = try #require(try await reviewed("departement:02"))
        let nord = try #require(try await reviewed("departement:59"))
        world.ids["reviewedLinked"] = try aisne.requireID()
        world.ids["reviewedNord"] = try nord.requireID()
        world.strings["reviewedNordNumber"] = nord.number
        let linkedOrganisation = try await aisne.$organisation.get(on: app.db)
        for (actor, email, role, scopes, organisation) in [
            (Actor.linkedInstructor, "lie02@exemple.fr", Role.instructor, ["departement:02"], organisationA),
            (.linkedExpert, "lie-draaf@exemple.fr", .expert, ["service:DRAAF:alimentation"], organisationA),
            (.linkedMember, "lie-membre@exemple.fr", .committeeMember, ["region:32"], linkedOrganisation),
        ] {
            let browser = try await Factory.staff(app, email, role: role, scopes: scopes)
            try await browser.get(SiteURL.staffLinks.path)
            let declared = try await browser.post(
                SiteURL.staffLinks.path,
                [
                    "siret": organisation.siret ?? "", "rna": organisation.siret == nil ? organisation.rna ?? "" : "",
                    "description": "Membre du bureau",
                ])
            #expect(declared.status == .seeOther)
            world.browsers[actor] = browser
        }
        world.ids["linkedInstructor"] = try await user("lie02@exemple.fr").requireID()
        world.ids["linkedMember"] = try await user("lie-membre@exemple.fr").requireID()
        // A third filed dossier of the Aisne, for the correction request (A moves on to its opinion).
        world.ids["filedAisne"] = try await Factory.filedDossier(app, email: "tiers@exemple.fr").1
        // Another reviewed dossier of the Aisne for the member's accepted decision.
        world.ids["reviewedAisne"] = try #require(
            try await DossierModel.query(on: app.db).filter(\.$call.$id == seed.id)
                .filter(\.$status == DossierStatus.reviewed.rawValue).filter(\.$instructorGroup == "departement:02")
                .filter(\.$organisation.$id != linkedOrganisation.requireID()).first()
        ).requireID()
        // The practice call's envelope, revised to what it already holds (a dated revision all the same).
        let practice = try await CallRepository(database: app.db).load(PracticeCall.reference)
        let envelope = try #require(
            try await EnvelopeModel.query(on: app.db).filter(\.$call.$id == practice.id).filter(\.$parent.$id == .none)
                .first())
        world.ids["envelope"] = try envelope.requireID()
        let current = try await EnvelopeRevisionModel.query(on: app.db).filter(\.$envelope.$id == envelope.requireID())
            .sort(\.$effectiveOn, .descending).first()
        world.strings["envelopeAmount"] = try Money(cents: (current?.amountCents ?? 100_000_00) + 1_000_00)
            .decimalString
        // A token of the region's instructor; an endpoint of the region's administrator.
        let regional = try await user("dreets@exemple.fr")
        let tokens = try #require(personas[.regionalInstructor])
        try await tokens.get("/mon-espace/jetons")
        try await tokens.post("/mon-espace/jetons", pairs: [("name", "Tableur"), ("scope", "dossiers:read")])
        world.ids["token"] = try #require(
            try await APITokenModel.query(on: app.db).filter(\.$user.$id == regional.requireID()).first()
        ).requireID()
        let admin = try #require(personas[.administrator])
        try await admin.get("/admin/webhooks")
        try await admin.post(
            "/admin/webhooks", pairs: [("url", "https://hooks.exemple.fr/guichet"), ("event", "dossier.filed")])
        world.ids["endpoint"] = try #require(try await WebhookEndpointModel.query(on: app.db).first()).requireID()
        // Laureates of the seed: the Aisne's and the Nord's still at their decision (acts to
        // establish), and a signed grant of each whose report is not validated (a payment and a
        // recovery can still be recorded on the Aisne's); the linked instructor declares a link
        // with both Aisne organisations too.
        let retained = { (group: String) in
            try #require(
                try await DossierModel.query(on: app.db).filter(\.$call.$id == seed.id)
                    .filter(\.$status == DossierStatus.retained.rawValue).filter(\.$instructorGroup == group)
                    .sort(\.$number).first())
        }
        let signedGrant = { (group: String) in
            let validated = try await GrantReportModel.query(on: app.db)
                .filter(\.$status == FinancialReport.Status.validated.rawValue).all(\.$dossierID)
            return try #require(
                try await DossierModel.query(on: app.db).filter(\.$call.$id == seed.id)
                    .filter(\.$status ~~ [DossierStatus.paid.rawValue, DossierStatus.reported.rawValue])
                    .filter(\.$instructorGroup == group).filter(\.$id !~ validated).sort(\.$number).first())
        }
        let laureateAisne = try await retained("departement:02")
        let signedAisne = try await signedGrant("departement:02")
        world.ids["laureateAisne"] = try laureateAisne.requireID()
        world.ids["signedAisne"] = try signedAisne.requireID()
        world.ids["laureateNord"] = try await retained("departement:59").requireID()
        world.ids["signedNord"] = try await signedGrant("departement:59").requireID()
        let aisneLaureates = [laureateAisne, signedAisne]
        let linked = try #require(world.browsers[.linkedInstructor])
        for dossier in aisneLaureates {
            let organisation = try await dossier.$organisation.get(on: app.db)
            try await linked.get(SiteURL.staffLinks.path)
            let declared = try await linked.post(
                SiteURL.staffLinks.path,
                [
                    "siret": organisation.siret ?? "", "rna": organisation.siret == nil ? organisation.rna ?? "" : "",
                    "description": "Trésorier",
                ])
            #expect(declared.status == .seeOther)
        }
        // Each browser holds its session's CSRF token (signing in starts a new session).
        for browser in world.browsers.values { try await browser.get(SiteURL.home.path) }
        return world
    }
}
