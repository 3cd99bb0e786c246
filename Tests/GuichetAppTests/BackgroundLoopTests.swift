import Fluent
import Foundation
import Testing
import Vapor

@testable import GuichetApp

/// The server's background loops (mail and reminders, webhooks, published versions) stop with the
/// application: the round in progress ends, no other starts, and the shutdown waits for them
/// before the databases close.
@Suite struct BackgroundLoopTests {
    @Test func theLoopsStopWithinABoundAndRunNoRoundAfterward() async throws {
        try await withGuichet(demo: false) { app in
            try await Mailer(database: app.db).enqueue(
                to: "avant@exemple.fr", subject: "Avant l'arrêt", body: "Bonjour", kind: "test", now: Date())
            let loops = [
                OutboxWorker.start(app, every: .milliseconds(50)),
                OutboxWorker.startWebhooks(app, every: .milliseconds(50)),
                app.publishedAnswers.start(),
            ]
            // The mail loop runs: the message queued before is sent.
            var sent = false
            for _ in 0..<250 where !sent {
                try await Task.sleep(for: .milliseconds(20))
                sent = try await OutboxMessageModel.query(on: app.db).filter(\.$sentAt != nil).count() == 1
            }
            #expect(sent)
            // Shut down as the application does, within a bound: the round in progress ends, then
            // nothing waits. The bound is generous (a loaded machine running the whole suite once
            // took 9.9 s to end a round); what it catches is a loop that never stops.
            let started = ContinuousClock.now
            for loop in loops { await OutboxWorker.Lifecycle(task: loop).shutdownAsync(app) }
            let elapsed = ContinuousClock.now - started
            #expect(elapsed < .seconds(60))
            #expect(loops.allSatisfy { $0.isCancelled })
            // No round after the stop: a message queued now stays queued.
            try await Mailer(database: app.db).enqueue(
                to: "apres@exemple.fr", subject: "Après l'arrêt", body: "Bonjour", kind: "test", now: Date())
            try await Task.sleep(for: .milliseconds(300))
            let waiting = try await OutboxMessageModel.query(on: app.db).filter(\.$sentAt == nil).all()
            #expect(waiting.map(\.toAddress) == ["apres@exemple.fr"])
        }
    }
}
