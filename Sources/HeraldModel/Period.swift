/// Parses the period names users type: `2027-Q1`, `2027-03`, `2027`, or a single day `2027-03-14`.
public enum PeriodName {
    public static func parse(_ text: String) -> DateRange? {
        let t = text.trimmingCharacters(in: .whitespaces).uppercased()
        let parts = t.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 1, parts[0].count == 4, let y = Int(parts[0]),
           let s = LocalDate(year: y, month: 1, day: 1), let e = LocalDate(year: y, month: 12, day: 31) {
            return DateRange(start: s, end: e)
        }
        if parts.count == 2, parts[0].count == 4, let y = Int(parts[0]) {
            if parts[1].count == 2, parts[1].first == "Q", let q = Int(parts[1].dropFirst()), (1...4).contains(q),
               let s = LocalDate(year: y, month: (q - 1) * 3 + 1, day: 1) {
                let endMonth = LocalDate(year: y, month: q * 3, day: 1)!
                return DateRange(start: s, end: endMonth.lastOfMonth)
            }
            if parts[1].count == 2, let m = Int(parts[1]), let s = LocalDate(year: y, month: m, day: 1) {
                return DateRange(start: s, end: s.lastOfMonth)
            }
        }
        if let d = LocalDate(iso: t) { return DateRange(start: d, end: d) }
        return nil
    }
}

import Foundation
