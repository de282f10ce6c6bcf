import Foundation
import HeraldTestSupport
import Testing

/// `--owner` finds a participant by id or name, whatever the case and accents; a name that finds nobody is refused.
@Suite struct OwnerLookupTests {
    let now = ["--now", "2026-12-01T00:00:00Z"]

    @Test func ownerFiltersFindParticipantsByIdOrName() throws {
        let ex = try PlannedExample()
        let byID = try ex.posts(["--owner", "anna"])
        #expect(!byID.isEmpty)
        let ids = Set(byID.map { $0["id"] as! String })
        for text in ["Anna", "ANNA DE VRIES", "Ánna", " anna  de vries "] {
            #expect(Set(try ex.posts(["--owner", text]).map { $0["id"] as! String }) == ids, "\(text)")
        }
        let tasks = try ex.run(["tasks", "--owner", "Anna de Vries", "--json"])
        #expect(tasks.status == 0, "\(tasks.stderr)")
        let tasksJSON = try JSONSerialization.jsonObject(with: Data(tasks.stdout.utf8)) as! [String: Any]
        #expect(tasksJSON["participant"] as? String == "anna")
        #expect((tasksJSON["posts"] as! [Any]).count == ids.count)
        let ics = try ex.run(["export", "2027-Q1", "--format", "ics", "--owner", "ÁNNA"])
        #expect(ics.status == 0, "\(ics.stderr)")
        #expect(ics.stdout.contains("Anna de Vries"))
        #expect(ics.stdout.components(separatedBy: "BEGIN:VEVENT").count - 1 == ids.count)
    }

    @Test func postSetAndAddStoreTheParticipantsID() throws {
        let ex = try PlannedExample()
        let post = try #require(try ex.posts(["--owner", "anna", "--channel", "facebook"]).first)
        let id = post["id"] as! String
        let set = try ex.run(["post", "set", id, "--owner", "Lena Bakker", "--force"] + now)
        #expect(set.status == 0, "\(set.stderr)")
        let shown = try JSONSerialization.jsonObject(with: Data(try ex.run(["post", "show", id, "--json"]).stdout.utf8)) as! [String: Any]
        #expect(shown["owner"] as? String == "lena")
        let add = try ex.run(["post", "add", "--channel", "mastodon", "--at", "2027-03-30 12:00", "--owner", "MAREK NOWAK", "--force"] + now)
        #expect(add.status == 0, "\(add.stderr)")
        #expect(try ex.posts(["--owner", "marek"]).contains { $0["local_time"] as? String == "2027-03-30T12:00:00+02:00" })
    }

    @Test func anOwnerThatNamesNobodyChangesNothing() throws {
        let ex = try PlannedExample()
        let before = try ex.posts()
        let id = before[0]["id"] as! String
        let unknown = try ex.run(["post", "set", id, "--owner", "Nobody", "--force"] + now)
        #expect(unknown.status == 65)
        #expect(unknown.stderr.contains("--owner 'Nobody': no participant of that id or name"), "\(unknown.stderr)")
        #expect(unknown.stderr.contains("anna (Anna de Vries)"))
        let tab = try ex.run(["post", "add", "--channel", "mastodon", "--at", "2027-03-30 12:00", "--owner", "\t"] + now)
        #expect(tab.status == 64)
        #expect(tab.stderr.contains("control character"))
        #expect(try ex.run(["calendar", "--owner", "nobody"]).status == 65)
        #expect(try ex.run(["tasks", "--owner", " "]).status == 64)
        #expect(try ex.posts().count == before.count)
        let after = try JSONSerialization.jsonObject(with: Data(try ex.run(["post", "show", id, "--json"]).stdout.utf8)) as! [String: Any]
        #expect(after["owner"] as? String == before[0]["owner"] as? String)
    }
}
