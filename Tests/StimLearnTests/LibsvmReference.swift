import Foundation
import StimTestSupport

/// LIBSVM's own C code (pip libsvm-official, in the test venv) trained and evaluated on the same float32
/// values the Swift solver sees, with its one-vs-one decision values re-ordered into our pair layout (pairs
/// (i, j), i < j, positive meaning class i; LIBSVM orders classes by first appearance).
struct LibsvmReference: Decodable {
    /// Machines per test example, example after example.
    var decisionValues: [Double]
    var predicted: [Int]
    /// classes per test example when asked for (-b 1), class order 0..<classes.
    var probabilities: [Double]?
    var supportVectors: Int
    /// Median seconds of svm_train over `repeats` runs.
    var seconds: Double
    /// scikit-learn SVC's median fit seconds with the same parameters, when asked for.
    var sklearnSeconds: Double?

    static let script = #"""
import json, os, statistics, sys, time
# One core, as the issue's timings: the wheel's LIBSVM is built with OpenMP, which otherwise spins on every core.
os.environ["OMP_NUM_THREADS"] = "1"
import numpy as np
from libsvm.svmutil import svm_parameter, svm_predict, svm_problem, svm_train
cfg = json.load(sys.stdin)
d = cfg["features"]
x = np.fromfile(cfg["train"], dtype=np.float32).reshape(-1, d).astype(np.float64)
xt = np.fromfile(cfg["test"], dtype=np.float32).reshape(-1, d).astype(np.float64)
y, yt = cfg["labels"], [0] * len(xt)
problem = svm_problem(y, x)
times = []
for _ in range(cfg["repeats"]):
    start = time.perf_counter()
    model = svm_train(problem, svm_parameter(cfg["options"] + " -q"))
    times.append(time.perf_counter() - start)
order = model.get_labels()
k = len(order)
predicted, _, values = svm_predict(yt, xt, model, "-q")
pairs = [(a, b) for a in range(k) for b in range(a + 1, k)]
index = {}
for p, (a, b) in enumerate(pairs):
    la, lb = order[a], order[b]
    index[(min(la, lb), max(la, lb))] = (p, 1.0 if la < lb else -1.0)
ours = [(i, j) for i in range(k) for j in range(i + 1, k)]
decision = []
for row in values:
    for pair in ours:
        p, sign = index[pair]
        decision.append(sign * row[p])
out = {"decisionValues": decision, "predicted": [int(v) for v in predicted],
       "supportVectors": model.get_nr_sv(), "seconds": statistics.median(times)}
if cfg["probability"]:
    _, _, probabilities = svm_predict(yt, xt, model, "-b 1 -q")
    columns = [order.index(c) for c in range(k)]
    out["probabilities"] = [row[c] for row in probabilities for c in columns]
if cfg["sklearn"]:
    from sklearn.svm import SVC
    g = [float(t) for t in cfg["options"].split()[cfg["options"].split().index("-g") + 1:][:1]]
    c = float(cfg["options"].split()[cfg["options"].split().index("-c") + 1])
    sk = []
    for _ in range(cfg["repeats"]):
        start = time.perf_counter()
        SVC(C=c, gamma=g[0], kernel="rbf", tol=1e-3, cache_size=200).fit(x, y)
        sk.append(time.perf_counter() - start)
    out["sklearnSeconds"] = statistics.median(sk)
json.dump(out, sys.stdout)
"""#

    /// `options` in svm-train's syntax, e.g. "-t 2 -c 1 -g 0.01".
    static func run(train: [Float], labels: [Int], test: [Float], features: Int, options: String,
                    probability: Bool = false, repeats: Int = 1, sklearn: Bool = false) throws -> LibsvmReference {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stim-libsvm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let trainPath = folder.appendingPathComponent("train.f32"), testPath = folder.appendingPathComponent("test.f32")
        try train.withUnsafeBytes { try Data($0).write(to: trainPath) }
        try test.withUnsafeBytes { try Data($0).write(to: testPath) }
        struct Config: Encodable {
            var train: String, test: String, features: Int, labels: [Int], options: String, probability: Bool, repeats: Int
            var sklearn: Bool
        }
        let config = Config(train: trainPath.path, test: testPath.path, features: features, labels: labels,
                            options: options + (probability ? " -b 1" : ""), probability: probability, repeats: repeats,
                            sklearn: sklearn)
        let output = try PythonEnvironment.run(["-c", script], input: try JSONEncoder().encode(config))
        return try JSONDecoder().decode(LibsvmReference.self, from: Data(output.utf8))
    }

    /// Pearson correlation.
    static func correlation(_ a: [Double], _ b: [Double]) -> Double {
        let n = Double(a.count)
        let ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for (x, y) in zip(a, b) {
            sab += (x - ma) * (y - mb)
            saa += (x - ma) * (x - ma)
            sbb += (y - mb) * (y - mb)
        }
        return sab / (saa * sbb).squareRoot()
    }
}
