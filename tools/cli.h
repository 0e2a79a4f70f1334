/*
 * cli.h - what the `regie` subcommands share: the global options, one call
 * with its printing, errors that say what to do next and the exit status,
 * the request ids derived from the command, and the followers (follow.c).
 */
#ifndef RG_CLI_H
#define RG_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "../engine/storage/buf.h"
#include "../engine/storage/codec.h"
#include "client.h"

typedef struct rg_cli {
    const char *token;
    const char *url;
    const char *url_from;     /* where url came from: "--connect", "REGIE_URL" or "the default" */
    const char *case_id;
    const char *req;
    rg_tls_opts tls;          /* --tls-ca, --tls-server-name, --tls-cert-key */
    const char *cmd;          /* the command as typed ("case report"), for the hints; may be NULL */
    int64_t expect;           /* -1: none */
    int timeout_ms;
    bool json;
    bool help;
    bool verbose;             /* -v: say the request id used, and where to */
    bool new_req;             /* --new: a new request id, not the one of an earlier run */
    bool dry_run;             /* --dry-run: print the request, send nothing */
} rg_cli;

/* Take the global options out of argv; the first one or two plain words go to
 * words, everything else (in order) to rest.  -1 on a bad option. */
int rg_cli_parse(rg_cli *cli, int argc, char **argv, const char **words, int *nwords,
                 const char **rest, int *nrest);

/* A reply, parsed. */
typedef struct rg_cli_reply {
    uint8_t *bytes;
    rg_doc *doc;
    const rg_val *root;
    bool ok;
} rg_cli_reply;

/* Send b and wait for the reply: 0, or the exit status after saying on
 * stderr why there is none and what to do (2: no token; 3: the engine
 * cannot be reached or answered nonsense). */
int rg_cli_call(const rg_cli *cli, const rg_buf *b, rg_cli_reply *out /* OUT */);
void rg_cli_reply_free(rg_cli_reply *r);
/* Print a reply (JSON with --json, else `key: value` lines; a failure on
 * stderr as `error: CODE: message` and what to do next); 0 or 1. */
int rg_cli_print(const rg_cli *cli, const rg_val *root);
/* Send b, print the reply; returns the process exit status. */
int rg_cli_call_print(const rg_cli *cli, const rg_buf *b);

/*
 * Request ids.  A change is sent with req = "cli-" and 24 hex digits of
 * SHA-256 over (a hash of the token, the op, the case, --expect, the data
 * as sent, a generation).  The generation is kept per command in a state
 * file ($XDG_STATE_HOME/regie/requests, by default
 * ~/.local/state/regie/requests; mode 0600, hashes only) with when it was
 * last sent and the position its reply gave (0: no reply came), written
 * before the request is sent.  The same command again is
 *   - a retry, with the same id, when its last run got no reply (a timeout,
 *     a lost connection, ^C) and was sent less than RG_CLI_RETRY_S ago: the
 *     engine answers with its first reply and does nothing twice;
 *   - a new request (the next generation) when its last run was answered,
 *     or got no reply long ago: typed again, it is done again (a review with
 *     the same notes two weeks on, a clock advanced twice).
 * --new always takes the next generation; --req gives the id.  Without a
 * state file the generation is 0: every run of a command is one request.
 */
#define RG_CLI_RETRY_S 600
/* The position kept for a change whose reply names none (clock.advance). */
#define RG_CLI_ANSWERED UINT64_MAX
typedef struct rg_cli_req {
    char req[40];
    char key[65];             /* the command's key, hex */
    uint64_t gen;
    uint64_t seq_before;      /* the seq the last run of this command got (0: none) */
    bool saved;               /* the state file holds the generation */
    bool retry;               /* the last run of this command got no reply: this is it again */
    bool again;               /* the command was done before: this is a new request */
} rg_cli_req;

/* Derive the request id of a change; data is the data map as sent. */
void rg_cli_req_derive(const rg_cli *cli, const char *op, const uint8_t *data, size_t dn, rg_cli_req *r);
/* After the reply: remember its seq; when it is the seq an earlier run got,
 * say on stderr that the command had been done (the reply is the first
 * one, nothing changed now) and how to do it again (--new). */
void rg_cli_req_done(const rg_cli *cli, rg_cli_req *r, const rg_val *root);

/* The hash of a token as hex (65 bytes), for keys that must not hold it. */
void rg_cli_token_hash(const char *token, char *hex);

/* follow.c */
int rg_cli_tail(const rg_cli *cli, const char **rest, int nrest);
int rg_cli_alerts(const rg_cli *cli, const char **rest, int nrest);
/* verify.c: regie verify-head, verify-proof (argv[from..] their arguments). */
int rg_cli_verify_head(int argc, char **argv, int from);
int rg_cli_verify_proof(int argc, char **argv, int from);

#endif
