# Sourced by workbench.sh and test.sh: installs what is missing (Debian 12 / Ubuntu 24.04), then
# configures and builds into ./build with ccache. Safe to run again: it only does what is needed.
set -euo pipefail

SATGPT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SATGPT_BUILD=${SATGPT_BUILD:-$SATGPT_ROOT/build}

SATGPT_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config
  qt6-base-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools libqt6svg6-dev qt6-translations-l10n
  libtorch-dev libgloo-dev libopenblas0-openmp
  libgdal-dev gdal-bin libopencv-dev libqcustomplot-dev nlohmann-json3-dev zlib1g-dev
  xvfb xauth imagemagick poppler-utils file dpkg-dev
)

satgpt_install_deps() {
  local missing=()
  for p in "${SATGPT_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$p")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

satgpt_build() {
  export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
  # The ML library uses a precompiled header; ccache may only reuse it with this sloppiness.
  export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
  # Paths relative to the checkout let a fresh clone in another folder reuse the cache.
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$SATGPT_ROOT}
  local jobs=${SATGPT_JOBS:-$(nproc)}
  cmake -S "$SATGPT_ROOT" -B "$SATGPT_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
  cmake --build "$SATGPT_BUILD" -j "$jobs"
}
