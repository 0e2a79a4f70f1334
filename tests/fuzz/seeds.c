/*
 * seeds.c - writes the seed corpora of the fuzz targets (tests/fuzz/corpus/)
 * from a real engine: a few cases taken through their first steps in an
 * in-process engine, then every stored event record, case projection and
 * idempotency record copied out of the column families, one file each.
 * Run by tools/fuzz.sh --seeds; the output is kept in the repository.
 *
 * A household case (issue 25) goes further: persons, the client's
 * perspectives, an information request and plan actions about persons, a
 * meeting attended by persons, a member's restriction granted and lifted.
 * Its requests are written as they are built (corpus/request/hh-*), naming
 * tokens and the case by request_fuzz.c's aliases (@pr, @household, ...),
 * and submitted with the aliases replaced.  Case projections are read the
 * way the engine reads them (rg_snapshot_load: the snapshot in `cases`, if
 * any, and the events after it), not copied out of `cases`: since
 * snapshots are written every RG_SNAPSHOT_EVERY versions a short case has
 * none, and a snapshot lacks its tail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <uv.h>

#include "alias.h"
#include "../../engine/services/services.h"
#include "../../engine/storage/codec.h"
#include "../../engine/storage/log.h"
#include "../../engine/core/state.h"
#include "../../handlers/handlers.h"
#include "../../engine/core/bootstrap.h"
#include "../../engine/core/snapshot.h"

static uv_loop_t loop;
static rg_engine *engine;
static char token[128];

static void reply_cb(void *ud, const uint8_t *p, size_t n)
{
    rg_buf *b = ud;
    rg_buf_append(b, p, n);
}

static void call(const rg_buf *req, rg_buf *reply)
{
    rg_buf_reset(reply);
    rg_engine_submit(engine, req->data, req->len, reply_cb, reply);
    while (!reply->len) uv_run(&loop, UV_RUN_ONCE);
}

static void env(rg_buf *b, const char *op, const char *tok, const char *req, const char *case_id, int ndata)
{
    rg_buf_reset(b);
    rg_w_map(b, 2 + (req != NULL) + (case_id != NULL) + (ndata >= 0));
    rg_w_kstr(b, "op", op);
    rg_w_kstr(b, "token", tok);
    if (req) rg_w_kstr(b, "req", req);
    if (case_id) rg_w_kstr(b, "case", case_id);
    if (ndata >= 0) {
        rg_w_cstr(b, "data");
        rg_w_map(b, (uint32_t)ndata);
    }
}

static void actor(const char *admin, const char *id, const char *role, const char *org, char *tok)
{
    rg_buf b = RG_BUF_INIT, r = RG_BUF_INIT;
    env(&b, "actor.create", admin, id, NULL, 3);
    rg_w_kstr(&b, "id", id);
    rg_w_kstr(&b, "role", role);
    rg_w_kstr(&b, "org", org);
    call(&b, &r);
    rg_doc *d;
    const char *why;
    if (rg_doc_parse(&d, r.data, r.len, &why) == 0) {
        rg_val_strcpy(rg_map_get(rg_doc_root(d), "token"), tok, 128);
        rg_doc_free(d);
    }
    rg_buf_free(&b);
    rg_buf_free(&r);
}

/* The aliases of request_fuzz.c this engine has, and their values here. */
static rg_fuzz_alias aliases[] = {{"@pr", ""}, {"@manager", ""}, {"@partner", ""}, {"@household", ""}, {NULL, ""}};

static const char *out_dir;
static int failures;

/* The request in b (aliases for tokens and ids) written as request seed
 * `name`, then submitted with the aliases replaced; it must be answered ok
 * (a seed that is refused reaches no handler).  key: a string field of the
 * answer copied into out (128 bytes). */
static void send_seed(const char *name, rg_buf *b, const char *key, char *out)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/request", out_dir);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/request/%s", out_dir, name);
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(b->data, 1, b->len, f);
        fclose(f);
    }
    rg_doc *d;
    const char *why;
    rg_buf in = RG_BUF_INIT, r = RG_BUF_INIT;
    if (rg_doc_parse(&d, b->data, b->len, &why) != 0) {
        fprintf(stderr, "seeds: %s: %s\n", name, why);
        failures++;
        return;
    }
    rg_fuzz_rewrite(&in, rg_doc_root(d), aliases);
    rg_doc_free(d);
    call(&in, &r);
    bool ok = false;
    if (rg_doc_parse(&d, r.data, r.len, &why) == 0) {
        rg_val_bool(rg_map_get(rg_doc_root(d), "ok"), &ok);
        char msg[256] = "";
        rg_val_strcpy(rg_map_get(rg_doc_root(d), "message"), msg, sizeof msg);
        if (!ok) fprintf(stderr, "seeds: %s refused: %s\n", name, msg);
        if (ok && key) rg_val_strcpy(rg_map_get(rg_doc_root(d), key), out, 128);
        rg_doc_free(d);
    }
    if (!ok) failures++;
    rg_buf_free(&in);
    rg_buf_free(&r);
}

/* A reply that is not ok counted as a failure of the run. */
static void expect_ok(const rg_buf *r, const char *what)
{
    rg_doc *d;
    const char *why;
    bool ok = false;
    if (rg_doc_parse(&d, r->data, r->len, &why) == 0) {
        rg_val_bool(rg_map_get(rg_doc_root(d), "ok"), &ok);
        rg_doc_free(d);
    }
    if (!ok) {
        fprintf(stderr, "seeds: %s refused\n", what);
        failures++;
    }
}

static char *alias(const char *name)
{
    for (int i = 0; aliases[i].name; i++)
        if (strcmp(aliases[i].name, name) == 0) return aliases[i].value;
    abort();
}

static void w_list(rg_buf *b, const char *key, int n, const char *const *items)
{
    rg_w_cstr(b, key);
    rg_w_array(b, (uint32_t)n);
    for (int i = 0; i < n; i++) rg_w_cstr(b, items[i]);
}

static void w_person(rg_buf *b, const char *role, const char *name, const char *birth, const char *bsn)
{
    rg_w_map(b, 4);
    rg_w_kstr(b, "role", role);
    rg_w_kstr(b, "name", name);
    rg_w_kstr(b, "birth_date", birth);
    rg_w_kstr(b, "bsn", bsn);
}

/* Case id's projection as the engine loads it, written to path. */
static void projection(const char *id, const char *path)
{
    rg_case *cs;
    if (rg_snapshot_load(engine->log, engine->cfg.norm_amounts, id, strlen(id), &cs) != 0) {
        fprintf(stderr, "seeds: case %s does not load\n", id);
        failures++;
        return;
    }
    rg_buf p = RG_BUF_INIT;
    rg_case_encode(cs, &p);
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(p.data, 1, p.len, f);
        fclose(f);
    }
    rg_buf_free(&p);
    rg_case_free(cs);
}

/* A household (issue 25): a mother (P1), her partner (P2), a child (P3),
 * through every request field that names persons.  The BSNs are those
 * request_fuzz.c's own household has. */
static void household(void)
{
    rg_buf b = RG_BUF_INIT;
    char rq[128], casefile[1024];
    env(&b, "case.report", "@partner", "hh-report", NULL, 5);
    rg_w_kstr(&b, "target_group", "multi_probleem_gezin");
    rg_w_kstr(&b, "summary", "a family in trouble");
    rg_w_kstr(&b, "urgency", "normal");
    rg_w_kbool(&b, "informed", true);
    rg_w_cstr(&b, "persons");
    rg_w_array(&b, 3);
    w_person(&b, "subject", "Wilhelmina Oosterbroek", "1981-05-06", "739201840");
    w_person(&b, "partner", "Hendrikus Vlasblom", "1978-03-04", "619382703");
    w_person(&b, "child", "Pieternella Oosterbroek", "2015-07-08", "528173649");
    send_seed("hh-report", &b, "case", alias("@household"));
    env(&b, "case.assign", "@pr", "hh-assign", "@household", 1);
    rg_w_kstr(&b, "procesregisseur", "pr1");
    send_seed("hh-assign", &b, NULL, NULL);
    env(&b, "intake.start", "@pr", "hh-start", "@household", -1);
    send_seed("hh-start", &b, NULL, NULL);
    env(&b, "intake.decide", "@pr", "hh-decide", "@household", 3);
    rg_w_kbool(&b, "admit", true);
    rg_w_kstr(&b, "reason", "a family in several domains");
    w_list(&b, "criteria", 1, (const char *const[]){"system"});
    send_seed("hh-decide", &b, NULL, NULL);
    env(&b, "partner.join", "@pr", "hh-join", "@household", 1);
    rg_w_kstr(&b, "org", "jeugdbescherming");
    send_seed("hh-join", &b, NULL, NULL);
    env(&b, "client.perspective", "@pr", "hh-perspective-p1", "@household", 2);
    rg_w_kstr(&b, "person", "P1");
    rg_w_kstr(&b, "wishes", "a quiet home and work again");
    send_seed("hh-perspective-p1", &b, NULL, NULL);
    env(&b, "client.perspective", "@pr", "hh-perspective-p3", "@household", 2);
    rg_w_kstr(&b, "person", "P3");
    rg_w_kstr(&b, "wishes", "to stay at my school");
    send_seed("hh-perspective-p3", &b, NULL, NULL);
    env(&b, "info.request", "@pr", "hh-info-request", "@household", 3);
    rg_w_kstr(&b, "org", "jeugdbescherming");
    rg_w_kstr(&b, "question", "how is school going?");
    w_list(&b, "persons", 1, (const char *const[]){"P3"});
    send_seed("hh-info-request", &b, NULL, NULL);
    env(&b, "meeting.schedule", "@pr", "hh-meeting-schedule", "@household", 2);
    rg_w_kstr(&b, "at", "2027-01-11T10:00:00+01:00");
    w_list(&b, "orgs", 2, (const char *const[]){"police", "jeugdbescherming"});
    send_seed("hh-meeting-schedule", &b, NULL, NULL);
    env(&b, "meeting.hold", "@pr", "hh-meeting-hold", "@household", 2);
    w_list(&b, "attendees", 4, (const char *const[]){"police", "jeugdbescherming", "P1", "P3"});
    rg_w_kstr(&b, "conclusions", "safety at home first");
    send_seed("hh-meeting-hold", &b, NULL, NULL);
    env(&b, "plan.propose", "@pr", "hh-plan-propose", "@household", 3);
    rg_w_kstr(&b, "goals", "safety at home; the child stays at school");
    w_list(&b, "perspectives", 2, (const char *const[]){"P1", "P3"});
    rg_w_cstr(&b, "actions");
    rg_w_array(&b, 2);
    rg_w_map(&b, 4);
    rg_w_kstr(&b, "id", "a1");
    rg_w_kstr(&b, "owner_org", "police");
    rg_w_kstr(&b, "description", "a restraining order");
    w_list(&b, "persons", 1, (const char *const[]){"P2"});
    rg_w_map(&b, 4);
    rg_w_kstr(&b, "id", "a2");
    rg_w_kstr(&b, "owner_org", "jeugdbescherming");
    rg_w_kstr(&b, "description", "a mentor at school");
    w_list(&b, "persons", 2, (const char *const[]){"P1", "P3"});
    send_seed("hh-plan-propose", &b, NULL, NULL);
    /* The partner's restriction (one member's: case.restricted), granted. */
    env(&b, "subject.request", "@manager", "hh-restriction", NULL, 2);
    rg_w_kstr(&b, "kind", "restriction");
    rg_w_cstr(&b, "person");
    rg_w_map(&b, 1);
    rg_w_kstr(&b, "bsn", "619382703");
    send_seed("hh-restriction", &b, "request", rq);
    /* Written out as it is sent: the request id is this engine's, so in
     * request_fuzz.c the seed decides a request that is not there. */
    rg_buf_reset(&b);
    rg_w_map(&b, 4);
    rg_w_kstr(&b, "op", "subject.decide");
    rg_w_kstr(&b, "token", "@manager");
    rg_w_kstr(&b, "req", "hh-restriction-decide");
    rg_w_cstr(&b, "data");
    rg_w_map(&b, 2);
    rg_w_kstr(&b, "request", rq);
    rg_w_kbool(&b, "granted", true);
    send_seed("hh-restriction-decide", &b, NULL, NULL);
    snprintf(casefile, sizeof casefile, "%s/case/case-household-restricted", out_dir);
    projection(alias("@household"), casefile);
    env(&b, "case.unrestrict", "@manager", "hh-unrestrict", "@household", 2);
    rg_w_kstr(&b, "reason", "the accuracy was verified");
    rg_w_kstr(&b, "person", "P2");
    send_seed("hh-unrestrict", &b, NULL, NULL);
    rg_buf_free(&b);
}

static void dump(rg_cf cf, const char *out, const char *prefix, int max)
{
    mkdir(out, 0755);
    rg_iter *it = rg_iter_new(engine->log, cf);
    int n = 0;
    for (rg_iter_seek(it, "", 0); rg_iter_valid(it) && n < max; rg_iter_next(it)) {
        size_t vn;
        const uint8_t *v = rg_iter_value(it, &vn);
        char path[1024];
        snprintf(path, sizeof path, "%s/%s-%03d", out, prefix, n++);
        FILE *f = fopen(path, "wb");
        if (f) {
            fwrite(v, 1, vn, f);
            fclose(f);
        }
    }
    rg_iter_end(it);
}

int main(int argc, char **argv)
{
    const char *out = argc > 1 ? argv[1] : "tests/fuzz/corpus";
    out_dir = out;
    char dir[] = "/tmp/regie-seeds-XXXXXX";
    if (!mkdtemp(dir)) return 1;
    uv_loop_init(&loop);
    rg_engine_opts o = {.module = &rg_handlers_module, .dir = dir};
    o.clock.manual = true;
    o.clock.now_ms = 1799049600000ULL;          /* 2027-01-04 */
    if (rg_engine_open(&engine, &loop, &o) != 0 || rg_bootstrap_admin(engine, dir) != 0) return 1;
    char path[600], admin[128] = "";
    snprintf(path, sizeof path, "%s/admin.token", dir);
    FILE *f = fopen(path, "r");
    if (!f || !fgets(admin, sizeof admin, f)) return 1;
    fclose(f);
    admin[strcspn(admin, "\n")] = 0;
    char *pa = alias("@partner"), *pr = alias("@pr");
    actor(admin, "p1", "partner", "police", pa);
    actor(admin, "pr1", "procesregisseur", "zvh", pr);
    actor(admin, "m1", "manager", "zvh", alias("@manager"));
    (void)token;
    rg_buf b = RG_BUF_INIT, r = RG_BUF_INIT;
    char ids[4][RG_ID_MAX];
    for (int i = 0; i < 3; i++) {
        char req[32], id[RG_ID_MAX];
        snprintf(req, sizeof req, "s%d-report", i);
        env(&b, "case.report", pa, req, NULL, 6);
        rg_w_kstr(&b, "target_group", "verward_gedrag");
        rg_w_kstr(&b, "summary", "repeated incidents");
        rg_w_kstr(&b, "class", i == 1 ? "special" : "ordinary");
        rg_w_kstr(&b, "urgency", "high");
        rg_w_kbool(&b, "informed", true);
        rg_w_cstr(&b, "subject");
        rg_w_map(&b, 3);
        rg_w_kstr(&b, "name", "J. Jansen");
        rg_w_kstr(&b, "birth_date", "1990-01-01");
        rg_w_kstr(&b, "bsn", "123456782");
        call(&b, &r);
        /* The engine names the case (a random id): from its answer. */
        rg_doc *rd;
        const char *why;
        id[0] = '\0';
        if (rg_doc_parse(&rd, r.data, r.len, &why) == 0) {
            rg_val_strcpy(rg_map_get(rg_doc_root(rd), "case"), id, sizeof id);
            rg_doc_free(rd);
        }
        if (!id[0]) {
            fprintf(stderr, "seeds: case.report %d refused\n", i);
            return 1;
        }
        snprintf(ids[i], sizeof ids[i], "%s", id);
        snprintf(req, sizeof req, "s%d-assign", i);
        env(&b, "case.assign", pr, req, id, 1);
        rg_w_kstr(&b, "procesregisseur", "pr1");
        call(&b, &r);
        expect_ok(&r, "case.assign");
        snprintf(req, sizeof req, "s%d-start", i);
        env(&b, "intake.start", pr, req, id, -1);
        call(&b, &r);
        expect_ok(&r, "intake.start");
        snprintf(req, sizeof req, "s%d-decide", i);
        env(&b, "intake.decide", pr, req, id, 3);
        rg_w_kbool(&b, "admit", true);
        rg_w_kstr(&b, "reason", "several life domains");
        rg_w_cstr(&b, "criteria");
        rg_w_array(&b, 1);
        rg_w_cstr(&b, "multi_domain");
        call(&b, &r);
        expect_ok(&r, "intake.decide");
    }
    snprintf(path, sizeof path, "%s/case", out);
    mkdir(out, 0755);
    mkdir(path, 0755);
    household();
    while (rg_engine_busy(engine)) uv_run(&loop, UV_RUN_ONCE);
    char d[700];
    snprintf(d, sizeof d, "%s/record", out);
    dump(RG_CF_EVENTS, d, "event", 100);
    snprintf(ids[3], sizeof ids[3], "%s", alias("@household"));
    for (int i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/case/case-%03d", out, i);
        projection(ids[i], path);
    }
    snprintf(d, sizeof d, "%s/idem", out);
    dump(RG_CF_IDEM, d, "idem", 100);
    snprintf(d, sizeof d, "%s/person", out);
    dump(RG_CF_KEYS, d, "wrapped-key", 20);
    rg_buf_free(&b);
    rg_buf_free(&r);
    printf("seeds written under %s (engine in %s)\n", out, dir);
    return failures ? 1 : 0;
}
