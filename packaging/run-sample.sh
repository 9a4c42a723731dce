#!/usr/bin/env bash
# Installs dependencies, builds pteron and opens the bundled sample program: in the desktop
# app when a display is available, otherwise as a headless report.
set -euo pipefail
cd "$(dirname "$0")/.."

bash packaging/install-deps.sh
cmake --preset app
cmake --build --preset app

sample=build/app/samples/sample.pte
if [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" && -x build/app/app/gui/pteron-gui ]]; then
    exec build/app/app/gui/pteron-gui "$sample"
fi
build/app/app/cli/pteron info "$sample"
echo
build/app/app/cli/pteron nodes "$sample"
