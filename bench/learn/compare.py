#!/usr/bin/env python3
"""Summarizer of bench/learn/compare: stim (`StimBench learn --json`) against its peers (`peers.py --json`), side by
side, as a markdown report with ratios, plus the peak memory of `stim train --int8`.

    python3 bench/learn/compare.py --dir bench/out/learn-compare [--command "..."] > report.md

Reads from --dir:
    stim-r*.jsonl        StimBench learn --json, one file per round ({"peer": "stim", "workload", "median_ms", ...})
    peers-t*-r*.jsonl    peers.py --json, one file per round and thread count
    loads.txt            "<label> <load1> <load5> <load15>" lines written around the rounds
    train-time.txt       /usr/bin/time -v of `stim train` (optional), train.json its --json output (optional)
    memory.txt           "key value" lines about that run (optional)
Standard library only, so it runs under any python3.
"""
import argparse
import glob
import json
import os
import platform
import re
import statistics
from collections import defaultdict

ORDER = ["a_teacher_train_b64", "b_generator_step_b1", "c_teacher_infer_b1", "c_int8_teacher_infer_b1"]
# stim's int8 inference is compared with the peers' float inference of the same teacher on the same window.
PEER_WORKLOAD = {"c_int8_teacher_infer_b1": "c_teacher_infer_b1"}
MEMORY_GOAL_BYTES = 64 * 10**6


def fmt(ms):
    return f"{ms:.4f}" if ms < 1 else f"{ms:.3f}" if ms < 100 else f"{ms:.1f}"


def ratio(peer_ms, stim_ms):
    return f"{peer_ms / stim_ms:.2f}"


def read_jsonl(path):
    out = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                out.append(json.loads(line))
    return out


def round_number(path):
    m = re.search(r"-r(\d+)\.jsonl$", path)
    return int(m.group(1)) if m else 0


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--command", default="bench/learn/compare")
    a = ap.parse_args()

    # stim: per workload, one median per round (each the median of StimBench's own rounds).
    stim = defaultdict(list)
    for path in sorted(glob.glob(os.path.join(a.dir, "stim-r*.jsonl")), key=round_number):
        for r in read_jsonl(path):
            stim[r["workload"]].append(r)
    # peers: per (workload, peer, threads), one median per round.
    peers = defaultdict(list)
    for path in sorted(glob.glob(os.path.join(a.dir, "peers-t*-r*.jsonl")), key=round_number):
        for r in read_jsonl(path):
            peers[(r["workload"], r["peer"], r["threads"])].append(r)

    loads = []
    if os.path.exists(os.path.join(a.dir, "loads.txt")):
        with open(os.path.join(a.dir, "loads.txt")) as f:
            loads = [line.split() for line in f if line.strip()]
    load1 = [float(x[1]) for x in loads if len(x) > 1]
    versions = sorted({r.get("version", "") for rs in peers.values() for r in rs if r.get("version")})
    stim_rounds = max((len(v) for v in stim.values()), default=0)
    peer_rounds = defaultdict(int)
    for (_, _, t), rs in peers.items():
        peer_rounds[t] = max(peer_rounds[t], len(rs))
    stim_sub = sorted({r.get("rounds", 0) for rs in stim.values() for r in rs})
    peer_runs = sorted({len(r.get("runs", [])) for rs in peers.values() for r in rs})
    peer_iters = [r["median_ms"] * r["iters"] for rs in peers.values() for r in rs if "iters" in r]
    run_s = statistics.median(peer_iters) / 1e3 if peer_iters else 0

    p = print
    p("## stim vs peers")
    p()
    p(f"* Command: `{a.command}`")
    p(f"* Machine: {cpu_model()}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, "
      f"Python {platform.python_version()}")
    if load1:
        p(f"* Load average (1 min) around the rounds: {min(load1):.2f}–{max(load1):.2f} "
          f"(median {statistics.median(load1):.2f}; {len(load1)} readings)")
    p(f"* Rounds, alternating stim and peers: stim {stim_rounds} (`StimBench learn --json`, each the median of "
      f"{'/'.join(map(str, stim_sub))} timed rounds, 1 thread, pinned to one CPU); peers "
      + ", ".join(f"{n} at {t} thread{'s' if t > 1 else ''}" for t, n in sorted(peer_rounds.items(), reverse=True))
      + f" (`peers.py --json`, each the median of {'/'.join(map(str, peer_runs))} runs of about {run_s:.1f} s, "
      "pinned to as many CPUs as threads; outputs checked against the numpy reference first).")
    if versions:
        p(f"* Peers: {'; '.join(versions)}")
    p("* Figures: median over rounds of each round's median, ms per step (a, b) or per window (c). "
      "**ratio = peer ms / stim ms: above 1, stim is faster.** Spread = fastest and slowest round. "
      "StimLearn computes on one thread; the peers' thread count is in the `threads` column.")
    p("* `c_int8_teacher_infer_b1`: stim's int8-quantized teacher (`QuantizedNetwork.classify`, integer path) "
      "against the peers' float32 inference of the same teacher (the issue's goal: per-window latency, float32 and "
      "int8, faster than ONNX Runtime).")
    p()

    # Summary: stim against ONNX Runtime (c) and the fastest peer (every workload).
    p("### Summary: stim against the fastest peer")
    p()
    p("| workload | stim ms | fastest peer (threads) | peer ms | ratio peer/stim | onnxruntime ms | ratio ORT/stim |")
    p("|---|---|---|---|---|---|---|")
    workloads = [w for w in ORDER if w in stim] + sorted(w for w in stim if w not in ORDER)
    for w in workloads:
        s = statistics.median(r["median_ms"] for r in stim[w])
        pw = PEER_WORKLOAD.get(w, w)
        cands = [(statistics.median(r["median_ms"] for r in rs), peer, t)
                 for (wk, peer, t), rs in peers.items() if wk == pw]
        if cands:
            best = min(cands)
            fastest = f"{best[1]} ({best[2]})", fmt(best[0]), ratio(best[0], s)
        else:
            fastest = "—", "—", "—"
        ort = [c for c in cands if c[1] == "onnxruntime"]
        ort_best = min(ort) if ort else None
        o = (fmt(ort_best[0]), ratio(ort_best[0], s)) if ort_best else ("—", "—")
        p(f"| {w} | {fmt(s)} | {fastest[0]} | {fastest[1]} | **{fastest[2]}** | {o[0]} | {o[1]} |")
    p()

    # Every peer.
    p("### Every peer")
    p()
    p("| workload | stim ms (spread) | peer | threads | peer ms (spread) | ratio peer/stim |")
    p("|---|---|---|---|---|---|")
    for w in workloads:
        ss = [r["median_ms"] for r in stim[w]]
        s = statistics.median(ss)
        pw = PEER_WORKLOAD.get(w, w)
        keys = sorted((k for k in peers if k[0] == pw), key=lambda k: (-k[2], k[1]))
        if not keys:
            p(f"| {w} | {fmt(s)} ({fmt(min(ss))}–{fmt(max(ss))}) | — | — | — | — |")
        for k in keys:
            ms = [r["median_ms"] for r in peers[k]]
            m = statistics.median(ms)
            p(f"| {w} | {fmt(s)} ({fmt(min(ss))}–{fmt(max(ss))}) | {k[1]} | {k[2]} | "
              f"{fmt(m)} ({fmt(min(ms))}–{fmt(max(ms))}) | {ratio(m, s)} |")
    p()

    # Peak memory of stim train.
    mem_path = os.path.join(a.dir, "train-time.txt")
    if os.path.exists(mem_path):
        info = {}
        if os.path.exists(os.path.join(a.dir, "memory.txt")):
            with open(os.path.join(a.dir, "memory.txt")) as f:
                for line in f:
                    if " " in line.strip():
                        k, v = line.strip().split(" ", 1)
                        info[k] = v
        text = open(mem_path).read()
        rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
        wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text)
        status = re.search(r"Exit status: (\d+)", text)
        p("### Peak memory: `stim train --int8`")
        p()
        if rss:
            b = int(rss.group(1)) * 1024
            verdict = "below" if b < MEMORY_GOAL_BYTES else "ABOVE"
            p(f"* Max RSS: **{b / 1e6:.1f} MB** ({int(rss.group(1)):,} KiB), {verdict} the 64 MB goal.")
        else:
            p("* Max RSS: not found in /usr/bin/time's output.")
        if info.get("command"):
            p(f"* Command: `{info['command']}`")
        if info.get("dataset"):
            p(f"* Dataset: {info['dataset']}")
        train = os.path.join(a.dir, "train.json")
        if os.path.exists(train):
            try:
                t = json.load(open(train))
                p(f"* Trained {t.get('epochs')} epochs on {t.get('examples'):,} examples, {t.get('parameters'):,} "
                  f"parameters, int8 {t.get('int8')}; validation accuracy {t.get('validation_accuracy', 0):.3f}.")
            except (ValueError, TypeError):
                pass
        if wall:
            p(f"* Wall time {wall.group(1)}, exit status {status.group(1) if status else '?'}.")
        p()


if __name__ == "__main__":
    main()
