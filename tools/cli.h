/*
 * cli.h - what the `regie` subcommands share: the global options, one call
 * with its printing and exit status, and the followers (follow.c).
 */
#ifndef RG_CLI_H
#define RG_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "../engine/storage/buf.h"

typedef struct rg_cli {
    const char *token;
    const char *url;
    const char *case_id;
    const char *req;
    const char *tls_ca;
    int64_t expect;           /* -1: none */
    int timeout_ms;
    bool json;
    bool help;
} rg_cli;

/* Take the global options out of argv; the first one or two plain words go to
 * words, everything else (in order) to rest.  -1 on a bad option. */
int rg_cli_parse(rg_cli *cli, int argc, char **argv, const char **words, int *nwords,
                 const char **rest, int *nrest);
/* Send b, print the reply; returns the process exit status. */
int rg_cli_call_print(const rg_cli *cli, const rg_buf *b);

/* follow.c */
int rg_cli_tail(const rg_cli *cli, const char **rest, int nrest);
int rg_cli_alerts(const rg_cli *cli, const char **rest, int nrest);

#endif
