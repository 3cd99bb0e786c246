import Foundation

/// The entries of a ZIP archive, read from its headers without decompressing anything, and what
/// they say about the document: Office Open XML and OpenDocument files are both ZIP archives.
struct ZipDirectory {
    static let localHeaderSignature: [UInt8] = [0x50, 0x4B, 0x03, 0x04]
    static let centralHeaderSignature: [UInt8] = [0x50, 0x4B, 0x01, 0x02]
    static let endOfCentralDirectorySignature: [UInt8] = [0x50, 0x4B, 0x05, 0x06]
    /// Far more than any document holds; bounds the work a hostile archive can cause.
    static let maxEntries = 10_000

    struct Entry {
        let name: String
        let method: Int
        let compressedSize: Int
        let localHeaderOffset: Int
    }

    let entries: [Entry]

    /// The archive's entries, from its central directory when it can be found (it is authoritative),
    /// otherwise by walking the local headers from the start, as for a truncated upload.
    init(_ bytes: ByteView) {
        entries = Self.centralDirectory(bytes) ?? Self.localHeaders(bytes)
    }

    static func kind(of bytes: ByteView) -> FileKind {
        let directory = ZipDirectory(bytes)
        if let kind = directory.openDocumentKind(bytes) { return kind }
        return directory.officeOpenXMLKind() ?? .zip
    }

    /// OpenDocument: a `mimetype` entry, stored uncompressed, whose content is the document's media type.
    private func openDocumentKind(_ bytes: ByteView) -> FileKind? {
        guard let entry = entries.first(where: { $0.name == "mimetype" }), entry.method == 0,
            entry.compressedSize <= 128,
            bytes.matches(Self.localHeaderSignature, at: entry.localHeaderOffset),
            let nameLength = bytes.uint16(at: entry.localHeaderOffset + 26),
            let extraLength = bytes.uint16(at: entry.localHeaderOffset + 28),
            let content = bytes.bytes(
                at: entry.localHeaderOffset + 30 + nameLength + extraLength,
                count: entry.compressedSize)
        else { return nil }
        switch String(decoding: content, as: UTF8.self) {
        case "application/vnd.oasis.opendocument.text": return .odt
        case "application/vnd.oasis.opendocument.spreadsheet": return .ods
        case "application/vnd.oasis.opendocument.presentation": return .odp
        default: return nil
        }
    }

    /// Office Open XML: a `[Content_Types].xml` part and the application's folder. Part names are
    /// case-insensitive (ECMA-376 part 2); a VBA project marks the macro-enabled variant.
    private func officeOpenXMLKind() -> FileKind? {
        let names = Set(entries.map { $0.name.lowercased() })
        guard names.contains("[content_types].xml") else { return nil }
        let applications: [(folder: String, plain: FileKind, withMacros: FileKind)] = [
            ("word/", .docx, .docm), ("xl/", .xlsx, .xlsm), ("ppt/", .pptx, .pptm),
        ]
        for application in applications where names.contains(where: { $0.hasPrefix(application.folder) }) {
            return names.contains(application.folder + "vbaproject.bin") ? application.withMacros : application.plain
        }
        return nil
    }

    private static func centralDirectory(_ bytes: ByteView) -> [Entry]? {
        guard let end = endOfCentralDirectoryOffset(bytes),
            let size = bytes.uint32(at: end + 12), let offset = bytes.uint32(at: end + 16)
        else { return nil }
        // Archives with data prepended (self-extracting, or concatenated by a careless tool) keep
        // offsets relative to the original start: the directory then sits just before its end record.
        let start = bytes.matches(centralHeaderSignature, at: offset) ? offset : end - size
        var entries: [Entry] = []
        var position = start
        while entries.count < maxEntries, bytes.matches(centralHeaderSignature, at: position),
            let method = bytes.uint16(at: position + 10),
            let compressedSize = bytes.uint32(at: position + 20),
            let nameLength = bytes.uint16(at: position + 28),
            let extraLength = bytes.uint16(at: position + 30),
            let commentLength = bytes.uint16(at: position + 32),
            let localHeaderOffset = bytes.uint32(at: position + 42),
            let name = bytes.bytes(at: position + 46, count: nameLength)
        {
            entries.append(
                Entry(
                    name: String(decoding: name, as: UTF8.self), method: method,
                    compressedSize: compressedSize,
                    localHeaderOffset: localHeaderOffset - (offset - start)))
            position += 46 + nameLength + extraLength + commentLength
        }
        return entries.isEmpty ? nil : entries
    }

    /// The end record is the last 22 bytes, unless an archive comment (at most 65 535 bytes) follows it.
    private static func endOfCentralDirectoryOffset(_ bytes: ByteView) -> Int? {
        let last = bytes.count - 22
        guard last >= 0 else { return nil }
        return bytes.lastOffset(of: endOfCentralDirectorySignature, startingWithin: max(0, last - 65_535)..<(last + 1))
    }

    private static func localHeaders(_ bytes: ByteView) -> [Entry] {
        var entries: [Entry] = []
        var position = 0
        while entries.count < maxEntries, bytes.matches(localHeaderSignature, at: position),
            let flags = bytes.uint16(at: position + 6),
            let method = bytes.uint16(at: position + 8),
            let compressedSize = bytes.uint32(at: position + 18),
            let nameLength = bytes.uint16(at: position + 26),
            let extraLength = bytes.uint16(at: position + 28),
            let name = bytes.bytes(at: position + 30, count: nameLength)
        {
            entries.append(
                Entry(
                    name: String(decoding: name, as: UTF8.self), method: method,
                    compressedSize: compressedSize, localHeaderOffset: position))
            // With bit 3 set the sizes follow the data, so the next header cannot be found
            // without decompressing: the entries seen so far are all we get.
            if flags & 0x08 != 0 && compressedSize == 0 { break }
            position += 30 + nameLength + extraLength + compressedSize
        }
        return entries
    }
}
