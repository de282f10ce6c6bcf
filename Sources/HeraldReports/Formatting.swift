import Foundation
import HeraldModel

/// Escapes text for HTML element content and attribute values (both quote kinds). Every text that comes from a
/// strategy, a post or a reading goes through this before it reaches HTML.
public func htmlEscape(_ text: String) -> String {
    var needs = false
    for b in text.utf8 where b == UInt8(ascii: "&") || b == UInt8(ascii: "<") || b == UInt8(ascii: ">")
        || b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") || b < 0x20 {
        needs = true
        break
    }
    guard needs else { return text }
    var out = ""
    out.reserveCapacity(text.utf8.count + 16)
    for ch in text.unicodeScalars {
        switch ch {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        case "\n", "\t": out.unicodeScalars.append(ch)
        case "\r": break
        default:
            // Other control characters are not allowed in HTML (nor in XML, which the tests parse it as).
            if ch.value < 0x20 || (0x7F...0x9F).contains(ch.value) { continue }
            out.unicodeScalars.append(ch)
        }
    }
    return out
}

/// Numbers as people write them: 12000, 2.1, 0.35 (at most `decimals` places, no trailing zeros).
public func formatNumber(_ v: Double, decimals: Int = 2) -> String {
    guard v.isFinite else { return "–" }
    // Beyond what a count or a rate can be, scaling for the decimals would overflow: show the value as it is.
    if abs(v) >= 1e15 { return String(format: "%.6g", v) }
    let scale = pow(10, Double(decimals))
    let r = (v * scale).rounded() / scale
    if r == r.rounded(), abs(r) < 1e15 { return String(Int(r)) }
    var s = String(format: "%.\(decimals)f", r)
    while s.hasSuffix("0") { s.removeLast() }
    if s.hasSuffix(".") { s.removeLast() }
    return s
}

/// A number a person wrote (a weight, a baseline, a reading, an alert threshold), shown as written: up to 4 decimals,
/// so 0.125 stays 0.125 where a computed value would be rounded to 0.13.
public func formatEntered(_ v: Double) -> String { formatNumber(v, decimals: 4) }

/// A computed value (a projection) with as many decimals as its size deserves: 18555, 84.3, 2.99.
public func formatMeasure(_ v: Double) -> String {
    formatNumber(v, decimals: abs(v) >= 100 ? 0 : abs(v) >= 10 ? 1 : 2)
}

/// A value with its unit: "9 hours", "3.5%", "12000 people".
public func formatValue(_ v: Double, unit: String, measure: Bool = false) -> String {
    let n = measure ? formatMeasure(v) : formatNumber(v)
    return unit == "%" ? n + "%" : unit.isEmpty ? n : "\(n) \(unit)"
}

@inline(__always) func two(_ v: Int) -> String { v < 10 ? "0\(v)" : String(v) }

@inline(__always) func four(_ v: Int) -> String {
    v >= 1000 ? String(v) : String(repeating: "0", count: 4 - String(v).count) + String(v)
}

extension ZoneClock {
    /// "2027-02-03 08:30" in this zone.
    func dateTimeText(_ instant: Date) -> String {
        let l = local(instant)
        return "\(l.date.iso) \(l.time)"
    }
}

/// A lower-case, hyphenated form of a name for ids and file names: "Bean & Bloom Coffee" → "bean-bloom-coffee".
public func slug(_ text: String) -> String {
    var out = ""
    var dash = false
    for ch in text.lowercased().unicodeScalars {
        if ("a"..."z").contains(ch) || ("0"..."9").contains(ch) {
            if dash, !out.isEmpty { out += "-" }
            out.unicodeScalars.append(ch)
            dash = false
        } else {
            dash = true
        }
    }
    return out.isEmpty ? "herald" : out
}
