#!/usr/bin/env python3
"""Exports the teacher CNN of workload (a) (bench/learn/WORKLOADS.md) with given weights as an ONNX model built
with onnx.helper: Conv, Relu, MaxPool, GlobalAveragePool, Flatten, Gemm; input "x" [N, 2, 60] float32 (NCW),
output "logits" [N, 2].

    bench/.venv-learn/bin/python bench/learn/onnx_teacher.py --out teacher.onnx                 # the seeded weights
    bench/.venv-learn/bin/python bench/learn/onnx_teacher.py --weights w.npz --out teacher.onnx --check
    bench/.venv-learn/bin/python bench/learn/onnx_teacher.py --out t.onnx --save-weights t.npz

Weights (.npz) use the names and layouts of common.TEACHER_SHAPES: c1.w [16,2,7], c1.b [16], c2.w [32,16,5], c2.b,
c3.w [32,32,3], c3.b, fc.w [2,32] (y = W x + b), fc.b. `--check` runs the model in ONNX Runtime on the seeded
inputs and compares it with the numpy reference forward pass.
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

OPSET = 17
IR_VERSION = 8


def teacher_model(params, batch="N"):
    """The teacher as an onnx.ModelProto; `batch` is the batch dimension (an int or a symbolic name)."""
    from onnx import TensorProto, helper, numpy_helper

    for name, shape in common.TEACHER_SHAPES.items():
        if tuple(params[name].shape) != shape:
            raise ValueError(f"{name}: shape {params[name].shape}, expected {shape}")
    inits = [numpy_helper.from_array(np.ascontiguousarray(params[n], dtype=np.float32), n)
             for n in common.TEACHER_SHAPES]
    nodes = [
        helper.make_node("Conv", ["x", "c1.w", "c1.b"], ["c1"], kernel_shape=[7], pads=[3, 3], strides=[1]),
        helper.make_node("Relu", ["c1"], ["r1"]),
        helper.make_node("MaxPool", ["r1"], ["p1"], kernel_shape=[2], strides=[2]),
        helper.make_node("Conv", ["p1", "c2.w", "c2.b"], ["c2"], kernel_shape=[5], pads=[2, 2], strides=[1]),
        helper.make_node("Relu", ["c2"], ["r2"]),
        helper.make_node("MaxPool", ["r2"], ["p2"], kernel_shape=[2], strides=[2]),
        helper.make_node("Conv", ["p2", "c3.w", "c3.b"], ["c3"], kernel_shape=[3], pads=[1, 1], strides=[1]),
        helper.make_node("Relu", ["c3"], ["r3"]),
        helper.make_node("GlobalAveragePool", ["r3"], ["gap"]),
        helper.make_node("Flatten", ["gap"], ["flat"], axis=1),
        helper.make_node("Gemm", ["flat", "fc.w", "fc.b"], ["logits"], transB=1),
    ]
    graph = helper.make_graph(
        nodes, "stim_teacher",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [batch, common.CHANNELS, common.LENGTH])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [batch, common.CLASSES])],
        initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="stim bench/learn")
    model.ir_version = IR_VERSION
    import onnx
    onnx.checker.check_model(model)
    return model


def export(params, path, batch="N"):
    import onnx
    onnx.save(teacher_model(params, batch), path)
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--weights", help=".npz with the teacher weights (default: the seeded initial weights)")
    ap.add_argument("--out", required=True, help="where to write the .onnx model")
    ap.add_argument("--save-weights", help="also write the weights used to this .npz")
    ap.add_argument("--batch", default="N", help="batch dimension: a number or a symbolic name (default N)")
    ap.add_argument("--check", action="store_true", help="compare ONNX Runtime with the numpy reference")
    a = ap.parse_args()
    params = dict(np.load(a.weights)) if a.weights else common.teacher_params()
    batch = int(a.batch) if a.batch.isdigit() else a.batch
    export(params, a.out, batch)
    if a.save_weights:
        np.savez(a.save_weights, **params)
    print(f"wrote {a.out}")
    if a.check:
        import onnxruntime as ort
        x = common.inputs()["x"]
        if isinstance(batch, int):
            x = x[:batch]
        sess = ort.InferenceSession(a.out, providers=["CPUExecutionProvider"])
        got = sess.run(["logits"], {"x": x})[0]
        want = common.np_teacher(params, x)
        err = float(np.abs(got - want).max())
        print(f"max |ORT - numpy reference| = {err:.3g} over {x.shape[0]} windows")
        sys.exit(0 if err < 1e-4 else 1)


if __name__ == "__main__":
    main()
