import Vapor

extension Request {
    /// The address's parameters decoded as `T`: a malformed value (a page that is not a number, a
    /// score out of range) is refused with 400 and the parameter's name, never replaced by a
    /// default that would show another list than the one asked for.
    ///
    /// A value holding a NUL character is refused too: no filter needs one, and PostgreSQL refuses
    /// it in any text it is given.
    func queryParameters<T: Decodable>(_ type: T.Type) throws -> T {
        if let name = Self.parameterWithNUL(url.query) { throw Self.malformed(name) }
        do {
            return try query.decode(T.self)
        } catch {
            throw Self.malformed(Self.parameterName(error))
        }
    }

    private static func malformed(_ name: String) -> AppError {
        AppError(
            status: .badRequest, code: "invalid_query",
            message:
                "Le paramètre « \(name) » de l'adresse est mal formé : corrigez-le, ou revenez à la liste sans filtre."
        )
    }

    /// The name of the first parameter whose name or value holds a NUL character once decoded.
    static func parameterWithNUL(_ query: String?) -> String? {
        guard let query, query.contains("%00") || query.contains("\u{0}") else { return nil }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            if parts.contains(where: { $0.contains("\u{0}") }) {
                let name = parts.first ?? "?"
                return name.contains("\u{0}") ? "?" : name
            }
        }
        return nil
    }

    private static func parameterName(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            context.codingPath.last?.stringValue ?? "?"
        case .keyNotFound(let key, _):
            key.stringValue
        default:
            "?"
        }
    }
}
