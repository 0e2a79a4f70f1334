#!/bin/sh
# install-deps.sh - install the Debian packages regie needs, only those missing.
# Non-interactive; runs `apt-get update` once before installing anything.
set -u
# make, gcc (cc) and libc6-dev: not on a minimal Debian install (gcc only
# recommends libc6-dev, and recommends are not installed); openssl: the TLS test
# (tests/integration/tls_test.c) makes its certificates with it.
# libmicrohttpd and jansson: the HTTP face (ARCHITECTURE.md, "The HTTP face");
# GnuTLS (libmicrohttpd's TLS): the HTTP face checks client certificates with it.
PKGS="make gcc libc6-dev pkg-config libuv1-dev libnng-dev libmsgpack-dev librocksdb-dev libsodium-dev libjemalloc-dev clang-14 libclang-rt-14-dev openssl libmicrohttpd-dev libjansson-dev libgnutls28-dev"
# --test (make test): what the tests drive the HTTP face with as well: a
# Prometheus text parser, and a real browser (Chromium, its WebDriver and
# Selenium), and curl; man-db: the install test renders the man pages and
# systemd-analyze verify checks that the units' Documentation= pages exist
# (a minimal Debian root has no man).
# npm: axe-core, the browser test's accessibility checker, comes from npm
# (tools/install-axe.sh, after the packages); a machine with its own npm
# (e.g. NodeSource's nodejs) keeps it.
if [ "${1:-}" = --test ]; then
    PKGS="$PKGS python3 python3-prometheus-client python3-selenium chromium chromium-driver curl man-db"
    command -v npm >/dev/null 2>&1 || PKGS="$PKGS npm"
fi
# The browser test's ChromeDriver reaches Chromium (and Selenium reaches
# ChromeDriver) at the name "localhost". A bare root made by debootstrap or
# mmdebstrap has no /etc/hosts, so the name does not resolve and every browser
# session fails with "Can not connect to the Service". Write Debian's own two
# lines when the file is missing; never edit an operator's existing file.
localhost_resolves() {
    getent hosts localhost >/dev/null 2>&1
}
if [ "${1:-}" = --test ] && ! localhost_resolves; then
    if [ ! -e /etc/hosts ] && [ "$(id -u)" = 0 ]; then
        printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' >/etc/hosts
        echo "regie: wrote /etc/hosts (it was missing): the browser test reaches Chromium at localhost"
    fi
    if ! localhost_resolves; then
        echo "regie: the name localhost does not resolve on this machine; the browser test needs it:" >&2
        echo "regie: add '127.0.0.1 localhost' to /etc/hosts" >&2
        exit 1
    fi
fi
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep "install ok installed" >/dev/null || missing="$missing $p"
done
axe() { [ "${1:-}" != --test ] || "$(dirname "$0")/install-axe.sh"; }
[ -z "$missing" ] && { axe "${1:-}"; exit $?; }

echo "regie: installing missing packages:$missing"
SUDO=""
if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
        echo "regie: need root to install:$missing (run 'make deps' as root)" >&2
        exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get update -q >/tmp/regie-apt-update.log 2>&1; then
    echo "regie: apt-get update failed; see /tmp/regie-apt-update.log" >&2
    exit 1
fi
# shellcheck disable=SC2086
if ! $SUDO apt-get install -y -q --no-install-recommends $missing >/tmp/regie-apt-install.log 2>&1; then
    echo "regie: could not install:$missing; see /tmp/regie-apt-install.log" >&2
    tail -5 /tmp/regie-apt-install.log >&2
    exit 1
fi
echo "regie: installed:$missing"
axe "${1:-}"
