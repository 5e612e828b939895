#!/usr/bin/env python3
"""Writes the workloads' fixed tensors (bench/learn/WORKLOADS.md) for another implementation (the Swift side) to
load: initial teacher and generator parameters, the inputs, and numpy-reference outputs, each as a raw
little-endian float32 file (C order, shapes in manifest.json), plus teacher.onnx with the same teacher weights.

    bench/.venv-learn/bin/python bench/learn/fixtures.py --out bench/out/learn-fixtures
"""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    d = common.inputs()
    tp, gp = common.teacher_params(), common.generator_params()
    img = common.np_generator(gp, d["z"])
    tensors = {**{"teacher." + k: v for k, v in tp.items()}, **{"generator." + k[2:]: v for k, v in gp.items()},
               "input.x": d["x"], "input.y": d["y"], "input.z": d["z"], "input.w": d["w"],
               "reference.a_logits0": common.np_teacher(tp, d["x"]),
               "reference.a_loss0": np.float32(common.np_soft_xent(common.np_teacher(tp, d["x"]), d["y"])),
               "reference.b_image0": img,
               "reference.b_loss0": np.float32(-common.np_teacher(tp, img)[0, common.TARGET_CLASS]),
               "reference.c_logits": common.np_teacher(tp, d["w"])}
    manifest = {}
    for name, v in tensors.items():
        v = np.ascontiguousarray(v, dtype="<f4")
        v.tofile(os.path.join(a.out, name + ".f32"))
        manifest[name] = list(v.shape)
    with open(os.path.join(a.out, "manifest.json"), "w") as f:
        json.dump({"dtype": "float32 little-endian, C order", "tensors": manifest}, f, indent=1)
    try:
        import onnx_teacher
        onnx_teacher.export(tp, os.path.join(a.out, "teacher.onnx"))
    except ImportError as e:
        print(f"fixtures: no teacher.onnx ({e})", file=sys.stderr)
    print(f"wrote {len(manifest)} tensors to {a.out}")


if __name__ == "__main__":
    main()
