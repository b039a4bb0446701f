#!/usr/bin/env bash
# Installs every system and Python package Banthuek needs to build and test, on Debian 12, as root.
# Idempotent: installs only what is missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

apt_packages=(
  build-essential pkg-config perl make cmake clang libclang-dev     # whisper.cpp, SQLCipher, OpenSSL
  python3 python3-venv python3-pip                                   # model download, eval, pyHanko
  poppler-utils sqlite3                                              # PDF and database checks in tests
  pulseaudio pulseaudio-utils alsa-utils libasound2-dev libasound2-plugins  # capture, virtual microphone
  ffmpeg sox                                                         # test audio composition
  xvfb fonts-tlwg-laksaman-ttf                                       # real-window tests, Thai font
)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: Rust (cargo ≥ 1.89, from rustup) is required and was not found / ต้องติดตั้ง Rust ก่อน" >&2
  exit 1
fi

# Python tools live in a project-local virtual environment, never in the system Python.
venv="$root/.venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
want_py=(pyhanko==0.38.0 pyhanko-cli==0.6.0)
if ! "$venv/bin/python" -c "import pyhanko_cli" >/dev/null 2>&1; then
  "$venv/bin/pip" install -q --disable-pip-version-check "${want_py[@]}"
fi
