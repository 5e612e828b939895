"""Shared definitions of the learning-engine workloads (bench/learn/WORKLOADS.md): parameter shapes and their
deterministic initial values, the inputs, a plain-numpy reference forward pass (channels-first, NCW), FLOP counts
and the timing harness. Imports numpy only, so it is safe to import before the threads are fixed.
"""
import json
import math
import os
import statistics
import subprocess
import time

import numpy as np

SEED = 20240601

# ---------------------------------------------------------------------------------------------- shapes (NCW)
# Convolution weights as [out, in, k] (cross-correlation, as PyTorch and ONNX), dense weights as [out, in]
# (y = W x + b), transposed-convolution weights as [in, out, k] (PyTorch ConvTranspose1d).
TEACHER_SHAPES = {
    "c1.w": (16, 2, 7), "c1.b": (16,),
    "c2.w": (32, 16, 5), "c2.b": (32,),
    "c3.w": (32, 32, 3), "c3.b": (32,),
    "fc.w": (2, 32), "fc.b": (2,),
}
GENERATOR_SHAPES = {
    "g.fc.w": (480, 128), "g.fc.b": (480,),
    "g.ct1.w": (32, 16, 4), "g.ct1.b": (16,),
    "g.ct2.w": (16, 2, 4), "g.ct2.b": (2,),
}
BATCH_A = 64
CHANNELS, LENGTH, CLASSES = 2, 60, 2
NOISE = 128
TARGET_CLASS = 1  # workload (b): the generator maximizes the teacher's logit of class 1 (apnea)
LR, BETA1, BETA2, EPS = 1e-3, 0.9, 0.999, 1e-8


def _fan_in(name, shape):
    if name.endswith(".b"):
        return None
    if name.startswith("g.ct"):
        return shape[0] * shape[2] // 2  # in * k / stride: inputs reaching one output
    return int(np.prod(shape[1:]))


def init_params(shapes, seed):
    """He-uniform weights U(±sqrt(6/fan_in)), biases U(±1/sqrt(fan_in of their layer)), float32, fixed seed."""
    rng = np.random.default_rng(seed)
    params = {}
    for name, shape in shapes.items():
        if name.endswith(".w"):
            fan = _fan_in(name, shape)
            bound = math.sqrt(6.0 / fan)
            params[name] = rng.uniform(-bound, bound, size=shape).astype(np.float32)
            last_fan = fan
        else:
            bound = 1.0 / math.sqrt(last_fan)
            params[name] = rng.uniform(-bound, bound, size=shape).astype(np.float32)
    return params


def teacher_params(seed=SEED):
    return init_params(TEACHER_SHAPES, seed)


def generator_params(seed=SEED + 1):
    return init_params(GENERATOR_SHAPES, seed)


def inputs(seed=SEED + 2):
    """x [64, 2, 60] ~ N(0, 1); soft labels y [64, 2] = (1 - p, p), p ~ U(0, 1); noise z [1, 128] ~ N(0, 1);
    window w [1, 2, 60] = x[:1]."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((BATCH_A, CHANNELS, LENGTH)).astype(np.float32)
    p = rng.uniform(0, 1, size=(BATCH_A, 1)).astype(np.float32)
    y = np.concatenate([1 - p, p], axis=1).astype(np.float32)
    z = rng.standard_normal((1, NOISE)).astype(np.float32)
    return {"x": x, "y": y, "z": z, "w": x[:1].copy()}


# ---------------------------------------------------------------------------------------------- numpy reference
def np_conv1d(x, w, b, pad):
    n, c, length = x.shape
    o, _, k = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad)))
    out_len = length + 2 * pad - k + 1
    cols = np.stack([xp[:, :, j:j + out_len] for j in range(k)], axis=-1)  # [n, c, L, k]
    return np.einsum("nclk,ock->nol", cols, w, optimize=True) + b[None, :, None]


def np_maxpool2(x):
    n, c, length = x.shape
    return x[:, :, : length // 2 * 2].reshape(n, c, length // 2, 2).max(axis=3)


def np_conv_transpose1d(x, w, b, stride, pad):
    n, c, length = x.shape
    _, o, k = w.shape
    full = np.zeros((n, o, (length - 1) * stride + k), dtype=np.float64)
    for i in range(length):
        full[:, :, i * stride:i * stride + k] += np.einsum("nc,cok->nok", x[:, :, i], w)
    out_len = (length - 1) * stride - 2 * pad + k
    return (full[:, :, pad:pad + out_len] + b[None, :, None]).astype(np.float32)


def np_teacher(p, x):
    h = np.maximum(np_conv1d(x, p["c1.w"], p["c1.b"], 3), 0)
    h = np_maxpool2(h)
    h = np.maximum(np_conv1d(h, p["c2.w"], p["c2.b"], 2), 0)
    h = np_maxpool2(h)
    h = np.maximum(np_conv1d(h, p["c3.w"], p["c3.b"], 1), 0)
    h = h.mean(axis=2)
    return h @ p["fc.w"].T + p["fc.b"]


def np_generator(g, z):
    h = np.maximum(z @ g["g.fc.w"].T + g["g.fc.b"], 0).reshape(z.shape[0], 32, 15)
    h = np.maximum(np_conv_transpose1d(h, g["g.ct1.w"], g["g.ct1.b"], 2, 1), 0)
    return np.tanh(np_conv_transpose1d(h, g["g.ct2.w"], g["g.ct2.b"], 2, 1))


def np_soft_xent(logits, y):
    m = logits.max(axis=1, keepdims=True)
    logp = logits - m - np.log(np.exp(logits - m).sum(axis=1, keepdims=True))
    return float(-(y * logp).sum(axis=1).mean())


# ---------------------------------------------------------------------------------------------- FLOP counts
# Multiply-accumulates of the convolutions and dense layers, per sample; a MAC counts as 2 FLOPs.
TEACHER_MACS = [  # (layer, MACs per sample)
    ("c1", 16 * 60 * 2 * 7),
    ("c2", 32 * 30 * 16 * 5),
    ("c3", 32 * 15 * 32 * 3),
    ("fc", 2 * 32),
]
GENERATOR_MACS = [  # transposed convolutions: in * in_len * out * k (every tap, the cropped ones included)
    ("g.fc", 480 * 128),
    ("g.ct1", 32 * 15 * 16 * 4),
    ("g.ct2", 16 * 30 * 2 * 4),
]


def flops():
    t = dict(TEACHER_MACS)
    g = dict(GENERATOR_MACS)
    t_fwd = 2 * sum(t.values())
    g_fwd = 2 * sum(g.values())
    a_fwd = BATCH_A * t_fwd
    a_wgrad = BATCH_A * t_fwd                           # dL/dW of every layer: one MAC per forward MAC
    a_xgrad = BATCH_A * 2 * (t["c2"] + t["c3"] + t["fc"])  # dL/dx of every layer but the first
    b_fwd = g_fwd + t_fwd
    b_teacher_xgrad = t_fwd                             # frozen teacher: gradients w.r.t. its input only
    b_gen_wgrad = g_fwd
    b_gen_xgrad = 2 * (g["g.ct1"] + g["g.ct2"])          # no gradient w.r.t. the noise
    n_t = sum(int(np.prod(s)) for s in TEACHER_SHAPES.values())
    n_g = sum(int(np.prod(s)) for s in GENERATOR_SHAPES.values())
    return {
        "teacher_params": n_t,
        "generator_params": n_g,
        "a": {"forward": a_fwd, "backward_weights": a_wgrad, "backward_inputs": a_xgrad,
              "total": a_fwd + a_wgrad + a_xgrad, "adam_params": n_t},
        "b": {"forward": b_fwd, "backward_teacher_inputs": b_teacher_xgrad, "backward_generator_weights": b_gen_wgrad,
              "backward_generator_inputs": b_gen_xgrad, "total": b_fwd + b_teacher_xgrad + b_gen_wgrad + b_gen_xgrad,
              "adam_params": n_g},
        "c": {"total": t_fwd},
    }


# ---------------------------------------------------------------------------------------------- threads
def thread_env(threads):
    """Environment for a peer process with `threads` compute threads (set before any peer library loads)."""
    env = dict(os.environ)
    n = str(threads)
    env.update({
        "OMP_NUM_THREADS": n, "OPENBLAS_NUM_THREADS": n, "MKL_NUM_THREADS": n,
        "TF_NUM_INTRAOP_THREADS": n, "TF_NUM_INTEROP_THREADS": "1",
        "TF_CPP_MIN_LOG_LEVEL": "2", "JAX_PLATFORMS": "cpu",
    })
    env.pop("OPENBLAS_CORETYPE", None)  # let OpenBLAS pick its kernels for this CPU (Zen3 -> Haswell kernels)
    xla = env.get("XLA_FLAGS", "")
    if threads == 1:
        xla += " --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
    env["XLA_FLAGS"] = xla.strip()
    return env


def pin_cpus(threads):
    """Restrict this process (and the threads it will start) to `threads` CPUs, like taskset; returns them."""
    allowed = sorted(os.sched_getaffinity(0))
    chosen = set(allowed[:threads]) if threads <= len(allowed) else set(allowed)
    os.sched_setaffinity(0, chosen)
    return sorted(chosen)


def run_worker(cmd, env, handle, log):
    """Runs a peer worker process whose stdout is JSON lines with a "kind": hands each record to
    handle(kind, record) (kind taken out of it), logs any other line. Returns True when the worker exited with 0."""
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True)
    for line in p.stdout:
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            log(line.rstrip())
            continue
        handle(rec.pop("kind", None), rec)
    if p.wait() != 0:
        log(f"peer worker {' '.join(cmd[1:4])} failed with status {p.returncode}")
        return False
    return True


# ---------------------------------------------------------------------------------------------- timing
def measure(step, sync=None, runs=7, min_run_s=0.3, warmup_s=0.5, warmup_iters=10):
    """Warm up, pick an iteration count so one run lasts about `min_run_s`, then time `runs` runs.
    Returns (median ms per iteration, per-run ms per iteration, iterations per run). `sync` is called after the
    last iteration of a run (waits for asynchronous work)."""
    sync = sync or (lambda r: None)
    t0 = time.perf_counter()
    i = 0
    r = None
    while i < warmup_iters or time.perf_counter() - t0 < warmup_s:
        r = step()
        i += 1
    sync(r)
    per = (time.perf_counter() - t0) / i
    iters = max(1, int(math.ceil(min_run_s / max(per, 1e-9))))
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        for _ in range(iters):
            r = step()
        sync(r)
        out.append((time.perf_counter() - t0) * 1e3 / iters)
    return statistics.median(out), out, iters
