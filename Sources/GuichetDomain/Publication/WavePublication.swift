import Foundation

/// The rules of publishing a wave: what must hold before its results become public and frozen.
public enum WavePublication {
    /// What the committee's work on a wave looks like when an administrator asks to publish it.
    public struct State: Sendable {
        /// Decisions applied in the wave.
        public let decisions: Int
        /// Decisions still staged in open sessions of the wave (not applied).
        public let stagedInOpenSessions: Int

        public init(decisions: Int, stagedInOpenSessions: Int) {
            self.decisions = decisions
            self.stagedInOpenSessions = stagedInOpenSessions
        }
    }

    /// Checks that wave `number` may be published now.
    ///
    /// Waves are published in order (the press kit's "second wave" completes the first), once:
    /// a published wave is frozen. A wave with no applied decision has nothing to announce, and
    /// one whose sessions still hold staged decisions would publish a list the committee has not
    /// finished: both are refused rather than published half-done.
    /// - Throws: ``DomainError/unknownWave(_:)``, ``DomainError/waveFrozen(_:)`` when already
    ///   published, ``DomainError/publicationRefused(_:)`` otherwise.
    public static func checkCanPublish(wave number: Int, of call: Call, state: State) throws(DomainError) {
        guard let wave = call.waves.first(where: { $0.number == number }) else { throw .unknownWave(number) }
        guard !wave.isFrozen else { throw .waveFrozen(number) }
        if let earlier = call.waves.first(where: { $0.number < number && !$0.isFrozen }) {
            throw .publicationRefused(
                "la vague \(earlier.number) (« \(earlier.label) ») doit être publiée avant la vague \(number).")
        }
        guard state.stagedInOpenSessions == 0 else {
            throw .publicationRefused(
                "\(state.stagedInOpenSessions) décision(s) préparée(s) en séance n'ont pas été appliquées : appliquez-les ou retirez-les d'abord."
            )
        }
        guard state.decisions > 0 else {
            throw .publicationRefused(
                "aucune décision n'a été appliquée dans la vague \(number) : il n'y a rien à annoncer.")
        }
    }
}

extension Call {
    /// The call as it will read once wave `number` is published at `date`: what the public will
    /// see is computed from this before anything is written.
    public func publishing(wave number: Int, at date: Date) -> Call {
        Call(
            reference: reference, title: title, themes: themes, objectives: objectives, opensAt: opensAt,
            closesAt: closesAt,
            waves: waves.map {
                $0.number == number
                    ? Wave(number: $0.number, label: $0.label, announcedOn: $0.announcedOn, publishedAt: date) : $0
            },
            territoryOrder: territoryOrder, regionCode: regionCode)
    }
}
