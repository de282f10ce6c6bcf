import HeraldModel

/// Dates and numbers as a native speaker writes them, without Foundation formatters (fast and the same everywhere).
public enum LocaleFormat {
    static let months: [String: [String]] = [
        "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
        // Polish and Russian dates use the genitive month name ("14 lutego").
        "pl": ["stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września", "października", "listopada", "grudnia"],
        "de": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"],
        "nl": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"],
        "ru": ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"],
    ]

    /// The language part of a locale code ("de-AT" → "de"); unknown languages format as English.
    public static func language(_ locale: String) -> String {
        let l = String(locale.lowercased().prefix { $0 != "-" && $0 != "_" })
        return months[l] != nil ? l : "en"
    }

    /// "14 February 2027", "14 lutego 2027", "14. Februar 2027", "14 februari 2027", "14 февраля 2027 г."
    public static func date(_ d: LocalDate, locale: String) -> String {
        let lang = language(locale)
        let month = months[lang]![d.month - 1]
        switch lang {
        case "de": return "\(d.day). \(month) \(d.year)"
        case "ru": return "\(d.day) \(month) \(d.year) г."
        default: return "\(d.day) \(month) \(d.year)"
        }
    }

    /// "15%" (en, pl, nl) or "15 %" (de, ru, with a no-break space); decimals with the locale's separator.
    public static func percent(_ value: Double, locale: String) -> String {
        let lang = language(locale)
        let number = Self.number(value, locale: locale)
        return lang == "de" || lang == "ru" ? "\(number)\u{00A0}%" : "\(number)%"
    }

    /// 12.5 → "12.5" (en) or "12,5" (pl, de, nl, ru); whole numbers without decimals.
    public static func number(_ value: Double, locale: String) -> String {
        let lang = language(locale)
        var s: String
        if value == value.rounded() && abs(value) < 1e15 {
            s = String(Int(value))
        } else {
            s = String((value * 100).rounded() / 100)
            if lang != "en" { s = s.replacingOccurrences(of: ".", with: ",") }
        }
        return s
    }

    /// What a caption says instead of a link where links cannot be clicked (Instagram, TikTok): "link in bio".
    public static func linkInBio(locale: String) -> String {
        switch language(locale) {
        case "pl": "link w bio"
        case "de": "Link in der Bio"
        case "nl": "link in bio"
        case "ru": "ссылка в профиле"
        default: "link in bio"
        }
    }

    /// "the Bean & Bloom Coffee team", used when a post has no owner yet.
    public static func team(_ brand: String, locale: String) -> String {
        switch language(locale) {
        case "pl": "zespół \(brand)"
        case "de": "das Team von \(brand)"
        case "nl": "het team van \(brand)"
        case "ru": "команда \(brand)"
        default: "the \(brand) team"
        }
    }
}
