#!/usr/bin/env bash
# Builds the Debian package build/deb/pteron_VERSION_ARCH.deb from this checkout: installs the
# build dependencies, builds the applications (no tests) and packs them with CPack.
set -euo pipefail
cd "$(dirname "$0")/.."

bash packaging/install-deps.sh
cmake --preset app
cmake --build --preset app
cpack --preset deb
ls -l build/deb/pteron_*.deb
