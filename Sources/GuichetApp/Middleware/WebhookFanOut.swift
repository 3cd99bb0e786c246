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
        let entry = AuditEntry(
            at: model.at,
            actor: Agent(id: model.actorID, name: model.actorName, role: Role(rawValue: model.actorRole) ?? .system),
            action: model.action, entityType: model.entityType, entityID: model.entityID,
            from: model.fromState, to: model.toState, reason: nil)
        guard let type = WebhookEvent.type(of: entry) else { return }
        // Endpoints of closed accounts hear nothing more.
        let endpoints = try await WebhookEndpointModel.query(on: db).filter(\.$disabledAt == nil)
            .join(UserModel.self, on: \WebhookEndpointModel.$owner.$id == \UserModel.$id).filter(
                UserModel.self, \.$disabledAt == nil
            )
            .all().filter { $0.wants(type) }
        guard !endpoints.isEmpty else { return }
        let group: String?? =
            model.entityType == "dossier"
            ? .some(try await DossierModel.query(on: db).filter(\.$id == model.entityID).first()?.instructorGroup)
            : .none
        let payload = try Webhooks.payload(type: type, entry: model)
        let now = Date()
        for endpoint in endpoints {
            // A regional administrator's endpoint hears about the dossiers of its territory only.
            if case .some(let dossierGroup) = group {
                let scopes = try await StaffDirectory(database: db).scopes(of: endpoint.$owner.id)
                if let visible = StaffDirectory.visibleGroups(scopes), !(dossierGroup.map(visible.contains) ?? false) {
                    continue
                }
            }
            let delivery = WebhookDeliveryModel()
            delivery.$endpoint.id = try endpoint.requireID()
            delivery.eventType = type
            delivery.payload = payload
            delivery.createdAt = now
            delivery.attempts = 0
            delivery.nextAttemptAt = now
            try await delivery.create(on: db)
        }
    }
}
