import ArgumentParser
import HeraldStrategy

/// `herald plna`: the argument parser reports "2 unexpected arguments" for a misspelt subcommand. Before parsing, the
/// words naming subcommands are walked down the command tree; a word that names none where a subcommand is expected
/// is reported as an unknown command, with the closest one ("Did you mean 'plan'?") and the list to choose from.
enum UnknownCommand {
    static func subcommands(of command: ParsableCommand.Type) -> [ParsableCommand.Type] {
        let c = command.configuration
        var seen: Set<ObjectIdentifier> = []
        return (c.subcommands + c.groupedSubcommands.flatMap(\.subcommands) + c.ungroupedSubcommands)
            .filter { seen.insert(ObjectIdentifier($0)).inserted }
    }

    static func names(of command: ParsableCommand.Type) -> [String] {
        let c = command.configuration
        return [c.commandName ?? command._commandName] + c.aliases
    }

    /// The message for the first misspelt subcommand in `args`, or nil when the words are fine (or not ours to judge).
    static func problem(in args: [String], root: ParsableCommand.Type) -> String? {
        var current = root
        var path = [names(of: root)[0]]
        for word in args {
            if word.hasPrefix("-") || word == "help" { return nil }
            let subs = subcommands(of: current)
            if subs.isEmpty { return nil }
            if let next = subs.first(where: { names(of: $0).contains(word) }) {
                current = next
                path.append(word)
                continue
            }
            let known = subs.map { names(of: $0)[0] }
            let closest = Suggest.closest(to: word, in: known)
            // A command with a default subcommand may take this word as that subcommand's argument: only a near miss
            // of a subcommand's name is reported there.
            if current.configuration.defaultSubcommand != nil, closest == nil { return nil }
            let hint = closest.map { " Did you mean '\($0)'?" } ?? ""
            return "'\(word)' is not a \(path.joined(separator: " ")) command.\(hint) Commands: \(known.joined(separator: ", ")). See '\(path.joined(separator: " ")) --help'."
        }
        return nil
    }
}
