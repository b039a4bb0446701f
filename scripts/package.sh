#!/usr/bin/env bash
# Builds the installable desktop app with the Tauri CLI (npm devDependency @tauri-apps/cli of ui/):
# a .deb and an AppImage for Linux, in <target>/release/bundle/. GGML_NATIVE=OFF so that whisper.cpp
# runs on any x86-64 laptop, not only on the CPU of the build machine.
# Usage: scripts/package.sh [deb|appimage|deb,appimage]   (default: both)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source scripts/node-path.sh
export GGML_NATIVE=OFF
export CARGO_TERM_COLOR=never
target=${CARGO_TARGET_DIR:-$root/target}
bundles=${1:-deb,appimage}

[ -x ui/node_modules/.bin/tauri ] || npm --prefix ui ci --no-audit --no-fund
npm --prefix ui run build
# One release build, then each bundle on its own so that one bundler failing (the AppImage one
# fetches its tools at build time) does not hide the other's result.
tauri=ui/node_modules/.bin/tauri
$tauri build --ci --no-bundle
status=0
for b in ${bundles//,/ }; do
  if ! $tauri bundle --ci --bundles "$b"; then
    echo "package: the $b bundler failed (see its output above) / สร้างแพ็กเกจ $b ไม่สำเร็จ" >&2
    status=1
  fi
done

bundle=$target/release/bundle
if [[ $bundles == *deb* ]]; then
  deb=$(ls -t "$bundle"/deb/*.deb 2>/dev/null | head -1 || true)
  if [ -n "$deb" ]; then
    echo "package: $deb"
    dpkg-deb --info "$deb" | sed -n '/Package:/,/Description:/p'
    dpkg-deb -c "$deb"
    dpkg-deb -c "$deb" | grep -q '/usr/bin/banthuek-app$' || { echo "package: the .deb lacks usr/bin/banthuek-app" >&2; status=1; }
  else
    echo "package: no .deb was produced / ไม่ได้ไฟล์ .deb" >&2
    status=1
  fi
fi
if [[ $bundles == *appimage* ]]; then
  appimage=$(ls -t "$bundle"/appimage/*.AppImage 2>/dev/null | head -1 || true)
  if [ -n "$appimage" ]; then
    echo "package: $appimage ($(du -h "$appimage" | cut -f1))"
  else
    echo "package: no AppImage was produced / ไม่ได้ไฟล์ AppImage" >&2
    status=1
  fi
fi
exit $status
