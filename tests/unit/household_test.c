/*
 * household_test.c - a case about a household (issue 25), in process on a
 * real RocksDB: case.report with persons, the single subject as one
 * `subject` person, case.get listing the persons with their role and
 * whether they are minors (from the birth date, in Europe/Amsterdam, on the
 * engine's clock), across a restart; no person's name or BSN in plain text
 * in any file; a member erased, the rights per person, need-to-know per
 * person.  (The refused reports and person.add and person.remove are
 * persons_test.c's, beside handlers/persons.c.)
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../test.h"
#include "../../engine/domain/calendar.h"
#include "../../engine/storage/errors.h"
#include "../../engine/storage/log.h"
#include "steps.h"

#define MOTHER "Wilhelmina Oosterbroek"
#define CHILD "Pieternella Oosterbroek"
#define FATHER "Hendrikus Vlasblom"
#define BSN_MOTHER "739201840"
#define BSN_CHILD "528173649"
#define BSN_FATHER "619382703"

static char pol[128], pr[128], mgr[128];

static void open_region(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    actor_in("pol", "partner", "police", "tilburg", NULL, pol);
    actor_in("pr", "procesregisseur", "zvh-tilburg", "tilburg", NULL, pr);
    actor_in("mgr", "manager", "zvh-tilburg", "tilburg", NULL, mgr);
}

static void close_region(bool remove)
{
    rg_t_local_close(&L, remove);
}

/* A person: role, name, birth date, bsn (NULL: left out). */
typedef struct { const char *role, *name, *birth, *bsn; } person;

static void w_person(rg_buf *b, const person *p)
{
    rg_w_map(b, 2 + (p->birth ? 1 : 0) + (p->bsn ? 1 : 0));
    rg_w_kstr(b, "role", p->role);
    rg_w_kstr(b, "name", p->name);
    if (p->birth) rg_w_kstr(b, "birth_date", p->birth);
    if (p->bsn) rg_w_kstr(b, "bsn", p->bsn);
}

/* case.report of the persons; the new case id into id ("" on failure). */
static const char *report(const person *ps, int n, char *id)
{
    rg_buf *b = req(pol, "case.report", NULL, 5);
    rg_w_kstr(b, "target_group", "multi_probleem_gezin");
    rg_w_kstr(b, "summary", "a family in trouble");
    rg_w_kstr(b, "urgency", "normal");
    rg_w_kbool(b, "informed", true);
    rg_w_cstr(b, "persons");
    rg_w_array(b, (uint32_t)n);
    for (int i = 0; i < n; i++) w_person(b, &ps[i]);
    const char *e = send_req();
    id[0] = '\0';
    if (!e[0]) snprintf(id, 32, "%s", rg_t_str(&R, "case"));
    return e;
}

/* Take the case and admit it: the procesregisseur directs it. */
static void direct(const char *a)
{
    rg_w_kstr(req(pr, "case.assign", a, 1), "procesregisseur", "pr");
    OK();
}

/* case.get's persons: "P1:subject:adult,P2:child:minor" (minor "?" when nil). */
static const char *persons_of(const char *token, const char *a)
{
    static char out[512];
    out[0] = '\0';
    if (query(token, "case.get", a)[0]) return "error";
    const rg_val *ps = rg_map_get(rg_t_get(&R, "case"), "persons");
    if (!ps) return "none";
    for (uint32_t i = 0; i < rg_array_size(ps); i++) {
        const rg_val *p = rg_array_at(ps, i);
        char id[16] = "", role[16] = "";
        bool minor = false;
        rg_val_strcpy(rg_map_get(p, "person"), id, sizeof id);
        rg_val_strcpy(rg_map_get(p, "role"), role, sizeof role);
        const char *m = rg_val_bool(rg_map_get(p, "minor"), &minor) ? (minor ? "minor" : "adult") : "?";
        size_t o = strlen(out);
        snprintf(out + o, sizeof out - o, "%s%s:%s:%s", o ? "," : "", id, role, m);
    }
    return out;
}

#define PERSONS(tok, a, want) do { const char *got_ = persons_of(tok, a); \
    if (strcmp(got_, want) != 0) { printf("  %s:%d: persons %s, want %s\n", __FILE__, __LINE__, got_, want); \
        rg_t_failed = 1; } } while (0)

/* The local date `years` years and `days` days before the engine's now. */
static void date_before(int years, int days, char out[48])
{
    uint64_t now = clock_now();
    int y, m, d, hh, mm, ss, ms;
    rg_cal_to_local((int64_t)now - (int64_t)days * 86400000, &y, &m, &d, &hh, &mm, &ss, &ms);
    snprintf(out, 48, "%04d-%02d-%02d", y - years, m, d == 29 && m == 2 ? 28 : d);
}

static void test_report_household(void)
{
    open_region();
    char *dir = strdup(L.dir);
    char a[32];
    person ps[] = {
        {"parent", FATHER, "1978-03-04", BSN_FATHER},
        {"subject", MOTHER, "1981-05-06", BSN_MOTHER},
        {"child", CHILD, "2015-07-08", BSN_CHILD},
    };
    CHECK(report(ps, 3, a)[0] == 0);
    /* The reporter's reply shows the events: the report and two persons added. */
    CHECK(rg_t_holds(R.bytes, R.len, MOTHER) && rg_t_holds(R.bytes, R.len, CHILD));
    direct(a);
    /* P1 is the (first) subject; the others in the order given. */
    PERSONS(pr, a, "P1:subject:adult,P2:parent:adult,P3:child:minor");
    CHECK(!rg_t_holds(R.bytes, R.len, CHILD));            /* case.get lists, it does not show names */
    /* The single subject of today is still the case's subject. */
    const rg_val *subject = rg_map_get(rg_t_get(&R, "case"), "subject");
    char name[64] = "";
    rg_val_strcpy(rg_map_get(subject, "name"), name, sizeof name);
    CHECK(strcmp(name, MOTHER) == 0);
    CHECK(!rg_map_get(subject, "role"));
    /* The history shows each person's data in their own event. */
    REQUIRE(query(pr, "case.history", a)[0] == 0);
    CHECK(rg_t_holds(R.bytes, R.len, "person.added") && rg_t_holds(R.bytes, R.len, FATHER) && rg_t_holds(R.bytes, R.len, CHILD));

    /* A restart (the projection read back) and a case dropped from memory. */
    close_region(false);
    REQUIRE(rg_t_local_open(&L, dir) == 0);
    PERSONS(pr, a, "P1:subject:adult,P2:parent:adult,P3:child:minor");

    /* No name and no BSN in plain text in any file. */
    for (int cf = 0; cf < RG_CF_COUNT; cf++) CHECK(rg_log_shred(rg_engine_log(L.e), cf, "", 0, NULL, 0) == 0);
    close_region(false);
    const char *secrets[] = {MOTHER, CHILD, FATHER, BSN_MOTHER, BSN_CHILD, BSN_FATHER};
    for (int i = 0; i < 6; i++) {
        if (rg_t_found_in(dir, secrets[i])) {
            printf("  %s found in plain text\n", secrets[i]);
            rg_t_failed = 1;
        }
    }
    rg_t_rmrf(dir);
    free(dir);
}

static void test_single_subject_is_one_person(void)
{
    open_region();
    rg_buf_reset(&B);
    rg_t_report_req(&B, pol, "r1", MOTHER);
    OK();
    char a[32];
    snprintf(a, sizeof a, "%s", rg_t_str(&R, "case"));
    direct(a);
    PERSONS(pr, a, "P1:subject:adult");
    close_region(true);
}

/* A minor is one under 18 on the engine's clock, in Amsterdam: a child who
 * turns 18 in two days is a minor now and an adult three days on. */
static void test_minor_on_engine_clock(void)
{
    open_region();
    char birth[48], a[32];
    date_before(18, -2, birth);
    person ps[] = {{"subject", MOTHER, "1981-05-06", NULL}, {"child", CHILD, birth, NULL}};
    REQUIRE(report(ps, 2, a)[0] == 0);
    direct(a);
    PERSONS(pr, a, "P1:subject:adult,P2:child:minor");
    clock_to(clock_now() + 3 * 86400000ULL);
    PERSONS(pr, a, "P1:subject:adult,P2:child:adult");
    close_region(true);
}

/* A data-subject request by the person with bsn, granted; its id into rq. */
static void granted(const char *kind, const char *bsn, char rq[32])
{
    rq[0] = '\0';
    rg_buf *b = req(mgr, "subject.request", NULL, 2);
    rg_w_kstr(b, "kind", kind);
    rg_w_cstr(b, "person");
    rg_w_map(b, 1);
    rg_w_kstr(b, "bsn", bsn);
    OK();
    snprintf(rq, 32, "%s", rg_t_str(&R, "request"));
    b = req(mgr, "subject.decide", NULL, 2);
    rg_w_kstr(b, "request", rq);
    rg_w_kbool(b, "granted", true);
    OK();
}

/* One member of a household erased on their own request (issue 25): their
 * key destroyed, their name and BSN in no file under the data directory
 * once compacted, and in no reply (a repeat of the report included), while
 * the others read on, the case goes on, and the chain verifies. */
static void test_erase_one_member(void)
{
    open_region();
    char *dir = strdup(L.dir);
    char a[32], rq[32];
    person ps[] = {
        {"subject", MOTHER, "1981-05-06", BSN_MOTHER},
        {"parent", FATHER, "1978-03-04", BSN_FATHER},
        {"child", CHILD, "2015-07-08", BSN_CHILD},
    };
    REQUIRE(report(ps, 3, a)[0] == 0);
    rg_buf first = RG_BUF_INIT;                     /* the report, to send again */
    rg_buf_append(&first, B.data, B.len);
    direct(a);
    /* Not on an open case without a granted request; not a person who is none. */
    rg_buf *b = req(mgr, "person.erase", a, 2);
    rg_w_kstr(b, "person", "P2");
    rg_w_kstr(b, "ground", "GDPR art. 17");
    FAILS("guard_failed", "granted erasure request");
    b = req(pr, "person.erase", a, 2);
    rg_w_kstr(b, "person", "P2");
    rg_w_kstr(b, "ground", "GDPR art. 17");
    FAILS("forbidden", "");
    b = req(mgr, "person.erase", a, 2);
    rg_w_kstr(b, "person", "P7");
    rg_w_kstr(b, "ground", "GDPR art. 17");
    FAILS("not_found", "no person P7");

    granted("erasure", BSN_FATHER, rq);
    b = req(mgr, "person.erase", a, 3);
    rg_w_kstr(b, "person", "P2");
    rg_w_kstr(b, "ground", "GDPR art. 17");
    rg_w_kstr(b, "request", rq);
    OK();
    CHECK(!rg_t_holds(R.bytes, R.len, FATHER));
    /* Twice changes nothing. */
    b = req(mgr, "person.erase", a, 3);
    rg_w_kstr(b, "person", "P2");
    rg_w_kstr(b, "ground", "GDPR art. 17");
    rg_w_kstr(b, "request", rq);
    OK();
    CHECK(rg_t_get(&R, "erased") != NULL);

    /* The others read on; the case goes on. */
    PERSONS(pr, a, "P1:subject:adult,P2:parent:?,P3:child:minor");
    const rg_val *p2 = rg_array_at(rg_map_get(rg_t_get(&R, "case"), "persons"), 1);
    bool er = false;
    CHECK(rg_val_bool(rg_map_get(p2, "erased"), &er) && er);
    REQUIRE(query(pr, "case.history", a)[0] == 0);
    CHECK(rg_t_holds(R.bytes, R.len, MOTHER) && rg_t_holds(R.bytes, R.len, CHILD) && rg_t_holds(R.bytes, R.len, BSN_CHILD));
    CHECK(rg_t_holds(R.bytes, R.len, "a family in trouble"));          /* the case's own text */
    CHECK(!rg_t_holds(R.bytes, R.len, FATHER) && !rg_t_holds(R.bytes, R.len, BSN_FATHER));
    b = req(pr, "person.add", a, 2);
    rg_w_kstr(b, "role", "sibling");
    rg_w_kstr(b, "name", "Gerrit Oosterbroek");
    OK();
    CHECK(strcmp(rg_t_str(&R, "person"), "P4") == 0);
    /* The report sent again: its events as the log shows them now. */
    rg_buf_reset(&B);
    rg_buf_append(&B, first.data, first.len);
    REQUIRE(send_req()[0] == 0);
    CHECK(rg_t_holds(R.bytes, R.len, MOTHER) && !rg_t_holds(R.bytes, R.len, FATHER) && !rg_t_holds(R.bytes, R.len, BSN_FATHER));
    /* Nor is the father found by the person index any more: an access
     * request of his finds no case. */
    granted("access", BSN_FATHER, rq);
    CHECK(rg_array_size(rg_t_get(&R, "cases")) == 0);
    granted("access", BSN_MOTHER, rq);
    CHECK(rg_array_size(rg_t_get(&R, "cases")) == 1);

    /* After a restart the same; the chain verifies. */
    close_region(false);
    REQUIRE(rg_t_local_open(&L, dir) == 0);
    REQUIRE(query(pr, "case.history", a)[0] == 0);
    CHECK(rg_t_holds(R.bytes, R.len, MOTHER) && !rg_t_holds(R.bytes, R.len, FATHER));
    REQUIRE(query(L.admin, "log.verify", NULL)[0] == 0);
    bool intact = false;
    CHECK(rg_val_bool(rg_t_get(&R, "intact"), &intact) && intact);

    /* No file holds the father's name or BSN once compacted: the plain
     * search is the test that his key, the one thing that opened them, is
     * gone -- the others' boxes remain, under keys that remain.  */
    for (int cf = 0; cf < RG_CF_COUNT; cf++) CHECK(rg_log_shred(rg_engine_log(L.e), cf, "", 0, NULL, 0) == 0);
    char kid[128];
    snprintf(kid, sizeof kid, "%s/P2", a);
    rg_buf v = RG_BUF_INIT;
    CHECK(rg_log_get(rg_engine_log(L.e), RG_CF_KEYS, kid, strlen(kid), &v) == RG_ENOTFOUND);
    snprintf(kid, sizeof kid, "%s/P1", a);
    CHECK(rg_log_get(rg_engine_log(L.e), RG_CF_KEYS, kid, strlen(kid), &v) == 0);
    rg_buf_free(&v);
    close_region(false);
    CHECK(!rg_t_found_in(dir, FATHER) && !rg_t_found_in(dir, BSN_FATHER));
    /* The erasure ledger beside the key names the person, for a restore. */
    char ledger[4200], line[256];
    snprintf(ledger, sizeof ledger, "%s.ledger", dir);
    snprintf(kid, sizeof kid, "%s/P2", a);
    FILE *f = fopen(ledger, "r");
    bool named = false;
    while (f && fgets(line, sizeof line, f)) named |= strncmp(line, kid, strlen(kid)) == 0;
    if (f) fclose(f);
    CHECK(named);
    rg_buf_free(&first);
    rg_t_rmrf(dir);
    free(dir);
}

static int count_of(const char *s)
{
    int n = 0;
    for (const uint8_t *p = R.bytes; (p = memmem(p, R.len - (size_t)(p - R.bytes), s, strlen(s))); p++) n++;
    return n;
}

/* No other member's name or BSN anywhere in the reply's bytes. */
static void only_theirs(const char *name, const char *bsn, const char *const others[4], int line)
{
    if (!rg_t_holds(R.bytes, R.len, name) || !rg_t_holds(R.bytes, R.len, bsn)) {
        printf("  %s:%d: the export lacks %s's own data\n", __FILE__, line, name);
        rg_t_failed = 1;
    }
    for (int i = 0; i < 4; i++)
        if (count_of(others[i])) {
            printf("  %s:%d: %s's export shows %s\n", __FILE__, line, name, others[i]);
            rg_t_failed = 1;
        }
}

/* Rights per person (issue 25): a request is from one person of a
 * household; access gives them their data and the case's facts, never
 * another member's (searched byte for byte, a repeat included); a request
 * for a child under 16 is made by someone with parental authority (named,
 * recorded as the person of the case they are); rectification corrects the
 * requester; an erasure request of one member does not erase the case;
 * subject.known finds any member. */
static void test_rights_per_person(void)
{
    open_region();
    char a[32], rq[32];
    person ps[] = {
        {"subject", MOTHER, "1981-05-06", BSN_MOTHER},
        {"parent", FATHER, "1978-03-04", BSN_FATHER},
        {"child", CHILD, "2015-07-08", BSN_CHILD},
    };
    REQUIRE(report(ps, 3, a)[0] == 0);
    direct(a);

    /* The father's access: his data, not his partner's nor his child's. */
    granted("access", BSN_FATHER, rq);
    const char *not_father[] = {MOTHER, BSN_MOTHER, CHILD, BSN_CHILD};
    only_theirs(FATHER, BSN_FATHER, not_father, __LINE__);
    const rg_val *cases = rg_t_get(&R, "cases");
    CHECK(rg_array_size(cases) == 1 && rg_val_is_str(rg_map_get(rg_array_at(cases, 0), "person"), "P2"));
    /* The case's facts: the report, his own addition, the assignment; the
     * child's addition is the child's (domain/member.h). */
    CHECK(rg_array_size(rg_map_get(rg_array_at(cases, 0), "events")) == 3);
    /* The decision sent again: the same bytes, still his alone. */
    rg_buf again = RG_BUF_INIT;
    rg_buf_append(&again, B.data, B.len);
    uint8_t *first = malloc(R.len);
    size_t n = R.len;
    memcpy(first, R.bytes, n);
    rg_buf_reset(&B);
    rg_buf_append(&B, again.data, again.len);
    REQUIRE(send_req()[0] == 0);
    CHECK(R.len == n && memcmp(R.bytes, first, n) == 0);
    only_theirs(FATHER, BSN_FATHER, not_father, __LINE__);
    free(first);
    rg_buf_free(&again);

    /* The child (under 16): not asked for by no one. */
    rg_buf *b = req(mgr, "subject.request", NULL, 2);
    rg_w_kstr(b, "kind", "access");
    rg_w_cstr(b, "person");
    rg_w_map(b, 2);
    rg_w_kstr(b, "name", CHILD);
    rg_w_kstr(b, "birth_date", "2015-07-08");
    FAILS("bad_request", "under 16");
    b = req(mgr, "subject.request", NULL, 2);           /* by BSN alone: the case knows the age */
    rg_w_kstr(b, "kind", "access");
    rg_w_cstr(b, "person");
    rg_w_map(b, 1);
    rg_w_kstr(b, "bsn", BSN_CHILD);
    OK();
    snprintf(rq, sizeof rq, "%s", rg_t_str(&R, "request"));
    b = req(mgr, "subject.decide", NULL, 2);
    rg_w_kstr(b, "request", rq);
    rg_w_kbool(b, "granted", true);
    FAILS("guard_failed", "under 16");
    b = req(mgr, "subject.request", NULL, 3);
    rg_w_kstr(b, "kind", "access");
    rg_w_cstr(b, "person");
    rg_w_map(b, 1);
    rg_w_kstr(b, "bsn", BSN_CHILD);
    rg_w_cstr(b, "by");
    rg_w_map(b, 2);
    rg_w_kstr(b, "name", MOTHER);
    rg_w_kstr(b, "bsn", BSN_MOTHER);
    OK();
    snprintf(rq, sizeof rq, "%s", rg_t_str(&R, "request"));
    b = req(mgr, "subject.decide", NULL, 2);
    rg_w_kstr(b, "request", rq);
    rg_w_kbool(b, "granted", true);
    OK();
    const char *not_child[] = {MOTHER, BSN_MOTHER, FATHER, BSN_FATHER};
    only_theirs(CHILD, BSN_CHILD, not_child, __LINE__);
    /* Who asked is recorded: the mother, P1 of the case. */
    const rg_val *evs = rg_t_get(&R, "events"), *who = NULL;
    for (uint32_t i = 0; i < rg_array_size(evs); i++) {
        const rg_val *ps_ = rg_map_get(rg_map_get(rg_array_at(evs, i), "data"), "from");
        if (rg_array_size(ps_)) who = rg_array_at(ps_, 0);
    }
    CHECK(rg_val_is_str(rg_map_get(who, "person"), "P3") && rg_val_is_str(rg_map_get(who, "by"), "P1"));

    /* Rectification corrects the one it is from. */
    granted("rectification", BSN_FATHER, rq);
    b = req(mgr, "subject.correct", a, 2);
    rg_w_cstr(b, "subject");
    rg_w_map(b, 1);
    rg_w_kstr(b, "name", "Hendrik Vlasblom");
    rg_w_kstr(b, "person", "P1");
    FAILS("guard_failed", "person P2's");
    b = req(mgr, "subject.correct", a, 1);
    rg_w_cstr(b, "subject");
    rg_w_map(b, 2);
    rg_w_kstr(b, "name", "Hendrik Vlasblom");
    rg_w_kstr(b, "bsn", BSN_FATHER);
    OK();
    REQUIRE(query(pr, "case.get", a)[0] == 0);
    CHECK(rg_val_is_str(rg_map_get(rg_map_get(rg_t_get(&R, "case"), "subject"), "name"), MOTHER));
    REQUIRE(query(pr, "case.history", a)[0] == 0);
    CHECK(rg_t_holds(R.bytes, R.len, "Hendrik Vlasblom"));
    granted("access", BSN_FATHER, rq);                  /* found by his data as corrected */
    CHECK(rg_t_holds(R.bytes, R.len, "Hendrik Vlasblom") && !rg_t_holds(R.bytes, R.len, MOTHER));

    /* The mother's erasure request erases her, not the household. */
    granted("erasure", BSN_MOTHER, rq);
    b = req(mgr, "case.erase", a, 2);
    rg_w_kstr(b, "ground", "GDPR art. 17");
    rg_w_kstr(b, "request", rq);
    FAILS("guard_failed", "person.erase");
    b = req(mgr, "person.erase", a, 3);
    rg_w_kstr(b, "person", "P2");
    rg_w_kstr(b, "ground", "GDPR art. 17");
    rg_w_kstr(b, "request", rq);
    FAILS("guard_failed", "person P1's");

    /* subject.known: a child of a household in another region is found. */
    char polb[128], mgrb[128];
    actor_in("polb", "partner", "police", "breda", NULL, polb);
    actor_in("mgrb", "manager", "zvh-breda", "breda", NULL, mgrb);
    b = req(polb, "case.report", NULL, 5);
    rg_w_kstr(b, "target_group", "multi_probleem_gezin");
    rg_w_kstr(b, "summary", "the child at the grandparents'");
    rg_w_kstr(b, "urgency", "normal");
    rg_w_kbool(b, "informed", true);
    rg_w_cstr(b, "persons");
    rg_w_array(b, 2);
    w_person(b, &(person){"subject", "Grietje Oosterbroek", "1955-01-01", NULL});
    w_person(b, &(person){"child", CHILD, "2015-07-08", BSN_CHILD});
    OK();
    b = req(mgr, "subject.known", NULL, 1);
    rg_w_cstr(b, "person");
    rg_w_map(b, 1);
    rg_w_kstr(b, "bsn", BSN_CHILD);
    OK();
    const rg_val *regions = rg_t_get(&R, "regions");
    CHECK(rg_array_size(regions) == 1 && rg_val_is_str(rg_array_at(regions, 0), "breda"));
    close_region(true);
}

/* Need-to-know per person (issue 25): the procesregisseur limits the child
 * to youth protection and the father to probation; every role reads the
 * household case through every view, and sees exactly the persons it may --
 * their names and BSNs searched in the reply's bytes. */
static void test_share_every_role_and_view(void)
{
    open_region();
    char a[32];
    person ps[] = {{"subject", MOTHER, "1981-05-06", BSN_MOTHER}};
    REQUIRE(report(ps, 1, a)[0] == 0);
    direct(a);
    char jb[128], rec[128], pm[128], bst[128], aud[128], other[128];
    actor_in("jb", "partner", "jeugdbescherming", "tilburg", NULL, jb);
    actor_in("rec", "partner", "reclassering", "tilburg", NULL, rec);
    actor_in("pm", "partner_manager", "police", "tilburg", NULL, pm);
    actor_in("bst", "bestuur", "gemeente", "tilburg", NULL, bst);
    actor_in("aud", "auditor", "toezicht", "tilburg", NULL, aud);
    actor_in("other", "partner", "ggz", "tilburg", NULL, other);
    req(pr, "intake.start", a, 0);
    OK();
    rg_buf *b = req(pr, "intake.decide", a, 3);
    rg_w_kbool(b, "admit", true);
    rg_w_kstr(b, "reason", "a family in several domains");
    rg_w_cstr(b, "criteria");
    rg_w_array(b, 1);
    rg_w_cstr(b, "system");
    OK();
    const char *orgs[] = {"jeugdbescherming", "reclassering", "ggz"};
    for (int i = 0; i < 3; i++) {
        rg_w_kstr(req(pr, "partner.join", a, 1), "org", orgs[i]);
        OK();
    }
    /* The father and the child, added once the partners take part (a
     * partner reads from the version its org joined). */
    person more[] = {{"parent", FATHER, "1978-03-04", BSN_FATHER}, {"child", CHILD, "2015-07-08", BSN_CHILD}};
    for (int i = 0; i < 2; i++) {
        b = req(pr, "person.add", a, 4);
        rg_w_kstr(b, "role", more[i].role);
        rg_w_kstr(b, "name", more[i].name);
        rg_w_kstr(b, "birth_date", more[i].birth);
        rg_w_kstr(b, "bsn", more[i].bsn);
        OK();
    }
    /* Not by a partner; not a person who is none; not without an org. */
    b = req(pol, "person.share", a, 2);
    rg_w_kstr(b, "person", "P3");
    rg_w_cstr(b, "orgs");
    rg_w_array(b, 1);
    rg_w_cstr(b, "police");
    FAILS("forbidden", "");
    b = req(pr, "person.share", a, 2);
    rg_w_kstr(b, "person", "P9");
    rg_w_cstr(b, "orgs");
    rg_w_array(b, 1);
    rg_w_cstr(b, "police");
    FAILS("not_found", "no person P9");
    b = req(pr, "person.share", a, 2);
    rg_w_kstr(b, "person", "P3");
    rg_w_cstr(b, "orgs");
    rg_w_array(b, 0);
    FAILS("bad_request", "data.orgs");
    b = req(pr, "person.share", a, 2);
    rg_w_kstr(b, "person", "P3");
    rg_w_cstr(b, "orgs");
    rg_w_array(b, 1);
    rg_w_cstr(b, "jeugdbescherming");
    OK();
    b = req(pr, "person.share", a, 2);
    rg_w_kstr(b, "person", "P2");
    rg_w_cstr(b, "orgs");
    rg_w_array(b, 1);
    rg_w_cstr(b, "reclassering");
    OK();

    /* Each reader, what each view shows of the persons (M mother, F father,
     * C child): case.get the subject, the history and the feed each person's
     * data from the version the reader sees on (the report's mother only to
     * the reporter and the region's manager: partners read from their
     * joining, the procesregisseur's feed from the assignment); lists and
     * alerts no one.  sees: whose age case.get may tell ("" none of it). */
    struct { const char *name, *tok, *get, *history, *feed, *sees; } readers[] = {
        {"procesregisseur", pr, "M", "MFC", "FC", "MFC"},
        {"manager", mgr, "M", "MFC", "MFC", "MFC"},
        {"partner police (reporter)", pol, "M", "M", "M", "M"},
        {"partner jeugdbescherming", jb, "M", "C", "C", "MC"},
        {"partner reclassering", rec, "M", "F", "F", "MF"},
        {"partner ggz", other, "M", "", "", "M"},
        {"partner_manager", pm, "", "", "", ""},
        {"bestuur", bst, "", "", "", ""},
        {"auditor", aud, "", "", "", ""},
        {"admin", L.admin, "", "", "", ""},
    };
    const char *who[3][2] = {{MOTHER, BSN_MOTHER}, {FATHER, BSN_FATHER}, {CHILD, BSN_CHILD}};
    const char letters[] = "MFC";
    const char *views[] = {"case.get", "case.history", "feed.read", "cases.list", "alerts.list"};
    for (size_t r = 0; r < sizeof readers / sizeof readers[0]; r++) {
        for (int v = 0; v < 5; v++) {
            if (strcmp(views[v], "feed.read") == 0) {
                rg_w_kuint(req(readers[r].tok, "feed.read", NULL, 1), "after", 0);
                send_req();
            } else {
                query(readers[r].tok, views[v], v < 2 ? a : NULL);
            }
            char shown[4] = "";
            size_t ns = 0;
            for (int p = 0; p < 3; p++) {
                bool name = rg_t_holds(R.bytes, R.len, who[p][0]), bsn = rg_t_holds(R.bytes, R.len, who[p][1]);
                if (name || bsn) shown[ns++] = letters[p];
                if (name != bsn) {
                    printf("  %s %s: %s's name and BSN apart\n", readers[r].name, views[v], who[p][0]);
                    rg_t_failed = 1;
                }
            }
            const char *want = v == 0 ? readers[r].get : v == 1 ? readers[r].history : v == 2 ? readers[r].feed : "";
            if (strcmp(shown, want) != 0) {
                printf("  %s %s: shows [%s], want [%s]\n", readers[r].name, views[v], shown, want);
                rg_t_failed = 1;
            }
        }
        /* case.get's persons: every person listed, a minor's age only to
         * who may see them. */
        if (readers[r].sees[0]) {
            char want[64];
            snprintf(want, sizeof want, "P1:subject:adult,P2:parent:%s,P3:child:%s",
                     strchr(readers[r].sees, 'F') ? "adult" : "?", strchr(readers[r].sees, 'C') ? "minor" : "?");
            PERSONS(readers[r].tok, a, want);
        }
    }
    /* The limit survives a restart (the projection read back). */
    char *dir = strdup(L.dir);
    close_region(false);
    REQUIRE(rg_t_local_open(&L, dir) == 0);
    rg_w_kuint(req(pol, "feed.read", NULL, 1), "after", 0);
    REQUIRE(send_req()[0] == 0);
    CHECK(rg_t_holds(R.bytes, R.len, MOTHER) && !rg_t_holds(R.bytes, R.len, CHILD) && !rg_t_holds(R.bytes, R.len, FATHER));
    REQUIRE(query(jb, "case.history", a)[0] == 0);
    CHECK(rg_t_holds(R.bytes, R.len, CHILD) && !rg_t_holds(R.bytes, R.len, FATHER));
    close_region(true);
    free(dir);
}

int main(void)
{
    rg_t_run("report_household", test_report_household);
    rg_t_run("single_subject_is_one_person", test_single_subject_is_one_person);
    rg_t_run("minor_on_engine_clock", test_minor_on_engine_clock);
    rg_t_run("erase_one_member", test_erase_one_member);
    rg_t_run("rights_per_person", test_rights_per_person);
    rg_t_run("share_every_role_and_view", test_share_every_role_and_view);
    rg_buf_free(&B);
    rg_t_reply_free(&R);
    return rg_t_exit();
}
