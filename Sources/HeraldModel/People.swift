import Foundation

/// A person named on the command line (`--as`, `--owner`): who approved, who acted, whose posts.
public enum PersonName {
    /// Why `text` cannot name a person — empty, only spaces, or holding a control character (a newline, a tab, a NUL)
    /// — or nil when it can. Said after the option, e.g. "--as: the name is empty".
    public static func problem(_ text: String) -> String? {
        if text.unicodeScalars.contains(where: isControl) {
            return "'\(visible(text))' holds a control character (a newline, tab or similar); give a person's name, e.g. \"Anna de Vries\""
        }
        if text.trimmingCharacters(in: .whitespaces).isEmpty {
            return "the name is empty; give a person's name, e.g. \"Anna de Vries\""
        }
        return nil
    }

    /// The name as recorded: spaces around it removed, runs of spaces made one.
    public static func tidy(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// The form names are compared in: tidied, without case, accents or width ("Ánna  DE Vries" → "anna de vries").
    public static func folded(_ text: String) -> String {
        var s = tidy(text).folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
        // Letters that are not a base letter with an accent, so folding keeps them.
        for (from, to) in [("ł", "l"), ("ø", "o"), ("đ", "d"), ("ß", "ss"), ("æ", "ae"), ("œ", "oe"), ("ı", "i")] {
            s = s.replacingOccurrences(of: from, with: to)
        }
        return s
    }

    static func isControl(_ u: Unicode.Scalar) -> Bool {
        switch u.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator: true
        case .format: u.value != 0x200D  // a zero-width joiner belongs to some emoji
        default: false
        }
    }

    /// The text with control characters shown as escapes, for messages.
    static func visible(_ text: String) -> String {
        text.unicodeScalars.map { isControl($0) ? "\\u{\(String($0.value, radix: 16, uppercase: true))}" : String($0) }.joined()
    }
}

extension Strategy {
    /// The participants `text` names: by id or full name, ignoring case, accents and extra spaces ("anna", "ANNA DE
    /// VRIES" and "Ánna" all name participant `anna`, Anna de Vries); failing that, by first name when only one
    /// participant has it. Empty when nobody matches or the text cannot name a person (`PersonName.problem`); more than
    /// one when the text is ambiguous.
    public func matchingParticipants(_ text: String) -> [Participant] {
        guard PersonName.problem(text) == nil else { return [] }
        let key = PersonName.folded(text)
        let exact = participants.filter { PersonName.folded($0.id) == key || PersonName.folded($0.name) == key }
        if !exact.isEmpty { return exact }
        return participants.filter { PersonName.folded($0.firstName) == key }
    }

    /// The one participant `text` names (see `matchingParticipants(_:)`), or nil when none or several do.
    public func participantMatching(_ text: String) -> Participant? {
        let found = matchingParticipants(text)
        return found.count == 1 ? found[0] : nil
    }
}
