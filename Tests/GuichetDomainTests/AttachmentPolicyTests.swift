import Foundation
import Testing

@testable import GuichetDomain

@Suite struct AttachmentPolicyTests {
    @Test(arguments: [
        ("budget.pdf", AttachmentFixtures.pdf, FileKind.pdf),
        ("rib.png", AttachmentFixtures.png, .png),
        ("statuts.jpg", AttachmentFixtures.jpeg, .jpeg),
        ("budget.docx", AttachmentFixtures.docx, .docx),
        ("budget.xlsx", AttachmentFixtures.xlsx, .xlsx),
        ("statuts.doc", AttachmentFixtures.doc, .doc),
        ("comptes.xls", AttachmentFixtures.xls, .xls),
        ("statuts.odt", AttachmentFixtures.odt, .odt),
        ("comptes.ods", AttachmentFixtures.ods, .ods),
        // The name is no hint: a PDF named like a photo is a PDF.
        ("photo.jpg", AttachmentFixtures.pdf, .pdf),
    ])
    func acceptedFilesComeBackWithTheirKind(name: String, bytes: [UInt8], kind: FileKind) throws {
        #expect(try AttachmentPolicy.standard.check(name: name, data: Data(bytes)) == kind)
    }

    @Test func textRenamedPdfIsRefusedWithItsFrenchMessage() {
        let error = DomainError.fileTypeNotAllowed(name: "budget.pdf", detected: "texte brut")
        #expect(throws: error) {
            try AttachmentPolicy.standard.check(name: "budget.pdf", data: Data(AttachmentFixtures.text))
        }
        #expect(
            error.message.hasPrefix(
                "Le fichier « budget.pdf » n'est pas d'un type accepté (contenu reconnu : texte brut)."))
    }

    @Test(
        arguments: [
            (AttachmentFixtures.html, "page web HTML"),
            (AttachmentFixtures.plainZip, "archive ZIP"),
            (AttachmentFixtures.elf, "programme exécutable"),
            (AttachmentFixtures.windowsProgram, "programme exécutable"),
            (AttachmentFixtures.docm, "document Word avec macros"),
            (AttachmentFixtures.encryptedDocx, "document Office protégé par mot de passe"),
            (AttachmentFixtures.heic, "image HEIC"),
            (AttachmentFixtures.gif89, "image GIF"),
            (AttachmentFixtures.pptx, "présentation PowerPoint"),
            ([0x00, 0x01, 0x02, 0x03], "type inconnu"),
        ] as [([UInt8], String)])
    func refusalsSayWhatWasFound(bytes: [UInt8], detected: String) {
        #expect(throws: DomainError.fileTypeNotAllowed(name: "budget.pdf", detected: detected)) {
            try AttachmentPolicy.standard.check(name: "budget.pdf", data: Data(bytes))
        }
    }

    @Test func emptyFileIsRefused() {
        #expect(throws: DomainError.emptyFile(name: "statuts.pdf")) {
            try AttachmentPolicy.standard.check(name: "statuts.pdf", data: Data())
        }
    }

    @Test func oversizedFileIsRefusedBeforeBeingInspected() throws {
        let policy = AttachmentPolicy(maxBytes: 100)
        let bytes = Data(AttachmentFixtures.pdf + [UInt8](repeating: 0x20, count: 100))
        #expect(throws: DomainError.fileTooLarge(name: "budget.pdf", bytes: bytes.count, limit: 100)) {
            try policy.check(name: "budget.pdf", data: bytes)
        }
        #expect(try policy.check(name: "budget.pdf", data: bytes.prefix(100)) == .pdf)
    }

    @Test func defaultLimitIsTwentyMegabytes() {
        #expect(AttachmentPolicy.standard.maxBytes == 20_000_000)
        #expect(
            DomainError.fileTooLarge(name: "a.pdf", bytes: 25_300_000, limit: 20_000_000).message
                == "Le fichier « a.pdf » pèse 25,3 Mo : la limite est de 20 Mo.")
    }

    @Test func aCallMayWidenTheAllowedKinds() throws {
        let policy = AttachmentPolicy(allowed: AttachmentPolicy.defaultAllowed.union([.pptx, .odp]))
        #expect(try policy.check(name: "présentation.pptx", data: Data(AttachmentFixtures.pptx)) == .pptx)
    }

    @Test func messagesShowTheSafeName() {
        #expect(throws: DomainError.emptyFile(name: "budget 2024.pdf")) {
            try AttachmentPolicy.standard.check(name: "C:\\fakepath\\budget\n2024.pdf", data: Data())
        }
    }

    @Test(arguments: [
        ("budget.pdf", "budget.pdf"),
        ("C:\\fakepath\\Budget prévisionnel.xlsx", "Budget prévisionnel.xlsx"),
        ("../../etc/passwd", "passwd"),
        ("dossier/", "dossier"),
        ("Statuts\u{0}\r\n signés.pdf", "Statuts signés.pdf"),
        ("Re\u{301}sume\u{301} e\u{301}te\u{301}.pdf", "Résumé été.pdf"),
        ("facture\u{202E}fdp.exe", "facturefdp.exe"),
        ("Budget : version \"finale\" ?.pdf", "Budget _ version _finale_ _.pdf"),
        ("  .cache. ", "cache"),
        ("...", "fichier"),
        ("", "fichier"),
        ("\u{7}\u{8}", "fichier"),
        ("Épicerie\u{A0}solidaire\t\t2024.odt", "Épicerie solidaire 2024.odt"),
    ])
    func fileNamesAreMadeSafe(raw: String, safe: String) {
        #expect(AttachmentPolicy.safeFileName(raw) == safe)
    }

    @Test func longNamesAreShortenedKeepingTheirExtension() {
        let long = String(repeating: "é", count: 300) + ".pdf"
        let safe = AttachmentPolicy.safeFileName(long)
        #expect(safe.count == 120)
        #expect(safe.hasSuffix("é.pdf"))
        #expect(AttachmentPolicy.safeFileName("abcdefghij.pdf", maxLength: 8) == "abcd.pdf")
        #expect(AttachmentPolicy.safeFileName("abcdefghij", maxLength: 4) == "abcd")
    }

    @Test func longNamesStayWithinTwoHundredFiftyFiveBytes() {
        let emoji = String(repeating: "👩‍👩‍👧", count: 100) + ".pdf"
        let safe = AttachmentPolicy.safeFileName(emoji)
        #expect(safe.utf8.count <= 255)
        #expect(safe.hasSuffix(".pdf"))
    }

    @Test(arguments: [
        (
            "Budget été.pdf", false,
            "attachment; filename=\"Budget ete.pdf\"; filename*=UTF-8''Budget%20%C3%A9t%C3%A9.pdf"
        ),
        (
            "C:\\x\\rapport 100%.pdf", true,
            "inline; filename=\"rapport 100_.pdf\"; filename*=UTF-8''rapport%20100%25.pdf"
        ),
        (
            "Œuvre \"sociale\".odt", false,
            "attachment; filename=\"_uvre _sociale_.odt\"; filename*=UTF-8''%C5%92uvre%20_sociale_.odt"
        ),
    ])
    func contentDispositionCarriesTheExactNameAndAnASCIIFallback(name: String, inline: Bool, header: String) {
        #expect(AttachmentPolicy.contentDisposition(fileName: name, inline: inline) == header)
    }
}
