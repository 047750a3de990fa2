import CAttentionTiles

/// The vector instruction set of the attention kernel's C routines (`TileProduct`,
/// `OnlineSoftmax`): each is compiled for every one of these, and the best copy this CPU
/// runs is chosen when the library loads.
public enum VectorISA {
    /// Best first.
    public static let all = ["avx512", "avx2", "portable"]

    /// The copy the routines run here.
    public static var chosen: String { String(cString: llb_attention_tiles_isa()) }
}
