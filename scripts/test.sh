#!/usr/bin/env bash
# Runs every Banthuek test on a fresh Debian 12 machine (as root): installs what is missing, builds
# once, obtains the default speech model, then runs formatting, lint, unit, integration and
# end-to-end tests (the desktop app in a real window under Xvfb) and the extraction evaluation.
# Idempotent. The page (ui/) is built before cargo because the app embeds ui/dist at compile time.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
shared=${BANTHUEK_SHARED:-$root/../shared}
export GGML_NATIVE=OFF          # binaries must run on any x86-64 laptop, not just this CPU
export CARGO_TERM_COLOR=never
export BANTHUEK_PYHANKO=${BANTHUEK_PYHANKO:-$root/.venv/bin/pyhanko}
export BANTHUEK_SHARED=$shared
export BANTHUEK_MODELS=${BANTHUEK_MODELS:-$root/models}
target=${CARGO_TARGET_DIR:-$root/target}

step() { printf '\n== %s (%s)\n' "$*" "$(date +%T)"; }

step "system and Python packages"
bash scripts/setup-deps.sh
source scripts/node-path.sh

step "page (ui): install, type-check, build"
npm --prefix ui ci --no-audit --no-fund
npm --prefix ui run build

step "format"
cargo fmt --all -- --check

step "build"
cargo build --workspace --all-targets

step "lint"
cargo clippy --workspace --all-targets -- -D warnings

if [ -x scripts/get-models.sh ]; then
  step "default speech model"
  bash scripts/get-models.sh "$target/debug/banthuek"
fi

step "tests"
# Every test binary runs even after one fails, so one CI run reports every failure.
cargo test --workspace --no-fail-fast -- --test-threads=2

step "page tests"
npm --prefix ui test

step "extraction evaluation"
py=$root/.venv/bin/python
cli=$target/debug/banthuek
"$py" "$shared/eval/score_extract.py" --min-f1 0.95 "$shared/eval/extract-dev.jsonl" -- "$cli" extract --json --today '{today}'
for cases in crates/extract/tests/data/*.jsonl; do
  [ -e "$cases" ] || continue
  "$py" "$shared/eval/score_extract.py" --min-f1 0.95 "$cases" -- "$cli" extract --json --today '{today}'
done

step "speech benchmark (figures for the log; the targets are judged on a release build, see README)"
# The debug CLI: whisper.cpp itself is built as Release (Cargo.toml), but CI's machine is shared.
"$cli" bench speech --runs 3 --utterances 8

step "spoken field values (accuracy with and without the field constraint, for the log)"
# 4 utterances per field type and 4 noise clips, each decoded twice: about two minutes.
"$cli" bench accuracy --seed 101 --count 4

step "desktop (real window)"
if [ -n "${BANTHUEK_SKIP_DESKTOP:-}" ]; then
  echo "BANTHUEK_SKIP_DESKTOP is set: skipping the real-window tests"
else
  # Xvfb, the PulseAudio virtual microphone and tauri-driver are started and stopped by run.sh;
  # tauri-driver launches the debug app built above. Screenshots go to target/e2e-shots.
  BANTHUEK_APP=$target/debug/banthuek-app BANTHUEK_CLI=$target/debug/banthuek \
    OUT_DIR=${OUT_DIR:-$target/e2e-shots} bash tests/e2e/run.sh node all.mjs
fi

step "all tests passed"
