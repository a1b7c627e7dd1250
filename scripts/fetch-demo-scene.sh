#!/usr/bin/env bash
# Re-creates resources/demo/L7_ETMs.tif from Debian's r-cran-stars package (without installing R)
# and checks it against the committed copy's checksum.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
apt-get download r-cran-stars
dpkg -x r-cran-stars_*.deb unpacked
src=unpacked/usr/lib/R/site-library/stars/tif/L7_ETMs.tif
want=$(grep -o '`[0-9a-f]\{64\}`' "$here/resources/demo/PROVENANCE.md" | tr -d '`')
got=$(sha256sum "$src" | cut -d' ' -f1)
[ "$want" = "$got" ] || { echo "checksum differs: $got (expected $want)" >&2; exit 1; }
cp "$src" "$here/resources/demo/L7_ETMs.tif"
echo "resources/demo/L7_ETMs.tif: ok"
