import Foundation
import HeraldCalendars
import HeraldContent
import HeraldModel
import HeraldResources
import HeraldStrategy

extension Workspace {
    /// Reads every file the strategy names, as `plan` and `draft` would, and returns what is wrong with them: each
    /// calendar parsed as ICS, the templates folder, the evergreen library. `herald validate` reports these with the
    /// strategy's own problems, so a broken calendar is found before the first plan. Needs no database.
    public static func problemsInNamedFiles(of loaded: LoadedStrategy) -> [String] {
        let strategy = loaded.strategy
        let locator = ResourceLocator(baseDirectory: loaded.directory)
        var problems: [String] = []
        for source in strategy.calendars {
            do { _ = try parsedCalendar(source, locator: locator) } catch { problems.append(error.description) }
        }
        if let templates = strategy.templatesPath {
            do { _ = try TemplateSet.layered(userFolder: locator.diskPath(templates), displayName: templates) } catch {
                problems.append(error.description)
            }
        }
        if let lib = strategy.library {
            do { _ = try EvergreenLibrary.load(folder: locator.diskPath(lib.path), display: lib.path) } catch {
                problems.append(error.description)
            }
        }
        return problems
    }

    /// One calendar named under `calendars:`, read and parsed.
    static func parsedCalendar(_ source: CalendarSource, locator: ResourceLocator) throws(WorkspaceError) -> ParsedCalendar {
        guard let file = locator.data(source.path) else { throw .calendarMissing(path: locator.diskPath(source.path)) }
        do { return try ICSReader.parse(file.data, file: source.path) } catch { throw .calendar(error) }
    }
}
