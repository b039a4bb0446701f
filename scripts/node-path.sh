# Sourced by the scripts: puts the project-local Node (.tools/node, installed by setup-deps.sh when
# the system's Node is older than Vite needs) and cargo-installed tools (tauri-driver) on PATH.
_banthuek_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ -x "$_banthuek_root/.tools/node/bin/node" ]; then
  export PATH="$_banthuek_root/.tools/node/bin:$PATH"
fi
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
unset _banthuek_root
