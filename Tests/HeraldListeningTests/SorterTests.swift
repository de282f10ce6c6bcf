import HeraldModel
import HeraldListening
import Testing

/// One sorter for the suite: building it compiles every word list.
let sorter: ListeningSorter = {
    do { return try ListeningSorter() } catch { fatalError("the bundled word lists do not load: \(error)") }
}()

@Suite struct SorterTests {
    // MARK: Irony

    @Test func anOpeningPraiseBeforeBadNewsIsIrony() {
        let l = sorter.sort("great, another cold latte")
        #expect(l.sentiment.value == .negative)
        #expect(l.intent.value == .complaint)
        #expect(l.sentiment.reason.contains("irony"), "\(l.sentiment.reason)")
        #expect(l.sentiment.reason.contains("'great' before 'cold'"), "\(l.sentiment.reason)")
    }

    @Test(arguments: [
        "Yeah right, \"freshly baked\". The muffin was rock hard 🙄",
        "Na toll, schon wieder kalter Kaffee. Danke auch.",
        "No pięknie, zamówienie znowu zgubione 🙄",
        "Ну супер, опять холодный латте",
        "Lekker dan, weer een lauwe cappuccino",
    ])
    func ironyMarkersTurnPraiseIntoComplaint(_ text: String) {
        let l = sorter.sort(text)
        #expect(l.sentiment.value == .negative, "\(text): \(l.sentiment.reason)")
        #expect(l.intent.value == .complaint, "\(text): \(l.intent.reason)")
    }

    // MARK: Rules added with the broader word lists

    @Test(arguments: [
        ("Why does the card machine never work when I'm in a rush", "en"),
        ("Dlaczego terminal znowu nie działa, ile można", "pl"),
        ("Warum funktioniert das Kartenlesegerät eigentlich nie", "de"),
        ("Waarom doet het pinapparaat het nou nooit", "nl"),
        ("Почему терминал вечно не работает", "ru"),
    ])
    func aNegativeQuestionWithoutAQuestionMarkIsAComplaint(_ text: String, _ language: String) {
        let l = sorter.sort(text, language: language)
        #expect(l.sentiment.value == .negative, "\(text): \(l.sentiment.reason)")
        #expect(l.intent.value == .complaint, "\(text): \(l.intent.reason)")
    }

    @Test func aGenuineQuestionWithAMarkStaysAQuestion() {
        // One '?' and a mild gripe: still asked, so still a question.
        #expect(sorter.sort("Is the oat milk still out of stock?").intent.value == .question)
        // "??" on bad news is indignation.
        #expect(sorter.sort("Ihr habt echt den Halloumi-Wrap von der Karte genommen?? 😭").intent.value == .complaint)
    }

    @Test(arguments: [
        ("Ни разу тут не разочаровалась", Sentiment.positive),
        ("Jeszcze nigdy nie zawiodłam się na waszym serniku", .positive),
        ("Been coming for years and it never disappoints", .positive),
    ])
    func aPhraseThatHoldsItsOwnNegationIsNotTurnedAgain(_ text: String, _ expected: Sentiment) {
        #expect(sorter.sort(text).sentiment.value == expected, "\(text): \(sorter.sort(text).sentiment.reason)")
    }

    @Test(arguments: ["pumpkin spice is back?? best news all week 🎃", "Тыквенный латте вернулся?? Лучшая новость недели 🎃"])
    func aQuestionMarkInsidePraiseThatEndsAsAStatementAsksNothing(_ text: String) {
        let l = sorter.sort(text)
        #expect(l.intent.value == .praise, "\(text): \(l.intent.reason)")
    }

    @Test(arguments: [
        ("the croissant was basically a brick by the afternoon", "en"),
        ("Zupa letnia, chleb twardy jak kamień", "pl"),
        ("Das Croissant war zäh wie Gummi", "de"),
        ("Croissant was zo taai als een schoenzool", "nl"),
        ("Суп еле тёплый, хлеб как камень", "ru"),
        ("the toilet door doesn't lock, bit awkward", "en"),
        ("Karta podarunkowa nie przechodzi przy kasie", "pl"),
    ])
    func failureSaidByDescriptionIsAComplaint(_ text: String, _ language: String) {
        let l = sorter.sort(text, language: language)
        #expect(l.sentiment.value == .negative, "\(text): \(l.sentiment.reason)")
        #expect(l.intent.value == .complaint, "\(text): \(l.intent.reason)")
    }

    @Test func sincerePraiseWithAsAlwaysStaysPraise() {
        #expect(sorter.sort("Wie immer alles top, danke!").sentiment.value == .positive)
        #expect(sorter.sort("Pyszne jak zwykle 😍").sentiment.value == .positive)
    }

    // MARK: Negation

    @Test(arguments: [
        ("Not bad at all", Sentiment.positive),
        ("not good", .negative),
        ("nie polecam", .negative),
        ("Nie było źle", .positive),
        ("nicht schlecht", .positive),
        ("nicht so toll", .negative),
        ("niet lekker", .negative),
        ("niet slecht", .positive),
        ("не советую", .negative),
        ("неплохо", .positive),
        ("Пирожное не очень", .negative),
        ("couldn't be happier", .positive),
        ("no complaints", .positive),
    ])
    func negationTurnsTheNextWordsAround(_ text: String, _ expected: Sentiment) {
        #expect(sorter.sort(text).sentiment.value == expected, "\(text): \(sorter.sort(text).sentiment.reason)")
    }

    @Test(arguments: [
        ("Mein Samstagsritual, enttäuscht nie", Sentiment.positive),
        ("Der Kuchen schmeckt nicht", .negative),
        ("Valt niet tegen", .positive),
        ("Mijn vaste prik, stelt nooit teleur", .positive),
        ("Kartenzahlung geht mal wieder nicht", .negative),
    ])
    func germanAndDutchNegationAfterTheVerb(_ text: String, _ expected: Sentiment) {
        #expect(sorter.sort(text).sentiment.value == expected, "\(text): \(sorter.sort(text).sentiment.reason)")
    }

    @Test func theReasonNamesTheNegation() {
        #expect(sorter.sort("nicht schlecht").sentiment.reason == "positive: 'schlecht' (negated)")
        #expect(sorter.sort("nie polecam, kawa zimna").sentiment.reason == "negative: 'nie polecam', 'zimna'")
    }

    @Test func aNegatorDoesNotTurnAnEmojiAround() {
        #expect(sorter.sort("best flat white in town, no contest ❤️").sentiment.value == .positive)
        #expect(sorter.sort("Самый вкусный раф, без вариантов 😍").sentiment.value == .positive)
    }

    @Test func theSecondHalfAfterButCountsMore() {
        let l = sorter.sort("Staff were lovely but the coffee was lukewarm")
        #expect(l.sentiment.value == .negative)
        #expect(l.sentiment.reason.contains("after the 'but'"), "\(l.sentiment.reason)")
        #expect(sorter.sort("Эспрессо отличный, но внутри очень шумно").sentiment.value == .negative)
    }

    // MARK: Emojis, short items, typos, slang

    @Test(arguments: [
        ("😡", Sentiment.negative, Intent.complaint),
        ("👍", .positive, .praise),
        ("👍🏽", .positive, .praise),
        ("❤️", .positive, .praise),
        ("🙄", .negative, .complaint),
        ("?", .neutral, .question),
        ("ok", .neutral, .other),
        ("ок", .neutral, .other),
        ("hahaha", .neutral, .other),
        ("ахах", .neutral, .other),
        (":)", .positive, .praise),
        ("спасибо)))", .positive, .praise),
    ])
    func veryShortItems(_ text: String, _ sentiment: Sentiment, _ intent: Intent) {
        let l = sorter.sort(text)
        #expect(l.sentiment.value == sentiment, "\(text): \(l.sentiment.reason)")
        #expect(l.intent.value == intent, "\(text): \(l.intent.reason)")
    }

    @Test(arguments: ["👍", "?", "ok", "😡😡😡", "lol", "xD", "ахах", "!!!"])
    func itemsWithoutWordsHaveNoLanguage(_ text: String) {
        let l = sorter.sort(text)
        #expect(l.language.value == nil, "\(text): \(l.language.reason)")
        #expect(l.language.reason.hasPrefix("unknown:"))
    }

    @Test(arguments: [
        ("Amzing coffee and super frendly staff", Sentiment.positive),
        ("sooo goood", .positive),
        ("terible service", .negative),
        ("kawa zle zrobiona, zimna", .negative),
        ("ur cinnamon buns slap 🔥", .positive),
        ("sztos kawka", .positive),
        ("кофе огонь", .positive),
        ("vet lekker", .positive),
    ])
    func typosSlangAndLettersLeftOut(_ text: String, _ expected: Sentiment) {
        #expect(sorter.sort(text).sentiment.value == expected, "\(text): \(sorter.sort(text).sentiment.reason)")
    }

    // MARK: Questions and complaints

    @Test func aQuestionSaysWhy() {
        #expect(sorter.sort("Czy jutro otwarte?").intent.reason == "question: ends with '?' and starts with 'Czy'")
        #expect(sorter.sort("Czy macie mleko owsiane?").intent.reason == "question: ends with '?' and starts with 'Czy macie'")
        #expect(sorter.sort("Wann macht ihr am Sonntag auf").intent.reason == "question: starts with 'Wann' and has 'macht ihr'")
    }

    @Test(arguments: [
        "what time do you close on sundays",
        "Tot hoe laat zijn jullie open op zondag",
        "Liefert ihr auch nach Kreuzberg",
        "Bezorgen jullie ook in Noord",
        "Dowozicie na Ursynów",
        "Доставляете на Васильевский",
        "до скольки вы работаете в воскресенье",
    ])
    func questionsWithoutAQuestionMark(_ text: String) {
        #expect(sorter.sort(text).intent.value == .question, "\(text): \(sorter.sort(text).intent.reason)")
    }

    @Test(arguments: [
        "Der Espresso ist einfach perfekt, wie in Italien",
        "Шикарный чизкейк, как у мамы",
        "Danke ihr Lieben, war super",
        "What a lovely place!",
    ])
    func questionWordsInsideAStatementAreNoQuestion(_ text: String) {
        #expect(sorter.sort(text).intent.value == .praise, "\(text): \(sorter.sort(text).intent.reason)")
    }

    @Test(arguments: [
        "Why is there never any oat milk after 10am?!",
        "Dlaczego znowu nie ma owsianego mleka?!",
        "£4.20 for a small latte??",
        "€4,80 voor een kleine latte? Serieus?",
    ])
    func indignantQuestionsAreComplaints(_ text: String) {
        let l = sorter.sort(text)
        #expect(l.intent.value == .complaint, "\(text): \(l.intent.reason)")
        #expect(l.sentiment.value == .negative)
    }

    @Test func aQuestionWithAMildGripeIsStillAQuestion() {
        #expect(sorter.sort("Is it too late to order a birthday cake for Friday?").intent.value == .question)
    }

    @Test func anItemWrittenToAFriendIsNotForTheBrand() {
        let l = sorter.sort("@ania_m idziemy tu w piątek?")
        #expect(l.intent.value == .other)
        #expect(l.intent.reason == "other: written to @ania_m")
    }

    // MARK: Language

    @Test(arguments: [
        ("Best coffee in Kazan, реально лучший", "ru"),
        ("The staff were so nice, merci beaucoup!", "en"),
        ("Kawa top, vibe też, polecam 🔥", "pl"),
        ("Der Chai Latte ist so good, ehrlich", "de"),
        ("Echt next level koffie, respect", "nl"),
    ])
    func mixedLanguagesTakeTheWritersLanguage(_ text: String, _ language: String) {
        #expect(sorter.sort(text).language.value == language, "\(text): \(sorter.sort(text).language.reason)")
    }

    @Test func aGivenLanguageIsKeptAndChoosesTheWordLists() {
        let l = sorter.sort("no super", language: "pl")
        #expect(l.language.value == "pl")
        #expect(l.language.reason == "pl: given with the item")
        // Polish "no" is "well, yes", not English "no": it does not turn "super" around.
        #expect(l.sentiment.value == .positive, "\(l.sentiment.reason)")
    }

    // MARK: Spam

    @Test func aLinkAloneIsNoSpam() {
        let l = sorter.sort("Here's the photo from Saturday: instagram.com/p/abc123")
        #expect(l.spam.value == false)
        #expect(l.spam.reason.hasPrefix("not spam: only a link"), "\(l.spam.reason)")
    }

    @Test func spamSaysWhichSignsItHas() {
        let l = sorter.sort("Earn $500 a day from home!!! DM me 💰 bit.ly/rich")
        #expect(l.spam.value)
        #expect(l.spam.reason.contains("'Earn'") && l.spam.reason.contains("bit.ly/rich"), "\(l.spam.reason)")
        #expect(l.intent.value == .other)
        #expect(l.sentiment.value == .neutral)
    }

    // MARK: Topics

    @Test func topicsComeFromTheStrategysKeywordsInAnyLanguage() throws {
        let s = try ListeningSorter(topics: [
            ListeningTopic(name: "coffee", keywords: ["coffee", "latte", "kaw*", "кофе", "flat white"]),
            ListeningTopic(name: "service", keywords: ["staff", "obsług*", "bedienung", "персонал"]),
            ListeningTopic(name: "prices", keywords: ["price*", "cen*", "teuer"]),
        ])
        let pl = s.sort("Kawa zimna, obsługa niemiła")
        #expect(pl.topics.map(\.value) == ["coffee", "service"])
        #expect(pl.topics.map(\.reason) == ["coffee: 'Kawa'", "service: 'obsługa'"])
        #expect(s.sort("best flat white in town").topics.map(\.reason) == ["coffee: 'flat white'"])
        #expect(s.sort("Кофе хороший, персонал тоже").topics.map(\.value) == ["coffee", "service"])
        #expect(s.sort("lovely place").topics.isEmpty)
    }

    // MARK: Extending the word lists

    @Test func extraWordsPerLocaleExtendTheBundledLists() throws {
        #expect(sorter.sort("ta szarlotka to petardeczka").sentiment.value == .neutral)
        let s = try ListeningSorter(extraWords: ["pl": ListeningWords([.positive: ["petardeczk*"]])])
        let l = s.sort("ta szarlotka to petardeczka")
        #expect(l.sentiment.value == .positive)
        #expect(l.sentiment.reason == "positive: 'petardeczka'")
    }

    @Test func extraWordsForAnotherLanguageAreRefused() {
        #expect(throws: ListeningError(file: "listening.words", line: nil,
                                       message: "'es' is not a language Herald sorts in; use one of en, pl, de, nl, ru")) {
            try ListeningSorter(extraWords: ["es": ListeningWords([.positive: ["rico"]])])
        }
    }

    @Test func anExtraEntryWithoutAWordIsRefused() {
        #expect(throws: ListeningError(file: "listening.words.en", line: nil,
                                       message: "'???' in the positive list holds no word or emoji; write a word, a phrase or an emoji")) {
            try ListeningSorter(extraWords: ["en": ListeningWords([.positive: ["???"]])])
        }
    }

    @Test func aTopicKeywordWithoutAWordIsRefused() {
        #expect(throws: ListeningError(file: "listening.topics.coffee", line: nil,
                                       message: "the keyword '…' holds no word; write a word, a phrase or a stem ending in '*'")) {
            try ListeningSorter(topics: [ListeningTopic(name: "coffee", keywords: ["…"])])
        }
    }

    // MARK: Text as received

    @Test func controlCharactersAndOddTextDoNotStopSorting() {
        let l = sorter.sort("cold\u{0}coffee\u{7}\n\n\t 😡")
        #expect(l.sentiment.value == .negative)
        #expect(sorter.sort("").intent.value == .other)
        #expect(sorter.sort(String(repeating: "a", count: 10_000)).language.value != "ru")
        #expect(sorter.sort("@@@ ### ::: ))) (((").spam.value == false)
    }
}
