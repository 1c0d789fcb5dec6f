#!/usr/bin/env bash
# Our Lennard-Jones energy+gradient against a C peer (the Fortran GMIN's plain pair loop,
# gcc -O3 -march=native) on the same coordinates, alternating three times; prints both
# per-call times and the ratio. Usage: scripts/bench_lj_peer.sh [COORDS] [CALLS]
# (default: the LJ38 global minimum, E = -173.928427, 200000 calls).
set -euo pipefail
cd "$(dirname "$0")/.."
coords="${1:-scripts/lj38_gmin.coords}"
calls="${2:-200000}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
gcc -O3 -march=native -o "$tmp/lj_peer" scripts/lj_peer.c
cargo build --release --quiet --example lj_loop -p common
for round in 1 2 3; do
  c=$("$tmp/lj_peer" "$coords" "$calls")
  r=$(target/release/examples/lj_loop "$coords" "$calls")
  ce=$(echo "$c" | awk '/energy/{print $2}'); ct=$(echo "$c" | awk '/us_per_call/{print $2}')
  re=$(echo "$r" | awk '/energy/{print $2}'); rt=$(echo "$r" | awk '/us_per_call/{print $2}')
  echo "round $round: C peer ${ct} us/call (E=$ce), ours ${rt} us/call (E=$re), ours/C = $(awk "BEGIN{printf \"%.2f\", $rt/$ct}")"
done
