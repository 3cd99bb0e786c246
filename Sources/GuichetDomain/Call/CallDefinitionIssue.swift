import Foundation

/// One thing wrong with a call definition, named by where it is in the document
/// (`envelopes[3].revisions[0].amount_cents`) so that a file's author or the web editor can put the
/// message next to its cause.
public struct CallDefinitionIssue: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The path in the document: object keys joined by dots, array positions in brackets from 0;
    /// empty for the document itself.
    public let path: String
    /// What is wrong and how to fix it, in French.
    public let message: String

    public init(_ path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    /// `path : message`, as the command line prints it.
    public var description: String { path.isEmpty ? message : "\(path) : \(message)" }
}

/// Builds the paths of ``CallDefinitionIssue``.
enum DefinitionPath {
    static func join(_ base: String, _ key: String) -> String { base.isEmpty ? key : "\(base).\(key)" }
    static func index(_ base: String, _ index: Int) -> String { "\(base)[\(index)]" }

    /// A decoding error's coding path written the same way.
    static func of(_ codingPath: [any CodingKey]) -> String {
        var path = ""
        for key in codingPath {
            if let index = key.intValue { path = Self.index(path, index) } else { path = join(path, key.stringValue) }
        }
        return path
    }
}
