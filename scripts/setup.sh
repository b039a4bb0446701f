#!/usr/bin/env bash
# Sets Banthuek up on a fresh Debian 12 machine (as root) and starts it: installs what is missing,
# builds the page and the release binaries, obtains the default speech model, then opens the
# desktop app (or, with no display, the command-line session `banthuek start`).
# Idempotent: run it again to rebuild and start.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export GGML_NATIVE=OFF   # binaries must run on any x86-64 laptop, not just this CPU
export BANTHUEK_MODELS=${BANTHUEK_MODELS:-$root/models}
target=${CARGO_TARGET_DIR:-$root/target}

bash scripts/setup-deps.sh
source scripts/node-path.sh

# The app embeds ui/dist when it is compiled, so the page is built first.
npm --prefix ui ci --no-audit --no-fund
npm --prefix ui run build
cargo build --release -p banthuek-cli -p banthuek-app
if [ -x scripts/get-models.sh ]; then
  bash scripts/get-models.sh "$target/release/banthuek"
fi

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec "$target/release/banthuek-app"
fi
echo "setup: no display (DISPLAY is not set): starting the command-line session instead of the desktop app." >&2
echo "setup: ไม่พบหน้าจอ (ไม่ได้ตั้งค่า DISPLAY) จึงเริ่มแบบบรรทัดคำสั่งแทนแอปเดสก์ท็อป" >&2
exec "$target/release/banthuek" start
