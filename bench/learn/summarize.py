#!/usr/bin/env python3
"""Summarizes one or more `peers.py --json` outputs (e.g. repeated sessions on a shared machine) as a markdown table:
per (workload, peer, threads), the median over sessions of the per-session medians, the fastest session median,
every session median, GFLOP/s at the median, and the load averages seen.

    python3 bench/learn/summarize.py bench/out/sessions/t2-*.jsonl
"""
import json
import statistics
import sys
from collections import defaultdict


def main():
    rows = defaultdict(list)
    order = []
    for path in sys.argv[1:]:
        for line in open(path):
            line = line.strip()
            if not line.startswith("{"):
                continue
            r = json.loads(line)
            key = (r["workload"], r["peer"], r["threads"])
            if key not in rows:
                order.append(key)
            rows[key].append(r)
    print("| workload | peer | threads | median ms | best session ms | session medians ms | GFLOP/s (median) | load1 |")
    print("|---|---|---|---|---|---|---|---|")
    def natural(w):  # d_matmul_n256 before d_matmul_n1024
        head = w.rstrip("0123456789")
        return (head, int(w[len(head):]) if w[len(head):] else 0)
    for key in sorted(order, key=lambda k: (natural(k[0]), k[2], order.index(k))):
        rs = rows[key]
        meds = [r["median_ms"] for r in rs]
        med = statistics.median(meds)
        fl = rs[0].get("flops")
        g = f"{fl / (med * 1e-3) / 1e9:.2f}" if fl else ""
        loads = ", ".join(f"{r.get('load1', float('nan')):.1f}" for r in rs)
        print(f"| {key[0]} | {key[1]} | {key[2]} | {fmt(med)} | {fmt(min(meds))} | "
              f"{', '.join(fmt(m) for m in meds)} | {g} | {loads} |")


def fmt(ms):
    return f"{ms:.4f}" if ms < 1 else f"{ms:.3f}" if ms < 100 else f"{ms:.1f}"


if __name__ == "__main__":
    main()
