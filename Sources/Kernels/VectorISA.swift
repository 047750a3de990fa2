import CVectorKernels

/// The vector instruction set of the attention kernel's C routines (`TileProduct`,
/// `OnlineSoftmax`): each is compiled for every one of these, and the best copy this CPU
/// runs is chosen when the library loads.
public enum VectorISA {
    /// Every copy's name, best first (the C target's own list).
    public static let all = (0..<Int(llb_isa_count())).map { String(cString: llb_isa_name(Int32($0))) }

    /// The copy the routines run here.
    public static var chosen: String { String(cString: llb_vector_isa()) }
}
