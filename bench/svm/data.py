#!/usr/bin/env python3
"""Writes the SVM benchmark's datasets as raw little-endian arrays for both sides (bench/svm/README in RESULTS.md):

    <out>/belt.x     float32 [3951 x 120]  Apnea-ECG belt windows, each record z-scored (bench/learn/svc_baseline.py's loader)
    <out>/belt.y     int32   [3951]        1 apnea, 0 normal
    <out>/belt.g     int32   [3951]        record index 0..7 (leave-one-record-out folds)
    <out>/mnist.x    float32 [20000 x 784] the first 20,000 MNIST training digits, pixels / 255
    <out>/mnist.y    int32   [20000]       digit
    <out>/mnist-test.x, mnist-test.y       the 10,000 test digits, same form
    <out>/meta.json  {"belt": [count, dimension], ...}

    python bench/svm/data.py --out bench/out/svm [--shared ../shared/data]
"""
import argparse
import gzip
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "learn"))
import svc_baseline  # noqa: E402  (the belt loader, shared with the accuracy baseline)


def mnist(folder, split, limit):
    with gzip.open(os.path.join(folder, f"{split}-images-idx3-ubyte.gz")) as f:
        images = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 784)[:limit]
    with gzip.open(os.path.join(folder, f"{split}-labels-idx1-ubyte.gz")) as f:
        labels = np.frombuffer(f.read(), dtype=np.uint8, offset=8)[:limit]
    return (images.astype(np.float32) / 255), labels.astype(np.int32)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True)
    parser.add_argument("--shared", default=os.path.join(HERE, "..", "..", "..", "shared", "data"))
    parser.add_argument("--mnist-count", type=int, default=20000)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    meta = {}

    data = svc_baseline.load(os.path.join(args.shared, "apnea-ecg", "resp-1hz"))
    x = np.concatenate([data[r][0] for r in svc_baseline.RECORDS]).astype(np.float32)
    y = np.concatenate([data[r][1] for r in svc_baseline.RECORDS]).astype(np.int32)
    g = np.concatenate([np.full(len(data[r][1]), i, dtype=np.int32) for i, r in enumerate(svc_baseline.RECORDS)])
    x.tofile(os.path.join(args.out, "belt.x"))
    y.tofile(os.path.join(args.out, "belt.y"))
    g.tofile(os.path.join(args.out, "belt.g"))
    meta["belt"] = list(x.shape)

    for name, split, limit in [("mnist", "train", args.mnist_count), ("mnist-test", "t10k", 10000)]:
        x, y = mnist(os.path.join(args.shared, "mnist"), split, limit)
        x.tofile(os.path.join(args.out, f"{name}.x"))
        y.tofile(os.path.join(args.out, f"{name}.y"))
        meta[name] = list(x.shape)
    with open(os.path.join(args.out, "meta.json"), "w") as f:
        json.dump(meta, f)
    print(json.dumps(meta))


if __name__ == "__main__":
    main()
