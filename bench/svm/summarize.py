#!/usr/bin/env python3
"""Markdown table of bench/svm/compare's results (one JSON line per model and dataset, from StimBench svm and
bench/svm/peers.py). Ratios: a model's training time over stim-linear-s1's on the same dataset (above 1: stim
is faster)."""
import argparse
import json
import platform


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("results")
    parser.add_argument("--command", default="bench/svm/compare")
    args = parser.parse_args()
    rows = [json.loads(line) for line in open(args.results) if line.strip()]
    print(f"`{args.command}` on {platform.machine()}, one core per model (taskset, BLAS/OpenMP threads 1)\n")
    print("| dataset | model | train s (median) | runs | vs stim-linear-s1 | predict windows/s | accuracy | peak MB | max RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for dataset in sorted({r["dataset"] for r in rows}):
        here = [r for r in rows if r["dataset"] == dataset]
        stim = next((r["train_s"] for r in here if r["peer"] == "stim-linear-s1"), None)
        for r in here:
            ratio = f"{r['train_s'] / stim:.2f}" if stim else "-"
            print(f"| {dataset} ({r['count']} x {r['dimension']}) | {r['peer']} | {r['train_s']:.4f} | {len(r['train_runs'])} "
                  f"| {ratio} | {r['predict_per_s']:,.0f} | {r['accuracy']:.4f} | {r['peak_mb']:.1f} | {r['max_rss_mb']:.1f} |")
    print("\naccuracy: belt, leave-one-record-out pooled over the 8 records; MNIST, the 10,000 test digits. "
          "peak MB: max RSS after the first fit minus max RSS after loading the data (getrusage); "
          "max RSS MB: the whole process's, interpreter included.")


if __name__ == "__main__":
    main()
