import Foundation
import Testing
import StimKernels

@Suite struct FloatSoftmaxTests {
    static func apply(_ x: [Float], rows: Int, columns: Int, log: Bool) -> [Float] {
        var out = [Float](repeating: .nan, count: x.count)
        x.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { out in
                if log {
                    Softmax.logSoftmax(x, into: out, rows: rows, columns: columns)
                } else {
                    Softmax.softmax(x, into: out, rows: rows, columns: columns)
                }
            }
        }
        return out
    }

    // Against the definition in Double with libm, on rows whose logits are far from zero (naive e^x overflows).
    @Test func matchesDoubleDefinition() {
        let rows = 7, columns = 5
        let x = FloatTests.random(rows * columns, seed: 20).enumerated().map { i, v in v * 30 + Float(i / columns) * 100 }
        let soft = Self.apply(x, rows: rows, columns: columns, log: false)
        let logSoft = Self.apply(x, rows: rows, columns: columns, log: true)
        for r in 0..<rows {
            let row = (0..<columns).map { Double(x[r * columns + $0]) }
            let top = row.max()!
            let logTotal = Foundation.log(row.reduce(0) { $0 + Foundation.exp($1 - top) }) + top
            for j in 0..<columns {
                let exact = row[j] - logTotal
                #expect(abs(Double(logSoft[r * columns + j]) - exact) <= 1e-6 * max(1, abs(exact)), "log row \(r)")
                // Rounding x − max costs up to ulp(|x − max|)/2 in the exponent, i.e. that much relative error.
                let relative = 1e-6 * max(1, abs(exact))
                #expect(abs(Double(soft[r * columns + j]) - Foundation.exp(exact)) <= relative * Foundation.exp(exact)
                        + 1e-44, "row \(r)")
            }
            let rowSum = (0..<columns).reduce(0.0) { $0 + Double(soft[r * columns + $1]) }
            #expect(abs(rowSum - 1) <= 1e-6)
        }
    }

    // [0, −200]: softmax's second entry underflows to 0, log-softmax still gives −200 exactly.
    @Test func logSoftmaxSurvivesUnderflow() {
        #expect(Self.apply([0, -200], rows: 1, columns: 2, log: false) == [1, 0])
        #expect(Self.apply([0, -200], rows: 1, columns: 2, log: true) == [0, -200])
        #expect(Self.apply([1000, 1000], rows: 1, columns: 2, log: false) == [0.5, 0.5])
    }

    // A NaN poisons its own row only.
    @Test func nanStaysInItsRow() {
        let out = Self.apply([1, .nan, 0, 0], rows: 2, columns: 2, log: false)
        #expect(out[0].isNaN && out[1].isNaN)
        #expect(out[2] == 0.5 && out[3] == 0.5)
    }
}
