#!/usr/bin/env bash
# Installs what cardveil needs on this machine, then builds it.
#   - the system Hyperscan library and headers (libhyperscan-dev), via apt-get on Debian/Ubuntu;
#   - cmake and a C++ compiler when missing;
#   - npm dependencies (npm ci), the native addon (cmake-js) and the TypeScript build (dist/).
# Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

need_pkgs=()
[ -f /usr/include/hs/hs.h ] || need_pkgs+=(libhyperscan-dev)
command -v cmake >/dev/null 2>&1 || need_pkgs+=(cmake)
command -v g++ >/dev/null 2>&1 || need_pkgs+=(g++)
command -v pkg-config >/dev/null 2>&1 || need_pkgs+=(pkg-config)

if [ ${#need_pkgs[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    echo "cardveil setup: installing ${need_pkgs[*]} with apt-get" >&2
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
  else
    echo "cardveil setup: missing system packages: ${need_pkgs[*]}" >&2
    echo "  Install Hyperscan's development files (Debian/Ubuntu: libhyperscan-dev; Fedora: hyperscan-devel;" >&2
    echo "  Homebrew: vectorscan) plus cmake and a C++17 compiler, then run this script again." >&2
    echo "  Without them cardveil still runs on its pure-JavaScript engine (slower)." >&2
    exit 1
  fi
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run compile
