import Foundation

/// A sitting of the selection committee: its date, members, chair and quorum.
///
/// In the seed, the commissaire chairs and the DREETS, DDETS, DRAAF and ARS sit. Decisions are
/// prepared (staged) during the session and applied together as a wave, only if the session
/// could validly deliberate.
public struct CommitteeSession: Sendable {
    /// A member as the minutes list them.
    public struct Member: Hashable, Sendable {
        public let id: UUID
        public let name: String
        public let isChair: Bool
        public let present: Bool

        public init(id: UUID, name: String, isChair: Bool, present: Bool) {
            self.id = id
            self.name = name
            self.isChair = isChair
            self.present = present
        }
    }

    public let members: [Member]
    /// The least number of members present (chair included) for the committee to deliberate.
    public let quorum: Int

    public init(members: [Member], quorum: Int) {
        self.members = members
        self.quorum = quorum
    }

    /// The members present.
    public var present: [Member] { members.filter(\.present) }

    /// Checks that the committee may deliberate: its chair present and the quorum reached.
    /// - Throws: ``DomainError/quorumNotReached(present:required:)``.
    public func checkCanDeliberate() throws(DomainError) {
        guard present.contains(where: \.isChair) else {
            throw .quorumNotReached(present: present.count, required: max(quorum, 1))
        }
        guard present.count >= quorum else { throw .quorumNotReached(present: present.count, required: quorum) }
    }

    /// The smallest quorum a session of `members` seats may set: two people (a chair never decides
    /// alone) and at least half of the seats.
    public static func minimumQuorum(members: Int) -> Int {
        max(2, (members + 1) / 2)
    }

    /// Checks a quorum rule when a session is set up: at least two and at least half of the
    /// members, at most all of them.
    /// - Throws: ``DomainError/invalidForm(errors:)`` on `quorum`.
    public static func checkQuorumRule(_ quorum: Int, members: Int) throws(DomainError) {
        let minimum = minimumQuorum(members: members)
        guard members >= 2 else {
            throw .invalidForm(errors: [
                "members": "Une séance réunit au moins deux personnes : la présidence et un membre."
            ])
        }
        guard quorum >= minimum, quorum <= members else {
            throw .invalidForm(errors: [
                "quorum":
                    "Le quorum est compris entre \(minimum) (au moins deux, et la moitié des \(members) membres) et \(members)."
            ])
        }
    }
}

/// A decision prepared during a session, not yet applied: it commits nothing until its wave is
/// applied, all at once.
public struct StagedDecision: Sendable, Equatable {
    public let dossierID: UUID
    public let outcome: DecisionOutcome

    public init(dossierID: UUID, outcome: DecisionOutcome) {
        self.dossierID = dossierID
        self.outcome = outcome
    }
}

extension Committee {
    /// Applies a session's staged decisions as a wave: every decision passes the lifecycle, the
    /// wave and every envelope — counting the decisions applied before it in the same batch —
    /// or none is applied.
    ///
    /// - Parameters:
    ///   - dossiers: the staged dossiers, as read in the transaction that will save the outcome.
    ///   - ledger: the envelopes with what is already committed, read in the same transaction
    ///     (after the envelopes were locked), so that a concurrent wave cannot slip in between.
    /// - Returns: each dossier's transition and decision, in the staged order.
    /// - Throws: the first refusal, prefixed by the dossier's number
    ///   (``DomainError/decisionRefused(dossier:reason:)``); nothing is applied.
    public static func applyWave(
        _ staged: [StagedDecision], dossiers: [UUID: Dossier], ledger: EnvelopeLedger,
        wave: Wave, by actor: Agent, call: Call, territories: TerritoryCatalog = .france,
        now: Date
    ) throws(DomainError) -> [(DossierTransition, Decision)] {
        guard !wave.isFrozen else { throw .waveFrozen(wave.number) }
        var running = ledger
        var applied: [(DossierTransition, Decision)] = []
        for decision in staged {
            guard let dossier = dossiers[decision.dossierID] else {
                throw .decisionRefused(dossier: decision.dossierID.uuidString, reason: "dossier introuvable")
            }
            do {
                let envelope = try running.envelope(for: dossier.scope, territories: territories)
                let result = try decide(
                    dossier, outcome: decision.outcome, wave: wave, envelope: running.position(of: envelope.id),
                    by: actor, call: call, now: now)
                running = try running.committing(decision.outcome.grantedAmount, on: envelope.id)
                applied.append(result)
            } catch {
                throw .decisionRefused(dossier: dossier.number ?? dossier.title, reason: error.message)
            }
        }
        return applied
    }
}

extension EnvelopeLedger {
    /// The ledger with `amount` more committed on an envelope (and so on each of its ancestors).
    /// - Throws: ``DomainError/amountOverflow``.
    public func committing(_ amount: Money, on id: UUID) throws(DomainError) -> EnvelopeLedger {
        guard amount > .zero else { return self }
        let chain = Set(position(of: id).chain.map(\.envelope.id))
        var lines = self.lines
        for index in lines.indices where chain.contains(lines[index].envelope.id) {
            let line = lines[index]
            lines[index] = Line(
                envelope: line.envelope, depth: line.depth, committed: try line.committed.adding(amount))
        }
        return EnvelopeLedger(lines: lines)
    }
}
