#!/usr/bin/env python3
"""Runs the stimulus benchmark side by side (bench/export/compare builds and sets up, then calls this): rounds that
alternate `StimBench export --json` and `peers.py --json` at the same thread count (2, then 1), and a markdown
report of the medians over rounds and the ratios stim/peer of stimuli per second and of Adam steps per second
(steps/s is the fair ratio when the two sides need different numbers of steps per stimulus).

    python3 bench/export/compare.py --stim-bench .build/release/StimBench --python bench/.venv-learn/bin/python

Standard library only, so it runs under any python3.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def log(text):
    print(text, file=sys.stderr, flush=True)


def json_lines(text):
    return [json.loads(line) for line in text.splitlines() if line.strip().startswith("{")]


def cpus(threads):
    return ",".join(map(str, sorted(os.sched_getaffinity(0))[:threads]))


def run_stim(a, threads):
    """One `StimBench export` round without anonymization (the peers have none), pinned to `threads` CPUs (its AM
    loop runs at batch 1 on one thread); its fields mapped onto the peers' (bench/README.md documents both)."""
    cmd = ["taskset", "-c", cpus(threads), a.stim_bench, "export", "--json", "--anonymize", "none", "--rounds", "1",
           "--count", str(a.count)]
    log("compare: " + " ".join(cmd))
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"StimBench export failed ({out.returncode}):\n{out.stderr}")
    records = []
    for r in json_lines(out.stdout):
        parts = r["generator_s"] + r["teacher_s"] + r["identity_s"] + r["optimizer_s"]
        teacher_share = r["teacher_s"] / parts if parts > 0 else float("nan")
        records.append(dict(r, peer="stim", threads=threads, steps_per_s=r["steps"] / r["seconds"],
                            steps_per_stimulus=r["steps"] / r["stimuli"], step_ms=r["ms_per_step"],
                            teacher_ms=r["ms_per_step"] * teacher_share,
                            generator_ms=r["ms_per_step"] * (1 - teacher_share), load1=os.getloadavg()[0]))
    return records


def run_peers(a, threads):
    cmd = [a.python, os.path.join(HERE, "peers.py"), "--json", "--threads", str(threads), "--count", str(a.count)]
    cmd += ["--teacher", a.teacher] if a.teacher else []
    log("compare: " + " ".join(cmd[1:]))
    out = subprocess.run(cmd, capture_output=True, text=True)
    for line in out.stderr.splitlines():
        if line.startswith("check"):
            log("  " + line)
    if out.returncode != 0:
        raise SystemExit(f"peers.py failed ({out.returncode}):\n{out.stderr[-3000:]}")
    return json_lines(out.stdout)


def median(values):
    return statistics.median(values) if values else float("nan")


def report(a, results, stim_present):
    """results: {threads: {peer: [record per round]}}."""
    lines = ["# Stimulus benchmark: stim against Keras and JAX", "",
             f"`{a.command}`: {a.count} stimuli per run, {a.rounds} alternating rounds per thread count, medians over "
             "rounds. Ratios stim/peer (above 1: stim is faster).", ""]
    if not stim_present:
        lines += ["**`StimBench export` is missing** (bench/StimBench has no `export` entry yet): peers only.", ""]
    lines += ["| threads | peer | stimuli/s | steps/s | steps/stimulus | acceptance | step ms | teacher ms | generator ms "
              "| stimuli/s ratio | steps/s ratio |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for threads in sorted(results, reverse=True):
        peers = results[threads]
        stim = peers.get("stim", [])
        for peer, recs in sorted(peers.items(), key=lambda kv: (kv[0] != "stim", kv[0])):
            def m(key):
                return median([r[key] for r in recs if key in r])
            ratio_stim = ratio_steps = ""
            if peer != "stim" and stim:
                pairs = list(zip(stim, recs))   # round i of stim ran just before round i of the peers
                ratio_stim = f"**{median([s['stimuli_per_s'] / r['stimuli_per_s'] for s, r in pairs]):.2f}**"
                ratio_steps = f"**{median([s['steps_per_s'] / r['steps_per_s'] for s, r in pairs]):.2f}**"
            lines.append(f"| {threads} | {peer} | {m('stimuli_per_s'):.1f} | {m('steps_per_s'):.0f} | "
                         f"{m('steps_per_stimulus'):.2f} | {m('acceptance'):.3f} | {m('step_ms'):.4f} | "
                         f"{m('teacher_ms'):.4f} | {m('generator_ms'):.4f} | {ratio_stim} | {ratio_steps} |")
    loads = [r.get("load1") for peers in results.values() for recs in peers.values() for r in recs if "load1" in r]
    lines += ["", f"1-minute load average during the peers' runs: {min(loads):.1f} to {max(loads):.1f} "
              f"(other builds share the CPUs; ratios come from rounds run back to back)." if loads else ""]
    versions = sorted({r.get("version", "") for peers in results.values() for recs in peers.values() for r in recs} - {""})
    teacher = (f"trained by bench/export/teacher.py ({a.teacher})" if a.teacher
               else "common.teacher_params() (random; stim trains its own: compare steps/s)")
    lines += ["", "Peers: " + "; ".join(versions) + f". Peers' teacher: {teacher}; stim's: trained on the belts by "
              "`StimBench export` (10 epochs). Peers' time split: separately compiled teacher and generator parts "
              "(bench/export/peers.py); stim's: its synthesizer's own timers (generator includes Adam)."]
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stim-bench", required=True)
    ap.add_argument("--python", required=True, help="the bench venv's python (TensorFlow, JAX)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", default="2,1")
    ap.add_argument("--count", type=int, default=500)
    ap.add_argument("--teacher", help="teacher weights for the peers (bench/export/teacher.py); default random")
    ap.add_argument("--out", required=True, help="folder for the raw JSON lines and the report")
    ap.add_argument("--command", default="bench/export/compare")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    main_swift = os.path.join(HERE, "..", "StimBench", "main.swift")
    stim_present = '"export"' in open(main_swift).read()
    if not stim_present:
        log("compare: StimBench has no `export` entry yet (bench/StimBench/main.swift): running the peers only")
    results = {}
    for threads in [int(t) for t in a.threads.split(",")]:
        per = results.setdefault(threads, {})
        for i in range(1, a.rounds + 1):
            batches = ([("stim", run_stim(a, threads))] if stim_present else []) + [("peers", run_peers(a, threads))]
            for side, recs in batches:
                with open(os.path.join(a.out, f"{side}-t{threads}-r{i}.jsonl"), "w") as f:
                    f.writelines(json.dumps(r) + "\n" for r in recs)
                for r in recs:
                    per.setdefault(r["peer"], []).append(r)
    text = report(a, results, stim_present)
    with open(os.path.join(a.out, "report.md"), "w") as f:
        f.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
