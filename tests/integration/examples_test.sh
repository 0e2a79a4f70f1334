#!/bin/bash
# examples_test.sh - issue 21, finding 9: every example the client shows
# runs.  Each `regie WORDS --help` example, and every line of regie(1)'s
# EXAMPLES, is run as typed against a real regied (its own data directory,
# a manual clock from Monday 20 April 2026), on a case in the state the
# example needs, prepared beforehand by plain commands.  Only what an
# example cannot know is put in: the case (the help's placeholder id
# ZVH-7K2QF9XMT, the man page's ZVH-7K2QF9XMT and ZVH-4D8KQ2MRX), and where
# an example names an item of it (the request R1 is the case's own; an
# item's seq, an alert's number, a request's id, a trace id, paths on the
# host) the real one.  An example the engine refuses, or that fails, FAILs
# with its line and the error.  regie.conf(5)'s EXAMPLES is given to a
# regied as its --config, which must start.
#
# Prints PASS:/FAIL: lines for tests/run.sh; needs bin/ (REGIE, REGIED).
set -u
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
REGIE=${REGIE:-$ROOT/bin/regie}
REGIED=${REGIED:-$ROOT/bin/regied}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/regie-examples-XXXXXX") || exit 1
ENGINES=""
cleanup() {
    [ -n "$ENGINES" ] && kill $ENGINES 2>/dev/null
    for p in $ENGINES; do wait "$p" 2>/dev/null; done
    rm -rf "$tmp"
}
trap cleanup EXIT
export XDG_STATE_HOME=$tmp/state           # request ids of this run only
export HOME=$tmp/home                      # ~/.regie-tail of the tail example
mkdir -p "$HOME"
failed=0
ran=0
result() {   # result NAME STATUS [why]
    if [ "$2" -eq 0 ]; then echo "PASS: $1"; else echo "FAIL: $1${3:+: $3}"; failed=1; fi
}

# start_engine NAME [regied options]: a regied on $tmp/NAME; sets URL, DATA, ADMIN.
start_engine() {
    local name=$1
    shift
    DATA=$tmp/$name
    URL=ipc://$tmp/$name.ipc
    "$REGIED" --data "$DATA" --listen "$URL" --publish "ipc://$tmp/$name-pub.ipc" \
        --clock manual=2026-04-20T08:00:00Z --http off "$@" 2>"$tmp/$name.log" &
    ENGINES="$ENGINES $!"
    for _ in $(seq 600); do
        [ -s "$DATA/admin.token" ] && [ -S "$tmp/$name.ipc" ] && break
        kill -0 $! 2>/dev/null || { echo "  regied $name stopped: $(tail -3 "$tmp/$name.log")"; return 1; }
        sleep 0.1
    done
    ADMIN=$(cat "$DATA/admin.token")
    export REGIE_URL=$URL REGIE_PUB=ipc://$tmp/$name-pub.ipc
}

# A plain command (preparation, not an example): must succeed; its output in $tmp/out.
r() {
    local tok=$1
    shift
    if ! REGIE_TOKEN=$tok "$REGIE" "$@" >"$tmp/out" 2>"$tmp/err"; then
        echo "  preparing: regie $*: $(head -2 "$tmp/err")"
        failed=1
        return 1
    fi
}
field() { sed -n "s/^ *$1: *//p" "$tmp/out" | head -1; }            # a field of the last output
jfield() { sed -n "s/.*\"$1\":\"\\{0,1\\}\\([^\",}]*\\).*/\\1/p" "$tmp/out" | head -1; }
actor() { r "$ADMIN" --json actor create --id "$1" --role "$2" --org "$3" && jfield token; }
report() {   # report NAME BIRTH [--route ROUTE]: a case reported by the police (vt for mda); its id
    local tok=$POL
    [ "${3:-}" = mda ] && tok=$VT
    r "$tok" case report --target-group "${4:-verward_gedrag}" --urgency normal --summary "prepared" --informed \
        --subject name="$1" --subject birth_date="$2" ${3:+--route $3} && field case
}
admitted() {   # a case of anna in analysis
    local c
    c=$(report "$@") || return 1
    r "$ANNA" case assign --case "$c" --procesregisseur anna && r "$ANNA" intake start --case "$c" &&
        r "$ANNA" intake decide --case "$c" --admit --reason r --criteria multi_domain && echo "$c"
}
# executing ID OWNER ORGTOKEN: the case in execution with a1 and a2 owned by OWNER
executing() {
    r "$ANNA" meeting schedule --case "$1" --at "2026-04-22 10:00" --orgs "$2" &&
        r "$ANNA" meeting hold --case "$1" --attendees "$2" --conclusions c &&
        r "$ANNA" plan propose --case "$1" --goals g --action id=a1,owner_org="$2",description=one,due=2026-12-01 \
            --action id=a2,owner_org="$2",description=two,due=2026-12-01 && r "$3" plan agree --case "$1"
}

# The example of `regie WORDS --help`: the line after "example:".
help_example() { "$REGIE" "$@" --help 2>/dev/null | sed -n '/^example:/{n;s/^ *//;p;q}'; }

# run TOKEN LINE [FROM TO]...: run a command line as a shell would split it
# (the first word, regie, is the client), with each FROM replaced by TO; the
# output in $tmp/out.  With ALLOW_RUNNING set, a follower still running after
# 8 s passes (it follows until stopped).
run() {
    local tok=$1 line=$2
    shift 2
    while [ $# -ge 2 ]; do line=${line//"$1"/"$2"}; shift 2; done
    ran=$((ran + 1))
    local -a words
    eval "words=($line)"
    [ "${words[0]}" = regie ] || { echo "  not a regie command: $line"; return 1; }
    local rc
    REGIE_TOKEN=$tok timeout 8 "$REGIE" "${words[@]:1}" >"$tmp/out" 2>"$tmp/err" </dev/null
    rc=$?
    [ $rc -eq 124 ] && [ -n "${ALLOW_RUNNING:-}" ] && ! grep -q '^error' "$tmp/err" && rc=0
    if [ $rc -ne 0 ]; then
        echo "  the example '$line' failed ($rc): $(head -3 "$tmp/err" | tr '\n' ' ')"
        return 1
    fi
}
# ex TOKEN "WORDS" [FROM TO]...: run the help example of WORDS.
ex() {
    local tok=$1 words=$2 line
    shift 2
    line=$(help_example $words)
    if [ -z "$line" ]; then echo "  regie $words --help shows no example"; return 1; fi
    run "$tok" "$line" "$@"
}
check() {   # check NAME STATUS: one example's result, counted
    [ "$2" -eq 0 ] || { failed=1; bad="$bad $1"; }
}
bad=""
P=ZVH-7K2QF9XMT

# ================= the help examples =================
if [ "${EXAMPLES_ONLY:-}" != man ]; then
start_engine help || { result help_examples_run 1 "regied did not start"; exit 1; }
ex "$ADMIN" "actor create"; check "actor create" $?
ex "$ADMIN" "actor rotate"; check "actor rotate" $?
ANNA=$(field token)
POL=$(actor pol partner police)
GGZ=$(actor ggz1 partner ggz)
VT=$(actor vt1 partner veilig-thuis)
MGR=$(actor mgr1 manager zvh)
AUD=$(actor aud1 auditor zvh)
[ -n "$ANNA" ] && [ -n "$POL" ] && [ -n "$GGZ" ] && [ -n "$VT" ] && [ -n "$MGR" ] && [ -n "$AUD" ] ||
    { result help_examples_run 1 "no tokens for the actors"; exit 1; }
for w in whoami "notify topics" "processing activities"; do ex "$ANNA" "$w"; check "$w" $?; done

# One case along the default route, each step its own example.
ex "$POL" "case report"; check "case report" $?
C=$(field case)
ex "$ANNA" "case assign" $P "$C"; check "case assign" $?
ex "$ANNA" "intake start" $P "$C"; check "intake start" $?
ex "$ANNA" "intake more-info" $P "$C"; check "intake more-info" $?
ex "$ANNA" "intake decide" $P "$C"; check "intake decide" $?
ex "$ANNA" "partner join" $P "$C"; check "partner join" $?
ex "$ANNA" "info request" $P "$C"; check "info request" $?
ex "$GGZ" "info provide" $P "$C"; check "info provide" $?
r "$ANNA" --json case history --case "$C" &&
    SEQ=$(tr '{' '\n' <"$tmp/out" | grep -B1 '"type":"info.provided"' | sed -n 's/.*"seq":\([0-9]*\).*/\1/p' | head -1)
[ -n "${SEQ:-}" ] || SEQ=$(grep -o '"seq":[0-9]*,"case":"[^"]*","type":"info.provided"' "$tmp/out" | sed 's/"seq":\([0-9]*\).*/\1/')
ex "$ANNA" "meeting schedule" $P "$C"; check "meeting schedule" $?
ex "$ANNA" "meeting reschedule" $P "$C"; check "meeting reschedule" $?
ex "$ANNA" "meeting hold" $P "$C"; check "meeting hold" $?
ex "$ANNA" "plan propose" $P "$C"; check "plan propose" $?
ex "$GGZ" "plan agree" $P "$C"; check "plan agree" $?
ex "$GGZ" "item release" $P "$C" "--seq 12" "--seq ${SEQ:-0}"; check "item release" $?
ex "$ANNA" "review hold" $P "$C"; check "review hold" $?
ex "$ANNA" "case escalate" $P "$C"; check "case escalate" $?
ex "$ANNA" "escalation dossier" $P "$C"; check "escalation dossier" $?
TRACE=$(sed -n 's/^trace: 00-\([0-9a-f]\{32\}\)-.*/\1/p' "$tmp/out" | head -1)
ex "$MGR" "escalation resolve" $P "$C"; check "escalation resolve" $?
ex "$GGZ" "action complete" $P "$C"; check "action complete" $?
ex "$ANNA" "person add" $P "$C"; check "person add" $?
r "$ANNA" person add --case "$C" --role sibling --name "Q. Jansen" --birth-date 1992-03-04
ex "$ANNA" "person share" $P "$C"; check "person share" $?
ex "$ANNA" "client perspective" $P "$C"; check "client perspective" $?
ex "$ANNA" "person remove" $P "$C"; check "person remove" $?
for w in "case get" "case history" "cases list" "feed read" "alerts list"; do ex "$ANNA" "$w" $P "$C"; check "$w" $?; done
ex "$ADMIN" "audit read" $P "$C"; check "audit read" $?
ex "$MGR" stats; check stats $?
r "$ANNA" --json alerts list --all && ALERT=$(grep -o '"alert":[0-9]*' "$tmp/out" | head -1 | cut -d: -f2)
ex "$ANNA" "alert ack" "--alert 3" "--alert ${ALERT:-0}"; check "alert ack" $?
ex "$AUD" "processing read" 4bf92f3577b34da6a3ce929d0e0e4736 "${TRACE:-none}"; check "processing read" $?
ex "$ANNA" "subject known"; check "subject known" $?

# Closing: a1 done, a2 handed over; the aftercare check three months on.
C2=$(admitted "K. Kok" 1970-02-03) && executing "$C2" police "$POL" &&
    r "$POL" action complete --case "$C2" --action a1 --result done
ex "$ANNA" "case close" $P "$C2"; check "case close" $?
C3=$(admitted "L. Laan" 1971-03-04) && executing "$C3" police "$POL" &&
    r "$ANNA" case close --case "$C3" --reason r --handover a1,a2
ex "$ANNA" "case reopen" $P "$C3"; check "case reopen" $?
# An early ending, then erased.
C4=$(report "M. Mol" 1972-04-05) && r "$ANNA" case assign --case "$C4" --procesregisseur anna
ex "$ANNA" "case end" $P "$C4"; check "case end" $?
ex "$MGR" "case erase" $P "$C4"; check "case erase" $?
# MDA++: a phase on, and back after a relapse.
C5=$(admitted "N. Smit" 1973-05-06 mda huiselijk_geweld) && executing "$C5" veilig-thuis "$VT"
ex "$ANNA" "phase advance" $P "$C5"; check "phase advance" $?
ex "$ANNA" "phase relapse" $P "$C5"; check "phase relapse" $?
# Data-subject rights: access (the example), rectification, restriction, erasure of a person.
ex "$MGR" "subject request"; check "subject request" $?
Q=$(field case)
ex "$MGR" "subject decide" ZVH-3M8QD2WK9 "${Q:-none}"; check "subject decide" $?
r "$MGR" subject request --kind rectification --person name="J. Jansen" --person birth_date=1990-01-01 &&
    Q=$(field case) && r "$MGR" subject decide --request "$Q" --granted
ex "$MGR" "subject correct" $P "$C"; check "subject correct" $?
C6=$(admitted "R. Rust" 1974-06-07) &&
    r "$MGR" subject request --kind restriction --person name="R. Rust" --person birth_date=1974-06-07 &&
    Q=$(field case) && r "$MGR" subject decide --request "$Q" --granted
ex "$MGR" "case unrestrict" $P "$C6"; check "case unrestrict" $?
r "$MGR" subject request --kind erasure --person name="P. Jansen" --person birth_date=2015-07-08 \
    --by name="J. Jansen" &&
    Q=$(field case) && r "$MGR" subject decide --request "$Q" --granted
ex "$MGR" "person erase" $P "$C" ZVH-3M8QD2WK9 "${Q:-none}"; check "person erase" $?

# The log: enough records for the consistency example (from 100 to 250).
C7=$(admitted "S. Stam" 1975-07-08)
for i in $(seq 200); do r "$ANNA" partner join --case "$C7" --org "org-$i" || break; done
size_of() { grep -o '"size":[0-9]*' "$1" | head -1 | cut -d: -f2; }
ex "$ADMIN" "log verify"; check "log verify" $?
ex "$AUD" "log head"; check "log head" $?
mkdir -p "$tmp/v" && cp "$DATA/sign.pub" "$tmp/v/" && cp "$tmp/out" "$tmp/v/head-monday.json"
ex "$AUD" "log prove"; check "log prove" $?
ex "$AUD" "log consistency"; check "log consistency" $?
ex "$ADMIN" "backup create" /var/lib/regie-backup "$tmp/backup"; check "backup create" $?
ex "$MGR" "norms whatif"; check "norms whatif" $?
ALLOW_RUNNING=1 ex "$ANNA" tail; check tail $?
ALLOW_RUNNING=1 ex "$ANNA" alerts; check alerts $?
# Offline checks of what the engine signed: Monday's head, a later one, and
# the proof that the later log extends Monday's.
for i in 1 2 3; do r "$ANNA" partner join --case "$C7" --org "late-$i"; done
r "$AUD" log head --json && cp "$tmp/out" "$tmp/v/head.json"
r "$AUD" log consistency --from "$(size_of "$tmp/v/head-monday.json")" --to "$(size_of "$tmp/v/head.json")" --json &&
    cp "$tmp/out" "$tmp/v/consistency.json"
cd "$tmp/v" && ex "" verify-head; check verify-head $?
ex "" verify-proof; check verify-proof $?
cd "$ROOT" || exit 1
ex "$ADMIN" "clock advance"; check "clock advance" $?
r "$ADMIN" clock advance --ms 7776000000                 # 90 days: the aftercare check's week
ex "$ANNA" "aftercare check" $P "$C2"; check "aftercare check" $?
ex "$ADMIN" "actor revoke"; check "actor revoke" $?

# Every command of regie --help has had its example run.
listed=$("$REGIE" --help | sed -n '/^commands:/,$p' | grep -c '^  [a-z]')
[ "$ran" -ge "$listed" ]
check "every listed command ($ran of $listed run)" $?
[ -z "$bad" ]
result help_examples_run $? "the examples of:$bad"
fi

# ================= regie(1)'s EXAMPLES =================
# The lines of the section, troff undone: \- is -, a line ending in \e goes on.
man_lines() {
    awk '/^\.SH EXAMPLES/ {p = 1; next} /^\.SH/ {p = 0} p && !/^\.(nf|fi)$/' "$1" |
        sed 's/\\-/-/g; s/\\e$/\\/' | sed -e :a -e '/\\$/N; s/\\\n *//; ta'
}
start_engine man || { result man_examples_run 1 "regied did not start"; exit 1; }
mkdir -p "$tmp/bin" "$tmp/m" && ln -s "$REGIE" "$tmp/bin/regie"
cat >"$tmp/m/proposal.conf" <<'CONF'
# a manager's proposal: reviews every four weeks
norm.review = 28
CONF
mfail=""
(
    cd "$tmp/m" || exit 1
    PATH=$tmp/bin:$PATH
    while IFS= read -r line; do
        line=${line//tcp:\/\/127.0.0.1:7450/$URL}
        line=${line//\/var\/lib\/regie-backup/$tmp/backup-man}
        line=${line//\/var\/lib\/regie\//$DATA/}
        line=${line//ZVH-7K2QF9XMT/${MC:-none}}
        line=${line//ZVH-4D8KQ2MRX/${MM:-none}}
        case $line in
        *"regie tail"* | *"regie alerts"*) line=${line/regie /timeout 40 regie }; following=1 ;;
        *) following="" ;;
        esac
        eval "$line" >"$tmp/out" 2>"$tmp/err"
        rc=$?
        [ $rc -eq 124 ] && [ -n "$following" ] && ! grep -q '^error' "$tmp/err" && rc=0
        if [ $rc -ne 0 ]; then
            echo "  the example '$line' of regie(1) failed ($rc): $(head -3 "$tmp/err" | tr '\n' ' ')"
            echo "$line" >>"$tmp/man-failed"
        fi
        case $line in
        *"actor create --id anna "* | *"actor rotate --id anna "*)
            # The reader keeps the token printed (a rotation replaces it).
            ANNA=$(sed -n 's/^ *token: *//p' "$tmp/out" | head -1) ;;
        *"regie whoami"*)
            # The actors and cases the examples speak of, as a reader has them.
            POL=$(actor pol partner police) GGZ=$(actor ggz1 partner ggz) VT=$(actor vt1 partner veilig-thuis)
            MANAGER=$(actor mgr1 manager zvh) AUDITOR=$(actor aud1 auditor zvh)
            MC=$(admitted "J. de Vries" 1988-04-02)
            MM=$(admitted "Familie Smit" 1980-01-02 mda huiselijk_geweld) && executing "$MM" veilig-thuis "$VT" &&
                r "$ANNA" plan propose --case "$MM" --goals g --action id=b1,owner_org=ggz,description=x,due=2026-12-01
            [ -n "$MC" ] && [ -n "$MM" ] || echo "  could not prepare the cases of regie(1)'s examples" ;;
        esac
        echo "$line" >>"$tmp/man-ran"
    done < <(man_lines "$ROOT/dist/man/regie.1" | grep -v '^$')
) || true
cd "$ROOT" || exit 1
n=$(man_lines dist/man/regie.1 | grep -c .)
[ "$n" -ge 15 ] && [ "$(wc -l <"$tmp/man-ran" 2>/dev/null)" = "$n" ] && [ ! -s "$tmp/man-failed" ]
result man_examples_run $? "$(cat "$tmp/man-failed" 2>/dev/null | tr '\n' ';') of $n lines"

# regie.conf(5)'s EXAMPLES: a configuration regied takes.
awk '/^\.SH EXAMPLES?$/ {p = 1; next} /^\.SH/ {p = 0} p && !/^\.(nf|fi)$/' dist/man/regie.conf.5 |
    sed 's/\\-/-/g' >"$tmp/example.conf"
grep -q '^\[tilburg\]' "$tmp/example.conf" && start_engine conf --config "$tmp/example.conf"
result conf_example_is_taken $? "$(tail -2 "$tmp/conf.log")"
exit $failed
