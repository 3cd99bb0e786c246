import Fluent
import Foundation
import GuichetDomain
import Vapor

/// The seed's services as staff accounts, and their (simulated) opinions on the demo's dossiers.
///
/// The accounts have no usable password: whoever runs the demo sets one with "mot de passe
/// oublié" (the link arrives in `data/mail/`), so a public demo never ships a known password.
enum DemoStaff {
    struct Member {
        let email: String
        let name: String
        let role: Role
        let scope: String
    }

    static let members: [Member] = [
        Member(
            email: "ddets-aisne@demo.guichet.invalid", name: "DDETS de l'Aisne (démonstration)", role: .instructor,
            scope: "departement:02"),
        Member(
            email: "ddets-nord@demo.guichet.invalid", name: "DDETS du Nord (démonstration)", role: .instructor,
            scope: "departement:59"),
        Member(
            email: "ddets-oise@demo.guichet.invalid", name: "DDETS de l'Oise (démonstration)", role: .instructor,
            scope: "departement:60"),
        Member(
            email: "ddets-pas-de-calais@demo.guichet.invalid", name: "DDETS du Pas-de-Calais (démonstration)",
            role: .instructor, scope: "departement:62"),
        Member(
            email: "ddets-somme@demo.guichet.invalid", name: "DDETS de la Somme (démonstration)", role: .instructor,
            scope: "departement:80"),
        Member(
            email: "dreets-hdf@demo.guichet.invalid", name: "DREETS Hauts-de-France (démonstration)", role: .instructor,
            scope: "region:32"),
        Member(
            email: "administration@demo.guichet.invalid", name: "Administration nationale de l'appel (démonstration)",
            role: .administrator, scope: "national"),
        Member(
            email: "draaf-hdf@demo.guichet.invalid", name: "DRAAF Hauts-de-France (démonstration)", role: .expert,
            scope: "service:DRAAF:alimentation"),
        Member(
            email: "ars-hdf@demo.guichet.invalid", name: "ARS Hauts-de-France (démonstration)", role: .expert,
            scope: "service:ARS:acces-aux-droits"),
    ]

    /// Creates the accounts that do not exist yet; returns every demo account by scope.
    static func ensureAccounts(on db: any Database) async throws -> [String: UserModel] {
        var byScope: [String: UserModel] = [:]
        for member in members {
            if let existing = try await UserModel.query(on: db).filter(\.$email == member.email).first() {
                byScope[member.scope] = existing
                continue
            }
            // A random bcrypt-looking value no password matches: the account is locked until reset.
            let user = UserModel(
                email: member.email, passwordHash: "!demo-locked-" + SecretToken.make(), displayName: member.name,
                role: member.role.rawValue)
            user.emailVerifiedAt = DemoCall.opensAt
            try await user.create(on: db)
            try await StaffScopeModel(userID: user.requireID(), scope: member.scope).create(on: db)
            byScope[member.scope] = user
        }
        return byScope
    }

    /// The simulated opinion of a demo dossier's instruction, or nil when it was not reviewed.
    static func opinion(
        for status: DossierStatus, requested: Money, granted: Money?, random: inout SplitMix64
    ) throws -> Opinion? {
        switch status {
        case .retained, .agreementSigned, .paid, .reported:
            return try Opinion(
                kind: .favourable, proposedAmount: granted ?? requested,
                motive: "Projet solide et attendu sur le territoire (avis simulé).",
                requested: requested)
        case .waitingList:
            return try Opinion(
                kind: .reservations, proposedAmount: Money(cents: requested.cents / 100 * 80),
                motive: "Intéressant, budget à préciser (avis simulé).", requested: requested)
        case .reviewed:
            let roll = random.unit()
            if roll < 0.35 {
                return try Opinion(
                    kind: .favourable, proposedAmount: requested,
                    motive: "Répond aux objectifs de l'appel (avis simulé).", requested: requested)
            }
            if roll < 0.65 {
                return try Opinion(
                    kind: .reservations, proposedAmount: Money(cents: requested.cents / 100 * 70),
                    motive: "Partenariats à consolider (avis simulé).", requested: requested)
            }
            return try Opinion(
                kind: .unfavourable, proposedAmount: .zero, motive: "Impact attendu trop limité (avis simulé).",
                requested: requested)
        default:
            return nil
        }
    }
}
