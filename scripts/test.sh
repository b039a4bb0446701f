#!/usr/bin/env bash
# Runs every Banthuek test on a fresh Debian 12 machine (as root): installs what is missing, builds
# once, obtains the default speech model, then runs formatting, lint, unit, integration and
# end-to-end tests and the extraction evaluation. Idempotent.
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
cargo test --workspace -- --test-threads=2

step "extraction evaluation"
py=$root/.venv/bin/python
cli=$target/debug/banthuek
"$py" "$shared/eval/score_extract.py" --min-f1 0.95 "$shared/eval/extract-dev.jsonl" -- "$cli" extract --json --today '{today}'
for cases in crates/extract/tests/data/*.jsonl; do
  [ -e "$cases" ] || continue
  "$py" "$shared/eval/score_extract.py" --min-f1 0.95 "$cases" -- "$cli" extract --json --today '{today}'
done

step "all tests passed"
