/*
 * http_json_test.c - the HTTP face's pure parts, without a server: the JSON
 * body turned into the envelope the pipeline reads (engine/net/http_json.c),
 * a reply and an SSE page turned into JSON, and the cookie sessions
 * (engine/net/http_session.c): expiry, CSRF, ending by token.
 */
#include <string.h>
#include <unistd.h>

#include "../../engine/net/http_json.h"
#include "../../engine/net/http_session.h"
#include "../test.h"

static int to_req(rg_buf *out, const char *body, char *why)
{
    return rg_json_to_request(out, "case.get", "rgt_tok", body, strlen(body), why, 200);
}

static void test_body_becomes_the_envelope(void)
{
    rg_buf b = RG_BUF_INIT;
    char why[200] = "";
    REQUIRE(to_req(&b, "{\"case\":\"ZVH-00000001\",\"expect\":3,\"data\":{\"a\":[true,null,-2,\"x\"]}}", why) == 0);
    rg_doc *d;
    const char *w;
    REQUIRE(rg_doc_parse(&d, b.data, b.len, &w) == 0);
    const rg_val *r = rg_doc_root(d);
    CHECK(rg_val_is_str(rg_map_get(r, "op"), "case.get"));
    CHECK(rg_val_is_str(rg_map_get(r, "token"), "rgt_tok"));
    CHECK(rg_val_is_str(rg_map_get(r, "case"), "ZVH-00000001"));
    uint64_t v = 0;
    CHECK(rg_val_uint(rg_map_get(r, "expect"), &v) && v == 3);
    const rg_val *a = rg_map_get(rg_map_get(r, "data"), "a");
    CHECK(rg_array_size(a) == 4 && rg_val_int(rg_array_at(a, 2)) == -2);
    rg_doc_free(d);
    /* An empty body: an operation without fields. */
    REQUIRE(rg_json_to_request(&b, "whoami", NULL, "", 0, why, sizeof why) == 0);
    REQUIRE(rg_doc_parse(&d, b.data, b.len, &w) == 0);
    CHECK(rg_map_size(rg_doc_root(d)) == 1);
    rg_doc_free(d);
    rg_buf_free(&b);
}

static void test_bad_bodies_refused_without_echo(void)
{
    static const char *const bad[] = {
        "[1,2]", "{\"op\":\"x\"}", "{\"token\":\"rgt_secret\"}", "{\"a\":1.5}", "{\"a\":1,\"a\":2}",
        "{\"a\":\"\\u0000\"}", "{\"x\": rgt_secretvalue}", "\"just a string\"",
        "{\"d\":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]}", "{\"a\":\"\xff\"}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        rg_buf b = RG_BUF_INIT;
        char why[200] = "";
        int rc = to_req(&b, bad[i], why);
        CHECK(rc < 0 && b.len == 0 && why[0]);
        CHECK(!strstr(why, "secret"));            /* the input is never quoted back */
        if (rc == 0) printf("  accepted: %s\n", bad[i]);
        rg_buf_free(&b);
    }
}

static void test_reply_and_sse_as_json(void)
{
    rg_buf m = RG_BUF_INIT, j = RG_BUF_INIT;
    rg_w_map(&m, 3);
    rg_w_kbool(&m, "ok", true);
    rg_w_cstr(&m, "events");
    rg_w_array(&m, 2);
    for (int i = 1; i <= 2; i++) {
        rg_w_map(&m, 2);
        rg_w_kuint(&m, "seq", (uint64_t)(40 + i));
        rg_w_kstr(&m, "type", "line\nbreak");
    }
    rg_w_cstr(&m, "h");
    rg_w_bin(&m, "\x01\xab", 2);
    REQUIRE(rg_json_from_msgpack(&j, m.data, m.len) == 0);
    rg_buf_put_u8(&j, 0);
    CHECK(strstr((char *)j.data, "\"h\":\"01ab\"") && strstr((char *)j.data, "line\\nbreak"));
    rg_buf s = RG_BUF_INIT;
    CHECK(rg_json_sse(&s, m.data, m.len, "events", "seq") == 2);
    rg_buf_put_u8(&s, 0);
    /* One data: line per message (the newline escaped), id: the position. */
    CHECK(strncmp((char *)s.data, "id: 41\ndata: {", 14) == 0 && strstr((char *)s.data, "\n\nid: 42\ndata: "));
    CHECK(rg_json_from_msgpack(&j, (const uint8_t *)"\xc1", 1) < 0);
    rg_buf_free(&m);
    rg_buf_free(&j);
    rg_buf_free(&s);
}

static void test_sessions(void)
{
    rg_sessions *s = rg_sessions_new(1, 3600, 2);
    char id[RG_SESSION_ID_LEN + 1], csrf[RG_SESSION_ID_LEN + 1], id2[RG_SESSION_ID_LEN + 1],
        c2[RG_SESSION_ID_LEN + 1], tok[64];
    REQUIRE(rg_sessions_open(s, "rgt_a", id, csrf));
    REQUIRE(rg_sessions_open(s, "rgt_a", id2, c2));
    char x1[RG_SESSION_ID_LEN + 1], x2[RG_SESSION_ID_LEN + 1];
    CHECK(!rg_sessions_open(s, "rgt_b", x1, x2));          /* full */
    bool ok = true;
    CHECK(rg_sessions_get(s, id, tok, sizeof tok, csrf, &ok) && ok && strcmp(tok, "rgt_a") == 0);
    CHECK(rg_sessions_get(s, id, tok, sizeof tok, c2, &ok) && !ok);   /* another session's CSRF token */
    CHECK(!rg_sessions_get(s, "nonsense", tok, sizeof tok, NULL, NULL));
    CHECK(rg_sessions_end_token(s, "rgt_a") == 2);
    CHECK(!rg_sessions_get(s, id2, tok, sizeof tok, NULL, NULL) && rg_sessions_count(s) == 0);
    REQUIRE(rg_sessions_open(s, "rgt_c", id, csrf));
    sleep(2);                                               /* idle past 1 s */
    CHECK(!rg_sessions_get(s, id, tok, sizeof tok, NULL, NULL));
    rg_sessions_free(s);
}

int main(void)
{
    RUN(test_body_becomes_the_envelope);
    RUN(test_bad_bodies_refused_without_echo);
    RUN(test_reply_and_sse_as_json);
    RUN(test_sessions);
    return rg_t_exit();
}
