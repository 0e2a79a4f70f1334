/*
 * test.h - the test harness: CHECK/REQUIRE, one RUN per test case printing
 * "PASS: name" or "FAIL: name" (tests/run.sh counts those), temp dirs, an
 * in-process engine driver, and a real `regied` process driver.
 */
#ifndef RG_TEST_H
#define RG_TEST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <uv.h>

#include "../engine/storage/buf.h"
#include "../engine/storage/codec.h"
#include "../engine/core/engine.h"
#include "../engine/replay/replay.h"
#include "../engine/services/services.h"
#include "../engine/net/net.h"
#include "../tools/client.h"

extern int rg_t_failed;

#define CHECK(c) do { if (!(c)) { \
    printf("  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #c); rg_t_failed = 1; } } while (0)
#define REQUIRE(c) do { if (!(c)) { \
    printf("  %s:%d: REQUIRE(%s) failed\n", __FILE__, __LINE__, #c); rg_t_failed = 1; return; } } while (0)
#define RUN(fn) rg_t_run(#fn, fn)

void rg_t_run(const char *name, void (*fn)(void));
int rg_t_exit(void);                  /* exit status for main: 1 if any failed */

char *rg_t_tmpdir(void);              /* a fresh directory; free() the name */
/* Do the n bytes at p hold the bytes of s? */
bool rg_t_holds(const void *p, size_t n, const char *s);
/* How many files under dir (all the way down) hold the bytes of s; the first
 * is named on stdout.  For "nothing readable is left on disk" checks. */
int rg_t_found_in(const char *dir, const char *s);
void rg_t_rmrf(const char *dir);      /* and DIR.kek, DIR.ledger beside it */

/* A parsed reply. */
/* A reply's `trace` (the request's own span, new with every request) is
 * taken out of bytes and root into trace, so that tests comparing the
 * answers of two requests byte for byte compare what they answered. */
typedef struct rg_t_reply {
    uint8_t *bytes;
    size_t len;
    rg_doc *doc;
    const rg_val *root;
    char trace[64];
} rg_t_reply;

void rg_t_reply_free(rg_t_reply *r);
bool rg_t_ok(const rg_t_reply *r);
/* The reply's error code, or "" when ok / malformed. Static buffer. */
const char *rg_t_err(const rg_t_reply *r);
const rg_val *rg_t_get(const rg_t_reply *r, const char *key);
uint64_t rg_t_uint(const rg_t_reply *r, const char *key);   /* 0 when absent */
/* Copy a string field into a static buffer ("" when absent). */
const char *rg_t_str(const rg_t_reply *r, const char *key);

/* ---- an engine in this process, on its own loop ---- */
typedef struct rg_t_local {
    uv_loop_t loop;
    rg_engine *e;
    char *dir;
    char admin[128];
} rg_t_local;

int rg_t_local_open(rg_t_local *l, const char *dir);     /* dir NULL: fresh temp dir */
extern size_t rg_t_cache_cases;       /* the engine's case cache size (0: default) */
/* The region's configuration file (regied --config) the next rg_t_local_open
 * loads, or NULL for the defaults of schemas/norms.c. */
extern const char *rg_t_config;
/* The module table the next rg_t_local_open hands the core, or NULL for the
 * handlers' own (rg_handlers_module): a test of the core binds a handler of
 * its own to an operation. */
extern const rg_module *rg_t_module;
/* The handlers' module with op bound to fn instead (one table, reused by
 * the next call); the handler it replaced into *real.  NULL when the
 * contract has no op.  For rg_t_module. */
const rg_module *rg_t_module_with(const char *op, rg_handler_fn fn, rg_handler_fn *real);
/* Write text to DIR/name, DIR a fresh temp dir; the path (free() it), or NULL. */
char *rg_t_write_file(const char *name, const char *text);
void rg_t_local_close(rg_t_local *l, bool remove_dir);
/* Submit and run the loop until the reply may be sent. */
int rg_t_local_call(rg_t_local *l, const rg_buf *req, rg_t_reply *out);
/* Submit without waiting: the reply lands in *out when the loop runs. */
void rg_t_local_submit(rg_t_local *l, const rg_buf *req, rg_t_reply *out, int *done);
void rg_t_local_run_until(rg_t_local *l, int *done, int count);
/* Run the loop until nothing is waiting to be written (audit records too). */
void rg_t_local_settle(rg_t_local *l);
/* Free *out, call, and return the error code ("" on success, "no-reply"). */
const char *rg_t_local_send(rg_t_local *l, const rg_buf *req, rg_t_reply *out);
/* actor.create by the admin; the new actor's token into tok (128 bytes; "" on failure). */
void rg_t_local_actor(rg_t_local *l, const char *id, const char *role, const char *org, char *tok);

/* Every case's projection as a load gives it from disk (the snapshot and
 * the events after it folded: core/snapshot.h; never the cache), in id
 * order, each as the byte RG_CF_CASES, be32 length, id, be32 length,
 * encoding, appended to out:
 * what the tests comparing a live store with a rebuilt one compare.  The
 * number of cases, or -1 when one did not load. */
long rg_t_projections(rg_engine *e, rg_buf *out);

/* ---- a real regied process ---- */
typedef struct rg_t_proc {
    pid_t pid;
    char dir[512];
    char url[600];
    char pub[600];
    char admin[128];
} rg_t_proc;

/* Start $REGIED on dir (ipc:// endpoints inside dir), wait until it serves.
 * extra: NULL-terminated further arguments, or NULL. */
int rg_t_proc_start(rg_t_proc *p, const char *dir, const char *const *extra);
/* Send sig, wait for exit; returns the exit status (or 128+signal). */
int rg_t_proc_stop(rg_t_proc *p, int sig);
/* Wait for a child to end, at most limit_s seconds: its exit status (or
 * 128+signal); -1, after SIGKILL and a line saying so, if it did not end. A
 * hang fails its test at once instead of stalling the suite. */
int rg_t_wait_exit(pid_t pid, int limit_s);
int rg_t_proc_call(const rg_t_proc *p, rg_client *c, const rg_buf *req, rg_t_reply *out);
/* Free *out, call, and return the error code ("" on success, "no-reply"). */
const char *rg_t_proc_send(const rg_t_proc *p, rg_client *c, const rg_buf *req, rg_t_reply *out);
void rg_t_proc_actor(const rg_t_proc *p, rg_client *c, const char *id, const char *role, const char *org,
                     char *tok);

/* ---- plain HTTP/1.1 to 127.0.0.1 (a regied started with --http) ---- */
int rg_t_free_port(void);             /* a TCP port nothing listens on now; -1 */
/* method path with header lines (each ending \r\n; NULL: none) and a body
 * (NULL: none), Connection: close; the whole response into out.  The
 * status, or -1 when there was none. */
int rg_t_http(int port, const char *method, const char *path, const char *headers, const char *body,
              rg_buf *out);
/* A response header's value (name in any case) into v; false when absent. */
bool rg_t_http_header(const rg_buf *resp, const char *name, char *v, size_t cap);
/* The response's body, after the blank line (as sent: a chunked one with
 * its chunk lines). */
const char *rg_t_http_body(const rg_buf *resp, size_t *n);
/* A connection with the request sent and left open (a stream): its fd, or
 * -1.  A refused connect is tried again for a few seconds. */
int rg_t_http_open(int port, const char *method, const char *path, const char *headers, const char *body);
/* Read fd into acc until acc holds needle (true), the peer closes (true
 * when needle is NULL) or limit_s seconds pass (false). */
bool rg_t_http_until(int fd, rg_buf *acc, const char *needle, int limit_s);

/* Reset b and start a changing request with a fresh `req` id; ndata as for
 * rg_req_envelope.  Returns b. */
rg_buf *rg_t_req(rg_buf *b, const char *token, const char *op, const char *case_id, int ndata);

/* Request helpers: a case.report by the partner token, a create of an actor
 * (returns its token into tok). */
void rg_t_report_req(rg_buf *b, const char *token, const char *req, const char *name);
void rg_t_actor_req(rg_buf *b, const char *admin, const char *req, const char *id,
                    const char *role, const char *org);
/* An ISO 8601 date `days` days after today by the wall clock ("2026-12-08"),
 * or with at_ten that day at 10:00 UTC: a date still ahead for an engine on
 * the real clock, which refuses planning dates already past.  Static buffer. */
const char *rg_t_days_ahead(int days, bool at_ten);
/* The pair criteria: [words] of an admitting intake.decide, from a
 * comma-separated list of the national admission criteria, e.g.
 * "multi_domain,system" (counts as one of the request's ndata pairs). */
void rg_t_w_criteria(rg_buf *b, const char *csv);
/* The pair key: [words], from a comma-separated list ("orgs", "ggz,police"). */
void rg_t_w_list(rg_buf *b, const char *key, const char *csv);
/* One action of a plan (plan.propose's actions): {id, owner_org,
 * description, due}. */
void rg_t_w_action(rg_buf *b, const char *id, const char *owner, const char *description, const char *due);

/* ---- a case driven through its steps (what most tests wrote by hand) ---- */
/* The actors most tests need, of the default region: pol (partner of police,
 * id "pol"), ggz (partner of ggz, id "ggz"), pr (procesregisseur "pr" of
 * zvh) and mgr (manager "mgr" of zvh); their tokens.  0, or -1 when one
 * could not be made (named on stdout). */
typedef struct rg_t_cast {
    char pol[128], ggz[128], pr[128], mgr[128];
} rg_t_cast;
int rg_t_local_cast(rg_t_local *l, rg_t_cast *c);
/* The engine's clock (a clock.advance of 0 by the admin), 0 on error. */
uint64_t rg_t_local_now(rg_t_local *l);
/* The log's head (stats, by the admin), for "nothing was written": a
 * refused request leaves it where it was.  UINT64_MAX on error. */
uint64_t rg_t_local_head(rg_t_local *l);
/* The case's version as token reads it (case.history), 0 on error. */
uint64_t rg_t_local_version(rg_t_local *l, const char *token, const char *case_id);
/* case.report by token (rg_t_report_req, a subject named name): the new
 * case's id into id (32 bytes; "" on failure).  The error code ("" on
 * success). */
const char *rg_t_local_report(rg_t_local *l, const char *token, const char *name, char *id);
/* Drive a case with the cast's actors from the state it is in (reported,
 * or one of the states below) on to the state `to`: taken by pr
 * (case.assign) and intake.start ("intake"), admitted on multi_domain
 * ("analysis"), a case meeting with ggz scheduled a week ahead of the
 * engine's clock ("meeting") and held ("planning"), a plan of one action a1
 * owned by ggz, due 30 days ahead, proposed and agreed by ggz
 * ("execution").  "" when there, or a static line naming the step that
 * failed and its error. */
const char *rg_t_local_drive(rg_t_local *l, const rg_t_cast *c, const char *case_id, const char *to);
/* A case of a subject named name reported by the cast's police
 * (rg_t_local_report) and driven on to `to` (rg_t_local_drive; "reported":
 * left as reported): its id into id (32 bytes).  "" or the failure, printed. */
const char *rg_t_local_case(rg_t_local *l, const rg_t_cast *c, const char *name, const char *to, char *id);
/* A plan.propose by token for case_id: goals and n actions a1..an owned by
 * owner, each due on due (NULL: without a due date, a draft that cannot be
 * agreed).  Starts the request in b (as rg_t_req); send it. */
rg_buf *rg_t_plan_req(rg_buf *b, const char *token, const char *case_id, const char *owner, int n, const char *due);
/* subject.request by token (a manager) of kind for the person with bsn:
 * the request's id into id (32 bytes; "" on failure).  The error code. */
const char *rg_t_local_subject_request(rg_t_local *l, const char *token, const char *kind, const char *bsn,
                                       char *id);
/* subject.decide by token: granted, or refused on ground (NULL: none).
 * The error code. */
const char *rg_t_local_subject_decide(rg_t_local *l, const char *token, const char *request, bool granted,
                                      const char *ground);
/* An ISO 8601 instant (UTC, "2025-12-08T09:00:00Z") ms milliseconds after
 * the epoch.  Static buffer. */
const char *rg_t_iso(uint64_t ms);

#endif
