import Foundation
import Testing

@testable import GuichetDomain

@Suite struct AttachmentDetectionTests {
    @Test(arguments: AttachmentFixtures.all)
    func everyFixtureIsRecognisedByItsContent(fixture: ByteFixture) {
        #expect(FileKind.detect(fixture.bytes) == fixture.kind)
        #expect(FileKind.detect(Data(fixture.bytes)) == fixture.kind)
    }

    @Test func pdfHeaderIsFoundAfterJunkWithinTheFirstKilobyte() {
        let junk = [UInt8](repeating: 0x00, count: 1000)
        #expect(FileKind.detect(junk + AttachmentFixtures.pdf) == .pdf)
        #expect(FileKind.detect([UInt8](repeating: 0x00, count: 1019) + AttachmentFixtures.pdf) == .pdf)
    }

    @Test func pdfHeaderPastTheFirstKilobyteIsIgnored() {
        let junk = [UInt8](repeating: 0x00, count: 1020)
        #expect(FileKind.detect(junk + AttachmentFixtures.pdf) == .unknown)
    }

    @Test func aDataSliceIsReadFromItsOwnStart() {
        let data = Data([0x00, 0x01] + AttachmentFixtures.png)
        #expect(FileKind.detect(data.dropFirst(2)) == .png)
        #expect(FileKind.detect(data) == .unknown)
    }

    @Test(arguments: [
        ("<!doctype html><title>x</title>", FileKind.html),
        ("\u{FEFF}\r\n\t<HTML><body>Dossier</body></HTML>", .html),
        ("<!-- saved from url=(0014)about:internet -->\n<html>", .html),
        ("<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>", .svg),
        ("<svg width=\"10\"/>", .svg),
        ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><budget/>", .xml),
        ("{\\rtf1\\ansi\\deff0 {\\fonttbl}Budget}", .rtf),
        ("#!/bin/sh\nrm -rf /\n", .executable),
        ("MZ Conseil — devis n° 12\n", .plainText),
        ("<p>un fragment n'est pas une page</p>", .plainText),
        ("Montant;Date\n1200;2024-01-15\n", .plainText),
        ("\u{1B}[31mjournal en couleurs\u{1B}[0m\n", .plainText),
    ])
    func textIsNamedByWhatItLooksLike(text: String, kind: FileKind) {
        #expect(FileKind.detect(Array(text.utf8)) == kind)
    }

    @Test(
        arguments: [
            [0x00, 0x01, 0x02, 0x03],
            [0xC3, 0x28, 0xC3, 0x28, 0xC3, 0x28, 0x41],  // invalid UTF-8, mostly high bytes
            [0x41, 0x42, 0x00, 0x43],  // a NUL
            [0xED, 0xA0, 0x80, 0xED, 0xA0, 0x80],  // UTF-8-encoded surrogates
            [0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00],  // a DOS program without a PE header
        ] as [[UInt8]])
    func binaryIsNotText(bytes: [UInt8]) {
        #expect(FileKind.detect(bytes) != .plainText)
    }

    @Test func aBareDOSHeaderIsAProgram() {
        #expect(FileKind.detect([0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00]) == .executable)
    }

    @Test func emptyInputIsUnknown() {
        #expect(FileKind.detect(Data()) == .unknown)
    }

    @Test(arguments: ["Budget prévisionnel", "€ 😀 𝄞", "", "\u{7FF}\u{800}\u{FFFF}\u{10000}\u{10FFFF}"])
    func validUTF8IsAccepted(text: String) {
        #expect(TextSniffer.isValidUTF8(ArraySlice(text.utf8), mayEndMidCharacter: false))
    }

    @Test(
        arguments: [
            [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0x80], [0xFF],
        ] as [[UInt8]])
    func overlongSurrogateAndOutOfRangeFormsAreRefused(bytes: [UInt8]) {
        #expect(!TextSniffer.isValidUTF8(ArraySlice(bytes), mayEndMidCharacter: true))
    }

    @Test func aSampleMayEndInTheMiddleOfACharacterOnlyWhenCutShort() {
        let cut = ArraySlice(Array("prévu".utf8).prefix(3))
        #expect(TextSniffer.isValidUTF8(cut, mayEndMidCharacter: true))
        #expect(!TextSniffer.isValidUTF8(cut, mayEndMidCharacter: false))
    }

    @Test func longTextIsJudgedOnItsFirstBytesEvenWhenCutInsideACharacter() {
        let filler = [UInt8](repeating: 0x61, count: TextSniffer.sampleSize - 1)
        #expect(FileKind.detect(filler + Array("é et la suite".utf8)) == .plainText)
    }

    @Test func everyKindHasAMimeTypeAnExtensionAndAFrenchLabel() {
        for kind in FileKind.allCases {
            #expect(kind.mimeType.contains("/"), "\(kind)")
            #expect(!kind.fileExtension.isEmpty && !kind.fileExtension.contains("."), "\(kind)")
            #expect(!kind.label.isEmpty, "\(kind)")
        }
        #expect(Set(FileKind.allCases.map(\.label)).count == FileKind.allCases.count)
    }

    @Test(arguments: [
        (FileKind.pdf, "pdf", "document PDF", "application/pdf", "pdf"),
        (.jpeg, "jpeg", "image JPEG", "image/jpeg", "jpg"),
        (
            .docx, "docx", "document Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx"
        ),
        (.xlsx, "xlsx", "tableur Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
        (.odt, "odt", "document OpenDocument texte", "application/vnd.oasis.opendocument.text", "odt"),
        (.doc, "doc", "document Word 97-2003", "application/msword", "doc"),
        (.plainText, "plain_text", "texte brut", "text/plain", "txt"),
        (.zip, "zip", "archive ZIP", "application/zip", "zip"),
        (.executable, "executable", "programme exécutable", "application/octet-stream", "bin"),
        (.unknown, "unknown", "type inconnu", "application/octet-stream", "bin"),
    ])
    func kindsKeepTheirPublishedNames(
        kind: FileKind, raw: String, label: String, mimeType: String, fileExtension: String
    ) throws {
        #expect(kind.rawValue == raw)
        #expect(kind.label == label)
        #expect(kind.mimeType == mimeType)
        #expect(kind.fileExtension == fileExtension)
        let json = try JSONEncoder().encode([kind])
        #expect(String(decoding: json, as: UTF8.self) == "[\"\(raw)\"]")
        #expect(try JSONDecoder().decode([FileKind].self, from: json) == [kind])
    }
}
