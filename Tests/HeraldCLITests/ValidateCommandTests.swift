import Foundation
import HeraldTestSupport
import Testing

@Suite struct ValidateCommandTests {
    @Test func initThenValidateTheExample() throws {
        let dir = TemporaryDirectory()
        let initRun = try herald(["init"], directory: dir.path)
        #expect(initRun.status == 0)
        #expect(dir.read("strategy.yaml") == exampleStrategy)

        let run = try herald(["validate"], directory: dir.path)
        #expect(run.status == 0)
        #expect(run.stdout == "strategy.yaml: OK — 3 goals, 7 metrics, 4 channels, 5 participants, 3 campaigns (1 warning)\n")
        #expect(run.stderr.contains("warning: participants[4]: Tom Jansen is not trained yet"))
    }

    @Test func initRefusesToOverwrite() throws {
        let dir = TemporaryDirectory()
        dir.write("strategy.yaml", "mine\n")
        let run = try herald(["init"], directory: dir.path)
        #expect(run.status == 73)
        #expect(run.stderr.contains("already exists"))
        #expect(dir.read("strategy.yaml") == "mine\n")
        #expect(try herald(["init", "--force"], directory: dir.path).status == 0)
        #expect(dir.read("strategy.yaml") == exampleStrategy)
    }

    @Test func aMissingFileExits66() throws {
        let dir = TemporaryDirectory()
        let run = try herald(["validate"], directory: dir.path)
        #expect(run.status == 66)
        #expect(run.stderr.contains("strategy.yaml: no such file"))
        #expect(run.stdout.isEmpty)
    }

    @Test func brokenYAMLExits78WithTheLine() throws {
        let dir = TemporaryDirectory()
        dir.write("strategy.yaml", "brand:\n  name: \"Unclosed\ntimezone: UTC\n")
        let run = try herald(["validate"], directory: dir.path)
        #expect(run.status == 78)
        #expect(run.stderr.contains("strategy.yaml:"))
        #expect(run.stderr.contains("the YAML is broken"))
    }

    @Test(arguments: ["03-wrong-type-number", "06-unknown-hook-ref", "16-mix-sum-short", "18-inline-secret", "39-many-errors"])
    func invalidContentExits65WithEveryError(_ name: String) throws {
        let path = Repo.path("Tests/HeraldStrategyTests/Fixtures/broken/\(name).yaml")
        let dir = TemporaryDirectory()
        let run = try herald(["validate", path, "--db", dir.file("h.sqlite")], directory: dir.path)
        #expect(run.status == 65)
        let expected = Repo.text("Tests/HeraldStrategyTests/Fixtures/broken/\(name).yaml")
            .split(separator: "\n").filter { $0.hasPrefix("# expect: ") }.map { String($0.dropFirst(10)) }
        for fragment in expected { #expect(run.stderr.contains(fragment), "missing \(fragment) in \(run.stderr)") }
        #expect(run.stderr.contains("nothing was changed"))
        #expect(run.stdout.isEmpty)
        // validate never creates a database.
        #expect(!FileManager.default.fileExists(atPath: dir.file("h.sqlite")))
    }

    @Test func theStrategyCanComeFromTheEnvironment() throws {
        let dir = TemporaryDirectory()
        dir.write("plans/q1.yaml", exampleStrategy)
        let run = try herald(["validate"], environment: ["HERALD_STRATEGY": dir.file("plans/q1.yaml")], directory: dir.path)
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("q1.yaml: OK"))
    }
}

@Suite struct ListingCommandTests {
    let dir: TemporaryDirectory = {
        let d = TemporaryDirectory()
        d.write("strategy.yaml", exampleStrategy)
        return d
    }()

    @Test func goalsAsATable() throws {
        let run = try herald(["goals"], directory: dir.path)
        #expect(run.status == 0)
        #expect(run.stdout.contains("awareness — Be the neighbourhood's first coffee stop"))
        #expect(run.stdout.contains("12000 → 20000 people"))
        #expect(run.stdout.contains("↓ down"))
    }

    @Test func goalsAsJSON() throws {
        let run = try herald(["goals", "--json"], directory: dir.path)
        #expect(run.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
        #expect(json.count == 3)
        let metrics = json.flatMap { ($0["metrics"] as? [[String: Any]]) ?? [] }
        #expect(metrics.count == 7)
        let responseTime = try #require(metrics.first { $0["id"] as? String == "response-time" })
        #expect(responseTime["direction"] as? String == "down")
        #expect(responseTime["deadline"] as? String == "2027-02-28")
        #expect(responseTime["baseline"] as? Double == 9)
    }

    @Test func channelsAndPeople() throws {
        let channels = try herald(["channels", "--json"], directory: dir.path)
        let list = try #require(try JSONSerialization.jsonObject(with: Data(channels.stdout.utf8)) as? [[String: Any]])
        #expect(list.map { $0["id"] as? String } == ["facebook", "instagram", "mastodon", "newsletter"])
        #expect(list[1]["days"] as? [String] == ["tue", "thu", "sat", "sun"])
        let table = try herald(["channels"], directory: dir.path)
        #expect(table.stdout.contains("mastodon-cli"))

        let people = try herald(["people"], directory: dir.path)
        #expect(people.status == 0)
        #expect(people.stdout.contains("Tom Jansen"))
        #expect(people.stdout.contains("2027-02-15..2027-02-19"))
        let peopleJSON = try herald(["people", "--json"], directory: dir.path)
        let p = try #require(try JSONSerialization.jsonObject(with: Data(peopleJSON.stdout.utf8)) as? [[String: Any]])
        #expect(p.count == 5)
        #expect(p.last?["trained"] as? Bool == false)
    }

    @Test func databaseInfoAndMigrate() throws {
        let migrate = try herald(["db", "migrate"], directory: dir.path)
        #expect(migrate.status == 0)
        #expect(migrate.stdout.contains("applied v1-strategy-and-posts"))
        let again = try herald(["db", "migrate"], directory: dir.path)
        #expect(again.stdout.contains("up to date"))
        let info = try herald(["db", "info", "--json"], directory: dir.path)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as? [String: Any])
        // The latest migration applied (later features append their own after these).
        let applied = try #require(json["applied_migrations"] as? [String])
        #expect(Array(applied.prefix(2)) == ["v1-strategy-and-posts", "v2-metric-readings"])
        #expect(json["schema_version"] as? String == applied.last)
        #expect((json["pending_migrations"] as? [String])?.isEmpty == true)
        #expect(FileManager.default.fileExists(atPath: dir.file("herald.sqlite")))
        let elsewhere = try herald(["db", "info"], environment: ["HERALD_DB": dir.file("other.sqlite")], directory: dir.path)
        #expect(elsewhere.stdout.contains("other.sqlite"))
    }

    @Test func version() throws {
        let run = try herald(["--version"])
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("herald "))
    }
}
