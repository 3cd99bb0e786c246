import Foundation

extension AttachmentPolicy {
    /// File systems commonly cap a name at 255 bytes.
    private static let maxFileNameBytes = 255
    /// Reserved by Windows in file names; `"` would also end a quoted header parameter.
    private static let reservedCharacters: Set<Unicode.Scalar> = [":", "*", "?", "\"", "<", ">", "|"]

    /// A display name safe to show, store and send back in a `Content-Disposition` header.
    ///
    /// Keeps the last path component (old browsers send `C:\fakepath\budget.pdf`), composes accents
    /// (macOS sends them decomposed), drops control and invisible formatting characters (among
    /// them the right-to-left override that disguises `gpj.exe` as `exe.jpg`), collapses spaces,
    /// replaces characters Windows forbids with `_`, trims leading and trailing dots, and shortens
    /// the name to `maxLength` characters and 255 UTF-8 bytes, keeping its extension. Accents and
    /// other letters stay as they are. An empty result becomes `fichier`.
    public static func safeFileName(_ name: String, maxLength: Int = 120) -> String {
        let lastComponent = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var cleaned = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in lastComponent.precomposedStringWithCanonicalMapping.unicodeScalars {
            if scalar.properties.isWhitespace {
                pendingSpace = true
                continue
            }
            switch scalar.properties.generalCategory {
            case .control, .format, .surrogate, .privateUse, .unassigned: continue
            default: break
            }
            if pendingSpace && !cleaned.isEmpty { cleaned.append(" ") }
            pendingSpace = false
            cleaned.append(reservedCharacters.contains(scalar) ? "_" : scalar)
        }
        let trimmed = String(cleaned).trimmingCharacters(in: CharacterSet(charactersIn: ". "))
        guard !trimmed.isEmpty else { return "fichier" }
        return shortened(trimmed, maxLength: max(1, maxLength))
    }

    private static func shortened(_ name: String, maxLength: Int) -> String {
        guard name.count > maxLength || name.utf8.count > maxFileNameBytes else { return name }
        var stem = Substring(name)
        var fileExtension = ""
        if let dot = name.lastIndex(of: "."), dot != name.startIndex,
            (2...11).contains(name[dot...].count), name[dot...].count < maxLength
        {
            stem = name[..<dot]
            fileExtension = String(name[dot...])
        }
        var kept = ""
        var keptCount = 0
        for character in stem {
            guard keptCount + 1 + fileExtension.count <= maxLength,
                kept.utf8.count + character.utf8.count + fileExtension.utf8.count <= maxFileNameBytes
            else { break }
            kept.append(character)
            keptCount += 1
        }
        return kept.trimmingCharacters(in: CharacterSet(charactersIn: ". ")) + fileExtension
    }

    /// The `Content-Disposition` value that downloads a file under `fileName` (made safe first):
    /// the exact UTF-8 name in `filename*` (RFC 8187) and, for clients that ignore it, an ASCII
    /// approximation without accents in `filename` (RFC 6266).
    public static func contentDisposition(fileName: String, inline: Bool = false) -> String {
        let safe = safeFileName(fileName)
        return "\(inline ? "inline" : "attachment"); filename=\"\(asciiApproximation(of: safe))\"; "
            + "filename*=UTF-8''\(percentEncoded(safe))"
    }

    /// `Épicerie été.pdf` → `Epicerie ete.pdf`; what has no ASCII form becomes `_`.
    private static func asciiApproximation(of name: String) -> String {
        var result = ""
        for scalar in name.decomposedStringWithCanonicalMapping.unicodeScalars {
            if scalar.properties.generalCategory == .nonspacingMark { continue }
            // `%` too: some clients percent-decode the plain parameter.
            let unsafe = !scalar.isASCII || scalar == "\\" || scalar == "\"" || scalar == "%"
            result.unicodeScalars.append(unsafe ? "_" : scalar)
        }
        return result
    }

    private static func percentEncoded(_ name: String) -> String {
        let attributeCharacters = Set("!#$&+-.^_`|~".utf8)
        return name.utf8.map { byte in
            let isAlphanumeric =
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
            return isAlphanumeric || attributeCharacters.contains(byte)
                ? String(UnicodeScalar(byte)) : String(format: "%%%02X", byte)
        }.joined()
    }
}
