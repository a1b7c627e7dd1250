#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite (what CI runs).
source "$(dirname "$0")/common.sh"
satgpt_install_deps
satgpt_build
export QT_QPA_PLATFORM=offscreen
ctest --test-dir "$SATGPT_BUILD" --output-on-failure -j "${SATGPT_TEST_JOBS:-2}" --timeout 1500
