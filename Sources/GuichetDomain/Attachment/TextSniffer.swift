import Foundation

/// Tells text from binary, and among texts the kinds worth naming in a refusal.
enum TextSniffer {
    /// Enough to judge any real file; reading a 20 MB upload to the end would only cost time.
    static let sampleSize = 64 * 1024

    /// The kind of a text file, or `nil` when the bytes are not text.
    static func kind(of bytes: ByteView) -> FileKind? {
        var sample = bytes.prefix(sampleSize)[...]
        let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
        if sample.starts(with: byteOrderMark) { sample = sample.dropFirst(byteOrderMark.count) }
        guard !sample.isEmpty, !sample.contains(where: isBinaryControl) else { return nil }
        let cutShort = bytes.count > sampleSize
        guard isValidUTF8(sample, mayEndMidCharacter: cutShort) || looksLikeEightBitText(sample) else { return nil }
        return markupKind(of: sample) ?? .plainText
    }

    /// C0 controls never found in text: everything but tab, line feed, vertical tab, form feed,
    /// carriage return and escape (terminal colours).
    private static func isBinaryControl(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x09...0x0D, 0x1B: false
        case ..<0x20: true
        default: false
        }
    }

    /// Windows-1252 or Latin-1 text, as Excel still exports CSV files: accented letters are a small
    /// share of the bytes, and none is one of the five codes Windows-1252 leaves undefined.
    private static func looksLikeEightBitText(_ sample: ArraySlice<UInt8>) -> Bool {
        let high = sample.filter { $0 >= 0x80 }
        let undefined: Set<UInt8> = [0x81, 0x8D, 0x8F, 0x90, 0x9D]
        return high.count * 4 <= sample.count && !high.contains(where: undefined.contains)
    }

    /// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing past U+10FFFF. A sample cut
    /// from a longer file may end in the middle of a character.
    static func isValidUTF8(_ bytes: ArraySlice<UInt8>, mayEndMidCharacter: Bool) -> Bool {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let lead = bytes[index]
            // The allowed range of the second byte narrows for the leads that could otherwise encode
            // an overlong form, a surrogate, or a code point past U+10FFFF.
            let length: Int
            var secondRange: ClosedRange<UInt8> = 0x80...0xBF
            switch lead {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0:
                length = 3
                secondRange = 0xA0...0xBF
            case 0xED:
                length = 3
                secondRange = 0x80...0x9F
            case 0xE1...0xEF: length = 3
            case 0xF0:
                length = 4
                secondRange = 0x90...0xBF
            case 0xF1...0xF3: length = 4
            case 0xF4:
                length = 4
                secondRange = 0x80...0x8F
            default: return false
            }
            for position in 1..<length {
                guard index + position < bytes.endIndex else { return mayEndMidCharacter }
                let range: ClosedRange<UInt8> = position == 1 ? secondRange : 0x80...0xBF
                guard range.contains(bytes[index + position]) else { return false }
            }
            index += length
        }
        return true
    }

    private static func markupKind(of sample: ArraySlice<UInt8>) -> FileKind? {
        let start = sample.drop { $0 == 0x20 || (0x09...0x0D).contains($0) }
        let head = String(decoding: start.prefix(1024), as: UTF8.self).lowercased()
        if head.hasPrefix("{\\rtf") { return .rtf }
        if head.hasPrefix("#!") { return .executable }
        guard head.hasPrefix("<") else { return nil }
        if head.hasPrefix("<!doctype html") || head.hasPrefix("<html") { return .html }
        // Pages saved by browsers often open with a comment before the <html> tag.
        if head.hasPrefix("<!--") && head.contains("<html") { return .html }
        if head.contains("<svg") { return .svg }
        if head.hasPrefix("<?xml") { return .xml }
        return nil
    }
}
