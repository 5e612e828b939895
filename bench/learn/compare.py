#!/usr/bin/env python3
"""Summarizer of bench/learn/compare: stim (`StimBench learn --json`) against its peers (`peers.py --json`), side by
side, as a markdown report with ratios, plus the peak memory of `stim train --int8`.

    python3 bench/learn/compare.py --dir bench/out/learn-compare [--command "..."] > report.md

Reads from --dir:
    stim-tT-rI.jsonl     StimBench learn --json ({"peer": "stim", "workload", "median_ms", ...}), run just before
    peers-tT-rI.jsonl    peers.py --threads T --json of round I: the two make a pair
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


def read_jsonl(path):
    out = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                out.append(json.loads(line))
    return out


def pair_key(path):
    """(threads, round) of stim-tT-rI.jsonl or peers-tT-rI.jsonl."""
    m = re.search(r"-t(\d+)-r(\d+)\.jsonl$", path)
    return int(m.group(1)), int(m.group(2))


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

    # One median per round on each side; stim-tT-rI.jsonl ran just before peers-tT-rI.jsonl (a pair).
    stim, peers = {}, {}   # (threads, round) -> {workload: record}, {(workload, peer): record}
    for path in glob.glob(os.path.join(a.dir, "stim-t*-r*.jsonl")):
        stim[pair_key(path)] = {r["workload"]: r for r in read_jsonl(path)}
    for path in glob.glob(os.path.join(a.dir, "peers-t*-r*.jsonl")):
        peers[pair_key(path)] = {(r["workload"], r["peer"]): r for r in read_jsonl(path)}

    loads = []
    if os.path.exists(os.path.join(a.dir, "loads.txt")):
        with open(os.path.join(a.dir, "loads.txt")) as f:
            loads = [line.split() for line in f if line.strip()]
    load1 = [float(x[1]) for x in loads if len(x) > 1]
    versions = sorted({r.get("version", "") for rs in peers.values() for r in rs.values() if r.get("version")})
    stim_sub = sorted({r.get("rounds", 0) for rs in stim.values() for r in rs.values()})
    peer_runs = sorted({len(r.get("runs", [])) for rs in peers.values() for r in rs.values()})
    peer_secs = [r["median_ms"] * r["iters"] for rs in peers.values() for r in rs.values() if "iters" in r]
    run_s = statistics.median(peer_secs) / 1e3 if peer_secs else 0
    threads = sorted({t for t, _ in peers})
    rounds_at = {t: sorted(i for tt, i in peers if tt == t) for t in threads}

    all_workloads = {w for rs in stim.values() for w in rs}
    workloads = [w for w in ORDER if w in all_workloads] + sorted(all_workloads - set(ORDER))

    def stim_ms(w, keys=None):
        return [rs[w]["median_ms"] for k, rs in sorted(stim.items()) if w in rs and (keys is None or k in keys)]

    def compared(w):
        """Per (peer, threads) of workload w: peer medians, paired stim medians, paired ratios (peer/stim)."""
        pw = PEER_WORKLOAD.get(w, w)
        out = {}
        for key in sorted(peers):
            if key not in stim or w not in stim[key]:
                continue
            s = stim[key][w]["median_ms"]
            for (wk, peer), r in peers[key].items():
                if wk == pw:
                    e = out.setdefault((peer, key[0]), ([], [], []))
                    e[0].append(r["median_ms"])
                    e[1].append(s)
                    e[2].append(r["median_ms"] / s)
        return out

    p = print
    p("## stim vs peers")
    p()
    p(f"* Command: `{a.command}`")
    p(f"* Machine: {cpu_model()}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, "
      f"Python {platform.python_version()}")
    if load1:
        p(f"* Load average (1 min) around the rounds: {min(load1):.2f}–{max(load1):.2f} "
          f"(median {statistics.median(load1):.2f}; {len(load1)} readings)")
    p("* Rounds: " + ", ".join(f"{len(rounds_at[t])} with the peers at {t} thread{'s' if t > 1 else ''}"
                               for t in sorted(threads, reverse=True))
      + f". Each round runs `StimBench learn --json` (median of {'/'.join(map(str, stim_sub))} timed rounds; "
      f"`--threads T`, pinned to T CPUs), then `peers.py --workload a,b,c --json` (median of "
      f"{'/'.join(map(str, peer_runs))} runs of about {run_s:.1f} s; each peer pinned to as many CPUs as threads; "
      "outputs checked against the numpy reference first).")
    if versions:
        p(f"* Peers: {'; '.join(versions)}")
    p("* Figures: median over rounds of each round's median, ms per step (a, b) or per window (c). "
      "**ratio = peer ms / stim ms, the median over rounds of the ratio within each round (stim and the peer ran "
      "back to back): above 1, stim is faster.** stim ms in a row: its median over the rounds of that row's "
      "thread count; spread = fastest and slowest round.")
    p("* `c_int8_teacher_infer_b1`: stim's int8-quantized teacher (`QuantizedNetwork.classify`, integer path) "
      "against the peers' float32 inference of the same teacher (the issue's goal: per-window latency, float32 and "
      "int8, faster than ONNX Runtime).")
    p()

    p("### Summary: stim against the fastest peer at each thread count")
    p()
    head = "| workload |"
    rule = "|---|"
    for t in threads:
        head += f" stim ms, {t} thread{'s' if t > 1 else ''} | fastest peer | ms | ratio peer/stim |"
        rule += "---|---|---|---|"
    p(head)
    p(rule)
    for w in workloads:
        c = compared(w)
        row = f"| {w} |"
        for t in threads:
            ss = stim_ms(w, {k for k in stim if k[0] == t})
            row += f" {fmt(statistics.median(ss)) if ss else '—'} |"
            cands = [(statistics.median(v[0]), peer, v) for (peer, tt), v in c.items() if tt == t]
            if cands:
                m, peer, v = min(cands, key=lambda x: x[0])
                row += f" {peer} | {fmt(m)} | **{statistics.median(v[2]):.2f}** |"
            else:
                row += " — | — | — |"
        p(row)
    p()
    goal = []
    for w in ("c_teacher_infer_b1", "c_int8_teacher_infer_b1"):
        for (peer, t), v in sorted(compared(w).items(), key=lambda x: x[0][1]):
            if peer == "onnxruntime":
                goal.append(f"{'int8' if 'int8' in w else 'float32'} vs ORT at {t} thread{'s' if t > 1 else ''}: "
                            f"{statistics.median(v[2]):.2f}")
    if goal:
        p("Goal (per-window inference faster than ONNX Runtime; ratio ORT/stim above 1 = met): " + "; ".join(goal) + ".")
        p()

    p("### Every peer")
    p()
    p("| workload | peer | threads | peer ms (spread) | stim ms (spread) | ratio peer/stim (spread) |")
    p("|---|---|---|---|---|---|")
    for w in workloads:
        c = compared(w)
        for (peer, t), (pm, sm, ratios) in sorted(c.items(), key=lambda x: (-x[0][1], x[0][0])):
            p(f"| {w} | {peer} | {t} | {fmt(statistics.median(pm))} ({fmt(min(pm))}–{fmt(max(pm))}) | "
              f"{fmt(statistics.median(sm))} ({fmt(min(sm))}–{fmt(max(sm))}) | "
              f"{statistics.median(ratios):.2f} ({min(ratios):.2f}–{max(ratios):.2f}) |")
        if not c:
            ss = stim_ms(w)
            p(f"| {w} | — | — | — | {fmt(statistics.median(ss))} ({fmt(min(ss))}–{fmt(max(ss))}) | — |")
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
