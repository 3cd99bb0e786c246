import Foundation

/// What a dossier accepts as an attachment (budget, statutes, bank details, annual accounts): a
/// size limit and a list of kinds, judged on the file's content since names and browser-declared
/// types are whatever the applicant's computer made of them.
public struct AttachmentPolicy: Sendable, Equatable {
    /// The largest accepted file, in bytes.
    public var maxBytes: Int
    /// The kinds accepted; anything else is refused with what was recognised instead.
    public var allowed: Set<FileKind>

    /// 20 Mo: a scanned multi-page PDF fits, a video does not.
    public static let defaultMaxBytes = 20_000_000

    /// PDF, PNG and JPEG images, Word and Excel documents (current and 97-2003), OpenDocument text
    /// and spreadsheets: the types listed by ``DomainError/fileTypeNotAllowed(name:detected:)``'s message.
    public static let defaultAllowed: Set<FileKind> = [.pdf, .png, .jpeg, .docx, .xlsx, .doc, .xls, .odt, .ods]

    /// The policy of every call unless it sets its own.
    public static let standard = AttachmentPolicy()

    public init(
        maxBytes: Int = AttachmentPolicy.defaultMaxBytes, allowed: Set<FileKind> = AttachmentPolicy.defaultAllowed
    ) {
        self.maxBytes = maxBytes
        self.allowed = allowed
    }

    /// Checks an uploaded file and tells what it is.
    ///
    /// The name only appears in messages, made safe by ``safeFileName(_:maxLength:)``: a text file
    /// renamed `budget.pdf` is refused as the text it is.
    /// - Parameters:
    ///   - name: the name the applicant's browser gave.
    ///   - data: the file's content.
    /// - Returns: the detected kind, to store with the file and serve it under.
    /// - Throws: ``DomainError/emptyFile(name:)``, ``DomainError/fileTooLarge(name:bytes:limit:)``,
    ///   or ``DomainError/fileTypeNotAllowed(name:detected:)`` with the French label of what was found.
    @discardableResult
    public func check(name: String, data: Data) throws(DomainError) -> FileKind {
        let shownName = Self.safeFileName(name)
        guard !data.isEmpty else { throw .emptyFile(name: shownName) }
        // Size first: there is no point inspecting a file that will be refused anyway.
        guard data.count <= maxBytes else { throw .fileTooLarge(name: shownName, bytes: data.count, limit: maxBytes) }
        let kind = FileKind.detect(data)
        guard allowed.contains(kind) else { throw .fileTypeNotAllowed(name: shownName, detected: kind.label) }
        return kind
    }
}
