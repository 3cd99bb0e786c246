import Fluent
import SQLKit

extension Database {
    /// The database as SQLKit sees it, for the reads that go column by column and the
    /// conditional writes. Both drivers Guichet runs on are SQL; anything else is a setup error.
    func sql() throws -> any SQLDatabase {
        guard let sql = self as? any SQLDatabase else {
            throw AppError(
                status: .internalServerError, code: "unsupported_database", message: "Base de données non SQL.")
        }
        return postgresSQL(sql)
    }
}

extension AppError {
    /// A database whose SQL dialect a migration has no statements for (Guichet writes triggers
    /// for SQLite and PostgreSQL only).
    static func unsupportedDatabase(_ dialect: String) -> AppError {
        AppError(
            status: .internalServerError, code: "unsupported_database",
            message: "Base de données non prise en charge : \(dialect).")
    }
}
