import Vapor

extension Request {
    /// The address's parameters decoded as `T`: a malformed value (a page that is not a number, a
    /// score out of range) is refused with 400 and the parameter's name, never replaced by a
    /// default that would show another list than the one asked for.
    func queryParameters<T: Decodable>(_ type: T.Type) throws -> T {
        do {
            return try query.decode(T.self)
        } catch {
            let name = Self.parameterName(error)
            throw AppError(
                status: .badRequest, code: "invalid_query",
                message:
                    "Le paramètre « \(name) » de l'adresse est mal formé : corrigez-le, ou revenez à la liste sans filtre."
            )
        }
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
