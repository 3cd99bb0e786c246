import Foundation
import GuichetDomain
import Vapor

/// The envelope statement as the public API gives it: amounts in cents, published waves only.
struct EnvelopeStatementDTO: Content {
    struct Revision: Content {
        let amountCents: Int64
        let effectiveOn: String
        let reason: String
    }

    struct WaveAmount: Content {
        let wave: Int
        /// In force on the wave's announcement day.
        let amountInForceCents: Int64
        let committedCents: Int64
        /// In force minus what this wave and the earlier ones committed.
        let remainingCents: Int64
    }

    struct Line: Content {
        let id: UUID
        let parentId: UUID?
        let label: String
        /// `FR`, a region's INSEE code, or null for a pool.
        let drawCode: String?
        let depth: Int
        let initialCents: Int64
        let currentCents: Int64
        let revisions: [Revision]
        let committedByWave: [WaveAmount]
        let committedCents: Int64
        let remainingCents: Int64
    }

    let call: String
    let waves: [Int]
    let envelopes: [Line]

    init(reference: String, _ statement: EnvelopeStatement) {
        call = reference
        waves = statement.waves.map(\.number)
        envelopes = statement.lines.map { line in
            Line(
                id: line.envelope.id, parentId: line.envelope.parentID, label: line.envelope.label,
                drawCode: line.envelope.drawCode,
                depth: line.depth, initialCents: line.envelope.initialAmount.cents,
                currentCents: line.envelope.currentAmount.cents,
                revisions: line.envelope.revisions.map {
                    Revision(
                        amountCents: $0.amount.cents, effectiveOn: ParisTime.isoDay($0.effectiveOn), reason: $0.reason)
                },
                committedByWave: statement.waves.map { wave in
                    let figures = line.byWave[wave.number]
                    return WaveAmount(
                        wave: wave.number, amountInForceCents: figures?.amountInForce.cents ?? 0,
                        committedCents: figures?.committed.cents ?? 0, remainingCents: figures?.remaining.cents ?? 0)
                },
                committedCents: line.committed.cents, remainingCents: line.remaining.cents)
        }
    }
}
