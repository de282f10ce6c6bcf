import Foundation
import HeraldContent
import HeraldModel
import HeraldResources
import HeraldStrategy
import Testing

/// The reply templates `herald inbox reply --template` offers, in every bundled language.
@Suite struct ReplyTemplateTests {
    static let names = ["thanks", "answer", "sorry_private", "complaint_acknowledged"]

    /// Words that would put the blame on someone: a colleague, the staff, or the customer.
    static let blame: [String: [String]] = [
        "en": ["our staff", "employee", "colleague", "barista", "your fault", "you should have", "misunderstood"],
        "pl": ["pracownik", "kolega", "koleżanka", "barista", "twoja wina", "twój błąd", "źle zrozumia"],
        "de": ["mitarbeiter", "kollege", "kollegin", "barista", "deine schuld", "ihre schuld", "missverstanden"],
        "nl": ["medewerker", "collega", "barista", "jouw schuld", "uw schuld", "verkeerd begrepen"],
        "ru": ["сотрудник", "коллег", "бариста", "ваша вина", "вы сами", "неправильно поняли"],
    ]

    @Test(arguments: StrategyLoader.bundledLocales)
    func everyLocaleHasAllFourAndTheyRender(_ locale: String) throws {
        let set = TemplateSet.bundled
        var texts: [String] = []
        for name in Self.names {
            let files = set.variants(name, locale: locale, network: "replies")
            let file = try #require(files.first, "\(locale): no reply template '\(name)'")
            // Written for the language, not the English fallback.
            #expect(file.folder == "\(locale)/replies", "\(locale)/\(name) falls back to \(file.folder)")
            for topic in [Optional("oat milk"), nil] {
                var context: [String: TemplateValue] = ["author": .text("Kasia"), "author_handle": .text("@kasia"),
                                                        "brand": .text("Bean & Bloom Coffee"), "replier": .text("Anna"),
                                                        "channel": .text("x"), "network": .text("x")]
                if let topic { context["topic"] = .text(topic) }
                let text = try TemplateRenderer.render(file, context: context, post: "m-test")
                #expect(text.contains("Kasia") && text.contains("Anna") && text.contains("Bean & Bloom Coffee"), "\(locale)/\(name): \(text)")
                // Short enough to answer on X (280 characters), the tightest network a reply goes to.
                #expect(NetworkRules.length(text, network: .x) <= 280, "\(locale)/\(name): \(text.count) characters")
                #expect(PlainText.controlCharacter(in: text) == nil)
                let lower = text.lowercased()
                for word in Self.blame[locale] ?? [] { #expect(!lower.contains(word), "\(locale)/\(name) says '\(word)': \(text)") }
                texts.append(text)
            }
        }
        // Four different texts, not one copied four times.
        #expect(Set(texts).count >= Self.names.count)
    }
}
