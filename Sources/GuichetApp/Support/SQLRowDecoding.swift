import Foundation
import SQLKit

// Reading SQL rows without the driver's slow paths: ids parsed by hand, nullable columns read as
// their value when present.

/// UUIDs read from their text form (`37a42270-b2a3-477f-8a2f-c0c903e56b10`), as SQLite stores
/// them.
///
/// Foundation's `UUID(uuidString:)` parses through the C library's `sscanf` on Linux: reading the
/// ids of a board page's hundred rows that way was 2 % of its CPU (docs/BENCHMARKS.md). This
/// parser accepts exactly what Foundation's does (36 characters, hyphens at the canonical places,
/// hexadecimal digits in either case) and nothing else.
enum UUIDText {
    static func parse(_ text: String) -> UUID? {
        var text = text
        return text.withUTF8 { bytes -> UUID? in
            guard bytes.count == 36, bytes[8] == 0x2D, bytes[13] == 0x2D, bytes[18] == 0x2D, bytes[23] == 0x2D
            else { return nil }
            var value: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            let complete = withUnsafeMutableBytes(of: &value) { out -> Bool in
                var index = 0
                var position = 0
                while position < 16 {
                    if index == 8 || index == 13 || index == 18 || index == 23 { index += 1 }
                    guard let high = nibble(bytes[index]), let low = nibble(bytes[index + 1]) else { return false }
                    out[position] = high << 4 | low
                    position += 1
                    index += 2
                }
                return true
            }
            return complete ? UUID(uuid: value) : nil
        }
    }

    /// The id's canonical text in lower case (`37a42270-b2a3-477f-8a2f-c0c903e56b10`), as the
    /// site's addresses and forms write it: Foundation's `uuidString` formats through `sprintf`
    /// and an upper-case copy, twice for each of a page's fifty rows.
    static func lowercased(_ id: UUID) -> String {
        withUnsafeBytes(of: id.uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { out in
                var index = 0
                for (position, byte) in bytes.enumerated() {
                    if position == 4 || position == 6 || position == 8 || position == 10 {
                        out[index] = 0x2D
                        index += 1
                    }
                    out[index] = hexDigits[Int(byte >> 4)]
                    out[index + 1] = hexDigits[Int(byte & 0x0F)]
                    index += 2
                }
                return index
            }
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}

extension SQLRow {
    /// A UUID column: SQLite's text parsed by ``UUIDText``; PostgreSQL's `uuid` as its driver
    /// gives it.
    func decodeUUID(column: String) throws -> UUID {
        if let row = self as? PostgresSQL.Row { return try row.uuid(column: column) }
        if let text = try? decode(column: column, as: String.self) {
            if let id = UUIDText.parse(text) { return id }
        }
        return try decode(column: column, as: UUID.self)
    }

    /// A UUID column that may be null.
    func decodeUUIDIfPresent(column: String) throws -> UUID? {
        try decodeNil(column: column) ? nil : decodeUUID(column: column)
    }

    /// A column that may be null, read as its value when it is not. SQLite's driver converts a
    /// plain `String` or `Int64` directly, but decodes an optional through the whole `Codable`
    /// machinery (a decoder object per value): a board page's hundred rows have eight such
    /// columns each.
    func decodeIfPresent<T: Decodable>(column: String, as type: T.Type) throws -> T? {
        try decodeNil(column: column) ? nil : decode(column: column, as: T.self)
    }
}
