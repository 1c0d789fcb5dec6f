#!/usr/bin/env bash
# Crash-safety soak for PATHSAMPLE: kill -9 at random moments, restart, and compare the final
# database with an uninterrupted run. Usage: scripts/crash_soak.sh [trials]   (default 100)
# Runs the end-to-end test's scenario (4 LJAT3 minima, CONNECTREGION, CPUS 2) many times by
# repeating the test binary's crash test with a different seed each time.
set -euo pipefail
cd "$(dirname "$0")/.."
trials="${1:-100}"
cargo build --release --bins >/dev/null
for ((i = 1; i <= trials; i++)); do
  CRASH_SOAK_SEED=$i cargo test --release -q -p e2e --test pathsample killed_runs_restart >/dev/null 2>&1 \
    || { echo "soak trial $i FAILED (rerun: CRASH_SOAK_SEED=$i cargo test --release -p e2e --test pathsample killed_runs_restart)"; exit 1; }
  echo "soak trial $i ok"
done
echo "crash soak: $trials x 10 kill/restart trials passed"
