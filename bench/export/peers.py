#!/usr/bin/env python3
"""Peer side of the stimulus benchmark (bench/README.md, "export"): the exporter's activation-maximization loop in
TensorFlow/Keras (tf.function, as the method's reference code runs it) and in jitted JAX, on the belt shapes
(teacher `StudentArchitecture.cnn`, generator 128 -> dense 480 -> [32, 15] -> convT 16 -> convT 2 -> tanh, the
networks bench/learn/peers.py defines; weights as bench/learn/common.py makes them).

    bench/learn/setup                                                     # once: bench/.venv-learn
    bench/.venv-learn/bin/python bench/export/peers.py --count 500 --threads 2
    bench/.venv-learn/bin/python bench/export/peers.py --peers jax --threads 1 --json

The loop (the issue's, after the method's reference code): pick a class cl and a threshold T ~ U[tmin, tmax] and
noise z ~ N(0, 1)^128; then up to S Adam steps (lr 1e-3) on the generator's weights against the cross-entropy of
cl and softmax(teacher(G(z))), teacher frozen, checking before each step whether softmax_cl > T. Above T: keep the
stimulus (labelled with the teacher's softmax) and keep G and its Adam state for the next one. Still below after S
steps: a failure, and G is re-initialized (new weights, fresh Adam state). Until `--count` stimuli are kept.
One compiled call evaluates G(z) and the teacher, takes the gradient and applies the Adam step only when the
stimulus is still below T, so a stimulus accepted after k steps costs k + 1 calls (a failure S + 1).

Randomness is the same for every peer: numpy's default_rng(--seed) draws cl, T and z in that order; the first G
is common.generator_params(), the r-th re-initialization common.init_params(GENERATOR_SHAPES, SEED + 1 + r). The
teacher is common.teacher_params() (random He-uniform, fixed seed), or --teacher FILE.npz with the same names.

Peers: tf-keras-graph (tf.function), tf-keras-xla (tf.function(jit_compile=True)), jax-jit (one jitted call per
step from a Python loop, as the loop above) and jax-jit-while (the whole stimulus as one jitted lax.while_loop:
no Python between steps). Each family runs in its own process with the threads set and pinned as in bench/learn.

Time split: inside one compiled step no framework reports per-part times, so after the run each peer times two
separately compiled functions at batch 1: the teacher part (forward, softmax cross-entropy, gradient with respect
to the stimulus) and the generator part (forward, backward with the stimulus gradient, Adam update); their ratio
splits the measured step time. `--json`: one JSON line per peer on stdout; checks and notes on stderr.
"""
import argparse
import json
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
LEARN = os.path.join(HERE, "..", "learn")
sys.path.insert(0, LEARN)
import common  # noqa: E402
import peers as learn_peers  # noqa: E402

FAMILIES = {"tf": ["tf-keras-graph", "tf-keras-xla"], "jax": ["jax-jit", "jax-jit-while"]}


def emit(obj):
    print(json.dumps(obj), flush=True)


def note(text):
    emit({"kind": "note", "text": text})


class Plan:
    """The loop's random draws and generator initializations, identical for every peer."""

    def __init__(self, args):
        self.args = args
        self.rng = np.random.default_rng(args.seed)
        self.restarts = 0

    def next_stimulus(self):
        cl = int(self.rng.integers(common.CLASSES))
        threshold = float(self.rng.uniform(self.args.tmin, self.args.tmax))
        z = self.rng.standard_normal((1, common.NOISE)).astype(np.float32)
        return cl, threshold, z

    def first_generator(self):
        return common.generator_params()

    def new_generator(self):
        self.restarts += 1
        return common.init_params(common.GENERATOR_SHAPES, common.SEED + 1 + self.restarts)


def teacher_weights(args):
    if not args.teacher:
        return common.teacher_params()
    with np.load(args.teacher) as f:
        p = {k: f[k].astype(np.float32) for k in f.files}
    for name, shape in common.TEACHER_SHAPES.items():
        if name not in p or p[name].shape != shape:
            raise SystemExit(f"{args.teacher}: {name} missing or not of shape {shape}")
    return p


def check_first(peer, x, probs, tp, z):
    """The first call's stimulus and softmax against the numpy reference forward pass (common.py)."""
    ref_x = common.np_generator(common.generator_params(), z)
    logits = common.np_teacher(tp, ref_x)
    ref_p = np.exp(logits - logits.max()) / np.exp(logits - logits.max()).sum()
    err = max(float(np.abs(np.asarray(x) - ref_x).max()), float(np.abs(np.asarray(probs) - ref_p[0]).max()))
    note(f"check {peer}: first stimulus and softmax vs numpy reference, max |diff| {err:.2g}")
    if err > 1e-4:
        raise SystemExit(f"{peer}: first stimulus differs from the numpy reference by {err:.3g}")


def run_loop(peer, args, plan, call, reset):
    """The AM loop around `call(cl, T, z) -> (x, probs, done)` (one compiled step) and `reset(g)` (new generator
    weights, fresh Adam state). Returns the counts and the loop's seconds."""
    accepted = failed = steps = calls = 0
    start = time.perf_counter()
    while accepted < args.count:
        cl, threshold, z = plan.next_stimulus()
        for i in range(args.max_steps + 1):
            x, probs, done = call(cl, threshold, z)
            calls += 1
            if done:
                accepted += 1
                steps += i
                break
            if i == args.max_steps:
                failed += 1
                steps += i
                reset(plan.new_generator())
    seconds = time.perf_counter() - start
    return {"accepted": accepted, "failed": failed, "steps": steps, "calls": calls, "seconds": seconds}


def report(peer, args, counts, split, version, variant, compile_s):
    s = counts["seconds"]
    teacher_ms, generator_ms = split
    step_ms = s * 1e3 / counts["steps"]   # loop time per Adam step, as StimBench export's ms_per_step
    share = teacher_ms / (teacher_ms + generator_ms)
    emit({"kind": "result", "peer": peer, "threads": args.threads, "stimuli": counts["accepted"],
          "failed": counts["failed"], "acceptance": round(counts["accepted"] / (counts["accepted"] + counts["failed"]), 4),
          "steps": counts["steps"], "calls": counts["calls"],
          "steps_per_stimulus": round(counts["steps"] / counts["accepted"], 3),
          "seconds": round(s, 4), "stimuli_per_s": round(counts["accepted"] / s, 3),
          "steps_per_s": round(counts["steps"] / s, 2), "calls_per_s": round(counts["calls"] / s, 2),
          "step_ms": round(step_ms, 5), "teacher_ms": round(step_ms * share, 5),
          "generator_ms": round(step_ms * (1 - share), 5), "teacher_share": round(share, 4),
          "split_teacher_ms": round(teacher_ms, 5), "split_generator_ms": round(generator_ms, 5),
          "compile_s": round(compile_s, 3), "load1": round(os.getloadavg()[0], 2), "variant": variant, "version": version})


def median_ms(fn, seconds=0.5):
    """Median milliseconds per call of `fn` (which returns after its work is done) over 7 runs."""
    fn()
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds / 7 or n < 5:
        fn()
        n += 1
    runs = []
    for _ in range(7):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        runs.append((time.perf_counter() - t0) * 1e3 / n)
    return float(np.median(runs))


# ------------------------------------------------------------------------------------------------ TensorFlow
def run_tf(args):
    import tensorflow as tf
    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    import keras
    version = f"tensorflow {tf.__version__}, keras {keras.__version__}"
    make_teacher, make_generator, set_generator, make_adam = learn_peers.keras_model()
    tp = teacher_weights(args)
    to_ncw = lambda a: np.asarray(a).transpose(0, 2, 1)  # noqa: E731
    for jit in (False, True):
        peer = FAMILIES["tf"][jit]
        if peer not in args.only:
            continue
        plan = Plan(args)
        t = make_teacher(tp)
        t.trainable = False
        g = make_generator(plan.first_generator())
        opt = make_adam(g.trainable_variables)
        spec = [tf.TensorSpec([], tf.int32), tf.TensorSpec([], tf.float32), tf.TensorSpec([1, common.NOISE], tf.float32)]

        @tf.function(jit_compile=jit, input_signature=spec)
        def step(cl, threshold, z, g=g, t=t, opt=opt):
            with tf.GradientTape() as tape:
                x = g(z, training=True)
                logp = tf.nn.log_softmax(t(x, training=False)[0])
                loss = -logp[cl]
            grads = tape.gradient(loss, g.trainable_variables)
            probs = tf.exp(logp)
            done = probs[cl] > threshold
            if not done:
                opt.apply_gradients(zip(grads, g.trainable_variables))
            return x, probs, done

        def reset(weights, g=g, opt=opt):
            set_generator(g, weights)
            for v in opt.variables:   # the step count and moments; the learning rate is a variable too: kept
                if not v.path.endswith("learning_rate"):
                    v.assign(tf.zeros_like(v))

        def call(cl, threshold, z, step=step):
            x, probs, done = step(tf.constant(cl, tf.int32), tf.constant(threshold, tf.float32), tf.constant(z))
            return x, probs, bool(done.numpy())

        # Compile and check on a throwaway call (threshold 0: accepted, no update), outside the timing.
        t0 = time.perf_counter()
        _, _, z0 = Plan(args).next_stimulus()
        x, probs, _ = call(0, 0.0, z0)
        compile_s = time.perf_counter() - t0
        check_first(peer, to_ncw(x), probs.numpy(), tp, z0)
        counts = run_loop(peer, args, plan, call, reset)

        @tf.function(jit_compile=jit, input_signature=[tf.TensorSpec([1, common.LENGTH, common.CHANNELS], tf.float32)])
        def teacher_part(x, t=t):
            with tf.GradientTape() as tape:
                tape.watch(x)
                loss = -tf.nn.log_softmax(t(x, training=False)[0])[0]
            return tape.gradient(loss, x)

        @tf.function(jit_compile=jit, input_signature=[spec[2], tf.TensorSpec([1, common.LENGTH, common.CHANNELS],
                                                                               tf.float32)])
        def generator_part(z, dx, g=g, opt=opt):
            with tf.GradientTape() as tape:
                x = g(z, training=True)
            grads = tape.gradient(x, g.trainable_variables, output_gradients=dx)
            opt.apply_gradients(zip(grads, g.trainable_variables))
            return x

        xs = tf.constant(np.asarray(x))
        dx = teacher_part(xs)
        zt = tf.constant(z0)
        split = (median_ms(lambda: teacher_part(xs).numpy()), median_ms(lambda: generator_part(zt, dx).numpy()))
        report(peer, args, counts, split, version, f"tf.function(jit_compile={jit}), Keras Adam, NWC", compile_s)


# ------------------------------------------------------------------------------------------------ JAX
def run_jax(args):
    import jax
    import jax.numpy as jnp
    import optax
    from jax import lax
    version = f"jax {jax.__version__}, optax {optax.__version__}"
    teacher, generator, params, _, _ = learn_peers.jax_model("NCW")
    tp_np = teacher_weights(args)
    tp = params(tp_np)
    opt = optax.adam(common.LR, b1=common.BETA1, b2=common.BETA2, eps=common.EPS)

    def loss_fn(g, z, cl):
        x = generator(g, z)
        logp = jax.nn.log_softmax(teacher(tp, x)[0])
        return -logp[cl], (x, jnp.exp(logp))

    def step(g, s, cl, threshold, z):
        (_, (x, probs)), grads = jax.value_and_grad(loss_fn, has_aux=True)(g, z, cl)
        done = probs[cl] > threshold
        upd, s2 = opt.update(grads, s, g)
        g2 = optax.apply_updates(g, upd)
        keep = lambda old, new: jax.tree.map(lambda a, b: jnp.where(done, a, b), old, new)  # noqa: E731
        return keep(g, g2), keep(s, s2), x, probs, done

    def stimulus(g, s, cl, threshold, z):
        """Up to max_steps + 1 calls of `step` in one compiled loop: (g, s, x, probs, done, steps taken)."""
        def cond(c):
            return jnp.logical_and(jnp.logical_not(c[4]), c[5] <= args.max_steps)

        def body(c):
            g, s, _, _, _, i = c
            g, s, x, probs, done = step(g, s, cl, threshold, z)
            return g, s, x, probs, done, i + 1
        x0 = jnp.zeros((1, common.CHANNELS, common.LENGTH), jnp.float32)
        p0 = jnp.zeros((common.CLASSES,), jnp.float32)
        return lax.while_loop(cond, body, (g, s, x0, p0, jnp.asarray(False), jnp.asarray(0)))

    def fresh(weights):
        g = {k: jnp.asarray(v) for k, v in weights.items()}
        return [g, opt.init(g)]

    for peer in FAMILIES["jax"]:
        if peer not in args.only:
            continue
        plan = Plan(args)
        state = fresh(plan.first_generator())

        def reset(weights, state=state):
            state[:] = fresh(weights)

        t0 = time.perf_counter()
        _, _, z0 = Plan(args).next_stimulus()
        if peer == "jax-jit":
            f = jax.jit(step, donate_argnums=(0, 1))
            probe = fresh(plan.first_generator())
            _, _, x, probs, _ = f(probe[0], probe[1], 0, 0.0, z0)

            def call(cl, threshold, z, f=f, state=state):
                state[0], state[1], x, probs, done = f(state[0], state[1], cl, threshold, z)
                return x, probs, bool(done)
            compile_s = time.perf_counter() - t0
            check_first(peer, x, probs, tp_np, z0)
            counts = run_loop(peer, args, plan, call, reset)
        else:
            f = jax.jit(stimulus, donate_argnums=(0, 1))
            probe = fresh(plan.first_generator())
            _, _, x, probs, _, _ = f(probe[0], probe[1], 0, 0.0, z0)
            compile_s = time.perf_counter() - t0
            check_first(peer, x, probs, tp_np, z0)
            counts = run_while(args, plan, f, state, reset)

        def teacher_loss(x):
            return -jax.nn.log_softmax(teacher(tp, x)[0])[0]
        teacher_part = jax.jit(jax.grad(teacher_loss))

        def generator_part(g, s, z, dx):
            _, pullback = jax.vjp(lambda g: generator(g, z), g)
            upd, s = opt.update(pullback(dx)[0], s, g)
            return optax.apply_updates(g, upd), s
        generator_part = jax.jit(generator_part, donate_argnums=(0, 1))
        xs = jnp.asarray(x)
        dx = teacher_part(xs)
        gs = fresh(plan.first_generator())

        def run_generator_part():
            gs[0], gs[1] = generator_part(gs[0], gs[1], z0, dx)
            gs[0]["g.ct2.b"].block_until_ready()
        split = (median_ms(lambda: teacher_part(xs).block_until_ready()), median_ms(run_generator_part))
        variant = ("jax.jit of one step, Python loop" if peer == "jax-jit" else "jax.jit of a lax.while_loop per stimulus")
        report(peer, args, counts, split, version, variant + ", NCW, optax.adam", compile_s)


def run_while(args, plan, f, state, reset):
    """The AM loop with each stimulus's steps in one compiled while loop (`f`): the same draws and counts as
    run_loop (a stimulus accepted after k steps is k + 1 step calls)."""
    accepted = failed = steps = calls = 0
    start = time.perf_counter()
    while accepted < args.count:
        cl, threshold, z = plan.next_stimulus()
        state[0], state[1], _, _, done, taken = f(state[0], state[1], cl, threshold, z)
        taken = int(taken)
        calls += taken
        steps += taken - 1
        if bool(done):
            accepted += 1
        else:
            failed += 1
            reset(plan.new_generator())
    return {"accepted": accepted, "failed": failed, "steps": steps, "calls": calls,
            "seconds": time.perf_counter() - start}


RUNNERS = {"tf": run_tf, "jax": run_jax}


# ------------------------------------------------------------------------------------------------ driver
def human(r):
    return (f"{r['peer']:<15} t{r['threads']}  {r['stimuli_per_s']:9.2f} stimuli/s  {r['steps_per_s']:9.1f} steps/s  "
            f"{r['steps_per_stimulus']:6.2f} steps/stimulus  acceptance {r['acceptance']:.3f}  "
            f"step {r['step_ms']:.4f} ms = teacher {r['teacher_ms']:.4f} + generator {r['generator_ms']:.4f} "
            f"({100 * r['teacher_share']:.0f}% teacher)  [{r['seconds']:.1f} s, compile {r['compile_s']:.1f} s]")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--peers", default="tf,jax", help="families: tf, jax or both (default)")
    ap.add_argument("--only", default=",".join(sum(FAMILIES.values(), [])), help="peers to run within the families")
    ap.add_argument("--threads", type=int, default=2, help="compute threads and pinned CPUs (default 2)")
    ap.add_argument("--count", type=int, default=500, help="stimuli to keep (default 500)")
    ap.add_argument("--max-steps", type=int, default=50, help="Adam steps before a failure (default 50)")
    ap.add_argument("--tmin", type=float, default=0.75)
    ap.add_argument("--tmax", type=float, default=0.9999)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--teacher", help="teacher weights (.npz, common.py names, NCW); default common.teacher_params()")
    ap.add_argument("--json", action="store_true", help="one JSON line per peer on stdout")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    a = ap.parse_args()
    a.only = set(a.only.split(","))
    if a.count < 1 or a.max_steps < 1 or a.threads < 1 or not 0 <= a.tmin <= a.tmax < 1:
        ap.error("need --count, --max-steps, --threads >= 1 and 0 <= tmin <= tmax < 1")
    if a.worker:
        note(f"{a.worker}: pinned to CPUs {common.pin_cpus(a.threads)}")
        RUNNERS[a.worker](a)
        return

    def log(s):
        print(s, file=sys.stderr if a.json else sys.stdout, flush=True)
    env = common.thread_env(a.threads)
    log(f"bench/export peers: {a.count} stimuli, max {a.max_steps} steps, T ~ U[{a.tmin}, {a.tmax}], seed {a.seed}, "
        f"threads {a.threads}, teacher {a.teacher or 'common.teacher_params()'}")
    ok = True
    for fam in [f for f in ["tf", "jax"] if f in a.peers.split(",")]:
        cmd = [sys.executable, os.path.abspath(__file__), "--worker", fam] + sys.argv[1:]

        def handle(kind, rec):
            if kind == "result":
                print(json.dumps(rec) if a.json else human(rec), flush=True)
            else:
                log(rec.get("text", json.dumps(rec)))
        ok &= common.run_worker([c for c in cmd if c != "--json"], env, handle, log)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
