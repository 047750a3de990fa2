import Evaluation
import Model
import Support
import Testing

@Suite struct RopeScalingOptionTests {
    func parse(_ text: String) throws -> RopeScalingOption {
        try RopeScalingOption(parsing: text, evaluationLength: 1000, trainedLength: 256)
    }

    @Test func parsesEveryForm() throws {
        #expect(try parse("checkpoint") == .checkpoint)
        #expect(try parse("none") == .none)
        #expect(try parse("linear:4") == .linear(factor: 4))
        #expect(try parse("ntk:2.5") == .ntk(factor: 2.5))
        #expect(try parse("linear:auto") == .linear(factor: 4))  // ceil(1000 / 256)
        #expect(try parse("ntk:4").description == "ntk:4")
        for bad in ["linear", "linear:0.5", "ntk:x", "yarn:2", "linear:inf", ""] {
            #expect(throws: UserError.self, "\(bad)") { try parse(bad) }
        }
    }

    @Test func paperFactorIsTheCeilingOfTheRatio() {
        #expect(RopeScalingOption.positionInterpolationFactor(length: 8192, trainedLength: 4096) == 2)
        #expect(RopeScalingOption.positionInterpolationFactor(length: 8193, trainedLength: 4096) == 3)
        #expect(RopeScalingOption.positionInterpolationFactor(length: 100, trainedLength: 256) == 1)
    }

    @Test func baselinesKeepTheCheckpointBase() throws {
        let saved = RoPE(base: 500, scaling: .positionInterpolation(factor: 2))
        #expect(try parse("checkpoint").rope(checkpoint: saved) == saved)
        #expect(try parse("none").rope(checkpoint: saved) == RoPE(base: 500))
        #expect(try parse("ntk:auto").rope(checkpoint: saved) == RoPE(base: 500, scaling: .ntkAware(factor: 4)))
        #expect(try parse("linear:8").rope(checkpoint: saved) == RoPE(base: 500, scaling: .positionInterpolation(factor: 8)))
    }
}
