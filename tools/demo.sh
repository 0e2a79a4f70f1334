#!/bin/bash
# demo.sh - start regied on ./demo-data and drive a few cases through the
# procesregie with the regie client, so a newcomer sees the engine work.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${DEMO_DATA:-demo-data}
case $DATA in /*) ;; *) DATA=$PWD/$DATA ;; esac
rm -rf "$DATA" "$DATA.kek" "$DATA.ledger" "$DATA.sign"     # keys and erasure ledger live beside the data
mkdir -p "$DATA"
URL="ipc://$DATA/rep.ipc"
PUB="ipc://$DATA/pub.ipc"

# Whatever ends the demo -- its end, a failed step (set -e), ^C or a
# SIGTERM -- stops the engines it started, so a second run can begin at
# once.  A TERM first (a clean stop), a KILL for one still running after
# 10 s (nng 1.5.2 can hang in nng_close under traffic).
ENGINES=""
stop_engines() {
    local pid
    [ -n "$ENGINES" ] || return 0
    kill -TERM $ENGINES 2>/dev/null || true
    for _ in $(seq 100); do
        kill -0 $ENGINES 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL $ENGINES 2>/dev/null || true
    for pid in $ENGINES; do wait "$pid" 2>/dev/null || true; done
    ENGINES=""
}
on_exit() {
    local rc=$?
    trap - EXIT INT TERM
    stop_engines
    [ $rc -eq 0 ] || echo "regie demo: failed (exit $rc); the engines it started are stopped" >&2
    exit $rc
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A manual clock at a fixed instant: the dates below stay in the future.
bin/regied --data "$DATA" --listen "$URL" --publish "$PUB" --clock manual=2026-11-23T08:00:00Z \
    --http off 2>"$DATA/regied.log" &
ENGINES="$ENGINES $!"
# wait_for FILE...: until each exists (a socket or a written token), at most
# 60 s: a loaded machine starts an engine slowly; an engine that died is
# said at once, with its log.
wait_for() {
    local f ok
    for _ in $(seq 600); do
        ok=1
        for f in "$@"; do [ -s "$f" ] || [ -S "$f" ] || ok=0; done
        [ $ok -eq 1 ] && return 0
        for pid in $ENGINES; do
            kill -0 "$pid" 2>/dev/null || { echo "regie demo: an engine stopped; its log:" >&2
                                             tail -5 "$DATA"/regied.log "$DATA"/region/regied.log >&2 2>/dev/null; return 1; }
        done
        sleep 0.1
    done
    echo "regie demo: gave up waiting for $*" >&2
    return 1
}
wait_for "$DATA/admin.token"
export REGIE_URL=$URL
ADMIN=$(cat "$DATA/admin.token")

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
# Show the command; for a change only its new version and the events it
# appended, for a query the whole answer.
as() {
    local tok=$1; shift
    echo "\$ regie $*" | cut -c1-118
    case "$1 ${2:-}" in
    "case get"|"stats "|"log verify") REGIE_TOKEN=$tok bin/regie "$@" | sed 's/^/    /' ;;
    *) if ! REGIE_TOKEN=$tok bin/regie "$@" >"$DATA/last.out"; then
           echo "regie demo: this step was refused; the demo expects it to succeed" >&2
           return 1
       fi
       grep -E '^(case|version):|^    type:' "$DATA/last.out" | tr -s ' ' | paste -sd' ' | sed 's/^/    -> /' ;;
    esac
}
# The case the last `as ... case report` made: its id comes from the reply
# (ids are opaque, not counted).  awk reads a file here, not a pipe.
last_case() { awk '/^case:/ {print $2; exit}' "$DATA/last.out"; }
# The engine's local date (Europe/Amsterdam) n days from its now, from the
# manual clock (a clock.advance of 0 reads it).
engine_day() {
    local now s
    now=$(REGIE_TOKEN=$ADMIN bin/regie --json clock advance --ms 0 | sed -n 's/.*"now":"\([^"]*\)".*/\1/p')
    s=$(date -d "$now" +%s)
    TZ=Europe/Amsterdam date -d "@$((s + $1 * 86400))" +%F
}
# Move the clock a day at a time until the case's escalation is at `level`
# (the engine escalates by itself as its deadlines pass), at most 40 days;
# then show the escalation.
until_level() {
    local c=$1 level=$2 i
    for i in $(seq 40); do
        # Read whole, then matched (grep -q would end the pipe early: SIGPIPE).
        if [[ $(REGIE_TOKEN=$ANNA bin/regie --json case get --case "$c") == *"\"escalation\":{\"level\":$level"[,}]* ]]; then
            echo "    -> after $((i - 1)) day(s): escalation level $level"
            REGIE_TOKEN=$ANNA bin/regie case get --case "$c" | awk '/^  escalation:/ {p = 1; print; next}
                p && /^    / {print; next} {p = 0}' | sed 's/^/    /' | cut -c1-118
            return 0
        fi
        REGIE_TOKEN=$ADMIN bin/regie clock advance --ms 86400000 >/dev/null
    done
    echo "regie demo: case $c did not reach escalation level $level in 40 days" >&2
    return 1
}
# A step the engine must refuse: the demo fails if it is accepted.
refused() {
    local tok=$1; shift
    echo "\$ regie $*" | cut -c1-118
    if REGIE_TOKEN=$tok bin/regie "$@" >"$DATA/last.out"; then
        echo "regie demo: this step was accepted; the engine should have refused it" >&2
        return 1
    fi
    echo "    -> refused, as it should be"
}
token() { REGIE_TOKEN=$ADMIN bin/regie --json actor create --id "$1" --role "$2" --org "$3" ${4:+--zvh "$4"} \
          | sed -n 's/.*"token":"\([^"]*\)".*/\1/p'; }
# The info.provided event of a case's history as tok reads it.  The filter
# reads the history to its end (no early exit): under pipefail a producer
# still writing when its reader exits would die of SIGPIPE and end the demo.
answer_as() {
    REGIE_TOKEN=$1 bin/regie case history --case "$2" \
        | awk 'done {next} /type: info.provided/ {p = 1} p && /^  -/ {done = 1; next} p && /^    data:/ {d = 1} p && d' \
        | sed 's/^/    /'
}

step "the admin creates the actors (each token is shown once)"
POL=$(token pol-tilburg partner police)
GGZ=$(token ggz-tilburg partner ggz)
GEM=$(token gem-tilburg partner gemeente-tilburg)
RECL=$(token recl-tilburg partner reclassering)
VT=$(token vt-tilburg partner veilig-thuis)
LLA=$(token lla-tilburg partner levensloopaanbieder)
JB=$(token jb-tilburg partner jeugdbescherming)
ANNA=$(token anna procesregisseur zvh)
MGR=$(token mgr-tilburg manager zvh)
MGR_R=$(token mgr-rotterdam manager zvh-rotterdam rotterdam)
echo "    police, ggz, gemeente-tilburg, reclassering, veilig-thuis, levensloopaanbieder and"
echo "    jeugdbescherming (youth protection) partners;"
echo "    procesregisseur anna; a manager;"
echo "    and a manager of another region (rotterdam) served by the same engine"

step "case 1: the police report a person with confused behaviour (E33)"
as "$POL" case report --target-group verward_gedrag --urgency high \
    --summary "repeated incidents, neighbours worried" --informed \
    --subject name="J. de Vries" --subject birth_date=1988-04-02
C1=$(last_case)
step "anna takes the case and starts the intake"
as "$ANNA" case assign --case $C1 --procesregisseur anna
as "$ANNA" intake start --case $C1
as "$ANNA" intake decide --case $C1 --admit --reason "problems on several life domains" --criteria multi_domain,multi_chain
step "information gathering: ggz is asked, and answers"
as "$ANNA" info request --case $C1 --org ggz --question "is there a treatment history?" --due 2026-12-10
as "$GGZ" info provide --case $C1 --request R1 --answer "known to the outpatient team" --class special
step "the case meeting"
as "$ANNA" meeting schedule --case $C1 --at 2026-12-08T10:00:00+01:00 --orgs police,ggz,gemeente-tilburg
as "$ANNA" meeting hold --case $C1 --attendees police,ggz,gemeente-tilburg --conclusions "a joint approach"
step "the plan: every org that owns an action agrees"
as "$ANNA" plan propose --case $C1 --goals "treatment and stable housing" --casusregisseur ggz \
    --action id=a1,owner_org=ggz,description="start treatment",due=2027-01-15 \
    --action id=a2,owner_org=gemeente-tilburg,description="find housing",due=2027-02-01
as "$GGZ" plan agree --case $C1
as "$GEM" plan agree --case $C1
step "execution stalls: anna escalates to the manager, who decides"
as "$ANNA" case escalate --case $C1 --level 1 --reason "no housing offer yet"
as "$MGR" escalation resolve --case $C1 --decision "priority housing granted"
as "$GGZ" action complete --case $C1 --action a1 --result "treatment started"
as "$GEM" action complete --case $C1 --action a2 --result "apartment found"
as "$ANNA" review hold --case $C1 --notes "both actions done"
as "$ANNA" case close --case $C1 --reason "goals met"
step "the aftercare check is the look back three months after closing, not before"
refused "$ANNA" aftercare check --case $C1 --outcome "stable"
step "what the police may see of case 1 now"
as "$POL" case get --case $C1

step "who sees what: ggz's answer is health data (class special)"
echo "the police and the manager see that it exists, its class and source, not the text:"
answer_as "$POL" $C1
echo "ggz (its source) and anna (the case's procesregisseur) read it; ggz releases it to the police:"
as "$GGZ" item release --case $C1 --seq 6 --orgs police
answer_as "$POL" $C1
echo "a manager of another region learns nothing, not even that the case exists:"
echo "\$ regie case get --case $C1   (as the manager of rotterdam)"
{ REGIE_TOKEN=$MGR_R bin/regie case get --case $C1 2>&1 || true; } | sed 's/^/    /'

step "case 2: not for the ZVH; referred to the local team, with advice for the reporter"
as "$POL" case report --target-group overig --urgency normal --summary "noise complaints" \
    --exemption "ongoing criminal investigation" --subject name="K. Bakker"
C2=$(last_case)
as "$MGR" case assign --case $C2 --procesregisseur anna
as "$ANNA" intake start --case $C2
as "$ANNA" intake more-info --case $C2 --question "other problems than the noise?" --due 2026-11-27
as "$ANNA" intake decide --case $C2 --admit=false --reason "one life domain" --referred-to wijkteam \
    --advice "mediation between the neighbours"

step "case 3: re-entry after detention; the meeting must come before release (and not in the past)"
as "$RECL" case report --target-group nazorg_ex_gedetineerden --urgency high --summary "release in March" \
    --informed --route re-entry --release-date 2027-03-01 --subject name="M. Jansen"
C3=$(last_case)
as "$ANNA" case assign --case $C3 --procesregisseur anna
as "$ANNA" intake start --case $C3
as "$ANNA" intake decide --case $C3 --admit --reason "high safety risk on return" --criteria local_safety
refused "$ANNA" meeting schedule --case $C3 --at 2026-11-20T10:00:00+01:00 --orgs reclassering
refused "$ANNA" meeting schedule --case $C3 --at 2027-03-05T10:00:00+01:00 --orgs reclassering
as "$ANNA" meeting schedule --case $C3 --at 2027-02-20T10:00:00+01:00 --orgs reclassering
as "$ANNA" case get --case $C3

step "case 4: MDA++ (route mda): Veilig Thuis brings in a household where violence persists"
echo "one family, one case: the mother (the subject, P1), her partner (P2) and their two children"
echo "(P3, P4), each a person of the case with their own key"
as "$VT" case report --route mda --target-group huiselijk_geweld --urgency high \
    --summary "structurally unsafe; regular help has been tried to the full" --informed \
    --person role=subject,name="Kim Smit",birth_date=1986-03-14,bsn=603470403 \
    --person role=partner,name="Rob Smit",birth_date=1984-07-02,bsn=496191937 \
    --person role=child,name="Noor Smit",birth_date=2014-05-20,bsn=895285873 \
    --person role=child,name="Sem Smit",birth_date=2018-09-09,bsn=811995653
C4=$(last_case)
as "$ANNA" case assign --case $C4 --procesregisseur anna
as "$ANNA" intake start --case $C4
as "$ANNA" intake decide --case $C4 --admit --reason "structurally unsafe" --criteria system,multi_chain
as "$ANNA" partner join --case $C4 --org gemeente-tilburg
as "$ANNA" partner join --case $C4 --org jeugdbescherming
echo "need-to-know per person: anna limits the parents to Veilig Thuis and the municipality, the"
echo "children to those and youth protection"
as "$ANNA" person share --case $C4 --person P1 --orgs veilig-thuis,gemeente-tilburg
as "$ANNA" person share --case $C4 --person P2 --orgs veilig-thuis,gemeente-tilburg
as "$ANNA" person share --case $C4 --person P3 --orgs jeugdbescherming,veilig-thuis,gemeente-tilburg
as "$ANNA" person share --case $C4 --person P4 --orgs jeugdbescherming,veilig-thuis,gemeente-tilburg
echo "the work is about persons too: youth protection is asked about the children, the municipality"
echo "about the mother"
as "$ANNA" info request --case $C4 --org jeugdbescherming --persons P3,P4 \
    --question "how are the children at school?" --due 2026-12-04
as "$ANNA" info request --case $C4 --org gemeente-tilburg --persons P1 --question "are there debts?" --due 2026-12-04
echo "youth protection sees the children only: two minors, and of the parents not even their age"
echo "(minor: -), nor the mother as the case's subject, nor the request about her:"
echo "\$ regie case get --case $C4   (as youth protection)"
REGIE_TOKEN=$JB bin/regie case get --case $C4 >"$DATA/youth.out"
awk '/^  [a-z_]+:/ {p = $1 == "persons:" || $1 == "requests:"} p || /^  (state|subject):/' "$DATA/youth.out" \
    | sed 's/^/    /'
if grep -Eq "Kim Smit|Rob Smit|603470403|496191937" "$DATA/youth.out"; then
    echo "regie demo: youth protection's case get shows a parent" >&2
    exit 1
fi
as "$JB" info provide --case $C4 --request R1 --answer "both go to school; the oldest is often absent"
as "$GEM" info provide --case $C4 --request R2 --answer "rent arrears of four months"
as "$ANNA" meeting schedule --case $C4 --at "2026-11-26 10:00" --orgs veilig-thuis,gemeente-tilburg,jeugdbescherming
as "$ANNA" meeting hold --case $C4 --attendees veilig-thuis,gemeente-tilburg,jeugdbescherming \
    --conclusions "one family, one plan"
as "$ANNA" plan propose --case $C4 --goals "stop the violence; a safe home for the children" \
    --casusregisseur gemeente-tilburg \
    --action id=s1,owner_org=veilig-thuis,description="safety plan with the family",due=2027-01-31 \
    --action id=s2,owner_org=jeugdbescherming,description="support for the children",persons=P3,P4,due=2027-01-31
as "$VT" plan agree --case $C4
as "$JB" plan agree --case $C4
echo "the agreed plan starts direct safety; anna moves the family on phase by phase:"
as "$ANNA" phase advance --case $C4 --reason "the violence has stopped"
as "$ANNA" phase advance --case $C4 --reason "safety is stable"
as "$ANNA" phase advance --case $C4 --reason "the causes are addressed"
echo "in monitoring a new incident: a relapse sends the case back to direct safety, and counts"
as "$ANNA" phase relapse --case $C4 --reason "a new incident reported by the police"
refused "$ANNA" case close --case $C4 --reason "only from monitoring"
REGIE_TOKEN=$ANNA bin/regie case get --case $C4 | grep -E '^  (state|route|relapses):' | sed 's/^/    /'

step "case 4: the partner moves out and asks to be erased: his key alone is destroyed"
as "$MGR" subject request --kind erasure --person bsn=496191937
ERQ=$(last_case)
as "$MGR" subject decide --request $ERQ --granted
as "$MGR" person erase --case $C4 --person P2 --ground "GDPR art. 17, on his request" --request $ERQ
echo "the others read on: the names in anna's history of case 4 now (the partner's is gone):"
echo "\$ regie case history --case $C4 | grep name:   (as anna)"
REGIE_TOKEN=$ANNA bin/regie case history --case $C4 >"$DATA/after-erase.out"
grep -E '^ +name:' "$DATA/after-erase.out" | sed 's/^ */      /' | sort -u
if grep -Eq "Rob Smit|496191937" "$DATA/after-erase.out" || ! grep -q "Noor Smit" "$DATA/after-erase.out"; then
    echo "regie demo: after the partner's erasure his data is readable, or the others' is not" >&2
    exit 1
fi
echo "and the log's hash chain still verifies (it covers what is stored, sealed):"
as "$ADMIN" log verify

step "case 4: the daughter's access request, made by her mother (Noor is under 16)"
as "$MGR" subject request --kind access --person bsn=895285873 --by name="Kim Smit" --by bsn=603470403
ARQ=$(last_case)
echo "the export is Noor's: her case, her data, the organisations that received it; nothing of her"
echo "mother, father or brother.  The persons' data in it:"
echo "\$ regie subject decide --request $ARQ --granted"
REGIE_TOKEN=$MGR bin/regie subject decide --request $ARQ --granted >"$DATA/export.out"
awk '/^cases:/ {p = 1} p && /^    (case|person):/' "$DATA/export.out" | sed 's/^ */    /'
grep -E '^ +(name|birth_date|bsn):' "$DATA/export.out" | sed 's/^ */      /' | sort -u
if grep -Eq "Kim Smit|Rob Smit|Sem Smit|603470403|496191937|811995653" "$DATA/export.out" ||
   ! grep -q "Noor Smit" "$DATA/export.out"; then
    echo "regie demo: Noor's export shows another member of the household, or not her" >&2
    exit 1
fi

step "case 5: the Levensloopaanpak: the inclusion table names the provider and the municipal casusregisseur"
as "$GGZ" case report --route levensloop --target-group verward_gedrag --urgency high \
    --summary "psychiatric disorder, high safety risk" --informed --subject name="P. Verbeek"
C5=$(last_case)
as "$ANNA" case assign --case $C5 --procesregisseur anna
as "$ANNA" intake start --case $C5
as "$ANNA" intake decide --case $C5 --admit --reason "inclusietafel: included" \
    --criteria multi_domain,local_safety --provider levensloopaanbieder --casusregisseur gemeente-tilburg
echo "the provider takes part from the inclusion on:"
REGIE_TOKEN=$LLA bin/regie case get --case $C5 | grep -E '^  (state|route):|org:' | sed 's/^/    /'

step "three weeks pass: the norms that passed unmet are anna's alerts, kept until she looks"
echo "\$ regie clock advance --ms 1814400000"
REGIE_TOKEN=$ADMIN bin/regie clock advance --ms 1814400000 | sed 's/^/    /'
echo "\$ regie alerts --exit-when-idle   (anna's own, from her token; her notification topic is opaque)"
REGIE_TOKEN=$ANNA bin/regie alerts --exit-when-idle --wait 200 | sed 's/^/    /'

step "case 6: the ladder climbs: an action stays undone through levels 1, 2 and 3"
PM_GGZ=$(token pm-ggz partner_manager ggz)
BURG=$(token burg-tilburg bestuur gemeente-tilburg)
echo "    a manager of ggz (partner_manager) and the mayor (bestuur) get accounts"
as "$POL" case report --target-group verward_gedrag --urgency high --summary "threats to a neighbour" \
    --informed --subject name="R. Kok" --subject birth_date=1979-09-14
C6=$(last_case)
as "$ANNA" case assign --case $C6 --procesregisseur anna
as "$ANNA" intake start --case $C6
as "$ANNA" intake decide --case $C6 --admit --reason "care and safety" --criteria multi_domain,local_safety
as "$ANNA" meeting schedule --case $C6 --at "$(engine_day 1) 10:00" --orgs police,ggz
as "$ANNA" meeting hold --case $C6 --attendees police,ggz --conclusions "treatment first"
as "$ANNA" plan propose --case $C6 --goals "treatment" \
    --action id=a1,owner_org=ggz,description="offer treatment",due=$(engine_day 2)
as "$GGZ" plan agree --case $C6
echo "a1 is not done by its date; five working days later the engine escalates to the manager:"
until_level $C6 1
as "$MGR" escalation resolve --case $C6 --decision "ggz is asked to offer treatment this week"
echo "still undone five working days after that decision: not level 1 again, but level 2,"
echo "the action meeting of the partners' managers; ggz's manager is alerted:"
until_level $C6 2
REGIE_TOKEN=$PM_GGZ bin/regie alerts list | sed 's/^/    /' | cut -c1-118
NEW_DUE=$(engine_day 3)
as "$MGR" escalation resolve --case $C6 --decision "actie-overleg: ggz starts treatment" --new-due $NEW_DUE
echo "a1 misses its new date ($NEW_DUE) too: the ladder climbs on, to the administrative level:"
until_level $C6 3
echo "the mayor reads the escalation dossier (what is stuck, since when, who owes what; no name, no BSN):"
echo "\$ regie escalation dossier --case $C6   (as the mayor)"
REGIE_TOKEN=$BURG bin/regie escalation dossier --case $C6 >"$DATA/dossier.out"
sed 's/^/    /' "$DATA/dossier.out" | cut -c1-118
if grep -q "R. Kok" "$DATA/dossier.out"; then
    echo "regie demo: the dossier names the person" >&2
    exit 1
fi
echo "the case file itself stays closed to the mayor:"
refused "$BURG" case get --case $C6
as "$BURG" escalation resolve --case $C6 --decision "the director of ggz sees to it" --new-due $(engine_day 5)

step "management information and the log's integrity"
as "$MGR" stats
as "$ADMIN" log verify

step "a simulated region: 300 cases, six months in about a minute"
echo "A second engine on a manual clock; regie-sim plays the partners, procesregisseurs and"
echo "managers (some partners slow, some plans stalling) and moves the clock a day at a time."
echo "One case in five is MDA++ (a household: a parent, a partner, two children whom youth protection"
echo "alone sees besides the ZVH, Veilig Thuis and the municipality; phases, now and then a relapse),"
echo "one in ten a Levensloop case."
echo "The stagnation alerts and escalations are the engine's own, read from each actor's inbox"
echo "(alerts.list) when their wake-ups arrive over nng.  The region's own config:"
SIM="$DATA/region"
mkdir -p "$SIM"
cat >"$DATA/region.conf" <<'CONF'
# the simulated region (regie.conf(5)): no national norm exists for MDA++
mda.norm.review = 28            # MDA++ cases are reviewed every four weeks
[zvh]
triage.day = tuesday            # weekly triage: reports in before Monday 12:00
triage.cutoff = monday 12:00    # are due for triage that Tuesday
mda.cap = 12                    # open MDA++ cases per procesregisseur
CONF
sed 's/^/    /' "$DATA/region.conf"
HTTP=${DEMO_HTTP:-127.0.0.1:7480}
bin/regied --data "$SIM" --listen "ipc://$SIM/rep.ipc" --publish "ipc://$SIM/pub.ipc" \
    --clock manual=2026-01-05T08:00:00Z --config "$DATA/region.conf" --http "$HTTP" 2>"$SIM/regied.log" &
ENGINES="$ENGINES $!"
wait_for "$SIM/admin.token" "$SIM/pub.ipc"
# The browser app on the simulated region: a login for each role.
SIM_ADMIN=$(cat "$SIM/admin.token")
web_actor() { REGIE_URL="ipc://$SIM/rep.ipc" REGIE_TOKEN=$SIM_ADMIN bin/regie --json actor create --id "$1" \
              --role "$2" --org "$3" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p'; }
W_PR=$(web_actor regisseur-demo procesregisseur zvh)
W_PA=$(web_actor politie-demo partner police)
W_MA=$(web_actor manager-demo manager zvh)
W_PM=$(web_actor ggz-manager-demo partner_manager ggz)
W_BE=$(web_actor burgemeester-demo bestuur gemeente)
step "the browser app: open http://$HTTP/ and log in with one of these tokens"
echo "    procesregisseur (regisseur-demo):         $W_PR"
echo "    partner, police (politie-demo):           $W_PA"
echo "    manager (manager-demo):                   $W_MA"
echo "    partner manager, ggz (ggz-manager-demo):  $W_PM"
echo "    bestuur (burgemeester-demo):              $W_BE"
echo "    admin:                                    $SIM_ADMIN"
echo "    (a partner system follows its feed with:"
echo "     curl -N -H 'Authorization: Bearer $W_PA' http://$HTTP/api/v1/feed)"
bin/regie-sim --connect "ipc://$SIM/rep.ipc" --publish "ipc://$SIM/pub.ipc" \
    --admin "$(cat "$SIM/admin.token")" --cases "${DEMO_CASES:-300}" --days "${DEMO_DAYS:-180}" \
    --pace "${DEMO_PACE:-250}"
REGIE_URL="ipc://$SIM/rep.ipc" REGIE_TOKEN=$(cat "$SIM/admin.token") bin/regie log verify | sed 's/^/    /'
echo
echo "The engines' data is in $DATA/ and $SIM/ (RocksDB); their logs in regied.log there."
if [ -t 0 ]; then
    echo "The browser app stays up at http://$HTTP/ until you press Enter."
    read -r _
fi
