#!/usr/bin/env python3
"""Code and data bytes a linked program keeps of some objects: the sizes (nm -S) of the program's symbols
that those objects define. usage: linked_size.py NM PROGRAM OBJECT... ; prints "CODE DATA"."""
import subprocess
import sys


def symbols(nm, path, defined_only):
    args = [nm, "-S", "--defined-only", path] if defined_only else [nm, "-S", path]
    lines = subprocess.run(args, check=True, capture_output=True, text=True).stdout.splitlines()
    for line in lines:
        parts = line.split()
        if len(parts) == 4:
            yield parts[3], int(parts[1], 16), parts[2]


def main():
    nm, program, objects = sys.argv[1], sys.argv[2], sys.argv[3:]
    ours = {name for path in objects for name, _, _ in symbols(nm, path, True)}
    code = data = 0
    for name, size, kind in symbols(nm, program, True):
        if name in ours:
            if kind in "tTwW":
                code += size
            else:
                data += size
    print(code, data)


if __name__ == "__main__":
    main()
