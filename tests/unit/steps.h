/*
 * steps.h - the in-process step helpers the lifecycle and matrix tests share:
 * one engine L, one request being built in B, the last reply in R; req()
 * starts a request, send_req() sends it, OK() and FAILS() check the reply.
 * Included by one test file each (the state is that file's own).
 */
#ifndef RG_TEST_STEPS_H
#define RG_TEST_STEPS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../test.h"
#include "../../engine/domain/schema.h"

static rg_t_local L;
static rg_buf B;
static rg_t_reply R;

/* Start a request; write ndata data pairs into B afterwards, then send. */
static inline rg_buf *req(const char *token, const char *op, const char *case_id, int ndata)
{
    return rg_t_req(&B, token, op, case_id, ndata);
}

/* The end of a test on L: the engine closed, its directory removed, B and
 * R freed. */
static inline void steps_close(void)
{
    rg_t_local_close(&L, true);
    rg_buf_free(&B);
    rg_t_reply_free(&R);
}

/* Send B; returns the error code ("" on success).  R holds the reply. */
static inline const char *send_req(void) { return rg_t_local_send(&L, &B, &R); }

static inline const char *query(const char *token, const char *op, const char *case_id)
{
    rg_buf_reset(&B);
    rg_req_envelope(&B, op, token, NULL, case_id, -1, -1);
    return send_req();
}

#define OK() do { const char *e_ = send_req(); if (e_[0]) { \
    printf("  %s:%d: %s: %s\n", __FILE__, __LINE__, e_, rg_t_str(&R, "message")); \
    rg_t_failed = 1; return; } } while (0)
#define FAILS(code, part) do { const char *e_ = send_req(); \
    if (strcmp(e_, code) != 0 || !strstr(rg_t_str(&R, "message"), part)) { \
        printf("  %s:%d: expected %s ~ '%s', got '%s': %s\n", __FILE__, __LINE__, code, part, e_, \
               rg_t_str(&R, "message")); rg_t_failed = 1; } } while (0)

/* Send B, expecting it refused as FAILS does, and nothing written: the
 * log's head where it was before (so no case's version moved either). */
#define REFUSED(code, part) do { uint64_t h_ = rg_t_local_head(&L); FAILS(code, part); \
    if (rg_t_local_head(&L) != h_) { printf("  %s:%d: the refused request wrote to the log\n", __FILE__, \
        __LINE__); rg_t_failed = 1; } } while (0)

/* A step that answers "" or a line saying what failed (rg_t_local_drive,
 * rg_t_local_report): the line printed and the test stopped. */
#define DONE(expr) do { const char *d_ = (expr); if (d_[0]) { \
    printf("  %s:%d: %s\n", __FILE__, __LINE__, d_); rg_t_failed = 1; return; } } while (0)

/* An ISO 8601 instant in ms (a test's own constant: a bad one aborts). */
static inline uint64_t iso(const char *s)
{
    int64_t ms = 0;
    bool date_only;
    if (!rg_parse_iso(s, (uint32_t)strlen(s), &ms, &date_only)) abort();
    return (uint64_t)ms;
}

/* The manual clock's reading (a clock.advance of 0), 0 on error. */
static inline uint64_t clock_now(void)
{
    rg_w_kuint(req(L.admin, "clock.advance", NULL, 1), "ms", 0);
    return send_req()[0] ? 0 : rg_t_uint(&R, "now");
}

/* Move the manual clock to t, if it is ahead. */
static inline void clock_to(uint64_t t)
{
    uint64_t now = clock_now();
    if (t <= now) return;
    rg_w_kuint(req(L.admin, "clock.advance", NULL, 1), "ms", t - now);
    if (send_req()[0]) {
        printf("  clock.advance: %s: %s\n", rg_t_err(&R), rg_t_str(&R, "message"));
        rg_t_failed = 1;
    }
}

/* actor.create in a region, optionally under a covenant; its token into tok
 * (128 bytes; "" on failure). */
static inline void actor_in(const char *id, const char *role, const char *org, const char *zvh,
                            const char *covenant, char *tok)
{
    rg_buf *b = req(L.admin, "actor.create", NULL, 4 + (covenant ? 1 : 0));
    rg_w_kstr(b, "id", id);
    rg_w_kstr(b, "role", role);
    rg_w_kstr(b, "org", org);
    rg_w_kstr(b, "zvh", zvh);
    if (covenant) {
        rg_w_cstr(b, "covenants");
        rg_w_array(b, 1);
        rg_w_cstr(b, covenant);
    }
    tok[0] = '\0';
    if (send_req()[0] == 0) snprintf(tok, 128, "%s", rg_t_str(&R, "token"));
}

#endif
