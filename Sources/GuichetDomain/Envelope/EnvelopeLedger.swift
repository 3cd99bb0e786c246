import Foundation

/// The envelope tree with what is committed on it: initial, current, committed, remaining.
///
/// A decision is covered only if its envelope *and every ancestor* still has room, so that no
/// pool is overspent by its children even when children's amounts add up to more than the pool.
public struct EnvelopeLedger: Sendable {
    /// One envelope's figures.
    public struct Line: Sendable {
        public let envelope: Envelope
        /// Depth in the tree (0 for the root), for indented display.
        public let depth: Int
        /// Committed on this envelope and all its descendants.
        public let committed: Money
        public var remaining: Money { envelope.currentAmount.remaining(after: committed) }
    }

    /// The room left for one envelope and its ancestors: what a decision must fit into.
    public struct Position: Sendable {
        /// The drawn envelope first, then each ancestor up to the root.
        public let chain: [Line]

        /// Checks that `amount` fits in every envelope of the chain.
        /// - Throws: ``DomainError/envelopeOverspent(envelope:remaining:requested:)`` naming the
        ///   first envelope that cannot cover it.
        public func checkCanCommit(_ amount: Money) throws(DomainError) {
            for line in chain where line.remaining < amount {
                throw .envelopeOverspent(envelope: line.envelope.label, remaining: line.remaining, requested: amount)
            }
        }
    }

    /// The tree's lines, parents before children, in depth-first order.
    public let lines: [Line]

    /// Builds the ledger.
    /// - Parameters:
    ///   - committedByEnvelope: amounts committed directly on each envelope (by the decisions of
    ///     dossiers drawing on it).
    /// - Throws: ``DomainError/envelopeTreeInconsistent(_:)`` for a missing parent, a cycle, or
    ///   an overflowing total.
    public init(envelopes: [Envelope], committedByEnvelope: [UUID: Money]) throws(DomainError) {
        let ids = Set(envelopes.map(\.id))
        for envelope in envelopes {
            if let parent = envelope.parentID, !ids.contains(parent) {
                throw .envelopeTreeInconsistent("l'enveloppe « \(envelope.label) » a un parent inconnu.")
            }
        }
        let children = Dictionary(grouping: envelopes, by: { $0.parentID })
        var lines: [Line] = []
        var visited = Set<UUID>()
        func visit(_ envelope: Envelope, depth: Int) throws(DomainError) -> Money {
            guard visited.insert(envelope.id).inserted else {
                throw .envelopeTreeInconsistent("l'enveloppe « \(envelope.label) » apparaît deux fois.")
            }
            let index = lines.count
            lines.append(Line(envelope: envelope, depth: depth, committed: .zero))
            var committed = committedByEnvelope[envelope.id] ?? .zero
            for child in children[envelope.id] ?? [] {
                committed = try committed.adding(visit(child, depth: depth + 1))
            }
            lines[index] = Line(envelope: envelope, depth: depth, committed: committed)
            return committed
        }
        for root in children[nil] ?? [] { _ = try visit(root, depth: 0) }
        guard visited.count == envelopes.count else {
            throw .envelopeTreeInconsistent("les enveloppes forment un cycle.")
        }
        self.lines = lines
    }

    /// Builds the ledger of a call from what its decisions commit (``EnvelopeCommitment``): each
    /// envelope carries the latest commitments of the dossiers drawing on it, less what was
    /// claimed back on them (``EnvelopeCommitment/net``: a recovery returns to the room).
    /// - Throws: ``DomainError/envelopeTreeInconsistent(_:)`` when no envelope funds a draw code.
    public init(envelopes: [Envelope], commitments: [EnvelopeCommitment]) throws(DomainError) {
        let empty = try EnvelopeLedger(envelopes: envelopes, committedByEnvelope: [:])
        var committed: [UUID: Money] = [:]
        for commitment in commitments where commitment.net > .zero {
            let envelope = try empty.envelope(drawCode: commitment.drawCode)
            committed[envelope.id] = try (committed[envelope.id] ?? .zero).adding(commitment.net)
        }
        try self.init(envelopes: envelopes, committedByEnvelope: committed)
    }

    /// Builds the ledger of a call from its dossiers and decisions: each laureate's latest
    /// retained decision commits its amount on the envelope its scope draws on.
    ///
    /// - Parameter waves: the waves to count (the public sees published ones only); all when nil.
    public init(
        envelopes: [Envelope], dossiers: [Dossier], decisions: [Decision], waves: Set<Int>? = nil,
        movements: [EnvelopeCommitment.Movement] = [], territories: TerritoryCatalog = .france
    ) throws(DomainError) {
        try self.init(
            envelopes: envelopes,
            commitments: try EnvelopeCommitment.of(
                dossiers: dossiers, decisions: decisions, waves: waves, movements: movements,
                territories: territories))
    }

    /// A ledger from lines already computed (``committing(_:on:)``).
    init(lines: [Line]) {
        self.lines = lines
    }

    /// The line of an envelope.
    public func line(_ id: UUID) -> Line? { lines.first { $0.envelope.id == id } }

    /// The envelope a scope draws on: `FR` for national, the scope's region otherwise.
    /// - Throws: ``DomainError/envelopeTreeInconsistent(_:)`` when the call has no such envelope.
    public func envelope(for scope: Scope, territories: TerritoryCatalog = .france) throws(DomainError) -> Envelope {
        try envelope(drawCode: EnvelopeCommitment.drawCode(of: scope, territories: territories))
    }

    /// The envelope whose ``Envelope/drawCode`` is `code`.
    /// - Throws: ``DomainError/envelopeTreeInconsistent(_:)`` when the call has no such envelope.
    public func envelope(drawCode code: String) throws(DomainError) -> Envelope {
        guard let line = lines.first(where: { $0.envelope.drawCode == code }) else {
            throw .envelopeTreeInconsistent("aucune enveloppe ne finance la portée « \(code) ».")
        }
        return line.envelope
    }

    /// The position of an envelope: its line and its ancestors' lines.
    public func position(of id: UUID) -> Position {
        var chain: [Line] = []
        var current = line(id)
        while let line = current {
            chain.append(line)
            current = line.envelope.parentID.flatMap { self.line($0) }
        }
        return Position(chain: chain)
    }

    /// Checks that no envelope's children add up to more than it currently holds.
    /// - Throws: ``DomainError/envelopeTreeInconsistent(_:)`` naming the parent.
    public func checkChildrenFit() throws(DomainError) {
        for line in lines {
            let children = lines.filter { $0.envelope.parentID == line.envelope.id }
            let total = try Money.sum(children.map(\.envelope.currentAmount))
            guard total <= line.envelope.currentAmount else {
                throw .envelopeTreeInconsistent(
                    "les sous-enveloppes de « \(line.envelope.label) » totalisent \(total.formatted()), plus que ses \(line.envelope.currentAmount.formatted())."
                )
            }
        }
    }
}
