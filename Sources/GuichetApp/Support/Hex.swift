/// Lower-case hexadecimal, the way digests are stored and compared.
///
/// `String(format: "%02x")` per byte went through Foundation's formatter and cost a tenth of an
/// import's time (every audit entry is hashed); this writes the digits directly.
enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    static func string(_ bytes: some Sequence<UInt8>) -> String {
        var utf8: [UInt8] = []
        utf8.reserveCapacity(64)
        for byte in bytes {
            utf8.append(digits[Int(byte >> 4)])
            utf8.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: utf8, as: UTF8.self)
    }
}
