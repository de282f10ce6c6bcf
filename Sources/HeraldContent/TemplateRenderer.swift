import Foundation
import Mustache

/// A value a template can show: text, or a group of named values (`campaign.name`).
public indirect enum TemplateValue: Sendable, Equatable {
    case text(String)
    case group([String: TemplateValue])

    var any: Any {
        switch self {
        case .text(let s): s
        case .group(let g): g.mapValues(\.any)
        }
    }
}

/// Renders logic-less Mustache templates as plain text, strictly: a variable the post does not have is an error
/// naming the file and the line, never a silent blank.
public enum TemplateRenderer {
    /// A tag found in a template.
    struct Tag {
        enum Kind { case variable, section, inverted, close, comment, partial, delimiters, pragma }
        var kind: Kind
        var name: String
        var line: Int
    }

    /// Finds the tags of a template (standard `{{ }}` delimiters).
    static func tags(_ text: String) -> [Tag] {
        var out: [Tag] = []
        var line = 1
        var i = text.startIndex
        while i < text.endIndex {
            guard let open = text.range(of: "{{", range: i..<text.endIndex) else { break }
            line += text[i..<open.lowerBound].filter { $0 == "\n" }.count
            var bodyStart = open.upperBound
            var closer = "}}"
            if bodyStart < text.endIndex, text[bodyStart] == "{" { closer = "}}}"; bodyStart = text.index(after: bodyStart) }
            guard let close = text.range(of: closer, range: bodyStart..<text.endIndex) else { break }
            let body = text[bodyStart..<close.lowerBound]
            let trimmed = body.trimmingCharacters(in: .whitespaces)
            var kind = Tag.Kind.variable
            var name = trimmed
            if closer == "}}", let sigil = trimmed.first {
                switch sigil {
                case "#": kind = .section
                case "^": kind = .inverted
                case "/": kind = .close
                case "!": kind = .comment
                case ">", "<", "$": kind = .partial
                case "=": kind = .delimiters
                case "%": kind = .pragma
                case "&": kind = .variable
                default: break
                }
                if kind != .variable || sigil == "&" { name = String(trimmed.dropFirst()).trimmingCharacters(in: .whitespaces) }
            }
            out.append(Tag(kind: kind, name: name, line: line))
            line += text[open.lowerBound..<close.upperBound].filter { $0 == "\n" }.count
            i = close.upperBound
        }
        return out
    }

    /// The names a template interpolates or tests, for `herald templates show`.
    public static func variables(in text: String) -> [String] {
        Array(Set(tags(text).filter { $0.kind == .variable || $0.kind == .section || $0.kind == .inverted }.map(\.name)))
            .filter { $0 != "." }.sorted()
    }

    static func has(_ path: String, in context: [String: TemplateValue]) -> Bool {
        var current: TemplateValue = .group(context)
        for part in path.split(separator: ".") {
            guard case .group(let g) = current, let next = g[String(part)] else { return false }
            current = next
        }
        return true
    }

    /// Renders a template file for a post's context.
    public static func render(_ file: TemplateFile, context: [String: TemplateValue], post: String) throws(ContentError) -> String {
        // Check variables first: every interpolation must exist unless it sits inside a section of the same name.
        var open: [String] = []
        for tag in tags(file.text) {
            switch tag.kind {
            case .section: open.append(tag.name)
            case .inverted: open.append("^" + tag.name)
            case .close:
                guard let last = open.popLast(), last == tag.name || last == "^" + tag.name else {
                    throw .templateSyntax(file: file.path, line: tag.line, reason: "{{/\(tag.name)}} closes a section that is not open")
                }
            case .partial:
                throw .templateSyntax(file: file.path, line: tag.line, reason: "partials and blocks ({{> …}}) are not supported in post templates")
            case .delimiters:
                throw .templateSyntax(file: file.path, line: tag.line, reason: "changing delimiters ({{= … =}}) is not supported in post templates")
            case .variable where tag.name != "." && !has(tag.name, in: context):
                // Fine when the tag sits in a part that will not render: a section whose value is absent, or an
                // inverted section whose value is present.
                let skipped = open.contains { $0.hasPrefix("^") ? has(String($0.dropFirst()), in: context) : !has($0, in: context) }
                if !skipped { throw .missingVariable(file: file.path, line: tag.line, variable: tag.name, post: post) }
            default: break
            }
        }
        let template: MustacheTemplate
        do {
            // Plain text: nothing is HTML-escaped, even with {{double}} mustaches. Same line, so line numbers hold.
            template = try MustacheTemplate(string: "{{% CONTENT_TYPE: TEXT}}" + file.text)
        } catch let e as MustacheTemplate.ParserError {
            throw .templateSyntax(file: file.path, line: e.context.lineNumber, reason: describe(e.error))
        } catch {
            throw .templateSyntax(file: file.path, line: 1, reason: "\(error)")
        }
        return tidy(template.render(context.mapValues(\.any)))
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case MustacheTemplate.Error.sectionCloseNameIncorrect: "a section is closed with the wrong name"
        case MustacheTemplate.Error.unfinishedName: "a tag is not finished (missing }})"
        case MustacheTemplate.Error.expectedSectionEnd: "a section is opened but never closed"
        case MustacheTemplate.Error.invalidSetDelimiter: "invalid delimiter change"
        default: "\(error)"
        }
    }

    /// Trailing spaces off each line, at most one blank line in a row, no blank lines at either end.
    static func tidy(_ text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            var l = String(line)
            while l.last == " " || l.last == "\t" || l.last == "\r" { l.removeLast() }
            return l
        }
        var out: [String] = []
        for l in lines where !(l.isEmpty && (out.last?.isEmpty ?? true)) { out.append(l) }
        while out.last?.isEmpty == true { out.removeLast() }
        lines = out
        return lines.joined(separator: "\n")
    }
}
