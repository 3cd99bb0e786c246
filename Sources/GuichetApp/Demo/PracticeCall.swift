import Fluent
import Foundation
import GuichetDomain

/// An open practice call, so that the whole applicant journey can be tried today: the seed's call
/// closed on 15 January 2021. Its file (`calls/essai-hdf.json`) copies the seed's themes,
/// objectives and form; the demo moves its dates so that it opened 30 days before the day it is
/// loaded and closes about 90 days after, then saves it through the same door as any call.
enum PracticeCall {
    static let reference = "essai-hdf"

    static func insert(on database: any Database, now: Date, by agent: Agent) async throws {
        let file = try CallDefinition.load(json: AppResources.callFile(reference))
        let opens = ParisTime.calendar.startOfDay(for: now).addingTimeInterval(-30 * 86_400)
        guard let written = file.opensAt else { return }
        let shift = ParisTime.calendar.dateComponents([.day], from: written, to: opens).day ?? 0
        try await CallDefinitionStore(database: database, now: now).save(
            file.shifted(byDays: shift), status: .published, by: agent)
    }
}

extension CallDefinition {
    /// The same call with every calendar day moved by `days` (opening, deadline, waves,
    /// revisions), for a demo call that must stay open whenever it is loaded.
    func shifted(byDays days: Int) -> CallDefinition {
        func move(_ iso: String) -> String {
            guard let day = ParisTime.day(iso),
                let moved = ParisTime.calendar.date(byAdding: .day, value: days, to: day)
            else { return iso }
            return ParisTime.isoDay(moved)
        }
        var copy = self
        copy.opensOn = move(opensOn)
        copy.deadline = move(deadline)
        copy.waves = waves.map { .init(number: $0.number, label: $0.label, announcedOn: move($0.announcedOn)) }
        copy.envelopes = envelopes.map { envelope in
            var envelope = envelope
            envelope.revisions = envelope.revisions.map {
                .init(amountCents: $0.amountCents, effectiveOn: move($0.effectiveOn), reason: $0.reason)
            }
            return envelope
        }
        return copy
    }
}
