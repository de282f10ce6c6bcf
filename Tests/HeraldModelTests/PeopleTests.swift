import Foundation
import HeraldModel
import Testing

@Suite struct PeopleTests {
    static func person(_ id: String, _ name: String) -> Participant {
        Participant(id: id, name: name, role: "", channels: [], capacityPerWeek: 1, trained: true, rulesAccepted: true)
    }

    static let strategy = Strategy(
        brand: Brand(name: "B"), timeZone: "UTC", locale: "en", period: nil, goals: [], channels: [], mix: [:],
        participants: [person("anna", "Anna de Vries"), person("lena", "Lena Bakker"), person("lukasz", "Łukasz Wiśniewski"),
                       person("mk", "Marek Kowalski"), person("mn", "Marek Nowak")],
        campaigns: [])

    @Test(arguments: ["anna", "Anna", "ANNA", "Anna de Vries", "ANNA DE VRIES", "  anna   de  vries ", "Ánna", "ánna de vríes", "ＡＮＮＡ"])
    func aParticipantIsFoundByIdOrNameWhateverTheCaseAndAccents(_ text: String) {
        #expect(Self.strategy.participantMatching(text)?.id == "anna", "\(text)")
    }

    @Test func lettersWithoutADecompositionFoldToo() {
        #expect(Self.strategy.participantMatching("lukasz wisniewski")?.id == "lukasz")
        #expect(Self.strategy.participantMatching("Łukasz")?.id == "lukasz")
        #expect(Self.strategy.participantMatching("LUKASZ")?.id == "lukasz")
    }

    @Test func aFirstNameFindsTheOnlyParticipantWithIt() {
        #expect(Self.strategy.participantMatching("lena")?.id == "lena")
        #expect(Self.strategy.participantMatching("Lena Bakker")?.id == "lena")
        // Two Mareks: the first name is ambiguous, the full name or id is not.
        #expect(Self.strategy.participantMatching("Marek") == nil)
        #expect(Self.strategy.matchingParticipants("marek").map(\.id) == ["mk", "mn"])
        #expect(Self.strategy.participantMatching("marek nowak")?.id == "mn")
        #expect(Self.strategy.participantMatching("MK")?.id == "mk")
    }

    @Test(arguments: ["", " ", "Lena B", "nobody", "\n", "anna\n"])
    func nobodyOrSomethingElseFindsNoOne(_ text: String) {
        #expect(Self.strategy.participantMatching(text) == nil)
    }

    @Test func aNameHoldsNoControlCharacterAndIsNotBlank() {
        for bad in ["", "   ", "\n", "\t", "Anna\n", "An\u{0}na", "Anna\u{7F}", "Anna\u{2028}", "Anna\u{200B}", "\r\n"] {
            #expect(PersonName.problem(bad) != nil, "\(bad.debugDescription) was accepted")
        }
        #expect(PersonName.problem("\n")?.contains("control character") == true)
        #expect(PersonName.problem("  ")?.contains("empty") == true)
        for good in ["Anna", "Anna de Vries", "Łukasz", "José-María O'Neil", "Лена", "👩‍💻 Ops"] {
            #expect(PersonName.problem(good) == nil, "\(good) was refused")
        }
        #expect(PersonName.tidy("  Anna   de Vries ") == "Anna de Vries")
    }
}
