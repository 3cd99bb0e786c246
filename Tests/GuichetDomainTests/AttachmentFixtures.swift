import Foundation
import Testing

@testable import GuichetDomain

/// A named byte fixture and the kind it must be detected as.
struct ByteFixture: Sendable, CustomTestStringConvertible {
    let name: String
    let bytes: [UInt8]
    let kind: FileKind

    var testDescription: String { name }
}

/// Small files built byte by byte, so the suite carries no binary fixture: just enough of each
/// format for its signature and, for containers, a real directory.
///
/// (Helpers only; the file name ends in `Tests` to stay within the attachment tests' files.)
enum AttachmentFixtures {
    static let pdf = Array(
        "%PDF-1.7\n%âãÏÓ\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n".utf8)
    static let png: [UInt8] =
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D]
        + Array("IHDR".utf8) + [0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0, 0x90, 0x77, 0x53, 0xDE]
    static let jpeg: [UInt8] =
        [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + Array("JFIF".utf8) + [0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xFF, 0xD9]
    static let gif87: [UInt8] = Array("GIF87a".utf8) + [1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0x3B]
    static let gif89: [UInt8] = Array("GIF89a".utf8) + [1, 0, 1, 0, 0, 0, 0, 0x3B]
    static let webp: [UInt8] =
        Array("RIFF".utf8) + [0x1A, 0, 0, 0] + Array("WEBPVP8L".utf8) + [0x0D, 0, 0, 0, 0x2F, 0, 0, 0, 0x10]
    static let tiff: [UInt8] = [0x49, 0x49, 0x2A, 0x00, 0x08, 0, 0, 0, 0, 0]
    static let heic: [UInt8] = [0, 0, 0, 0x18] + Array("ftypheic".utf8) + [0, 0, 0, 0] + Array("mif1heic".utf8)
    static let elf: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0] + [UInt8](repeating: 0, count: 8) + [2, 0, 0x3E, 0]
    static let windowsProgram: [UInt8] = {
        var bytes = Array("MZ".utf8) + [UInt8](repeating: 0, count: 0x3A) + [0x40, 0, 0, 0]
        bytes += Array("PE".utf8) + [0, 0, 0x64, 0x86]
        return bytes
    }()

    static let text = Array("Budget prévisionnel 2024\nLoyer : 1 200 €\nAssurance : 350 €\n".utf8)
    /// "Budget prévisionnel" as Excel exports CSV on a French Windows: Windows-1252, not UTF-8.
    static let windows1252Text = Array("Poste;Montant\nBudget pr".utf8) + [0xE9] + Array("visionnel;1200\n".utf8)
    static let html = Array("  \n<!DOCTYPE html>\n<html lang=\"fr\"><body>Budget</body></html>\n".utf8)

    static let docx = zip([
        ("[Content_Types].xml", "<Types/>"), ("_rels/.rels", "<Relationships/>"),
        ("word/document.xml", "<w:document/>"),
    ])
    static let xlsx = zip([
        ("[Content_Types].xml", "<Types/>"), ("_rels/.rels", "<Relationships/>"), ("xl/workbook.xml", "<workbook/>"),
    ])
    static let pptx = zip([
        ("[Content_Types].xml", "<Types/>"), ("ppt/presentation.xml", "<p:presentation/>"),
    ])
    static let docm = zip([
        ("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document/>"), ("word/vbaProject.bin", "VBA"),
    ])
    static let odt = openDocument("application/vnd.oasis.opendocument.text")
    static let ods = openDocument("application/vnd.oasis.opendocument.spreadsheet")
    static let odp = openDocument("application/vnd.oasis.opendocument.presentation")
    static let plainZip = zip([("notes.txt", "bonjour"), ("photos/", "")])

    static let doc = compoundFile([.stream("WordDocument"), .stream("1Table"), .stream("\u{1}CompObj")])
    static let xls = compoundFile([.stream("Workbook"), .stream("\u{5}SummaryInformation")])
    static let ppt = compoundFile([.stream("PowerPoint Document"), .stream("Current User")])
    static let encryptedDocx = compoundFile([
        .stream("EncryptionInfo"), .stream("EncryptedPackage"), .storage("\u{6}DataSpaces", [.stream("Version")]),
    ])
    static let installer = compoundFile([.stream("\u{5}SummaryInformation"), .stream("Tables")])

    /// Every fixture with the kind it must be detected as.
    static let all: [ByteFixture] = [
        ByteFixture(name: "pdf", bytes: pdf, kind: .pdf),
        ByteFixture(name: "png", bytes: png, kind: .png),
        ByteFixture(name: "jpeg", bytes: jpeg, kind: .jpeg),
        ByteFixture(name: "gif87a", bytes: gif87, kind: .gif),
        ByteFixture(name: "gif89a", bytes: gif89, kind: .gif),
        ByteFixture(name: "webp", bytes: webp, kind: .webp),
        ByteFixture(name: "tiff", bytes: tiff, kind: .tiff),
        ByteFixture(name: "heic", bytes: heic, kind: .heic),
        ByteFixture(name: "elf", bytes: elf, kind: .executable),
        ByteFixture(name: "windows program", bytes: windowsProgram, kind: .executable),
        ByteFixture(name: "utf-8 text", bytes: text, kind: .plainText),
        ByteFixture(name: "windows-1252 text", bytes: windows1252Text, kind: .plainText),
        ByteFixture(name: "html", bytes: html, kind: .html),
        ByteFixture(name: "docx", bytes: docx, kind: .docx),
        ByteFixture(name: "xlsx", bytes: xlsx, kind: .xlsx),
        ByteFixture(name: "pptx", bytes: pptx, kind: .pptx),
        ByteFixture(name: "docm", bytes: docm, kind: .docm),
        ByteFixture(name: "odt", bytes: odt, kind: .odt),
        ByteFixture(name: "ods", bytes: ods, kind: .ods),
        ByteFixture(name: "odp", bytes: odp, kind: .odp),
        ByteFixture(name: "plain zip", bytes: plainZip, kind: .zip),
        ByteFixture(name: "doc", bytes: doc, kind: .doc),
        ByteFixture(name: "xls", bytes: xls, kind: .xls),
        ByteFixture(name: "ppt", bytes: ppt, kind: .ppt),
        ByteFixture(name: "encrypted docx", bytes: encryptedDocx, kind: .encryptedOffice),
        ByteFixture(name: "installer", bytes: installer, kind: .compoundFile),
    ]

    // MARK: ZIP

    struct ZipEntry {
        var name: String
        var content: [UInt8]
        /// Written as a streaming writer does: sizes zeroed in the local header (flag bit 3) and
        /// given in a data descriptor after the content.
        var streamed = false
    }

    static func zip(_ entries: [(String, String)]) -> [UInt8] {
        zip(entries.map { ZipEntry(name: $0.0, content: Array($0.1.utf8)) })
    }

    /// An OpenDocument package: the stored `mimetype` entry first, then the content.
    static func openDocument(_ mimeType: String) -> [UInt8] {
        zip([
            ("mimetype", mimeType), ("META-INF/manifest.xml", "<manifest/>"),
            ("content.xml", "<office:document-content/>"),
        ])
    }

    /// A real ZIP archive whose entries are all stored (method 0), with CRCs, central directory and end record.
    static func zip(_ entries: [ZipEntry]) -> [UInt8] {
        var archive = ByteWriter()
        var central = ByteWriter()
        for entry in entries {
            let name = Array(entry.name.utf8)
            let crc = crc32(entry.content)
            let offset = archive.bytes.count
            let flags: UInt16 = entry.streamed ? 0x08 : 0
            archive.u32(0x0403_4B50)
            archive.u16(20)
            archive.u16(flags)
            archive.u16(0)
            archive.u16(0)
            archive.u16(0x21)
            archive.u32(entry.streamed ? 0 : crc)
            archive.u32(entry.streamed ? 0 : UInt32(entry.content.count))
            archive.u32(entry.streamed ? 0 : UInt32(entry.content.count))
            archive.u16(UInt16(name.count))
            archive.u16(0)
            archive.append(name)
            archive.append(entry.content)
            if entry.streamed {
                archive.u32(0x0807_4B50)
                archive.u32(crc)
                archive.u32(UInt32(entry.content.count))
                archive.u32(UInt32(entry.content.count))
            }
            central.u32(0x0201_4B50)
            central.u16(20)
            central.u16(20)
            central.u16(flags)
            central.u16(0)
            central.u16(0)
            central.u16(0x21)
            central.u32(crc)
            central.u32(UInt32(entry.content.count))
            central.u32(UInt32(entry.content.count))
            central.u16(UInt16(name.count))
            central.u16(0)
            central.u16(0)
            central.u16(0)
            central.u16(0)
            central.u32(0)
            central.u32(UInt32(offset))
            central.append(name)
        }
        let centralOffset = archive.bytes.count
        archive.append(central.bytes)
        archive.u32(0x0605_4B50)
        archive.u16(0)
        archive.u16(0)
        archive.u16(UInt16(entries.count))
        archive.u16(UInt16(entries.count))
        archive.u32(UInt32(central.bytes.count))
        archive.u32(UInt32(centralOffset))
        archive.u16(0)
        return archive.bytes
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    // MARK: OLE2 compound file

    indirect enum CompoundEntry {
        case stream(String)
        case storage(String, [CompoundEntry])
    }

    static let noStream: UInt32 = 0xFFFF_FFFF
    static let endOfChain: UInt32 = 0xFFFF_FFFE

    /// A version 3 compound file (512-byte sectors): the header, one allocation-table sector
    /// (sector 0), then the directory (sectors 1…). Streams are empty; only the directory matters here.
    static func compoundFile(_ rootChildren: [CompoundEntry]) -> [UInt8] {
        var directory: [(name: String, type: UInt8, left: UInt32, right: UInt32, child: UInt32)] = [
            ("Root Entry", 5, noStream, noStream, noStream)
        ]
        // Siblings are chained through their right links: a degenerate but valid tree.
        func add(_ children: [CompoundEntry], under parent: Int) {
            var previous: Int?
            for child in children {
                let id = directory.count
                switch child {
                case .stream(let name): directory.append((name, 2, noStream, noStream, noStream))
                case .storage(let name, _): directory.append((name, 1, noStream, noStream, noStream))
                }
                if let previous { directory[previous].right = UInt32(id) } else { directory[parent].child = UInt32(id) }
                previous = id
                if case .storage(_, let grandchildren) = child { add(grandchildren, under: id) }
            }
        }
        add(rootChildren, under: 0)
        let directorySectors = (directory.count + 3) / 4

        var file = ByteWriter()
        file.append([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
        file.append([UInt8](repeating: 0, count: 16))
        file.u16(0x3E)
        file.u16(3)
        file.u16(0xFFFE)
        file.u16(9)
        file.u16(6)
        file.append([UInt8](repeating: 0, count: 6))
        file.u32(0)
        file.u32(1)
        file.u32(1)
        file.u32(0)
        file.u32(4096)
        file.u32(endOfChain)
        file.u32(0)
        file.u32(endOfChain)
        file.u32(0)
        file.u32(0)
        for _ in 1..<109 { file.u32(noStream) }

        file.u32(0xFFFF_FFFD)
        for sector in 1...directorySectors { file.u32(sector == directorySectors ? endOfChain : UInt32(sector + 1)) }
        for _ in (directorySectors + 1)..<128 { file.u32(noStream) }

        for index in 0..<(directorySectors * 4) {
            guard index < directory.count else {
                file.append([UInt8](repeating: 0, count: 64))
                file.u16(0)
                file.append([0, 0])
                file.u32(noStream)
                file.u32(noStream)
                file.u32(noStream)
                file.append([UInt8](repeating: 0, count: 48))
                continue
            }
            let entry = directory[index]
            let name = Array(entry.name.utf16)
            for unit in name { file.u16(unit) }
            file.append([UInt8](repeating: 0, count: 64 - name.count * 2))
            file.u16(UInt16((name.count + 1) * 2))
            file.append([entry.type, 1])
            file.u32(entry.left)
            file.u32(entry.right)
            file.u32(entry.child)
            file.append([UInt8](repeating: 0, count: 36))
            file.u32(endOfChain)
            file.u32(0)
            file.u32(0)
        }
        return file.bytes
    }
}

/// Appends little-endian integers and raw bytes.
struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func u16(_ value: UInt16) { bytes += [UInt8(value & 0xFF), UInt8(value >> 8)] }
    mutating func u32(_ value: UInt32) {
        u16(UInt16(value & 0xFFFF))
        u16(UInt16(value >> 16))
    }
    mutating func append(_ more: [UInt8]) { bytes += more }
}

@Suite struct AttachmentFixturesTests {
    /// The fixtures are only worth something if they are what they claim: a ZIP's CRC is checked
    /// against the standard check value, and the compound file's sectors line up.
    @Test func fixturesAreWellFormed() {
        #expect(AttachmentFixtures.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(AttachmentFixtures.doc.count == 512 * 3)
        #expect(AttachmentFixtures.compoundFile((1...8).map { .stream("S\($0)") }).count == 512 * 5)
    }
}
