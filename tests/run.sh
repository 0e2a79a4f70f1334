#!/bin/sh
# run.sh MODE BIN... - run test binaries; each prints "PASS: name" or
# "FAIL: name" per test case.  A binary that dies without saying FAIL counts
# as one failure.  Results go to build/results-MODE.txt; the last line is the
# mode's summary.
set -u
mode=$1; shift
out=build/results-$mode.txt
mkdir -p build
: > "$out"
for bin in "$@"; do
    name=$(basename "$bin")
    log=build/$mode-$name.log
    timeout 900 "$bin" > "$log" 2>&1
    rc=$?
    grep -E '^(PASS|FAIL): ' "$log" | sed -E "s#^(PASS|FAIL): #\1: $mode/$name/#" >> "$out"
    if [ $rc -ne 0 ] && ! grep -q '^FAIL: ' "$log"; then
        echo "FAIL: $mode/$name exited with status $rc" >> "$out"
    fi
    if [ $rc -ne 0 ] || grep -q '^FAIL: ' "$log"; then
        echo "---- $mode/$name failed; its output:"
        tail -40 "$log"
    fi
done
passed=$(grep -c '^PASS: ' "$out")
failed=$(grep -c '^FAIL: ' "$out")
grep '^FAIL: ' "$out"
echo "$mode: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
