import Foundation

/// What an uploaded file really is, recognised from its bytes by ``detect(_:)-(Data)``, never from
/// its name or from the type the browser claims.
///
/// Besides the formats a dossier may hold, it names the usual wrong uploads (plain text, web pages,
/// bare archives, iPhone photos, macro-enabled or password-protected Office files, programs) so a
/// refusal can tell the applicant what we found and what to send instead. Stored and exchanged as
/// its raw value, which never changes once published.
public enum FileKind: String, Sendable, Codable, CaseIterable {
    case pdf
    case png
    case jpeg
    case gif
    case webp
    case tiff
    case heic
    case docx
    case xlsx
    case pptx
    /// An Office Open XML document carrying a VBA project: refused by default, macros being the
    /// usual way such files attack whoever opens them.
    case docm
    case xlsm
    case pptm
    /// A Word 97-2003 document (an OLE2 compound file with a `WordDocument` stream).
    case doc
    /// An Excel 95-2003 workbook (an OLE2 compound file with a `Workbook` or `Book` stream).
    case xls
    /// A PowerPoint 97-2003 presentation (an OLE2 compound file with a `PowerPoint Document` stream).
    case ppt
    /// An Office file saved with a password: its content is encrypted, so nobody can read it without
    /// that password.
    case encryptedOffice = "encrypted_office"
    /// Another OLE2 compound file: an installer, an Outlook message, a Publisher file, or a truncated
    /// Office 97-2003 file whose directory cannot be read.
    case compoundFile = "compound_file"
    case odt
    case ods
    case odp
    case rtf
    case html
    case svg
    case xml
    case plainText = "plain_text"
    /// A ZIP archive that is not an Office or OpenDocument file.
    case zip
    /// A native program (ELF, PE, Mach-O) or a script starting with `#!`.
    case executable
    case unknown
}

extension FileKind {
    /// The media type to serve the file with; `application/octet-stream` for kinds that have no
    /// registered type or that must never be opened by a browser.
    public var mimeType: String {
        switch self {
        case .pdf: "application/pdf"
        case .png: "image/png"
        case .jpeg: "image/jpeg"
        case .gif: "image/gif"
        case .webp: "image/webp"
        case .tiff: "image/tiff"
        case .heic: "image/heic"
        case .docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        case .xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        case .pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation"
        case .docm: "application/vnd.ms-word.document.macroEnabled.12"
        case .xlsm: "application/vnd.ms-excel.sheet.macroEnabled.12"
        case .pptm: "application/vnd.ms-powerpoint.presentation.macroEnabled.12"
        case .doc: "application/msword"
        case .xls: "application/vnd.ms-excel"
        case .ppt: "application/vnd.ms-powerpoint"
        case .odt: "application/vnd.oasis.opendocument.text"
        case .ods: "application/vnd.oasis.opendocument.spreadsheet"
        case .odp: "application/vnd.oasis.opendocument.presentation"
        case .rtf: "application/rtf"
        case .html: "text/html"
        case .svg: "image/svg+xml"
        case .xml: "application/xml"
        case .plainText: "text/plain"
        case .zip: "application/zip"
        case .encryptedOffice, .compoundFile, .executable, .unknown: "application/octet-stream"
        }
    }

    /// The usual file extension, without the dot: the one to give a download whose original name
    /// has lost it or lies about it.
    public var fileExtension: String {
        switch self {
        case .jpeg: "jpg"
        case .tiff: "tif"
        case .plainText: "txt"
        case .encryptedOffice, .compoundFile, .executable, .unknown: "bin"
        default: rawValue
        }
    }

    /// The kind's French name, as shown after « contenu reconnu : » when a file is refused.
    public var label: String {
        switch self {
        case .pdf: "document PDF"
        case .png: "image PNG"
        case .jpeg: "image JPEG"
        case .gif: "image GIF"
        case .webp: "image WebP"
        case .tiff: "image TIFF"
        case .heic: "image HEIC"
        case .docx: "document Word"
        case .xlsx: "tableur Excel"
        case .pptx: "présentation PowerPoint"
        case .docm: "document Word avec macros"
        case .xlsm: "tableur Excel avec macros"
        case .pptm: "présentation PowerPoint avec macros"
        case .doc: "document Word 97-2003"
        case .xls: "tableur Excel 97-2003"
        case .ppt: "présentation PowerPoint 97-2003"
        case .encryptedOffice: "document Office protégé par mot de passe"
        case .compoundFile: "fichier composé Microsoft (OLE)"
        case .odt: "document OpenDocument texte"
        case .ods: "tableur OpenDocument"
        case .odp: "présentation OpenDocument"
        case .rtf: "document RTF"
        case .html: "page web HTML"
        case .svg: "image SVG"
        case .xml: "document XML"
        case .plainText: "texte brut"
        case .zip: "archive ZIP"
        case .executable: "programme exécutable"
        case .unknown: "type inconnu"
        }
    }
}
