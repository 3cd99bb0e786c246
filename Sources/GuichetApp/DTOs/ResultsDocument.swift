import Foundation
import GuichetDomain

/// A published version as a JSON document (`resultats.json`): the snapshot itself, with ISO 8601
/// dates and amounts in integer cents, keys sorted so that two exports of one version are
/// byte-identical and their digests comparable.
enum ResultsDocument {
    static func json(_ results: PublishedResults) throws -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(results)
    }
}
