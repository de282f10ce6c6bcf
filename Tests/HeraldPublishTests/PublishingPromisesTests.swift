import Foundation
import GRDB
import HeraldModel
import HeraldPublish
import HeraldStore
import HeraldStrategy
import HeraldTestSupport
import Logging
import Testing

/// Seconds between a `webhook-timestamp` and this computer's clock.
func skew(_ timestamp: Int) -> Double { abs(Double(timestamp) - Date().timeIntervalSince1970) }

/// `--now` replays time for planning and the queue; what leaves the machine carries the real time of sending.
@Suite(.serialized) struct SendingTimeTests {
    @Test func requestsAreSignedWithTheSendingClockNotTheReplayedOne() async throws {
        let dir = TemporaryDirectory("herald-sending-clock")
        let receiver = try Receiver(dir)
        let f = try PublishFixture(hooksYAML: webhookYAML("social", receiver.url), channelHooks: ["social"], notify: "social")
        try f.approvedPosts(at: [t0, t0.addingTimeInterval(60)])
        let strategy = try StrategyLoader.load(file: f.dir.file("strategy.yaml")).strategy
        let hooks = try ResolvedHook.resolve(strategy, environment: f.environment, baseDirectory: f.dir.path)
        let caller = HookCaller(environment: f.environment, concurrency: 4)
        var quiet = Logger(label: "test")
        quiet.logLevel = .error
        var publisher = Publisher(store: try f.store(), strategy: strategy, hooks: hooks, caller: caller,
                                  settings: PublisherSettings(owner: "test:1:abc"), environment: f.environment, logger: quiet, link: { _ in nil })
        let real = Date(iso: "2026-12-03T10:00:00Z")!
        publisher.sendingClock = { real }
        let replayed = t0.addingTimeInterval(300)
        let report = try await publisher.runOnce(now: { replayed })
        await caller.shutdown()
        #expect(report.counts.published == 2)
        let requests = receiver.requests
        #expect(requests.count == 4)  // two posts, two post.published events
        #expect(requests.allSatisfy { $0.timestamp == Int(real.timeIntervalSince1970) }, "\(requests.map(\.timestamp))")
        #expect(requests.allSatisfy(signatureIsValid))
        // The queue keeps the replayed time.
        #expect(try f.deliveries().allSatisfy { $0.publishedAt == Date(timeIntervalSince1970: replayed.timeIntervalSince1970.rounded(.down)) })
    }

    @Test func publishWithNowAheadSignsWithTheRealTimeAndSaysSo() throws {
        let f = try PublishFixture(hooksYAML: "", channelHooks: ["api"])
        let r = try Receiver(f.dir)
        f.dir.write("strategy.yaml", f.dir.read("strategy.yaml")! + webhookYAML("api", r.url) + "\n")
        let ahead = Date().addingTimeInterval(400 * 86_400)
        try f.approvedPosts(at: [ahead.addingTimeInterval(-60)])
        let run = try f.publish(now: ahead.isoUTC)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("note: --now \(ahead.isoUTC) is ahead of this computer's clock"), "\(run.stderr)")
        #expect(run.stderr.contains("webhooks are signed with the real time"))
        #expect(r.requests.count == 1)
        #expect(skew(r.requests[0].timestamp) < 120, "\(r.requests[0].timestamp)")
        #expect(r.requests.allSatisfy(signatureIsValid))
        // A --now in the past (replaying what happened) says nothing about it.
        let past = try herald(["status", "--now", "2020-01-01T00:00:00Z"], directory: f.dir.path)
        #expect(!past.stderr.contains("ahead of this computer's clock"))
    }

    @Test func hooksTestSignsWithTheRealTime() throws {
        let f = try PublishFixture(hooksYAML: "", channelHooks: ["api"])
        let r = try Receiver(f.dir)
        f.dir.write("strategy.yaml", f.dir.read("strategy.yaml")! + webhookYAML("api", r.url) + "\n")
        let run = try herald(["hooks", "test", "api", "--now", "2030-01-01T00:00:00Z"], environment: f.environment, directory: f.dir.path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(skew(try #require(r.requests.first).timestamp) < 120)
        #expect(r.requests.allSatisfy(signatureIsValid))
    }
}

@Suite(.serialized) struct PersonsDecisionTests {
    /// A retry of a delivery whose post is due later waits for the post's time.
    @Test func aRetryNeverSendsAPostBeforeItsTime() throws {
        let f = try PublishFixture(hooksYAML: "", channelHooks: ["api"])
        let r = try Receiver(f.dir, script: [["status": 400], ["status": 200]])
        f.dir.write("strategy.yaml", f.dir.read("strategy.yaml")! + webhookYAML("api", r.url) + "\n")
        try f.approvedPosts(at: [t0])
        #expect(try f.publish(now: "2027-03-01T09:05:00Z").status == 65)
        let d = try #require(try f.deliveries().first)
        #expect(d.state == .failed)
        // A month before the post's time, a person retries it.
        let retry = try herald(["queue", "retry", d.id, "--now", "2027-02-01T09:00:00Z"], directory: f.dir.path)
        #expect(retry.status == 0, "\(retry.stderr)")
        #expect(retry.stdout.contains("at its time, 2027-03-01T09:00:00+00:00"), "\(retry.stdout)")
        #expect(try f.deliveries()[0].nextAttemptAt == t0)
        #expect(try f.publish(now: "2027-02-01T09:01:00Z").status == 0)
        #expect(r.requests.count == 1)
        #expect(try f.deliveries()[0].state == .retrying)
        // At its time it goes out.
        #expect(try f.publish(now: "2027-03-01T09:00:30Z").status == 0)
        #expect(r.requests.count == 2)
        #expect(try f.deliveries()[0].state == .published)
        // A retry after the post's time goes out at the next publish, as before.
        let again = try herald(["queue", "retry", d.id], directory: f.dir.path)
        #expect(again.status == 65)  // published: nothing to retry
    }

    @Test func aPassThatLeavesWorkForAPersonExits65AndTheNextQuietPassExits0() throws {
        let f = try PublishFixture(hooksYAML: "", channelHooks: ["api"])
        let r = try Receiver(f.dir, script: [["status": 400]])
        f.dir.write("strategy.yaml", f.dir.read("strategy.yaml")! + webhookYAML("api", r.url) + "\n")
        try f.approvedPosts(at: [t0, t0.addingTimeInterval(1)])
        let run = try f.publish(now: "2027-03-01T09:05:00Z")
        #expect(run.status == 65, "\(run.stderr)")
        #expect(run.stderr.contains("herald publish: 2 deliveries need a person"), "\(run.stderr)")
        #expect(run.stdout.contains("2 failed"))
        #expect(try f.store().lastRuns(1).first?.exitCode == 65)
        // Still waiting for a person, but this pass did nothing new: cron is not mailed every minute.
        #expect(try f.publish(now: "2027-03-01T09:06:00Z").status == 0)
        let help = try herald(["publish", "--help"])
        #expect(help.stdout.contains("65 this pass left deliveries"))
    }

    @Test func runReportsWhatNeedsAPersonAndKeepsRunning() throws {
        let f = try PublishFixture(hooksYAML: "", channelHooks: ["api"])
        let r = try Receiver(f.dir, script: [["status": 400]])
        f.dir.write("strategy.yaml", f.dir.read("strategy.yaml")! + webhookYAML("api", r.url) + "\n")
        try f.approvedPosts(at: [t0])
        let service = try RunningService(in: f.dir.path, ["--now", "2027-03-01T09:05:00Z", "--interval", "60"],
                                         environment: f.environment)
        service.read { $0.contains("needs a person") }
        #expect(service.process.isRunning)
        let stopped = service.stop()
        #expect(stopped.status == 0)
        #expect(service.text.contains("herald run: 1 delivery needs a person"), "\(service.text)")
    }
}

@Suite(.serialized) struct CommandHookTests {
    /// Secrets a command must not see, and one it asks for.
    static let webhookSecret = "whsec_" + Data((0..<32).map { UInt8(($0 * 13 + 5) % 256) }).base64EncodedString()
    static let token = "tok-9f8e7d6c5b4a3210"

    @Test func aCommandGetsAMinimalEnvironmentAndNoSecretIsStored() throws {
        let f = try PublishFixture(hooksYAML: "", channelHooks: ["cmd", "api"])
        let r = try Receiver(f.dir)
        // p-0 goes out and answers with an address holding the token; p-1 fails, printing both secrets.
        let script = f.dir.write("post.sh", """
            #!/bin/sh
            env > "$0.$HERALD_POST_ID.env"
            if [ "$HERALD_POST_ID" = "p-0" ]; then
              echo "{\\"url\\": \\"https://masto.example/$MASTODON_TOKEN\\", \\"id\\": \\"$MASTODON_TOKEN\\"}"
              echo "logged in with $MASTODON_TOKEN" >&2
              exit 0
            fi
            echo "oops: \(Self.webhookSecret) and $MASTODON_TOKEN" >&2
            # 490 characters, then the secret: the stored excerpt (500 characters) cuts it.
            printf '%0490d %s' 0 "\(Self.webhookSecret)"
            exit 3
            """)
        chmod(script, 0o755)
        f.dir.write("strategy.yaml", f.dir.read("strategy.yaml")!
            + "  - {id: cmd, type: command, argv: [\"\(script)\"], env: [MASTODON_TOKEN], timeout: 5s}\n"
            + webhookYAML("api", r.url) + "\n")
        try f.approvedPosts(at: [t0, t0.addingTimeInterval(60)])
        let env = ["HERALD_WEBHOOK_SECRET": Self.webhookSecret, "MASTODON_TOKEN": Self.token, "UNRELATED_VARIABLE": "keep-me-out",
                   "HOME": "/home/herald", "LANG": "de_DE.UTF-8"]
        let run = try f.publish(now: "2027-03-01T09:05:00Z", env: env)
        #expect(run.status == 65, "\(run.stderr)")

        let seen = try #require(f.dir.read("post.sh.p-0.env"))
        let names = Set(seen.split(separator: "\n").compactMap { $0.split(separator: "=", maxSplits: 1).first.map(String.init) })
        #expect(names.isSuperset(of: ["PATH", "HOME", "LANG", "MASTODON_TOKEN", "HERALD_DELIVERY_ID", "HERALD_POST_ID"]), "\(names)")
        #expect(!seen.contains("HERALD_WEBHOOK_SECRET") && !seen.contains("HERALD_TEST_SECRET") && !seen.contains("UNRELATED_VARIABLE"), "\(seen)")
        #expect(!seen.contains(testSecret) && !seen.contains(Self.webhookSecret))
        #expect(seen.contains("LANG=de_DE.UTF-8") && seen.contains("HOME=/home/herald"))

        let byPost = Dictionary(uniqueKeysWithValues: try f.deliveries().filter { $0.hook == "cmd" }.map { ($0.post, $0) })
        #expect(byPost["p-0"]?.state == .published)
        #expect(byPost["p-0"]?.remoteURL == "https://masto.example/[redacted]")
        #expect(byPost["p-1"]?.state == .failed)
        #expect(byPost["p-1"]?.lastError?.contains("oops: [redacted] and [redacted]") == true, "\(byPost["p-1"]?.lastError ?? "")")
        let excerpt = try f.store().attempts(delivery: try #require(byPost["p-1"]).id).last?.responseExcerpt ?? ""
        #expect(excerpt.hasSuffix("0 [redacted]"), "\(excerpt)")

        // Not one secret value, whole or cut, in any column of any table.
        let queue = try DatabaseQueue(path: f.dbPath)
        let everything = try queue.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'").flatMap { table in
                try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\"").flatMap { row in row.databaseValues.map(\.description) }
            }.joined(separator: "\n")
        }
        for secret in [Self.webhookSecret, String(Self.webhookSecret.prefix(9)), Self.token, testSecret,
                       String(Self.webhookSecret.dropFirst(6))] {
            #expect(!everything.contains(secret), "\(secret) stored")
        }
        #expect(everything.contains("[redacted]"))
    }

    @Test func theEnvListIsValidated() throws {
        let f = try PublishFixture(hooksYAML: "  - {id: cmd, type: command, argv: [\"/bin/true\"], env: [\"BAD NAME\", HERALD_WEBHOOK_SECRET]}\n"
                                   + "  - {id: box, type: outbox, dir: out, env: [TOKEN]}", channelHooks: ["cmd"])
        try f.approvedPosts(at: [t0])
        let check = try herald(["validate", "strategy.yaml"], directory: f.dir.path)
        #expect(check.status == 65, "\(check.stderr)")
        #expect(check.stderr.contains("hooks[0].env[0]: expected an environment variable name like MASTODON_TOKEN"), "\(check.stderr)")
        #expect(check.stderr.contains("hooks[0].env[1]: HERALD_WEBHOOK_SECRET is Herald's own"), "\(check.stderr)")
        #expect(check.stderr.contains("hooks[1].env: `env` is only for command hooks"), "\(check.stderr)")
        #expect(try f.publish(now: "2027-03-01T09:05:00Z").status == 78)  // a hook's configuration: nothing is claimed
        #expect(try f.deliveries().isEmpty)
    }

    @Test func aListedVariableThatIsNotSetIsAConfigurationError() throws {
        let f = try PublishFixture(hooksYAML: "  - {id: cmd, type: command, argv: [\"/bin/true\"], env: [MASTODON_TOKEN]}", channelHooks: ["cmd"])
        try f.approvedPosts(at: [t0])
        let run = try f.publish(now: "2027-03-01T09:05:00Z")
        #expect(run.status == 78, "\(run.stderr)")
        #expect(run.stderr.contains("hooks[0] (cmd).env: the environment variable MASTODON_TOKEN is not set"), "\(run.stderr)")
        #expect(try f.deliveries().isEmpty)
        #expect(try f.store().post("p-0").status == .approved)
    }

    /// Eight commands that each wait until all eight have started: they only finish when they run at once.
    @Test func commandsRunConcurrentlyAndTheirAttemptsEndWhenTheyDo() throws {
        let f = try PublishFixture(hooksYAML: "", channelHooks: ["cmd"])
        let started = f.dir.file("started")
        try FileManager.default.createDirectory(atPath: started, withIntermediateDirectories: true)
        let script = f.dir.write("barrier.sh", """
            #!/bin/sh
            touch "\(started)/$HERALD_DELIVERY_ID"
            i=0
            while [ "$(ls "\(started)" | wc -l)" -lt 8 ]; do
              i=$((i + 1)); if [ $i -gt 100 ]; then echo "only $(ls "\(started)" | wc -l) running" >&2; exit 3; fi
              sleep 0.05
            done
            echo '{}'
            """)
        chmod(script, 0o755)
        f.dir.write("strategy.yaml", f.dir.read("strategy.yaml")! + "  - {id: cmd, type: command, argv: [\"\(script)\"], timeout: 10s}\n")
        try f.approvedPosts(at: (0..<8).map { t0.addingTimeInterval(Double($0)) })
        let run = try f.publish(now: "2027-03-01T09:05:00Z", env: ["HERALD_CONCURRENCY": "8"])
        #expect(run.status == 0, "\(run.stderr)")
        let deliveries = try f.deliveries()
        #expect(deliveries.count == 8 && deliveries.allSatisfy { $0.state == .published }, "\(deliveries.map(\.lastError))")
        // Each attempt ends when its command did: within a couple of seconds of the pass's start, not seconds later.
        for d in deliveries {
            let a = try #require(try f.store().attempts(delivery: d.id).last)
            let took = try #require(a.endedAt).timeIntervalSince(a.startedAt)
            #expect(took >= 0 && took <= 2, "\(d.id) took \(took) s")
        }
    }

    @Test func aCommandStoppedAtItsTimeoutIsReportedAndNotWaitedFor() throws {
        let f = try PublishFixture(hooksYAML: "", channelHooks: ["cmd"])
        let script = f.dir.write("slow.sh", "#!/bin/sh\necho starting\nexec sleep 30\n")
        chmod(script, 0o755)
        f.dir.write("strategy.yaml", f.dir.read("strategy.yaml")! + "  - {id: cmd, type: command, argv: [\"\(script)\"], timeout: 1s, idempotent: true}\n")
        try f.approvedPosts(at: [t0])
        let began = Date()
        let run = try f.publish(now: "2027-03-01T09:05:00Z")
        #expect(Date().timeIntervalSince(began) < 10)
        #expect(run.status == 75, "\(run.stderr)")
        let a = try #require(try f.store().attempts(delivery: f.deliveries()[0].id).last)
        #expect(a.error?.contains("did not finish within 1 s") == true)
        #expect(a.responseExcerpt?.trimmingCharacters(in: .whitespacesAndNewlines) == "starting")
    }
}

@Suite(.serialized) struct PublishLockTests {
    /// A publisher holds the lock of the database; another one started through a symbolic link to it must see that.
    @Test func twoNamesForOneDatabaseShareOneLock() throws {
        let f = try PublishFixture(hooksYAML: "", channelHooks: ["api"])
        let r = try Receiver(f.dir)
        f.dir.write("strategy.yaml", f.dir.read("strategy.yaml")! + webhookYAML("api", r.url) + "\n")
        try f.approvedPosts(at: [t0])
        let elsewhere = TemporaryDirectory("herald-link")
        let link = elsewhere.file("alias.sqlite")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: f.dbPath)
        let resolved = URL(fileURLWithPath: f.dbPath).resolvingSymlinksInPath().path
        let held = try #require(try FileLock(path: resolved + ".lock", wait: false))
        let run = try f.publish(now: "2027-03-01T09:05:00Z", ["--db", link, "--verbose"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("another herald is publishing"), "\(run.stderr)")
        #expect(r.requests.isEmpty)
        withExtendedLifetime(held) {}
        #expect(!FileManager.default.fileExists(atPath: link + ".lock"))
        #expect(FileLock.publishLockPath(database: link) == resolved + ".lock")
    }
}

@Suite(.serialized) struct HookTestEventTests {
    @Test func anOutboxTestGoesToItsTestFolderNeverTheOutbox() throws {
        let f = try PublishFixture(hooksYAML: "  - {id: box, type: outbox, dir: out}", channelHooks: ["box"])
        let run = try herald(["hooks", "test", "box"], environment: f.environment, directory: f.dir.path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: f.dir.file("out")) == ["test"])
        let files = try FileManager.default.contentsOfDirectory(atPath: f.dir.file("out/test"))
        #expect(files.count == 1)
        let file = try #require(files.first)
        #expect(file.hasPrefix("test-") && file.hasSuffix(".json"), "\(file)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: f.dir.file("out/test/\(file)")))) as? [String: Any]
        #expect(json?["type"] as? String == "hook.test")
        #expect(run.stdout.contains("out/test/test-"), "\(run.stdout)")
    }

    @Test func aCommandTestCarriesTheTestType() throws {
        let f = try PublishFixture(hooksYAML: "", channelHooks: ["cmd"])
        let script = f.dir.write("post.sh", "#!/bin/sh\ncat > \"$0.stdin.json\"\nprintf '%s' \"$HERALD_DELIVERY_ID\" > \"$0.id\"\n")
        chmod(script, 0o755)
        f.dir.write("strategy.yaml", f.dir.read("strategy.yaml")! + "  - {id: cmd, type: command, argv: [\"\(script)\"]}\n")
        let run = try herald(["hooks", "test", "cmd"], environment: f.environment, directory: f.dir.path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(f.dir.read("post.sh.stdin.json")?.contains("\"type\":\"hook.test\"") == true)
        #expect(f.dir.read("post.sh.id")?.hasPrefix("test_") == true)
    }
}

@Suite(.serialized) struct StrategyWarningTests {
    /// Cron runs publish every minute: a strategy's warnings are printed by the first pass that works from it, again
    /// when the strategy changes, and with --verbose; not on every pass.
    @Test func publishPrintsAStrategysWarningsOncePerChange() throws {
        let f = try PublishFixture(hooksYAML: "  - {id: box, type: outbox, dir: out}", channelHooks: ["box"])
        f.dir.write("strategy.yaml", f.dir.read("strategy.yaml")!.replacingOccurrences(of: "trained: true", with: "trained: false"))
        let warning = "Ola is not trained yet"
        try f.approvedPosts(at: [t0], prefix: "a")
        let first = try f.publish(now: "2027-03-01T09:05:00Z")
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains(warning), "\(first.stderr)")
        try f.approvedPosts(at: [t0.addingTimeInterval(600)], prefix: "b")
        let second = try f.publish(now: "2027-03-01T09:15:00Z")
        #expect(second.status == 0)
        #expect(try f.store().post("b-0").status == .published)
        #expect(!second.stderr.contains(warning), "\(second.stderr)")
        try f.approvedPosts(at: [t0.addingTimeInterval(1200)], prefix: "c")
        let verbose = try f.publish(now: "2027-03-01T09:25:00Z", ["--verbose"])
        #expect(verbose.stderr.contains(warning))
        // The strategy changes: its warnings are printed once more.
        f.dir.write("strategy.yaml", f.dir.read("strategy.yaml")! + "# edited\n")
        try f.approvedPosts(at: [t0.addingTimeInterval(1800)], prefix: "d")
        #expect(try f.publish(now: "2027-03-01T09:35:00Z").stderr.contains(warning))
        try f.approvedPosts(at: [t0.addingTimeInterval(2400)], prefix: "e")
        #expect(!(try f.publish(now: "2027-03-01T09:45:00Z").stderr.contains(warning)))
        // Other commands still print them: a person is reading.
        #expect(try herald(["status"], directory: f.dir.path).stderr.isEmpty)
        #expect(try herald(["validate", "strategy.yaml"], directory: f.dir.path).stderr.contains(warning)
                || (try herald(["validate", "strategy.yaml"], directory: f.dir.path).stdout.contains(warning)))
    }

    @Test func runPrintsWarningsAnEarlierPassPrintedOnlyWithVerbose() throws {
        let f = try PublishFixture(hooksYAML: "  - {id: box, type: outbox, dir: out}", channelHooks: ["box"])
        f.dir.write("strategy.yaml", f.dir.read("strategy.yaml")!.replacingOccurrences(of: "trained: true", with: "trained: false"))
        try f.approvedPosts(at: [t0])
        #expect(try f.publish(now: "2027-03-01T09:05:00Z").stderr.contains("not trained yet"))
        try f.approvedPosts(at: [t0.addingTimeInterval(600)], prefix: "b")
        let quiet = try RunningService(in: f.dir.path, ["--now", "2027-03-01T09:15:00Z"], separateErrors: true)
        quiet.read { $0.contains("published 1") }
        let q = quiet.stop()
        #expect(!q.stderr.contains("not trained yet"), "\(q.stderr)")
        let loud = try RunningService(in: f.dir.path, ["--now", "2027-03-01T09:16:00Z", "--verbose"], separateErrors: true)
        loud.read { $0.contains("publishing from") }
        let l = loud.stop()
        #expect(l.stderr.contains("not trained yet"), "\(l.stderr)")
    }
}

@Suite(.serialized) struct StatusAndListingTests {
    @Test func statusListsOverdueFirstAndNeverANegativeAge() throws {
        let f = try PublishFixture(hooksYAML: "  - {id: box, type: outbox, dir: out}", channelHooks: ["box"])
        try f.approvedPosts(at: [t0, t0.addingTimeInterval(86_400)])
        // Nothing has published the first post, due an hour ago.
        let before = try herald(["status", "--now", "2027-03-01T10:00:00Z"], directory: f.dir.path)
        #expect(before.status == 0, "\(before.stderr)")
        #expect(before.stdout.contains("p-0  overdue"), "\(before.stdout)")
        #expect(before.stdout.contains("p-1"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(herald(["status", "--json", "--now", "2027-03-01T10:00:00Z"],
                                                                                   directory: f.dir.path).stdout.utf8)) as? [String: Any])
        #expect((json["overdue"] as? [[String: Any]])?.map { $0["post"] as? String } == ["p-0"])
        #expect((json["next_due"] as? [[String: Any]])?.map { $0["post"] as? String } == ["p-1"])
        #expect((json["warnings"] as? [String])?.first?.contains("is cron set up?") == true)
        #expect(json["last_run"] == nil)

        #expect(try f.publish(now: "2027-03-01T10:00:00Z").status == 0)
        // Asked about a time before the last pass's (replayed) clock.
        let earlier = try herald(["status", "--now", "2027-02-01T00:00:00Z"], directory: f.dir.path)
        #expect(!earlier.stdout.contains("(-"), "\(earlier.stdout)")
        #expect(earlier.stdout.contains("min after the time asked about"), "\(earlier.stdout)")
        let later = try herald(["status", "--now", "2027-03-01T10:30:00Z", "--json"], directory: f.dir.path)
        let run = try #require((try JSONSerialization.jsonObject(with: Data(later.stdout.utf8)) as? [String: Any])?["last_run"] as? [String: Any])
        #expect(run["minutes_ago"] as? Int == 30)
        #expect(run["published"] as? Int == 1)
        #expect(run["mode"] as? String == "publish")
    }

    @Test func hooksListAsJSONNamesSecretsNeverTheirValues() throws {
        let f = try PublishFixture(hooksYAML: webhookYAML("api", "https://hooks.example/in") + "\n"
                                   + "  - {id: cmd, type: command, argv: [\"/bin/true\", \"x\"], env: [MASTODON_TOKEN]}",
                                   channelHooks: ["api", "cmd"])
        let run = try herald(["hooks", "list", "--json"], environment: f.environment, directory: f.dir.path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stdout.contains(testSecret))
        let list = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
        #expect(list.map { $0["id"] as? String } == ["api", "cmd"])
        #expect(list[0]["secret_env"] as? String == "HERALD_TEST_SECRET")
        #expect(list[0]["enabled"] as? Bool == true)
        #expect(list[1]["argv"] as? [String] == ["/bin/true", "x"])
        #expect(list[1]["env"] as? [String] == ["MASTODON_TOKEN"])
        #expect(list[1]["idempotent"] as? Bool == false)
    }

    @Test func queueTakesNowAndMarksWhatIsDue() throws {
        let f = try PublishFixture(hooksYAML: "", channelHooks: ["api"])
        let r = try Receiver(f.dir, script: [["status": 503]])
        f.dir.write("strategy.yaml", f.dir.read("strategy.yaml")! + webhookYAML("api", r.url) + "\n")
        try f.approvedPosts(at: [t0])
        #expect(try f.publish(now: "2027-03-01T09:00:00Z").status == 75)
        let soon = try herald(["queue", "--now", "2027-03-01T09:00:01Z"], directory: f.dir.path)
        #expect(soon.status == 0, "\(soon.stderr)")
        #expect(soon.stdout.contains("retrying") && !soon.stdout.contains("(due)"), "\(soon.stdout)")
        let later = try herald(["queue", "--now", "2027-03-01T10:00:00Z"], directory: f.dir.path)
        #expect(later.stdout.contains("(due)"), "\(later.stdout)")
        let bad = try herald(["queue", "--now", "soon"], directory: f.dir.path)
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--now 'soon' is not an ISO 8601 time"))
    }

    @Test func aBusyTimeoutThatIsNotANumberIsReported() throws {
        let f = try PublishFixture(hooksYAML: "  - {id: box, type: outbox, dir: out}", channelHooks: ["box"])
        for bad in ["abc", "-1", "inf"] {
            let run = try herald(["status"], environment: ["HERALD_BUSY_TIMEOUT": bad], directory: f.dir.path)
            #expect(run.status == 0)
            #expect(run.stderr.contains("warning: HERALD_BUSY_TIMEOUT='\(bad)' is not a number of seconds from 0 to 3600; using 5."), "\(run.stderr)")
        }
        #expect(try herald(["status"], environment: ["HERALD_BUSY_TIMEOUT": "0.5"], directory: f.dir.path).stderr.isEmpty)
    }
}
