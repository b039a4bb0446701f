#!/usr/bin/env bash
# Benchmark of the desktop app in a real window under Xvfb: cold start to an interactive login
# screen (median of 5), memory (RSS of the app, its WebKit processes and the speech engine) idle
# and while dictating through the virtual microphone, the page's CPU while recording silence
# (target ≤ 5 % of one core) and end of speech → text in the field (p50/p95, target p95 ≤ 1.5 s),
# by stage, once with the field's microphone button (cut at the closing pause) and once holding F2
# (cut at the release, BENCH_RELEASE_MS = 250 after the end of speech). BENCH_RUNS (default 5).
# Prints the figures with their targets; asserts nothing.
# Usage: scripts/bench-app.sh [debug|release]   (default: release, built here if missing)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source scripts/node-path.sh
export GGML_NATIVE=OFF
target=${CARGO_TARGET_DIR:-$root/target}
profile=${1:-release}
export BANTHUEK_MODELS=${BANTHUEK_MODELS:-$root/models}

if [ ! -d ui/dist ]; then
  npm --prefix ui ci --no-audit --no-fund
  npm --prefix ui run build
fi
# banthuek-speech too: the app runs its speech worker from the `banthuek-engine` binary beside it
# when there is one, and a stale one left by an older build would be measured instead.
if [ "$profile" = release ]; then
  cargo build --release -p banthuek-app -p banthuek-cli -p banthuek-speech
else
  cargo build -p banthuek-app -p banthuek-cli -p banthuek-speech
fi
BANTHUEK_APP=$target/$profile/banthuek-app BANTHUEK_CLI=$target/$profile/banthuek \
  BENCH_NOTE="$profile build" OUT_DIR=${OUT_DIR:-$target/e2e-shots} \
  bash tests/e2e/run.sh node bench.mjs
