import Foundation

/// The rules of the conversation between the instruction and the applicant on a dossier.
///
/// A message is a plain text (and optionally one file); it is never edited nor deleted once sent,
/// like a letter: both sides can rely on what the thread shows.
public enum Correspondence {
    /// Who wrote a message.
    public enum Side: String, Sendable, Codable, CaseIterable {
        case instruction
        case applicant
    }

    /// The longest message accepted, in characters.
    public static let maxLength = 5_000

    /// Checks a message's text and returns it trimmed.
    /// - Throws: ``DomainError/invalidForm(errors:)`` on `body`.
    public static func checkBody(_ text: String) throws(DomainError) -> String {
        let body = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !body.isEmpty else { throw .invalidForm(errors: ["body": "Écrivez votre message."]) }
        guard body.count <= maxLength else {
            throw .invalidForm(errors: [
                "body": "Le message dépasse \(maxLength) caractères : raccourcissez-le ou joignez un document."
            ])
        }
        return body
    }

    /// Checks that `side` may write on a dossier in `status`.
    ///
    /// Nobody writes on a draft (the instruction has not received it). The applicant stops
    /// writing once the dossier is withdrawn; the instruction may still write to explain.
    /// - Throws: ``DomainError/transitionNotAllowed(action:from:)``.
    public static func checkCanWrite(_ side: Side, status: DossierStatus) throws(DomainError) {
        switch (side, status) {
        case (_, .draft), (.applicant, .withdrawn):
            throw .transitionNotAllowed(action: "écrire un message", from: status)
        default:
            return
        }
    }
}

/// A label an instruction team puts on dossiers to sort its work (`à relancer`, `comité de juin`).
///
/// Labels are shared by the people who instruct the dossier and are never shown to the applicant.
/// Two labels that differ only in case or surrounding spaces are the same label.
public struct DossierLabel: Hashable, Sendable, Comparable {
    /// The longest label, in characters.
    public static let maxLength = 40

    /// The label as shown (trimmed, inner spaces collapsed).
    public let text: String

    /// Normalises and checks a label.
    /// - Throws: ``DomainError/invalidForm(errors:)`` on `label`.
    public init(_ raw: String) throws(DomainError) {
        let words = raw.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        guard !words.isEmpty else { throw .invalidForm(errors: ["label": "Indiquez une étiquette."]) }
        guard words.count <= Self.maxLength else {
            throw .invalidForm(errors: ["label": "Une étiquette a au plus \(Self.maxLength) caractères."])
        }
        guard !words.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) }) else {
            throw .invalidForm(errors: ["label": "Une étiquette ne contient pas de caractère de contrôle."])
        }
        text = words
    }

    /// The key two equal labels share (`Comité de juin` and `comité de JUIN`).
    public var key: String { text.lowercased() }

    public static func == (a: Self, b: Self) -> Bool { a.key == b.key }
    public func hash(into hasher: inout Hasher) { hasher.combine(key) }
    public static func < (a: Self, b: Self) -> Bool { a.text.localizedStandardCompare(b.text) == .orderedAscending }
}

/// Internal notes of the instruction on a dossier: never shown to the applicant, nor published,
/// nor to a person recused from the dossier.
public enum Annotation {
    /// The longest note, in characters.
    public static let maxLength = 5_000

    /// Checks a note's text and returns it trimmed.
    /// - Throws: ``DomainError/invalidForm(errors:)`` on `note`.
    public static func checkBody(_ text: String) throws(DomainError) -> String {
        let body = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !body.isEmpty else { throw .invalidForm(errors: ["note": "Écrivez la note."]) }
        guard body.count <= maxLength else {
            throw .invalidForm(errors: ["note": "La note dépasse \(maxLength) caractères."])
        }
        return body
    }
}
