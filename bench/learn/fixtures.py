#!/usr/bin/env python3
"""Writes the workloads' fixed tensors (bench/learn/WORKLOADS.md) for another implementation (the Swift side) to
load: initial teacher and generator parameters, the inputs, numpy-reference outputs, and (JAX) the gradients
at the initial weights and the parameters after one Adam step for workloads (a) and (b), each as a raw
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


def one_step(tp, gp, d):
    """Gradients at the initial weights and parameters after one Adam step, for (a) and (b), computed with JAX
    (NCW, float32; peers.py checks JAX against TF/Keras). Empty when JAX is missing."""
    try:
        import jax
        import jax.numpy as jnp
        import optax
        from peers import jax_model
    except ImportError as e:
        print(f"fixtures: no one-step references ({e})", file=sys.stderr)
        return {}
    teacher, generator, params, _, _ = jax_model("NCW")
    opt = optax.adam(common.LR, b1=common.BETA1, b2=common.BETA2, eps=common.EPS)
    out = {}

    def loss_a(p):
        return -jnp.mean(jnp.sum(d["y"] * jax.nn.log_softmax(teacher(p, d["x"])), axis=1))

    def loss_b(g):
        return -teacher(params(tp), generator(g, d["z"]))[0, common.TARGET_CLASS]
    for tag, loss, p0, prefix in (("a", loss_a, params(tp), "teacher."), ("b", loss_b, params(gp), "generator.")):
        grads = jax.grad(loss)(p0)
        upd, _ = opt.update(grads, opt.init(p0), p0)
        p1 = optax.apply_updates(p0, upd)
        for k in p0:
            name = k[2:] if k.startswith("g.") else k
            out[f"reference.{tag}_grad0.{prefix}{name}"] = np.asarray(grads[k])
            out[f"reference.{tag}_step1.{prefix}{name}"] = np.asarray(p1[k])
    return out


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
    tensors.update(one_step(tp, gp, d))
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
