/*
 * steps.h - the in-process step helpers the lifecycle and matrix tests share:
 * one engine L, one request being built in B, the last reply in R; req()
 * starts a request, send_req() sends it, OK() and FAILS() check the reply.
 * Included by one test file each (the state is that file's own).
 */
#ifndef RG_TEST_STEPS_H
#define RG_TEST_STEPS_H

#include <stdio.h>
#include <string.h>

#include "../test.h"

static rg_t_local L;
static rg_buf B;
static rg_t_reply R;

/* Start a request; write ndata data pairs into B afterwards, then send. */
static inline rg_buf *req(const char *token, const char *op, const char *case_id, int ndata)
{
    return rg_t_req(&B, token, op, case_id, ndata);
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

#endif
