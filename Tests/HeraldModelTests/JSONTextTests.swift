import Foundation
import HeraldModel
import Testing

@Suite struct JSONTextTests {
    func written(_ s: String) -> String {
        var out: [UInt8] = []
        JSONText.appendString(s, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test func stringsAreWrittenAsFoundationWritesThem() throws {
        let samples = ["", "plain", "quote \" and backslash \\", "line\nbreak\ttab\r\u{8}\u{C}", "\u{0}\u{1}\u{1F}", "Zażółć gęślą jaźń",
                       "Привет", "emoji 🎉 end", "\"", "\\\\", "a/b", String(repeating: "x", count: 5000) + "\n"]
        for s in samples {
            let foundation = try JSONSerialization.data(withJSONObject: [s], options: [.withoutEscapingSlashes])
            #expect("[" + written(s) + "]" == String(decoding: foundation, as: UTF8.self), "\(s.debugDescription)")
            let back = try JSONSerialization.jsonObject(with: Data(("[" + written(s) + "]").utf8)) as? [String]
            #expect(back == [s])
        }
    }

    @Test func integersAreWrittenInDecimal() {
        for n: Int64 in [0, 7, 9, 10, 99, 100, -1, -10, 1_800_000_000, .max, .min] {
            var out: [UInt8] = [UInt8(ascii: "x")]
            JSONText.appendInt(n, to: &out)
            #expect(String(decoding: out, as: UTF8.self) == "x\(n)")
        }
    }
}
