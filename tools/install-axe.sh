#!/bin/sh
# install-axe.sh - axe-core, the accessibility checker the browser test runs
# on every page (WCAG 2.1 AA), from npm into build/npm/ (never into the
# repository); nothing to do when it is there.  Needs npm (make deps-test).
set -u
cd "$(dirname "$0")/.." || exit 1
AXE_VERSION=4.14.1
[ -f build/npm/node_modules/axe-core/axe.min.js ] &&
  grep -q "\"version\": \"$AXE_VERSION\"" build/npm/node_modules/axe-core/package.json && exit 0
if ! command -v npm >/dev/null 2>&1; then
    echo "regie: npm is missing (make deps-test installs it)" >&2
    exit 1
fi
mkdir -p build/npm
if ! npm install --no-audit --no-fund --no-save --prefix build/npm "axe-core@$AXE_VERSION" >build/npm/install.log 2>&1; then
    echo "regie: could not install axe-core from npm; see build/npm/install.log" >&2
    tail -5 build/npm/install.log >&2
    exit 1
fi
echo "regie: installed axe-core $AXE_VERSION in build/npm"
