/*
 * http_session.h - the browser's sessions: a cookie stands for a token.
 *
 * POST /api/v1/session {token} (once the engine has said the token is good)
 * opens a session: a random id for the cookie and a random CSRF token for
 * the X-CSRF-Token header of changes.  Only a hash of the id is kept as the
 * key, so the table holds no value a cookie could be made from; the actor's
 * token is kept beside it, in memory only (sessions end with the process:
 * the app logs in again).  A session ends on DELETE, after IDLE seconds
 * unused or MAX seconds after it began, and when the engine answers
 * `unauthorized` to its token (the actor was revoked): rg_sessions_end_token.
 *
 * Threads: every function may be called from any thread (one mutex).
 */
#ifndef RG_HTTP_SESSION_H
#define RG_HTTP_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RG_SESSION_ID_LEN 64     /* hex of 32 random bytes */
#define RG_SESSION_TOKEN_MAX 256

typedef struct rg_sessions rg_sessions;

/* idle_s, max_s: the expiries in seconds; cap: sessions at most. */
rg_sessions *rg_sessions_new(uint64_t idle_s, uint64_t max_s, size_t cap);
void rg_sessions_free(rg_sessions *s);

/* A new session for token: its id and CSRF token (each RG_SESSION_ID_LEN
 * hex chars and a NUL).  False when the table is full. */
bool rg_sessions_open(rg_sessions *s, const char *token, char id[RG_SESSION_ID_LEN + 1] /* OUT */,
                      char csrf[RG_SESSION_ID_LEN + 1] /* OUT */);
/* The token of a live session (copied into token, cap bytes) and whether
 * csrf (may be NULL) is its CSRF token; false when there is no such
 * session or it expired (then it is gone).  Counts as a use. */
bool rg_sessions_get(rg_sessions *s, const char *id, char *token, size_t cap, const char *csrf,
                     bool *csrf_ok /* OUT */);
void rg_sessions_end(rg_sessions *s, const char *id);
/* Ends every session of token; returns how many. */
size_t rg_sessions_end_token(rg_sessions *s, const char *token);
size_t rg_sessions_count(rg_sessions *s);

#endif
