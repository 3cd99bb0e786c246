import GuichetDomain
import Vapor

/// Guichet's own files (styles, fonts, images) are all under `/static/`: only those addresses
/// reach the disk. Any other goes straight to the routes — a path segment longer than a file name
/// may be would otherwise make the file system fail (a 500 where a 404 is due).
struct StaticFilesMiddleware: AsyncMiddleware {
    static let prefix = "/static/"
    let files: FileMiddleware

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let path = request.url.path
        guard path.hasPrefix(Self.prefix), path.split(separator: "/").allSatisfy({ $0.utf8.count <= 255 }) else {
            return try await next.respond(to: request)
        }
        return try await files.respond(to: request, chainingTo: next)
    }
}
