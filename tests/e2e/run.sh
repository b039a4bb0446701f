#!/usr/bin/env bash
# Runs a command (default: the real-window tests) inside the environment they need: an X server
# (Xvfb), a PulseAudio virtual microphone, tauri-driver and WebKitWebDriver on PATH. Everything
# started here is stopped on exit. Usage: tests/e2e/run.sh [node all.mjs | node bench.mjs | ...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$root/scripts/node-path.sh"
for tool in Xvfb tauri-driver WebKitWebDriver paplay pactl node python3 ffmpeg; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "e2e: $tool is missing: run scripts/setup-deps.sh / ไม่พบ $tool" >&2
    exit 1
  }
done
(($#)) || set -- node all.mjs

pids=()
pulse_pid=
runtime=
# Everything the run writes (the tests' data homes with their records, composed audio, logs) goes
# in one folder of its own, removed when the run passes and kept for reading when it fails.
scratch=$(mktemp -d "${TMPDIR:-/tmp}/banthuek-e2e.XXXXXX")
export TMPDIR=$scratch
cleanup() {
  local status=$?
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "$pulse_pid" ] && kill "$pulse_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  [ -n "$runtime" ] && rm -rf "$runtime" || true
  if [ "$status" = 0 ]; then
    rm -rf "$scratch"
  else
    echo "e2e: the run's data homes and logs are kept in $scratch / เก็บข้อมูลการทดสอบไว้ที่ $scratch" >&2
  fi
}
trap cleanup EXIT INT TERM

# An X display of our own (the first free one from :90).
display=90
while [ -e "/tmp/.X11-unix/X$display" ] || [ -e "/tmp/.X$display-lock" ]; do display=$((display + 1)); done
export DISPLAY=":$display"
Xvfb "$DISPLAY" -screen 0 1366x900x24 -nolisten tcp >"$TMPDIR/xvfb.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$display" ] && break; sleep 0.1; done
[ -e "/tmp/.X11-unix/X$display" ] || { echo "e2e: Xvfb did not start on $DISPLAY" >&2; exit 1; }

# A PulseAudio virtual microphone of our own: a private runtime directory gives a separate daemon,
# so other tests using a virtual microphone at the same time neither hear our speech nor stop it.
runtime=$(mktemp -d "$TMPDIR/xdg.XXXXXX")
chmod 700 "$runtime"
export XDG_RUNTIME_DIR=$runtime
bash "$root/crates/speech/tests/virtual-mic.sh"
pulse_pid=$(cat "$XDG_RUNTIME_DIR/pulse/pid" 2>/dev/null || true)

cd "$here"
"$@"
