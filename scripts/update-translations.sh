#!/usr/bin/env bash
# Refreshes translations/*.ts from every tr() in app/, widgets/ and core/ (run after changing UI text,
# then translate with Qt Linguist). The build compiles them with lrelease and embeds them.
set -euo pipefail
cd "$(dirname "$0")/.."
LUPDATE=${LUPDATE:-/usr/lib/qt6/bin/lupdate}
# -I . resolves the root-relative includes, so classes get their namespaced context (satgpt::ChatPanel).
"$LUPDATE" -I . -locations relative -no-obsolete app widgets core -ts translations/satgpt_en.ts translations/satgpt_th.ts translations/satgpt_de.ts
