import Foundation
import GuichetDomain
import Vapor

/// `guichet pictures --call REF DIRECTORY`: writes the pictures of the call's latest published
/// press kit (maps and bar charts, SVG) into a folder, to look at them outside a browser. The
/// pictures' rules are checked by the tests; how they look is for people to judge.
struct PicturesCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "call", help: "La référence de l'appel (son dernier dossier de presse publié).")
        var call: String?
        @Argument(name: "directory", help: "Le dossier où écrire les images (créé s'il manque).")
        var directory: String
    }

    var help: String { "Écrit les images (SVG) du dernier dossier de presse publié d'un appel dans un dossier." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.migrateDatabase()
        guard let reference = signature.call else {
            throw AppError(
                status: .badRequest, code: "missing_call", message: "Indiquez --call <référence de l'appel>.")
        }
        let call = try await CallRepository(database: app.db).findAny(reference)
        guard let publication = try await PublicationService(database: app.db, now: Date()).latest(call.requireID())
        else {
            throw AppError.notFound("no_publication", "L'appel « \(reference) » n'a encore rien publié.")
        }
        let page = PressKitPage(try publication.results(), call: call)
        let folder = URL(fileURLWithPath: signature.directory, isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (index, picture) in page.pictures.enumerated() {
            let name = String(format: "%02d-", index + 1) + Self.slug(picture.caption) + ".svg"
            try Data(picture.svg.utf8).write(to: folder.appendingPathComponent(name), options: .atomic)
            context.console.print("\(folder.appendingPathComponent(name).path) — \(picture.caption)")
        }
    }

    /// A file name from a caption: lower-case ASCII letters and digits, dashes between words.
    static func slug(_ caption: String) -> String {
        let folded = caption.folding(
            options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "fr_FR"))
        let words = folded.lowercased().split { !($0.isASCII && ($0.isLetter || $0.isNumber)) }
        return words.prefix(6).joined(separator: "-")
    }
}
