"""Pools the held-out windows of leave-one-record-out exports (bench/export/leave-one-record-out): reads
OUT/*/stimuli.report.json and prints, per student kind, accuracy and Cohen's kappa on real windows and on the
stimuli with the gap (points and kappa the stimuli student is behind), then each record's accuracies and privacy.

A report gives each row's accuracy, sensitivity and specificity on a held-out record, not its confusion matrix; the
record's apnea windows P follow from any row with sensitivity != specificity (accuracy = (sens P + spec (n - P)) / n),
and every row must agree on it. Standard library only."""
import json
import pathlib
import sys


def apnea_windows(rows, n):
    """The held-out record's apnea windows, from the rows' scores (none when no row has a sensitivity)."""
    if all(r.get("sensitivity") is None for r in rows):
        return 0
    if all(r.get("specificity") is None for r in rows):
        return n
    estimates = [n * (r["accuracy"] - r["specificity"]) / (r["sensitivity"] - r["specificity"])
                 for r in rows if abs(r["sensitivity"] - r["specificity"]) > 0.05]
    if not estimates or max(estimates) - min(estimates) > 0.5:
        sys.exit(f"loro_summary: the rows disagree on the apnea windows: {estimates}")
    return round(sum(estimates) / len(estimates))


def kappa(tp, fn, fp, tn):
    n = tp + fn + fp + tn
    observed = (tp + tn) / n
    expected = ((tp + fn) * (tp + fp) + (fp + tn) * (fn + tn)) / n / n
    return observed, (observed - expected) / (1 - expected)


def main():
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "bench/out/loro")
    reports = sorted(out.glob("*/stimuli.report.json"))
    if not reports:
        sys.exit(f"loro_summary: no */stimuli.report.json under {out}")
    pooled, lines = {}, []
    for path in reports:
        report = json.loads(path.read_text())
        utility = report["utility"]
        rows = [("teacher", "", utility["teacher"])] + [
            (s["kind"], "real" if s["trained_on"] == "real windows" else "stimuli", s["scores"])
            for s in utility["students"]]
        n = rows[0][2]["count"]
        positives = apnea_windows([r for _, _, r in rows], n)
        for kind, source, scores in rows:
            tp = (scores.get("sensitivity") or 0) * positives
            tn = (scores.get("specificity") or 0) * (n - positives)
            cell = pooled.setdefault((kind, source), [0.0, 0.0, 0.0, 0.0])
            for i, v in enumerate((tp, positives - tp, n - positives - tn, tn)):
                cell[i] += v
        privacy = report["privacy"]
        attack = privacy["reidentification"]["stimulus_sets"][0]["result"]
        aucs = [s["membership"]["auc"] for s in utility["students"] if s["trained_on"] != "real windows"]
        closest = privacy["closest_record"]
        closest = closest[0] if isinstance(closest, list) else closest
        lines.append(f"| {', '.join(report['held_out_records'])} | {n} | {positives} | "
                     + " | ".join(f"{scores['accuracy']:.3f}" for _, _, scores in rows)
                     + f" | {attack['top1']:.3f} / {attack['class_only_top1']:.3f} | {min(aucs):.3f}–{max(aucs):.3f}"
                     + f" | {closest['summary']['ratio']:.2f} |")
    print(f"Pooled over the held-out windows of {len(reports)} exports:\n")
    print("| student | real windows: accuracy / κ | stimuli: accuracy / κ | gap: points / κ |")
    print("|---|---|---|---|")
    teacher = kappa(*pooled[("teacher", "")])
    print(f"| teacher | {teacher[0]:.4f} / {teacher[1]:.4f} | | |")
    for kind in sorted({k for k, s in pooled if s == "real"}):
        real, stimuli = kappa(*pooled[(kind, "real")]), kappa(*pooled[(kind, "stimuli")])
        print(f"| {kind} | {real[0]:.4f} / {real[1]:.4f} | {stimuli[0]:.4f} / {stimuli[1]:.4f} | "
              f"{100 * (real[0] - stimuli[0]):+.1f} / {real[1] - stimuli[1]:+.3f} |")
    kinds = [f"{kind} {source}".strip() for kind, source, _ in rows]
    print("\nPer held-out record (accuracy; re-identification of stimuli top-1 / class-only; membership AUC of the "
          "stimuli students; closest-record ratio):\n")
    print("| record | windows | apnea | " + " | ".join(kinds) + " | re-id | AUC | ratio |")
    print("|---" * (len(kinds) + 6) + "|")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
