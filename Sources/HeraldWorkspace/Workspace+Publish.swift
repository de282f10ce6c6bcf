import Foundation
import HeraldContent
import HeraldModel
import HeraldPublish
import HeraldStore

extension Workspace {
    /// The hooks the strategy uses, with secrets from `environment` (exit 78 on a problem).
    public func resolvedHooks(environment: [String: String]) throws -> [String: ResolvedHook] {
        try ResolvedHook.resolve(strategy, environment: environment, baseDirectory: loaded.directory)
    }

    /// The lock file that keeps publishers from working at once: beside the database file its path resolves to.
    public var publishLockPath: String { FileLock.publishLockPath(database: store.path) }

    /// A publisher over this workspace.
    public func publisher(environment: [String: String], settings: PublisherSettings = PublisherSettings(),
                          caller: HookCaller) throws -> Publisher {
        let hooks = try resolvedHooks(environment: environment)
        let link = DraftContext(strategy: strategy).rememberingLinks()
        return Publisher(store: store, strategy: strategy, hooks: hooks, caller: caller, settings: settings, environment: environment, link: link)
    }
}
