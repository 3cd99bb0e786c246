import Foundation
import Testing

@testable import GuichetDomain

/// ZIP and OLE2 containers, told apart by their directory of entries.
@Suite struct AttachmentContainerTests {
    typealias Z = AttachmentFixtures.ZipEntry

    @Test func officeFolderWithoutContentTypesIsAPlainZip() {
        #expect(FileKind.detect(AttachmentFixtures.zip([("word/document.xml", "<w:document/>")])) == .zip)
    }

    @Test(arguments: [
        ("xl/vbaProject.bin", "xl/workbook.xml", FileKind.xlsm),
        ("ppt/vbaProject.bin", "ppt/presentation.xml", .pptm),
        ("word/vbaProject.bin", "word/document.xml", .docm),
    ])
    func aVBAProjectMarksTheMacroEnabledVariant(project: String, mainPart: String, kind: FileKind) {
        let archive = AttachmentFixtures.zip([
            ("[Content_Types].xml", "<Types/>"), (mainPart, "<x/>"), (project, "VBA"),
        ])
        #expect(FileKind.detect(archive) == kind)
    }

    @Test func officePartNamesAreCaseInsensitive() {
        let archive = AttachmentFixtures.zip([
            ("[CONTENT_TYPES].XML", "<Types/>"), ("Word/Document.xml", "<w:document/>"),
        ])
        #expect(FileKind.detect(archive) == .docx)
    }

    @Test func aDocxWhosePartsAreStreamedIsRecognisedByItsCentralDirectory() {
        let archive = AttachmentFixtures.zip([
            Z(name: "_rels/.rels", content: Array("<Relationships/>".utf8), streamed: true),
            Z(name: "[Content_Types].xml", content: Array("<Types/>".utf8), streamed: true),
            Z(name: "word/document.xml", content: Array("<w:document/>".utf8), streamed: true),
        ])
        #expect(FileKind.detect(archive) == .docx)
    }

    @Test func aTruncatedDocxIsStillRecognisedFromItsLocalHeaders() {
        let docx = AttachmentFixtures.docx
        let centralDirectory = docx.indices.first { docx[$0...].starts(with: [0x50, 0x4B, 0x01, 0x02]) }!
        #expect(FileKind.detect(docx.prefix(centralDirectory)) == .docx)
    }

    @Test func anArchiveWithDataPrependedIsReadThroughItsEndRecord() {
        // A self-extracting stub keeps the archive's own offsets: only the end record, found from the
        // end of the file, locates the directory, and every offset then shifts by the stub's length.
        let stub = [UInt8](repeating: 0x90, count: 100)
        let bytes = ByteView(Data(stub + AttachmentFixtures.odt))
        #expect(ZipDirectory(bytes).entries.map(\.localHeaderOffset).first == 100)
        #expect(ZipDirectory.kind(of: bytes) == .odt)
    }

    @Test(arguments: [
        ("application/vnd.oasis.opendocument.text-template", FileKind.zip),
        ("application/epub+zip", .zip),
        ("application/vnd.oasis.opendocument.graphics", .zip),
    ])
    func otherMimetypeEntriesAreNotOfficeDocuments(mimeType: String, kind: FileKind) {
        #expect(FileKind.detect(AttachmentFixtures.openDocument(mimeType)) == kind)
    }

    @Test func aCompressedMimetypeEntryIsNotTrusted() {
        var odt = AttachmentFixtures.odt
        odt[8] = 8  // method: deflate, in the local header
        let central = odt.indices.first { odt[$0...].starts(with: [0x50, 0x4B, 0x01, 0x02]) }!
        odt[central + 10] = 8
        #expect(FileKind.detect(odt) == .zip)
    }

    @Test func theEndRecordIsFoundBeforeAnArchiveComment() {
        let comment = Array("Généré par un outil qui écrit PK dans son commentaire".utf8)
        // Streamed parts leave the local headers unwalkable: only the central directory can answer.
        let streamed = AttachmentFixtures.zip([
            Z(name: "[Content_Types].xml", content: Array("<Types/>".utf8), streamed: true),
            Z(name: "xl/workbook.xml", content: Array("<workbook/>".utf8), streamed: true),
        ])
        let commented = Array(streamed.dropLast(2)) + [UInt8(comment.count), 0] + comment
        #expect(FileKind.detect(commented) == .xlsx)
    }

    @Test func anEmptyZipIsAZip() {
        #expect(FileKind.detect(AttachmentFixtures.zip([AttachmentFixtures.ZipEntry]())) == .zip)
    }

    @Test func onlyTheRootOfACompoundFileCounts() {
        let wordWithEmbeddedSheet = AttachmentFixtures.compoundFile([
            .stream("WordDocument"),
            .storage("ObjectPool", [.storage("_1234", [.stream("Workbook")])]),
        ])
        #expect(FileKind.detect(wordWithEmbeddedSheet) == .doc)
        let sheetWithEmbeddedWord = AttachmentFixtures.compoundFile([
            .storage("MBD0001", [.stream("WordDocument")]), .stream("Workbook"),
        ])
        #expect(FileKind.detect(sheetWithEmbeddedWord) == .xls)
        let nothingAtTheRoot = AttachmentFixtures.compoundFile([.storage("Embedded", [.stream("WordDocument")])])
        #expect(FileKind.detect(nothingAtTheRoot) == .compoundFile)
    }

    @Test func excel95WorkbooksUseTheBookStream() {
        #expect(FileKind.detect(AttachmentFixtures.compoundFile([.stream("Book")])) == .xls)
    }

    @Test func aDirectorySpanningSeveralSectorsIsFollowedThroughTheAllocationTable() {
        let streams: [AttachmentFixtures.CompoundEntry] =
            (1...10).map { .stream("Flux\($0)") } + [.stream("WordDocument")]
        let file = AttachmentFixtures.compoundFile(streams)
        #expect(file.count == 512 * 5)
        #expect(FileKind.detect(file) == .doc)
    }

    @Test func aLoopingDirectoryChainEnds() {
        var file = AttachmentFixtures.compoundFile((1...10).map { .stream("Flux\($0)") } + [.stream("WordDocument")])
        // The allocation table's entry for directory sector 2 points back to sector 1.
        file.replaceSubrange((512 + 2 * 4)..<(512 + 3 * 4), with: [1, 0, 0, 0])
        #expect(FileKind.detect(file) == .compoundFile)
    }

    @Test func aLoopingSiblingTreeEnds() {
        var file = AttachmentFixtures.compoundFile([.stream("Flux"), .stream("Autre")])
        // Entry 2's right sibling points back to entry 1.
        let entry2 = 1024 + 2 * 128
        file.replaceSubrange((entry2 + 0x48)..<(entry2 + 0x4C), with: [1, 0, 0, 0])
        #expect(FileKind.detect(file) == .compoundFile)
    }

    @Test func aCompoundFileHeaderAloneIsACompoundFile() {
        #expect(FileKind.detect(AttachmentFixtures.doc.prefix(512)) == .compoundFile)
        #expect(FileKind.detect(AttachmentFixtures.doc.prefix(8)) == .compoundFile)
    }
}
