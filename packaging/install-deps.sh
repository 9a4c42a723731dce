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
    # The Debian package: CPack finds the binaries with file, their dependencies with
    # dpkg-shlibdeps (dpkg-dev); git names the revision in --version.
    dpkg-dev file git
    # Tests only: libtorch is the independent oracle of the aten kernels.
    libtorch-dev
    # Tests only: JSON outputs against their schemas, and the package's desktop entry, AppStream
    # metadata, MIME types (shared-mime-info, GIO's gio) and manual pages.
    python3-jsonschema desktop-file-utils appstream libxml2-utils shared-mime-info
    libglib2.0-bin man-db
)

run_as_root() {
    if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

export DEBIAN_FRONTEND=noninteractive
run_as_root apt-get update
run_as_root apt-get install -y --no-install-recommends "${packages[@]}"
