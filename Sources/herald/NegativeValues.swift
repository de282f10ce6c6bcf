/// `herald metrics record nps -5`: the argument parser takes `-5` for an option and reports the value as missing. For
/// that command a positional value that is a negative number is what the user meant, so the positional arguments are
/// moved after a `--` (in their order, the options before it), where the parser reads them as values.
enum NegativeValues {
    /// Options of `metrics record` that take a value (the others are flags).
    static let valued: Set<String> = ["--date", "--channel", "--strategy", "-s", "--db", "--now"]

    static func rewrite(_ args: [String]) -> [String] {
        guard args.count > 2, args[0] == "metrics", args[1] == "record", !args.contains("--") else { return args }
        let rest = Array(args.dropFirst(2))
        guard rest.contains(where: isNegativeNumber) else { return args }
        var options: [String] = [], positional: [String] = []
        var i = 0
        while i < rest.count {
            let a = rest[i]
            if !a.hasPrefix("-") || isNegativeNumber(a) {
                positional.append(a)
            } else {
                options.append(a)
                if valued.contains(a), i + 1 < rest.count { options.append(rest[i + 1]); i += 1 }
            }
            i += 1
        }
        return ["metrics", "record"] + options + ["--"] + positional
    }

    /// `-5`, `-2.5`, `-.5`, `-3%` (not `-s` or `--db`).
    static func isNegativeNumber(_ s: String) -> Bool {
        guard s.hasPrefix("-"), let first = s.dropFirst().first, first.isASCII, first.isNumber || first == "." else { return false }
        let body = s.dropFirst()
        return Double(body.hasSuffix("%") ? String(body.dropLast()) : String(body)) != nil
    }
}
