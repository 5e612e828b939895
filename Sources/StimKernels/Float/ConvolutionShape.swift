/// The geometry of a 2-D convolution over NCHW tensors; a 1-D convolution over NCW is the case
/// height = kernelHeight = 1 (`oneDimensional`).
///
/// Layouts, row-major: input [batch, inChannels, inHeight, inWidth]; weight [outChannels,
/// inChannels / groups, kernelHeight, kernelWidth]; bias [outChannels]; output [batch, outChannels,
/// outHeight, outWidth]. Output channel o sees input channels of group o / (outChannels / groups).
public struct ConvolutionShape: Equatable, Sendable {
    public var batch: Int
    public var inChannels: Int
    public var outChannels: Int
    public var groups: Int
    public var inHeight: Int
    public var inWidth: Int
    public var kernelHeight: Int
    public var kernelWidth: Int
    public var strideHeight: Int
    public var strideWidth: Int
    public var paddingHeight: Int
    public var paddingWidth: Int
    public var dilationHeight: Int
    public var dilationWidth: Int

    public init(batch: Int, inChannels: Int, outChannels: Int, groups: Int = 1,
                inHeight: Int, inWidth: Int, kernelHeight: Int, kernelWidth: Int,
                strideHeight: Int = 1, strideWidth: Int = 1, paddingHeight: Int = 0, paddingWidth: Int = 0,
                dilationHeight: Int = 1, dilationWidth: Int = 1) {
        self.batch = batch
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.groups = groups
        self.inHeight = inHeight
        self.inWidth = inWidth
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.strideHeight = strideHeight
        self.strideWidth = strideWidth
        self.paddingHeight = paddingHeight
        self.paddingWidth = paddingWidth
        self.dilationHeight = dilationHeight
        self.dilationWidth = dilationWidth
    }

    /// A 1-D convolution over NCW input [batch, inChannels, length] with weight [outChannels,
    /// inChannels / groups, kernel]: the 2-D case with one row.
    public static func oneDimensional(batch: Int, inChannels: Int, outChannels: Int, groups: Int = 1,
                                      length: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                                      dilation: Int = 1) -> ConvolutionShape {
        ConvolutionShape(batch: batch, inChannels: inChannels, outChannels: outChannels, groups: groups,
                         inHeight: 1, inWidth: length, kernelHeight: 1, kernelWidth: kernel,
                         strideWidth: stride, paddingWidth: padding, dilationWidth: dilation)
    }

    public var outHeight: Int {
        (inHeight + 2 * paddingHeight - dilationHeight * (kernelHeight - 1) - 1) / strideHeight + 1
    }

    public var outWidth: Int {
        (inWidth + 2 * paddingWidth - dilationWidth * (kernelWidth - 1) - 1) / strideWidth + 1
    }

    /// Positive sizes, channels divisible by groups, and a padded input at least as large as the dilated
    /// kernel (so there is at least one output position). The kernels check this before anything else.
    public var isValid: Bool {
        // Spelled out rather than an array's allSatisfy: every kernel call checks this, and must not allocate.
        let positive = batch > 0 && inChannels > 0 && outChannels > 0 && groups > 0 && inHeight > 0 && inWidth > 0
            && kernelHeight > 0 && kernelWidth > 0 && strideHeight > 0 && strideWidth > 0
            && dilationHeight > 0 && dilationWidth > 0
        return positive && paddingHeight >= 0 && paddingWidth >= 0
            && inChannels % groups == 0 && outChannels % groups == 0
            && inHeight + 2 * paddingHeight >= dilationHeight * (kernelHeight - 1) + 1
            && inWidth + 2 * paddingWidth >= dilationWidth * (kernelWidth - 1) + 1
    }

    public var inputCount: Int { batch * inChannels * inHeight * inWidth }
    public var weightCount: Int { outChannels * (inChannels / groups) * kernelHeight * kernelWidth }
    public var outputCount: Int { batch * outChannels * outHeight * outWidth }

    /// Rows of the im2col matrix of one group: one per (input channel of the group, kernel tap).
    var patchSize: Int { (inChannels / groups) * kernelHeight * kernelWidth }

    /// Floats of scratch the optimized kernels need: one group's im2col matrix over the whole batch, a staging
    /// matrix for one group's outputs over the whole batch (none for one item), and the matrix multiply's.
    /// Grows linearly with `batch`.
    public var scratchCount: Int {
        let wide = batch * outHeight * outWidth
        let staging = batch == 1 ? 0 : (outChannels / max(groups, 1)) * wide
        return patchSize * wide + staging + MatrixMultiply.Optimized.scratchCount
    }

    func check(input: Int, weight: Int, output: Int) {
        precondition(isValid, "invalid convolution shape")
        precondition(input == inputCount && weight == weightCount && output == outputCount,
                     "convolution buffers do not match the shape")
    }
}
