/*
 * request_fuzz.c - libFuzzer target for everything that decodes outside
 * input: the bounded msgpack decoder, the schema checker of every operation,
 * and the whole request pipeline of an in-process engine (envelope, token,
 * op table, handlers) on a real RocksDB in a temp directory.
 *
 * Tokens and case ids are random, so an input names them by alias: every
 * string of an input that is one of the aliases below ("@manager",
 * "@case", ...) is replaced by the real token or id before the request is
 * submitted.  The engine is set up with those actors and cases (an
 * ordinary case with a secret item, a covenant case, an open access
 * request, granted rectification and restriction, and a household case
 * with three persons, a partner joined, perspectives recorded and a
 * meeting scheduled), so the seeds of tests/fuzz/corpus/request reach the
 * handlers of the data-subject operations and of the fields that name
 * persons (the hh-* seeds, written by seeds.c), and what the fuzzer makes
 * of them does too.  At exit it
 * prints how often each data-subject operation was answered ok; fuzz.sh
 * fails a run in which one never was.
 *
 * Built and run by tools/fuzz.sh with clang-14 -fsanitize=fuzzer,address,undefined.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "alias.h"
#include "../../engine/storage/codec.h"
#include "../../engine/core/engine.h"
#include "../../engine/replay/replay.h"
#include "../../engine/services/services.h"
#include "../../engine/domain/schema.h"
#include "../../handlers/handlers.h"
#include "../../engine/core/bootstrap.h"

static uv_loop_t loop;
static rg_engine *engine;

/* The data-subject operations whose ok answers are counted, and the
 * client's perspective (issue 25: a person of a household, named by id). */
static const char *const subject_ops[] = {"subject.request", "subject.decide", "subject.correct", "subject.known",
                                          "case.unrestrict", "client.perspective", NULL};
static unsigned long oks[6];

typedef struct call {
    int done;
    int op;                   /* index in subject_ops, or -1 */
    rg_buf reply;
} call;

static void reply_cb(void *ud, const uint8_t *p, size_t n)
{
    /* Every reply must itself be a well-formed msgpack map with "ok". */
    call *c = ud;
    rg_doc *d;
    const char *why;
    if (rg_doc_parse(&d, p, n, &why) != 0 || !rg_map_get(rg_doc_root(d), "ok")) abort();
    bool ok = false;
    rg_val_bool(rg_map_get(rg_doc_root(d), "ok"), &ok);
    if (ok && c->op >= 0) oks[c->op]++;
    rg_doc_free(d);
    rg_buf_append(&c->reply, p, n);
    c->done++;
}

static char dir[] = "/tmp/regie-fuzz-XXXXXX";

static rg_fuzz_alias aliases[] = {
    {"@admin", ""}, {"@manager", ""}, {"@pr", ""}, {"@partner", ""}, {"@case", ""},
    {"@covenant", ""}, {"@restricted", ""}, {"@access", ""}, {"@household", ""}, {NULL, ""},
};

static char *alias(const char *name)
{
    for (int i = 0; aliases[i].name; i++)
        if (strcmp(aliases[i].name, name) == 0) return aliases[i].value;
    abort();
}

static void print_oks(void)
{
    fprintf(stderr, "request_fuzz: answered ok:");
    for (int i = 0; subject_ops[i]; i++) fprintf(stderr, " %s=%lu", subject_ops[i], oks[i]);
    fprintf(stderr, "\n");
}

/* Submit b and wait; out gets the string field `key` of the reply (if any). */
static void setup_call(rg_buf *b, const char *key, char *out)
{
    call c = {0, -1, RG_BUF_INIT};
    rg_engine_submit(engine, b->data, b->len, reply_cb, &c);
    while (!c.done) uv_run(&loop, UV_RUN_ONCE);
    rg_doc *d;
    const char *why;
    if (rg_doc_parse(&d, c.reply.data, c.reply.len, &why) != 0) abort();
    bool ok = false;
    rg_val_bool(rg_map_get(rg_doc_root(d), "ok"), &ok);
    if (!ok) {
        char msg[256] = "";
        rg_val_strcpy(rg_map_get(rg_doc_root(d), "message"), msg, sizeof msg);
        fprintf(stderr, "request_fuzz: setup failed: %s\n", msg);
        abort();
    }
    if (key && !rg_val_strcpy(rg_map_get(rg_doc_root(d), key), out, 128)) abort();
    rg_doc_free(d);
    rg_buf_free(&c.reply);
    rg_buf_reset(b);
}

/* An envelope in b with ndata data pairs to follow. */
static rg_buf *env(rg_buf *b, const char *op, const char *tok, const char *rq, const char *case_id, int ndata)
{
    rg_buf_reset(b);
    rg_w_map(b, 2 + (rq != NULL) + (case_id != NULL) + 1);
    rg_w_kstr(b, "op", op);
    rg_w_kstr(b, "token", tok);
    if (rq) rg_w_kstr(b, "req", rq);
    if (case_id) rg_w_kstr(b, "case", case_id);
    rg_w_cstr(b, "data");
    rg_w_map(b, (uint32_t)ndata);
    return b;
}

static void actor(rg_buf *b, const char *id, const char *role, const char *org, char *tok)
{
    env(b, "actor.create", alias("@admin"), id, NULL, 4);
    rg_w_kstr(b, "id", id);
    rg_w_kstr(b, "role", role);
    rg_w_kstr(b, "org", org);
    rg_w_cstr(b, "covenants");
    rg_w_array(b, 1);
    rg_w_cstr(b, "radicalisering");
    setup_call(b, "token", tok);
}

static void report(rg_buf *b, const char *rq, const char *group, const char *bsn, char *id)
{
    env(b, "case.report", alias("@partner"), rq, NULL, 6);
    rg_w_kstr(b, "target_group", group);
    rg_w_kstr(b, "summary", "a secret about the person");
    rg_w_kstr(b, "class", "secret");
    rg_w_kstr(b, "urgency", "normal");
    rg_w_kbool(b, "informed", true);
    rg_w_cstr(b, "subject");
    rg_w_map(b, 2);
    rg_w_kstr(b, "name", "Fenna Fuzzelaar");
    rg_w_kstr(b, "bsn", bsn);
    setup_call(b, "case", id);
    env(b, "case.assign", alias("@manager"), rq, id, 1);
    rg_w_kstr(b, "procesregisseur", "fz-pr");
    setup_call(b, NULL, NULL);
}

/* A request of kind on bsn, by the manager; decided (granted) or not. */
static void request(rg_buf *b, const char *rq, const char *kind, const char *bsn, bool decide, char *id)
{
    char tmp[128];
    env(b, "subject.request", alias("@manager"), rq, NULL, 2);
    rg_w_kstr(b, "kind", kind);
    rg_w_cstr(b, "person");
    rg_w_map(b, 1);
    rg_w_kstr(b, "bsn", bsn);
    setup_call(b, "request", id ? id : tmp);
    if (!decide) return;
    char dq[32];
    snprintf(dq, sizeof dq, "%s-decide", rq);
    env(b, "subject.decide", alias("@manager"), dq, NULL, 2);
    rg_w_kstr(b, "request", id ? id : tmp);
    rg_w_kbool(b, "granted", true);
    setup_call(b, NULL, NULL);
}

static void w_person(rg_buf *b, const char *role, const char *name, const char *birth, const char *bsn)
{
    rg_w_map(b, 4);
    rg_w_kstr(b, "role", role);
    rg_w_kstr(b, "name", name);
    rg_w_kstr(b, "birth_date", birth);
    rg_w_kstr(b, "bsn", bsn);
}

/* The household of seeds.c (same persons and BSNs: P1 mother, P2 her
 * partner, P3 a child), admitted, with jeugdbescherming joined, P1's and
 * P3's perspectives and a meeting scheduled: what the hh-* seeds build on. */
static void household(rg_buf *b, char *id)
{
    env(b, "case.report", alias("@partner"), "h1", NULL, 5);
    rg_w_kstr(b, "target_group", "multi_probleem_gezin");
    rg_w_kstr(b, "summary", "a family in trouble");
    rg_w_kstr(b, "urgency", "normal");
    rg_w_kbool(b, "informed", true);
    rg_w_cstr(b, "persons");
    rg_w_array(b, 3);
    w_person(b, "subject", "Wilhelmina Oosterbroek", "1981-05-06", "739201840");
    w_person(b, "partner", "Hendrikus Vlasblom", "1978-03-04", "619382703");
    w_person(b, "child", "Pieternella Oosterbroek", "2015-07-08", "528173649");
    setup_call(b, "case", id);
    env(b, "case.assign", alias("@manager"), "h2", id, 1);
    rg_w_kstr(b, "procesregisseur", "fz-pr");
    setup_call(b, NULL, NULL);
    env(b, "intake.start", alias("@pr"), "h3", id, 0);
    setup_call(b, NULL, NULL);
    env(b, "intake.decide", alias("@pr"), "h4", id, 3);
    rg_w_kbool(b, "admit", true);
    rg_w_kstr(b, "reason", "a family in several domains");
    rg_w_cstr(b, "criteria");
    rg_w_array(b, 1);
    rg_w_cstr(b, "system");
    setup_call(b, NULL, NULL);
    env(b, "partner.join", alias("@pr"), "h5", id, 1);
    rg_w_kstr(b, "org", "jeugdbescherming");
    setup_call(b, NULL, NULL);
    static const char *const who[][2] = {{"P1", "a quiet home"}, {"P3", "to stay at my school"}};
    for (int i = 0; i < 2; i++) {
        char rq[8];
        snprintf(rq, sizeof rq, "h6%d", i);
        env(b, "client.perspective", alias("@pr"), rq, id, 2);
        rg_w_kstr(b, "person", who[i][0]);
        rg_w_kstr(b, "wishes", who[i][1]);
        setup_call(b, NULL, NULL);
    }
    env(b, "meeting.schedule", alias("@pr"), "h7", id, 2);
    rg_w_kstr(b, "at", "2027-01-11T10:00:00+01:00");
    rg_w_cstr(b, "orgs");
    rg_w_array(b, 2);
    rg_w_cstr(b, "police");
    rg_w_cstr(b, "jeugdbescherming");
    setup_call(b, NULL, NULL);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc; (void)argv;
    if (!mkdtemp(dir)) abort();
    uv_loop_init(&loop);
    rg_engine_opts o = {.module = &rg_handlers_module, .dir = dir};
    o.clock.manual = true;
    o.clock.now_ms = 1764579600000ULL;
    if (rg_engine_open(&engine, &loop, &o) != 0) abort();
    if (rg_bootstrap_admin(engine, dir) != 0) abort();
    char path[sizeof dir + 16];
    snprintf(path, sizeof path, "%s/admin.token", dir);
    FILE *f = fopen(path, "r");
    if (!f || !fgets(alias("@admin"), 128, f)) abort();
    fclose(f);
    alias("@admin")[strcspn(alias("@admin"), "\r\n")] = '\0';
    rg_buf b = RG_BUF_INIT;
    actor(&b, "fz-mgr", "manager", "zvh", alias("@manager"));
    actor(&b, "fz-pr", "procesregisseur", "zvh", alias("@pr"));
    actor(&b, "fz-pol", "partner", "police", alias("@partner"));
    report(&b, "f1", "verward_gedrag", "111222333", alias("@case"));
    report(&b, "f2", "radicalisering", "111222333", alias("@covenant"));
    report(&b, "f3", "verward_gedrag", "999888778", alias("@restricted"));
    request(&b, "f4", "access", "111222333", false, alias("@access"));
    request(&b, "f5", "rectification", "111222333", true, NULL);
    request(&b, "f6", "restriction", "999888778", true, NULL);
    household(&b, alias("@household"));
    rg_buf_free(&b);
    atexit(print_oks);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rg_doc *d;
    const char *why;
    rg_buf in = RG_BUF_INIT;
    call c = {0, -1, RG_BUF_INIT};
    if (rg_doc_parse(&d, data, size, &why) == 0) {
        const rg_val *root = rg_doc_root(d);
        const rg_val *dv = rg_map_get(root, "data");
        char msg[256];
        for (const rg_opdef *op = rg_ops; op->name; op++)
            rg_schema_check(op->fields, dv ? dv : root, msg, sizeof msg);
        /* What decodes re-encodes and decodes again. */
        rg_buf b = RG_BUF_INIT;
        rg_w_val(&b, root);
        rg_doc *d2;
        if (rg_doc_parse(&d2, b.data, b.len, &why) != 0) abort();
        rg_doc_free(d2);
        rg_buf_free(&b);
        rg_fuzz_rewrite(&in, root, aliases);
        char op[32];
        if (rg_val_type(root) == RG_VMAP && rg_val_strcpy(rg_map_get(root, "op"), op, sizeof op))
            for (int i = 0; subject_ops[i]; i++)
                if (strcmp(subject_ops[i], op) == 0) c.op = i;
        rg_doc_free(d);
    } else {
        rg_buf_append(&in, data, size);
    }
    rg_engine_submit(engine, in.data, in.len, reply_cb, &c);
    while (!c.done) uv_run(&loop, UV_RUN_ONCE);
    rg_buf_free(&c.reply);
    rg_buf_free(&in);
    return 0;
}
