#!/bin/sh
# fresh_build_check.sh [DIR] - does a machine without the build dependencies
# build in the same `make` that installs them (issue 15)?  DIR defaults to
# this checkout.
#
# A copy of the tree (without build/, bin/, .git) in a temporary directory,
# built by each target that installs the packages (`make demo`, `make bench`,
# `make test`, `make bench-peers`, and `make -j4 demo`), with fakes first in
# PATH: a pkg-config that prints nothing and fails until the packages are
# "installed", as on a fresh machine; a cc and an ar that only log and write
# empty outputs (a linked program is a script that exits 0).  Every shell
# script in the copy is a stub that exits 0; tools/install-deps.sh's stub is
# the "install".  Every compile must then carry pkg-config's --cflags, every
# link its --libs.  A Makefile that asks pkg-config when it is read, before
# the install, fails here.  A few seconds; needs /usr/include/nng/nng.h, which
# deps-check looks for (`make test` installs it first).
set -u
src=$(cd "${1:-$(dirname "$0")/..}" && pwd) || exit 1
if [ ! -f /usr/include/nng/nng.h ]; then
    echo "fresh-build-check: run 'make deps' first (the Makefile's deps-check looks for /usr/include/nng/nng.h)" >&2
    exit 1
fi
tmp=$(mktemp -d /tmp/regie-fresh.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
fake=$tmp/fake tree=$tmp/tree state=$tmp/state
mkdir -p "$fake" "$tree" "$state"
(cd "$src" && tar -cf - --exclude=./build --exclude=./bin --exclude=./.git --exclude='./demo-data*' .) |
    (cd "$tree" && tar -xf -) || exit 1

cat > "$fake/pkg-config" <<EOF
#!/bin/sh
[ -e "$state/installed" ] || exit 1
out=""
for a; do
    case \$a in
    --cflags) out="\$out -DREGIE_FRESH_CFLAGS" ;;
    --libs) out="\$out -lregie_fresh_libs" ;;
    esac
done
[ -z "\$out" ] || echo "\$out"
EOF
cat > "$fake/cc" <<EOF
#!/bin/sh
echo "\$*" >> "$state/cc.log"
out="" c="" prev=""
for a; do
    [ "\$prev" = -o ] && out=\$a
    [ "\$a" = -c ] && c=1
    prev=\$a
done
[ -n "\$out" ] || exit 0
mkdir -p "\$(dirname "\$out")"
if [ -n "\$c" ]; then : > "\$out"; else printf '#!/bin/sh\nexit 0\n' > "\$out"; chmod +x "\$out"; fi
EOF
cat > "$fake/ar" <<'EOF'
#!/bin/sh
mkdir -p "$(dirname "$2")" && : > "$2"
EOF
chmod +x "$fake/pkg-config" "$fake/cc" "$fake/ar"
find "$tree" -name '*.sh' | while read -r f; do printf '#!/bin/sh\nexit 0\n' > "$f"; done
printf '#!/bin/sh\ntouch "%s/installed"\n' "$state" > "$tree/tools/install-deps.sh"

fails=0
check() {
    rm -rf "$tree/build" "$tree/bin" "$state/installed"
    : > "$state/cc.log"
    if ! env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES PATH="$fake:$PATH" CC="$fake/cc" \
         make -C "$tree" --no-print-directory "$@" > "$state/make.log" 2>&1; then
        echo "FAIL: make $*: exited non-zero on a machine without the packages; its output:"
        tail -15 "$state/make.log"
        fails=$((fails + 1)); return
    fi
    n_cc=$(grep -c -- ' -c ' "$state/cc.log")
    n_ld=$(grep -vc -- ' -c ' "$state/cc.log")
    bad_cc=$(grep -- ' -c ' "$state/cc.log" | grep -vc -- '-DREGIE_FRESH_CFLAGS')
    bad_ld=$(grep -v -- ' -c ' "$state/cc.log" | grep -vc -- '-lregie_fresh_libs')
    if [ "$n_cc" -eq 0 ] || [ "$n_ld" -eq 0 ]; then
        echo "FAIL: make $*: built nothing ($n_cc compiles, $n_ld links)"
        fails=$((fails + 1))
    elif [ "$bad_cc" -ne 0 ] || [ "$bad_ld" -ne 0 ]; then
        echo "FAIL: make $*: pkg-config was asked before the install:" \
             "$bad_cc of $n_cc compiles without its --cflags, $bad_ld of $n_ld links without its --libs, e.g.:"
        { grep -- ' -c ' "$state/cc.log" | grep -v -- '-DREGIE_FRESH_CFLAGS' | sed -n 1p
          grep -v -- ' -c ' "$state/cc.log" | grep -v -- '-lregie_fresh_libs' | sed -n 1p; } | cut -c1-300 | sed 's/^/    cc /'
        fails=$((fails + 1))
    else
        echo "ok: make $*: $n_cc compiles and $n_ld links, all with the flags pkg-config gives after the install"
    fi
}
check demo
check bench
check test
check bench-peers
check -j4 demo
[ "$fails" -eq 0 ]
