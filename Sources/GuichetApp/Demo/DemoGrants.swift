import Fluent
import Foundation
import GuichetDomain
import SQLKit
import Vapor

/// After the decision, simulated: the seed's laureates carry acts signed in May 2021, advances
/// paid in June 2021, financial reports filed and validated in 2022 with the balance paid in July
/// 2022 — some reports late, some waiting to be examined, one showing less spent than the
/// advance and the difference claimed back. In each instruction group the first laureate is left
/// at its decision (its act to establish), so that the whole journey can be followed from there.
///
/// Every step goes through the services a person uses (acts, signatures, payments, reports and
/// their audit entries, the dossiers' statuses, the envelopes' ledger), dated as it happened; the
/// rows are then marked simulated, which every page showing them says, and reminders skip them.
/// The organisations are represented by one locked demo account (`association@…`), whose
/// password is set with "mot de passe oublié" like the staff's.
enum DemoGrants {
    static let representative = DemoStaff.Member(
        email: "association@demo.guichet.invalid", name: "Représentant des organismes lauréats (démonstration)",
        role: .applicant, scope: "")

    private static func day(_ iso: String) -> Date { ParisTime.day(iso) ?? DemoCall.wave1Day }

    /// What happens to the laureate at `index` among those that carry a grant.
    enum Fate: Equatable {
        /// Report filed and validated, balance paid.
        case settled
        /// Spent less than the advance: the difference claimed back.
        case recovered
        /// Report filed, waiting for the instructor.
        case toExamine
        /// No report by the due day.
        case late

        static func of(_ index: Int) -> Fate {
            if index == 1 { return .recovered }
            switch index % 10 {
            case 3, 7: return .late
            case 5: return .toExamine
            default: return .settled
            }
        }
    }

    /// Adds the grants unless the seed's call already has acts: in one transaction, which the
    /// services' own join (one commit instead of two hundred, all or nothing).
    static func insert(_ app: Application) async throws {
        let configuration = app.guichetConfiguration
        try await app.db.transaction { db in try await insert(on: db, configuration: configuration) }
    }

    private static func insert(on db: any Database, configuration: AppConfiguration) async throws {
        let call = try await CallRepository(database: db).load(DemoCall.reference)
        guard try await GrantActModel.query(on: db).filter(\.$callID == call.id).count() == 0 else { return }
        let staff = try await DemoStaff.ensureAccounts(on: db)
        guard let instructor = staff["region:\(DemoCall.regionCode)"] else { return }
        let laureates = try await DossierModel.query(on: db).filter(\.$call.$id == call.id)
            .filter(\.$status == DossierStatus.retained.rawValue).sort(\.$number).all()
        let organisation = try await representativeAccount(of: laureates, on: db)
        // The first laureate of each instruction group stays at its decision.
        var seen: Set<String> = []
        var followed: [DossierModel] = []
        for dossier in laureates {
            if seen.insert(dossier.instructorGroup ?? "").inserted { continue }
            followed.append(dossier)
        }
        for (index, dossier) in followed.enumerated() {
            let id = try dossier.requireID()
            let fate = Fate.of(index)
            let act = try await GrantService(database: db, now: day("2021-05-03")).generateAct(dossier, by: instructor)
            try await GrantService(database: db, now: day("2021-05-17")).sign(
                act, dossierID: id, how: .accepted, by: organisation, file: nil)
            let granted = try Money(cents: act.amountCents)
            let instalments = try await GrantInstalmentModel.query(on: db).filter(\.$actID == act.requireID())
                .sort(\.$position).all()
            let advance = try Money(cents: instalments.first?.amountCents ?? act.amountCents)
            try await record(
                .payment, id, day: day("2021-06-15"), amount: advance, reference: "DEMO-2021-\(index + 1001)",
                by: instructor, on: db)
            guard fate != .late else { continue }
            let spent = fate == .recovered ? advance.remaining(after: try Money(euros: 5_000)) : granted
            let filedOn = fate == .toExamine ? day("2023-05-22") : day("2022-05-30")
            let signed = try await reload(id, on: db)
            let outcome = try await GrantReportService(database: db, configuration: configuration, now: filedOn).save(
                signed, posted: answers(spent: spent), file: true, by: organisation)
            guard outcome.filed, fate != .toExamine else { continue }
            let reported = try await reload(id, on: db)
            try await GrantReportService(database: db, configuration: configuration, now: day("2022-06-20"))
                .validate(reported, by: instructor)
            if fate == .recovered {
                try await record(
                    .recovery, id, day: day("2022-10-03"), amount: try Money(euros: 5_000),
                    reference: "DEMO-TR-2022-\(index + 1001)", by: instructor, on: db)
            } else if instalments.count > 1 {
                try await record(
                    .payment, id, day: day("2022-07-08"), amount: granted.remaining(after: advance),
                    reference: "DEMO-2022-\(index + 1001)", by: instructor, on: db)
            }
        }
        // All of it simulated, and said so.
        let sql = try db.sql()
        for table in [GrantActModel.schema, GrantMovementModel.schema, GrantReportModel.schema] {
            try await sql.update(table).set("simulated", to: true).where("call_id", .equal, call.id).run()
        }
    }

    private static func record(
        _ kind: GrantMovementModel.Kind, _ id: UUID, day: Date, amount: Money, reference: String, by user: UserModel,
        on db: any Database
    ) async throws {
        let dossier = try await reload(id, on: db)
        try await GrantService(database: db, now: day.addingTimeInterval(10 * 3600)).record(
            kind, on: dossier, day: day, amount: amount, reference: reference, by: user)
    }

    /// The demo account that represents every laureate's organisation.
    private static func representativeAccount(
        of laureates: [DossierModel], on db: any Database
    ) async throws
        -> UserModel
    {
        let user: UserModel
        if let existing = try await UserModel.query(on: db).filter(\.$email == representative.email).first() {
            user = existing
        } else {
            user = UserModel(
                email: representative.email, passwordHash: "!demo-locked-" + SecretToken.make(),
                displayName: representative.name, role: representative.role.rawValue)
            user.emailVerifiedAt = DemoCall.opensAt
            try await user.create(on: db)
        }
        let userID = try user.requireID()
        for organisationID in Set(laureates.map { $0.$organisation.id }) {
            let member = try await OrganisationMemberModel.query(on: db).filter(\.$user.$id == userID)
                .filter(\.$organisation.$id == organisationID).count()
            if member == 0 {
                try await OrganisationMemberModel(organisationID: organisationID, userID: userID).create(on: db)
            }
        }
        return user
    }

    /// A complete report of the standard form stating `spent`.
    static func answers(spent: Money) -> [String: [String]] {
        [
            "realisation": ["L'action a été conduite comme prévu dans la demande (compte rendu simulé)."],
            "beneficiaires": ["250"], "lieux": ["Hauts-de-France"], "debut": ["2021-05-17"], "fin": ["2022-05-16"],
            "objectifs_atteints": ["oui"], "charges_prevues": [spent.decimalString],
            "charges_realisees": [spent.decimalString], "produits_prevus": [spent.decimalString],
            "produits_realises": [spent.decimalString], "subvention_employee": [spent.decimalString],
            "ecarts": ["Aucun écart significatif (compte rendu simulé)."], "attestation": ["certifie"],
        ]
    }
}

/// A dossier read again by id (its status moves with each step).
private func reload(_ id: UUID, on db: any Database) async throws -> DossierModel {
    guard let dossier = try await DossierModel.find(id, on: db) else {
        throw AppError.notFound("dossier_not_found", "Dossier introuvable.")
    }
    return dossier
}
