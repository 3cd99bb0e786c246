import Foundation

/// A dated change of an envelope's amount, with its reason; the first one is the initial amount.
public struct EnvelopeRevision: Hashable, Sendable, Codable {
    public let amount: Money
    public let effectiveOn: Date
    public let reason: String

    public init(amount: Money, effectiveOn: Date, reason: String) {
        self.amount = amount
        self.effectiveOn = effectiveOn
        self.reason = reason
    }
}

/// A budget envelope in the call's tree: the plan, its national and regional parts, each region.
///
/// Dossiers draw on the envelope whose ``drawCode`` matches their scope: `FR` for national-scope
/// dossiers, the region's INSEE code for regional and départemental ones. Pools (the plan, "two
/// thirds for the regions") have no draw code: they only bound their children.
public struct Envelope: Sendable {
    public let id: UUID
    public let parentID: UUID?
    public let label: String
    /// `FR`, a region code, or `nil` for a pool.
    public let drawCode: String?
    /// The granting body (for open data): name and SIRET.
    public let ownerName: String
    public let ownerSiret: String?
    /// Oldest first; never empty.
    public private(set) var revisions: [EnvelopeRevision]

    /// Creates an envelope with its initial amount.
    /// - Throws: ``DomainError/invalidRevision(_:)`` without a reason.
    public init(
        id: UUID, parentID: UUID?, label: String, drawCode: String?, ownerName: String,
        ownerSiret: String? = nil, initial: EnvelopeRevision
    ) throws(DomainError) {
        guard !initial.reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw .invalidRevision("indiquez l'origine du montant initial.")
        }
        self.id = id
        self.parentID = parentID
        self.label = label
        self.drawCode = drawCode
        self.ownerName = ownerName
        self.ownerSiret = ownerSiret
        self.revisions = [initial]
    }

    /// Rebuilds an envelope from stored revisions (oldest first).
    public init(
        id: UUID, parentID: UUID?, label: String, drawCode: String?, ownerName: String,
        ownerSiret: String?, revisions: [EnvelopeRevision]
    ) throws(DomainError) {
        guard let first = revisions.first else {
            throw .invalidRevision("une enveloppe a au moins un montant initial.")
        }
        try self.init(
            id: id, parentID: parentID, label: label, drawCode: drawCode, ownerName: ownerName,
            ownerSiret: ownerSiret, initial: first)
        self.revisions = revisions.sorted { $0.effectiveOn < $1.effectiveOn }
    }

    /// The amount first granted.
    public var initialAmount: Money { revisions[0].amount }
    /// The amount in force (the latest revision).
    public var currentAmount: Money { revisions[revisions.count - 1].amount }

    /// The amount in force on a day: the latest revision effective by then (the initial amount
    /// before any).
    public func amount(asOf day: Date) -> Money {
        revisions.last { $0.effectiveOn <= day }?.amount ?? initialAmount
    }

    /// Records a revision, keeping the earlier ones.
    ///
    /// - Parameter committed: what is already committed on this envelope and its children; an
    ///   envelope is never revised below it.
    /// - Throws: ``DomainError/invalidRevision(_:)`` without a reason, dated before the last
    ///   revision, or below what is committed.
    public mutating func revise(_ revision: EnvelopeRevision, committed: Money) throws(DomainError) {
        guard !revision.reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw .invalidRevision("une révision doit être motivée.")
        }
        guard revision.effectiveOn >= revisions[revisions.count - 1].effectiveOn else {
            throw .invalidRevision("une révision ne peut pas être antérieure à la précédente.")
        }
        guard revision.amount >= committed else {
            throw .invalidRevision(
                "le nouveau montant (\(revision.amount.formatted())) est inférieur aux engagements (\(committed.formatted()))."
            )
        }
        revisions.append(revision)
    }
}
