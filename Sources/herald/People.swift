import ArgumentParser
import HeraldModel

/// Checks a person's name given on the command line in `validate()`: empty, blank or control characters are a usage
/// error (64) before anything is opened.
func validatePersonName(_ text: String?, option: String) throws {
    guard let text else { return }
    if let problem = PersonName.problem(text) { throw ValidationError("\(option): \(problem).") }
}

/// The participant a command-line value names (`--as`, `--owner`): by id or name, ignoring case and accents.
/// Nobody, or more than one, is bad data (65) with the participants listed.
func participant(named text: String, option: String, in s: Strategy) throws -> Participant {
    if let problem = PersonName.problem(text) { throw CLIError("\(option): \(problem).", exitCode: 64) }
    let found = s.matchingParticipants(text)
    if found.count == 1 { return found[0] }
    let list = { (ps: [Participant]) in ps.map { "\($0.id) (\($0.name))" }.joined(separator: ", ") }
    if found.isEmpty {
        throw CLIError("\(option) '\(PersonName.tidy(text))': no participant of that id or name in the strategy (known: \(list(s.participants))).",
                       exitCode: 65)
    }
    throw CLIError("\(option) '\(PersonName.tidy(text))' could be \(list(found)); give the id.", exitCode: 65)
}
