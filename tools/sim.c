/*
 * sim.c - regie-sim: a simulated Zorg- en Veiligheidshuis region driving
 * hundreds of cases through a manual-clock regied, months in a minute.
 *
 *   regie-sim --connect URL --publish URL --admin TOKEN
 *             [--cases N] [--days D] [--seed S] [--pace MS] [--quiet]
 *
 * Each simulated day the clock moves to 09:00 of the next day
 * (clock.advance; the engine fires what falls due), and on working days the
 * actors do what is due for them: partners report, procesregisseurs take
 * cases, run the intake (sometimes asking the reporter for more first;
 * admitting on the national criteria, or referring and advising), ask for
 * information, hold the meeting and propose a plan; partners answer, agree
 * and carry out their actions; procesregisseurs close cases and do the
 * aftercare check once it is due; managers resolve escalations.  A share
 * of the cases follows the region's other routes (DOMAIN.md, "Other routes
 * the ZVHs run"): MDA++ cases brought in by Veilig Thuis, where the local
 * team's casusregisseur joins, the agreed plan starts directe veiligheid
 * and the procesregisseur moves it through the phases with phase.advance
 * (now and then a relapse sends it back to direct_safety: phase.relapse),
 * reviewing it every three to four weeks, and closes it from monitoring;
 * and Levensloop cases reported by the GGZ, whose inclusion names the
 * Levensloopaanbieder (who joins) and the municipal casusregisseur, and
 * whose execution runs on without a planned end (reviews every five weeks,
 * outflow after months).  When the region caps the open MDA++ cases per
 * procesregisseur (mda.cap in the engine's --config), a case goes to a
 * colleague below the cap, or waits a day.  Every date
 * a step plans (a due date, a meeting) lies ahead of the engine's clock.  Every actor has a speed: some partners are slow, and
 * some cases stall (their partners take three times as long), so deadlines
 * pass and the engine raises stagnation and escalation alerts.  The
 * simulator shows them live, with a line per day of cases per state: it
 * reads each procesregisseur's and manager's alerts with alerts.list (the
 * record: every alert of a day is durable once clock.advance has answered),
 * and counts the wake-ups that arrive on their alerts topics (notify.topics)
 * over nng, which carry nothing but a position.  Every actor of the region
 * has signed the radicalisation covenant, so its radicalisation cases are
 * worked like the others.  An MDA++ case is about a household -- a parent,
 * a partner and two children, youth protection seeing the children only
 * (person.share) --; one household's partner is erased on their request and
 * another household's parent asks for access (see "MDA++ households").
 *
 * The simulation is deterministic for a seed (the engine's clock is manual
 * and the simulator's randomness is seeded), so a run can be repeated.
 */
#include <getopt.h>
#include <math.h>
#include <nng/nng.h>
#include <nng/protocol/pubsub0/sub.h>
#include <nng/supplemental/util/platform.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../engine/domain/calendar.h"
#include "../engine/storage/codec.h"
#include "../engine/net/net.h"
#include "client.h"
#include "render.h"

#define DAY_MS 86400000ULL
#define MAX_ACTIONS 3
#define MAX_REQS 2

/* ---- the region: who takes part, and how fast each one is ---- */

typedef struct org {
    const char *name;
    double slowness;          /* mean working days to respond */
    bool reports;             /* reports cases */
    char token[128];
} org;

static org ORGS[] = {
    {"police", 1.0, true, ""},         {"veilig-thuis", 2.0, true, ""},
    {"ggz", 6.0, false, ""},           {"reclassering", 2.5, true, ""},
    {"gemeente", 8.0, true, ""},       {"woningcorporatie", 4.0, false, ""},
    {"levensloopaanbieder", 3.0, false, ""}, {"jeugdbescherming", 3.0, false, ""},
};
enum { ORG_VT = 1, ORG_GGZ = 2, ORG_GEMEENTE = 4, ORG_PROVIDER = 6, ORG_JB = 7 };
#define NORGS (int)(sizeof ORGS / sizeof ORGS[0])

typedef struct person {
    char id[32];
    char token[128];
    char topic[80];           /* its alerts topic (notify.topics) */
    uint64_t alerts_after;    /* alerts.list position */
} person;

static person PRS[3], MGRS[2], BESTUUR;

/* ---- one case, as the simulator knows it ---- */

enum stage { S_UNREPORTED, S_REPORTED, S_INTAKE, S_ANALYSIS, S_MEETING, S_PLANNING, S_EXECUTION,
             S_CLOSED, S_DONE };
/* The routes of the region's cases; S_EXECUTION is MDA++'s phases. */
enum route { R_DEFAULT, R_MDA, R_LEVENSLOOP };
static const char *const ROUTE_NAMES[] = {"default", "mda", "levensloop"};
enum phase { P_DIRECT_SAFETY, P_STABLE_SAFETY, P_RECOVERY, P_MONITORING };

typedef struct sim_case {
    char id[32];
    enum stage stage;
    uint64_t next_at;         /* when the procesregisseur's next step is due */
    int reporter, pr;
    double drag;              /* 1, or 3 for a case that stalls */
    int nreqs;
    struct { char id[16]; int org; uint64_t at; bool done; } req[MAX_REQS];
    int nact;
    struct { char id[16]; int org; uint64_t agree_at, done_at; bool agreed, done; } act[MAX_ACTIONS];
    bool asked_more;          /* intake.more_info was asked (once per case) */
    uint64_t resolve_at;      /* a manager's decision on an open escalation; 0: none */
    uint64_t review_at;
    bool plan_agreed;         /* every owning org agreed: the case is in execution */
    enum route route;
    enum phase phase;         /* MDA++, once the plan is agreed */
    uint64_t phase_at;        /* when the procesregisseur next weighs the phase */
    struct member { char name[48], bsn[10], birth[16]; } hh[4];   /* MDA++: P1..P4 */
    bool erased_p2;           /* the partner's data was erased (person.erase) */
} sim_case;

static sim_case *cases;
static int ncases;

/* ---- options and connections ---- */

static struct {
    const char *url, *pub, *admin;
    int cases, days, pace_ms;
    uint64_t seed;
    bool quiet, color;
} opt = {NULL, NULL, NULL, 300, 180, 0, 1, false, false};

static rg_client *cl;
static nng_socket sub;
static rg_buf B;
static uint8_t *reply;
static size_t reply_len;
static rg_doc *doc;
static const rg_val *root;
static uint64_t now_ms;
static int nreq;
static struct {
    uint64_t ops, refused, alerts, wakeups, stagnations, escalations;
    uint64_t routes[3], advances, relapses, capped, mda_closed;
    uint64_t households, limited, erased, accessed, wrong;
} tally;

static uint64_t rnd_state;

static uint64_t rnd(void)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 7;
    rnd_state ^= rnd_state << 17;
    return rnd_state;
}

static double uniform(void) { return (double)(rnd() >> 11) / 9007199254740992.0; }

/* Working days until someone gets to it: exponential around the mean. */
static uint64_t after_workdays(double mean)
{
    double u = uniform();
    int n = (int)(-mean * log(1.0 - u * 0.999) + 0.5);
    if (n > 60) n = 60;
    return (uint64_t)rg_cal_add_working_days((int64_t)now_ms, n);
}

static void date_str(char *buf, size_t cap, uint64_t ms)
{
    int y, m, d, hh, mm, ss, msec;
    rg_cal_to_local((int64_t)ms, &y, &m, &d, &hh, &mm, &ss, &msec);
    snprintf(buf, cap, "%04d-%02d-%02d", y, m, d);
}

/* ---- requests ---- */

static rg_buf *begin(const char *token, const char *op, const char *case_id, int ndata)
{
    char id[32];
    snprintf(id, sizeof id, "sim-%d", ++nreq);
    rg_buf_reset(&B);
    rg_req_envelope(&B, op, token, id, case_id, -1, ndata);
    return &B;
}

/* Send B; the error code, or "" on success (root holds the reply). */
static const char *send_req(void)
{
    static char code[64];
    if (doc) rg_doc_free(doc);
    free(reply);
    doc = NULL;
    reply = NULL;
    root = NULL;
    int rc = rg_client_call(cl, B.data, B.len, &reply, &reply_len);
    if (rc < 0) {
        fprintf(stderr, "regie-sim: %s: %s\n", opt.url, rg_client_strerror(rc));
        exit(1);
    }
    const char *why;
    if (rg_doc_parse(&doc, reply, reply_len, &why) < 0) {
        fprintf(stderr, "regie-sim: a reply that is not msgpack: %s\n", why);
        exit(1);
    }
    root = rg_doc_root(doc);
    bool ok = false;
    rg_val_bool(rg_map_get(root, "ok"), &ok);
    tally.ops++;
    if (ok) return "";
    snprintf(code, sizeof code, "?");
    rg_val_strcpy(rg_map_get(root, "error"), code, sizeof code);
    return code;
}

/* A step of the simulation that the engine refused: a bug in the simulator
 * or the engine, so it is shown, not hidden. */
static bool done_ok(const char *what, const sim_case *c)
{
    const char *e = send_req();
    if (!e[0]) return true;
    char msg[256] = "";
    rg_val_strcpy(rg_map_get(root, "message"), msg, sizeof msg);
    tally.refused++;
    printf("  %s %s refused: %s: %s\n", what, c ? c->id : "", e, msg);
    return false;
}

static void strs(rg_buf *b, const char *key, const char *const *v, int n)
{
    rg_w_cstr(b, key);
    rg_w_array(b, (uint32_t)n);
    for (int i = 0; i < n; i++) rg_w_cstr(b, v[i]);
}

/* ---- the actors ---- */

static void create_actor(const char *id, const char *role, const char *org_name, char *token)
{
    rg_buf *b = begin(opt.admin, "actor.create", NULL, 4);
    rg_w_kstr(b, "id", id);
    rg_w_kstr(b, "role", role);
    rg_w_kstr(b, "org", org_name);
    rg_w_cstr(b, "covenants");
    rg_w_array(b, 1);
    rg_w_cstr(b, "radicalisering");
    if (!done_ok("actor.create", NULL)) exit(1);
    rg_val_strcpy(rg_map_get(root, "token"), token, 128);
}

/* Subscribe to p's alerts topic: a wake-up when an alert is raised for p. */
static void subscribe_alerts(person *p)
{
    rg_buf_reset(&B);
    rg_req_envelope(&B, "notify.topics", p->token, NULL, NULL, -1, -1);
    if (!done_ok("notify.topics", NULL)) exit(1);
    rg_val_strcpy(rg_map_get(root, "alerts"), p->topic, sizeof p->topic);
    if (nng_socket_set(sub, NNG_OPT_SUB_SUBSCRIBE, p->topic, strlen(p->topic) + 1) != 0) {
        fprintf(stderr, "regie-sim: cannot subscribe to %s\n", opt.pub);
        exit(1);
    }
}

static void create_region(void)
{
    char id[64];
    for (int i = 0; i < NORGS; i++) {
        snprintf(id, sizeof id, "sim-%s", ORGS[i].name);
        create_actor(id, "partner", ORGS[i].name, ORGS[i].token);
    }
    for (int i = 0; i < 3; i++) {
        snprintf(PRS[i].id, sizeof PRS[i].id, "sim-pr%d", i + 1);
        create_actor(PRS[i].id, "procesregisseur", "zvh", PRS[i].token);
    }
    for (int i = 0; i < 2; i++) {
        snprintf(MGRS[i].id, sizeof MGRS[i].id, "sim-mgr%d", i + 1);
        create_actor(MGRS[i].id, "manager", "zvh", MGRS[i].token);
    }
    /* The administrative level: it decides an escalation at level 3. */
    snprintf(BESTUUR.id, sizeof BESTUUR.id, "sim-burgemeester");
    create_actor(BESTUUR.id, "bestuur", "gemeente", BESTUUR.token);
    for (int i = 0; i < 3; i++) subscribe_alerts(&PRS[i]);
    for (int i = 0; i < 2; i++) subscribe_alerts(&MGRS[i]);
}

static const char *const TARGET_GROUPS[] = {"verward_gedrag", "huiselijk_geweld", "nazorg_ex_gedetineerden",
                                             "jeugd_criminaliteit", "radicalisering"};
static const char *const FIRST[] = {"Sanne", "Daan", "Fatima", "Mohammed", "Lotte", "Ruben", "Aylin", "Kees"};
static const char *const LAST[] = {"de Jong", "Jansen", "Yilmaz", "Bakker", "Visser", "El Amrani", "Smit"};

/* ---- MDA++ households (issue 25) ----
 * An MDA++ case is about a family system: it is reported with its persons,
 * P1 the parent it is about (role subject), P2 the partner, P3 and P4 two
 * children, minors by their birth dates.  Youth protection joins with the
 * municipality, and the procesregisseur limits each person to the
 * organisations that need them (person.share): the children to youth
 * protection, Veilig Thuis and the municipality, the parents to the case's
 * other organisations -- so youth protection sees the children only, which
 * the simulator checks by reading the case as youth protection.  Across the
 * run the partner of one household has their data erased (a granted erasure
 * request, then person.erase; the others read on), and the parent of
 * another asks for access (the export must hold their data alone). */

#define HH 4
static const char *const HH_ROLE[HH] = {"subject", "partner", "child", "child"};
static const int HH_AGE[HH] = {38, 36, 11, 7};

/* A citizen service number of its own for person k of case i: eight digits
 * from (i, k), and a ninth that passes the eleven-test; when that would be
 * 10, the eighth digit moves on by one (its weight 2 makes the next one
 * fit). */
static void make_bsn(char out[10], unsigned i, unsigned k)
{
    for (unsigned j = 0;; j++) {
        char d[16];
        snprintf(d, sizeof d, "%08u", 20000000u + (i * 4u + k) * 10u + j);
        int sum = 0;
        for (int x = 0; x < 8; x++) sum += (9 - x) * (d[x] - '0');
        if (sum % 11 < 10) {
            memcpy(out, d, 8);
            out[8] = (char)('0' + sum % 11);
            out[9] = '\0';
            return;
        }
    }
}

/* The household's names (first names apart, one family name), BSNs and
 * birth dates on the engine's clock. */
static void make_household(sim_case *c)
{
    unsigned first = (unsigned)(rnd() % 8);
    const char *last = LAST[rnd() % 7];
    for (int k = 0; k < HH; k++) {
        struct member *m = &c->hh[k];
        snprintf(m->name, sizeof m->name, "%s %s", FIRST[(first + 3u * (unsigned)k) % 8], last);
        make_bsn(m->bsn, (unsigned)(c - cases), (unsigned)k);
        date_str(m->birth, sizeof m->birth, now_ms - (uint64_t)(HH_AGE[k] * 365 + (int)(rnd() % 300)) * DAY_MS);
    }
}

static void w_household(rg_buf *b, const sim_case *c)
{
    rg_w_cstr(b, "persons");
    rg_w_array(b, HH);
    for (int k = 0; k < HH; k++) {
        rg_w_map(b, 4);
        rg_w_kstr(b, "role", HH_ROLE[k]);
        rg_w_kstr(b, "name", c->hh[k].name);
        rg_w_kstr(b, "birth_date", c->hh[k].birth);
        rg_w_kstr(b, "bsn", c->hh[k].bsn);
    }
}

/* Does the last reply hold s anywhere in its bytes? */
static bool holds(const char *s) { return reply && memmem(reply, reply_len, s, strlen(s)) != NULL; }

/* Does the last reply hold member k's name or BSN? */
static bool holds_member(const sim_case *c, int k) { return holds(c->hh[k].name) || holds(c->hh[k].bsn); }

/* A household check that failed: a bug in the engine or the simulator,
 * shown and counted (the run then fails). */
static void wrong(const sim_case *c, const char *what)
{
    tally.wrong++;
    printf("  household %s: %s\n", c->id, what);
}

static void report(sim_case *c)
{
    int reporters[NORGS], n = 0;
    for (int i = 0; i < NORGS; i++)
        if (ORGS[i].reports) reporters[n++] = i;
    c->reporter = reporters[rnd() % (uint64_t)n];
    /* One case in five is MDA++ (Veilig Thuis brings it in), one in ten a
     * Levensloop case (reported by the GGZ). */
    unsigned r = (unsigned)(rnd() % 10);
    c->route = r < 2 ? R_MDA : r == 2 ? R_LEVENSLOOP : R_DEFAULT;
    if (c->route == R_MDA) c->reporter = ORG_VT;
    if (c->route == R_LEVENSLOOP) c->reporter = ORG_GGZ;
    rg_buf *b = begin(ORGS[c->reporter].token, "case.report", NULL, c->route == R_DEFAULT ? 5 : 6);
    const char *group = TARGET_GROUPS[rnd() % 5];
    if (c->route == R_MDA) group = "huiselijk_geweld";
    if (c->route == R_LEVENSLOOP) group = "verward_gedrag";
    rg_w_kstr(b, "target_group", group);
    if (c->route != R_DEFAULT) rg_w_kstr(b, "route", ROUTE_NAMES[c->route]);
    rg_w_kstr(b, "summary", "concerns on several life domains");
    rg_w_kstr(b, "urgency", rnd() % 4 ? "normal" : "high");
    rg_w_kbool(b, "informed", true);
    if (c->route == R_MDA) {
        make_household(c);
        w_household(b, c);
    } else {
        rg_w_cstr(b, "subject");
        rg_w_map(b, 1);
        char name[64];
        snprintf(name, sizeof name, "%s %s", FIRST[rnd() % 8], LAST[rnd() % 7]);
        rg_w_kstr(b, "name", name);
    }
    if (!done_ok("case.report", c)) return;
    rg_val_strcpy(rg_map_get(root, "case"), c->id, sizeof c->id);
    tally.routes[c->route]++;
    tally.households += c->route == R_MDA;
    c->stage = S_REPORTED;
    c->pr = (int)(rnd() % 3);
    c->drag = rnd() % 100 < 15 ? 3.0 : 1.0;
    c->next_at = after_workdays(0.7);
}

/* A request by the case's procesregisseur. */
static rg_buf *pr_req(const sim_case *c, const char *op, int ndata)
{
    return begin(PRS[c->pr].token, op, c->id, ndata);
}

static void intake(sim_case *c)
{
    rg_buf *b;
    /* The procesregisseur takes the case; one at the region's cap of open
     * cases of its route leaves it to a colleague (guard_failed naming the
     * cap), and with everyone at the cap it waits a day. */
    int k = 0;
    for (; k < 3; k++) {
        int p = (c->pr + k) % 3;
        b = begin(PRS[p].token, "case.assign", c->id, 1);
        rg_w_kstr(b, "procesregisseur", PRS[p].id);
        const char *e = send_req();
        char msg[256] = "";
        rg_val_strcpy(rg_map_get(root, "message"), msg, sizeof msg);
        if (!e[0]) {
            c->pr = p;
            break;
        }
        if (strcmp(e, "guard_failed") != 0 || !strstr(msg, "cap")) {
            tally.refused++;
            printf("  case.assign %s refused: %s: %s\n", c->id, e, msg);
            return;
        }
    }
    if (k == 3) {
        tally.capped++;
        c->next_at = after_workdays(1.0);
        return;
    }
    b = pr_req(c, "intake.start", -1);
    if (!done_ok("intake.start", c)) return;
    c->stage = S_INTAKE;
    c->next_at = after_workdays(2.0 * c->drag);
}

static void share_household(sim_case *c);

/* The national admission criteria (DOMAIN.md). */
static const char *const CRITERIA[] = {"multi_domain", "multi_chain", "system", "local_safety"};

static void decide(sim_case *c)
{
    rg_buf *b;
    char due[16];
    if (!c->asked_more && rnd() % 8 == 0) {
        /* The report leaves questions: the reporter is asked for more first. */
        date_str(due, sizeof due, (uint64_t)rg_cal_add_working_days((int64_t)now_ms, 3));
        b = pr_req(c, "intake.more_info", 2);
        rg_w_kstr(b, "question", "since when, and who else is involved?");
        rg_w_kstr(b, "due", due);
        if (!done_ok("intake.more_info", c)) return;
        c->asked_more = true;
        c->next_at = after_workdays(2.0 * c->drag);
        return;
    }
    bool admit = rnd() % 10 != 0;
    if (admit) {
        /* One or more of the criteria, each at most once; the Levensloop
         * inclusion table names the provider and the municipality. */
        unsigned set = 1u + (unsigned)(rnd() % 15);
        bool levensloop = c->route == R_LEVENSLOOP;
        b = pr_req(c, "intake.decide", levensloop ? 5 : 3);
        rg_w_kbool(b, "admit", true);
        rg_w_kstr(b, "reason", "problems on several life domains");
        rg_w_cstr(b, "criteria");
        rg_w_array(b, (uint32_t)__builtin_popcount(set));
        for (int i = 0; i < 4; i++)
            if (set & (1u << i)) rg_w_cstr(b, CRITERIA[i]);
        if (levensloop) {
            rg_w_kstr(b, "provider", ORGS[ORG_PROVIDER].name);
            rg_w_kstr(b, "casusregisseur", ORGS[ORG_GEMEENTE].name);
        }
    } else {
        /* Referred to the local team, or the reporter advised, or both. */
        int how = (int)(rnd() % 3);
        b = pr_req(c, "intake.decide", how == 2 ? 4 : 3);
        rg_w_kbool(b, "admit", false);
        rg_w_kstr(b, "reason", "one life domain");
        if (how != 1) rg_w_kstr(b, "referred_to", c->route == R_MDA ? "veilig-thuis" : "wijkteam");
        if (how != 0) rg_w_kstr(b, "advice", "the local team can help with the debts");
    }
    if (!done_ok("intake.decide", c)) return;
    if (!admit) {
        c->stage = S_DONE;
        return;
    }
    if (c->route == R_MDA) {
        /* 1 gezin, 1 plan, 1 regisseur: the local team's casusregisseur;
         * and youth protection, for the children. */
        static const int joins[] = {ORG_GEMEENTE, ORG_JB};
        for (int i = 0; i < 2; i++) {
            b = pr_req(c, "partner.join", 1);
            rg_w_kstr(b, "org", ORGS[joins[i]].name);
            if (!done_ok("partner.join", c)) return;
        }
    }
    /* Information from one or two partners, due in five working days (not
     * the Levensloopaanbieder, which takes part in its own cases only, nor
     * youth protection, which takes part in the households only, nor for
     * MDA++ the municipality, which joined). */
    c->nreqs = 1 + (int)(rnd() % 2);
    for (int i = 0; i < c->nreqs; i++) {
        int o;
        do o = (int)(rnd() % NORGS);
        while (o == c->reporter || (i == 1 && o == c->req[0].org) || o == ORG_PROVIDER || o == ORG_JB ||
               (c->route == R_MDA && o == ORG_GEMEENTE));
        date_str(due, sizeof due, (uint64_t)rg_cal_add_working_days((int64_t)now_ms, 5));
        b = pr_req(c, "info.request", 3);
        rg_w_kstr(b, "org", ORGS[o].name);
        rg_w_kstr(b, "question", "what do you know of the person's situation?");
        rg_w_kstr(b, "due", due);
        if (!done_ok("info.request", c)) return;
        const rg_val *ev = rg_array_at(rg_map_get(root, "events"), 0);
        rg_val_strcpy(rg_map_get(rg_map_get(ev, "data"), "request"), c->req[i].id, sizeof c->req[i].id);
        c->req[i].org = o;
        c->req[i].at = after_workdays(ORGS[o].slowness * c->drag);
        c->req[i].done = false;
    }
    if (c->route == R_MDA) share_household(c);
    c->stage = S_ANALYSIS;
    c->next_at = after_workdays(4.0 * c->drag);
}

/* The orgs of the case: the reporter, those asked for information, and
 * those its route brings in (each once). */
static int case_orgs(const sim_case *c, const char **names)
{
    int n = 0, orgs[3 + MAX_REQS];
    orgs[n++] = c->reporter;
    for (int i = 0; i < c->nreqs; i++) orgs[n++] = c->req[i].org;
    if (c->route != R_DEFAULT) orgs[n++] = ORG_GEMEENTE;
    if (c->route == R_LEVENSLOOP) orgs[n++] = ORG_PROVIDER;
    if (c->route == R_MDA) orgs[n++] = ORG_JB;
    int k = 0;
    for (int i = 0; i < n; i++) {
        bool seen = false;
        for (int j = 0; j < i; j++) seen |= orgs[j] == orgs[i];
        if (!seen) names[k++] = ORGS[orgs[i]].name;
    }
    return k;
}

/* Youth protection's view of a household: case.get and case.history
 * hold nothing of the parents (their ages included), and case.get tells
 * that the children are minors. */
static void check_youth_view(sim_case *c)
{
    const char *jb = ORGS[ORG_JB].token;
    rg_buf_reset(&B);
    rg_req_envelope(&B, "case.get", jb, NULL, c->id, -1, -1);
    if (send_req()[0]) {
        wrong(c, "youth protection cannot read the case");
        return;
    }
    if (holds_member(c, 0) || holds_member(c, 1)) wrong(c, "youth protection's case.get shows a parent");
    const rg_val *ps = rg_map_get(rg_map_get(root, "case"), "persons");
    for (int k = 0; k < HH; k++) {
        const rg_val *minor = rg_map_get(rg_array_at(ps, (uint32_t)k), "minor");
        bool m = false;
        if (k < 2 ? minor && rg_val_type(minor) != RG_VNIL : !rg_val_bool(minor, &m) || !m)
            wrong(c, k < 2 ? "youth protection's case.get tells a parent's age" : "youth protection's case.get "
                                                                                   "does not tell a child is a minor");
    }
    rg_buf_reset(&B);
    rg_req_envelope(&B, "case.history", jb, NULL, c->id, -1, -1);
    if (send_req()[0]) wrong(c, "youth protection cannot read the history");
    else if (holds_member(c, 0) || holds_member(c, 1)) wrong(c, "youth protection's case.history shows a parent");
}

/* Each person limited to the organisations that need them: the children
 * to youth protection, the reporter (Veilig Thuis) and the municipality;
 * the parents to the case's other organisations. */
static void share_household(sim_case *c)
{
    const char *orgs[3 + MAX_REQS], *parents[3 + MAX_REQS];
    const char *kids[] = {ORGS[ORG_JB].name, ORGS[c->reporter].name, ORGS[ORG_GEMEENTE].name};
    int n = case_orgs(c, orgs), np = 0;
    for (int i = 0; i < n; i++)
        if (strcmp(orgs[i], ORGS[ORG_JB].name) != 0) parents[np++] = orgs[i];
    for (int k = 0; k < HH; k++) {
        rg_buf *b = pr_req(c, "person.share", 2);
        char id[16];
        snprintf(id, sizeof id, "P%d", k + 1);
        rg_w_kstr(b, "person", id);
        if (k < 2) strs(b, "orgs", parents, np);
        else strs(b, "orgs", kids, 3);
        if (!done_ok("person.share", c)) return;
    }
    tally.limited++;
    check_youth_view(c);
}

/* A data-subject request of kind from member k of the household, opened
 * and granted by a manager; its id into rq, the decision's reply in root. */
static bool granted_request(sim_case *c, const char *kind, int k, char rq[32])
{
    rg_buf *b = begin(MGRS[0].token, "subject.request", NULL, 2);
    rg_w_kstr(b, "kind", kind);
    rg_w_cstr(b, "person");
    rg_w_map(b, 1);
    rg_w_kstr(b, "bsn", c->hh[k].bsn);
    if (!done_ok("subject.request", c)) return false;
    rg_val_strcpy(rg_map_get(root, "request"), rq, 32);
    b = begin(MGRS[0].token, "subject.decide", NULL, 2);
    rg_w_kstr(b, "request", rq);
    rg_w_kbool(b, "granted", true);
    return done_ok("subject.decide", c);
}

/* The partner's data erased for good, on their granted request: the case
 * goes on, the others read on. */
static void erase_partner(sim_case *c)
{
    char rq[32];
    if (!granted_request(c, "erasure", 1, rq)) return;
    rg_buf *b = begin(MGRS[0].token, "person.erase", c->id, 3);
    rg_w_kstr(b, "person", "P2");
    rg_w_kstr(b, "ground", "GDPR art. 17: the partner asked to be erased");
    rg_w_kstr(b, "request", rq);
    if (!done_ok("person.erase", c)) return;
    c->erased_p2 = true;
    tally.erased++;
    rg_buf_reset(&B);
    rg_req_envelope(&B, "case.history", PRS[c->pr].token, NULL, c->id, -1, -1);
    if (send_req()[0]) wrong(c, "the case cannot be read after a member's erasure");
    else if (holds_member(c, 1)) wrong(c, "the erased partner's name or BSN is still in the history");
    else if (!holds(c->hh[0].name) || !holds(c->hh[2].name)) wrong(c, "the others do not read on after an erasure");
}

/* The parent's access request: the export holds their data and nothing of
 * the other members. */
static void access_parent(sim_case *c)
{
    char rq[32];
    if (!granted_request(c, "access", 0, rq)) return;
    tally.accessed++;
    if (!holds(c->hh[0].name) || !holds(c->hh[0].bsn)) wrong(c, "the parent's export lacks their own data");
    for (int k = 1; k < HH; k++)
        if (holds_member(c, k)) wrong(c, "the parent's export shows another member of the household");
}

/* Once in execution, one household's partner is erased, and the next
 * household's parent asks for access. */
static void household_rights(sim_case *c)
{
    static const sim_case *erased, *asked;        /* each done once, in two households */
    if (c->route != R_MDA || c->stage != S_EXECUTION) return;
    if (!erased) {
        erased = c;
        erase_partner(c);
    } else if (!asked && c != erased) {
        asked = c;
        access_parent(c);
    }
}

static void schedule_meeting(sim_case *c)
{
    const char *orgs[3 + MAX_REQS];
    int n = case_orgs(c, orgs);
    char at[48];
    uint64_t when = (uint64_t)rg_cal_add_working_days((int64_t)now_ms, 2 + (int)(rnd() % 4));
    rg_render_iso(at, sizeof at, when);
    rg_buf *b;
    b = pr_req(c, "meeting.schedule", 2);
    rg_w_kstr(b, "at", at);
    strs(b, "orgs", orgs, n);
    if (!done_ok("meeting.schedule", c)) return;
    c->stage = S_MEETING;
    c->next_at = when + (c->drag > 1 ? after_workdays(6.0) - now_ms : 0);
}

static void hold_meeting(sim_case *c)
{
    const char *orgs[3 + MAX_REQS];
    int n = case_orgs(c, orgs);
    rg_buf *b;
    b = pr_req(c, "meeting.hold", 2);
    strs(b, "attendees", orgs, n);
    rg_w_kstr(b, "conclusions", "a joint approach across the partners");
    if (!done_ok("meeting.hold", c)) return;
    c->stage = S_PLANNING;
    c->next_at = after_workdays(3.0 * c->drag);
}

static void propose_plan(sim_case *c)
{
    const char *orgs[3 + MAX_REQS];
    int norgs = case_orgs(c, orgs);
    c->nact = 1 + (int)(rnd() % MAX_ACTIONS);
    rg_buf *b;
    bool casus = c->route != R_DEFAULT;       /* the municipality directs the content */
    b = pr_req(c, "plan.propose", casus ? 3 : 2);
    rg_w_kstr(b, "goals", c->route == R_MDA ? "stop the violence; a safe home for the children"
                          : c->route == R_LEVENSLOOP ? "a levensloopplan: treatment, housing, daytime activity"
                                                     : "stability, treatment, a safe home");
    if (casus) rg_w_kstr(b, "casusregisseur", ORGS[ORG_GEMEENTE].name);
    rg_w_cstr(b, "actions");
    rg_w_array(b, (uint32_t)c->nact);
    for (int i = 0; i < c->nact; i++) {
        int o = c->reporter;
        const char *name = orgs[rnd() % (uint64_t)norgs];
        for (int k = 0; k < NORGS; k++)
            if (strcmp(ORGS[k].name, name) == 0) o = k;
        char due[16];
        date_str(due, sizeof due, now_ms + (15 + rnd() % 30) * DAY_MS);
        snprintf(c->act[i].id, sizeof c->act[i].id, "a%u", (unsigned)(i + 1) % 100);
        c->act[i].org = o;
        c->act[i].agree_at = after_workdays(ORGS[o].slowness * c->drag * 0.5);
        c->act[i].done_at = after_workdays(ORGS[o].slowness * c->drag * 3.0 + 8.0);
        c->act[i].agreed = c->act[i].done = false;
        rg_w_map(b, 4);
        rg_w_kstr(b, "id", c->act[i].id);
        rg_w_kstr(b, "owner_org", ORGS[o].name);
        rg_w_kstr(b, "description", "support the person");
        rg_w_kstr(b, "due", due);
    }
    if (!done_ok("plan.propose", c)) return;
    c->stage = S_EXECUTION;        /* agreement and execution run per action */
    c->review_at = now_ms + 35 * DAY_MS;
    c->next_at = UINT64_MAX;
}

static void partner_steps(sim_case *c)
{
    for (int i = 0; i < c->nreqs && c->stage >= S_ANALYSIS && c->stage < S_CLOSED; i++) {
        if (c->req[i].done || c->req[i].at > now_ms) continue;
        rg_buf *b = begin(ORGS[c->req[i].org].token, "info.provide", c->id, 2);
        rg_w_kstr(b, "request", c->req[i].id);
        rg_w_kstr(b, "answer", "known to us; details in the file");
        c->req[i].done = true;
        done_ok("info.provide", c);
    }
    if (c->stage != S_EXECUTION) return;
    bool all_agreed = true;
    for (int i = 0; i < c->nact; i++) {
        if (c->act[i].agreed || c->act[i].agree_at > now_ms) {
            all_agreed &= c->act[i].agreed;
            continue;
        }
        /* One agreement per org: mark every action it owns. */
        begin(ORGS[c->act[i].org].token, "plan.agree", c->id, -1);
        done_ok("plan.agree", c);
        for (int k = 0; k < c->nact; k++)
            if (c->act[k].org == c->act[i].org) c->act[k].agreed = true;
    }
    if (!all_agreed) return;
    if (!c->plan_agreed && c->route == R_MDA) {
        /* The plan starts directe veiligheid. */
        c->phase = P_DIRECT_SAFETY;
        c->phase_at = after_workdays(10.0 * c->drag);
        c->review_at = now_ms + (20 + rnd() % 8) * DAY_MS;
    }
    c->plan_agreed = true;
    bool all_done = true;
    for (int i = 0; i < c->nact; i++) {
        if (!c->act[i].done && c->act[i].done_at <= now_ms) {
            rg_buf *b = begin(ORGS[c->act[i].org].token, "action.complete", c->id, 2);
            rg_w_kstr(b, "action", c->act[i].id);
            rg_w_kstr(b, "result", "done");
            c->act[i].done = true;
            done_ok("action.complete", c);
        }
        all_done &= c->act[i].done;
    }
    /* Done: closed soon; MDA++ closes from monitoring (phase_steps); a
     * Levensloop case goes on without a planned end, until its outflow. */
    if (all_done && c->next_at == UINT64_MAX && c->route == R_DEFAULT) c->next_at = after_workdays(2.0);
    if (all_done && c->next_at == UINT64_MAX && c->route == R_LEVENSLOOP)
        c->next_at = now_ms + (150 + rnd() % 150) * DAY_MS;
}

/* When the aftercare check of a closed case is due, asked of the engine. */
static uint64_t aftercare_due(const sim_case *c)
{
    uint64_t due = 0;
    rg_buf_reset(&B);
    rg_req_envelope(&B, "case.get", PRS[c->pr].token, NULL, c->id, -1, -1);
    if (send_req()[0]) return now_ms;
    const rg_val *cs = rg_map_get(root, "case");
    static const char *const lists[] = {"deadlines", "stagnations"};
    for (int l = 0; l < 2; l++) {
        const rg_val *dl = rg_map_get(cs, lists[l]);
        for (uint32_t i = 0; i < rg_array_size(dl); i++)
            if (rg_val_is_str(rg_map_get(rg_array_at(dl, i), "norm"), "aftercare"))
                rg_val_uint(rg_map_get(rg_array_at(dl, i), "due"), &due);
    }
    return due ? due : now_ms;
}

static bool all_done(const sim_case *c)
{
    for (int i = 0; i < c->nact; i++)
        if (!c->act[i].done) return false;
    return true;
}

static void close_case(sim_case *c)
{
    rg_buf *b = pr_req(c, "case.close", 1);
    rg_w_kstr(b, "reason", c->route == R_MDA ? "safe; Veilig Thuis monitors"
                           : c->route == R_LEVENSLOOP ? "outflow to regular care"
                                                      : "the plan's goals are met");
    if (!done_ok("case.close", c)) return;
    c->stage = S_CLOSED;
    tally.mda_closed += c->route == R_MDA;
    /* The aftercare check is not taken before it is due (3 months on,
     * or what the region configured): on the first working day from
     * then, now and then a few days late. */
    c->next_at = aftercare_due(c) + (rnd() % 4 == 0 ? (1 + rnd() % 5) * DAY_MS : 0);
}

/* MDA++ after its plan: the procesregisseur weighs the phase now and then
 * and moves it on (phase.advance), or back to direct safety after a
 * relapse (phase.relapse, about one time in twelve after direct safety);
 * the case closes from monitoring once its actions are done. */
static void phase_steps(sim_case *c)
{
    if (c->route != R_MDA || c->stage != S_EXECUTION || !c->plan_agreed || c->phase_at > now_ms) return;
    rg_buf *b;
    if (c->phase != P_DIRECT_SAFETY && rnd() % 12 == 0) {
        b = pr_req(c, "phase.relapse", 1);
        rg_w_kstr(b, "reason", "a new incident");
        if (!done_ok("phase.relapse", c)) return;
        tally.relapses++;
        c->phase = P_DIRECT_SAFETY;
    } else if (c->phase != P_MONITORING) {
        b = pr_req(c, "phase.advance", 1);
        rg_w_kstr(b, "reason", c->phase == P_DIRECT_SAFETY ? "the violence has stopped"
                               : c->phase == P_STABLE_SAFETY ? "safety is stable" : "the causes are addressed");
        if (!done_ok("phase.advance", c)) return;
        tally.advances++;
        c->phase++;
    } else if (all_done(c)) {
        close_case(c);
        return;
    }
    c->phase_at = after_workdays(10.0 * c->drag);
}

static void pr_steps(sim_case *c)
{
    rg_buf *b;
    household_rights(c);
    bool reviews = c->route == R_DEFAULT ? c->next_at == UINT64_MAX : c->stage == S_EXECUTION;
    if (c->stage == S_EXECUTION && c->plan_agreed && c->review_at <= now_ms && reviews) {
        b = pr_req(c, "review.hold", 1);
        rg_w_kstr(b, "notes", "progress reviewed with the partners");
        done_ok("review.hold", c);
        /* MDA++ every three to four weeks, a Levensloop case every five. */
        c->review_at = now_ms + (c->route == R_MDA ? 20 + rnd() % 8 : c->route == R_LEVENSLOOP ? 35 : 30 + rnd() % 20) *
                                    DAY_MS;
    }
    phase_steps(c);
    if (c->next_at > now_ms) return;
    switch (c->stage) {
    case S_UNREPORTED: report(c); break;
    case S_REPORTED: intake(c); break;
    case S_INTAKE: decide(c); break;
    case S_ANALYSIS: schedule_meeting(c); break;
    case S_MEETING: hold_meeting(c); break;
    case S_PLANNING: propose_plan(c); break;
    case S_EXECUTION:
        if (c->route != R_MDA) close_case(c);
        break;
    case S_CLOSED:
        b = pr_req(c, "aftercare.check", 1);
        rg_w_kstr(b, "outcome", "stable");
        if (done_ok("aftercare.check", c)) c->stage = S_DONE;
        break;
    case S_DONE: break;
    }
}

static void manager_steps(sim_case *c)
{
    if (!c->resolve_at || c->resolve_at > now_ms) return;
    c->resolve_at = 0;
    rg_buf *b = begin(MGRS[rnd() % 2].token, "escalation.resolve", c->id, 1);
    rg_w_kstr(b, "decision", "extra capacity granted; partners to act this week");
    const char *err = send_req();
    if (strcmp(err, "forbidden") == 0) {
        /* At level 3 the administrative level decides, not a manager. */
        b = begin(BESTUUR.token, "escalation.resolve", c->id, 1);
        rg_w_kstr(b, "decision", "the partners' boards act this week");
        err = send_req();
    }
    if (strcmp(err, "guard_failed") == 0) return;   /* resolved by a colleague meanwhile */
    /* The decision speeds the case up. */
    c->drag = 1.0;
    for (int i = 0; i < c->nreqs; i++)
        if (!c->req[i].done && c->req[i].at > now_ms) c->req[i].at = after_workdays(1.0);
    for (int i = 0; i < c->nact; i++)
        if (!c->act[i].done && c->act[i].done_at > now_ms) c->act[i].done_at = after_workdays(2.0);
    if (c->next_at != UINT64_MAX && c->next_at > now_ms && (c->stage != S_EXECUTION || c->route == R_DEFAULT))
        c->next_at = after_workdays(1.0);
    if (c->route == R_MDA && c->phase_at > now_ms) c->phase_at = after_workdays(2.0);
}

/* ---- what the engine tells us ---- */

static sim_case *find_case(const char *id)
{
    for (int i = 0; i < ncases; i++)
        if (strcmp(cases[i].id, id) == 0) return &cases[i];
    return NULL;
}

/* The level of the case's open escalation (0: none), asked of the engine. */
static int escalation_level(const char *case_id)
{
    rg_buf_reset(&B);
    rg_req_envelope(&B, "case.get", MGRS[0].token, NULL, case_id, -1, -1);
    if (send_req()[0]) return 0;
    return (int)rg_val_int(rg_map_get(rg_map_get(rg_map_get(root, "case"), "escalation"), "level"));
}

/* One alert as the record has it. */
typedef struct alert {
    uint64_t seq;
    char cid[32], kind[16], norm[48];
} alert;

#define MAX_DAY_ALERTS 4096

/* The new alerts of p (alerts.list from where it was) into out. */
static int list_alerts(person *p, alert *out, int n, int cap)
{
    for (;;) {
        rg_buf_reset(&B);
        rg_req_envelope(&B, "alerts.list", p->token, NULL, NULL, -1, 2);
        rg_w_kuint(&B, "after", p->alerts_after);
        rg_w_kuint(&B, "limit", 1000);
        if (!done_ok("alerts.list", NULL)) return n;
        const rg_val *al = rg_map_get(root, "alerts");
        uint32_t k = rg_array_size(al);
        for (uint32_t i = 0; i < k; i++) {
            const rg_val *a = rg_array_at(al, i);
            tally.alerts++;
            if (n == cap) continue;
            alert *x = &out[n++];
            memset(x, 0, sizeof *x);
            rg_val_uint(rg_map_get(a, "seq"), &x->seq);
            rg_val_strcpy(rg_map_get(a, "case"), x->cid, sizeof x->cid);
            rg_val_strcpy(rg_map_get(a, "kind"), x->kind, sizeof x->kind);
            rg_val_strcpy(rg_map_get(a, "norm"), x->norm, sizeof x->norm);
        }
        rg_val_uint(rg_map_get(root, "next"), &p->alerts_after);
        if (k < 1000) return n;
    }
}

/* The wake-ups that came over nng since the last look: counted, no more (a
 * wake-up says only that there is something to read). */
static void take_wakeups(void)
{
    for (;;) {
        char *buf;
        size_t n;
        if (nng_recv(sub, &buf, &n, NNG_FLAG_ALLOC | NNG_FLAG_NONBLOCK) != 0) break;
        nng_free(buf, n);
        tally.wakeups++;
    }
}

static void show_alerts(void)
{
    static alert day[MAX_DAY_ALERTS];
    int n = 0;
    take_wakeups();
    for (int i = 0; i < 3; i++) n = list_alerts(&PRS[i], day, n, MAX_DAY_ALERTS);
    for (int i = 0; i < 2; i++) n = list_alerts(&MGRS[i], day, n, MAX_DAY_ALERTS);
    int nshown = 0, more = 0;
    for (int i = 0; i < n; i++) {
        alert *x = &day[i];
        /* One event alerts several actors (an escalation every manager):
         * counted and shown once. */
        bool dup = false;
        for (int k = 0; k < i && !dup; k++) dup = day[k].seq == x->seq;
        if (dup) continue;
        bool esc = strcmp(x->kind, "escalation") == 0;
        bool stag = strcmp(x->kind, "stagnation") == 0;
        tally.escalations += esc;
        tally.stagnations += stag;
        sim_case *c = find_case(x->cid);
        /* A manager takes up an escalation within a few working days. */
        if (esc && c && !c->resolve_at) c->resolve_at = after_workdays(2.0);
        if (opt.quiet || !(esc || stag)) continue;
        if (nshown == 6) {
            more++;
            continue;
        }
        nshown++;
        char what[80];
        if (stag) {
            snprintf(what, sizeof what, "%s passed unmet", x->norm[0] ? x->norm : "a norm");
        } else {
            /* The case's one ladder: level 1, then up while a level leaves
             * its decision undecided. */
            int level = escalation_level(x->cid);
            if (level) snprintf(what, sizeof what, "escalated to level %d", level);
            else snprintf(what, sizeof what, "escalated (resolved since)");
        }
        printf("    %s%-10s%s %-13s %s\n", opt.color ? (esc ? "\033[31m" : "\033[33m") : "",
               esc ? "escalation" : "stagnation", opt.color ? "\033[0m" : "", x->cid, what);
    }
    if (more) printf("    ... and %d more alerts\n", more);
}

static void status_line(void)
{
    static const char *const ORDER[] = {"reported", "intake", "analysis", "meeting", "planning",
                                        "execution", "closed", "archived", "referred"};
    static const char *const SHORT[] = {"rep", "int", "ana", "mtg", "pln", "exe", "clo", "arc", "ref"};
    rg_buf_reset(&B);
    rg_req_envelope(&B, "stats", MGRS[0].token, NULL, NULL, -1, -1);
    if (send_req()[0]) return;
    const rg_val *per = rg_map_get(root, "cases");
    char day[16];
    date_str(day, sizeof day, now_ms);
    int y, m, d, hh, mm, ss, ms;
    rg_cal_to_local((int64_t)now_ms, &y, &m, &d, &hh, &mm, &ss, &ms);
    printf("%s%s%s", opt.color ? "\033[1m" : "", day, opt.color ? "\033[0m" : "");
    printf(rg_cal_is_working_day(y, m, d) ? "  " : " *");
    for (int i = 0; i < 9; i++) {
        uint64_t v = 0;
        rg_val_uint(rg_map_get(per, ORDER[i]), &v);
        printf(" %s %3llu", SHORT[i], (unsigned long long)v);
        if (i == 5) {
            /* MDA++'s phases, where the other routes have execution */
            static const char *const PHASES[] = {"direct_safety", "stable_safety", "recovery", "monitoring"};
            uint64_t ph = 0;
            for (int k = 0; k < 4; k++) {
                v = 0;
                rg_val_uint(rg_map_get(per, PHASES[k]), &v);
                ph += v;
            }
            printf(" mda %3llu", (unsigned long long)ph);
        }
    }
    uint64_t st = 0;
    rg_val_uint(rg_map_get(root, "open_stagnations"), &st);
    printf(" | stalled %3llu | alerts %llu\n", (unsigned long long)st,
           (unsigned long long)(tally.stagnations + tally.escalations));
}

/* ---- the run ---- */

static void advance_day(void)
{
    rg_buf *b = begin(opt.admin, "clock.advance", NULL, 1);
    rg_w_kuint(b, "ms", DAY_MS);
    if (!done_ok("clock.advance", NULL)) exit(1);
    rg_val_uint(rg_map_get(root, "now"), &now_ms);
}

static void usage(FILE *f)
{
    fprintf(f, "usage: regie-sim --connect URL --publish URL --admin TOKEN [--cases N] [--days D]\n"
               "                 [--seed S] [--pace MS] [--quiet]\n"
               "Drives a simulated region through a regied started with --clock manual.\n"
               "  --cases N    cases reported over the first two thirds of the run (300)\n"
               "  --days D     simulated days (180)\n"
               "  --seed S     randomness seed (1); the same seed gives the same run\n"
               "  --pace MS    wall-clock pause per simulated day, to watch it (0)\n"
               "  --quiet      only the daily status lines and the summary\n");
}

int main(int argc, char **argv)
{
    static const struct option lo[] = {
        {"connect", required_argument, 0, 'c'}, {"publish", required_argument, 0, 'p'},
        {"admin", required_argument, 0, 'a'},   {"cases", required_argument, 0, 'n'},
        {"days", required_argument, 0, 'd'},    {"seed", required_argument, 0, 's'},
        {"pace", required_argument, 0, 'w'},    {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'},          {0, 0, 0, 0},
    };
    int ch;
    while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
        switch (ch) {
        case 'c': opt.url = optarg; break;
        case 'p': opt.pub = optarg; break;
        case 'a': opt.admin = optarg; break;
        case 'n': opt.cases = atoi(optarg); break;
        case 'd': opt.days = atoi(optarg); break;
        case 's': opt.seed = strtoull(optarg, NULL, 10); break;
        case 'w': opt.pace_ms = atoi(optarg); break;
        case 'q': opt.quiet = true; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (!opt.url || !opt.pub || !opt.admin || opt.cases < 1 || opt.cases > 100000 || opt.days < 1) {
        usage(stderr);
        return 2;
    }
    opt.color = isatty(1);
    rnd_state = opt.seed * 0x9E3779B97F4A7C15ULL + 1;
    setvbuf(stdout, NULL, _IOLBF, 0);

    int rc = rg_client_open(&cl, opt.url, 60000, NULL);
    if (rc < 0) {
        fprintf(stderr, "regie-sim: %s: %s\n", opt.url, rg_client_strerror(rc));
        return 1;
    }
    if (nng_sub0_open(&sub) != 0 || nng_dial(sub, opt.pub, NULL, 0) != 0) {
        fprintf(stderr, "regie-sim: cannot subscribe to %s\n", opt.pub);
        return 1;
    }
    rg_buf *b = begin(opt.admin, "clock.advance", NULL, 1);
    rg_w_kuint(b, "ms", 0);
    const char *e = send_req();
    if (e[0]) {
        char msg[200] = "";
        rg_val_strcpy(rg_map_get(root, "message"), msg, sizeof msg);
        fprintf(stderr, "regie-sim: the engine must run with --clock manual: %s: %s\n", e, msg);
        return 1;
    }
    rg_val_uint(rg_map_get(root, "now"), &now_ms);
    create_region();

    /* Arrival days: spread over the first two thirds of the run. */
    ncases = opt.cases;
    cases = calloc((size_t)ncases, sizeof *cases);
    int spread = opt.days * 2 / 3 > 0 ? opt.days * 2 / 3 : 1;
    for (int i = 0; i < ncases; i++)
        cases[i].next_at = now_ms + (rnd() % (uint64_t)spread) * DAY_MS;

    printf("a region of %d partner orgs, 3 procesregisseurs, 2 managers; %d cases over %d days\n", NORGS,
           ncases, opt.days);
    printf("per day: cases per state (rep intake analysis meeting planning execution, mda: MDA++ cases in\n"
           "their phases, closed archived referred), open stagnations, and the alerts raised so far\n"
           "(* = weekend/holiday)\n");
    for (int day = 0; day < opt.days; day++) {
        advance_day();
        nng_msleep(5);                         /* let the wake-ups of what fired arrive */
        show_alerts();
        int y, m, d, hh, mm, ss, ms;
        rg_cal_to_local((int64_t)now_ms, &y, &m, &d, &hh, &mm, &ss, &ms);
        if (rg_cal_is_working_day(y, m, d))
            for (int i = 0; i < ncases; i++) {
                sim_case *c = &cases[i];
                if (c->stage == S_DONE) continue;
                manager_steps(c);
                partner_steps(c);
                pr_steps(c);
            }
        status_line();
        if (opt.pace_ms) nng_msleep(opt.pace_ms);
    }
    take_wakeups();
    uint64_t relapses = 0;
    rg_buf_reset(&B);
    rg_req_envelope(&B, "stats", MGRS[0].token, NULL, NULL, -1, -1);
    if (!send_req()[0]) rg_val_uint(rg_map_get(root, "relapses"), &relapses);
    printf("\nroutes: %llu default, %llu MDA++ (%llu phase steps, %llu relapses; %llu closed from monitoring; "
           "the engine counts %llu relapses), %llu Levensloop; %llu times every procesregisseur was at the cap\n",
           (unsigned long long)tally.routes[R_DEFAULT], (unsigned long long)tally.routes[R_MDA],
           (unsigned long long)tally.advances, (unsigned long long)tally.relapses,
           (unsigned long long)tally.mda_closed, (unsigned long long)relapses,
           (unsigned long long)tally.routes[R_LEVENSLOOP], (unsigned long long)tally.capped);
    printf("households: %llu MDA++ cases reported as a household (a parent, a partner, two children); "
           "youth protection limited to the children in %llu; %llu member erased (the others read on); "
           "%llu access request answered with that member's data alone; %llu checks failed\n",
           (unsigned long long)tally.households, (unsigned long long)tally.limited,
           (unsigned long long)tally.erased, (unsigned long long)tally.accessed, (unsigned long long)tally.wrong);
    printf("%llu requests, %llu refused; %llu alerts listed (%llu wake-ups over nng): %llu on stagnations, "
           "%llu on escalations\n",
           (unsigned long long)tally.ops, (unsigned long long)tally.refused, (unsigned long long)tally.alerts,
           (unsigned long long)tally.wakeups, (unsigned long long)tally.stagnations,
           (unsigned long long)tally.escalations);
    rg_net_close(sub, RG_NET_CLOSE_MS);
    rg_client_close(cl);
    if (doc) rg_doc_free(doc);
    free(reply);
    free(cases);
    rg_buf_free(&B);
    return tally.refused || tally.wrong ? 1 : 0;
}
