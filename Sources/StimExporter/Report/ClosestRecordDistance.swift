import StimLearn

/// Distance to closest record: each query window's Euclidean distance to its nearest real training window.
/// Stimuli that copy training windows sit far closer to them than unseen real windows do, so
/// median(stimuli) / median(held-out real windows) near 0 means copying, near or above 1 none found.
public struct ClosestRecordDistance: Sendable {
    /// Training windows, `exampleSize` values each.
    public let references: [Float]
    public let exampleSize: Int
    /// Query windows compared with all references per matrix product (bounds the distance block's memory).
    public var blockRows = 512
    public var threads = 2

    public init(references: [Float], exampleSize: Int) throws {
        guard exampleSize > 0, !references.isEmpty, references.count % exampleSize == 0 else {
            throw LearnError.data("the reference windows are not whole windows of \(exampleSize) values, or none")
        }
        self.references = references
        self.exampleSize = exampleSize
    }

    /// For each query window, the index of the nearest reference and the distance to it.
    public func nearest(_ queries: [Float]) throws -> (indices: [Int], distances: [Double]) {
        guard !queries.isEmpty, queries.count % exampleSize == 0 else {
            throw LearnError.data("the query windows are not whole windows of \(exampleSize) values, or none")
        }
        guard queries.allSatisfy(\.isFinite) else { throw LearnError.data("a query window holds a non-finite value") }
        let (m, n, k) = (queries.count / exampleSize, references.count / exampleSize, exampleSize)
        let referenceNorms = squaredNorms(references)
        let multiply = ParallelMultiply(threads: max(1, threads))
        var indices = [Int](repeating: 0, count: m), distances = [Double](repeating: 0, count: m)
        var products = [Float](repeating: 0, count: min(max(1, blockRows), m) * n)
        var first = 0
        while first < m {
            let rows = min(max(1, blockRows), m - first)
            // ‖q − r‖² = ‖q‖² + ‖r‖² − 2 q·r: one product per block; the argmin ignores ‖q‖², a constant per row.
            queries.withUnsafeBufferPointer { q in
                references.withUnsafeBufferPointer { r in
                    products.withUnsafeMutableBufferPointer { c in
                        multiply.multiply(UnsafeBufferPointer(rebasing: q[(first * k)..<((first + rows) * k)]), r,
                                          into: UnsafeMutableBufferPointer(rebasing: c[0..<(rows * n)]),
                                          m: rows, n: n, k: k, transposeB: true)
                    }
                }
            }
            for row in 0..<rows {
                var best = 0
                var bestValue = Float.infinity
                for j in 0..<n {
                    let value = referenceNorms[j] - 2 * products[row * n + j]
                    if value < bestValue {
                        bestValue = value
                        best = j
                    }
                }
                indices[first + row] = best
                // The expansion cancels badly for near copies: the winner's distance is computed directly.
                distances[first + row] = distance(queries, first + row, best)
            }
            first += rows
        }
        return (indices, distances)
    }

    private func squaredNorms(_ windows: [Float]) -> [Float] {
        (0..<(windows.count / exampleSize)).map { w in
            var sum: Float = 0
            for v in windows[(w * exampleSize)..<((w + 1) * exampleSize)] { sum += v * v }
            return sum
        }
    }

    private func distance(_ queries: [Float], _ query: Int, _ reference: Int) -> Double {
        var sum = 0.0
        for i in 0..<exampleSize {
            let d = Double(queries[query * exampleSize + i]) - Double(references[reference * exampleSize + i])
            sum += d * d
        }
        return sum.squareRoot()
    }
}

/// The distance-to-closest-record figures of one stimulus set.
public struct ClosestRecordSummary: Codable, Sendable, Equatable {
    public var medianStimulusDistance: Double
    public var medianHeldOutDistance: Double
    /// medianStimulusDistance / medianHeldOutDistance.
    public var ratio: Double
    /// Share of stimuli nearer their closest training window than the 5th percentile of held-out real windows.
    public var shareBelowHeldOutFifthPercentile: Double

    public init(stimulusDistances: [Double], heldOutDistances: [Double]) throws {
        guard !stimulusDistances.isEmpty, !heldOutDistances.isEmpty else {
            throw LearnError.data("closest-record distances need stimuli and held-out windows")
        }
        medianStimulusDistance = median(stimulusDistances)
        medianHeldOutDistance = median(heldOutDistances)
        guard medianHeldOutDistance > 0 else {
            throw LearnError.data("held-out windows copy training windows (median distance 0): no ratio")
        }
        ratio = medianStimulusDistance / medianHeldOutDistance
        let sorted = heldOutDistances.sorted()
        let fifth = sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.05))]
        shareBelowHeldOutFifthPercentile = Double(stimulusDistances.filter { $0 < fifth }.count) / Double(stimulusDistances.count)
    }
}

/// The middle value (the mean of the two middle ones for an even count).
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
