#!/usr/bin/env bash
# Sets Banthuek up on a fresh Debian 12 machine (as root) and starts it: installs what is missing,
# builds the release binaries, obtains the default speech model, then starts the app.
# Idempotent: run it again to rebuild and start.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export GGML_NATIVE=OFF
export BANTHUEK_MODELS=${BANTHUEK_MODELS:-$root/models}

bash scripts/setup-deps.sh
cargo build --release -p banthuek-cli
if [ -x scripts/get-models.sh ]; then
  bash scripts/get-models.sh target/release/banthuek
fi
exec target/release/banthuek start
