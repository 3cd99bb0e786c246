import Foundation

extension FileKind {
    /// The family a form's file field accepts (`pdf`, `image`, `office`), or `nil` for kinds no
    /// form accepts (text, archives, programs, macro-enabled or encrypted documents…).
    public var category: String? {
        switch self {
        case .pdf: "pdf"
        case .png, .jpeg: "image"
        case .docx, .xlsx, .odt, .ods, .doc, .xls: "office"
        default: nil
        }
    }
}
