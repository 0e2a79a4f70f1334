# tools/bench/peers/peers.mk - included by the Makefile.
#
#   make bench-peers [QUICK=1] [PEERS_FLAGS='--seconds 5 --batch 100 --depth 100 ...']
#
# regie against PostgreSQL and Redis doing the same durable appends, like for
# like: installs what is missing from Debian (tools/bench/peers/install.sh),
# starts private instances in a temporary directory on loopback ports
# (17500..17503, --port), prints rates and ratios (never pass/fail), stops
# them by their pids.  See tools/bench/peers/peers.c for the flags.

PEERS_PKGS := libpq hiredis
PEERS_OBJ := $(B)/tools/bench/peers/peers.o $(B)/tools/bench/util.o $(B)/tools/bench/rpc.o
# The newest installed PostgreSQL (Debian: /usr/lib/postgresql/15/bin);
# evaluated when the recipe runs, after the install.
PG_BIN ?= $$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

.PHONY: bench-peers peers-deps

peers-deps: deps
	@tools/bench/peers/install.sh

$(B)/tools/bench/peers/peers.o: tools/bench/peers/peers.c tools/bench/bench.h $(wildcard engine/*/*.h tools/*.h) | peers-deps
	@mkdir -p $(dir $@)
	@echo "  CC $<"
	@$(CC) $(CFLAGS_ALL) $$(pkg-config --cflags $(PEERS_PKGS)) -c $< -o $@

$(BIN)/regie-bench-peers: $(PEERS_OBJ) $(CLIENT_OBJ) $(B)/librg.a | peers-deps
	@mkdir -p $(dir $@)
	@echo "  LD $@"
	@$(CC) $(MODE_LDFLAGS) -o $@ $^ $(PKG_LIBS) $$(pkg-config --libs $(PEERS_PKGS))

bench-peers: peers-deps deps-check $(BIN)/regied $(BIN)/regie-bench-peers
	@$(BIN)/regie-bench-peers --regied $(BIN)/regied --pg-bin "$(PG_BIN)" $(if $(QUICK),--quick) $(PEERS_FLAGS)
