#!/usr/bin/env bash
# Installs the Debian 12 packages pteron builds and tests with. Run as root (or with sudo).
set -euo pipefail

packages=(
    build-essential cmake ninja-build ccache pkg-config
    libflatbuffers-dev flatbuffers-compiler
    nlohmann-json3-dev
    catch2
    libgraphviz-dev
    libonnx-dev libprotobuf-dev protobuf-compiler
    zlib1g-dev
    qt6-base-dev qt6-svg-dev libgl-dev
    # Tests only: libtorch is the independent oracle of the aten kernels.
    libtorch-dev
)

run_as_root() {
    if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

export DEBIAN_FRONTEND=noninteractive
run_as_root apt-get update
run_as_root apt-get install -y --no-install-recommends "${packages[@]}"
