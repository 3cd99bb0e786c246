import Foundation
import Logging
import NIOConcurrencyHelpers

/// One JSON object a line on standard error (`GUICHET_LOG_FORMAT=json`): what a log collector
/// (journald's export, Loki, Elasticsearch) reads without a parser of its own. Each line carries
/// the time in UTC, the level, the logger's label, the message, the source and the metadata — a
/// request's `request-id` among them, the id its error page shows and its answer's
/// `X-Request-Id` header carries.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String

    /// Lines are written whole, one at a time, whatever the thread.
    private static let output = NIOLockedValueBox(FileHandle.standardError)

    public init(label: String, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        Self.output.withLockedValue {
            $0.write(Self.line(event, label: label, base: metadata, provider: metadataProvider))
        }
    }

    public func log(
        level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?, source: String,
        file: String, function: String, line: UInt
    ) {
        log(
            event: LogEvent(
                level: level, message: message, metadata: explicit, source: source, file: file, function: function,
                line: line))
    }

    static func line(
        _ event: LogEvent, label: String, base: Logger.Metadata, provider: Logger.MetadataProvider?
    ) -> Data {
        var merged = base
        if let provided = provider?.get() { merged.merge(provided) { _, new in new } }
        if let explicit = event.metadata { merged.merge(explicit) { _, new in new } }
        var object: [String: Any] = [
            "time": ISO8601DateFormatter.string(
                from: Date(), timeZone: TimeZone(identifier: "UTC") ?? .current,
                formatOptions: [.withInternetDateTime, .withFractionalSeconds]),
            "level": event.level.rawValue, "label": label, "message": "\(event.message)", "source": event.source,
        ]
        for (key, value) in merged { object[key] = json(value) }
        let data =
            (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data(#"{"message":"unencodable log line"}"#.utf8)
        return data + Data("\n".utf8)
    }

    private static func json(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let text): text
        case .stringConvertible(let convertible): convertible.description
        case .array(let values): values.map(json)
        case .dictionary(let values): values.mapValues(json)
        }
    }
}
