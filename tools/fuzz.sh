#!/bin/bash
# fuzz.sh - libFuzzer targets for every decoder of outside input or stored
# bytes (tests/fuzz/*_fuzz.c), built with clang-14 (-fsanitize=fuzzer,
# address,undefined) against the engine compiled once into build/fuzz/.
#
#   fuzz.sh [SECONDS]            each target for a while (default 60 s; the
#                                request target that long, the others half)
#   fuzz.sh --long SECONDS RUNS  each target for RUNS executions or SECONDS,
#                                whichever comes first (make fuzz-long)
#   fuzz.sh --seeds              write tests/fuzz/corpus/ from a real engine
#
# Seeds are kept in tests/fuzz/corpus/<target>/ (read, never written); what
# a run finds goes to build/fuzz/corpus/<target>/.  Exits non-zero when a
# target finds a crash, a leak, UB, a too-large allocation or a timeout;
# the input is left as build/fuzz/<target>-crash-* (or leak-, oom-, ...).
set -eu
mode=short
secs=60
runs=0
case "${1:-}" in
  --long) mode=long; secs=${2:-600}; runs=${3:-10000000} ;;
  --seeds) mode=seeds ;;
  "") ;;
  *) secs=$1 ;;
esac
out=${FUZZ_OUT:-build/fuzz}
mkdir -p "$out/obj" "$out/corpus"
CC=${FUZZ_CC:-clang-14}
PKGS="libuv msgpack rocksdb libsodium libmicrohttpd jansson gnutls"
CFLAGS="-std=gnu11 -D_GNU_SOURCE -g -O1 -I. $(pkg-config --cflags $PKGS)"
LIBS="$(pkg-config --libs $PKGS) -lnng -lpthread"
SAN=address,undefined

# The engine, once: an object is rebuilt when its source or any header is
# newer than it.
srcs="$(ls engine/*/*.c | grep -v engine/net/main.c) $(ls handlers/*.c schemas/*.c)"
newest_h=$(ls -t engine/*/*.h handlers/*.h schemas/*.def 2>/dev/null | sed -n 1p)
build_obj() {
  src=$1; obj=$out/obj/${src//\//_}.o
  if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] || [ "$newest_h" -nt "$obj" ]; then
    # shellcheck disable=SC2086
    $CC $CFLAGS -fsanitize=fuzzer-no-link,$SAN -c "$src" -o "$obj"
  fi
}
export -f build_obj
export CC CFLAGS SAN out newest_h
echo "$srcs" | tr ' ' '\n' | grep . | xargs -P "$(nproc)" -I{} bash -c 'build_obj {}'
# Objects of files that went away must not stay in the library.
for o in "$out"/obj/*.o; do
  s=${o#"$out"/obj/}; s=${s%.o}
  echo "$srcs" | tr ' ' '\n' | sed 's#/#_#g' | grep -x "$s" >/dev/null || rm -f "$o"
done
rm -f "$out/libengine.a"
ar rcs "$out/libengine.a" "$out"/obj/*.o

if [ "$mode" = seeds ]; then
  # shellcheck disable=SC2086
  $CC $CFLAGS -fsanitize=$SAN tests/fuzz/seeds.c "$out/libengine.a" -o "$out/seeds" $LIBS
  "$out/seeds" tests/fuzz/corpus
  exit 0
fi

rc=0
summary=""
for t in request record case idem config person http; do
  src=tests/fuzz/${t}_fuzz.c
  bin=$out/${t}_fuzz
  # shellcheck disable=SC2086
  $CC $CFLAGS -fsanitize=fuzzer,$SAN "$src" "$out/libengine.a" -o "$bin" $LIBS
  mkdir -p "$out/corpus/$t"
  extra=""
  [ "$t" = config ] && extra="-close_fd_mask=2"     # a refused file is named on stderr
  if [ "$mode" = long ]; then
    limits="-runs=$runs -max_total_time=$secs"
  elif [ "$t" = request ]; then
    limits="-max_total_time=$secs"
  else
    limits="-max_total_time=$(( secs / 2 > 1 ? secs / 2 : 1 ))"
  fi
  log=$out/$t.log
  echo "== $t ($limits)"
  # RSS and malloc limits turn an unbounded allocation into a finding.
  # shellcheck disable=SC2086
  if "$bin" $limits -malloc_limit_mb=256 -rss_limit_mb=2048 -timeout=20 -print_final_stats=1 \
       -artifact_prefix="$out/$t-" $extra "$out/corpus/$t" "tests/fuzz/corpus/$t" >"$log" 2>&1; then
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    # UBSan reports without stopping (as libFuzzer builds do): counted and
    # shown, each distinct place once.
    ub=$(grep 'runtime error' "$log" | sort -u | sed 's/^/     UB: /' || true)
    echo "   $execs executions, no crash, leak or timeout${ub:+; UBSan reported:}"
    [ -n "$ub" ] && echo "$ub"
    summary="$summary $t=$execs"
    # The request target must reach the data-subject operations' handlers
    # (its seeds name real actors and cases by alias): each answered ok.
    if [ "$t" = request ]; then
      oks=$(grep -o 'request_fuzz: answered ok:.*' "$log" | tail -1)
      echo "   ${oks:-request_fuzz: no count of answers}"
      if [ -z "$oks" ] || echo "$oks" | grep -q '=0\b'; then
        echo "   FINDING: a data-subject operation was never answered ok (seeds: tests/fuzz/corpus/request)"
        rc=1
        summary="$summary request-subject-ops=FAIL"
      fi
    fi
  else
    echo "   FINDING (see $log):"; tail -30 "$log"; rc=1
    summary="$summary $t=FAIL"
  fi
done
echo "fuzz:$summary"
rm -rf /tmp/regie-fuzz-*
exit $rc
