#!/usr/bin/env bash
# Regenerates the code made from formats/*.proto: the protobuf-c code in Sources/CStimProto and the Python
# modules (*_pb2.py) the reference implementation in formats/python uses.
# Needs protoc-c (Debian: protobuf-c-compiler) and protoc (protobuf-compiler). Run from anywhere; writes only
# Sources/CStimProto and formats/python/*_pb2.py.
# With --check it writes into a temporary folder and fails if the committed code differs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/Sources/CStimProto
pyout=$root/formats/python
check=0
[ "${1:-}" = "--check" ] && check=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
command -v protoc-c >/dev/null || { echo "protoc-c not found: apt-get install protobuf-c-compiler" >&2; exit 2; }
command -v protoc >/dev/null || { echo "protoc not found: apt-get install protobuf-compiler" >&2; exit 2; }
mkdir -p "$tmp/c" "$tmp/py"
(cd "$root/formats" && protoc-c --c_out="$tmp/c" common.proto stimuli.proto model.proto)
# The _pb2 modules import each other as top-level modules; stimformat.py puts its folder on sys.path.
(cd "$root/formats" && protoc --python_out="$tmp/py" common.proto stimuli.proto model.proto)
if [ $check = 1 ]; then
  status=0
  for f in "$tmp"/c/*.pb-c.c; do cmp -s "$f" "$out/$(basename "$f")" || { echo "stale: Sources/CStimProto/$(basename "$f")"; status=1; }; done
  for f in "$tmp"/c/*.pb-c.h; do cmp -s "$f" "$out/include/$(basename "$f")" || { echo "stale: Sources/CStimProto/include/$(basename "$f")"; status=1; }; done
  for f in "$tmp"/py/*_pb2.py; do cmp -s "$f" "$pyout/$(basename "$f")" || { echo "stale: formats/python/$(basename "$f")"; status=1; }; done
  [ $status = 0 ] && echo "generated protobuf-c and Python code is current"
  exit $status
fi
mkdir -p "$out/include" "$pyout"
cp "$tmp"/c/*.pb-c.c "$out/"
cp "$tmp"/c/*.pb-c.h "$out/include/"
cp "$tmp"/py/*_pb2.py "$pyout/"
echo "wrote $(ls "$tmp/c" | wc -l) files to Sources/CStimProto and $(ls "$tmp/py" | wc -l) to formats/python"
