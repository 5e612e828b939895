import CStimVector
import StimKernels

/// StimKernels' kernels that need to know the processor, which StimKernels itself cannot ask (it imports
/// nothing, so that it builds for every device): CStimVector checks the processor's features and this installs
/// what it finds. Networks, SVM kernel expansions and ParallelMultiply install them when they are made; results
/// do not change, only speed.
public enum ProcessorKernels {
    /// Whether MatrixMultiply uses the 6 × 16 tile on 256-bit vectors (x86-64 processors with AVX, in a build
    /// with the portable 6 × 8 tile): twice the width of the SSE tile the portable x86-64 build compiles to.
    /// Reading it installs the tile, once.
    /// The 1-D convolution tiles and panel packing (`Convolution.Direct`) come with it.
    public static let wideTile: Bool = {
        MatrixMultiply.Optimized.wideTile = stim_wide_tile()
        Convolution.Direct.wideForwardTile = stim_signal_tile()
        Convolution.Direct.wideWeightTile = stim_weight_tile()
        Convolution.Direct.wideInterleave = stim_interleave16()
        return MatrixMultiply.Optimized.wideTile != nil
    }()

    /// Installs them (reads `wideTile`): call before multiplying with StimKernels directly.
    public static func install() { _ = wideTile }
}
