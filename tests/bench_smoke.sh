#!/bin/sh
# bench_smoke.sh MODE BENCH - run the in-process benchmark code once, short
# (`--quick`): the durable-append comparison and a replay of 200,000 events
# (fold threads, bulk loads).  No figure is checked; the run must finish and
# exit 0.  Appends PASS or FAIL to build/results-MODE.txt.
set -u
mode=$1 bench=$2
log=build/$mode-bench-smoke.log
out=build/results-$mode.txt
if timeout 600 "$bench" --quick --only append > "$log" 2>&1 &&
   timeout 600 "$bench" --quick --only replay >> "$log" 2>&1; then
    echo "PASS: $mode/bench-smoke" >> "$out"
    echo "$mode: bench smoke passed"
else
    echo "FAIL: $mode/bench-smoke" >> "$out"
    echo "---- $mode/bench-smoke failed; its output:"
    tail -40 "$log"
    exit 1
fi
