#!/usr/bin/env python3
"""Writes the golden windows the cross builds score: little-endian float32, 2 channels x 60 samples each.

Belt-like minutes (breathing at 0.15-0.35 Hz in paradox or in phase, pauses of 10-40 s, noise, offsets),
z-scored as stim normalizes them, and edge cases: all zeros, saturating values (+-1e4), a constant, tiny
values. Python's seeded Mersenne Twister makes the same file on every machine; bit-exactness across
targets needs only that every target reads the same file.

usage: golden_windows.py OUT.f32 [COUNT]
"""
import math
import random
import struct
import sys


def belt_minute(rng):
    rate = rng.uniform(0.15, 0.35)
    phase = rng.uniform(0, 2 * math.pi)
    paradox = rng.random() < 0.3
    pause_start = rng.randrange(0, 50) if rng.random() < 0.5 else None
    pause_length = rng.randrange(10, 40)
    channels = []
    for c in range(2):
        gain = rng.uniform(0.5, 2.0)
        offset = rng.uniform(-1, 1)
        shift = math.pi if (paradox and c == 1) else 0.0
        samples = []
        for t in range(60):
            paused = pause_start is not None and pause_start <= t < pause_start + pause_length
            amplitude = 0.1 if paused else 1.0
            value = offset + gain * amplitude * math.sin(2 * math.pi * rate * t + phase + shift) + rng.gauss(0, 0.1)
            samples.append(value)
        mean = sum(samples) / 60
        spread = math.sqrt(sum((s - mean) ** 2 for s in samples) / 60) or 1.0
        channels.append([(s - mean) / spread for s in samples])
    return channels[0] + channels[1]


def main():
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    rng = random.Random(20261123)
    windows = [[0.0] * 120, [1e4 if i % 2 else -1e4 for i in range(120)], [0.5] * 120,
               [1e-7 * (i - 60) for i in range(120)]]
    while len(windows) < count:
        windows.append(belt_minute(rng))
    with open(out, "wb") as f:
        for w in windows:
            f.write(struct.pack("<120f", *w))


if __name__ == "__main__":
    main()
