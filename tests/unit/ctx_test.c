/*
 * ctx_test.c - core/ctx.c, the face a handler sees, driven by a handler of
 * the test's own bound to case.assign (rg_t_module_with) on a real engine
 * in a temp directory: the request's fields, actor, case, op and clock as
 * the pipeline left them; staged puts and deletes written with a success and
 * not at all with a refusal (whose message is the handler's, cut to fit); an
 * event type the tables do not know fails the request with nothing written;
 * reply pairs and arrays in the reply; the case ids a new case gets (opaque,
 * a check character that catches any one changed symbol); the audited cases
 * of a page listed once per run.
 */
#include <stdlib.h>
#include <string.h>

#include "../../engine/core/ctx.h"
#include "../../engine/core/request.h"
#include "../../engine/storage/errors.h"
#include "../../engine/storage/log.h"
#include "../test.h"

static rg_t_local L;
static rg_t_cast T;
static char A[32];
static rg_handler_fn real_assign;

#define K_PUT "ctx-test/put"
#define K_GONE "ctx-test/gone"
#define K_NEVER "ctx-test/never"

/* case.assign, unless the procesregisseur asked for names one of the
 * test's behaviours. */
static int test_handler(rg_ctx *c)
{
    char what[64] = "";
    rg_val_strcpy(rg_ctx_field(c, "procesregisseur"), what, sizeof what);
    if (strcmp(what, "fields") == 0) {
        const rg_case *cs = rg_ctx_case(c);
        bool ok = strcmp(rg_ctx_actor(c)->id, "pr") == 0 && cs && strcmp(cs->id, A) == 0 &&
                  strcmp(rg_ctx_op(c)->name, "case.assign") == 0 && rg_ctx_engine(c) == L.e &&
                  rg_ctx_now(c) == rg_clock_now(&L.e->clock) && rg_ctx_field(c, "nothing") == NULL &&
                  rg_map_size(rg_ctx_data(c)) == 1;
        rg_w_bool(rg_ctx_reply_key(c, "fields_seen"), ok);
        return 0;
    }
    if (strcmp(what, "stage") == 0) {
        rg_ctx_put(c, RG_CF_META, K_PUT, strlen(K_PUT), "value", 5);
        rg_ctx_del(c, RG_CF_META, K_GONE, strlen(K_GONE));
        rg_w_uint(rg_ctx_reply_key(c, "staged"), 2);
        rg_buf items = RG_BUF_INIT;
        rg_w_cstr(&items, "one");
        rg_w_cstr(&items, "two");
        rg_ctx_reply_array(c, "list", 2, &items);
        return 0;
    }
    if (strcmp(what, "stage-fail") == 0) {
        rg_ctx_put(c, RG_CF_META, K_NEVER, strlen(K_NEVER), "value", 5);
        rg_w_uint(rg_ctx_reply_key(c, "staged"), 1);
        return rg_ctx_fail(c, RG_EGUARD, "refused after staging %d write", 1);
    }
    if (strcmp(what, "long-fail") == 0) {
        char *s = rg_malloc(5000);
        memset(s, 'x', 4999);
        s[4999] = '\0';
        int rc = rg_ctx_fail(c, RG_EGUARD, "long: %s", s);
        free(s);
        return rc;
    }
    if (strcmp(what, "unknown-event") == 0) {
        rg_ctx_put(c, RG_CF_META, K_NEVER, strlen(K_NEVER), "value", 5);
        rg_evb *ev = rg_ctx_emit(c, "case.no_such_event");
        rg_ev_str(ev, "x", "y");
        return 0;
    }
    return real_assign(c);
}

static void setup(void)
{
    rg_t_module = rg_t_module_with("case.assign", test_handler, &real_assign);
    REQUIRE(rg_t_module != NULL);
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    REQUIRE(rg_t_local_cast(&L, &T) == 0);
    REQUIRE(rg_t_local_case(&L, &T, "Anna de Wit", "reported", A)[0] == 0);
}

/* case.assign of A by pr naming `what`; the error code ("" on success). */
static const char *assign(const char *what, rg_t_reply *r)
{
    rg_buf b = RG_BUF_INIT;
    rg_w_kstr(rg_t_req(&b, T.pr, "case.assign", A, 1), "procesregisseur", what);
    const char *e = rg_t_local_send(&L, &b, r);
    rg_buf_free(&b);
    return e;
}

static int meta(const char *k, rg_buf *v)
{
    rg_buf_reset(v);
    return rg_log_get(rg_engine_log(L.e), RG_CF_META, k, strlen(k), v);
}

static void test_fields(void)
{
    rg_t_reply r = {0};
    CHECK(assign("fields", &r)[0] == 0);
    bool seen = false;
    CHECK(rg_val_bool(rg_t_get(&r, "fields_seen"), &seen) && seen);
    rg_t_reply_free(&r);
}

static void test_staged_writes(void)
{
    rg_buf v = RG_BUF_INIT;
    rg_batch *bt = rg_batch_new(rg_engine_log(L.e));
    rg_batch_put(bt, RG_CF_META, K_GONE, strlen(K_GONE), "old", 3);
    REQUIRE(rg_log_write(rg_engine_log(L.e), bt, true) == 0);
    rg_batch_free(bt);
    rg_t_reply r = {0};
    CHECK(assign("stage", &r)[0] == 0);
    CHECK(rg_t_uint(&r, "staged") == 2);
    const rg_val *list = rg_t_get(&r, "list");
    CHECK(rg_array_size(list) == 2 && rg_val_is_str(rg_array_at(list, 1), "two"));
    rg_t_reply_free(&r);
    rg_t_local_settle(&L);
    CHECK(meta(K_PUT, &v) == 0 && v.len == 5 && memcmp(v.data, "value", 5) == 0);
    CHECK(meta(K_GONE, &v) == RG_ENOTFOUND);
    rg_buf_free(&v);
}

static void test_refusal_writes_nothing(void)
{
    rg_buf v = RG_BUF_INIT;
    rg_t_reply r = {0};
    uint64_t head = rg_engine_head(L.e);
    CHECK(strcmp(assign("stage-fail", &r), "guard_failed") == 0);
    CHECK(strcmp(rg_t_str(&r, "message"), "refused after staging 1 write") == 0);
    CHECK(rg_t_get(&r, "staged") == NULL);           /* the reply pairs went too */
    CHECK(strcmp(assign("long-fail", &r), "guard_failed") == 0);
    const char *m = rg_t_str(&r, "message");
    CHECK(strncmp(m, "long: xxx", 9) == 0 && strlen(m) < 5000);
    CHECK(strcmp(assign("unknown-event", &r), "storage_error") == 0);
    CHECK(strstr(rg_t_str(&r, "message"), "unknown event") != NULL);
    rg_t_local_settle(&L);
    CHECK(meta(K_NEVER, &v) == RG_ENOTFOUND);
    CHECK(rg_engine_head(L.e) == head);
    /* The case is still there to assign, by the real handler. */
    CHECK(assign("pr", &r)[0] == 0 && rg_t_uint(&r, "version") == 2);
    rg_t_reply_free(&r);
    rg_buf_free(&v);
}

/* New case ids: ZVH- and nine base32 symbols, the last a check character
 * that any one changed symbol breaks; all different. */
static void test_case_ids(void)
{
    enum { N = 200 };
    static char ids[N][RG_ID_MAX];
    rg_ctx c;
    for (int i = 0; i < N; i++) {
        rg_ctx_init(&c, L.e);
        rg_case *cs = rg_ctx_create_case(&c);
        REQUIRE(cs != NULL);
        snprintf(ids[i], sizeof ids[i], "%s", cs->id);
        rg_ctx_cleanup(&c);            /* not adopted: the ctx frees it */
        CHECK(rg_case_id_checks(ids[i]));
        for (int j = 0; j < i; j++) CHECK(strcmp(ids[i], ids[j]) != 0);
    }
    static const char sym[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    char id[RG_ID_MAX];
    for (int pos = 4; pos < 13; pos++)
        for (int s = 0; s < 32; s++) {
            snprintf(id, sizeof id, "%s", ids[0]);
            if (id[pos] == sym[s]) continue;
            id[pos] = sym[s];
            if (rg_case_id_checks(id)) {
                printf("  %s passes with symbol %d changed\n", id, pos);
                rg_t_failed = 1;
            }
        }
    snprintf(id, sizeof id, "%s", ids[0]);
    bool letters = false;
    for (char *p = id + 4; *p; p++)
        if (*p >= 'A' && *p <= 'Z') *p = (char)(*p + 32), letters = true;
    CHECK(!letters || !rg_case_id_checks(id));             /* lower case is not the id */
    CHECK(!rg_case_id_checks("ZVH-00000001"));             /* the old numbered form */
    CHECK(!rg_case_id_checks("ZVH-IIIIIIIII"));            /* I, L, O, U are not symbols */
    CHECK(!rg_case_id_checks("XYZ-000000000"));
    CHECK(!rg_case_id_checks(""));
}

/* A page of one case's events audits the case once; another case in
 * between starts a new run. */
static void test_audit_runs(void)
{
    rg_ctx c;
    rg_ctx_init(&c, L.e);
    rg_ctx_audit_case(&c, "ZVH-A");
    rg_ctx_audit_case(&c, "ZVH-A");
    rg_ctx_audit_case(&c, "ZVH-B");
    rg_ctx_audit_case(&c, "ZVH-A");
    const uint8_t *p;
    size_t n;
    uint32_t count;
    rg_ctx_audited(&c, &p, &n, &count);
    CHECK(count == 3);
    CHECK(!rg_ctx_audit_wanted(&c));
    rg_ctx_audit_query(&c);
    CHECK(rg_ctx_audit_wanted(&c));
    rg_ctx_cleanup(&c);
}

int main(void)
{
    RUN(setup);
    RUN(test_fields);
    RUN(test_staged_writes);
    RUN(test_refusal_writes_nothing);
    RUN(test_case_ids);
    RUN(test_audit_runs);
    rg_t_local_close(&L, true);
    return rg_t_exit();
}
