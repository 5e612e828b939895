#!/usr/bin/env python3
"""Writes damaged copies of a CNN model buffer whose damage lies behind the checksum's back (stim_score does
not verify it): sizes that overflow a 32-bit Int, counts that do not chain, a truncation. The cross builds
score each with `driver --unchecked`; every one must be an error code on every target.

With an RBF SVM buffer as well, damages its body the same way (OUT_DIR/damaged-svm-N.bin).

usage: damage.py CNN.bin OUT_DIR [RBF_SVM.bin]   (writes OUT_DIR/damaged-N.bin)"""
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
# The RBF SVM body that follows the header (SvmMachines): dimension, machines, multiclass, support vectors,
# gamma multiplier and shift.
SVM_DAMAGE = [
    (40, 1),                         # layer records in an SVM
    (HEADER, 0xFFFFFFFF),            # dimension: 2^32 - 1
    (HEADER + 4, 0x80000000),        # machines: 2^31
    (HEADER + 8, 7),                 # multiclass: unknown
    (HEADER + 12, 0x7FFFFFFF),       # support vectors far past the buffer
    (HEADER + 16, 0x80000000),       # gamma multiplier negative
    (HEADER + 20, 99),               # gamma shift out of range
]


def write_damaged(data, damage, prefix):
    for i, (offset, value) in enumerate(damage):
        damaged = bytearray(data)
        damaged[offset:offset + 4] = struct.pack("<I", value)
        open(f"{prefix}{i}.bin", "wb").write(damaged)
    # Cut in half, the header's total unchanged.
    open(f"{prefix}{len(damage)}.bin", "wb").write(data[:len(data) // 2 // 4 * 4])


def main():
    model, out = sys.argv[1], sys.argv[2]
    write_damaged(open(model, "rb").read(), DAMAGE, f"{out}/damaged-")
    if len(sys.argv) > 3:
        write_damaged(open(sys.argv[3], "rb").read(), SVM_DAMAGE, f"{out}/damaged-svm-")


if __name__ == "__main__":
    main()
