import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// What an XML parse of a picture found: whether it is well-formed, and its elements in order.
struct ParsedPicture {
    var isWellFormed: Bool
    var error: String?
    var elements: [(name: String, attributes: [String: String])]
    var text: String

    func attributes(of name: String) -> [[String: String]] {
        elements.filter { $0.name == name }.map(\.attributes)
    }
}

/// Parses with Foundation's XMLParser, the same strictness a browser applies to inline SVG in XHTML.
final class PictureParser: NSObject, XMLParserDelegate {
    private var elements: [(name: String, attributes: [String: String])] = []
    private var text = ""

    static func parse(_ svg: String) -> ParsedPicture {
        let delegate = PictureParser()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = delegate
        let ok = parser.parse()
        return ParsedPicture(
            isWellFormed: ok, error: parser.parserError.map { String(describing: $0) },
            elements: delegate.elements, text: delegate.text)
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
        qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]
    ) {
        elements.append((elementName, attributeDict))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        text += string
    }
}

extension String {
    /// How many times a substring occurs, without overlaps.
    func occurrences(of needle: String) -> Int {
        components(separatedBy: needle).count - 1
    }
}
