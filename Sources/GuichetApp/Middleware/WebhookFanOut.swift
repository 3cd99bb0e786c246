import AsyncHTTPClient
import Crypto
import Fluent
import Foundation
import GuichetDomain
import SQLKit
import Vapor

/// Turns each state change written to the audit log into deliveries for the webhook endpoints
/// that want it, in the same transaction as the change: an event is queued if and only if the
/// change is committed.
struct WebhookFanOut: AsyncModelMiddleware {
    /// Set while the demo replays its 2021 history: old news is not sent, and loading the national
    /// demo does not pay one endpoint lookup per replayed change.
    @TaskLocal static var replaying = false

    func create(model: AuditEntryModel, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        try await next.create(model, on: db)
        guard !Self.replaying else { return }
        try await Self.fanOut([model], on: db)
    }

    /// Queues the deliveries of audit entries written together (one by one through the
    /// middleware, or by the thousand by an import): the endpoints are read once for the batch.
    static func fanOut(_ entries: [AuditEntryModel], on db: any Database) async throws {
        let typed = entries.compactMap { model -> (AuditEntryModel, String)? in
            let entry = AuditEntry(
                at: model.at,
                actor: Agent(
                    id: model.actorID, name: model.actorName, role: Role(rawValue: model.actorRole) ?? .system),
                action: model.action, entityType: model.entityType, entityID: model.entityID,
                from: model.fromState, to: model.toState, reason: nil)
            return WebhookEvent.type(of: entry).map { (model, $0) }
        }
        guard !typed.isEmpty else { return }
        // Endpoints of closed accounts hear nothing more.
        let endpoints = try await WebhookEndpointModel.query(on: db).filter(\.$disabledAt == nil)
            .join(UserModel.self, on: \WebhookEndpointModel.$owner.$id == \UserModel.$id).filter(
                UserModel.self, \.$disabledAt == nil
            )
            .all()
        guard !endpoints.isEmpty else { return }
        let dossierIDs = Array(Set(typed.filter { $0.0.entityType == "dossier" }.map(\.0.entityID)))
        var groups: [UUID: String?] = [:]
        for chunk in dossierIDs.chunked(5_000) {
            for dossier in try await DossierModel.query(on: db).filter(\.$id ~~ chunk).all() {
                if let id = dossier.id { groups[id] = .some(dossier.instructorGroup) }
            }
        }
        var visible: [UUID: Set<String>?] = [:]
        let now = Date()
        for (model, type) in typed {
            for endpoint in endpoints where endpoint.wants(type) {
                // A regional administrator's endpoint hears about the dossiers of its territory only.
                if model.entityType == "dossier" {
                    let owner = endpoint.$owner.id
                    if visible[owner] == nil {
                        visible[owner] = .some(
                            StaffDirectory.visibleGroups(try await StaffDirectory(database: db).scopes(of: owner)))
                    }
                    if let groupsSeen = visible[owner] ?? nil {
                        let dossierGroup = groups[model.entityID] ?? nil
                        guard dossierGroup.map(groupsSeen.contains) ?? false else { continue }
                    }
                }
                let delivery = WebhookDeliveryModel()
                delivery.$endpoint.id = try endpoint.requireID()
                delivery.eventType = type
                delivery.payload = try Webhooks.payload(type: type, entry: model)
                delivery.createdAt = now
                delivery.attempts = 0
                delivery.nextAttemptAt = now
                try await delivery.create(on: db)
            }
        }
    }
}
