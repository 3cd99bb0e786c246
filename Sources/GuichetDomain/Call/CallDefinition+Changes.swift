import Foundation

/// One difference between two versions of a call definition, by its path in the document.
public struct CallChange: Sendable, Equatable, CustomStringConvertible {
    /// Where it changed (`envelopes[3].revisions`, `themes[1].label`).
    public let path: String
    /// The value before, `nil` when it was added.
    public let before: JSONValue?
    /// The value after, `nil` when it was removed.
    public let after: JSONValue?

    /// `path : before → after`, as the command line and the audit log write it.
    public var description: String {
        switch (before, after) {
        case (nil, let after?): "\(path) : ajouté (\(after.brief))"
        case (let before?, nil): "\(path) : retiré (\(before.brief))"
        case (let before?, let after?): "\(path) : \(before.brief) → \(after.brief)"
        case (nil, nil): path
        }
    }
}

/// What a call's existing data forbids changing in its definition.
public struct CallUsage: Sendable, Equatable {
    /// Whether any dossier has been filed (drafts do not count: they follow the current form).
    public var hasFiledDossiers: Bool
    /// Theme codes that dossiers (drafts included) carry.
    public var themesInUse: Set<String>
    /// Wave numbers that are published, and so frozen.
    public var publishedWaves: Set<Int>
    /// Wave numbers that hold decisions or committee sessions.
    public var wavesInUse: Set<Int>
    /// What decisions commit on each envelope and its descendants, by envelope key.
    public var committedByEnvelope: [String: Int64]

    public init(
        hasFiledDossiers: Bool = false, themesInUse: Set<String> = [], publishedWaves: Set<Int> = [],
        wavesInUse: Set<Int> = [], committedByEnvelope: [String: Int64] = [:]
    ) {
        self.hasFiledDossiers = hasFiledDossiers
        self.themesInUse = themesInUse
        self.publishedWaves = publishedWaves
        self.wavesInUse = wavesInUse
        self.committedByEnvelope = committedByEnvelope
    }

    /// A call nobody has used yet: everything may change.
    public static let unused = CallUsage()
}

extension CallDefinition {
    /// What changes from `old` to this definition, path by path, in document order.
    ///
    /// The form's version number is not compared: it is Guichet's to give (a changed form becomes
    /// a new version once dossiers exist), not an author's statement.
    public func changes(from old: CallDefinition) -> [CallChange] {
        var before = old
        var after = self
        before.form.version = 1
        after.form.version = 1
        guard let a = try? JSONValue(json: JSONEncoder().encode(before)),
            let b = try? JSONValue(json: JSONEncoder().encode(after))
        else {
            return [CallChange(path: "", before: nil, after: nil)]
        }
        var changes: [CallChange] = []
        Self.diff(a, b, path: "", into: &changes)
        return changes
    }

    private static func diff(_ a: JSONValue?, _ b: JSONValue?, path: String, into changes: inout [CallChange]) {
        switch (a, b) {
        case (.object(let x)?, .object(let y)?):
            for key in Set(x.keys).union(y.keys).sorted() {
                diff(x[key], y[key], path: DefinitionPath.join(path, key), into: &changes)
            }
        case (.array(let x)?, .array(let y)?) where x.count == y.count:
            for index in x.indices { diff(x[index], y[index], path: DefinitionPath.index(path, index), into: &changes) }
        case (.array(let x)?, .array(let y)?):
            // Lengths differ: compare the shared prefix, then name what was added or removed.
            for index in 0..<min(x.count, y.count) {
                diff(x[index], y[index], path: DefinitionPath.index(path, index), into: &changes)
            }
            for index in min(x.count, y.count)..<max(x.count, y.count) {
                diff(
                    index < x.count ? x[index] : nil, index < y.count ? y[index] : nil,
                    path: DefinitionPath.index(path, index), into: &changes)
            }
        default:
            if a != b { changes.append(CallChange(path: path, before: a, after: b)) }
        }
    }

    /// What may not change from `old` to this definition, given what the call already holds.
    ///
    /// The reference never changes (it names the call in every address). Once a dossier is filed,
    /// the scope and receipt prefix stay, and an envelope's recorded revisions stay as they are:
    /// its amount changes only by a new dated revision, never below what decisions commit. Themes
    /// carried by dossiers stay; published waves stay as published; waves holding decisions or
    /// sessions stay. The form may change at any time: filed dossiers keep the version they
    /// answered (see ``changes(from:)``).
    /// - Returns: the refusals, each at the path of the change it refuses.
    public func amendmentIssues(from old: CallDefinition, usage: CallUsage) -> [CallDefinitionIssue] {
        var issues: [CallDefinitionIssue] = []
        func add(_ path: String, _ message: String) { issues.append(CallDefinitionIssue(path, message)) }
        if reference != old.reference {
            add(
                "reference",
                "la référence d'un appel ne change pas (« \(old.reference) ») : dupliquez l'appel pour en créer un autre."
            )
        }
        if usage.hasFiledDossiers {
            if scope != old.scope {
                add("scope", "des dossiers sont déposés : le périmètre de l'appel ne change plus.")
            }
            if receiptPrefix != old.receiptPrefix {
                add(
                    "receipt_prefix",
                    "des dossiers sont déposés : le préfixe des numéros (« \(old.receiptPrefix) ») ne change plus.")
            }
        }
        let codes = Set(themes.map(\.code))
        for code in usage.themesInUse.sorted()
        where !codes.contains(code) && old.themes.contains(where: { $0.code == code }) {
            add("themes", "la thématique « \(code) » porte des dossiers : elle ne peut pas être retirée.")
        }
        for number in usage.publishedWaves.union(usage.wavesInUse).sorted() {
            guard let previous = old.waves.first(where: { $0.number == number }) else { continue }
            guard let index = waves.firstIndex(where: { $0.number == number }) else {
                add(
                    "waves",
                    "la vague \(number) \(usage.publishedWaves.contains(number) ? "est publiée" : "porte des décisions") : elle ne peut pas être retirée."
                )
                continue
            }
            if usage.publishedWaves.contains(number), waves[index] != previous {
                add(DefinitionPath.index("waves", index), "la vague \(number) est publiée : elle ne change plus.")
            }
        }
        for (index, envelope) in envelopes.enumerated() {
            guard let previous = old.envelopes.first(where: { $0.key == envelope.key }) else { continue }
            let path = DefinitionPath.index("envelopes", index)
            let committed = usage.committedByEnvelope[envelope.key] ?? 0
            if usage.hasFiledDossiers {
                if envelope.draws != previous.draws || envelope.parent != previous.parent {
                    add(
                        path,
                        "des dossiers sont déposés : ce que l'enveloppe « \(envelope.key) » finance et son rattachement ne changent plus."
                    )
                }
                if envelope.revisions.count < previous.revisions.count
                    || Array(envelope.revisions.prefix(previous.revisions.count)) != previous.revisions
                {
                    add(
                        DefinitionPath.join(path, "revisions"),
                        "des dossiers sont déposés : les montants enregistrés ne changent plus ; ajoutez une révision datée et motivée."
                    )
                } else if let last = previous.revisions.last {
                    for (offset, revision) in envelope.revisions.dropFirst(previous.revisions.count).enumerated() {
                        let revisionPath = DefinitionPath.index(
                            DefinitionPath.join(path, "revisions"), previous.revisions.count + offset)
                        if revision.effectiveOn < last.effectiveOn {
                            add(
                                DefinitionPath.join(revisionPath, "effective_on"),
                                "une révision ne peut pas être antérieure à la précédente (\(last.effectiveOn)).")
                        }
                    }
                }
            }
            if let amount = envelope.revisions.last?.amountCents, amount < committed {
                add(
                    DefinitionPath.join(path, "revisions"),
                    "le montant (\(Self.euros(amount))) est inférieur à ce que les décisions engagent déjà (\(Self.euros(committed)))."
                )
            }
        }
        for envelope in old.envelopes where !envelopes.contains(where: { $0.key == envelope.key }) {
            if usage.hasFiledDossiers || (usage.committedByEnvelope[envelope.key] ?? 0) > 0 {
                add(
                    "envelopes",
                    "l'enveloppe « \(envelope.key) » ne peut plus être retirée : des dossiers sont déposés.")
            }
        }
        return issues
    }

    /// Checks an amendment.
    /// - Throws: ``DomainError/invalidCallDefinition(issues:)``.
    public func checkAmendment(from old: CallDefinition, usage: CallUsage) throws(DomainError) {
        let found = amendmentIssues(from: old, usage: usage)
        guard found.isEmpty else { throw .invalidCallDefinition(issues: found) }
    }

    static func euros(_ cents: Int64) -> String {
        (try? Money(cents: cents).formatted()) ?? "\(cents) centimes"
    }
}
