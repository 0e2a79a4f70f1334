# regie - one non-recursive Makefile.
#
#   make             bin/regied and bin/regie
#   make deps        install missing Debian packages (apt-get, non-interactive)
#   make test        deps, build, every test; then all of it again under ASan+UBSan;
#                    then a short fuzz run and a check that a fresh machine builds
#   make asan        the test suite under AddressSanitizer + UndefinedBehaviorSanitizer
#   make fuzz        run the request-decoder fuzzer for a while (FUZZ_SECONDS)
#   make demo        start an engine on ./demo-data and drive cases through it
#   make bench       benchmarks, each figure beside its baseline (QUICK=1: short)
#   make check-layers  the code depends one way, by layer (also part of make test)
#   make install     PREFIX=/usr/local DESTDIR=

PREFIX ?= /usr/local
DESTDIR ?=
CC ?= cc
PKGS := libuv msgpack rocksdb libsodium libmicrohttpd jansson gnutls

# Without the packages (before `make deps`), pkg-config prints nothing; the
# targets that need them depend on deps-check, which says what to do.  The
# flags are asked for when a recipe uses them (`=`, not `:=`), never when the
# Makefile is read: the targets that install the packages (demo, bench, test)
# do so first and then build in a second make (tests/fresh_build_check.sh).
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lnng -lpthread

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter
BASE_CFLAGS = -std=gnu11 -D_GNU_SOURCE -g $(WARN) $(PKG_CFLAGS) -I.

MODE ?= release
ifeq ($(MODE),asan)
  MODE_CFLAGS := -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
  MODE_LDFLAGS := -fsanitize=address,undefined
else
  MODE_CFLAGS := -O2
  MODE_LDFLAGS :=
  # The engine allocates and frees many small and some very large blocks
  # per command and commit; glibc's malloc took a fifth of its CPU under
  # load, jemalloc (also RocksDB's choice) much less.  Not under ASan, which
  # brings its own allocator.
  ALLOC_LIBS := -ljemalloc
endif
CFLAGS_ALL = $(BASE_CFLAGS) $(MODE_CFLAGS) $(CFLAGS)
B := build/$(MODE)

# engine/ by layer, lowest first (ARCHITECTURE.md; `make check-layers`).
LAYERS := storage domain core services replay net
ENGINE_SRC := $(foreach l,$(LAYERS),$(wildcard engine/$(l)/*.c))
ENGINE_HDR := $(foreach l,$(LAYERS),$(wildcard engine/$(l)/*.h))
LIB_SRC := $(filter-out engine/net/main.c,$(ENGINE_SRC)) $(wildcard handlers/*.c) $(wildcard schemas/*.c)
CLIENT_SRC := tools/client.c
LIB_OBJ := $(LIB_SRC:%.c=$(B)/%.o)
CLIENT_OBJ := $(CLIENT_SRC:%.c=$(B)/%.o)
# The one test list (tests/list.mk): make test runs exactly it; a test file
# not on it fails the suite, named.
include tests/list.mk
UNIT_SRC := $(UNIT_TESTS:%=tests/unit/%_test.c)
INTEG_SRC := $(INTEG_TESTS:%=tests/integration/%_test.c)
UNLISTED := $(filter-out $(UNIT_SRC) $(INTEG_SRC),$(wildcard tests/unit/*_test.c tests/integration/*_test.c))
# Every module (each .c of engine/ and handlers/ but main.c) has a test named
# after it (issue 24): one missing fails the suite, named.
MODULES := $(basename $(notdir $(filter-out engine/net/main.c,$(ENGINE_SRC)) $(wildcard handlers/*.c)))
TESTED := $(UNIT_TESTS) $(INTEG_TESTS) $(patsubst %_test.sh,%,$(notdir $(SHELL_TESTS) $(SHELL_TESTS_RELEASE)))
UNTESTED := $(sort $(filter-out $(TESTED),$(MODULES)))
TEST_BINS := $(UNIT_SRC:%.c=$(B)/%) $(INTEG_SRC:%.c=$(B)/%)
ifeq ($(MODE),release)
  TEST_BINS += $(SHELL_TESTS_RELEASE)
endif
TEST_BINS += $(SHELL_TESTS)
TEST_BINS += $(LINK_TESTS:%=$(B)/tests/link/%_test)
TEST_HELP_OBJ := $(B)/tests/harness.o

ifeq ($(MODE),release)
  BIN := bin
else
  BIN := $(B)/bin
endif

.SECONDARY:
.PHONY: all deps deps-test deps-check test test-suite asan fuzz fuzz-long torture demo bench install clean check-layers

all: deps-check $(BIN)/regied $(BIN)/regie $(BIN)/regie-sim $(BIN)/regie-verify

deps:
	@tools/install-deps.sh

# make test also installs what the tests use (a browser, a Prometheus parser).
deps-test:
	@tools/install-deps.sh --test

deps-check:
	@pkg-config --exists $(PKGS) jemalloc && test -f /usr/include/nng/nng.h || \
	  { echo "regie: build dependencies are missing; run 'make deps' (needs root)"; exit 1; }

$(B)/%.o: %.c $(ENGINE_HDR) $(wildcard handlers/*.h schemas/*.def tools/*.h tests/*.h)
	@mkdir -p $(dir $@)
	@echo "  CC $<"
	@$(CC) $(CFLAGS_ALL) -c $< -o $@

# Made anew each time: `ar r` would keep members of files that moved or went.
$(B)/librg.a: $(LIB_OBJ)
	@mkdir -p $(dir $@)
	@rm -f $@
	@ar rcs $@ $^

$(BIN)/regied: $(B)/engine/net/main.o $(B)/librg.a
	@mkdir -p $(dir $@)
	@echo "  LD $@"
	@$(CC) $(MODE_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(ALLOC_LIBS)

# The `regie` client links the contract tables (operations, fields, names),
# the codec and the socket helper: not RocksDB, not the engine.
REGIE_SRC := tools/regie.c tools/cli.c tools/follow.c tools/render.c tools/verify.c
CONTRACT_SRC := schemas/ops.c engine/domain/contract.c engine/storage/buf.c engine/storage/codec.c \
                engine/storage/errors.c engine/net/net.c engine/domain/calendar.c schemas/holidays.c \
                engine/storage/merkle.c
CLIENT_LIBS = $(shell pkg-config --libs msgpack 2>/dev/null) -lnng -lpthread -lsodium
$(BIN)/regie: $(REGIE_SRC:%.c=$(B)/%.o) $(CLIENT_OBJ) $(CONTRACT_SRC:%.c=$(B)/%.o)
	@mkdir -p $(dir $@)
	@echo "  LD $@"
	@$(CC) $(MODE_LDFLAGS) -o $@ $^ $(CLIENT_LIBS)

# regie-verify, the supervisor's standalone tool: the client's checks of
# heads and proofs, and a backup directory read through RocksDB (so not in
# the client).
VERIFY_SRC := tools/verify_main.c tools/verify.c tools/verify_backup.c
$(BIN)/regie-verify: $(VERIFY_SRC:%.c=$(B)/%.o) $(B)/librg.a
	@mkdir -p $(dir $@)
	@echo "  LD $@"
	@$(CC) $(MODE_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BIN)/regie-sim: $(B)/tools/sim.o $(B)/tools/render.o $(CLIENT_OBJ) $(B)/librg.a
	@mkdir -p $(dir $@)
	@echo "  LD $@"
	@$(CC) $(MODE_LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm

$(B)/tests/%: tests/%.c $(TEST_HELP_OBJ) $(CLIENT_OBJ) $(B)/librg.a $(wildcard tests/*.h tests/*/*.h tests/model/*.c)
	@mkdir -p $(dir $@)
	@echo "  LD $@"
	@$(CC) $(CFLAGS_ALL) -o $@ $(filter-out %.h tests/model/%.c,$^) $(MODE_LDFLAGS) $(PKG_LIBS)

# Every object of storage, domain, schemas, core and replay, named one by
# one (not the library, from which the linker would take only what is used):
# the program links only if none of them uses handlers/, services/ or net/.
BELOW_HANDLERS_OBJ := $(filter $(B)/engine/storage/% $(B)/engine/domain/% $(B)/schemas/% \
                        $(B)/engine/core/% $(B)/engine/replay/%,$(LIB_OBJ))
$(B)/tests/link/below_handlers_test: tests/link/below_handlers_test.c $(BELOW_HANDLERS_OBJ)
	@mkdir -p $(dir $@)
	@echo "  LD $@"
	@$(CC) $(CFLAGS_ALL) -o $@ $^ $(MODE_LDFLAGS) $(PKG_LIBS)

# The suite of one MODE: builds everything, runs every test binary, then a
# short run of the in-process benchmark code (no figure checked).
test-suite: all $(TEST_BINS) $(BIN)/regie-bench
	@REGIED=$(abspath $(BIN)/regied) REGIE=$(abspath $(BIN)/regie) REGIE_SIM=$(abspath $(BIN)/regie-sim) REGIE_VERIFY=$(abspath $(BIN)/regie-verify) tests/run.sh $(MODE) $(TEST_BINS); r=$$?; \
	 for t in $(UNLISTED); do echo "FAIL: $(MODE)/$$t is not in tests/list.mk" | tee -a build/results-$(MODE).txt; r=1; done; \
	 for m in $(UNTESTED); do echo "FAIL: $(MODE)/module $$m has no test of its own ($${m}_test in tests/list.mk)" | tee -a build/results-$(MODE).txt; r=1; done; \
	 if tools/check-layers.sh $(B) >$(B)/check-layers.log 2>&1; then echo "PASS: $(MODE)/check-layers" >> build/results-$(MODE).txt; \
	 else echo "FAIL: $(MODE)/check-layers" >> build/results-$(MODE).txt; cat $(B)/check-layers.log; r=1; fi; \
	 tests/bench_smoke.sh $(MODE) $(abspath $(BIN)/regie-bench) || r=1; exit $$r

# engine/, schemas/ and handlers/ depend one way, by layer
# (tools/check-layers.sh), and the check fails on an upward use (its own
# test); both also in make test.
check-layers: all
	@tools/check-layers.sh $(B) && tests/integration/check_layers_test.sh

asan:
	@$(MAKE) --no-print-directory MODE=asan test-suite

fuzz: deps-check
	@tools/fuzz.sh $(or $(FUZZ_SECONDS),60)

# make fuzz-long: every decoder's fuzzer for FUZZ_RUNS executions each (default
# 10M) or FUZZ_LONG_SECONDS (default 600) each, whichever comes first.
fuzz-long: deps-check
	@tools/fuzz.sh --long $(or $(FUZZ_LONG_SECONDS),600) $(or $(FUZZ_RUNS),10000000)

# make torture: the kill -9 loop (100 cycles) and the I/O fault sweep against
# the real regied (tools/torture/, RELIABILITY.md); not part of make test,
# which runs a short version (tests/integration/torture_test.c).
TORTURE_SRC := tools/torture/main.c tools/torture/proc.c tools/torture/kill.c tools/torture/check.c \
               tools/torture/faults.c
$(BIN)/regie-torture: $(TORTURE_SRC:%.c=$(B)/%.o) $(CLIENT_OBJ) $(B)/librg.a
	@mkdir -p $(dir $@)
	@echo "  LD $@"
	@$(CC) $(MODE_LDFLAGS) -o $@ $^ $(PKG_LIBS) -lpthread
# The fault shim is preloaded into regied: no sanitizer of its own, and no
# library it does not use (--as-needed drops those of the common line).
$(BIN)/faultfs.so: tools/torture/faultfs.c
	@mkdir -p $(dir $@)
	@echo "  CC $@"
	@$(CC) -std=gnu11 -O2 -g $(WARN) -shared -fPIC -o $@ $< -Wl,--as-needed $(PKG_LIBS) -ldl
test-suite: $(BIN)/regie-torture $(BIN)/faultfs.so
torture: deps
	@$(MAKE) --no-print-directory all $(BIN)/regie-torture $(BIN)/faultfs.so
	@$(BIN)/regie-torture --regied $(BIN)/regied --cycles $(or $(CYCLES),100) --clients $(or $(CLIENTS),8) \
	  --faultfs $(abspath $(BIN)/faultfs.so) --fault-steps $(or $(FAULT_STEPS),120) $(if $(SEED),--seed $(SEED))

test: deps-test
	@rm -f build/results-*.txt
	@$(MAKE) --no-print-directory MODE=release test-suite; r1=$$?; \
	 $(MAKE) --no-print-directory MODE=asan test-suite; r2=$$?; \
	 tools/fuzz.sh 20 >build/fuzz.log 2>&1; r3=$$?; \
	 if [ $$r3 -eq 0 ]; then echo "PASS: fuzz-request-decoder" >> build/results-fuzz.txt; \
	 else echo "FAIL: fuzz-request-decoder (see build/fuzz.log)" >> build/results-fuzz.txt; tail -20 build/fuzz.log; fi; \
	 tests/fresh_build_check.sh >build/fresh-build.log 2>&1; r5=$$?; \
	 if [ $$r5 -eq 0 ]; then echo "PASS: fresh-build-check" >> build/results-fresh.txt; \
	 else echo "FAIL: fresh-build-check (see build/fresh-build.log)" >> build/results-fresh.txt; cat build/fresh-build.log; fi; \
	 tests/summary.sh build/results-*.txt; r4=$$?; \
	 [ $$r1 -eq 0 ] && [ $$r2 -eq 0 ] && [ $$r3 -eq 0 ] && [ $$r4 -eq 0 ] && [ $$r5 -eq 0 ]

demo: deps
	@$(MAKE) --no-print-directory all
	@tools/demo.sh

BENCH_SRC := $(wildcard tools/bench/*.c)
$(BIN)/regie-bench: $(BENCH_SRC:%.c=$(B)/%.o) $(CLIENT_OBJ) $(B)/librg.a
	@mkdir -p $(dir $@)
	@echo "  LD $@"
	@$(CC) $(MODE_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(ALLOC_LIBS)

# Benchmarks: figures and ratios, never pass/fail.  QUICK=1 for a short run.
bench: deps
	@$(MAKE) --no-print-directory all $(BIN)/regie-bench
	@$(BIN)/regie-bench --regied $(BIN)/regied $(if $(QUICK),--quick)

# regied in sbin, the clients in bin, the man pages (plain troff: nothing
# to build), and the systemd units with the installed paths filled in; the
# units go where systemd looks: /lib/systemd/system for PREFIX=/usr (as a
# Debian package would), PREFIX/lib/systemd/system otherwise.
ifeq ($(PREFIX),/usr)
  UNITDIR ?= /lib/systemd/system
else
  UNITDIR ?= $(PREFIX)/lib/systemd/system
endif
MANDIR ?= $(PREFIX)/share/man
UNITS := dist/systemd/regied.service dist/systemd/regie-backup.service dist/systemd/regie-backup.timer

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(UNITDIR) \
	  $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	install -m 0755 bin/regied $(DESTDIR)$(PREFIX)/sbin/
	install -m 0755 bin/regie bin/regie-sim bin/regie-verify $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 dist/man/regie.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 dist/man/regie.conf.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 dist/man/regied.8 $(DESTDIR)$(MANDIR)/man8/
	install -d $(DESTDIR)$(PREFIX)/share/regie/web
	install -m 0644 web/*.html web/*.css web/*.js $(DESTDIR)$(PREFIX)/share/regie/web/
	for u in $(UNITS); do \
	  sed -e 's|@SBINDIR@|$(PREFIX)/sbin|g' -e 's|@BINDIR@|$(PREFIX)/bin|g' $$u > $(DESTDIR)$(UNITDIR)/$${u##*/} && \
	  chmod 0644 $(DESTDIR)$(UNITDIR)/$${u##*/} || exit 1; \
	done

clean:
	rm -rf build bin

# make bench-peers: regie against PostgreSQL and Redis, like for like.
include tools/bench/peers/peers.mk
