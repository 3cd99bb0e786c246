import Crypto
import Fluent
import Foundation
import GuichetDomain
import SQLKit

/// Seals every audit entry written one by one. Batches are sealed by their writer beforehand
/// (``AuditChainStore/seal(_:on:)``), so that their entries take consecutive places.
struct AuditChainMiddleware: AsyncModelMiddleware {
    func create(model: AuditEntryModel, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        guard model.entryHash == nil else { return try await next.create(model, on: db) }
        if db.inTransaction {
            try await AuditChainStore.seal([model], on: db)
            try await next.create(model, on: db)
        } else {
            try await db.transaction { tx in
                try await AuditChainStore.seal([model], on: tx)
                try await next.create(model, on: tx)
            }
        }
    }
}
