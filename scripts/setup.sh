#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine with the Swift toolchain lacks, then builds
# the `longlora` binary in release mode. Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# Native libraries, gnuplot, and the Debian packages the built-in corpora are made from.
packages=(pkg-config libopenblas-dev libhdf5-dev hdf5-tools zlib1g-dev gnuplot-nox
          bible-kjv bible-kjv-text dict-devil metamath-databases)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
updated=0
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    $sudo apt-get update -qq
    updated=1
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# HOL Light sources for proof-pile-mini: unpack the package without installing its
# OCaml toolchain dependencies (we only read the .ml files).
hol=data/debian/hol-light
if [ ! -d "$hol/usr/share/hol-light" ]; then
    [ $updated -eq 1 ] || $sudo apt-get update -qq
    tmp=$(mktemp -d)
    (cd "$tmp" && apt-get download -qq hol-light)
    rm -rf "$hol.partial" && mkdir -p "$hol.partial"
    dpkg -x "$tmp"/hol-light_*.deb "$hol.partial"
    dpkg-deb -f "$tmp"/hol-light_*.deb Version > "$hol.partial/VERSION"
    rm -rf "$hol" && mv "$hol.partial" "$hol"
    rm -rf "$tmp"
fi

swift build -c release
echo "setup: done; binary at .build/release/longlora"
