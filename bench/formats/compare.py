"""stim's dataset files against numpy's .npz on the same arrays: file size, write and read speed.

Run by bench/run, which builds the Swift side (StimBench) and passes its path. Generates the arrays, hands them to
StimBench as raw little-endian files, times numpy here under the same conditions (page cache warm, an untimed
read first; stim and numpy runs alternate), and prints one table (also written to --out)."""

import argparse
import json
import os
import platform
import statistics
import subprocess
import tempfile
import time

import numpy as np

CHANNELS = 2
WINDOW = 60
CLASSES = 2
LABELS = {"float32": np.dtype("<f4"), "uint16": np.dtype("<u2")}


def arrays(count, seed):
    """z-scored breathing-like int16 samples (scale 8/32767) and softmax soft labels, as float32 and as uint16."""
    rng = np.random.default_rng(seed)
    samples = np.clip(np.rint(rng.standard_normal((count, CHANNELS, WINDOW)) * 32767 / 8), -32768, 32767)
    logits = 2.0 * rng.standard_normal((count, CLASSES))
    probabilities = np.exp(logits - logits.max(axis=1, keepdims=True))
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    return samples.astype("<i2"), {"float32": probabilities.astype("<f4"),
                                   "uint16": np.rint(probabilities * 65535).astype("<u2")}


def numpy_once(path, samples, labels):
    """One np.savez, one untimed warm-up read, one timed np.load with every array materialized."""
    start = time.perf_counter()
    np.savez(path, samples=samples, labels=labels)
    write = time.perf_counter() - start

    def read():
        with np.load(path) as archive:
            return {name: archive[name] for name in archive.files}

    read()
    start = time.perf_counter()
    loaded = read()
    elapsed = time.perf_counter() - start
    assert np.array_equal(loaded["samples"], samples) and np.array_equal(loaded["labels"], labels)
    return {"file_bytes": os.path.getsize(path), "write": write, "read": elapsed}


def stim_once(binary, folder, encoding, count):
    """StimBench's medians of 3 writes and 3 timed reads of each reader, after untimed checked reads (which warm
    the page cache); 3 rather than 1, since a fresh process's first read pays for growing its heap."""
    output = subprocess.run(
        [binary, "--samples", os.path.join(folder, "samples.i16"), "--labels", os.path.join(folder, f"labels.{encoding}"),
         "--label-encoding", encoding, "--count", str(count), "--channels", str(CHANNELS),
         "--samples-per-window", str(WINDOW), "--classes", str(CLASSES), "--repeats", "3",
         "--dataset", os.path.join(folder, "bench.stim")],
        check=True, capture_output=True, text=True).stdout
    result = json.loads(output)
    return {"file_bytes": result["file_bytes"], "write": statistics.median(result["write_seconds"]),
            "read_random": statistics.median(result["read_random_seconds"]),
            "read_stream": statistics.median(result["read_stream_seconds"])}


def medians(runs):
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def compare(binary, folder, samples, labels, encoding, repeats):
    """stim and numpy alternately, so that a change in the machine's load hits both alike; medians of each."""
    samples.tofile(os.path.join(folder, "samples.i16"))
    labels.tofile(os.path.join(folder, f"labels.{encoding}"))
    stim, numpy = [], []
    for _ in range(repeats):
        stim.append(stim_once(binary, folder, encoding, len(samples)))
        numpy.append(numpy_once(os.path.join(folder, "numpy.npz"), samples, labels))
    return medians(stim), medians(numpy)


def cpu_model():
    try:
        with open("/proc/cpuinfo") as file:
            for line in file:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


def table(count, repeats, results):
    lines = [f"formats benchmark: {count:,} stimuli, {CHANNELS} x {WINDOW} int16 samples, {CLASSES} classes, "
             f"medians of {repeats} runs, page cache warm",
             f"machine: {cpu_model()}, {os.cpu_count()} cores; numpy {np.__version__}",
             "MB/s = 1e6 bytes of raw payload (samples + labels) per second", ""]
    header = (f"{'labels':8} {'format':20} {'B/stimulus':>10} {'vs raw':>8} {'write MB/s':>10} {'read MB/s':>10} "
              f"{'read stimuli/s':>15}")
    lines += [header, "-" * len(header)]
    ratios = []
    for encoding, (raw, stim, numpy) in results.items():
        payload = raw * count

        def row(name, file_bytes, write, read):
            size = file_bytes / count
            lines.append(f"{encoding:8} {name:20} {size:10.2f} {100 * (size / raw - 1):+7.2f}% "
                         f"{payload / write / 1e6:10.0f} {payload / read / 1e6:10.0f} {count / read:15,.0f}")

        lines.append(f"{encoding:8} {'raw payload':20} {raw:10.2f}")
        row("stim random-access", stim["file_bytes"], stim["write"], stim["read_random"])
        row("stim streaming", stim["file_bytes"], stim["write"], stim["read_stream"])
        row("numpy savez/load", numpy["file_bytes"], numpy["write"], numpy["read"])
        ratios.append(f"{encoding:8} size {stim['file_bytes'] / numpy['file_bytes']:.3f}, "
                      f"write speed {numpy['write'] / stim['write']:.2f}x, "
                      f"read speed random-access {numpy['read'] / stim['read_random']:.2f}x, "
                      f"streaming {numpy['read'] / stim['read_stream']:.2f}x")
    lines += ["", "stim / numpy (speed ratios > 1: stim is faster):"] + ratios
    worst_size = max(s["file_bytes"] / count / raw - 1 for raw, s, _ in results.values())
    worst_read = min(n["read"] / max(s["read_random"], s["read_stream"]) for _, s, n in results.values())
    lines += ["", f"goal: size within 10% of the raw payload: {'met' if worst_size <= 0.10 else 'NOT met'} "
                  f"(worst {100 * worst_size:+.2f}%); reading at least as fast as numpy: "
                  f"{'met' if worst_read >= 1 else 'NOT met'} (worst {worst_read:.2f}x)"]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stim-bench", required=True, help="the StimBench executable")
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--out", help="also write the table here")
    arguments = parser.parse_args()
    if arguments.count < 1 or arguments.repeats < 1:
        parser.error("--count and --repeats must be at least 1")
    samples, labels = arrays(arguments.count, arguments.seed)
    results = {}
    with tempfile.TemporaryDirectory(prefix="stim-bench-") as folder:
        for encoding, encoded in labels.items():
            raw = samples[0].nbytes + encoded[0].nbytes
            stim, numpy = compare(arguments.stim_bench, folder, samples, encoded, encoding, arguments.repeats)
            results[encoding] = (raw, stim, numpy)
    text = table(arguments.count, arguments.repeats, results)
    print(text)
    if arguments.out:
        with open(arguments.out, "w") as file:
            file.write(text + "\n")


if __name__ == "__main__":
    main()
