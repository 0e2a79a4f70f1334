#!/bin/sh
# install.sh - install what `make bench-peers` needs from Debian, only
# what is missing: PostgreSQL (server and libpq headers), redis-server and
# hiredis headers, pkg-config.  Non-interactive; `apt-get update` runs once,
# and only when something is missing.  Needs root (or sudo) only then.
#
# Installing the server packages may start the distribution's own PostgreSQL
# and Redis services; the benchmark never uses them: it starts private
# instances on its own ports in a temporary directory.
set -u
PKGS="postgresql libpq-dev redis-server libhiredis-dev pkg-config"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep "install ok installed" >/dev/null || missing="$missing $p"
done
# Also by what is on disk, should the packages come from elsewhere.
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || case "$missing" in *" postgresql"*) ;; *) missing="$missing postgresql";; esac
[ -z "$missing" ] && exit 0

echo "bench-peers: installing missing packages:$missing"
if ! command -v apt-get >/dev/null 2>&1; then
    echo "bench-peers: no apt-get here; install:$missing" >&2
    exit 1
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
        echo "bench-peers: need root to install:$missing (run 'make bench-peers' as root once)" >&2
        exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp /tmp/regie-peers-apt-XXXXXX.log) || exit 1
if ! $SUDO apt-get update -q >"$log" 2>&1; then
    echo "bench-peers: apt-get update failed; see $log" >&2
    tail -5 "$log" >&2
    exit 1
fi
# shellcheck disable=SC2086
if ! $SUDO apt-get install -y -q --no-install-recommends $missing >>"$log" 2>&1; then
    echo "bench-peers: could not install:$missing; see $log" >&2
    tail -5 "$log" >&2
    exit 1
fi
rm -f "$log"
echo "bench-peers: installed:$missing"
