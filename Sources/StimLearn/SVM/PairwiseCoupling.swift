/// Class probabilities p from pairwise ones r[i][j] ≈ P(i | i or j): method 2 of Wu, Lin & Weng
/// ("Probability estimates for multi-class classification by pairwise coupling", JMLR 5, 2004), which
/// minimizes Σ_{i<j} (r[j][i] p_i − r[i][j] p_j)² over the simplex by fixed-point updates, as LIBSVM's
/// multiclass_probability.
func pairwiseCoupling(_ r: [[Double]]) -> [Double] {
    let k = r.count
    var q = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
    var p = [Double](repeating: 1 / Double(k), count: k)
    for t in 0..<k {
        for j in 0..<k where j != t {
            q[t][t] += r[j][t] * r[j][t]
            q[t][j] = -r[j][t] * r[t][j]
        }
    }
    let tolerance = 0.005 / Double(k)
    var qp = [Double](repeating: 0, count: k)
    for _ in 0..<max(100, k) {
        var pqp = 0.0
        for t in 0..<k {
            qp[t] = (0..<k).reduce(0) { $0 + q[t][$1] * p[$1] }
            pqp += p[t] * qp[t]
        }
        let maxError = (0..<k).map { abs(qp[$0] - pqp) }.max() ?? 0
        if maxError < tolerance { break }
        for t in 0..<k {
            let difference = (-qp[t] + pqp) / q[t][t]
            p[t] += difference
            pqp = (pqp + difference * (difference * q[t][t] + 2 * qp[t])) / (1 + difference) / (1 + difference)
            for j in 0..<k {
                qp[j] = (qp[j] + difference * q[t][j]) / (1 + difference)
                p[j] /= 1 + difference
            }
        }
    }
    return p
}
