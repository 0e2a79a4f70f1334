#!/bin/sh
# check-layers.sh [BUILD_DIR [ROOT]] - the layers depend one way only
# (ARCHITECTURE.md, "Layers"): lowest first
#
#   storage < domain = schemas < core < replay < services < handlers < net
#
# Every folder of code the engine is built from has a rank: the six of
# engine/, schemas/ (the tables the domain interprets: data of the domain's
# rank, so a table naming a handler is an upward use like any other) and
# handlers/.  A folder of engine/ with no rank fails the check.
#
# Two checks, both from the code itself:
#   1. includes: no file includes a header of a layer above its own, and no
#      headers include each other, directly or through others (include
#      guards would hide such a circle, and the order of its declarations
#      would then depend on which header a file includes first);
#   2. uses, from the built objects (nm): no file uses a symbol defined in a
#      layer above its own, whether it calls it or only takes its address
#      (a function pointer in a table is an undefined symbol of the object
#      that holds the table, as a call is), and no files use each other in
#      a circle (which would tie their folders in a knot).
# Prints each crossing and exits 1 if there is any.  ROOT (default: this
# repository) is where the sources are; tests/integration/check_layers_test.sh
# runs the check on small trees of its own with deliberate upward uses.
set -u
B=${1:-build/release}
case $B in /*) ;; *) B=$(pwd)/$B ;; esac
cd "${2:-$(dirname "$0")/..}" || exit 1

# The one table of ranks (a path's first matching prefix).
RANKS='engine/storage/=0 engine/domain/=1 schemas/=1 engine/core/=2 engine/replay/=3
engine/services/=4 handlers/=5 engine/net/=6'

objs=$(ls "$B"/engine/*/*.o "$B"/handlers/*.o "$B"/schemas/*.o 2>/dev/null)
if [ -z "$objs" ]; then
    echo "check-layers: no objects under $B; build first" >&2
    exit 1
fi
{
    # Folders, includes ("I file included-path-as-written"), then symbols.
    for d in engine/*/; do echo "F $d"; done
    grep -H '^#include "' engine/*/*.[ch] handlers/*.[ch] schemas/*.c 2>/dev/null |
        sed -n 's/^\([^:]*\):#include "\([^"]*\)".*/I \1 \2/p'
    for o in $objs; do
        src=${o#"$B"/}; src=${src%.o}.c
        [ -f "$src" ] || continue        # the object of a file since moved or gone
        nm --defined-only -g "$o" | awk -v f="$src" 'NF==3 {print "D", $3, f}'
        nm -u "$o" | awk -v f="$src" '{print "U", $NF, f}'
    done
} | awk -v ranks="$RANKS" '
BEGIN { nr = split(ranks, rl, /[ \n]+/); for (i = 1; i <= nr; i++) { split(rl[i], p, "="); rdir[i] = p[1]; rnum[i] = p[2] } }
function rank(f,   i) { for (i = 1; i <= nr; i++) if (index(f, rdir[i]) == 1) return rnum[i]; return -1 }
# dir/../x and ./ taken out of a relative path
function norm(p,   n, a, out, k, i) {
    n = split(p, a, "/"); k = 0
    for (i = 1; i <= n; i++) {
        if (a[i] == "." || a[i] == "") continue
        if (a[i] == ".." && k > 0 && out[k] != "..") { k--; continue }
        out[++k] = a[i]
    }
    p = ""; for (i = 1; i <= k; i++) p = p (i > 1 ? "/" : "") out[i]
    return p
}
$1 == "F" { if (rank($2) < 0) { printf "check-layers: %s has no rank (tools/check-layers.sh)\n", $2; fail = 1 } next }
$1 == "I" {
    f = $2; d = f; sub(/\/[^\/]*$/, "", d); t = norm(d "/" $3)
    if (rank(f) >= 0 && rank(t) > rank(f)) {
        printf "check-layers: %s includes %s, a layer above its own\n", f, t
        fail = 1
    }
    # a header including a header: an edge of the graph of headers
    if (f ~ /\.h$/ && t ~ /\.h$/ && !((f, t) in hedge)) {
        hedge[f, t] = 1
        if (!(f in hid)) { hid[f] = ++hn; hname[hn] = f }
        if (!(t in hid)) { hid[t] = ++hn; hname[hn] = t }
        hreach[hid[f], hid[t]] = 1
    }
    next
}
$1 == "D" { def[$2] = $3; next }
$1 == "U" { nu++; us[nu] = $2; uf[nu] = $3 }
END {
    n = 0
    for (i = 1; i <= nu; i++) {
        t = def[us[i]]; f = uf[i]
        if (t == "" || t == f || rank(t) < 0 || rank(f) < 0) continue
        if (rank(t) > rank(f)) {
            printf "check-layers: %s uses %s from %s, a layer above its own\n", f, us[i], t
            fail = 1
        }
        if (!((f, t) in edge)) {
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
    for (k = 1; k <= hn; k++) for (i = 1; i <= hn; i++) if (hreach[i, k])
        for (j = 1; j <= hn; j++) if (hreach[k, j]) hreach[i, j] = 1
    for (i = 1; i <= hn; i++) for (j = i + 1; j <= hn; j++) if (hreach[i, j] && hreach[j, i]) {
        printf "check-layers: %s and %s include each other (a circle of headers)\n", hname[i], hname[j]
        fail = 1
    }
    if (!fail) print "check-layers: one way: storage < domain = schemas < core < replay < services < handlers < net"
    exit fail
}'
