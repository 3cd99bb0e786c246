import Crypto
import Foundation

/// The headers of a file of a published version, the same whether the responder or the answers
/// kept in memory serve it.
enum PublishedFileHeaders {
    /// A file's own headers: the security policy of a standalone HTML document, which carries its
    /// styles inline (the press kit is printed and stored as one file) and so allows exactly those
    /// blocks by their digest, still with no script; the file name of a download.
    static func headers(name: String, mediaType: String, content: Data, download: Bool) -> [(String, String)] {
        var headers: [(String, String)] = []
        if mediaType.hasPrefix("text/html") {
            let html = String(decoding: content, as: UTF8.self)
            let styles = html.components(separatedBy: "<style>").dropFirst().compactMap {
                $0.components(separatedBy: "</style>").first
            }
            if !styles.isEmpty {
                let hashes = styles.map { "'sha256-\(Data(SHA256.hash(data: Data($0.utf8))).base64EncodedString())'" }
                headers.append(
                    (
                        "Content-Security-Policy",
                        SecurityHeadersMiddleware.policy(styleSources: (["'self'"] + hashes).joined(separator: " "))
                    ))
            }
        }
        if download { headers.append(("Content-Disposition", "inline; filename=\"\(name)\"")) }
        return headers
    }
}
