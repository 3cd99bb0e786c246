import Foundation

/// An OLE2 compound file ([MS-CFB]), the container of Office 97-2003 documents, read just far
/// enough to list the streams and storages at its root.
///
/// Word, Excel and PowerPoint each keep their content in a root stream of a known name. Only the
/// root counts: a Word document embedding a spreadsheet holds a `Workbook` stream too, one storage down.
struct CompoundFile {
    private static let maxRegularSector = 0xFFFF_FFF9
    private static let headerFATEntries = 109
    private static let directoryEntrySize = 128
    private static let rootStorageType: UInt8 = 5
    /// Bounds the work a hostile directory (deep, wide or cyclic) can cause.
    private static let maxDirectoryEntries = 10_000

    private let bytes: ByteView
    private let sectorSize: Int

    /// Reads the header; `nil` unless it names one of the two sector sizes the format allows.
    init?(_ bytes: ByteView) {
        guard let shift = bytes.uint16(at: 0x1E), shift == 9 || shift == 12 else { return nil }
        self.bytes = bytes
        self.sectorSize = 1 << shift
    }

    static func kind(of bytes: ByteView) -> FileKind {
        guard let file = CompoundFile(bytes) else { return .compoundFile }
        let names = file.rootEntryNames()
        if names.contains("WORDDOCUMENT") { return .doc }
        if names.contains("WORKBOOK") || names.contains("BOOK") { return .xls }
        if names.contains("POWERPOINT DOCUMENT") { return .ppt }
        // Office 2007+ files saved with a password become a compound file wrapping the encrypted package.
        if names.contains("ENCRYPTEDPACKAGE") { return .encryptedOffice }
        return .compoundFile
    }

    /// Names of the root's children, upper-cased since the format compares names case-insensitively.
    func rootEntryNames() -> Set<String> {
        let chain = directoryChain()
        guard let root = entry(0, in: chain), root.type == Self.rootStorageType else { return [] }
        var names: Set<String> = []
        var pending = [root.child]
        var seen: Set<Int> = [0]
        // The children of a storage form a red-black tree linked by left and right siblings.
        while let id = pending.popLast(), seen.count < Self.maxDirectoryEntries {
            guard id <= Self.maxRegularSector, seen.insert(id).inserted, let child = entry(id, in: chain) else {
                continue
            }
            names.insert(child.name.uppercased())
            pending.append(child.left)
            pending.append(child.right)
        }
        return names
    }

    private struct DirectoryEntry {
        let name: String
        let type: UInt8
        let left: Int
        let right: Int
        let child: Int
    }

    private func entry(_ id: Int, in chain: [Int]) -> DirectoryEntry? {
        let perSector = sectorSize / Self.directoryEntrySize
        guard id / perSector < chain.count, let sectorStart = offset(ofSector: chain[id / perSector]) else {
            return nil
        }
        let start = sectorStart + (id % perSector) * Self.directoryEntrySize
        guard let nameLength = bytes.uint16(at: start + 0x40), nameLength <= 64,
            let type = bytes.byte(at: start + 0x42),
            let left = bytes.uint32(at: start + 0x44),
            let right = bytes.uint32(at: start + 0x48),
            let child = bytes.uint32(at: start + 0x4C),
            let rawName = bytes.bytes(at: start, count: max(0, nameLength - 2))
        else { return nil }
        let units = stride(from: 0, to: rawName.count - 1, by: 2).map {
            UInt16(rawName[$0]) | UInt16(rawName[$0 + 1]) << 8
        }
        return DirectoryEntry(
            name: String(decoding: units, as: UTF16.self), type: type, left: left, right: right, child: child)
    }

    /// The sectors holding the directory, in order, following the allocation table from the header's
    /// first directory sector; stops at the first sector that is missing, repeated or out of range.
    private func directoryChain() -> [Int] {
        var chain: [Int] = []
        var seen: Set<Int> = []
        let maxSectors = bytes.count / sectorSize + 1
        var sector = bytes.uint32(at: 0x30)
        while let current = sector, current <= Self.maxRegularSector, chain.count < maxSectors,
            seen.insert(current).inserted
        {
            chain.append(current)
            sector = nextSector(after: current)
        }
        return chain
    }

    private func nextSector(after sector: Int) -> Int? {
        let entriesPerSector = sectorSize / 4
        guard let fatSector = fatSector(number: sector / entriesPerSector),
            let fatStart = offset(ofSector: fatSector)
        else { return nil }
        return bytes.uint32(at: fatStart + (sector % entriesPerSector) * 4)
    }

    /// Where the `index`-th sector of the allocation table lives: the header lists the first 109,
    /// a chain of DIFAT sectors the rest (each ending with the number of the next).
    private func fatSector(number index: Int) -> Int? {
        if index < Self.headerFATEntries { return bytes.uint32(at: 0x4C + index * 4) }
        let perDIFATSector = sectorSize / 4 - 1
        var remaining = index - Self.headerFATEntries
        var difat = bytes.uint32(at: 0x44)
        var hops = 0
        while let current = difat, let start = offset(ofSector: current), hops <= bytes.count / sectorSize {
            if remaining < perDIFATSector { return bytes.uint32(at: start + remaining * 4) }
            remaining -= perDIFATSector
            difat = bytes.uint32(at: start + perDIFATSector * 4)
            hops += 1
        }
        return nil
    }

    /// Sector 0 starts right after the header, which fills one sector.
    private func offset(ofSector sector: Int) -> Int? {
        guard sector >= 0, sector <= Self.maxRegularSector else { return nil }
        return (sector + 1) * sectorSize
    }
}
