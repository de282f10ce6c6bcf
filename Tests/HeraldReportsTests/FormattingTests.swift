import HeraldReports
import Testing

/// One number formatter with named precisions (the command line once had its own `formatNumber` with 4 decimals
/// shadowing this one's 2).
@Suite struct FormattingTests {
    @Test func whatAPersonWroteKeepsFourDecimalsAComputedValueTwo() {
        #expect(formatEntered(0.125) == "0.125")
        #expect(formatEntered(2.12345) == "2.1235")
        #expect(formatEntered(12000) == "12000")
        #expect(formatNumber(0.125) == "0.13")
        #expect(formatNumber(2.5) == "2.5")
        #expect(formatNumber(12000) == "12000")
    }
}
