#!/bin/sh
# demo_test.sh - the README's first command, `make demo`, as CI sees it:
# tools/demo.sh with a shortened simulation (DEMO_CASES, DEMO_DAYS, no
# pause per day) beside a CPU-bound process, as a loaded machine runs it.
# First a run stopped halfway by SIGTERM must leave no engine running;
# then a run started at once must pass to its end with the log intact.
# A failure shows the demo's last lines.  Prints PASS:/FAIL: lines for
# tests/run.sh; needs the release binaries in bin/ (make all).
set -u
cd "$(dirname "$0")/../.." || exit 1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/regie-demo-XXXXXX") || exit 1
busy=""
cleanup() {
    [ -n "$busy" ] && kill "$busy" 2>/dev/null
    pkill -KILL -f "regied --data $tmp/" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
failed=0
result() {   # result NAME STATUS [why]
    if [ "$2" -eq 0 ]; then echo "PASS: $1"; else echo "FAIL: $1${3:+: $3}"; failed=1; fi
}
# The demo's browser app on a port of this run's own (tests run side by side).
DEMO_HTTP=127.0.0.1:$((20000 + $$ % 20000))
export DEMO_HTTP
engines_left() { pgrep -f "regied --data $tmp/" >/dev/null; }

# The load beside the demo: one core kept busy for as long as the test runs.
sh -c 'while :; do :; done' &
busy=$!

# ---- stopped halfway: nothing left running ----
DEMO_DATA=$tmp/demo DEMO_CASES=20 DEMO_DAYS=10 DEMO_PACE=0 tools/demo.sh >"$tmp/half.out" 2>&1 &
demo=$!
i=0
while [ $i -lt 600 ] && ! grep -q 'case 1:' "$tmp/half.out"; do sleep 0.1; i=$((i + 1)); done
engines_left
result demo_started_an_engine $? "no engine of the demo was running (its output: $(tail -3 "$tmp/half.out"))"
kill -TERM $demo
wait $demo
rc=$?
[ $rc -ne 0 ]
result demo_stopped_says_failure $? "a demo stopped by SIGTERM exited 0"
i=0
while [ $i -lt 150 ] && engines_left; do sleep 0.1; i=$((i + 1)); done
! engines_left
result demo_stopped_leaves_nothing_running $? "$(pgrep -fa "regied --data $tmp/")"

# ---- run again at once, to its end ----
DEMO_DATA=$tmp/demo DEMO_CASES=${DEMO_TEST_CASES:-40} DEMO_DAYS=${DEMO_TEST_DAYS:-30} DEMO_PACE=0 \
    tools/demo.sh >"$tmp/full.out" 2>&1
rc=$?
if [ $rc -ne 0 ]; then
    echo "---- the demo failed (exit $rc); its last lines:"
    tail -25 "$tmp/full.out"
fi
result demo_runs_to_its_end $rc "exit $rc"
# Issue 21: the demo shows the ladder reach level 3 and a bestuur actor read
# the escalation dossier (the dossier's ladder names the bestuur as alerted),
# with every time in words, no milliseconds.
grep -q 'escalation level 3' "$tmp/full.out" && grep -q '(as the mayor)' "$tmp/full.out" &&
    grep -q '^      ladder:' "$tmp/full.out" && grep -q '^            - bestuur' "$tmp/full.out" &&
    ! sed -n '/(as the mayor)/,/stays closed/p' "$tmp/full.out" | grep -v 'trace:' | grep -Eq '[0-9]{12}'
result demo_shows_level_3_and_the_dossier $? "no level 3, no dossier read by the mayor, or a raw time in it"
# Issue 25: case 4 is an MDA++ household.  Youth protection's case get
# (the whole reply the demo kept) names no parent and tells their age to no
# one, the two children are minors, and of the two information requests it
# lists its own about the children, not the municipality's about the mother; after the partner's erasure anna's
# history names the mother and the children, not him; the daughter's
# access export holds her data and no other member's (names and BSNs).
parents='Kim Smit|Rob Smit|603470403|496191937'
d=$tmp/demo
grep -q '(as youth protection)' "$tmp/full.out" && [ -s "$d/youth.out" ] &&
    ! grep -Eq "$parents" "$d/youth.out" && [ "$(grep -c 'minor: true' "$d/youth.out")" -eq 2 ] &&
    [ "$(grep -c 'minor: -' "$d/youth.out")" -eq 2 ] && grep -q '^  subject: -' "$d/youth.out" &&
    grep -q '^      org: jeugdbescherming' "$d/youth.out" && ! grep -q 'gemeente-tilburg' "$d/youth.out"
result demo_youth_protection_sees_the_children_only $? "$(cat "$d/youth.out" 2>/dev/null | head -30)"
grep -q 'type: person.erased' "$tmp/full.out" && ! grep -Eq 'Rob Smit|496191937' "$d/after-erase.out" &&
    grep -q 'name: Kim Smit' "$d/after-erase.out" && grep -q 'name: Noor Smit' "$d/after-erase.out" &&
    grep -q 'name: Sem Smit' "$d/after-erase.out"
result demo_erases_one_member_the_others_read_on $? "no person.erased, or the history after it is not as it should be"
grep -q 'name: Noor Smit' "$d/export.out" && grep -q 'bsn: 895285873' "$d/export.out" &&
    ! grep -Eq "$parents|Sem Smit|811995653" "$d/export.out"
result demo_access_export_holds_one_member $? "Noor's export lacks her data or shows another member"
# Three log verifies: after the erasure, at the end, and the region's.
n=$(grep -c 'intact: true' "$tmp/full.out")
[ "$n" -eq 3 ]
result demo_logs_intact $? "$n of 3 log verifies (after the erasure, and each engine at its end) said intact"
# A login for every role of the browser app (issue 22), each with its token.
missing=""
for role in "procesregisseur" "partner, police" "manager (" "partner manager" "bestuur" "admin:"; do
    grep -q "^    $role.*rgt_[0-9a-z]" "$tmp/full.out" || missing="$missing [$role]"
done
[ -z "$missing" ]
result demo_prints_a_login_for_each_role $? "no login printed for$missing"
grep -q ' 0 refused' "$tmp/full.out"
result demo_simulation_refuses_nothing $? "$(grep 'refused' "$tmp/full.out")"
! engines_left
result demo_leaves_nothing_running $? "$(pgrep -fa "regied --data $tmp/")"
exit $failed
