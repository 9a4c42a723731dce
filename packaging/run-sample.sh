#!/usr/bin/env bash
# Installs dependencies, builds pteron and opens the bundled sample program: in the desktop
# app when a display is available, otherwise as a headless report.
set -euo pipefail
cd "$(dirname "$0")/.."

gui_flag=()
if [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]]; then gui_flag=(--gui); fi
bash packaging/install-deps.sh "${gui_flag[@]}"
cmake --preset release -DPTERON_BUILD_TESTS=OFF
cmake --build --preset release

sample=build/release/samples/sample.pte
if [[ ${#gui_flag[@]} -gt 0 && -x build/release/app/gui/pteron-gui ]]; then
    exec build/release/app/gui/pteron-gui "$sample"
fi
build/release/app/cli/pteron info "$sample"
echo
build/release/app/cli/pteron nodes "$sample"
