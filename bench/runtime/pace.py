#!/usr/bin/env python3
"""Writes a WFDB format-16 record's first two signals to stdout as little-endian int16 frames, paced at
`speed` times real time (one write per stream second), as a belt would deliver them to `stim score`."""
import array
import sys
import time

dat, signals, rate, speed = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
samples = array.array("h")
with open(dat, "rb") as f:
    samples.frombytes(f.read())
if sys.byteorder != "little":
    samples.byteswap()
frames = len(samples) // signals
two = array.array("h", bytes(4 * frames))
two[0::2] = samples[0::signals][:frames]
two[1::2] = samples[1::signals][:frames]
per_write = max(1, int(rate))
out = sys.stdout.buffer
start = time.monotonic()
for k, first in enumerate(range(0, frames, per_write)):
    out.write(two[2 * first:2 * min(frames, first + per_write)].tobytes())
    out.flush()
    delay = start + (k + 1) / speed - time.monotonic()
    if delay > 0:
        time.sleep(delay)
