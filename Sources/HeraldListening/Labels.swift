import HeraldModel

// `Sentiment` and `Intent` are the model's (HeraldModel/Inbox.swift): the inbox stores what this module finds.

/// A label and why the item got it, in words a person can check ("negative: 'never again', 'cold coffee'").
public struct Labelled<Value: Sendable & Equatable>: Sendable, Equatable {
    public var value: Value
    public var reason: String

    public init(_ value: Value, reason: String) {
        self.value = value; self.reason = reason
    }
}

/// Everything sorting says about one item.
public struct ListeningLabels: Sendable, Equatable {
    /// `en`, `pl`, `de`, `nl` or `ru`; nil when the text has no words to tell by ("👍", "ok", "?") — the caller then
    /// falls back to the channel's or the strategy's locale.
    public var language: Labelled<String?>
    public var sentiment: Labelled<Sentiment>
    public var intent: Labelled<Intent>
    /// The strategy's topics whose keywords the text holds, in the order they first appear.
    public var topics: [Labelled<String>]
    public var spam: Labelled<Bool>

    public init(language: Labelled<String?>, sentiment: Labelled<Sentiment>, intent: Labelled<Intent>,
                topics: [Labelled<String>], spam: Labelled<Bool>) {
        self.language = language; self.sentiment = sentiment; self.intent = intent; self.topics = topics; self.spam = spam
    }
}

/// A topic items are sorted into, with its keywords in any of the languages (`latte`, `kaw*`, `кофе`). A keyword ending
/// in `*` matches every word starting with it; a keyword of several words matches them in a row.
public struct ListeningTopic: Sendable, Equatable {
    public var name: String
    public var keywords: [String]

    public init(name: String, keywords: [String]) {
        self.name = name; self.keywords = keywords
    }
}
