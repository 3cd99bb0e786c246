import Foundation

extension FileKind {
    /// Recognises a file from its content alone.
    ///
    /// Signatures at the start of the file come first (images, OLE2, ZIP, programs), then a PDF
    /// marker anywhere in the first 1024 bytes, as PDF readers accept, then text. ZIP and OLE2
    /// containers are told apart by their directory of entries, without decompressing anything.
    /// Never traps, whatever the input: truncated or malformed files come out as the closest
    /// container kind (``zip``, ``compoundFile``) or ``unknown``.
    public static func detect(_ data: Data) -> FileKind {
        detect(in: ByteView(data))
    }

    /// Recognises a file from its content alone; see ``detect(_:)-(Data)``.
    public static func detect(_ bytes: some Collection<UInt8>) -> FileKind {
        detect(Data(bytes))
    }

    static func detect(in bytes: ByteView) -> FileKind {
        guard bytes.count > 0 else { return .unknown }
        if let kind = kindFromLeadingSignature(bytes) { return kind }
        // Acrobat and most readers look for the header in the first 1024 bytes, so files with a
        // few bytes of junk before it (some scanners, some mail gateways) open everywhere.
        if bytes.firstOffset(of: Signature.pdf, startingWithin: 0..<(1024 - Signature.pdf.count + 1)) != nil {
            return .pdf
        }
        if let kind = TextSniffer.kind(of: bytes) { return kind }
        // A bare `MZ` is a DOS program; tested after text so that a note starting with "MZ" stays text.
        if bytes.matches(Signature.dosExecutable) { return .executable }
        return .unknown
    }

    private static func kindFromLeadingSignature(_ bytes: ByteView) -> FileKind? {
        if bytes.matches(Signature.png) { return .png }
        if bytes.matches(Signature.jpeg) { return .jpeg }
        if bytes.matches(Signature.gif87a) || bytes.matches(Signature.gif89a) { return .gif }
        if bytes.matches(Signature.riff) && bytes.matches(Signature.webp, at: 8) { return .webp }
        if bytes.matches(Signature.tiffLittleEndian) || bytes.matches(Signature.tiffBigEndian) { return .tiff }
        if isHEIF(bytes) { return .heic }
        if bytes.matches(Signature.compoundFile) { return CompoundFile.kind(of: bytes) }
        if bytes.matches(ZipDirectory.localHeaderSignature) { return ZipDirectory.kind(of: bytes) }
        if bytes.matches(ZipDirectory.endOfCentralDirectorySignature) { return .zip }
        if Signature.nativeExecutables.contains(where: { bytes.matches($0) }) || isPortableExecutable(bytes) {
            return .executable
        }
        return nil
    }

    /// HEIF photos (the iPhone default) are ISO media files whose major brand names the codec.
    private static func isHEIF(_ bytes: ByteView) -> Bool {
        guard bytes.matches(Signature.isoMediaBox, at: 4), let brand = bytes.bytes(at: 8, count: 4) else {
            return false
        }
        return Signature.heifBrands.contains(String(decoding: brand, as: UTF8.self))
    }

    /// A Windows program: `MZ`, then at the offset stored at 0x3C, `PE\0\0`.
    private static func isPortableExecutable(_ bytes: ByteView) -> Bool {
        guard bytes.matches(Signature.dosExecutable), let peOffset = bytes.uint32(at: 0x3C) else { return false }
        return bytes.matches(Signature.portableExecutable, at: peOffset)
    }
}

/// Magic numbers, from each format's specification.
private enum Signature {
    static let pdf = Array("%PDF-".utf8)
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF]
    static let gif87a = Array("GIF87a".utf8)
    static let gif89a = Array("GIF89a".utf8)
    static let riff = Array("RIFF".utf8)
    static let webp = Array("WEBP".utf8)
    static let tiffLittleEndian: [UInt8] = [0x49, 0x49, 0x2A, 0x00]
    static let tiffBigEndian: [UInt8] = [0x4D, 0x4D, 0x00, 0x2A]
    static let isoMediaBox = Array("ftyp".utf8)
    static let heifBrands: Set<String> = [
        "heic", "heix", "heim", "heis", "hevc", "hevx", "hevm", "hevs", "mif1", "msf1",
    ]
    static let compoundFile: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]
    static let dosExecutable = Array("MZ".utf8)
    static let portableExecutable: [UInt8] = [0x50, 0x45, 0x00, 0x00]
    static let nativeExecutables: [[UInt8]] = [
        [0x7F, 0x45, 0x4C, 0x46],  // ELF
        [0xFE, 0xED, 0xFA, 0xCE], [0xFE, 0xED, 0xFA, 0xCF],  // Mach-O, big-endian
        [0xCE, 0xFA, 0xED, 0xFE], [0xCF, 0xFA, 0xED, 0xFE],  // Mach-O, little-endian
    ]
}
