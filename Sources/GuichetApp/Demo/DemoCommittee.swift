import Fluent
import Foundation
import GuichetDomain

/// The seed's selection committee: the commissaire chairs, the DREETS, DRAAF and ARS sit. Its
/// 16 April 2021 session (wave 1) is on record with its decisions, and a June session (wave 2) is
/// open for whoever tries the demo. Accounts are locked like the other demo staff.
enum DemoCommittee {
    static let chair = DemoStaff.Member(
        email: "commissaire@demo.guichet.invalid",
        name: "Commissaire à la lutte contre la pauvreté (démonstration)",
        role: .committeeChair, scope: "")
    static let members = [
        DemoStaff.Member(
            email: "comite-dreets@demo.guichet.invalid", name: "DREETS — membre du comité (démonstration)",
            role: .committeeMember, scope: ""),
        DemoStaff.Member(
            email: "comite-draaf@demo.guichet.invalid", name: "DRAAF — membre du comité (démonstration)",
            role: .committeeMember, scope: ""),
        DemoStaff.Member(
            email: "comite-ars@demo.guichet.invalid", name: "ARS — membre du comité (démonstration)",
            role: .committeeMember, scope: ""),
    ]

    /// Creates the committee's accounts and its two sessions.
    static func insert(callID: UUID, waves: [WaveModel], decisions: [DecisionModel], on db: any Database) async throws {
        var people: [UserModel] = []
        for member in [chair] + members {
            if let existing = try await UserModel.query(on: db).filter(\.$email == member.email).first() {
                people.append(existing)
                continue
            }
            let user = UserModel(
                email: member.email, passwordHash: "!demo-locked-" + SecretToken.make(), displayName: member.name,
                role: member.role.rawValue)
            user.emailVerifiedAt = DemoCall.opensAt
            try await user.create(on: db)
            // The regional committee sits for the region.
            try await StaffScopeModel(userID: user.requireID(), scope: StaffScope.region(DemoCall.regionCode).stored)
                .create(on: db)
            people.append(user)
        }
        guard let chairUser = people.first, waves.count >= 2 else { return }
        for (wave, day, title, applied) in [
            (waves[0], DemoCall.wave1Day, "Comité régional de sélection — 16 avril 2021", true),
            (waves[1], DemoCall.wave2Day, "Comité régional de sélection — juin 2021", false),
        ] {
            let session = CommitteeSessionModel()
            session.id = UUID()
            session.$call.id = callID
            session.$wave.id = try wave.requireID()
            session.title = title
            session.heldOn = day
            session.scope = StaffScope.region(DemoCall.regionCode).stored
            session.quorum = 3
            session.status =
                applied ? CommitteeSessionModel.Status.applied.rawValue : CommitteeSessionModel.Status.open.rawValue
            session.createdBy = try chairUser.requireID()
            session.createdAt = day
            session.appliedAt = applied ? day : nil
            session.appliedBy = applied ? try chairUser.requireID() : nil
            try await session.create(on: db)
            for person in people {
                let member = CommitteeMemberModel()
                member.$session.id = try session.requireID()
                member.$user.id = try person.requireID()
                member.isChair = person.id == chairUser.id
                member.present = applied
                try await member.create(on: db)
            }
            guard applied else { continue }
            // The session's record: what it decided, as its staged decisions once applied.
            let staged = try decisions.filter { $0.$wave.id == (try wave.requireID()) }.map { decision in
                let row = StagedDecisionModel()
                row.$session.id = try session.requireID()
                row.$dossier.id = decision.$dossier.id
                row.outcome = decision.outcome
                row.grantedCents = decision.grantedCents
                row.motive = decision.motive
                row.stagedBy = try chairUser.requireID()
                row.stagedAt = day
                return row
            }
            for chunk in staged.chunked(400) { try await chunk.create(on: db) }
            try await FreezeAppliedBoards.freeze(session: session.requireID(), on: db)
        }
    }

    /// Deletes a call's sessions (their members and staged decisions first).
    static func delete(callID: UUID, on db: any Database) async throws {
        let sessions = try await CommitteeSessionModel.query(on: db).filter(\.$call.$id == callID).all(\.$id)
        try await StagedDecisionModel.query(on: db).filter(\.$session.$id ~~ sessions).delete()
        try await CommitteeMemberModel.query(on: db).filter(\.$session.$id ~~ sessions).delete()
        try await CommitteeSessionModel.query(on: db).filter(\.$call.$id == callID).delete()
    }
}
