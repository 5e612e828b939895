import StimKernels

/// The training rows as the linear SVM solver reads them: dense, with SIMD dot products and axpys over every
/// feature (belt windows), or, when at most a quarter of the values are non-zero (the pixels of a digit), as each
/// row's non-zero values and their feature indices, so that a coordinate step touches only those (LIBLINEAR's
/// only form). The bias feature is the solver's business, not the rows'.
struct LinearSvmRows {
    let features: UnsafePointer<Float>
    let dimension: Int
    /// Sparse form: row i's non-zeros are value[start[i]..<start[i + 1]] at features index[…]; nil when dense.
    let start: [Int]?
    let index: [Int32]
    let value: [Float]

    /// The sparse form when `sparse` allows it and at most a quarter of the values are non-zero.
    init(features: UnsafePointer<Float>, count: Int, dimension: Int, sparse: Bool = true) {
        self.features = features
        self.dimension = dimension
        let all = UnsafeBufferPointer(start: features, count: count * dimension)
        let nonZero = all.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
        guard sparse, nonZero * 4 <= all.count, dimension <= Int(Int32.max) else {
            (start, index, value) = (nil, [], [])
            return
        }
        var start = [0], index: [Int32] = [], value: [Float] = []
        index.reserveCapacity(nonZero)
        value.reserveCapacity(nonZero)
        for i in 0..<count {
            for k in 0..<dimension where features[i * dimension + k] != 0 {
                index.append(Int32(k))
                value.append(features[i * dimension + k])
            }
            start.append(index.count)
        }
        (self.start, self.index, self.value) = (start, index, value)
    }

    /// w · xᵢ.
    @inline(__always)
    func dot(_ w: UnsafePointer<Float>, row i: Int) -> Float {
        guard let start else { return Dot.optimized(w, features + i * dimension, count: dimension) }
        var sum: Float = 0
        for e in start[i]..<start[i + 1] { sum += w[Int(index[e])] * value[e] }
        return sum
    }

    /// w += a · xᵢ.
    @inline(__always)
    func axpy(_ a: Float, row i: Int, into w: UnsafeMutableBufferPointer<Float>) {
        guard let start else {
            Elementwise.Optimized.axpy(a, UnsafeBufferPointer(start: features + i * dimension, count: dimension), w)
            return
        }
        for e in start[i]..<start[i + 1] { w[Int(index[e])] += a * value[e] }
    }
}
