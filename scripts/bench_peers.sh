#!/usr/bin/env bash
# Time our MLP energy+gradient against numpy, JAX and (if it installs) PyTorch, one thread,
# on this machine: a throwaway venv from PyPI, then scripts/bench_peers.py alternating the
# tools. Usage: scripts/bench_peers.sh [ROUNDS]   (builds target/release/landscape first)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${1:-3}"
VENV="${BENCH_VENV:-$(mktemp -d)/venv}"
cargo build --release -p landscape >/dev/null
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q numpy jax jaxlib
  # PyTorch's PyPI wheel is large; the comparison goes on without it if it does not install.
  "$VENV/bin/pip" install -q torch || echo "PyTorch not installed; it is left out" >&2
fi
CORES="$(nproc)"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
export XLA_FLAGS="--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
echo "# $(date -u +%F), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $CORES cores"
exec taskset -c 0 "$VENV/bin/python" scripts/bench_peers.py target/release/landscape "$ROUNDS"
