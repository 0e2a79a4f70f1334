#!/bin/sh
# check_layers_test.sh - tools/check-layers.sh on small trees of its own,
# built with the real compiler: one that keeps to the layers passes, and
# each way of going up fails naming the crossing: a call from the domain into
# handlers/, a table in schemas/ holding a handler's address (a function
# pointer, no call), an include of a higher layer's header, two files of a
# layer using each other, headers including each other in a circle (three
# of them, which their include guards let build), a folder of engine/ with
# no rank.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
check=$here/tools/check-layers.sh
CC=${CC:-cc}
T=$(mktemp -d "${TMPDIR:-/tmp}/regie-layers-XXXXXX")
trap 'rm -rf "$T"' EXIT
failed=0

# put FILE TEXT: a source file of the tree being built.
put() { mkdir -p "$T/src/$(dirname "$1")"; printf '%s\n' "$2" > "$T/src/$1"; }

# A tree that keeps to the layers: storage < domain = schemas < core <
# handlers, a table in schemas/ naming a domain function.
base() {
    rm -rf "$T/src" "$T/build"
    put engine/storage/buf.c 'int st_len(void) { return 1; }'
    put engine/domain/fold.c 'int st_len(void); int dom_fold(void) { return st_len(); }'
    put engine/domain/fold.h 'int dom_fold(void);'
    put schemas/events.c 'int dom_fold(void); int (*const folds[])(void) = {dom_fold};'
    put engine/core/engine.c 'extern int (*const folds[])(void); int core_run(void) { return folds[0](); }'
    put handlers/step.c 'int core_run(void); int h_step(void) { return core_run(); }'
    put handlers/step.h 'int h_step(void);'
}

# run NAME EXPECTED_STATUS PATTERN: build the tree's objects, run the check
# on it, and compare its status and output.
run() {
    for c in $(cd "$T/src" && find . -name '*.c'); do
        o=$T/build/${c%.c}.o
        mkdir -p "$(dirname "$o")"
        "$CC" -c -o "$o" "$T/src/$c" || { echo "FAIL: $1 (does not build)"; failed=1; return; }
    done
    out=$("$check" "$T/build" "$T/src" 2>&1)
    rc=$?
    if [ "$rc" -eq "$2" ] && printf '%s\n' "$out" | grep -q -- "$3"; then
        echo "PASS: $1"
    else
        echo "FAIL: $1 (status $rc, wanted $2; output:)"
        printf '%s\n' "$out" | sed 's/^/    /'
        failed=1
    fi
}

base
run one_way_passes 0 'one way'

base
put engine/domain/fold.c 'int st_len(void); int h_step(void); int dom_fold(void) { return st_len() + h_step(); }'
run domain_calling_a_handler_fails 1 'engine/domain/fold.c uses h_step from handlers/step.c, a layer above its own'

base
put schemas/bindings.c 'int h_step(void); int (*const bindings[])(void) = {h_step};'
run table_of_handler_pointers_fails 1 'schemas/bindings.c uses h_step from handlers/step.c, a layer above its own'

base
put engine/core/engine.c '#include "../../handlers/step.h"
extern int (*const folds[])(void); int core_run(void) { return folds[0](); }'
run include_from_above_fails 1 'engine/core/engine.c includes handlers/step.h, a layer above its own'

base
put engine/domain/case.c 'int dom_fold(void); int dom_join(void) { return 0; } int dom_apply(void) { return dom_fold(); }'
put engine/domain/fold.c 'int st_len(void); int dom_join(void); int dom_fold(void) { return st_len() + dom_join(); }'
run circle_in_a_layer_fails 1 'use each other (a circle)'

base
put engine/core/state.h '#ifndef STATE_H
#define STATE_H
#include "commit.h"
#endif'
put engine/core/commit.h '#ifndef COMMIT_H
#define COMMIT_H
#include "engine.h"
#endif'
put engine/core/engine.h '#ifndef ENGINE_H
#define ENGINE_H
#include "state.h"
#endif'
put engine/core/engine.c '#include "engine.h"
extern int (*const folds[])(void); int core_run(void) { return folds[0](); }'
run circle_of_headers_fails 1 'engine/core/commit.h and engine/core/engine.h include each other (a circle of headers)'

base
put engine/extra/x.c 'int x(void) { return 0; }'
run unranked_folder_fails 1 'engine/extra/ has no rank'

exit $failed
