#!/bin/bash
# fuzz.sh [SECONDS] - build the request fuzzer with clang-14 (libFuzzer, ASan,
# UBSan) and run it for SECONDS (default 60) from a small seed corpus.  Exits
# non-zero when the fuzzer finds a crash, a leak, UB or a too-large allocation.
set -eu
secs=${1:-60}
out=build/fuzz
mkdir -p "$out/corpus"
CC=${FUZZ_CC:-clang-14}
PKGS="libuv msgpack rocksdb libsodium"
srcs="$(ls engine/*/*.c | grep -v engine/net/main.c) $(ls handlers/*.c schemas/*.c) tests/fuzz/request_fuzz.c"
# shellcheck disable=SC2046,SC2086
$CC -std=gnu11 -D_GNU_SOURCE -g -O1 -I. -fsanitize=fuzzer,address,undefined \
    $(pkg-config --cflags $PKGS) $srcs -o "$out/request_fuzz" \
    $(pkg-config --libs $PKGS) -lnng -lpthread

seed() { printf "$2" > "$out/corpus/$1"; }
seed stats        '\x82\xa2op\xa5stats\xa5token\xa4rgt_'
seed report       '\x85\xa2op\xabcase.report\xa5token\xa1t\xa3req\xa1r\xa4data\x83\xa7summary\xa1s\xa7subject\x81\xa4name\xa1n\xa8informed\xc3'
seed get          '\x84\xa2op\xa8case.get\xa5token\xa1t\xa4case\xacZVH-00000001\xa6expect\x01'
seed deep         '\x91\x91\x91\x91\x91\x91\x91\x91\xc0'
seed bigmap       '\xdf\xdf\xdf\xdf\xdf\x00\x00\x00\x00\x00'
seed actor        '\x84\xa2op\xacactor.create\xa5token\xa1t\xa3req\xa1q\xa4data\x83\xa2id\xa1a\xa4role\xa7partner\xa3org\xa1o'

# RSS and malloc limits turn an unbounded allocation into a finding.
"$out/request_fuzz" -max_total_time="$secs" -malloc_limit_mb=256 -rss_limit_mb=2048 \
    -timeout=20 -print_final_stats=1 -artifact_prefix="$out/" "$out/corpus"
rm -rf /tmp/regie-fuzz-*
