/*
 * regie.c - the command-line client.  Every operation of the engine's op
 * table (schemas/ops.c) is a subcommand, with its data fields as named flags
 * typed by the same table, so a new operation needs no code here beyond a
 * line of help (describe[] below; a test fails while one lacks it):
 *
 *   regie [options] WORD [WORD2] [--field value ...]
 *
 * `case report` is op case.report, `stats` is op stats.  `tail` and `alerts`
 * (follow.c) follow the feed and the alerts; `whoami` checks the token.
 * Output is for people (local times, tables), or one line of JSON with
 * --json; failures go to stderr as `error: CODE: message` with a `hint:` line
 * saying what to do next, and the exit status is 1 (2 for a bad command
 * line, 3 when the engine cannot be reached).  A change's request id is
 * derived from the command (cli.h), so a command run again is not done twice.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../engine/storage/codec.h"
#include "../engine/domain/contract.h"
#include "cli.h"
#include "client.h"
#include "render.h"

#define MAX_FLAGS 128

typedef struct flag {
    const rg_field *field;
    const char *value;
} flag;

/* ================= help texts ================= */

/* What each operation does, in a line, and a command that does it. */
typedef struct describe {
    const char *op, *what, *example;
} describe;

static const describe describes[] = {
    {"actor.create", "create an actor (a person's account) and print its token, once",
     "regie actor create --id anna --role procesregisseur --org zvh"},
    {"actor.revoke", "revoke an actor: its token stops working at once", "regie actor revoke --id anna"},
    {"actor.rotate", "give an actor a new token, printed once; the old one stops working at once",
     "regie actor rotate --id anna --expires 2027-06-30"},
    {"case.report", "report a person to the ZVH: opens a case",
     "regie case report --target-group verward_gedrag --urgency high --summary \"repeated incidents\" "
     "--informed --subject name=\"J. Jansen\" --subject birth_date=1990-01-01"},
    {"case.assign", "give the case to a procesregisseur (to take it: your own id)",
     "regie case assign --case ZVH-7K2QF9XMT --procesregisseur anna"},
    {"intake.start", "start the intake of a reported case", "regie intake start --case ZVH-7K2QF9XMT"},
    {"intake.decide", "decide the intake: admit (with the criteria met) or reject (with a referral or advice)",
     "regie intake decide --case ZVH-7K2QF9XMT --admit --reason \"several life domains\" "
     "--criteria multi_domain,system"},
    {"intake.more_info", "ask the reporter for more information first; the case stays in intake",
     "regie intake more-info --case ZVH-7K2QF9XMT --question \"other problems than the noise?\" --due 2026-12-10"},
    {"partner.join", "let an organisation take part in the case; it sees what happens from now on",
     "regie partner join --case ZVH-7K2QF9XMT --org ggz"},
    {"info.request", "ask a partner organisation for information, by a date if given (else within the region's "
                     "norm, 5 working days); the organisation is alerted",
     "regie info request --case ZVH-7K2QF9XMT --org ggz --question \"treatment history?\" --due 2026-12-10"},
    {"info.provide", "answer an information request for your organisation",
     "regie info provide --case ZVH-7K2QF9XMT --request R1 --answer \"known since 2021\" --class special"},
    {"meeting.schedule", "schedule the case meeting and invite the organisations (in execution: an evaluation "
                         "meeting, --kind evaluation)",
     "regie meeting schedule --case ZVH-7K2QF9XMT --at \"2026-12-08 10:00\" --orgs police,ggz"},
    {"meeting.reschedule", "move the scheduled case or evaluation meeting to another time (the reply says when it misses the norm)",
     "regie meeting reschedule --case ZVH-7K2QF9XMT --at \"2026-12-09 14:00\""},
    {"meeting.hold", "record the case or evaluation meeting: who attended and what was concluded (--held-at when it was earlier)",
     "regie meeting hold --case ZVH-7K2QF9XMT --attendees police,ggz,P1 --conclusions \"joint approach\""},
    {"plan.propose", "propose the plan: goals, and actions each owned by an organisation (in execution: a "
                     "revision; the agreed plan stays in force until the revision is agreed)",
     "regie plan propose --case ZVH-7K2QF9XMT --goals \"treatment\" "
     "--action id=a1,owner_org=ggz,description=\"start treatment\",due=2027-01-15,persons=P1"},
    {"plan.agree", "agree to the proposed plan for your organisation (the last owner makes it the plan)",
     "regie plan agree --case ZVH-7K2QF9XMT"},
    {"action.complete", "report an action of the plan done, for the organisation that owns it",
     "regie action complete --case ZVH-7K2QF9XMT --action a1 --result \"treatment started\""},
    {"item.release", "release a classified item to more organisations (its source, or the procesregisseur)",
     "regie item release --case ZVH-7K2QF9XMT --seq 12 --orgs police"},
    {"review.hold", "record a review of the plan's progress",
     "regie review hold --case ZVH-7K2QF9XMT --notes \"both actions on track\""},
    {"case.escalate", "escalate the case: 1 manager, 2 actie-overleg, 3 administrative level",
     "regie case escalate --case ZVH-7K2QF9XMT --level 1 --reason \"no housing offer yet\""},
    {"escalation.resolve", "decide on an escalation, which ends it (levels 1-2 a manager, 3 a bestuur actor); "
                           "--new-due gives the stuck action or request a new date",
     "regie escalation resolve --case ZVH-7K2QF9XMT --decision \"priority housing granted\""},
    {"escalation.dossier", "the escalation's dossier: what is stuck since when, the ladder so far, who owes "
                           "what (no personal data)",
     "regie escalation dossier --case ZVH-7K2QF9XMT"},
    {"case.close", "close the case; open actions of the plan must be named as handed over (--handover)",
     "regie case close --case ZVH-7K2QF9XMT --reason \"goals met\" --handover a2"},
    {"case.end", "end the case early, in any open state: the person died, moved, was detained or withdrew",
     "regie case end --case ZVH-7K2QF9XMT --reason moved --to-region zvh-utrecht"},
    {"aftercare.check", "record the aftercare check after closing (allowed from the week before it is due)",
     "regie aftercare check --case ZVH-7K2QF9XMT --outcome stable"},
    {"case.reopen", "reopen a closed case", "regie case reopen --case ZVH-7K2QF9XMT --reason \"new incidents\""},
    {"case.get", "show a case as you may see it: state, partners, plan, deadlines, stagnations",
     "regie case get --case ZVH-7K2QF9XMT"},
    {"case.history", "show the events of a case that you may see", "regie case history --case ZVH-7K2QF9XMT"},
    {"cases.list", "list the cases you may see: urgency, target group, age (--mine: your own)",
     "regie cases list --mine --state analysis"},
    {"feed.read", "read the events you may see after a position, once (regie tail follows them)",
     "regie feed read --after 0 --limit 50"},
    {"audit.read", "read the audit trail: every read of case content, by whom, for what",
     "regie audit read --case ZVH-7K2QF9XMT"},
    {"log.verify", "walk the hash chain of the log; reports the first broken position, if any",
     "regie log verify"},
    {"clock.advance", "move a manual clock on (regied --clock manual); deadlines passed fire in order",
     "regie clock advance --ms 86400000"},
    {"stats", "counts: cases per state and route, lead times per step and route (median, 90th percentile, "
              "stays still running), escalations by level and outcome, open stagnations, overdue items per "
              "organisation (no personal data)", "regie stats"},
    {"whoami", "who your token is: id, role, organisation, region and covenants", "regie whoami"},
    {"notify.topics", "your own notification topics, to subscribe to on the publish socket",
     "regie notify topics"},
    {"alerts.list", "your open alerts, oldest first, each with a line in words (--all: resolved ones too, "
                    "and why each closed)", "regie alerts list --all"},
    {"alert.ack", "mark one of your alerts handled", "regie alert ack --alert 3"},
    {"backup.create", "back the running engine up into a directory on its host (incremental)",
     "regie backup create --dir /var/lib/regie-backup --keep 7"},
    {"log.head", "the latest signed head of the log's Merkle tree: size, root, time, signature, key id",
     "regie log head --json"},
    {"log.prove", "an inclusion proof of the record at a position (or of an audit record), with the signed head it leads to",
     "regie log prove --seq 42 --json"},
    {"log.consistency", "a consistency proof: the log at one size is the start of the log at another",
     "regie log consistency --from 100 --to 250 --json"},
    {"norms.whatif", "the region's real history replayed under other norms, side by side with reality (also: regie whatif)",
     "regie whatif --config /dev/null --from 2026-01-01 --to 2026-12-31"},
    {"case.erase", "erase a case's personal data for good (archived or referred, or on a granted request)",
     "regie case erase --case ZVH-7K2QF9XMT --ground \"retention period ended\""},
    {"subject.request", "register a data subject's request (GDPR): access, rectification, erasure, ...",
     "regie subject request --kind access --person name=\"J. Jansen\" --person birth_date=1990-01-01"},
    {"subject.decide", "grant or refuse a data subject's request, for the cases you may see (the rest waits)",
     "regie subject decide --request ZVH-3M8QD2WK9 --granted"},
    {"subject.correct", "record the corrected subject of a case (after a granted rectification)",
     "regie subject correct --case ZVH-7K2QF9XMT --subject name=\"J. Janssen\""},
    {"case.unrestrict", "lift the restriction of a case, or with --person that of one member of a household", "regie case unrestrict --case ZVH-7K2QF9XMT --reason \"objection withdrawn\""},
    {"subject.known", "which other regions have an open case on the same person",
     "regie subject known --person bsn=123456782"},
    {"processing.activities", "the register of processing activities: operation, purpose, legal basis, version",
     "regie processing activities"},
    {"processing.read", "the processing log by trace, activity or data subject (auditor; never the whole log)",
     "regie processing read --trace-id 4bf92f3577b34da6a3ce929d0e0e4736"},
    {"phase.advance", "MDA++: move the case on to its next phase",
     "regie phase advance --case ZVH-7K2QF9XMT --reason \"safety restored\""},
    {"person.add", "add a person to a household case (a partner, parent, child, sibling, someone of the network, "
                   "or another subject); the reply names their id",
     "regie person add --case ZVH-7K2QF9XMT --role child --name \"P. Jansen\" --birth-date 2015-07-08"},
    {"person.remove", "take a person out of a household case (a case keeps at least one subject)",
     "regie person remove --case ZVH-7K2QF9XMT --person P3 --reason \"moved out\""},
    {"client.perspective", "record what a person of the case wants, in their own words (sealed under their own "
                           "key, erased with them; case get shows each person's latest beside the plan)",
     "regie client perspective --case ZVH-7K2QF9XMT --person P1 --wishes \"help with the debts first\""},
    {"person.share", "limit a person of a household case to the organisations that need them (the ZVH always "
                     "sees them)",
     "regie person share --case ZVH-7K2QF9XMT --person P3 --orgs jeugdbescherming"},
    {"person.erase", "erase one person's data of a household case for good (archived or referred, or on a "
                     "granted request); the others read on",
     "regie person erase --case ZVH-7K2QF9XMT --person P2 --ground \"GDPR art. 17\" --request ZVH-3M8QD2WK9"},
    {"phase.relapse", "MDA++: back to direct safety after a relapse",
     "regie phase relapse --case ZVH-7K2QF9XMT --reason \"new incident\""},
    {NULL, NULL, NULL},
};

static const describe *describe_of(const char *op)
{
    for (const describe *d = describes; d->op; d++)
        if (!strcmp(d->op, op)) return d;
    return NULL;
}

/* A word more about a field, where its name and type do not say enough:
 * "op.field", or "field" for every operation. */
static const struct {
    const char *field, *note;
} notes[] = {
    {"class", "who may read the text: ordinary for everyone on the case; special, criminal or secret for its "
              "source, the procesregisseur and whom it is released to"},
    {"subject", "the person, as key=value, repeated: name=..., birth_date=YYYY-MM-DD, bsn=..."},
    {"person", "the person, as key=value, repeated: bsn=..., or name=... and birth_date=YYYY-MM-DD"},
    {"case.report.persons", "instead of --subject: the persons of a household, one flag each, at least one with "
                            "role=subject (the first of those is the case's subject, P1)"},
    {"case.report.subject", "the person, as key=value, repeated: name=..., birth_date=YYYY-MM-DD, bsn=...; or give "
                            "--person for each person of a household"},
    {"person.add.bsn", "nine digits that pass the eleven-test"},
    {"person.remove.person", "the person's id (P1, ...: case get shows them)"},
    {"person.erase.person", "the person's id (P1, ...: case get shows them)"},
    {"person.share.person", "the person's id (P1, ...: case get shows them)"},
    {"person.share.orgs", "the organisations that see the person from now on (comma-separated); the others of "
                          "the case no longer do"},
    {"person.erase.request", "a granted erasure request's case id"},
    {"subject.correct.person", "the person corrected (P1, ...: case get shows them); the one the granted request "
                               "is from when not given"},
    {"subject.request.by", "for a child under 16: who asks, with parental authority, as key=value, repeated: "
                           "name=..., bsn=..."},
    {"case.report.informed", "the person was told of the report (else give --exemption)"},
    {"case.report.exemption", "why the person was not told"},
    {"case.report.release_date", "the re-entry route's date of release"},
    {"intake.decide.criteria", "required to admit"},
    {"intake.decide.referred_to", "to reject: give this, --advice or both"},
    {"intake.decide.advice", "to reject: give this, --referred-to or both"},
    {"intake.decide.provider", "levensloop: the Levensloopaanbieder's org, which joins the case"},
    {"intake.decide.casusregisseur", "levensloop: the municipal org"},
    {"plan.propose.casusregisseur", "the org that directs the content"},
    {"plan.propose.actions", "persons: whom the action is about (each one its owner may see)"},
    {"plan.propose.perspectives", "the persons whose latest perspective (client perspective) the goals answer"},
    {"client.perspective.person", "the person's id (P1, ...: case get shows them)"},
    {"client.perspective.wishes", "what the person wants, in their own words"},
    {"meeting.hold.attendees", "the organisations and persons of the case (P1, ...) who attended"},
    {"info.provide.request", "the request's id (R1, ...: case get shows them)"},
    {"info.request.persons", "whom it is about: persons of the case (P2,P3: case get shows them), each one the "
                             "org asked may see"},
    {"item.release.seq", "the item's position in the log (case history shows it as seq)"},
    {"item.release.subject", "release it to the data subject: their access export shows its text (a criminal or "
                             "secret item only so; GDPR art. 23)"},
    {"escalation.resolve.new_due", "a new due date for the stuck action or request; missing it climbs on"},
    {"meeting.schedule.kind", "case: the case meeting (analysis); evaluation: a further meeting once the plan is "
                              "in force, which counts as a review"},
    {"meeting.hold.held_at", "when it really took place, if not now; another day than scheduled is recorded as moved"},
    {"case.escalate.level", "1 manager, 2 actie-overleg, 3 administrative"},
    {"case.end.reason", "other needs --explanation; moved may name --to-region"},
    {"case.end.to_region", "with --reason moved: the region the person moved to, when known"},
    {"case.end.explanation", "required with --reason other"},
    {"case.close.handover", "the ids of the plan's open actions handed over to the regular network (a1,a2)"},
    {"cases.list.after", "continue after this case id (a previous list's `next`)"},
    {"feed.read.after", "the position to read after (a previous read's `next`; 0: from the start)"},
    {"feed.read.wait_ms", "wait up to this many ms for a new event when there is none"},
    {"clock.advance.ms", "milliseconds: 3600000 an hour, 86400000 a day"},
    {"alert.ack.alert", "the alert's number (alerts list shows it)"},
    {"subject.decide.ground", "required to refuse"},
    {"subject.decide.request", "the request's case id"},
    {"case.erase.request", "a granted erasure request's case id"},
    {"backup.create.dir", "a directory on the engine's host"},
    {"backup.create.keep", "how many backups to keep there (default 7)"},
    {"log.prove.seq", "the record's position in the log (case history shows it as seq)"},
    {"log.prove.size", "prove in the tree of this many records, an older head's size (default: the latest head's)"},
    {"log.consistency.from", "the size of the older head"},
    {"log.consistency.to", "the size of the newer head (at most the latest head's)"},
    {"log.consistency.audit", "between two heads of the audit trail (DIR/audit.heads), not of the log"},
    {"log.prove.audit", "instead of --seq: the audit record of this number (audit read shows it as n)"},
    {"norms.whatif.config", "a config file (regie.conf(5)) on this machine: its text is sent (/dev/null: the built-in norms)"},
    {"norms.whatif.from", "count from the start of this day (default: the log's first event)"},
    {"norms.whatif.to", "count up to the end of this day (default: the log's last event)"},
    {"norms.whatif.region", "your own region (a manager replays no other)"},
    {NULL, NULL},
};

static const char *note_of(const rg_opdef *op, const rg_field *f)
{
    char full[128];
    snprintf(full, sizeof full, "%s.%s", op->name, f->name);
    for (int i = 0; notes[i].field; i++)
        if (!strcmp(notes[i].field, full)) return notes[i].note;
    for (int i = 0; notes[i].field; i++)
        if (!strcmp(notes[i].field, f->name)) return notes[i].note;
    return NULL;
}

/* Flags that stand for a field with a value: `intake decide --reject`. */
static const struct {
    const char *op, *flag, *field, *value, *help;
} aliases[] = {
    {"intake.decide", "reject", "admit", "false", "the same as --admit=false"},
    {"subject.decide", "refuse", "granted", "false", "the same as --granted=false"},
    {NULL, NULL, NULL, NULL, NULL},
};

/* How a command is typed: case.get is `regie case get`, intake.more_info
 * `regie intake more-info` (a word is spelled like a flag; the op's own
 * spelling, more_info, is taken too). */
static const char *command_words(const rg_opdef *op, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s", op->name);
    for (char *p = buf; *p; p++) {
        if (*p == '.') *p = ' ';
        if (*p == '_') *p = '-';
    }
    return buf;
}

/* The op a command names: "case" "get", or one word ("stats"). */
static const rg_opdef *find_op(const char *w1, const char *w2)
{
    char name[128];
    snprintf(name, sizeof name, "%s%s%s", w1, w2 ? "." : "", w2 ? w2 : "");
    for (char *p = name; *p; p++)
        if (*p == '-') *p = '_';
    return rg_op_find(name, (uint32_t)strlen(name));
}

/* How a field is given as a flag: release_date is --release-date. */
static const char *flag_spelling(const rg_field *f, char *buf, size_t cap)
{
    snprintf(buf, cap, "--%s", f->name);
    for (char *p = buf + 2; *p; p++)
        if (*p == '_') *p = '-';
    return buf;
}

static void roles_of(const rg_opdef *op, char *buf, size_t cap)
{
    int k = 0;
    buf[0] = 0;
    for (int r = 0; r < RG_NROLES && k >= 0 && (size_t)k < cap; r++)
        if (op->roles & (1u << r)) k += snprintf(buf + k, cap - (size_t)k, "%s%s", k ? ", " : "", rg_role_name(r));
}

/* whoami is the engine's, when its contract has one. */
static bool whoami_builtin(void) { return !find_op("whoami", NULL); }

static void usage(FILE *out)
{
    fprintf(out,
            "usage: regie [options] COMMAND [--flag value ...]\n\n"
            "options (before or after the command):\n"
            "  --token T      the actor's token (default $REGIE_TOKEN)\n"
            "  --connect URL  the engine (default $REGIE_URL or tcp://127.0.0.1:7450)\n"
            "  --case ID      the case, for operations on one case\n"
            "  --expect N     fail with version_conflict unless the case is at version N\n"
            "  --new          a change: a new request id, not that of an earlier run (see below)\n"
            "  --req ID       a change: this request id instead of the derived one\n"
            "  --json         print the reply as one line of JSON (times as ISO 8601 with offset)\n"
            "  --timeout MS   how long to wait for the reply (default 10000)\n"
            "  --tls-ca FILE  CA certificate for tls+tcp:// URLs; the engine's certificate must name\n"
            "                 the URL's host\n"
            "  --tls-server-name NAME  check the engine's certificate against NAME instead (needed\n"
            "                 when the URL's host is an IP address)\n"
            "  --tls-cert-key FILE  our certificate and key (PEM), for an engine that requires\n"
            "                 client certificates (regied --tls-ca)\n"
            "  --dry-run      print the request that would be sent (the token left out), send nothing\n"
            "  -v             say the request id used and where the request goes\n"
            "  --help         this text, or a command's description, flags and example after the command\n\n"
            "Request ids.  A change is sent with a request id derived from the command: a hash of your\n"
            "token, the operation, the case and the flags, and a generation.  The same command run again\n"
            "when its last run got no reply (a timeout, a lost connection) within 10 minutes is a retry:\n"
            "the same id, which the engine answers with its first reply, doing nothing twice.  Run again\n"
            "after its reply came (or long after), it is done again: a new id.  --new always gives a new\n"
            "id; --req ID gives one.  The ids are kept in $XDG_STATE_HOME/regie/requests (default\n"
            "~/.local/state/regie/requests; hashes only).\n\n"
            "Times are shown in Europe/Amsterdam, or in TZ when set, by the engine's clock; a deadline at\n"
            "midnight reads as the day it ends: \"2026-05-06, end of day\".  Dates and times are given as\n"
            "2026-12-01 (a date: due at the end of\n"
            "that day), \"2026-12-01 10:00\" (local time) or 2026-12-01T10:00:00+01:00.\n\n"
            "commands: (in parentheses: who may use them)\n");
    for (const rg_opdef *op = rg_ops; op->name; op++) {
        char words[64], roles[128];
        const describe *d = describe_of(op->name);
        roles_of(op, roles, sizeof roles);
        fprintf(out, "  %-19s (%s) %s\n", command_words(op, words, sizeof words), roles, d ? d->what : "");
    }
    if (whoami_builtin()) fprintf(out, "  %-19s (every role) check your token: is it accepted, by which engine\n", "whoami");
    fprintf(out, "  %-19s (procesregisseur, partner, manager) follow the events you may see (regie tail --help)\n",
            "tail");
    fprintf(out, "  %-19s (procesregisseur, partner, manager) follow your alerts as they come (regie alerts --help)\n",
            "alerts");
    fprintf(out, "  %-19s (anyone, offline) check a signed log head with the engine's public key (regie verify-head --help)\n",
            "verify-head");
    fprintf(out, "  %-19s (anyone, offline) check an inclusion or consistency proof (regie verify-proof --help)\n",
            "verify-proof");
}

/* The allowed words of an enumerated field, joined by sep. */
static void words_of(const rg_field *f, const char *sep, char *buf, size_t cap)
{
    size_t k = 0;
    buf[0] = 0;
    const char *p = f->values ? f->values : "";
    while (*p) {
        while (*p == ' ') p++;
        const char *e = p;
        while (*e && *e != ' ') e++;
        if (e > p) {
            int w = snprintf(buf + k, cap - k, "%s%.*s", k ? sep : "", (int)(e - p), p);
            if (w < 0 || (size_t)w >= cap - k) break;
            k += (size_t)w;
        }
        p = e;
    }
}

/* The flag's placeholder in help: --summary TEXT. */
static const char *placeholder(const rg_field *f)
{
    switch (f->type) {
    case RG_F_STR: return " TEXT";
    case RG_F_TEXT: return " TEXT";
    case RG_F_BOOL: return "";
    case RG_F_UINT: return " N";
    case RG_F_DATE: return " DATE";
    case RG_F_OPEN_MAP: return " KEY=VALUE";
    case RG_F_STR_ARRAY: return " A,B,...";
    case RG_F_MAP_ARRAY: return " K=V,K=V,...";
    case RG_F_ENUM: return " WORD";
    case RG_F_ENUM_ARRAY: return " WORD,...";
    }
    return " VALUE";
}

/* What a flag takes, as the help shows it; an enumerated field lists its
 * words.  The words themselves are checked by the engine. */
static const char *type_name(const rg_field *f, char *buf, size_t cap)
{
    char w[512];
    switch (f->type) {
    case RG_F_STR: snprintf(buf, cap, "a name or short text"); break;
    case RG_F_TEXT: snprintf(buf, cap, "free text"); break;
    case RG_F_BOOL:
        snprintf(buf, cap, "yes or no: --%s, or --%s=false (also --no-%s)", f->name, f->name, f->name);
        for (char *p = buf; *p; p++)
            if (*p == '_') *p = '-';
        break;
    case RG_F_UINT:
        if (f->max) snprintf(buf, cap, "a number, %" PRIu64 "..%" PRIu64, f->min, f->max);
        else snprintf(buf, cap, "a number, at least %" PRIu64, f->min);
        break;
    case RG_F_DATE:
        snprintf(buf, cap, "a date (2026-12-01: the end of that day) or a local time (\"2026-12-01 10:00\")");
        break;
    case RG_F_OPEN_MAP: snprintf(buf, cap, "key=value, repeated for each key"); break;
    case RG_F_STR_ARRAY:
        snprintf(buf, cap, "a list: comma-separated or the flag repeated (\\, for a comma inside one)");
        break;
    case RG_F_MAP_ARRAY: snprintf(buf, cap, "one item per flag, repeated for more: its fields as k=v,k=v"); break;
    case RG_F_ENUM:
        words_of(f, ", ", w, sizeof w);
        snprintf(buf, cap, "one of: %s", w);
        break;
    case RG_F_ENUM_ARRAY:
        words_of(f, ", ", w, sizeof w);
        snprintf(buf, cap, "one or more of: %s (comma-separated or repeated)", w);
        break;
    }
    return buf;
}

static void op_help(const rg_opdef *op)
{
    char words[64], roles[128], what[640], flagname[64], col[96];
    const describe *d = describe_of(op->name);
    command_words(op, words, sizeof words);
    roles_of(op, roles, sizeof roles);
    printf("regie %s%s%s\n\n", words, op->flags & RG_OP_CASE ? " --case ID" : "",
           op->fields ? " [flags]" : "");
    char line[256];
    snprintf(line, sizeof line, "%s", d ? d->what : "(no description)");
    if (line[0] >= 'a' && line[0] <= 'z') line[0] = (char)(line[0] - 'a' + 'A');
    printf("  %s.\n  Who may: %s.\n\n", line, roles);
    printf("flags:\n");
    if (op->flags & RG_OP_CASE) printf("  %-26s the case (required)\n", "--case ID");
    for (const rg_field *f = op->fields; f && f->name; f++) {
        const char *note = note_of(op, f);
        flag_spelling(f, flagname, sizeof flagname);
        size_t fl = strlen(flagname);
        if (f->type == RG_F_MAP_ARRAY && flagname[fl - 1] == 's') flagname[fl - 1] = 0;   /* --action, per item */
        snprintf(col, sizeof col, "%s%s", flagname, placeholder(f));
        printf("  %-26s %s%s%s%s\n", col, f->required ? "(required) " : "", type_name(f, what, sizeof what),
               note ? "; " : "", note ? note : "");
        if (f->type == RG_F_MAP_ARRAY)
            for (const rg_field *s = f->sub; s && s->name; s++)
                printf("  %-26s   %s: %s%s\n", "", s->name, s->required ? "(required) " : "",
                       type_name(s, what, sizeof what));
    }
    for (int i = 0; aliases[i].op; i++)
        if (!strcmp(aliases[i].op, op->name)) {
            snprintf(col, sizeof col, "--%s", aliases[i].flag);
            printf("  %-26s %s\n", col, aliases[i].help);
        }
    if (!strcmp(op->name, "cases.list"))
        printf("  %-26s only your own cases: a procesregisseur's assigned cases (not the unassigned\n"
               "  %-26s ones shown for triage); a partner's and a manager's are all they see\n", "--mine", "");
    if (!op->fields && !(op->flags & RG_OP_CASE)) printf("  (none)\n");
    if (op->flags & RG_OP_MUTATES)
        printf("  %-26s a new request id: do it again, not a retry (regie --help: request ids)\n"
               "  %-26s fail unless the case is at version N\n", "--new", "--expect N");
    printf("\nexample:\n  %s\n", d ? d->example : "(none)");
}

/* ================= flags to data ================= */

static bool name_is(const char *flagname, size_t n, const char *field)
{
    if (strlen(field) != n) return false;
    for (size_t i = 0; i < n; i++) {
        char a = flagname[i] == '-' ? '_' : flagname[i];
        if (a != field[i]) return false;
    }
    return true;
}

static const rg_field *find_field(const rg_field *fields, const char *name, size_t n)
{
    for (const rg_field *f = fields; f && f->name; f++)
        if (name_is(name, n, f->name)) return f;
    /* The singular of a list: --action for actions, --org for orgs. */
    for (const rg_field *f = fields; f && f->name; f++) {
        size_t fl = strlen(f->name);
        if ((f->type == RG_F_MAP_ARRAY || f->type == RG_F_STR_ARRAY || f->type == RG_F_ENUM_ARRAY) &&
            fl == n + 1 && f->name[fl - 1] == 's') {
            char tmp[64];
            snprintf(tmp, sizeof tmp, "%.*s", (int)(fl - 1), f->name);
            if (name_is(name, n, tmp)) return f;
        }
    }
    return NULL;
}

/* p[0..n) with `\,` read as a comma (and `\\` as one backslash) into buf. */
static size_t unescape(const char *p, size_t n, char *buf, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < cap; i++) {
        if (p[i] == '\\' && i + 1 < n && (p[i + 1] == ',' || p[i + 1] == '\\')) i++;
        buf[k++] = p[i];
    }
    buf[k] = 0;
    return k;
}

/* The next unescaped comma in p, or NULL. */
static const char *next_comma(const char *p)
{
    for (; *p; p++) {
        if (*p == '\\' && (p[1] == ',' || p[1] == '\\')) {
            p++;
            continue;
        }
        if (*p == ',') return p;
    }
    return NULL;
}

static bool is_true(const char *v) { return !strcmp(v, "true") || !strcmp(v, "yes"); }
static bool is_false(const char *v) { return !strcmp(v, "false") || !strcmp(v, "no"); }

static int write_scalar(rg_buf *b, rg_ftype t, const char *v, const char *what)
{
    if (t == RG_F_BOOL) {
        if (is_true(v)) rg_w_bool(b, true);
        else if (is_false(v)) rg_w_bool(b, false);
        else {
            fprintf(stderr, "regie: %s takes true or false, not '%s'\n", what, v);
            return -1;
        }
    } else if (t == RG_F_UINT) {
        char *end;
        unsigned long long u = strtoull(v, &end, 10);
        if (!*v || *end || *v == '-') {
            fprintf(stderr, "regie: %s takes a whole number, not '%s'\n", what, v);
            return -1;
        }
        rg_w_uint(b, u);
    } else if (t == RG_F_DATE) {
        char iso[48];
        rg_w_cstr(b, rg_render_local_input(v, iso, sizeof iso) ? iso : v);
    } else {
        rg_w_cstr(b, v);
    }
    return 0;
}

/* The word of an enumerated field a typed value means: the word itself, or
 * the word written with '-' where it has '_' (or the other way round) and in
 * any case, so `--target-group verward-gedrag` sends verward_gedrag and
 * `--route re_entry` sends re-entry.  Anything else goes as typed, for the
 * engine to refuse naming the words.  regie(1), "Enumerated values". */
static const char *enum_word(const rg_field *f, const char *v, char *buf, size_t cap)
{
    size_t n = strlen(v);
    for (const char *p = f->values; p && *p;) {
        size_t len = strcspn(p, " ");
        bool same = len == n && len < cap;
        for (size_t i = 0; same && i < len; i++) {
            char a = v[i], w = p[i];
            if (a >= 'A' && a <= 'Z') a = (char)(a - 'A' + 'a');
            if (a == '-' || a == '_') a = w == '-' || w == '_' ? w : a;
            same = a == w;
        }
        if (same) {
            memcpy(buf, p, len);
            buf[len] = 0;
            return buf;
        }
        p += len + (p[len] == ' ');
    }
    return v;
}

/* The values of a list field, each comma-separated (`\,` for a comma inside
 * one), as one array. */
static void write_list(rg_buf *b, const rg_field *f, const char *const *vals, int n)
{
    uint32_t count = 0;
    for (int i = 0; i < n; i++)
        for (const char *p = vals[i];; p++) {
            count++;
            if (!(p = next_comma(p))) break;
        }
    rg_w_array(b, count);
    for (int i = 0; i < n; i++) {
        const char *p = vals[i];
        for (;;) {
            const char *c = next_comma(p);
            size_t len = c ? (size_t)(c - p) : strlen(p);
            char *item = malloc(len + 1), word[64];
            size_t k = unescape(p, len, item, len + 1);
            if (f->type == RG_F_ENUM_ARRAY) rg_w_cstr(b, enum_word(f, item, word, sizeof word));
            else rg_w_str(b, item, k);
            free(item);
            if (!c) break;
            p = c + 1;
        }
    }
}

/* "id=a1,owner_org=ggz,description=x, y" -> a map; a comma starts a new pair
 * only when a known field name and '=' follow it (and never `\,`). */
static int write_item(rg_buf *b, const rg_field *f, const char *v)
{
    const char *starts[32];
    int n = 0;
    for (const char *p = v; *p && n < 32; p++) {
        if (p != v && (*(p - 1) != ',' || (p - 2 >= v && *(p - 2) == '\\'))) continue;
        const char *eq = strchr(p, '=');
        if (!eq) continue;
        for (const rg_field *s = f->sub; s && s->name; s++)
            if ((size_t)(eq - p) == strlen(s->name) && strncmp(p, s->name, strlen(s->name)) == 0)
                starts[n++] = p;
    }
    if (n == 0 || starts[0] != v) {
        fprintf(stderr, "regie: --%s takes k=v,k=v with k one of the item's fields\n", f->name);
        return -1;
    }
    rg_w_map(b, (uint32_t)n);
    for (int i = 0; i < n; i++) {
        const char *eq = strchr(starts[i], '=');
        const char *end = i + 1 < n ? starts[i + 1] - 1 : starts[i] + strlen(starts[i]);
        const rg_field *s = f->sub;
        while (s->name && !((size_t)(eq - starts[i]) == strlen(s->name) &&
                            strncmp(starts[i], s->name, strlen(s->name)) == 0))
            s++;
        rg_w_cstr(b, s->name);
        if (s->type == RG_F_STR_ARRAY || s->type == RG_F_ENUM_ARRAY) {
            /* a list inside an item (persons=P2,P3): the commas up to the
             * next field's name are its own */
            char raw[8192];
            size_t len = (size_t)(end - eq - 1) < sizeof raw ? (size_t)(end - eq - 1) : sizeof raw - 1;
            memcpy(raw, eq + 1, len);
            raw[len] = '\0';
            const char *one = raw;
            write_list(b, s, &one, 1);
            continue;
        }
        char val[8192];
        unescape(eq + 1, (size_t)(end - eq - 1), val, sizeof val);
        if (write_scalar(b, s->type, val, s->name) < 0) return -1;
    }
    return 0;
}

/* Write one field with all the values given for it. */
static int write_field(rg_buf *b, const rg_field *f, const flag *flags, int nflags)
{
    const char *vals[MAX_FLAGS];
    int n = 0;
    for (int i = 0; i < nflags; i++)
        if (flags[i].field == f) vals[n++] = flags[i].value;
    rg_w_cstr(b, f->name);
    switch (f->type) {
    case RG_F_OPEN_MAP:
        rg_w_map(b, (uint32_t)n);
        for (int i = 0; i < n; i++) {
            const char *eq = strchr(vals[i], '=');
            if (!eq || eq == vals[i]) {
                fprintf(stderr, "regie: --%s takes key=value\n", f->name);
                return -1;
            }
            rg_w_str(b, vals[i], (size_t)(eq - vals[i]));
            rg_w_cstr(b, eq + 1);
        }
        return 0;
    case RG_F_STR_ARRAY:
    case RG_F_ENUM_ARRAY:           /* the engine checks the words */
        write_list(b, f, vals, n);
        return 0;
    case RG_F_MAP_ARRAY:
        rg_w_array(b, (uint32_t)n);
        for (int i = 0; i < n; i++)
            if (write_item(b, f, vals[i]) < 0) return -1;
        return 0;
    default:
        if (n > 1) {
            fprintf(stderr, "regie: --%s given more than once\n", f->name);
            return -1;
        }
        char word[64];
        return write_scalar(b, f->type, f->type == RG_F_ENUM ? enum_word(f, vals[0], word, sizeof word) : vals[0],
                            f->name);
    }
}

/* ================= cases list ================= */

/* A msgpack value as JSON, with a newline after it or not. */
static int print_msgpack(const rg_buf *b, bool newline)
{
    rg_doc *d;
    const char *why;
    if (rg_doc_parse(&d, b->data, b->len, &why) < 0) return 2;
    rg_render_json(stdout, rg_doc_root(d));
    if (newline) fputc('\n', stdout);
    rg_doc_free(d);
    return 0;
}


/* A case's age by the engine's clock (the reply's `now`; an engine that
 * does not give it: this machine's). */
static void age_of(uint64_t created, uint64_t now, char *buf, size_t cap)
{
    if (!now) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        now = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
    }
    if (!created || created > now) {
        snprintf(buf, cap, "-");
        return;
    }
    uint64_t m = (now - created) / 60000, h = m / 60, d = h / 24;
    if (d) snprintf(buf, cap, "%" PRIu64 "d", d);
    else if (h) snprintf(buf, cap, "%" PRIu64 "h", h);
    else snprintf(buf, cap, "%" PRIu64 "m", m);
}

typedef struct row {
    char id[40], state[32], urgency[40], group[72], age[16], regisseur[72], stagnations[12];
} row;

static void row_of(const rg_val *c, uint64_t now, row *r)
{
    uint64_t created = 0, st = 0;
    bool triage = false;
    memset(r, 0, sizeof *r);
    rg_val_strcpy(rg_map_get(c, "id"), r->id, sizeof r->id);
    rg_val_strcpy(rg_map_get(c, "state"), r->state, sizeof r->state);
    if (!rg_val_strcpy(rg_map_get(c, "urgency"), r->urgency, sizeof r->urgency)) snprintf(r->urgency, 2, "-");
    if (!rg_val_strcpy(rg_map_get(c, "target_group"), r->group, sizeof r->group)) snprintf(r->group, 2, "-");
    rg_val_uint(rg_map_get(c, "created_at"), &created);
    age_of(created, now, r->age, sizeof r->age);
    rg_val_bool(rg_map_get(c, "triage"), &triage);
    if (!rg_val_strcpy(rg_map_get(c, "procesregisseur"), r->regisseur, sizeof r->regisseur))
        snprintf(r->regisseur, sizeof r->regisseur, "%s", triage ? "(unassigned)" : "-");
    rg_val_uint(rg_map_get(c, "stagnations"), &st);
    snprintf(r->stagnations, sizeof r->stagnations, "%" PRIu64, st);
}

static void print_table(const rg_val *const *cases, size_t n, const char *next, uint64_t now)
{
    if (!n) {
        printf("no cases\n");
    } else {
        row *rows = calloc(n, sizeof *rows);
        int w[6] = {4, 5, 7, 12, 3, 15};
        for (size_t i = 0; i < n; i++) {
            row_of(cases[i], now, &rows[i]);
            const char *cols[6] = {rows[i].id, rows[i].state, rows[i].urgency, rows[i].group, rows[i].age,
                                   rows[i].regisseur};
            for (int k = 0; k < 6; k++)
                if ((int)strlen(cols[k]) > w[k]) w[k] = (int)strlen(cols[k]);
        }
        printf("%-*s  %-*s  %-*s  %-*s  %*s  %-*s  %s\n", w[0], "CASE", w[1], "STATE", w[2], "URGENCY", w[3],
               "TARGET GROUP", w[4], "AGE", w[5], "PROCESREGISSEUR", "STAGNATIONS");
        for (size_t i = 0; i < n; i++)
            printf("%-*s  %-*s  %-*s  %-*s  %*s  %-*s  %s\n", w[0], rows[i].id, w[1], rows[i].state, w[2],
                   rows[i].urgency, w[3], rows[i].group, w[4], rows[i].age, w[5], rows[i].regisseur,
                   rows[i].stagnations);
        free(rows);
    }
    if (next && *next) printf("(more: regie cases list --after %s)\n", next);
}

/* cases.list, all pages of it for --mine (the rows not seen for triage, up to
 * --limit), printed as a table or as JSON {ok, cases, next}. */
static int cases_list(rg_cli *cli, const rg_opdef *op, const flag *flags, int nflags, bool mine)
{
    const rg_field *f_after = find_field(op->fields, "after", 5), *f_limit = find_field(op->fields, "limit", 5);
    char after[80] = "", next[80] = "";
    uint64_t want = UINT64_MAX, now = 0;
    for (int i = 0; i < nflags; i++) {
        if (flags[i].field == f_after) snprintf(after, sizeof after, "%s", flags[i].value);
        if (flags[i].field == f_limit && mine) want = strtoull(flags[i].value, NULL, 10);
    }
    rg_cli_reply *pages = NULL;
    size_t npages = 0, nrows = 0, cap = 0;
    const rg_val **rows = NULL;
    int rc = 0;
    for (;;) {
        /* The fields as given, but for --mine: every page of 500 from `after`. */
        rg_buf b = RG_BUF_INIT;
        int nfields = 0;
        for (const rg_field *f = op->fields; f && f->name; f++) {
            bool given = false;
            for (int i = 0; i < nflags; i++) given |= flags[i].field == f;
            nfields += given && f != f_after && !(mine && f == f_limit);
        }
        nfields += (after[0] != 0) + mine;
        rg_req_envelope(&b, op->name, cli->dry_run ? "(left out)" : cli->token ? cli->token : "", NULL, NULL, -1,
                        nfields);
        for (const rg_field *f = op->fields; f && f->name; f++) {
            bool given = false;
            for (int i = 0; i < nflags; i++) given |= flags[i].field == f;
            if (given && f != f_after && !(mine && f == f_limit) && write_field(&b, f, flags, nflags) < 0) {
                rg_buf_free(&b);
                rc = 2;
                goto out;
            }
        }
        if (after[0]) rg_w_kstr(&b, "after", after);
        if (mine) rg_w_kuint(&b, "limit", 500);
        if (cli->dry_run) {
            rc = print_msgpack(&b, true);
            rg_buf_free(&b);
            goto out;
        }
        pages = realloc(pages, (npages + 1) * sizeof *pages);
        rc = rg_cli_call(cli, &b, &pages[npages]);
        rg_buf_free(&b);
        if (rc) goto out;
        rg_cli_reply *r = &pages[npages++];
        if (!r->ok) {
            rc = rg_cli_print(cli, r->root);
            goto out;
        }
        const rg_val *cs = rg_map_get(r->root, "cases");
        rg_val_uint(rg_map_get(r->root, "now"), &now);
        next[0] = 0;
        rg_val_strcpy(rg_map_get(r->root, "next"), next, sizeof next);
        for (uint32_t i = 0; i < rg_array_size(cs); i++) {
            const rg_val *c = rg_array_at(cs, i);
            bool triage = false;
            rg_val_bool(rg_map_get(c, "triage"), &triage);
            if (mine && triage) continue;
            if (nrows == want) {            /* more of them: go on after the last one shown */
                rg_val_strcpy(rg_map_get(rows[nrows - 1], "id"), next, sizeof next);
                break;
            }
            if (nrows == cap) {
                cap = cap ? cap * 2 : 64;
                rows = realloc(rows, cap * sizeof *rows);
            }
            rows[nrows++] = c;
        }
        if (!mine || !next[0] || nrows == want) break;
        snprintf(after, sizeof after, "%s", next);
    }
    if (cli->json) {
        printf("{\"ok\":true,\"cases\":[");
        for (size_t i = 0; i < nrows; i++) {
            if (i) putchar(',');
            rg_render_json(stdout, rows[i]);
        }
        printf("],\"next\":");
        rg_buf nb = RG_BUF_INIT;
        if (next[0]) rg_w_cstr(&nb, next);
        else rg_w_nil(&nb);
        print_msgpack(&nb, false);
        rg_buf_free(&nb);
        printf("}\n");
    } else {
        print_table(rows, nrows, next, now);
    }
out:
    for (size_t i = 0; i < npages; i++) rg_cli_reply_free(&pages[i]);
    free(pages);
    free(rows);
    return rc;
}

/* ================= whoami ================= */

static int whoami(rg_cli *cli)
{
    if (cli->help) {
        printf("regie whoami\n\n"
               "  Check your token: whether the engine accepts it, and which engine that is.\n"
               "  Who may: every role.\n\n"
               "  This engine has no operation that tells an actor its own id, role, organisation\n"
               "  or region, so those are not shown: your admin knows which actor a token was made for.\n\n"
               "example:\n  REGIE_TOKEN=$(cat my.token) regie whoami\n");
        return 0;
    }
    rg_buf b = RG_BUF_INIT;
    rg_req_envelope(&b, "notify.topics", cli->token ? cli->token : "", NULL, NULL, -1, -1);
    rg_cli_reply r;
    cli->cmd = "whoami";
    int rc = rg_cli_call(cli, &b, &r);
    rg_buf_free(&b);
    if (rc) return rc;
    if (!r.ok) {
        rc = rg_cli_print(cli, r.root);
        rg_cli_reply_free(&r);
        return rc;
    }
    char th[65];
    rg_cli_token_hash(cli->token, th);
    th[12] = 0;
    if (cli->json) {
        printf("{\"ok\":true,\"accepted\":true,\"fingerprint\":\"%s\",\"url\":", th);
        rg_buf u = RG_BUF_INIT;
        rg_w_cstr(&u, cli->url);
        print_msgpack(&u, false);
        rg_buf_free(&u);
        printf(",\"id\":null,\"role\":null,\"org\":null,\"zvh\":null}\n");
    } else {
        printf("token:    accepted (fingerprint %s)\n"
               "engine:   %s\n"
               "identity: not told by this engine (it has no operation that returns the token's id, role,\n"
               "          organisation and region); your admin knows which actor the token was made for\n"
               "times:    shown in %s\n",
               th, cli->url, rg_render_zone());
    }
    rg_cli_reply_free(&r);
    return 0;
}

/* A config file's text for norms.whatif (at most 64 KiB, as the engine
 * takes); NULL, said on stderr, when it cannot be read. */
static char *read_text_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "regie: cannot read %s: %s\n", path, strerror(errno));
        return NULL;
    }
    size_t cap = 65536 + 1;
    char *text = malloc(cap);
    size_t n = text ? fread(text, 1, cap, f) : 0;
    bool err = ferror(f);
    fclose(f);
    if (!text || err || n == cap) {
        fprintf(stderr, "regie: %s: %s\n", path, !text || err ? "cannot be read" : "larger than 64 KiB");
        free(text);
        return NULL;
    }
    text[n] = 0;
    return text;
}

/* ================= main ================= */

int main(int argc, char **argv)
{
    rg_cli cli;
    const char *words[2] = {NULL, NULL};
    int nwords = 0;
    const char *rest[MAX_FLAGS * 2];
    int nrest = 0;
    if (argc > MAX_FLAGS * 2) {
        fprintf(stderr, "regie: too many arguments\n");
        return 2;
    }
    /* The verifier takes files, not the engine's flags. */
    if (argc > 1 && !strcmp(argv[1], "verify-head")) return rg_cli_verify_head(argc, argv, 2);
    if (argc > 1 && !strcmp(argv[1], "verify-proof")) return rg_cli_verify_proof(argc, argv, 2);
    if (rg_cli_parse(&cli, argc, argv, words, &nwords, rest, &nrest) < 0) return 2;
    if (nwords == 0) {
        usage(cli.help ? stdout : stderr);
        return cli.help ? 0 : 2;
    }
    bool tail = !strcmp(words[0], "tail"), alerts = !strcmp(words[0], "alerts") && nwords == 1;
    bool who = !strcmp(words[0], "whoami") && whoami_builtin();
    const rg_opdef *op = tail || alerts || who ? NULL : find_op(words[0], NULL);
    if (!op && nwords == 1 && !strcmp(words[0], "whatif")) op = find_op("norms", "whatif");
    if ((tail || who || op) && nwords == 2) {        /* a one-word command */
        fprintf(stderr, "regie: unexpected argument '%s' after '%s'\n", words[1], words[0]);
        return 2;
    }
    if (tail) return rg_cli_tail(&cli, rest, nrest);
    if (alerts) return rg_cli_alerts(&cli, rest, nrest);
    if (who) {
        for (int i = 0; i < nrest; i++) {
            fprintf(stderr, "regie: whoami takes no flag %s\n", rest[i]);
            return 2;
        }
        return whoami(&cli);
    }
    if (!op && nwords == 2) op = find_op(words[0], words[1]);
    if (!op) {
        fprintf(stderr, "regie: no command '%s%s%s'\n\n", words[0], nwords == 2 ? " " : "",
                nwords == 2 ? words[1] : "");
        usage(stderr);
        return 2;
    }
    if (cli.help) {
        op_help(op);
        return 0;
    }

    char cmd[64];
    command_words(op, cmd, sizeof cmd);
    cli.cmd = cmd;
    flag flags[MAX_FLAGS];
    int nflags = 0;
    bool mine = false;
    for (int i = 0; i < nrest; i++) {
        const char *a = rest[i];
        if (strncmp(a, "--", 2) != 0) {
            fprintf(stderr, "regie: unexpected argument '%s'%s\n", a,
                    strchr(a, ' ') ? " (a value after a flag that takes none?)" : "");
            return 2;
        }
        const char *name = a + 2, *eq = strchr(name, '=');
        size_t n = eq ? (size_t)(eq - name) : strlen(name);
        const char *value = eq ? eq + 1 : NULL;
        if (!strcmp(op->name, "cases.list") && n == 4 && !strncmp(name, "mine", 4) && !eq) {
            mine = true;
            continue;
        }
        const rg_field *f = find_field(op->fields, name, n);
        /* --reject for --admit=false, --no-informed for --informed=false. */
        for (int k = 0; !f && aliases[k].op; k++)
            if (!strcmp(aliases[k].op, op->name) && strlen(aliases[k].flag) == n &&
                !strncmp(aliases[k].flag, name, n) && !eq) {
                f = find_field(op->fields, aliases[k].field, strlen(aliases[k].field));
                value = aliases[k].value;
            }
        if (!f && n > 3 && !strncmp(name, "no-", 3) && !eq) {
            f = find_field(op->fields, name + 3, n - 3);
            if (f && f->type == RG_F_BOOL) value = "false";
            else f = NULL;
        }
        if (!f) {
            fprintf(stderr, "regie: %s has no flag --%.*s (regie %s --help)\n", cmd, (int)n, name, cmd);
            return 2;
        }
        if (!value && f->type == RG_F_BOOL) {
            value = "true";
            if (i + 1 < nrest && (is_true(rest[i + 1]) || is_false(rest[i + 1]))) value = rest[++i];
        } else if (!value) {
            if (i + 1 >= nrest) {
                fprintf(stderr, "regie: --%.*s needs a value (regie %s --help)\n", (int)n, name, cmd);
                return 2;
            }
            value = rest[++i];
        }
        if (nflags == MAX_FLAGS) {
            fprintf(stderr, "regie: too many flags\n");
            return 2;
        }
        flags[nflags++] = (flag){f, value};
    }

    /* An operation on no case that takes a `case` field (audit read --case):
     * --case is that field. */
    if (!(op->flags & RG_OP_CASE) && cli.case_id) {
        const rg_field *fc = find_field(op->fields, "case", 4);
        if (fc && nflags < MAX_FLAGS) {
            flags[nflags++] = (flag){fc, cli.case_id};
            cli.case_id = NULL;
        }
    }
    /* A required flag left out is said here, before anything is sent: the
     * engine would first judge the state, which is not the mistake made. */
    if ((op->flags & RG_OP_CASE) && !cli.case_id) {
        fprintf(stderr, "regie: %s needs --case ID (regie %s --help)\n", cmd, cmd);
        return 2;
    }
    for (const rg_field *f = op->fields; f && f->name; f++) {
        int given = 0;
        for (int i = 0; i < nflags; i++) given |= flags[i].field == f;
        if (f->required && !given) {
            char flagname[64];
            fprintf(stderr, "regie: %s needs %s (regie %s --help)\n", cmd,
                    flag_spelling(f, flagname, sizeof flagname), cmd);
            return 2;
        }
    }
    if (!strcmp(op->name, "cases.list")) return cases_list(&cli, op, flags, nflags, mine);
    char *config_text = NULL;
    for (int i = 0; i < nflags && !strcmp(op->name, "norms.whatif"); i++)
        if (!strcmp(flags[i].field->name, "config")) {
            free(config_text);
            if (!(config_text = read_text_file(flags[i].value))) return 2;
            flags[i].value = config_text;
        }

    /* The data first: a change's request id is derived from it. */
    int nfields = 0;
    rg_buf data = RG_BUF_INIT;
    for (const rg_field *f = op->fields; f && f->name; f++) {
        int given = 0;
        for (int i = 0; i < nflags; i++) given |= flags[i].field == f;
        if (!given) continue;
        nfields++;
        if (write_field(&data, f, flags, nflags) < 0) {
            rg_buf_free(&data);
            return 2;
        }
    }
    rg_cli_req r;
    bool mutates = op->flags & RG_OP_MUTATES;
    if (mutates) {
        if (cli.req) {
            memset(&r, 0, sizeof r);
            snprintf(r.req, sizeof r.req, "%.39s", cli.req);
        } else {
            rg_buf keyed = RG_BUF_INIT;
            rg_w_map(&keyed, (uint32_t)nfields);
            rg_buf_append(&keyed, data.data, data.len);
            rg_cli_req_derive(&cli, op->name, keyed.data, keyed.len, &r);
            rg_buf_free(&keyed);
        }
        if (cli.verbose)
            fprintf(stderr, "regie: %s to %s, request id %s%s\n", op->name, cli.url, r.req,
                    cli.req      ? " (--req)"
                    : cli.new_req ? " (new: --new)"
                    : r.retry    ? " (a retry: the last run of this command got no reply)"
                    : r.again    ? " (new: the last run of this command was answered; this one is done again)"
                                 : " (derived from the command)");
    } else if (cli.verbose) {
        fprintf(stderr, "regie: %s to %s\n", op->name, cli.url);
    }
    rg_buf b = RG_BUF_INIT;
    rg_req_envelope(&b, op->name, cli.dry_run ? "(left out)" : cli.token ? cli.token : "",
                    mutates ? r.req : NULL, cli.case_id, cli.expect, op->fields || nfields ? nfields : -1);
    rg_buf_append(&b, data.data, data.len);
    rg_buf_free(&data);
    free(config_text);
    if (cli.dry_run) {
        int rc = print_msgpack(&b, true);
        rg_buf_free(&b);
        return rc;
    }
    rg_cli_reply reply;
    int rc = rg_cli_call(&cli, &b, &reply);
    rg_buf_free(&b);
    if (rc) return rc;
    rc = rg_cli_print(&cli, reply.root);
    if (reply.ok && mutates && !cli.req) rg_cli_req_done(&cli, &r, reply.root);
    rg_cli_reply_free(&reply);
    return rc;
}
