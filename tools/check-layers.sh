#!/bin/sh
# check-layers.sh BUILD_DIR - the layers of engine/ depend one way only
# (ARCHITECTURE.md, "Layers"): lowest first
#
#   storage < domain < core < replay < services < handlers < net
#
# Two checks, both from the code itself:
#   1. includes: no file includes a header of a layer above its own;
#   2. calls: from the built objects (nm), no file uses a symbol defined in a
#      layer above its own, and no files of engine/ use each other in a
#      circle.  The tables in schemas/ are data the layers interpret (each
#      layer declares the table shape it reads); references to them are
#      not dependencies, and schemas/ itself binds names to handlers.
# Prints each crossing and exits 1 if there is any.
set -u
B=${1:-build/release}
cd "$(dirname "$0")/.."

rank() {
    case $1 in
    engine/storage/*) echo 0 ;; engine/domain/*) echo 1 ;; engine/core/*) echo 2 ;;
    engine/replay/*) echo 3 ;; engine/services/*) echo 4 ;; handlers/*) echo 5 ;;
    engine/net/*) echo 6 ;; *) echo 9 ;;
    esac
}

fail=0
# 1. includes
for f in engine/*/*.[ch] handlers/*.[ch]; do
    r=$(rank "$f")
    d=$(dirname "$f")
    for inc in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
        t=$(realpath -m --relative-to=. "$d/$inc")
        case $t in engine/*|handlers/*) ;; *) continue ;; esac
        rt=$(rank "$t")
        if [ "$rt" -gt "$r" ] && [ "$rt" -ne 9 ]; then
            echo "check-layers: $f includes $t, a layer above its own"
            fail=1
        fi
    done
done

# 2. calls, from the objects
objs=$(ls "$B"/engine/*/*.o "$B"/handlers/*.o 2>/dev/null)
if [ -z "$objs" ]; then
    echo "check-layers: no objects under $B; build first" >&2
    exit 1
fi
for o in $objs; do
    src=${o#"$B"/}; src=${src%.o}.c
    nm --defined-only -g "$o" | awk -v f="$src" 'NF==3 {print "D", $3, f}'
    nm -u "$o" | awk -v f="$src" '{print "U", $NF, f}'
done | awk -v fail="$fail" '
function rank(f) {
    if (f ~ /^engine\/storage\//) return 0; if (f ~ /^engine\/domain\//) return 1
    if (f ~ /^engine\/core\//) return 2;    if (f ~ /^engine\/replay\//) return 3
    if (f ~ /^engine\/services\//) return 4; if (f ~ /^handlers\//) return 5
    if (f ~ /^engine\/net\//) return 6; return 9
}
$1 == "D" { def[$2] = $3; next }
$1 == "U" { nu++; us[nu] = $2; uf[nu] = $3 }
END {
    n = 0
    for (i = 1; i <= nu; i++) {
        t = def[us[i]]; f = uf[i]
        if (t == "" || t == f) continue
        if (rank(t) > rank(f) && rank(t) != 9) {
            printf "check-layers: %s uses %s from %s, a layer above its own\n", f, us[i], t
            fail = 1
        }
        if (f ~ /^engine\// && t ~ /^engine\// && !((f, t) in edge)) {
            edge[f, t] = 1
            if (!(f in id)) { id[f] = ++n; name[n] = f }
            if (!(t in id)) { id[t] = ++n; name[n] = t }
            reach[id[f], id[t]] = 1
        }
    }
    for (k = 1; k <= n; k++) for (i = 1; i <= n; i++) if (reach[i, k])
        for (j = 1; j <= n; j++) if (reach[k, j]) reach[i, j] = 1
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (reach[i, j] && reach[j, i]) {
        printf "check-layers: %s and %s use each other (a circle)\n", name[i], name[j]
        fail = 1
    }
    exit fail
}'
r=$?
[ $r -ne 0 ] && fail=1
[ $fail -eq 0 ] && echo "check-layers: engine/ depends one way: storage < domain < core < replay < services < handlers < net"
exit $fail
