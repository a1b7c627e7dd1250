#!/usr/bin/env bash
# Installs what is missing, builds, and launches the workbench on the bundled demo scene.
# Extra arguments are passed to the workbench (e.g. other scenes to open).
source "$(dirname "$0")/common.sh"
satgpt_install_deps
satgpt_build
if [ $# -eq 0 ]; then
  # The demo project: the Landsat 7 scene with a few labelled regions.
  set -- "$SATGPT_ROOT/resources/demo/demo.satgpt"
fi
exec "$SATGPT_BUILD/app/satgpt-workbench" "$@"
