/*
 * sealed_text_test.c - every free-text field is sealed under its case's key
 * (issue 20, finding 6), in process on a real RocksDB.  Four cases on one
 * person go through every operation that takes free text (the MDA++ route
 * for the phases, the default route for aftercare, a rejected intake, an
 * early end), each text field holding a distinctive marker; the test checks
 * from the operation table (schemas/ops.c) that it wrote every RG_F_TEXT
 * field of every operation that records (a new one fails it until it is
 * written here too).  Then: no marker is in any file of the data directory
 * (its write-ahead log included, and after everything is flushed and
 * compacted) nor in a backup; after the cases are erased no case.history,
 * and no repeat of any request sent before, shows one; the chain verifies.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../test.h"
#include "../../engine/domain/seal.h"
#include "../../engine/storage/log.h"
#include "steps.h"

/* The marker of case content, and of a data-subject request's own text. */
#define MARK "Qzx9"
#define MARK_REQ "Rqy8"
#define BSN "620481353"

static char vt[128], ggz[128], pr[128], mgr[128];

/* Every op.field written with a marker. */
static char covered[64][96];
static int ncovered;

static void text(rg_buf *b, const char *op, const char *field, const char *mark)
{
    char v[160];
    snprintf(v, sizeof v, "%s %s.%s about Jan Jansen", mark, op, field);
    rg_w_kstr(b, strrchr(field, '.') ? strrchr(field, '.') + 1 : field, v);
    for (int i = 0; i < ncovered; i++)
        if (strcmp(covered[i], v + strlen(mark) + 1) == 0) return;
    if (ncovered < 64) {
        snprintf(covered[ncovered], sizeof covered[0], "%s.%s", op, field);
        ncovered++;
    }
}

static bool is_covered(const char *name)
{
    for (int i = 0; i < ncovered; i++)
        if (strcmp(covered[i], name) == 0) return true;
    return false;
}

/* The requests sent, byte for byte. */
#define MAXJ 96
static struct { uint8_t *req; size_t n; } J[MAXJ];
static int nj;

static const char *send_j(void)
{
    if (nj < MAXJ) {
        J[nj].req = malloc(B.len);
        memcpy(J[nj].req, B.data, B.len);
        J[nj].n = B.len;
        nj++;
    }
    return send_req();
}

#define JOK() do { const char *e_ = send_j(); if (e_[0]) { \
    printf("  %s:%d: %s: %s\n", __FILE__, __LINE__, e_, rg_t_str(&R, "message")); \
    rg_t_failed = 1; return; } } while (0)

static void report(const char *route, bool informed, char *id)
{
    rg_buf *b = req(vt, "case.report", NULL, 6);
    rg_w_kstr(b, "target_group", "huiselijk_geweld");
    text(b, "case.report", "summary", MARK);
    rg_w_kstr(b, "urgency", "high");
    if (informed) rg_w_kbool(b, "informed", true);
    else text(b, "case.report", "exemption", MARK);
    rg_w_kstr(b, "route", route);
    rg_w_cstr(b, "subject");
    rg_w_map(b, 2);
    rg_w_kstr(b, "name", "Jan Jansen");
    rg_w_kstr(b, "bsn", BSN);
    id[0] = '\0';
    if (send_j()[0] == 0) snprintf(id, 32, "%s", rg_t_str(&R, "case"));
}

/* Assigned, taken in, admitted (MDA++: in direct safety; else in execution). */
static void to_plan_agreed(const char *id)
{
    rg_w_kstr(req(pr, "case.assign", id, 1), "procesregisseur", "pr");
    JOK();
    req(pr, "intake.start", id, 0);
    JOK();
    rg_buf *b = req(pr, "intake.more_info", id, 2);
    text(b, "intake.more_info", "question", MARK);
    rg_w_kstr(b, "due", "2027-01-15");
    JOK();
    b = req(pr, "intake.decide", id, 3);
    rg_w_kbool(b, "admit", true);
    text(b, "intake.decide", "reason", MARK);
    rg_t_w_list(b, "criteria", "system");
    JOK();
    b = req(pr, "info.request", id, 2);
    rg_w_kstr(b, "org", "ggz");
    text(b, "info.request", "question", MARK);
    JOK();
    b = req(ggz, "info.provide", id, 3);
    rg_w_kstr(b, "request", "R1");
    text(b, "info.provide", "answer", MARK);
    rg_w_kstr(b, "class", "special");
    JOK();
    b = req(pr, "meeting.schedule", id, 2);
    rg_w_kstr(b, "at", "2027-06-01T10:00:00+02:00");
    rg_t_w_list(b, "orgs", "veilig-thuis");
    JOK();
    b = req(pr, "meeting.hold", id, 2);
    rg_t_w_list(b, "attendees", "veilig-thuis");
    text(b, "meeting.hold", "conclusions", MARK);
    JOK();
    b = req(pr, "plan.propose", id, 2);
    text(b, "plan.propose", "goals", MARK);
    rg_w_cstr(b, "actions");
    rg_w_array(b, 1);
    rg_w_map(b, 4);
    rg_w_kstr(b, "id", "safety-plan");
    rg_w_kstr(b, "owner_org", "veilig-thuis");
    text(b, "plan.propose", "actions.description", MARK);
    rg_w_kstr(b, "due", "2027-12-31");
    JOK();
    req(vt, "plan.agree", id, 0);
    JOK();
}

static void phase(const char *op, const char *id)
{
    text(req(pr, op, id, 1), op, "reason", MARK);
}

static const char *subject_request(const char *kind, char *id)
{
    rg_buf_reset(&B);
    static int n;
    char rq[32];
    snprintf(rq, sizeof rq, "sr%d", ++n);
    rg_req_envelope(&B, "subject.request", mgr, rq, NULL, -1, 2);
    rg_w_kstr(&B, "kind", kind);
    rg_w_cstr(&B, "person");
    rg_w_map(&B, 1);
    rg_w_kstr(&B, "bsn", BSN);
    const char *e = send_req();
    id[0] = '\0';
    if (!e[0]) snprintf(id, 32, "%s", rg_t_str(&R, "request"));
    return e;
}

static void test_free_text_is_sealed(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    char *dir = strdup(L.dir);
    char *bk = rg_t_tmpdir();
    actor_in("vt", "partner", "veilig-thuis", "tilburg", NULL, vt);
    actor_in("ggz", "partner", "ggz", "tilburg", NULL, ggz);
    actor_in("pr", "procesregisseur", "zvh-tilburg", "tilburg", NULL, pr);
    actor_in("mgr", "manager", "zvh-tilburg", "tilburg", NULL, mgr);

    /* a: MDA++ through its phases, closed and reopened. */
    char a[32], b2[32], c[32];
    report("mda", false, a);
    REQUIRE(a[0]);
    to_plan_agreed(a);
    rg_buf *b = req(vt, "action.complete", a, 2);
    rg_w_kstr(b, "action", "safety-plan");
    text(b, "action.complete", "result", MARK);
    JOK();
    text(req(pr, "review.hold", a, 1), "review.hold", "notes", MARK);
    JOK();
    b = req(pr, "case.escalate", a, 2);
    rg_w_kuint(b, "level", 1);
    text(b, "case.escalate", "reason", MARK);
    JOK();
    text(req(mgr, "escalation.resolve", a, 1), "escalation.resolve", "decision", MARK);
    JOK();
    for (int i = 0; i < 3; i++) {
        phase("phase.advance", a);
        JOK();
    }
    phase("phase.relapse", a);
    JOK();
    for (int i = 0; i < 3; i++) {
        phase("phase.advance", a);
        JOK();
    }
    text(req(pr, "case.close", a, 1), "case.close", "reason", MARK);
    JOK();
    text(req(pr, "case.reopen", a, 1), "case.reopen", "reason", MARK);
    JOK();
    /* A person of the household added and removed (issue 25). */
    b = req(pr, "person.add", a, 2);
    rg_w_kstr(b, "role", "child");
    rg_w_kstr(b, "name", "a child");
    JOK();
    b = req(pr, "person.remove", a, 2);
    rg_w_kstr(b, "person", "P2");
    text(b, "person.remove", "reason", MARK);
    JOK();
    /* What the person wants, in their own words (issue 25). */
    b = req(pr, "client.perspective", a, 2);
    rg_w_kstr(b, "person", "P1");
    text(b, "client.perspective", "wishes", MARK);
    JOK();
    /* b: the default route to its aftercare check. */
    report("default", true, b2);
    REQUIRE(b2[0]);
    to_plan_agreed(b2);
    b = req(vt, "action.complete", b2, 2);
    rg_w_kstr(b, "action", "safety-plan");
    text(b, "action.complete", "result", MARK);
    JOK();
    text(req(pr, "case.close", b2, 1), "case.close", "reason", MARK);
    JOK();
    rg_w_kuint(req(L.admin, "clock.advance", NULL, 1), "ms", 100 * 86400000ULL);   /* months after closing */
    REQUIRE(send_req()[0] == 0);
    text(req(pr, "aftercare.check", b2, 1), "aftercare.check", "outcome", MARK);
    JOK();
    /* c: not admitted, with advice. */
    report("default", true, c);
    REQUIRE(c[0]);
    rg_w_kstr(req(pr, "case.assign", c, 1), "procesregisseur", "pr");
    JOK();
    req(pr, "intake.start", c, 0);
    JOK();
    b = req(pr, "intake.decide", c, 3);
    rg_w_kbool(b, "admit", false);
    text(b, "intake.decide", "reason", MARK);
    text(b, "intake.decide", "advice", MARK);
    JOK();

    /* d: ended early. */
    char d[32];
    report("default", true, d);
    REQUIRE(d[0]);
    rg_w_kstr(req(pr, "case.assign", d, 1), "procesregisseur", "pr");
    JOK();
    b = req(pr, "case.end", d, 2);
    rg_w_kstr(b, "reason", "other");
    text(b, "case.end", "explanation", MARK);
    JOK();
    /* e: ended, then its person erased on their own (issue 25). */
    char e[32];
    report("default", true, e);
    REQUIRE(e[0]);
    rg_w_kstr(req(pr, "case.assign", e, 1), "procesregisseur", "pr");
    JOK();
    rg_w_kstr(req(pr, "case.end", e, 1), "reason", "withdrawn");
    JOK();
    b = req(mgr, "person.erase", e, 2);
    rg_w_kstr(b, "person", "P1");
    text(b, "person.erase", "ground", MARK);
    JOK();

    /* The person's requests: an objection refused on its ground, a
     * restriction granted and lifted, the erasure of all three. */
    char rq[32];
    REQUIRE(subject_request("objection", rq)[0] == 0);
    b = req(mgr, "subject.decide", NULL, 3);
    rg_w_kstr(b, "request", rq);
    rg_w_kbool(b, "granted", false);
    text(b, "subject.decide", "ground", MARK_REQ);
    REQUIRE(send_req()[0] == 0);
    REQUIRE(subject_request("restriction", rq)[0] == 0);
    b = req(mgr, "subject.decide", NULL, 2);
    rg_w_kstr(b, "request", rq);
    rg_w_kbool(b, "granted", true);
    REQUIRE(send_req()[0] == 0);
    text(req(mgr, "case.unrestrict", a, 1), "case.unrestrict", "reason", MARK);
    JOK();

    /* Every free-text field of every operation that records was written. */
    int missing = 0;
    for (const rg_opdef *op = rg_ops; op->name; op++) {
        if (!(op->flags & RG_OP_MUTATES)) continue;
        for (const rg_field *f = op->fields; f && f->name; f++) {
            char name[96];
            if (f->type == RG_F_TEXT) {
                snprintf(name, sizeof name, "%s.%s", op->name, f->name);
                if (strcmp(name, "case.erase.ground") == 0) continue;     /* below, with the erasure */
                if (!is_covered(name)) printf("  not written: %s\n", name), missing++;
            }
            for (const rg_field *s = f->type == RG_F_MAP_ARRAY ? f->sub : NULL; s && s->name; s++) {
                snprintf(name, sizeof name, "%s.%s.%s", op->name, f->name, s->name);
                if (s->type == RG_F_TEXT && !is_covered(name)) printf("  not written: %s\n", name), missing++;
            }
        }
    }
    CHECK(missing == 0);

    /* Nothing readable on disk: the write-ahead log, a backup, the tables. */
    CHECK(rg_t_found_in(dir, MARK) == 0);
    CHECK(rg_t_found_in(dir, MARK_REQ) == 0);
    rg_buf_reset(&B);
    rg_req_envelope(&B, "backup.create", L.admin, NULL, NULL, -1, 1);
    rg_w_kstr(&B, "dir", bk);
    CHECK(send_req()[0] == 0);
    CHECK(rg_t_found_in(bk, MARK) == 0);
    CHECK(rg_t_found_in(bk, MARK_REQ) == 0);
    for (int cf = 0; cf < RG_CF_COUNT; cf++) CHECK(rg_log_shred(rg_engine_log(L.e), cf, "", 0, NULL, 0) == 0);
    CHECK(rg_t_found_in(dir, MARK) == 0);
    /* While the cases live, their readers see the text. */
    REQUIRE(query(mgr, "case.history", a)[0] == 0);
    CHECK(rg_t_holds(R.bytes, R.len, MARK " phase.relapse.reason") && rg_t_holds(R.bytes, R.len, MARK " plan.propose.actions"));

    /* Erased on a granted request. */
    REQUIRE(subject_request("erasure", rq)[0] == 0);
    b = req(mgr, "subject.decide", NULL, 2);
    rg_w_kstr(b, "request", rq);
    rg_w_kbool(b, "granted", true);
    REQUIRE(send_req()[0] == 0);
    const char *ids[] = {a, b2, c, d};
    for (int i = 0; i < 4; i++) {
        b = req(mgr, "case.erase", ids[i], 2);
        text(b, "case.erase", "ground", MARK);
        rg_w_kstr(b, "request", rq);
        JOK();
    }
    b = req(mgr, "case.erase", e, 1);
    rg_w_kstr(b, "ground", "archived");
    JOK();
    rg_t_local_close(&L, false);
    REQUIRE(rg_t_local_open(&L, dir) == 0);
    int shown = 0;
    for (int i = 0; i < 4; i++) {
        REQUIRE(query(mgr, "case.history", ids[i])[0] == 0);
        shown += rg_t_holds(R.bytes, R.len, MARK);
        const rg_val *evs = rg_t_get(&R, "events");
        CHECK(rg_array_size(evs) > 2);
    }
    CHECK(shown == 0);
    int bad = 0;
    shown = 0;
    for (int i = 0; i < nj; i++) {
        rg_buf_reset(&B);
        rg_buf_append(&B, J[i].req, J[i].n);
        if (send_req()[0]) bad++;
        if (rg_t_holds(R.bytes, R.len, MARK)) {
            shown++;
            printf("  repeat %d shows erased text\n", i);
        }
    }
    CHECK(bad == 0 && shown == 0);
    REQUIRE(query(L.admin, "log.verify", NULL)[0] == 0);
    bool intact = false;
    CHECK(rg_val_bool(rg_t_get(&R, "intact"), &intact) && intact);
    for (int cf = 0; cf < RG_CF_COUNT; cf++) CHECK(rg_log_shred(rg_engine_log(L.e), cf, "", 0, NULL, 0) == 0);
    rg_t_local_close(&L, false);
    CHECK(rg_t_found_in(dir, MARK) == 0);
    CHECK(rg_t_found_in(dir, MARK_REQ) == 0);
    rg_t_rmrf(dir);
    rg_t_rmrf(bk);
    free(dir);
    free(bk);
    for (int i = 0; i < nj; i++) free(J[i].req);
    rg_buf_free(&B);
    rg_t_reply_free(&R);
}

/* A record sealed before every free-text field was (only its classified
 * item boxed, the rest plain) reads as it did: opened, its item in full;
 * erased, its item withheld and its plain text as stored. */
static void test_records_sealed_before_still_read(void)
{
    uint8_t dk[RG_DK_LEN];
    memset(dk, 5, sizeof dk);
    rg_evb ev;
    rg_evb_init(&ev, "info.provided", 1);
    rg_ev_str(&ev, "request", "R1");
    rg_ev_str(&ev, "answer", "in treatment");
    rg_ev_str(&ev, "class", "special");
    rg_ev_str(&ev, "note", "plain as before");
    rg_seal_event(&ev, dk, NULL, "ZVH-00000001", 7, NULL, "answer");   /* as events.c's item alone was */
    static const uint8_t prev[RG_HASH_LEN];
    rg_actor actor = {.id = "ggz1", .role = RG_ROLE_PARTNER, .org = "ggz", .zvh = "tilburg"};
    rg_buf rec = RG_BUF_INIT, opened = RG_BUF_INIT;
    rg_record_build(&rec, prev, 7, "ZVH-00000001", 3, 1, &actor, &ev);
    rg_record r, plain;
    REQUIRE(rg_record_parse(rec.data, rec.len, &r) == 0 && r.format == 2);
    CHECK(!rg_t_holds(rec.data, rec.len, "in treatment") && rg_t_holds(rec.data, rec.len, "plain as before"));
    REQUIRE(rg_record_open(&r, "ZVH-00000001", dk, &opened, &plain) == 0);
    CHECK(rg_t_holds(plain.pub, plain.pub_len, "in treatment") && rg_t_holds(plain.pub, plain.pub_len, "plain as before"));
    REQUIRE(rg_record_open(&r, "ZVH-00000001", NULL, &opened, &plain) == 0);
    rg_doc *d;
    const char *why;
    REQUIRE(rg_doc_parse(&d, plain.pub, plain.pub_len, &why) == 0);
    const rg_val *data = rg_map_get(rg_doc_root(d), "data");
    bool withheld = false;
    CHECK(!rg_map_get(data, "answer") && rg_val_bool(rg_map_get(data, "withheld"), &withheld) && withheld);
    CHECK(rg_val_is_str(rg_map_get(data, "note"), "plain as before"));
    CHECK(rg_val_is_str(rg_map_get(data, "request"), "R1"));
    rg_doc_free(d);
    /* A box moved to another event does not open. */
    REQUIRE(rg_record_open(&r, "ZVH-00000002", dk, &opened, &plain) < 0);
    rg_evb_free(&ev);
    rg_buf_free(&rec);
    rg_buf_free(&opened);
}

int main(void)
{
    RUN(test_records_sealed_before_still_read);
    RUN(test_free_text_is_sealed);
    return rg_t_exit();
}
