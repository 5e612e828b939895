import Foundation
import StimTestSupport
@testable import StimLearn

/// LIBLINEAR (pip `liblinear-official`, the authors' C code) trained on the same examples, through the test venv.
/// The examples travel as raw float32 and int8 files in a temporary folder.
enum LiblinearReference {
    struct Model: Decodable {
        /// w and b of the +1 class (LIBLINEAR's first label may be −1; the script flips it then).
        var weights: [Float]
        var bias: Float
        /// LIBLINEAR's printed dual objective, ½‖w‖² + ½ Σ Dᵢαᵢ² − Σ αᵢ, and its outer iterations (of the dual
        /// solver; at its 300-pass limit `-s 1` goes on with its primal solver, whose w is the one returned).
        var objective: Double
        var iterations: Int
    }

    // LIBLINEAR's C code prints through stdout's file descriptor: it goes to a temporary file, read back for the
    // objective and the iteration count, so that stdout carries only the JSON answer.
    static let script = #"""
    import json, os, re, sys, tempfile
    import numpy as np
    from liblinear.liblinearutil import train
    base, count, dim, solver, cost, eps = sys.argv[1:7]
    x = np.fromfile(base + ".x", dtype=np.float32).reshape(int(count), int(dim)).astype(np.float64)
    y = np.fromfile(base + ".y", dtype=np.int8).astype(np.float64)
    log = tempfile.TemporaryFile(mode="w+")
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(log.fileno(), 1)
    model = train(y, x, f"-s {solver} -c {cost} -B 1 -e {eps}")
    os.dup2(saved, 1)
    log.seek(0)
    text = log.read()
    w, b = model.get_decfun()
    sign = 1.0 if model.get_labels()[0] == 1 else -1.0
    w = list(w) + [0.0] * (int(dim) - len(w))  # LIBLINEAR's w ends at the last feature that is ever non-zero
    print(json.dumps({"weights": [sign * v for v in w], "bias": sign * b,
                      "objective": float(re.search(r"Objective value = (\S+)", text).group(1)),
                      "iterations": int(re.search(r"#iter = (\d+)", text).group(1))}))
    """#

    /// `-s 3` (hinge) or `-s 1` (squared hinge), `-c cost -B 1 -e tolerance`.
    static func train(_ features: [Float], count: Int, dimension: Int, labels: [Int8], cost: Float,
                      loss: LinearSvmSolver.Loss, tolerance: Double) throws -> Model {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stim-liblinear-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let base = folder.appendingPathComponent("examples").path
        try features.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: base + ".x")) }
        try labels.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: base + ".y")) }
        let solver = loss == .hinge ? "3" : "1"
        let out = try PythonEnvironment.run(["-c", script, base, "\(count)", "\(dimension)", solver, "\(cost)", "\(tolerance)"])
        return try JSONDecoder().decode(Model.self, from: Data(out.utf8))
    }
}
