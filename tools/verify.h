/*
 * verify.h - what the checks of signed heads, proofs and backups share
 * (verify.c, verify_backup.c): the `regie` client's verify-head and
 * verify-proof, and `regie-verify`, the standalone tool.  Nothing here
 * trusts the engine: the public key is the only thing taken as given.
 */
#ifndef RG_VERIFY_H
#define RG_VERIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "../engine/storage/merkle.h"

/* The program named in messages ("regie" unless set). */
extern const char *rg_verify_prog;
/* A message on stderr, after the program's name. */
void rg_verify_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A public key: 64 hex digits, or a file holding them (DIR/sign.pub); said
 * when it is neither. */
bool rg_verify_load_pub(const char *arg, uint8_t pub[RG_STH_PUB]);
/* A signed head from a file (a head's JSON, DIR/log.head, or the last line
 * of DIR/log.heads), its signature checked with pub; said when not good. */
bool rg_verify_head_file(const char *path, const uint8_t pub[RG_STH_PUB], rg_sth *h);

/* regie-verify backup (verify_backup.c); argv[from..] its arguments. */
int rg_verify_backup(int argc, char **argv, int from);

#endif
