import Fluent
import Foundation
import GuichetDomain
import Vapor

/// The demo's first wave, published on 16 April 2021 as the press kit was: through the same
/// service as an administrator's publication, so the demo holds version 1 of the results, its
/// press kit and its open data, and the wave is frozen.
enum DemoPublication {
    /// Publishes wave 1 of the demo call unless it already is.
    static func publishFirstWave(_ app: Application) async throws {
        let call = try await CallRepository(database: app.db).load(DemoCall.reference)
        guard let first = call.call.waves.first, !first.isFrozen else { return }
        try await PublicationService(database: app.db, now: DemoCall.wave1Day)
            .publish(call, wave: first.number, by: nil, render: PublicationRenderer.renderer(app, call: call.model))
    }
}
