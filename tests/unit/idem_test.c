/*
 * idem_test.c - core/idem.c, the stored copy of a first reply, on a real
 * engine in a temp directory: a repeated `req` gets the first reply byte for
 * byte and writes nothing (also while the first is not yet durable, and
 * after a restart); the copy on disk holds references to log positions, not
 * the personal data of the events it answered; a refused request leaves no
 * copy, so the corrected request with the same `req` goes through; the
 * copy's references rendered again by rg_idem_open, and a copy that does not
 * add up (a range beyond the case, a case that is not there, a reader that
 * is no actor, not a map) is a storage error, never an invented reply.
 */
#include <stdlib.h>
#include <string.h>

#include "../../engine/core/idem.h"
#include "../../engine/core/state.h"
#include "../../engine/storage/errors.h"
#include "../../engine/storage/log.h"
#include "../test.h"

static rg_t_local L;
static rg_t_cast T;

static void setup(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    REQUIRE(rg_t_local_cast(&L, &T) == 0);
}

static void report(const char *token, const char *req, const char *name, rg_t_reply *r)
{
    rg_buf b = RG_BUF_INIT;
    rg_t_report_req(&b, token, req, name);
    rg_t_local_call(&L, &b, r);
    rg_buf_free(&b);
}

/* The stored copy of actor's req, from the idem column family. */
static int stored(const char *actor, const char *req, rg_buf *out)
{
    char k[128];
    size_t an = strlen(actor), rn = strlen(req);
    memcpy(k, actor, an + 1);
    memcpy(k + an + 1, req, rn);
    rg_buf_reset(out);
    return rg_log_get(rg_engine_log(L.e), RG_CF_IDEM, k, an + 1 + rn, out);
}

static void test_idempotent_retry(void)
{
    rg_t_reply a, b2;
    report(T.pol, "same-req", "Jan Jansen", &a);
    REQUIRE(rg_t_ok(&a));
    uint64_t head = rg_engine_head(L.e);
    report(T.pol, "same-req", "Jan Jansen", &b2);
    REQUIRE(rg_t_ok(&b2));
    CHECK(a.len == b2.len && memcmp(a.bytes, b2.bytes, a.len) == 0);
    CHECK(rg_engine_head(L.e) == head);
    rg_t_reply_free(&b2);
    /* The same req from another actor is another request. */
    report(T.ggz, "same-req", "Jan Jansen", &b2);
    CHECK(rg_t_ok(&b2) && rg_t_uint(&b2, "seq") == head + 1);
    rg_t_reply_free(&b2);
    rg_t_reply_free(&a);
}

static void test_retry_while_pending(void)
{
    /* Two copies submitted before either is durable: one write, same reply. */
    rg_buf b = RG_BUF_INIT;
    rg_t_report_req(&b, T.pol, "twin", "Piet");
    rg_t_reply r1, r2;
    int done = 0;
    uint64_t head = rg_engine_head(L.e);
    rg_t_local_submit(&L, &b, &r1, &done);
    rg_t_local_submit(&L, &b, &r2, &done);
    rg_t_local_run_until(&L, &done, 2);
    CHECK(rg_t_ok(&r1) && rg_t_ok(&r2));
    CHECK(r1.len == r2.len && memcmp(r1.bytes, r2.bytes, r1.len) == 0);
    CHECK(rg_engine_head(L.e) == head + 1);
    rg_t_reply_free(&r1);
    rg_t_reply_free(&r2);
    rg_buf_free(&b);
}

/* The copy on disk: 0xc2 and the reply with its events as a reference, the
 * subject's name nowhere in it; opened again, the events are the first
 * reply's. */
static void test_copy_by_reference(void)
{
    rg_t_reply a;
    report(T.pol, "by-ref", "Anna Pietersen", &a);
    REQUIRE(rg_t_ok(&a));
    CHECK(rg_t_holds(a.bytes, a.len, "Anna Pietersen"));   /* the reply shows it */
    rg_buf v = RG_BUF_INIT, out = RG_BUF_INIT;
    REQUIRE(stored("pol", "by-ref", &v) == 0);
    CHECK(v.len > 1 && v.data[0] == 0xc2);
    CHECK(!rg_t_holds(v.data, v.len, "Anna Pietersen"));
    CHECK(rg_t_holds(v.data, v.len, "$events"));
    CHECK(v.len < a.len);

    REQUIRE(rg_idem_open(L.e, v.data, v.len, "pol\0by-ref", 10, &out) == 0);
    rg_doc *d = NULL;
    const char *why;
    REQUIRE(rg_doc_parse(&d, out.data, out.len, &why) == 0);
    const rg_val *evs = rg_map_get(rg_doc_root(d), "events");
    CHECK(rg_array_size(evs) == 1);
    CHECK(rg_val_is_str(rg_map_get(rg_array_at(evs, 0), "type"), "case.reported"));
    CHECK(rg_val_is_str(rg_map_get(rg_map_get(rg_map_get(rg_array_at(evs, 0), "data"), "subject"), "name"),
                        "Anna Pietersen"));
    CHECK(rg_val_is_str(rg_map_get(rg_doc_root(d), "case"), rg_t_str(&a, "case")));
    rg_doc_free(d);
    /* A reader that is no actor: the reference is not rendered for anyone. */
    rg_buf_reset(&out);
    CHECK(rg_idem_open(L.e, v.data, v.len, "nobody\0by-ref", 13, &out) == RG_ESTORAGE);
    /* A key without the actor's end: refused. */
    rg_buf_reset(&out);
    CHECK(rg_idem_open(L.e, v.data, v.len, "pol", 3, &out) == RG_ESTORAGE);
    rg_buf_free(&v);
    rg_buf_free(&out);
    rg_t_reply_free(&a);
}

/* Copies that do not add up are storage errors. */
static void test_bad_copies(void)
{
    rg_t_reply a;
    report(T.pol, "bad-copies", "Kees de Vries", &a);
    REQUIRE(rg_t_ok(&a));
    char id[32];
    snprintf(id, sizeof id, "%s", rg_t_str(&a, "case"));
    rg_t_reply_free(&a);
    rg_buf v = RG_BUF_INIT, out = RG_BUF_INIT, reply = RG_BUF_INIT;
    const char *ik = "pol\0x";
    /* a range beyond the case's version (it has one event) */
    rg_w_map(&reply, 2);
    rg_w_kbool(&reply, "ok", true);
    rg_w_cstr(&reply, "events");
    rg_idem_ref(&reply, id, 1, 2, true, false);
    rg_idem_store(&v, reply.data, reply.len);
    CHECK(v.data[0] == 0xc2);
    CHECK(rg_idem_open(L.e, v.data, v.len, ik, 5, &out) == RG_ESTORAGE);
    /* a range starting at 0 */
    rg_buf_reset(&reply);
    rg_buf_reset(&v);
    rg_w_map(&reply, 1);
    rg_w_cstr(&reply, "events");
    rg_idem_ref(&reply, id, 0, 1, true, false);
    rg_idem_store(&v, reply.data, reply.len);
    CHECK(rg_idem_open(L.e, v.data, v.len, ik, 5, &out) == RG_ESTORAGE);
    /* a case that is not there */
    rg_buf_reset(&reply);
    rg_buf_reset(&v);
    rg_w_map(&reply, 1);
    rg_w_cstr(&reply, "events");
    rg_idem_ref(&reply, "ZVH-99999999", 1, 1, true, false);
    rg_idem_store(&v, reply.data, reply.len);
    CHECK(rg_idem_open(L.e, v.data, v.len, ik, 5, &out) == RG_ESTORAGE);
    /* not a map after the mark */
    rg_buf_reset(&reply);
    rg_buf_reset(&v);
    rg_w_array(&reply, 0);
    rg_idem_store(&v, reply.data, reply.len);
    CHECK(rg_idem_open(L.e, v.data, v.len, ik, 5, &out) == RG_ESTORAGE);
    /* the good reference, as the system reads it: one event */
    rg_buf_reset(&reply);
    rg_buf_reset(&v);
    rg_buf_reset(&out);
    rg_w_map(&reply, 1);
    rg_w_cstr(&reply, "events");
    rg_idem_ref(&reply, id, 1, 1, false, true);
    rg_idem_store(&v, reply.data, reply.len);
    REQUIRE(rg_idem_open(L.e, v.data, v.len, ik, 5, &out) == 0);
    CHECK(rg_t_holds(out.data, out.len, "case.reported"));
    CHECK(!rg_t_holds(out.data, out.len, "Kees de Vries"));   /* without the subject */
    /* a reply about no case, stored as it was (the older form), is given back as is */
    rg_buf_reset(&reply);
    rg_buf_reset(&out);
    rg_w_map(&reply, 1);
    rg_w_kbool(&reply, "ok", true);
    REQUIRE(rg_idem_open(L.e, reply.data, reply.len, ik, 5, &out) == 0);
    CHECK(out.len == reply.len && memcmp(out.data, reply.data, out.len) == 0);
    rg_buf_free(&v);
    rg_buf_free(&out);
    rg_buf_free(&reply);
}

/* rg_idem_render: the versions first..last of a case, or a storage error
 * for a range the case does not hold. */
static void test_render_range(void)
{
    char id[32];
    REQUIRE(rg_t_local_case(&L, &T, "Lies Smit", "analysis", id)[0] == 0);
    rg_case *cs = NULL;
    REQUIRE(rg_store_case(L.e, id, &cs) == 0);
    REQUIRE(cs->version == 4);
    rg_buf out = RG_BUF_INIT;
    const rg_actor *prm = rg_store_actor(L.e, "pr");
    REQUIRE(prm != NULL);
    REQUIRE(rg_idem_render(L.e, &out, cs, 2, 4, false, prm) == 0);
    rg_doc *d = NULL;
    const char *why;
    REQUIRE(rg_doc_parse(&d, out.data, out.len, &why) == 0);
    const rg_val *evs = rg_doc_root(d);
    CHECK(rg_array_size(evs) == 3);
    CHECK(rg_val_is_str(rg_map_get(rg_array_at(evs, 0), "type"), "case.assigned"));
    uint64_t v = 0;
    CHECK(rg_val_uint(rg_map_get(rg_array_at(evs, 2), "v"), &v) && v == 4);
    rg_doc_free(d);
    size_t len = out.len;
    CHECK(rg_idem_render(L.e, &out, cs, 0, 1, false, prm) == RG_ESTORAGE);
    CHECK(rg_idem_render(L.e, &out, cs, 3, 2, false, prm) == RG_ESTORAGE);
    CHECK(rg_idem_render(L.e, &out, cs, 1, 5, false, prm) == RG_ESTORAGE);
    CHECK(out.len == len);                       /* nothing written on a refusal */
    rg_buf_free(&out);
}

/* A refused request stores nothing: the corrected one with the same req
 * is a new request, not the refusal again. */
static void test_refusal_not_kept(void)
{
    rg_buf b = RG_BUF_INIT, v = RG_BUF_INIT;
    rg_req_envelope(&b, "case.report", T.pol, "fixed-later", NULL, -1, 4);
    rg_w_kstr(&b, "target_group", "verward_gedrag");
    rg_w_kstr(&b, "summary", "s");
    rg_w_kstr(&b, "urgency", "normal");
    rg_w_cstr(&b, "subject");
    rg_w_map(&b, 1);
    rg_w_kstr(&b, "name", "X");
    rg_t_reply r;
    rg_t_local_call(&L, &b, &r);
    CHECK(strcmp(rg_t_err(&r), "guard_failed") == 0);
    rg_t_reply_free(&r);
    CHECK(stored("pol", "fixed-later", &v) == RG_ENOTFOUND);
    report(T.pol, "fixed-later", "X", &r);
    CHECK(rg_t_ok(&r));
    CHECK(stored("pol", "fixed-later", &v) == 0);
    rg_t_reply_free(&r);
    rg_buf_free(&b);
    rg_buf_free(&v);
}

/* After a restart the repeat is still the first reply. */
static void test_after_restart(void)
{
    rg_t_reply a, b2;
    report(T.pol, "kept", "Piet Klaassen", &a);
    REQUIRE(rg_t_ok(&a));
    char *dir = strdup(L.dir);
    rg_t_local_close(&L, false);
    REQUIRE(rg_t_local_open(&L, dir) == 0);
    free(dir);
    uint64_t head = rg_engine_head(L.e);
    report(T.pol, "kept", "Piet Klaassen", &b2);
    CHECK(rg_t_ok(&b2) && a.len == b2.len && memcmp(a.bytes, b2.bytes, a.len) == 0);
    CHECK(rg_engine_head(L.e) == head);
    rg_t_reply_free(&a);
    rg_t_reply_free(&b2);
}

int main(void)
{
    RUN(setup);
    RUN(test_idempotent_retry);
    RUN(test_retry_while_pending);
    RUN(test_copy_by_reference);
    RUN(test_bad_copies);
    RUN(test_render_range);
    RUN(test_refusal_not_kept);
    RUN(test_after_restart);
    rg_t_local_close(&L, true);
    return rg_t_exit();
}
