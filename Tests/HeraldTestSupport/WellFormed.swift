import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Parses text as XML (Herald's HTML is written to be well-formed XML too) and returns the first error, or nil.
/// Also collects the element names seen, so a test can check that no unexpected element (a `<script>` smuggled in
/// through a brand name) appears.
public final class WellFormedChecker: NSObject, XMLParserDelegate, @unchecked Sendable {
    public private(set) var elements: [String: Int] = [:]
    public private(set) var texts: [String] = []

    public override init() {}

    public func check(_ text: String) -> String? {
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = self
        parser.shouldResolveExternalEntities = false
        if parser.parse() { return nil }
        return "line \(parser.lineNumber), column \(parser.columnNumber): \(parser.parserError.map { "\($0)" } ?? "parse error")"
    }

    public func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                       qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        elements[elementName, default: 0] += 1
    }

    public func parser(_ parser: XMLParser, foundCharacters string: String) { texts.append(string) }
}
