/// What emojis say, in every language. Weights: 2 strong, 1 mild; negative below zero. Skin tones and the variation
/// selector are ignored (👍🏽 is 👍, ❤️ is ❤). A word list can add emojis of its own.
enum EmojiTable {
    static let entries: [(String, WordRole)] = [
        // Strongly positive
        ("❤", .positiveStrong), ("😍", .positiveStrong), ("🥰", .positiveStrong), ("😻", .positiveStrong), ("💕", .positiveStrong),
        ("💖", .positiveStrong), ("💗", .positiveStrong), ("💯", .positiveStrong), ("🤩", .positiveStrong), ("😘", .positiveStrong),
        ("🧡", .positiveStrong), ("💛", .positiveStrong), ("💚", .positiveStrong), ("💙", .positiveStrong), ("💜", .positiveStrong),
        ("🤎", .positiveStrong), ("🤍", .positiveStrong), ("♥", .positiveStrong), ("😋", .positiveStrong), ("🤤", .positive),
        // Positive
        ("👍", .positive), ("👌", .positive), ("🙂", .positive), ("😊", .positive), ("😀", .positive), ("😃", .positive),
        ("😄", .positive), ("😁", .positive), ("☺", .positive), ("🔥", .positive), ("✨", .positive), ("🎉", .positive),
        ("🥳", .positive), ("👏", .positive), ("🙌", .positive), ("😎", .positive), ("🌟", .positive), ("⭐", .positive),
        ("🤗", .positive), ("💪", .positive), ("🥇", .positive), ("🏆", .positive), ("😇", .positive), ("🌞", .positive),
        ("😌", .positive), ("🤝", .positive), ("✅", .positive), ("🆒", .positive), ("😉", .positive), ("🥹", .positive),
        ("🫶", .positiveStrong), ("💓", .positiveStrong), ("💞", .positiveStrong), ("💘", .positiveStrong), ("💝", .positiveStrong),
        ("🤌", .positive), ("💫", .positive),
        ("🙏", .praise),
        // Negative
        ("👎", .negative), ("🙁", .negative), ("☹", .negative), ("😞", .negative), ("😔", .negative), ("😟", .negative),
        ("😕", .negative), ("😢", .negative), ("😥", .negative), ("😩", .negative), ("😫", .negative), ("😤", .negative),
        ("😑", .negative), ("🥶", .negative), ("😬", .negative), ("🥱", .negative), ("😖", .negative), ("😣", .negative),
        ("🫤", .negative), ("😿", .negative), ("💔", .negative), ("🐌", .negative), ("⏳", .negative), ("😪", .negative),
        ("😐", .negative), ("🤦", .negative), ("🥴", .negative), ("😷", .negative), ("🤒", .negative), ("😨", .negative),
        ("😰", .negative), ("😓", .negative), ("❌", .negative), ("🚫", .negative), ("😵", .negative), ("😦", .negative),
        ("😧", .negative),
        // Strongly negative
        ("😡", .negativeStrong), ("🤬", .negativeStrong), ("😠", .negativeStrong), ("🤮", .negativeStrong), ("🤢", .negativeStrong),
        ("💩", .negativeStrong), ("😭", .negative), ("🖕", .negativeStrong), ("😱", .negative),
        // Irony
        ("🙄", .sarcasm), ("🙃", .sarcasm), ("😒", .sarcasm), ("🤡", .sarcasm),
        // Questions
        ("🤔", .questionWords), ("❓", .questionWords), ("❔", .questionWords),
        // Spam
        ("💰", .spam), ("💸", .spam), ("🤑", .spam), ("📈", .spam), ("💲", .spam), ("🔞", .spam), ("🎰", .spam),
    ]
}
