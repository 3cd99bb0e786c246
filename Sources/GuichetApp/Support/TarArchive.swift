import Crypto
import Foundation

/// A POSIX `ustar` archive, written and read as a stream: what a backup is, so that an operator
/// can open it with `tar -tvf` and restore it without Guichet if need be.
///
/// Written here rather than by calling `tar`: a backup must not depend on a helper's version or
/// options, and reading it back must refuse what would escape the target folder (absolute names,
/// `..`, links), which only a reader of our own can promise. Names longer than `ustar` allows
/// (100 bytes, or 155 + 100 split at a slash) are refused: a backup's are short and fixed.
/// Sizes beyond the 11 octal digits (8 GiB) are written in the base-256 form GNU tar reads.
enum TarArchive {
    static let block = 512

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Writes entries one after the other to a file.
    final class Writer {
        private let handle: FileHandle

        init(path: String) throws {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw Failure(description: "impossible de créer \(path)")
            }
            guard let handle = FileHandle(forWritingAtPath: path) else {
                throw Failure(description: "impossible d'écrire dans \(path)")
            }
            self.handle = handle
        }

        /// Adds bytes held in memory under `name`.
        func add(_ name: String, data: Data, modified: Date = Date()) throws {
            try handle.write(
                contentsOf: try TarArchive.header(name: name, size: UInt64(data.count), modified: modified))
            try handle.write(contentsOf: data)
            try pad(UInt64(data.count))
        }

        /// Adds a file from disk under `name`, read in chunks; returns its SHA-256 and size as
        /// written (the file is read once, so the digest is the archived bytes').
        @discardableResult
        func add(_ name: String, file path: String) throws -> (sha256: String, size: UInt64) {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            let size = (attributes[.size] as? NSNumber)?.uint64Value ?? 0
            let modified = attributes[.modificationDate] as? Date ?? Date()
            guard let input = FileHandle(forReadingAtPath: path) else {
                throw Failure(description: "impossible de lire \(path)")
            }
            defer { try? input.close() }
            try handle.write(contentsOf: try TarArchive.header(name: name, size: size, modified: modified))
            var hasher = SHA256()
            var written: UInt64 = 0
            while written < size, let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
                let part = chunk.prefix(Int(min(UInt64(chunk.count), size - written)))
                hasher.update(data: part)
                try handle.write(contentsOf: part)
                written += UInt64(part.count)
            }
            guard written == size else {
                throw Failure(description: "\(path) a changé de taille pendant la sauvegarde")
            }
            try pad(size)
            return (Hex.string(hasher.finalize()), size)
        }

        /// Ends the archive (two empty blocks) and flushes it to the disk.
        func finish() throws {
            try handle.write(contentsOf: Data(count: TarArchive.block * 2))
            try handle.synchronize()
            try handle.close()
        }

        private func pad(_ size: UInt64) throws {
            let rest = Int(size % UInt64(TarArchive.block))
            if rest > 0 { try handle.write(contentsOf: Data(count: TarArchive.block - rest)) }
        }
    }

    /// One entry as read: its name, size and where its bytes start in the file.
    struct Entry: Equatable {
        let name: String
        let size: UInt64
        let offset: UInt64
        let isDirectory: Bool
    }

    /// Lists a file's regular entries and folders; refuses links, devices, unsafe names and a
    /// header whose checksum is wrong (a damaged or foreign file).
    static func entries(path: String) throws -> [Entry] {
        guard let input = FileHandle(forReadingAtPath: path) else {
            throw Failure(description: "impossible de lire \(path)")
        }
        defer { try? input.close() }
        var entries: [Entry] = []
        var offset: UInt64 = 0
        while true {
            try input.seek(toOffset: offset)
            guard let header = try input.read(upToCount: block), header.count == block else {
                throw Failure(description: "archive tronquée (en-tête incomplet à l'octet \(offset))")
            }
            let bytes = [UInt8](header)
            if bytes.allSatisfy({ $0 == 0 }) { break }
            guard checksum(bytes) == octal(bytes[148..<156]) else {
                throw Failure(
                    description: "archive abîmée ou d'un autre format (somme de contrôle à l'octet \(offset))")
            }
            let name = joinedName(bytes)
            try checkSafe(name)
            let size = try Self.size(bytes[124..<136])
            let type = bytes[156]
            switch type {
            case 0, UInt8(ascii: "0"):
                entries.append(Entry(name: name, size: size, offset: offset + UInt64(block), isDirectory: false))
            case UInt8(ascii: "5"):
                entries.append(Entry(name: name, size: 0, offset: offset + UInt64(block), isDirectory: true))
            default:
                throw Failure(description: "l'entrée « \(name) » n'est pas un fichier ordinaire (type \(type))")
            }
            offset += UInt64(block) + (size + UInt64(block) - 1) / UInt64(block) * UInt64(block)
        }
        return entries
    }

    /// An entry's bytes, whole (for the manifest and small files).
    static func read(_ entry: Entry, from path: String) throws -> Data {
        guard let input = FileHandle(forReadingAtPath: path) else {
            throw Failure(description: "impossible de lire \(path)")
        }
        defer { try? input.close() }
        try input.seek(toOffset: entry.offset)
        let data = try input.read(upToCount: Int(entry.size)) ?? Data()
        guard data.count == Int(entry.size) else { throw Failure(description: "« \(entry.name) » est tronqué") }
        return data
    }

    /// Copies an entry to `target` in chunks (through a temporary file renamed at the end);
    /// returns the SHA-256 of what was written.
    @discardableResult
    static func extract(_ entry: Entry, from path: String, to target: String) throws -> String {
        guard let input = FileHandle(forReadingAtPath: path) else {
            throw Failure(description: "impossible de lire \(path)")
        }
        defer { try? input.close() }
        try FileManager.default.createDirectory(
            atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let temporary = target + ".\(UUID().uuidString).part"
        guard FileManager.default.createFile(atPath: temporary, contents: nil),
            let output = FileHandle(forWritingAtPath: temporary)
        else { throw Failure(description: "impossible d'écrire \(target)") }
        var hasher = SHA256()
        do {
            try input.seek(toOffset: entry.offset)
            var left = entry.size
            while left > 0 {
                guard let chunk = try input.read(upToCount: Int(min(left, 1 << 20))), !chunk.isEmpty else {
                    throw Failure(description: "« \(entry.name) » est tronqué")
                }
                hasher.update(data: chunk)
                try output.write(contentsOf: chunk)
                left -= UInt64(chunk.count)
            }
            try output.synchronize()
            try output.close()
            if FileManager.default.fileExists(atPath: target) { try FileManager.default.removeItem(atPath: target) }
            try FileManager.default.moveItem(atPath: temporary, toPath: target)
        } catch {
            try? output.close()
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
        return Hex.string(hasher.finalize())
    }

    // MARK: - Headers

    static func header(name: String, size: UInt64, modified: Date) throws -> Data {
        try checkSafe(name)
        var bytes = [UInt8](repeating: 0, count: block)
        let (prefix, last) = try split(name)
        put(Array(last.utf8), at: 0, in: &bytes)
        put(Array("0000644\0".utf8), at: 100, in: &bytes)
        put(Array("0000000\0".utf8), at: 108, in: &bytes)
        put(Array("0000000\0".utf8), at: 116, in: &bytes)
        if size < 0o77777777777 {
            put(Array((String(size, radix: 8).leftPadded(to: 11) + "\0").utf8), at: 124, in: &bytes)
        } else {
            // Base-256: the first byte's high bit set, the size big-endian in the rest.
            bytes[124] = 0x80
            for index in 0..<8 { bytes[135 - index] = UInt8((size >> (8 * UInt64(index))) & 0xff) }
        }
        let seconds = UInt64(max(0, modified.timeIntervalSince1970))
        put(Array((String(seconds, radix: 8).leftPadded(to: 11) + "\0").utf8), at: 136, in: &bytes)
        put(Array("        ".utf8), at: 148, in: &bytes)
        bytes[156] = UInt8(ascii: "0")
        put(Array("ustar\0".utf8), at: 257, in: &bytes)
        put(Array("00".utf8), at: 263, in: &bytes)
        put(Array(prefix.utf8), at: 345, in: &bytes)
        let sum = checksum(bytes)
        put(Array((String(sum, radix: 8).leftPadded(to: 6) + "\0 ").utf8), at: 148, in: &bytes)
        return Data(bytes)
    }

    /// Refuses names that would land outside the folder they are extracted to.
    static func checkSafe(_ name: String) throws {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        guard !name.isEmpty, !name.hasPrefix("/"), !parts.contains(".."), !name.contains("\0") else {
            throw Failure(description: "nom d'entrée refusé : « \(name) »")
        }
    }

    private static func split(_ name: String) throws -> (prefix: String, name: String) {
        let utf8 = Array(name.utf8)
        if utf8.count <= 100 { return ("", name) }
        // The longest prefix (≤ 155 bytes) ending at a slash that leaves ≤ 100 bytes of name.
        for index in stride(from: min(utf8.count - 1, 155), through: 1, by: -1) where utf8[index] == UInt8(ascii: "/") {
            if utf8.count - index - 1 <= 100 {
                return (
                    String(decoding: utf8[..<index], as: UTF8.self),
                    String(decoding: utf8[(index + 1)...], as: UTF8.self)
                )
            }
        }
        throw Failure(description: "nom trop long pour l'archive : « \(name) »")
    }

    private static func put(_ value: [UInt8], at offset: Int, in bytes: inout [UInt8]) {
        for (index, byte) in value.enumerated() { bytes[offset + index] = byte }
    }

    private static func checksum(_ bytes: [UInt8]) -> UInt64 {
        var sum: UInt64 = 0
        for (index, byte) in bytes.enumerated() { sum += (148..<156).contains(index) ? 32 : UInt64(byte) }
        return sum
    }

    private static func field(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    private static func joinedName(_ bytes: [UInt8]) -> String {
        let name = field(bytes[0..<100])
        let prefix = field(bytes[345..<500])
        return prefix.isEmpty ? name : prefix + "/" + name
    }

    private static func octal(_ bytes: ArraySlice<UInt8>) -> UInt64? {
        let text = field(bytes).trimmingCharacters(in: .whitespaces)
        return UInt64(text, radix: 8)
    }

    private static func size(_ bytes: ArraySlice<UInt8>) throws -> UInt64 {
        if let first = bytes.first, first & 0x80 != 0 {
            return bytes.dropFirst().reduce(UInt64(first & 0x7f)) { ($0 << 8) | UInt64($1) }
        }
        guard let value = octal(bytes) else { throw Failure(description: "taille d'entrée illisible") }
        return value
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
