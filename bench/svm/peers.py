#!/usr/bin/env python3
"""Peer side of the SVM benchmark: one peer on one dataset per process, so that its peak memory is its own.

    bench/.venv-svm/bin/python bench/svm/peers.py --peer libsvm --dataset belt --data bench/out/svm --runs 3

Peers (all on one core: the compare script pins the process and sets the BLAS/OpenMP threads to 1):
  libsvm        libsvm-official svm_train -s 0 -t 2 -c 1 -g 1/(d * var(X))   (scikit-learn's gamma='scale')
  liblinear-s1  liblinear-official -s 1 -c 1 -B 1   (L2-loss dual coordinate descent)
  liblinear-s3  liblinear-official -s 3 -c 1 -B 1   (L1-loss, hinge)
  sklearn-svc   scikit-learn SVC(C=1, kernel='rbf', gamma='scale')
  sklearn-linearsvc  scikit-learn LinearSVC(C=1) (squared hinge, dual, its default tol 1e-4 and max_iter 1000)
Multi-class (MNIST): LIBSVM and SVC one-vs-one, LIBLINEAR and LinearSVC one-vs-rest, as each does by itself.

Prints one JSON line: train_s (median over --runs fits on the whole training set; the conversion of numpy arrays
to LIBSVM/LIBLINEAR's own problem structure is done once, before the timings), predict_per_s (test windows per
second through the package's predict call), accuracy (belt: leave-one-record-out pooled over the 8 records;
MNIST: the 10,000 test digits), peak_mb (getrusage max RSS after the first fit minus max RSS after loading the
data and importing the package: the memory the fit itself added, library problem structures included), and
max_rss_mb (the process's whole max RSS then, the interpreter included).
"""
import argparse
import json
import os
import resource
import statistics
import sys
import time

import numpy as np


def max_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def load(folder, name):
    with open(os.path.join(folder, "meta.json")) as f:
        shape = json.load(f)[name]
    x = np.fromfile(os.path.join(folder, f"{name}.x"), dtype=np.float32).reshape(shape)
    y = np.fromfile(os.path.join(folder, f"{name}.y"), dtype=np.int32)
    return x, y


class Peer:
    """fit(x, y) -> model (timed), predict(model, x) -> labels; prepare(x, y) builds what fit consumes, untimed."""

    def __init__(self, name, gamma):
        self.name = name
        self.gamma = gamma
        if name == "libsvm":
            from libsvm import svmutil
            self.lib = svmutil
        elif name.startswith("liblinear"):
            from liblinear import liblinearutil
            self.lib = liblinearutil
        else:
            import sklearn.svm
            self.lib = sklearn.svm

    def prepare(self, x, y):
        if self.name == "libsvm":
            return self.lib.svm_problem(y.astype(np.float64), x.astype(np.float64))
        if self.name.startswith("liblinear"):
            return self.lib.problem(y.astype(np.float64), x.astype(np.float64))
        return (x, y)

    def fit(self, prepared):
        if self.name == "libsvm":
            return self.lib.svm_train(prepared, f"-s 0 -t 2 -c 1 -g {self.gamma!r} -q")
        if self.name.startswith("liblinear"):
            return self.lib.train(prepared, f"-s {self.name[-1]} -c 1 -B 1 -q")
        if self.name == "sklearn-svc":
            return self.lib.SVC(C=1, kernel="rbf", gamma="scale").fit(*prepared)
        return self.lib.LinearSVC(C=1).fit(*prepared)

    def predict(self, model, x):
        if self.name == "libsvm":
            labels, _, _ = self.lib.svm_predict([], x.astype(np.float64), model, "-q")
            return np.asarray(labels)
        if self.name.startswith("liblinear"):
            labels, _, _ = self.lib.predict([], x.astype(np.float64), model, "-q")
            return np.asarray(labels)
        return model.predict(x)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--peer", required=True,
                        choices=["libsvm", "liblinear-s1", "liblinear-s3", "sklearn-svc", "sklearn-linearsvc"])
    parser.add_argument("--dataset", required=True, choices=["belt", "mnist"])
    parser.add_argument("--data", default="bench/out/svm")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    x, y = load(args.data, args.dataset)
    gamma = 1.0 / (x.shape[1] * float(x.var()))
    peer = Peer(args.peer, gamma)
    base = max_rss_mb()
    prepared = peer.prepare(x, y)
    times = []
    for run in range(args.runs):
        start = time.perf_counter()
        model = peer.fit(prepared)
        times.append(time.perf_counter() - start)
        if run == 0:
            peak = max_rss_mb() - base
            whole = max_rss_mb()

    if args.dataset == "belt":
        test_x = x
        groups = np.fromfile(os.path.join(args.data, "belt.g"), dtype=np.int32)
        correct = 0
        for g in np.unique(groups):
            train, held = groups != g, groups == g
            fold = peer.fit(peer.prepare(x[train], y[train]))
            correct += int((peer.predict(fold, x[held]) == y[held]).sum())
        accuracy = correct / len(y)
    else:
        test_x, test_y = load(args.data, "mnist-test")
        accuracy = float((peer.predict(model, test_x) == test_y).mean())
    start = time.perf_counter()
    peer.predict(model, test_x)
    predict_s = time.perf_counter() - start
    print(json.dumps({"peer": args.peer, "dataset": args.dataset, "train_s": statistics.median(times),
                      "train_runs": times, "predict_per_s": len(test_x) / predict_s, "accuracy": accuracy,
                      "peak_mb": peak, "max_rss_mb": whole, "count": int(x.shape[0]), "dimension": int(x.shape[1])}), flush=True)


if __name__ == "__main__":
    main()
