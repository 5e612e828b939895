#!/usr/bin/env python3
"""Writes damaged copies of a CNN model buffer whose damage lies behind the checksum's back (stim_score does
not verify it): sizes that overflow a 32-bit Int, counts that do not chain, a truncation. The cross builds
score each with `driver --unchecked`; every one must be an error code on every target.

usage: damage.py CNN.bin OUT_DIR   (writes OUT_DIR/damaged-N.bin)"""
import struct
import sys

HEADER = 44   # FirmwareFormat.headerBytes; the first record follows
DAMAGE = [
    (8, 0xFFFFFFFC),                 # total bytes far past the buffer
    (40, 0xFFFFFFFF),                # layer records: 2^32 - 1
    (HEADER + 4, 0x80000000),        # first record's length: 2^31
    (HEADER + 8, 0xFFFFFFF0),        # first record's input count
    (HEADER + 12, 7),                # first record's output count does not match its geometry
    (HEADER + 32, 0),                # convolution in channels: 0
    (HEADER + 48, 65535),            # kernel width larger than the padded input
    (HEADER + 52, 0x7FFFFFFF),       # stride height beyond the dimension limit
]


def main():
    model, out = sys.argv[1], sys.argv[2]
    data = open(model, "rb").read()
    for i, (offset, value) in enumerate(DAMAGE):
        damaged = bytearray(data)
        damaged[offset:offset + 4] = struct.pack("<I", value)
        open(f"{out}/damaged-{i}.bin", "wb").write(damaged)
    # Cut in half, the header's total unchanged.
    open(f"{out}/damaged-{len(DAMAGE)}.bin", "wb").write(data[:len(data) // 2 // 4 * 4])


if __name__ == "__main__":
    main()
