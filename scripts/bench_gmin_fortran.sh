#!/usr/bin/env bash
# Basin-hopping against the Fortran GMIN on the same decks: builds the Fortran from a GMIN
# source tree you give (its own Makefile's gfortran settings, -O3), then runs the LJ13 deck
# (20,000 steps) and the LJ38 tutorial deck (5,000 steps) with both programs, alternating,
# and prints wall time, potential calls, calls per quench and time per call for each, plus the
# energy+gradient kernels alone (ours: common/examples/lj_loop.rs; the Fortran's own LJ
# subroutine through scripts/lj_fortran_bench.f90).
#
# Usage: scripts/bench_gmin_fortran.sh GMIN_SVN_ROOT [ROUNDS]
#   GMIN_SVN_ROOT: a directory holding GMIN/source (and the BLAS, LAPACK, AMBER12,
#   SCRIPTS/all folders its Makefile wants), e.g. a checkout of a public GMIN fork.
# Needs gfortran and make (apt-get install gfortran make).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(cd "${1:?usage: $0 GMIN_SVN_ROOT [ROUNDS]}" && pwd)"
rounds="${2:-3}"
src="$root/GMIN/source"
flags="-ffixed-line-length-265 -O3 -ffree-line-length-0 -fallow-argument-mismatch -fallow-invalid-boz -std=legacy"
if [ ! -x "$root/GMIN/bin/GMIN" ]; then
  mkdir -p "$root/GMIN/bin"
  # The Makefile's module dependencies are incomplete: a serial build.
  (cd "$src" && make -j1 FFLAGS="$flags" SVN_ROOT="$root" > "$root/gmin_build.log" 2>&1) \
    || { echo "Fortran build failed: see $root/gmin_build.log"; exit 1; }
fi
fgmin="$root/GMIN/bin/GMIN"
cargo build --release --quiet -p gmin --bin GMIN
cargo build --release --quiet -p common --example lj_loop
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
objs=$(ls "$src"/*.o | grep -v '/main.o$')
gfortran -O3 -I"$src" -o "$tmp/ljbench" scripts/lj_fortran_bench.f90 $objs \
  "$root/AMBER12/amber12_interface.o" "$src/libmbpol.a" "$src/libmylapack.a" "$src/libmyblas.a" -lstdc++

# The decks: LJ13 from test_inputs/gmin_lj13 as plain LJ (no LJAT line, no TARGET), 20,000
# steps; the LJ38 tutorial deck unchanged.
mkdir -p "$tmp/lj13" "$tmp/lj38"
grep -v -E '^(LJAT|TARGET|!)' test_inputs/gmin_lj13/data | sed 's/^STEPS .*/STEPS 20000 1.0/' > "$tmp/lj13/data"
cp test_inputs/gmin_lj13/coords "$tmp/lj13/"
cp test_inputs/lj38_tutorial_01/data test_inputs/lj38_tutorial_01/coords "$tmp/lj38/"

report() { # program dir output-file seconds
  local calls quenches steps
  calls=$(awk '/Number of potential calls/{print $NF}' "$2/$3")
  quenches=$(grep -c '^Qu ' "$2/$3")
  steps=$(awk '/^Qu/{for(i=1;i<=NF;i++) if($i=="steps="){s+=$(i+1)}} END{print s}' "$2/$3")
  awk -v p="$1" -v t="$4" -v c="$calls" -v q="$quenches" -v s="$steps" 'BEGIN{
    printf "  %-8s %6.2f s  %9d calls  %6.1f calls/quench  %6.1f LBFGS steps/quench  %5.2f us/call  %7.0f quenches/s\n",
      p, t, c, c/q, s/q, t/c*1e6, q/t }'
}
run_one() { # label dir binary output-file
  local d="$tmp/run.$1"; rm -rf "$d"; cp -r "$2" "$d"
  local t0 t1; t0=$(date +%s.%N); (cd "$d" && "$3" > stdout 2> stderr); t1=$(date +%s.%N)
  report "$1" "$d" "$4" "$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}')"
}
for deck in lj13 lj38; do
  echo "$deck:"
  for r in $(seq "$rounds"); do
    run_one Fortran "$tmp/$deck" "$fgmin" output
    run_one ours "$tmp/$deck" "$PWD/target/release/GMIN" GMIN_out
  done
done
echo "energy+gradient alone (best of 5):"
for r in $(seq "$rounds"); do
  for c in "test_inputs/gmin_lj13/coords 1000000" "scripts/lj38_gmin.coords 200000"; do
    set -- $c
    f=$("$tmp/ljbench" "$1" "$2" | awk '/us_per_call/{print $2}')
    o=$(target/release/examples/lj_loop "$1" "$2" | awk '/us_per_call/{print $2}')
    echo "  $(basename "$(dirname "$1")")/$(basename "$1"): Fortran LJ ${f} us, ours ${o} us, Fortran/ours $(awk "BEGIN{printf \"%.2f\", $f/$o}")"
  done
done
