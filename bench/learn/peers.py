#!/usr/bin/env python3
"""Peer side of the learning-engine benchmarks (bench/learn/WORKLOADS.md): TensorFlow/Keras, JAX, ONNX Runtime and
numpy (OpenBLAS) run workloads (a) teacher training step, (b) generator-through-frozen-teacher step, (c) single-window
inference, (d) float32 matrix multiply.

    bench/learn/setup                                            # once: bench/.venv-learn
    bench/.venv-learn/bin/python bench/learn/peers.py --workload all --threads 2
    bench/.venv-learn/bin/python bench/learn/peers.py --workload a --threads 2 --json > a.jsonl

Every peer family runs in its own process, with the same thread settings (see common.thread_env) and pinned to
the same `--threads` CPUs. Before timing, each peer's results are checked against the numpy reference forward pass
(and, after one optimizer step, against the other peers). `--json`: one JSON line per measurement on stdout,
{"peer", "workload", "median_ms", "runs", "threads", ...}; checks and notes go to stderr.
"""
import argparse
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import common  # noqa: E402

WORKLOADS = {
    "a": "a_teacher_train_b64",
    "b": "b_generator_step_b1",
    "c": "c_teacher_infer_b1",
}
MATMUL_SIZES = [256, 512, 1024, 2048]
FAMILIES = {"a": ["tf", "jax"], "b": ["tf", "jax"], "c": ["ort", "tf", "jax"], "d": ["numpy"]}


def emit(obj):
    print(json.dumps(obj), flush=True)


class Worker:
    def __init__(self, args):
        self.args = args
        self.threads = args.threads
        self.flops = common.flops()
        self.data = common.inputs()
        self.tp = common.teacher_params()
        self.gp = common.generator_params()

    def measure(self, peer, workload, step, sync=None, flops=None, **extra):
        load = os.getloadavg()[0]
        med, runs, iters = common.measure(step, sync, runs=self.args.runs, min_run_s=self.args.min_run_s)
        rec = {"peer": peer, "workload": workload, "median_ms": round(med, 6), "runs": [round(r, 6) for r in runs],
               "threads": self.threads, "iters": iters,
               "load1": round(load, 2)}  # 1-minute load average before the measurement (other work on the CPUs)
        if flops:
            rec["flops"] = flops
            rec["gflops"] = round(flops / (med * 1e-3) / 1e9, 3)
        rec.update(extra)
        emit({"kind": "measure", **rec})

    def check(self, peer, name, value):
        emit({"kind": "check", "peer": peer, "name": name, "value": np.asarray(value, dtype=np.float64).tolist()})


# ------------------------------------------------------------------------------------------------ TensorFlow
def keras_model():
    """The workloads' teacher and generator as Keras models in NWC, Keras' native layout (import after the threads
    are set): returns (teacher(p), generator(g), set_generator(m, g), adam(variables)); p and g as common.py makes
    them (NCW), and set_generator loads new generator weights into a built model (bench/export re-initializes)."""
    import keras
    from keras import layers

    def teacher(p):
        m = keras.Sequential([
            keras.Input((common.LENGTH, common.CHANNELS)),
            layers.Conv1D(16, 7, padding="same", activation="relu"), layers.MaxPooling1D(2),
            layers.Conv1D(32, 5, padding="same", activation="relu"), layers.MaxPooling1D(2),
            layers.Conv1D(32, 3, padding="same", activation="relu"),
            layers.GlobalAveragePooling1D(), layers.Dense(2)])
        convs = [l for l in m.layers if isinstance(l, layers.Conv1D)]
        for l, n in zip(convs, ["c1", "c2", "c3"]):
            l.set_weights([p[n + ".w"].transpose(2, 1, 0), p[n + ".b"]])
        m.layers[-1].set_weights([p["fc.w"].T, p["fc.b"]])
        return m

    def set_generator(m, g):
        # Dense rows reordered so the reshape yields [15, 32] (NWC) directly: row t*32+c is the NCW row c*15+t.
        perm = (np.arange(32)[None, :] * 15 + np.arange(15)[:, None]).reshape(-1)
        m.layers[0].set_weights([g["g.fc.w"][perm].T, g["g.fc.b"][perm]])
        m.layers[2].set_weights([g["g.ct1.w"].transpose(2, 1, 0), g["g.ct1.b"]])
        m.layers[3].set_weights([g["g.ct2.w"].transpose(2, 1, 0), g["g.ct2.b"]])

    def generator(g):
        m = keras.Sequential([
            keras.Input((common.NOISE,)),
            layers.Dense(480, activation="relu"), layers.Reshape((15, 32)),
            layers.Conv1DTranspose(16, 4, strides=2, padding="same", activation="relu"),
            layers.Conv1DTranspose(2, 4, strides=2, padding="same", activation="tanh")])
        set_generator(m, g)
        return m

    def adam(variables):
        # Keras adds epsilon to the uncorrected sqrt(v) (the paper's "epsilon hat" form); this epsilon makes its
        # first step equal to the workload's Adam (Algorithm 1, epsilon 1e-8 on sqrt(v_hat)), which the checks
        # compare. A step costs the same whatever epsilon is.
        opt = keras.optimizers.Adam(learning_rate=common.LR, beta_1=common.BETA1, beta_2=common.BETA2,
                                    epsilon=common.EPS * (1 - common.BETA2) ** 0.5)
        opt.build(variables)
        return opt
    return teacher, generator, set_generator, adam


def run_tf(w, workloads):
    import tensorflow as tf
    tf.config.threading.set_intra_op_parallelism_threads(w.threads)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    import keras
    version = f"tensorflow {tf.__version__}, keras {keras.__version__}"
    d = w.data
    x = np.ascontiguousarray(d["x"].transpose(0, 2, 1))   # NWC, Keras' native layout
    win = np.ascontiguousarray(d["w"].transpose(0, 2, 1))
    y, z = d["y"], d["z"]
    to_ncw = lambda a: np.asarray(a).transpose(0, 2, 1)  # noqa: E731

    teacher, generator, _, adam = keras_model()

    for jit in (False, True):
        peer = "tf-keras-xla" if jit else "tf-keras-graph"
        variant = f"tf.function(jit_compile={jit})"
        if "a" in workloads:
            m = teacher(w.tp)
            opt = adam(m.trainable_variables)

            def step_a(xb, yb, m=m, opt=opt):
                with tf.GradientTape() as tape:
                    logits = m(xb, training=True)
                    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=yb, logits=logits))
                grads = tape.gradient(loss, m.trainable_variables)
                opt.apply_gradients(zip(grads, m.trainable_variables))
                return loss
            f = tf.function(step_a, jit_compile=jit)
            xt, yt = tf.constant(x), tf.constant(y)
            w.check(peer, "a_logits0", m(xt, training=False).numpy())
            w.check(peer, "a_loss1", f(xt, yt).numpy())
            w.check(peer, "a_logits1", m(xt, training=False).numpy())
            w.measure(peer, WORKLOADS["a"], lambda: f(xt, yt), lambda r: r.numpy(), w.flops["a"]["total"],
                      variant=variant, version=version)
        if "b" in workloads:
            t = teacher(w.tp)
            t.trainable = False
            g = generator(w.gp)
            opt = adam(g.trainable_variables)

            def step_b(zb, g=g, t=t, opt=opt):
                with tf.GradientTape() as tape:
                    logits = t(g(zb, training=True), training=False)
                    loss = -logits[0, common.TARGET_CLASS]
                grads = tape.gradient(loss, g.trainable_variables)
                opt.apply_gradients(zip(grads, g.trainable_variables))
                return loss
            f = tf.function(step_b, jit_compile=jit)
            zt = tf.constant(z)
            w.check(peer, "b_img0", to_ncw(g(zt, training=False)))
            w.check(peer, "b_loss1", f(zt).numpy())
            w.check(peer, "b_img1", to_ncw(g(zt, training=False)))
            w.measure(peer, WORKLOADS["b"], lambda: f(zt), lambda r: r.numpy(), w.flops["b"]["total"],
                      variant=variant, version=version)
        if "c" in workloads:
            m = teacher(w.tp)
            f = tf.function(lambda xb, m=m: m(xb, training=False), jit_compile=jit,
                            input_signature=[tf.TensorSpec([1, common.LENGTH, common.CHANNELS], tf.float32)])
            w.check(peer, "c_logits", f(win).numpy())
            w.measure(peer, WORKLOADS["c"], lambda: f(win).numpy(), None, w.flops["c"]["total"],
                      variant=variant + ", numpy in, numpy out", version=version)


# ------------------------------------------------------------------------------------------------ JAX
def jax_model(layout):
    """The workloads' teacher and generator as JAX functions in `layout` ("NCW" or "NWC"): returns
    (teacher(p, x), generator(g, z), teacher_params(p_ncw) -> p in this layout, to_layout(x_ncw), to_ncw(y))."""
    import jax
    import jax.numpy as jnp
    from jax import lax
    ncw = layout == "NCW"
    dn = ("NCH", "OIH", "NCH") if ncw else ("NHC", "HIO", "NHC")
    laxis = 2 if ncw else 1
    window = (1, 1, 2) if ncw else (1, 2, 1)

    def bias(b):
        return b[None, :, None] if ncw else b[None, None, :]

    def conv(x, k, b, pad):
        return lax.conv_general_dilated(x, k, (1,), [(pad, pad)], dimension_numbers=dn) + bias(b)

    def conv_t(x, wt, b, stride, pad):  # PyTorch ConvTranspose1d semantics, wt [in, out, k]
        k = wt.shape[2]
        kern = jnp.flip(wt, 2).transpose(1, 0, 2)   # [out, in, k] of the equivalent dilated convolution
        kern = kern if ncw else kern.transpose(2, 1, 0)
        return lax.conv_general_dilated(x, kern, (1,), [(k - 1 - pad, k - 1 - pad)], lhs_dilation=(stride,),
                                        dimension_numbers=dn) + bias(b)

    def pool(x):
        return lax.reduce_window(x, -jnp.inf, lax.max, window, window, "VALID")

    def teacher(p, x):
        h = pool(jax.nn.relu(conv(x, p["c1.w"], p["c1.b"], 3)))
        h = pool(jax.nn.relu(conv(h, p["c2.w"], p["c2.b"], 2)))
        h = jax.nn.relu(conv(h, p["c3.w"], p["c3.b"], 1))
        h = jnp.mean(h, axis=laxis)
        return h @ p["fc.w"].T + p["fc.b"]

    def generator(g, z):
        h = jax.nn.relu(z @ g["g.fc.w"].T + g["g.fc.b"]).reshape(z.shape[0], 32, 15)
        h = h if ncw else h.transpose(0, 2, 1)
        h = jax.nn.relu(conv_t(h, g["g.ct1.w"], g["g.ct1.b"], 2, 1))
        return jnp.tanh(conv_t(h, g["g.ct2.w"], g["g.ct2.b"], 2, 1))

    def params(p):  # conv weights [out, in, k] -> [k, in, out] for NWC ("HIO")
        return {k: jnp.asarray(v if ncw or not k.endswith(".w") or k == "fc.w" else v.transpose(2, 1, 0))
                for k, v in p.items()}

    def to_layout(a):
        return a if ncw else np.ascontiguousarray(np.asarray(a).transpose(0, 2, 1))

    def to_ncw(a):
        return np.asarray(a) if ncw else np.asarray(a).transpose(0, 2, 1)
    return teacher, generator, params, to_layout, to_ncw


def run_jax(w, workloads):
    import jax
    import jax.numpy as jnp
    import optax
    version = f"jax {jax.__version__}, optax {optax.__version__}"
    d = w.data

    for layout in ("NCW", "NWC"):
        peer = "jax-jit" if layout == "NCW" else "jax-jit-nwc"
        teacher, generator, params, data, to_ncw = jax_model(layout)
        tp = params(w.tp)
        gp = {k: jnp.asarray(v) for k, v in w.gp.items()}
        opt = optax.adam(common.LR, b1=common.BETA1, b2=common.BETA2, eps=common.EPS)
        x, y, z, win = jnp.asarray(data(d["x"])), jnp.asarray(d["y"]), jnp.asarray(d["z"]), data(d["w"])
        variant = f"jax.jit, {layout}, optax.adam"

        if "a" in workloads:
            def loss_a(p, xb, yb):
                return -jnp.mean(jnp.sum(yb * jax.nn.log_softmax(teacher(p, xb)), axis=1))

            def step_a(p, s, xb, yb):
                loss, grads = jax.value_and_grad(loss_a)(p, xb, yb)
                upd, s = opt.update(grads, s, p)
                return optax.apply_updates(p, upd), s, loss
            f = jax.jit(step_a, donate_argnums=(0, 1))
            p = jax.tree.map(jnp.copy, tp)
            st = [p, opt.init(p)]
            w.check(peer, "a_logits0", teacher(st[0], x))
            st[0], st[1], loss = f(st[0], st[1], x, y)
            w.check(peer, "a_loss1", loss)
            w.check(peer, "a_logits1", teacher(st[0], x))

            def it_a():
                st[0], st[1], loss = f(st[0], st[1], x, y)
                return loss
            w.measure(peer, WORKLOADS["a"], it_a, lambda r: r.block_until_ready(), w.flops["a"]["total"],
                      variant=variant, version=version)
        if "b" in workloads:
            def loss_b(g, t, zb):
                return -teacher(t, generator(g, zb))[0, common.TARGET_CLASS]

            def step_b(g, s, t, zb):
                loss, grads = jax.value_and_grad(loss_b)(g, t, zb)  # w.r.t. the generator only
                upd, s = opt.update(grads, s, g)
                return optax.apply_updates(g, upd), s, loss
            f = jax.jit(step_b, donate_argnums=(0, 1))
            g = jax.tree.map(jnp.copy, gp)
            st = [g, opt.init(g)]
            w.check(peer, "b_img0", to_ncw(generator(st[0], z)))
            st[0], st[1], loss = f(st[0], st[1], tp, z)
            w.check(peer, "b_loss1", loss)
            w.check(peer, "b_img1", to_ncw(generator(st[0], z)))

            def it_b():
                st[0], st[1], loss = f(st[0], st[1], tp, z)
                return loss
            w.measure(peer, WORKLOADS["b"], it_b, lambda r: r.block_until_ready(), w.flops["b"]["total"],
                      variant=variant, version=version)
        if "c" in workloads:
            f = jax.jit(lambda xb: teacher(tp, xb))   # frozen weights: constants of the compiled program
            w.check(peer, "c_logits", np.asarray(f(win)))
            w.measure(peer, WORKLOADS["c"], lambda: np.asarray(f(win)), None, w.flops["c"]["total"],
                      variant=f"jax.jit, {layout}, weights as constants, numpy in, numpy out", version=version)


# ------------------------------------------------------------------------------------------------ ONNX Runtime
def run_ort(w, workloads):
    import onnxruntime as ort
    import onnx_teacher
    so = ort.SessionOptions()
    so.intra_op_num_threads = w.threads
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    model = onnx_teacher.teacher_model(w.tp, batch=1)
    sess = ort.InferenceSession(model.SerializeToString(), so, providers=["CPUExecutionProvider"])
    win = w.data["w"]
    w.check("onnxruntime", "c_logits", sess.run(None, {"x": win})[0])
    w.measure("onnxruntime", WORKLOADS["c"], lambda: sess.run(None, {"x": win}), None, w.flops["c"]["total"],
              variant="InferenceSession, CPUExecutionProvider, ORT_ENABLE_ALL, numpy in, numpy out",
              version=f"onnxruntime {ort.__version__}")


# ------------------------------------------------------------------------------------------------ numpy
def run_numpy(w, workloads):
    from threadpoolctl import threadpool_info
    blas = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    info = blas[0] if blas else {}
    version = (f"numpy {np.__version__}, {info.get('internal_api', '?')} {info.get('version', '?')} "
               f"({info.get('architecture', '?')}, {info.get('num_threads', '?')} threads)")
    rng = np.random.default_rng(common.SEED + 3)
    for n in MATMUL_SIZES:
        a = rng.standard_normal((n, n)).astype(np.float32)
        b = rng.standard_normal((n, n)).astype(np.float32)
        c = np.empty((n, n), dtype=np.float32)
        np.matmul(a, b, out=c)
        want = a[:4].astype(np.float64) @ b.astype(np.float64)
        err = float(np.abs(c[:4] - want).max() / np.abs(want).max())
        emit({"kind": "note", "text": f"numpy matmul n={n}: max relative error vs float64 {err:.2g}"})
        w.measure("numpy-openblas", f"d_matmul_n{n}", lambda: np.matmul(a, b, out=c), None, 2 * n ** 3,
                  variant="np.matmul(a, b, out=c), float32, C order", version=version)


RUNNERS = {"tf": run_tf, "jax": run_jax, "ort": run_ort, "numpy": run_numpy}


# ------------------------------------------------------------------------------------------------ driver
def reference_checks():
    d = common.inputs()
    tp, gp = common.teacher_params(), common.generator_params()
    img = common.np_generator(gp, d["z"])
    return {
        "a_logits0": common.np_teacher(tp, d["x"]),
        "a_loss1": np.asarray(common.np_soft_xent(common.np_teacher(tp, d["x"]), d["y"])),
        "b_img0": img,
        "b_loss1": np.asarray(-common.np_teacher(tp, img)[0, common.TARGET_CLASS]),
        "c_logits": common.np_teacher(tp, d["w"]),
    }


def compare(checks, log):
    """Forward values against the numpy reference; values after one optimizer step across peers. Returns ok."""
    ref = reference_checks()
    ok = True
    first = {}
    for c in checks:
        v = np.asarray(c["value"])
        if c["name"] in ref:
            err = float(np.abs(v - ref[c["name"]]).max())
            what = "numpy reference"
        else:
            base = first.setdefault(c["name"], (c["peer"], v))
            err = float(np.abs(v - base[1]).max())
            what = f"{base[0]} (after one Adam step)"
        good = err < 1e-4
        ok &= good
        log(f"check {c['peer']:>15} {c['name']:<10} max |diff| vs {what}: {err:.2g}{'' if good else '  FAIL'}")
    return ok


def human(rec):
    rs = rec["runs"]
    g = f"{rec['gflops']:9.3f}" if "gflops" in rec else " " * 9
    return (f"{rec['peer']:<16} {rec['workload']:<22} {rec['median_ms']:11.4f} ms  "
            f"[{min(rs):.4f} .. {max(rs):.4f}]  {g} GFLOP/s  {len(rs)} runs x {rec['iters']}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workload", default="all", help="a, b, c, d, all, or a comma list (a,c)")
    ap.add_argument("--threads", type=int, default=int(os.environ.get("STIM_BENCH_THREADS", "2")),
                    help="compute threads (and pinned CPUs) for every peer (default 2, or $STIM_BENCH_THREADS)")
    ap.add_argument("--peers", default="tf,jax,ort,numpy", help="peer families to run (default all)")
    ap.add_argument("--runs", type=int, default=7, help="timed runs per measurement (default 7)")
    ap.add_argument("--min-run-s", type=float, default=0.3, help="seconds of one timed run (default 0.3)")
    ap.add_argument("--json", action="store_true", help="JSON lines on stdout")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    a = ap.parse_args()
    workloads = ["a", "b", "c", "d"] if a.workload == "all" else a.workload.split(",")
    for wk in workloads:
        if wk not in FAMILIES:
            ap.error(f"unknown workload {wk!r}")

    if a.worker:
        cpus = common.pin_cpus(a.threads)
        emit({"kind": "note", "text": f"{a.worker}: pinned to CPUs {cpus}"})
        RUNNERS[a.worker](Worker(a), workloads)
        return

    def log(s):
        print(s, file=sys.stderr if a.json else sys.stdout, flush=True)
    families = [f for f in ["numpy", "ort", "tf", "jax"]
                if f in a.peers.split(",") and any(f in FAMILIES[wk] for wk in workloads)]
    env = common.thread_env(a.threads)
    checks, ok = [], True
    log(f"bench/learn peers: workloads {','.join(workloads)}, threads {a.threads}, "
        f"XLA_FLAGS={env['XLA_FLAGS']!r}, CPUs available {sorted(os.sched_getaffinity(0))}")
    fl = common.flops()
    log("FLOPs (2 per MAC of conv/dense layers): "
        f"(a) {fl['a']['total']:,} per step = forward {fl['a']['forward']:,} + weight gradients "
        f"{fl['a']['backward_weights']:,} + input gradients {fl['a']['backward_inputs']:,}; "
        f"(b) {fl['b']['total']:,} per step = forward {fl['b']['forward']:,} + teacher input gradients "
        f"{fl['b']['backward_teacher_inputs']:,} + generator weight gradients {fl['b']['backward_generator_weights']:,}"
        f" + generator input gradients {fl['b']['backward_generator_inputs']:,}; (c) {fl['c']['total']:,} per window; "
        f"(d) 2n^3. Parameters: teacher {fl['teacher_params']:,}, generator {fl['generator_params']:,}")
    for fam in families:
        mine = [wk for wk in workloads if fam in FAMILIES[wk]]
        cmd = [sys.executable, os.path.abspath(__file__), "--worker", fam, "--workload", ",".join(mine),
               "--threads", str(a.threads), "--runs", str(a.runs), "--min-run-s", str(a.min_run_s)]

        def handle(kind, rec):
            if kind == "measure":
                print(json.dumps(rec) if a.json else human(rec), flush=True)
            elif kind == "check":
                checks.append(rec)
            else:
                log(rec.get("text", json.dumps(rec)))
        ok &= common.run_worker(cmd, env, handle, log)
    ok &= compare(checks, log)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
