#!/usr/bin/env python3
"""Accuracy baseline for the apnea classifier: scikit-learn RBF SVC, leave-one-record-out over the 8 PhysioNet
Apnea-ECG respiration records at 1 Hz (../shared/data/apnea-ecg/resp-1hz, see ../shared/data/README.md).

    bench/.venv-learn/bin/python bench/learn/svc_baseline.py                  # C=1, gamma='scale'
    bench/.venv-learn/bin/python bench/learn/svc_baseline.py --C 10 --gamma 0.005 --json
    bench/.venv-learn/bin/python bench/learn/svc_baseline.py --grid            # a small C x gamma table too

Windows: one per labelled minute m (the .apn annotation at sample 60m), samples 60m ..< 60(m+1) of channels
`Resp C` and `Resp A` in physical units, each channel z-scored with the mean and standard deviation of the whole
record (invalid samples left out), invalid samples (samples 0 and 1 of every record) then set to 0 (the record
mean); a labelled minute that the record does not cover completely (the last one of b01r, c01r, c02r, c03r,
2 samples long) is left out, leaving 3,951 windows. Features: the 120 values, channel-major ([Resp C 0..59, Resp A 0..59]). Label: A (apnea) = 1, N = 0.
Leave-one-record-out: train on 7 records, predict every window of the eighth; no feature scaling beyond the
per-record z-score, no class weights. Reports per-record accuracy and Cohen's kappa, and pooled (all 3,951
predictions) accuracy and kappa.
"""
import argparse
import json
import os
import sys
import time

import numpy as np

RECORDS = ["a01r", "a02r", "a03r", "a04r", "b01r", "c01r", "c02r", "c03r"]
CHANNELS = ["Resp C", "Resp A"]
DEFAULT_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "data",
                            "apnea-ecg", "resp-1hz")


def load(folder):
    import wfdb
    out = {}
    for name in RECORDS:
        rec = wfdb.rdrecord(os.path.join(folder, name), channel_names=CHANNELS)
        if rec.fs != 1 or rec.sig_name != CHANNELS:
            raise SystemExit(f"{name}: expected {CHANNELS} at 1 Hz, got {rec.sig_name} at {rec.fs} Hz")
        sig = rec.p_signal.astype(np.float64)                       # invalid samples are NaN
        mean = np.nanmean(sig, axis=0)
        std = np.nanstd(sig, axis=0)
        z = np.nan_to_num((sig - mean) / std, nan=0.0)
        ann = wfdb.rdann(os.path.join(folder, name), "apn")
        xs, ys = [], []
        for s, sym in zip(ann.sample, ann.symbol):
            if sym not in ("A", "N"):
                continue
            if s % 60 != 0:
                raise SystemExit(f"{name}: annotation at sample {s} does not start a minute")
            if s + 60 > len(z):
                continue  # the record ends inside this minute (b01r, c01r, c02r, c03r: 2 samples)
            xs.append(z[s:s + 60].T.reshape(-1))
            ys.append(1 if sym == "A" else 0)
        out[name] = (np.asarray(xs, dtype=np.float32), np.asarray(ys, dtype=np.int64))
    return out


def parse_gamma(g):
    return g if g in ("scale", "auto") else float(g)


def lorocv(data, C, gamma):
    from sklearn.metrics import accuracy_score, cohen_kappa_score
    from sklearn.svm import SVC
    per, all_true, all_pred = {}, [], []
    for held in RECORDS:
        xtr = np.concatenate([data[r][0] for r in RECORDS if r != held])
        ytr = np.concatenate([data[r][1] for r in RECORDS if r != held])
        xte, yte = data[held]
        clf = SVC(C=C, kernel="rbf", gamma=gamma).fit(xtr, ytr)
        pred = clf.predict(xte)
        one_class = len(set(yte.tolist()) | set(pred.tolist())) < 2
        per[held] = {"n": int(len(yte)), "apnea_fraction": round(float(yte.mean()), 3),
                     "accuracy": float(accuracy_score(yte, pred)),
                     "kappa": None if one_class else float(cohen_kappa_score(yte, pred)),
                     "predicted_apnea_fraction": round(float(pred.mean()), 3)}
        all_true.append(yte)
        all_pred.append(pred)
    t, p = np.concatenate(all_true), np.concatenate(all_pred)
    pooled = {"n": int(len(t)), "accuracy": float(accuracy_score(t, p)), "kappa": float(cohen_kappa_score(t, p))}
    return per, pooled


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=DEFAULT_DATA, help="folder with the resp-1hz records")
    ap.add_argument("--C", type=float, default=1.0, help="SVC C (default 1)")
    ap.add_argument("--gamma", default="scale", help="SVC gamma: a number, 'scale' (default) or 'auto'")
    ap.add_argument("--grid", action="store_true", help="also run C in {0.1,1,10,100} x gamma in {scale, ...}")
    ap.add_argument("--json", action="store_true", help="one JSON line per setting")
    a = ap.parse_args()
    if not os.path.isdir(a.data):
        print(f"svc_baseline: no data at {a.data} (../shared/data is only in this workplace); skipping",
              file=sys.stderr)
        return
    data = load(a.data)
    nfeat = data[RECORDS[0]][0].shape[1]
    settings = [(a.C, parse_gamma(a.gamma))]
    if a.grid:
        for C in (0.1, 1.0, 10.0, 100.0):
            for g in ("scale", 1.0 / nfeat / 4, 1.0 / nfeat * 4):
                if (C, g) not in settings:
                    settings.append((C, g))
    for C, g in settings:
        t0 = time.perf_counter()
        per, pooled = lorocv(data, C, g)
        secs = time.perf_counter() - t0
        # gamma='scale' is 1 / (n_features * X.var()); the z-scored training sets have var close to 1
        eff = (f"scale (1/(120*var(X)) = about {1 / (nfeat * np.concatenate([d[0] for d in data.values()]).var()):.5f})"
               if g == "scale" else g)
        if a.json:
            print(json.dumps({"model": "sklearn.svm.SVC(kernel='rbf')", "C": C, "gamma": g, "features": nfeat,
                              "per_record": per, "pooled": pooled, "seconds": round(secs, 2)}))
            continue
        print(f"RBF SVC C={C} gamma={eff}: leave-one-record-out, {nfeat} features, {secs:.1f} s")
        for r, v in per.items():
            k = "   n/a" if v["kappa"] is None else f"{v['kappa']:6.3f}"
            print(f"  {r}  n={v['n']:3d}  apnea {v['apnea_fraction']:.3f}  predicted {v['predicted_apnea_fraction']:.3f}"
                  f"  accuracy {v['accuracy']:.3f}  kappa {k}")
        print(f"  pooled n={pooled['n']}  accuracy {pooled['accuracy']:.4f}  kappa {pooled['kappa']:.4f}")


if __name__ == "__main__":
    main()
