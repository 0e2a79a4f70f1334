/*
 * reply_test.c - core/reply.c, the two shapes of a reply: an error is
 * exactly {ok: false, error: the contract's code, message}; a success is
 * {ok: true} with the extra pairs, and with a case {case, version, seq,
 * events} first (the events an array of the given count, or one whole
 * value for the stored copy's reference); each parses as one msgpack map
 * whose count matches its pairs.
 */
#include <string.h>

#include "../test.h"
#include "../../engine/core/apply.h"
#include "../../engine/storage/errors.h"
#include "../../engine/core/reply.h"

static rg_doc *parse(const rg_buf *b)
{
    rg_doc *d = NULL;
    const char *why;
    return rg_doc_parse(&d, b->data, b->len, &why) == 0 ? d : NULL;
}

static void test_error(void)
{
    rg_buf b = RG_BUF_INIT;
    rg_buf_append(&b, "junk", 4);                    /* reset first */
    rg_error_reply(&b, RG_ECONFLICT, "case ZVH-1 is at version 3, not 2");
    rg_doc *d = parse(&b);
    REQUIRE(d != NULL);
    const rg_val *r = rg_doc_root(d);
    bool ok = true;
    CHECK(rg_map_size(r) == 3);
    CHECK(rg_val_bool(rg_map_get(r, "ok"), &ok) && !ok);
    CHECK(rg_val_is_str(rg_map_get(r, "error"), "version_conflict"));
    CHECK(rg_val_is_str(rg_map_get(r, "message"), "case ZVH-1 is at version 3, not 2"));
    rg_doc_free(d);
    rg_error_reply(&b, -99, "x");                    /* unknown: never an invented code */
    d = parse(&b);
    REQUIRE(d != NULL);
    CHECK(rg_val_is_str(rg_map_get(rg_doc_root(d), "error"), "storage_error"));
    rg_doc_free(d);
    rg_buf_free(&b);
}

static void test_success(void)
{
    rg_buf out = RG_BUF_INIT, events = RG_BUF_INIT, extra = RG_BUF_INIT;
    /* No case: ok and the extra pairs. */
    rg_w_kstr(&extra, "token", "rgt_x");
    rg_w_kuint(&extra, "n", 7);
    rg_write_reply(&out, NULL, 0, 0, &events, &extra, 2);
    rg_doc *d = parse(&out);
    REQUIRE(d != NULL);
    bool ok = false;
    uint64_t u = 0;
    CHECK(rg_map_size(rg_doc_root(d)) == 3);
    CHECK(rg_val_bool(rg_map_get(rg_doc_root(d), "ok"), &ok) && ok);
    CHECK(rg_val_is_str(rg_map_get(rg_doc_root(d), "token"), "rgt_x"));
    CHECK(rg_val_uint(rg_map_get(rg_doc_root(d), "n"), &u) && u == 7);
    CHECK(rg_map_get(rg_doc_root(d), "case") == NULL);
    rg_doc_free(d);

    /* A case: case, version, seq, events (two), then the extra. */
    rg_case *cs = rg_case_new("ZVH-9");
    cs->version = 4;
    rg_w_map(&events, 1);
    rg_w_kstr(&events, "type", "a");
    rg_w_map(&events, 1);
    rg_w_kstr(&events, "type", "b");
    rg_buf_reset(&out);
    rg_write_reply(&out, cs, 41, 2, &events, &extra, 2);
    d = parse(&out);
    REQUIRE(d != NULL);
    const rg_val *r = rg_doc_root(d);
    CHECK(rg_map_size(r) == 7);
    CHECK(rg_val_is_str(rg_map_key(r, 1), "case") && rg_val_is_str(rg_map_get(r, "case"), "ZVH-9"));
    CHECK(rg_val_uint(rg_map_get(r, "version"), &u) && u == 4);
    CHECK(rg_val_uint(rg_map_get(r, "seq"), &u) && u == 41);
    const rg_val *ev = rg_map_get(r, "events");
    CHECK(rg_array_size(ev) == 2 && rg_val_is_str(rg_map_get(rg_array_at(ev, 1), "type"), "b"));
    rg_doc_free(d);

    /* The stored copy: events is the one reference value. */
    rg_buf ref = RG_BUF_INIT;
    rg_w_map(&ref, 1);
    rg_w_kuint(&ref, "ref", 3);
    rg_buf_reset(&out);
    rg_write_reply_ref(&out, cs, 41, &ref, &extra, 2);
    d = parse(&out);
    REQUIRE(d != NULL);
    CHECK(rg_val_uint(rg_map_get(rg_map_get(rg_doc_root(d), "events"), "ref"), &u) && u == 3);
    rg_doc_free(d);
    rg_case_free(cs);
    rg_buf_free(&ref);
    rg_buf_free(&out);
    rg_buf_free(&events);
    rg_buf_free(&extra);
}

int main(void)
{
    RUN(test_error);
    RUN(test_success);
    return rg_t_exit();
}
