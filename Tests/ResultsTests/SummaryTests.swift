import Foundation
import Results
import Testing
@testable import Reports

@Suite struct SummaryTests {
    /// Reference quantiles t(0.975, v) from 30-digit arithmetic; v = 1 and 2 have closed forms:
    /// tan(0.475 pi) and 0.95 / sqrt(2 * 0.975 * 0.025).
    @Test(arguments: [
        (1.0, 12.706204736174705), (2.0, 4.302652729749464), (3.0, 3.1824463052837096),
        (4.0, 2.7764451051977944), (10.0, 2.2281388519862747), (30.0, 2.0422724563012383),
    ])
    func studentTQuantile(v: Double, expected: Double) {
        #expect(abs(StudentT.quantile(0.975, degreesOfFreedom: v) - expected) < 1e-11 * expected)
    }

    @Test func closedFormsAgree() {
        #expect(abs(StudentT.quantile(0.975, degreesOfFreedom: 1) - tan(0.475 * Double.pi)) < 1e-9)
        #expect(abs(StudentT.quantile(0.975, degreesOfFreedom: 2) - 0.95 / (2 * 0.975 * 0.025).squareRoot()) < 1e-11)
        #expect(abs(StudentT.cdf(0, degreesOfFreedom: 5) - 0.5) < 1e-15)
    }

    @Test func meanAndConfidenceInterval() throws {
        let s = Summary([10, 12, 14])
        #expect(s.mean == 12)
        #expect(abs(try #require(s.standardDeviation) - 2) < 1e-12)
        // t(0.975, 2) * 2 / sqrt(3)
        #expect(abs(try #require(s.ci95) - 4.968275423500702) < 1e-11)
        #expect(Summary([7]).ci95 == nil)
    }
}
