#!/usr/bin/env bash
# Regenerates the protobuf-c code in Sources/CStimProto from formats/*.proto.
# Needs protoc-c (Debian: protobuf-c-compiler). Run from anywhere; writes only Sources/CStimProto.
# With --check it writes into a temporary folder and fails if the committed code differs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/Sources/CStimProto
check=0
[ "${1:-}" = "--check" ] && check=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
command -v protoc-c >/dev/null || { echo "protoc-c not found: apt-get install protobuf-c-compiler" >&2; exit 2; }
(cd "$root/formats" && protoc-c --c_out="$tmp" common.proto stimuli.proto model.proto)
if [ $check = 1 ]; then
  status=0
  for f in "$tmp"/*.pb-c.c; do cmp -s "$f" "$out/$(basename "$f")" || { echo "stale: Sources/CStimProto/$(basename "$f")"; status=1; }; done
  for f in "$tmp"/*.pb-c.h; do cmp -s "$f" "$out/include/$(basename "$f")" || { echo "stale: Sources/CStimProto/include/$(basename "$f")"; status=1; }; done
  [ $status = 0 ] && echo "generated protobuf-c code is current"
  exit $status
fi
mkdir -p "$out/include"
cp "$tmp"/*.pb-c.c "$out/"
cp "$tmp"/*.pb-c.h "$out/include/"
echo "wrote $(ls "$tmp" | wc -l) files to Sources/CStimProto"
