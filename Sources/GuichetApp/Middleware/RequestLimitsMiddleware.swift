import GuichetDomain
import Vapor

/// Refuses over-long addresses (414) and bodies over their route's limit (413) before anything
/// reads them, and answers the refusals of ``GuichetHTTPServer`` (which applies the same limits
/// before the parser and the body are read).
struct RequestLimitsMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let refusal = request.storage[RequestLimits.RefusalKey.self] { throw refusal.error }
        guard request.url.string.utf8.count <= RequestLimits.urlBytes else { throw RequestLimits.uriTooLong }
        let limit = RequestLimits.bodyLimit(request)
        let files = limit > RequestLimits.formBytes
        if let length = request.headers.first(name: .contentLength).flatMap(Int.init), length > limit {
            throw RequestLimits.tooLarge(limit, files: files)
        }
        if request.body.data == nil, [.POST, .PUT, .PATCH].contains(request.method) {
            do {
                _ = try await request.body.collect(max: limit).get()
            } catch let abort as any AbortError where abort.status == .payloadTooLarge {
                throw RequestLimits.tooLarge(limit, files: files)
            }
        }
        return try await next.respond(to: request)
    }
}
