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
export BANTHUEK_PYTHON=${BANTHUEK_PYTHON:-$root/.venv/bin/python}      # pyHanko's library (byte-flip comparison)
export BANTHUEK_SCHEMATHESIS=${BANTHUEK_SCHEMATHESIS:-$root/.venv/bin/st}  # receiver conformance (cargo test)
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

step "build and lint"
# One compile does both: clippy's driver compiles the workspace's own crates (as `cargo clippy`
# does, with its lints and every warning an error) and the dependencies are built once, where
# `cargo build` then `cargo clippy` type-checked all of them a second time (about 4 minutes on
# two cores). Exported, so the tests below reuse these builds instead of compiling again.
RUSTC_WORKSPACE_WRAPPER=$(rustup which clippy-driver 2>/dev/null || command -v clippy-driver) || {
  echo "test: clippy is required (rustup component add clippy) / ต้องติดตั้ง clippy ก่อน" >&2
  exit 1
}
export RUSTC_WORKSPACE_WRAPPER
export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"  # cargo-clippy's `-- -D warnings`
cargo build --workspace --all-targets

if [ -x scripts/get-models.sh ]; then
  step "default speech model"
  bash scripts/get-models.sh "$target/debug/banthuek"
fi

step "tests"
# The ID card tests start and stop their own pcscd (its socket is global): a pcscd the system
# socket-activates would take the socket first.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active -q pcscd.socket 2>/dev/null; then
  systemctl stop pcscd.socket pcscd.service
fi
# The audio tests share one PulseAudio virtual microphone (crates/speech/tests/virtual-mic.sh),
# started by the first test that needs it, in a runtime folder of this run's own: stopped after.
test_runtime=$(mktemp -d "${TMPDIR:-/tmp}/banthuek-test-xdg.XXXXXX")
stop_test_audio() {
  XDG_RUNTIME_DIR=$test_runtime pulseaudio --kill 2>/dev/null || true
  rm -rf "$test_runtime"
}
trap stop_test_audio EXIT
# Every test binary runs even after one fails, so one CI run reports every failure.
XDG_RUNTIME_DIR=$test_runtime cargo test --workspace --no-fail-fast -- --test-threads=2
stop_test_audio
trap - EXIT

step "page tests"
npm --prefix ui test

step "extraction evaluation"
py=$root/.venv/bin/python
cli=$target/debug/banthuek
"$py" "$shared/eval/score_extract.py" --min-f1 0.95 "$shared/eval/extract-dev.jsonl" -- "$cli" extract --json --today '{today}'
# The project's own clean cases and their noisy rewrites (extract-noisy.jsonl, written by
# crates/extract/examples/noisy_cases.rs; a test keeps it current).
for cases in crates/extract/tests/data/*.jsonl; do
  [ -e "$cases" ] || continue
  min=0.95
  case "$cases" in *noisy*) min=0.97 ;; esac
  "$py" "$shared/eval/score_extract.py" --min-f1 "$min" "$cases" -- "$cli" extract --json --today '{today}'
done
# Numbers, dates and times written by PyThaiNLP, generated now: exact rate, no confidently wrong
# value (1000 cases, one extractor process each: about 2-4 min on two cores).
"$py" crates/extract/tests/peer/peer_eval.py --cases 1000 --min-exact 99.5 -- "$cli" extract --json --today '{today}'

step "central receiver benchmark (PostgreSQL; 1, 2 and 4 receivers; figures for the log, about a minute)"
# Throwaway PostgreSQL clusters on 127.0.0.1, run as the postgres user (pg_cluster.rs); small
# counts here, the README's figures come from a larger run of the same command.
"$target/debug/banthuek-central" bench --sqlite --receivers 1,2,4 --stations 8 --records 5

step "speech benchmark (figures for the log; the targets are judged on a release build, see README)"
# The debug CLI: whisper.cpp itself is built as Release (Cargo.toml), but CI's machine is shared.
"$cli" bench speech --runs 3 --utterances 8

step "ID card benchmark (virtual reader: pcscd + vpcd + the card emulator; a few seconds)"
pcscd --foreground & pcscd_pid=$!
python3 crates/idcard/tests/support/thai_id_card.py --cards crates/idcard/tests/data/cards.json \
  --card p10 >/dev/null & card_pid=$!
"$cli" bench idcard --reads 20 || { kill "$card_pid" "$pcscd_pid"; exit 1; }
# As the app's dialog reads: the photo too (20 more READ BINARY / GET RESPONSE pairs).
"$cli" bench idcard --reads 20 --photo || { kill "$card_pid" "$pcscd_pid"; exit 1; }
kill "$card_pid" "$pcscd_pid"
wait "$card_pid" "$pcscd_pid" 2>/dev/null || true

step "spoken field values (accuracy with and without the field constraint, for the log)"
# 4 utterances per field type and 4 noise clips, each read as a field value (a free and a
# constrained decode) and as free dictation: about two minutes. Then sound nothing was tuned on,
# 3 of each (about a minute each): the same voice under pink noise at 20 dB, and eSpeak NG's
# synthetic Thai in the colloquial phrasings (base mostly cannot hear it: it counts silent errors).
"$cli" bench accuracy --seed 101 --count 4
"$cli" bench accuracy --seed 102 --count 3 --snr 20
"$cli" bench accuracy --seed 103 --count 3 --voice espeak

step "desktop (real window)"
if [ -n "${BANTHUEK_SKIP_DESKTOP:-}" ]; then
  echo "BANTHUEK_SKIP_DESKTOP is set: skipping the real-window tests"
else
  # Xvfb, the PulseAudio virtual microphone and tauri-driver are started and stopped by run.sh;
  # tauri-driver launches the debug app built above. Screenshots go to target/e2e-shots.
  BANTHUEK_APP=$target/debug/banthuek-app BANTHUEK_CLI=$target/debug/banthuek \
    OUT_DIR=${OUT_DIR:-$target/e2e-shots} bash tests/e2e/run.sh node all.mjs

  step "app benchmark (real window: end of speech → text p95, page CPU while recording; figures for the log)"
  # The debug app built above (about 3 minutes: the field is dictated with its button, then with
  # F2 held); the targets are judged on a release build (scripts/bench-app.sh release), but CI
  # prints the figures on every run.
  BANTHUEK_APP=$target/debug/banthuek-app BANTHUEK_CLI=$target/debug/banthuek BENCH_RUNS=5 \
    BENCH_NOTE="debug build, CI" OUT_DIR=${OUT_DIR:-$target/e2e-shots} timeout 900 bash tests/e2e/run.sh node bench.mjs
fi

step "all tests passed"
