import Fluent
import Foundation
import GuichetDomain
import SQLKit
import Vapor

/// `guichet user create --email … --name … --role … --scope … [--scope …]`; the password comes
/// from `GUICHET_NEW_PASSWORD` or is generated and printed once.
struct UserCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "create")
        var action: String
        @Option(name: "email", help: "Adresse électronique.")
        var email: String?
        @Option(name: "name", help: "Nom affiché (exemple : « DDETS de l'Aisne — Camille Martin »).")
        var name: String?
        @Option(name: "role", help: "instructor, expert, committee_member, committee_chair ou administrator.")
        var role: String?
        @Option(
            name: "scope",
            help:
                "Périmètre(s), séparés par des virgules : departement:02, region:32, national, service:DRAAF:alimentation."
        )
        var scope: String?
    }

    var help: String {
        "Crée un compte du personnel (instructeur, expert, comité, administrateur) avec ses périmètres."
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard signature.action == "create" else {
            throw AppError(
                status: .badRequest, code: "unknown_action",
                message: "Action inconnue « \(signature.action) » : seule « create » existe.")
        }
        let app = context.application
        try await app.migrateDatabase()
        guard let role = signature.role.flatMap(Role.init(rawValue:)) else {
            throw AppError(
                status: .badRequest, code: "invalid_role",
                message: "--role attend instructor, expert, committee_member, committee_chair ou administrator.")
        }
        let given = app.guichetConfiguration.newStaffPassword
        let generated = given == nil
        let password = given ?? SecretToken.make()
        do {
            let user = try await StaffDirectory(database: app.db).createStaff(
                email: signature.email ?? "", name: signature.name ?? "", role: role,
                scopes: (signature.scope ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                    .filter { !$0.isEmpty },
                password: password, hasher: app.password.async, now: Date())
            context.console.print("Compte créé : \(user.email) (\(role.label)).")
            if generated {
                context.console.print(
                    "Mot de passe (à transmettre de façon sûre, il ne sera plus affiché) : \(password)")
            }
        } catch DomainError.invalidForm(let errors) {
            throw AppError(
                status: .badRequest, code: "invalid_staff",
                message: errors.sorted { $0.key < $1.key }.map { "\($0.key) : \($0.value)" }.joined(separator: "\n"))
        }
    }
}
