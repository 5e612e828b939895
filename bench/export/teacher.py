#!/usr/bin/env python3
"""A trained belt teacher for the stimulus benchmark's peers, trained the way `StimBench export` trains stim's (the
same CNN, Adam at 1e-3, batch 64, 10 epochs, hard labels on the real belt windows), so that both sides' AM loops
face a confident teacher and need comparable steps per stimulus. Writes the weights as bench/learn/common.py names
them (NCW), for `peers.py --teacher FILE`.

    bench/.venv-learn/bin/python bench/export/teacher.py --out bench/out/export-teacher.npz

Windows: bench/learn/svc_baseline.py's loader (the 8 Apnea-ECG belt records at 1 Hz, each record z-scored), all
records; initial weights common.teacher_params(); trained in JAX (bench/learn/peers.py's jax_model).
"""
import argparse
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "learn"))
import common  # noqa: E402
import svc_baseline  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=svc_baseline.DEFAULT_DATA, help="folder with the resp-1hz records")
    ap.add_argument("--out", required=True)
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    os.environ.update(common.thread_env(2))
    import jax
    import jax.numpy as jnp
    import optax
    import peers as learn_peers

    data = svc_baseline.load(a.data)
    x = np.concatenate([xs for xs, _ in data.values()]).reshape(-1, common.CHANNELS, common.LENGTH)
    y = np.concatenate([ys for _, ys in data.values()])
    teacher, _, params, _, _ = learn_peers.jax_model("NCW")
    p = params(common.teacher_params())
    opt = optax.adam(common.LR, b1=common.BETA1, b2=common.BETA2, eps=common.EPS)

    def loss(p, xb, yb):
        return -jnp.mean(jnp.take_along_axis(jax.nn.log_softmax(teacher(p, xb)), yb[:, None], axis=1))

    @jax.jit
    def step(p, s, xb, yb):
        g = jax.grad(loss)(p, xb, yb)
        upd, s = opt.update(g, s, p)
        return optax.apply_updates(p, upd), s
    s = opt.init(p)
    rng = np.random.default_rng(a.seed)
    for _ in range(a.epochs):
        order = rng.permutation(len(y))
        for i in range(0, len(y) - 63, 64):     # whole batches only: one compiled shape
            idx = order[i:i + 64]
            p, s = step(p, s, jnp.asarray(x[idx]), jnp.asarray(y[idx]))
    accuracy = float((np.asarray(teacher(p, jnp.asarray(x))).argmax(1) == y).mean())
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    np.savez(a.out, **{k: np.asarray(v, dtype=np.float32) for k, v in p.items()})
    print(f"teacher: {len(y)} windows, {a.epochs} epochs, training accuracy {accuracy:.3f} -> {a.out}")


if __name__ == "__main__":
    main()
