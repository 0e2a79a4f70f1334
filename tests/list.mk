# tests/list.mk - every test of the suite, in one place (as libuv's
# test/test-list.h): `make test` builds and runs exactly these, in this
# order, and fails naming any tests/unit or tests/integration file missing
# here.  A module's own test is named after it (NAME_test.c for NAME.c, as
# nng pairs pub.c with pub_test.c); the rest are scenarios across modules.
# Adding a test: its file, and its name on a line below.  A module without
# its test (NAME_test for engine/*/NAME.c or handlers/NAME.c) fails make test.

# ---- unit tests beside their module (in-process, real RocksDB) ----
# storage/
UNIT_TESTS := errors buf codec hmap sorted crypto log wal merkle keyfile ledgerfile
# domain/
UNIT_TESTS += contract activity calendar clock config spelling access seal case fold event schema upcast deadlines member
# core/ (ledger: core/ledger.c and storage/ledgerfile.c; cache: state.c's
# case cache; meta_write: state.c's meta records; core/persons.c's test is
# persons, below with handlers/persons.c's in the one file)
UNIT_TESTS += engine module pipeline idem apply state ctx reads commit tally processing alerts ledger cache meta_write quota dl_index feed_index bootstrap reply
# replay/ and services/
UNIT_TESTS += replay replay_read whatif services due feed audit transparency
# handlers/ (admin: admin.c; alerts: handlers/alerts.c too)
UNIT_TESTS += admin escalation items execution phases closure plan meeting analysis report util bindings dossier persons privacy subjects subject_export queries
# net/ (net: net.c; http_json: http_json.c)
UNIT_TESTS += net offline publish http_json http_session http_metrics http_openapi jsonlog sdnotify

# ---- unit scenarios across modules ----
UNIT_TESTS += lifecycle matrix visibility visibility_matrix routes model ladder lawdays labels \
              oldformat input sensitive sealed_text erasure erased_replies household household_scope household_rights \
              subject_retention subject_rules stats_region backup_close bulk verify_backup

# ---- integration: the real regied over real sockets ----
INTEG_TESTS := server overload tls notify http_conn http_static http_sse client cli_people feed deadline backup service \
               verify sim crash fulldisk torture snapshot

# ---- shell and Python tests: PASS:/FAIL: lines like the binaries ----
# In release only: the install test installs the release build, the demo
# runs bin/, and the browser app (a real headless Chromium, every page
# checked with axe-core, issue 22) is the same in every mode.
SHELL_TESTS_RELEASE := tests/integration/install_test.sh tests/integration/demo_test.sh \
                       tests/integration/browser_test.sh tests/integration/browser_issue26_test.sh \
                       tests/integration/examples_test.sh
# In every mode: the HTTP face over real HTTP (python3); the engine under
# ASan serves it too.
SHELL_TESTS := tests/integration/http_test.sh
# tools/check-layers.sh failing on deliberate upward uses, in small trees
# of its own.
SHELL_TESTS += tests/integration/check_layers_test.sh

# ---- link tests: a program linked from exactly some layers' objects ----
# below_handlers: every object of storage, domain, schemas, core and replay,
# and nothing of handlers/, services/ or net/ (the Makefile's rule).
LINK_TESTS := below_handlers
