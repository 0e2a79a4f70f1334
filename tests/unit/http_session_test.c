/*
 * http_session_test.c - net/http_session.c, the browser's sessions, on
 * their own: a session's id and CSRF token are 64 random hex characters,
 * neither the actor's token; its token comes back only for its id, and the
 * CSRF token is checked (a wrong one, one of another length, none); an id of
 * the wrong length or unknown is no session; the table holds at most its
 * cap (a full table refuses, an ended session frees a place, an expired one
 * is swept); ending by id and by token (every session of a revoked actor,
 * no other); a token too long for the table, or for the caller's buffer,
 * is refused; an idle session expires.
 */
#include <string.h>
#include <unistd.h>

#include "../../engine/net/http_session.h"
#include "../test.h"

#define TOK_A "rgt_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define TOK_B "rgt_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static bool hex64(const char *s)
{
    return strlen(s) == RG_SESSION_ID_LEN && strspn(s, "0123456789abcdef") == RG_SESSION_ID_LEN;
}

static void test_open_and_get(void)
{
    rg_sessions *s = rg_sessions_new(600, 3600, 16);
    char id[RG_SESSION_ID_LEN + 1], csrf[RG_SESSION_ID_LEN + 1], id2[RG_SESSION_ID_LEN + 1],
        csrf2[RG_SESSION_ID_LEN + 1], tok[256];
    REQUIRE(rg_sessions_open(s, TOK_A, id, csrf));
    REQUIRE(rg_sessions_open(s, TOK_A, id2, csrf2));
    CHECK(hex64(id) && hex64(csrf) && strcmp(id, csrf) != 0 && strcmp(id, id2) != 0 && strcmp(csrf, csrf2) != 0);
    CHECK(!strstr(id, "aaaa") && rg_sessions_count(s) == 2);
    bool ok = true;
    CHECK(rg_sessions_get(s, id, tok, sizeof tok, csrf, &ok) && ok && strcmp(tok, TOK_A) == 0);
    CHECK(rg_sessions_get(s, id, tok, sizeof tok, csrf2, &ok) && !ok);        /* another's CSRF */
    CHECK(rg_sessions_get(s, id, tok, sizeof tok, "abc", &ok) && !ok);        /* wrong length */
    char near[RG_SESSION_ID_LEN + 1];                                         /* all but the last */
    memcpy(near, csrf, sizeof near);
    near[RG_SESSION_ID_LEN - 1] = near[RG_SESSION_ID_LEN - 1] == '0' ? '1' : '0';
    CHECK(rg_sessions_get(s, id, tok, sizeof tok, near, &ok) && !ok);
    CHECK(rg_sessions_get(s, id, tok, sizeof tok, NULL, &ok) && !ok);         /* a read: none */
    CHECK(rg_sessions_get(s, id, tok, sizeof tok, NULL, NULL));
    char other[RG_SESSION_ID_LEN + 1];
    memcpy(other, id, sizeof other);
    other[0] = other[0] == 'a' ? 'b' : 'a';
    tok[0] = '\0';
    CHECK(!rg_sessions_get(s, other, tok, sizeof tok, csrf, &ok) && !ok && !tok[0]);
    CHECK(!rg_sessions_get(s, "short", tok, sizeof tok, csrf, &ok));
    CHECK(!rg_sessions_get(s, csrf, tok, sizeof tok, csrf, &ok));     /* the CSRF token is no id */
    CHECK(!rg_sessions_get(s, id, tok, 8, csrf, &ok));                /* no room for the token */
    rg_sessions_free(s);
}

static void test_cap_and_end(void)
{
    rg_sessions *s = rg_sessions_new(600, 3600, 3);
    char id[4][RG_SESSION_ID_LEN + 1], csrf[RG_SESSION_ID_LEN + 1], tok[256];
    CHECK(rg_sessions_open(s, TOK_A, id[0], csrf));
    CHECK(rg_sessions_open(s, TOK_B, id[1], csrf));
    CHECK(rg_sessions_open(s, TOK_A, id[2], csrf));
    CHECK(!rg_sessions_open(s, TOK_B, id[3], csrf));                  /* full */
    CHECK(rg_sessions_count(s) == 3);
    rg_sessions_end(s, id[1]);
    CHECK(!rg_sessions_get(s, id[1], tok, sizeof tok, NULL, NULL) && rg_sessions_count(s) == 2);
    rg_sessions_end(s, id[1]);                                         /* twice: nothing more */
    rg_sessions_end(s, "short");
    CHECK(rg_sessions_count(s) == 2);
    CHECK(rg_sessions_open(s, TOK_B, id[3], csrf));                    /* a place again */
    CHECK(rg_sessions_end_token(s, TOK_A) == 2);                       /* A revoked */
    CHECK(!rg_sessions_get(s, id[0], tok, sizeof tok, NULL, NULL));
    CHECK(!rg_sessions_get(s, id[2], tok, sizeof tok, NULL, NULL));
    CHECK(rg_sessions_get(s, id[3], tok, sizeof tok, NULL, NULL) && strcmp(tok, TOK_B) == 0);
    CHECK(rg_sessions_end_token(s, TOK_A) == 0 && rg_sessions_count(s) == 1);
    char longtok[RG_SESSION_TOKEN_MAX + 8];
    memset(longtok, 'x', sizeof longtok - 1);
    longtok[sizeof longtok - 1] = '\0';
    CHECK(!rg_sessions_open(s, longtok, id[0], csrf) && rg_sessions_count(s) == 1);
    rg_sessions_free(s);
}

/* Idle for more than a second with idle_s = 1: gone (sleeping longer under
 * load only makes it more so). */
static void test_idle_expiry(void)
{
    rg_sessions *s = rg_sessions_new(1, 3600, 2);
    char id[RG_SESSION_ID_LEN + 1], id2[RG_SESSION_ID_LEN + 1], csrf[RG_SESSION_ID_LEN + 1], tok[256];
    REQUIRE(rg_sessions_open(s, TOK_A, id, csrf));
    REQUIRE(rg_sessions_open(s, TOK_B, id2, csrf));
    usleep(1200 * 1000);
    CHECK(!rg_sessions_get(s, id, tok, sizeof tok, NULL, NULL));
    CHECK(rg_sessions_count(s) == 1);
    /* B's session, expired too, still has its place until the table is
     * full: then it is swept to make room. */
    char id3[RG_SESSION_ID_LEN + 1], id4[RG_SESSION_ID_LEN + 1];
    CHECK(rg_sessions_open(s, TOK_A, id3, csrf) && rg_sessions_count(s) == 2);
    CHECK(rg_sessions_open(s, TOK_A, id4, csrf) && rg_sessions_count(s) == 2);
    CHECK(!rg_sessions_get(s, id2, tok, sizeof tok, NULL, NULL));
    CHECK(rg_sessions_get(s, id4, tok, sizeof tok, NULL, NULL));
    rg_sessions_free(s);
}

int main(void)
{
    RUN(test_open_and_get);
    RUN(test_cap_and_end);
    RUN(test_idle_expiry);
    return rg_t_exit();
}
