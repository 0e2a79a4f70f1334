/*
 * verify_main.c - `regie-verify`, the supervisor's standalone tool: checks
 * the engine's signed heads, its inclusion and consistency proofs, and a
 * backup directory, with nothing but the engine's public key (DIR/sign.pub),
 * trusting nothing the engine or its operator says.  `head` and `proof` are
 * the `regie` client's verify-head and verify-proof (verify.c); `backup`
 * reads a backup directory (verify_backup.c), which is why this is a
 * program of its own: it links RocksDB, the client does not.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "verify.h"

static int usage(FILE *out)
{
    fprintf(out, "regie-verify COMMAND --pub KEY ...   check the log without trusting its operator\n\n"
                 "  head   --pub KEY HEAD                         a signed tree head (regie log head --json,\n"
                 "                                                DIR/log.head, the last line of DIR/log.heads)\n"
                 "  proof  --pub KEY [--head H | --old H1 --new H2] PROOF\n"
                 "                                                an inclusion proof (regie log prove --json)\n"
                 "                                                or a consistency proof (regie log consistency)\n"
                 "  backup --pub KEY --head HEAD BACKUP_DIR       a backup directory against a head taken earlier:\n"
                 "                                                every record up to it there, in order, nothing\n"
                 "                                                gone but the erasures the log records\n\n"
                 "  KEY is the engine's public key: 64 hex digits, or the file DIR/sign.pub.  Exit status 0\n"
                 "  when the check holds; 1, saying what is wrong, when it does not; 2 for a wrong command.\n"
                 "  regie-verify COMMAND --help says more.\n\n"
                 "example:\n  regie-verify backup --pub sign.pub --head head.json /var/backups/regie\n");
    return out == stdout ? 0 : 2;
}

int main(int argc, char **argv)
{
    rg_verify_prog = "regie-verify";
    if (sodium_init() < 0) {
        fprintf(stderr, "regie-verify: libsodium could not start\n");
        return 1;
    }
    if (argc < 2) return usage(stderr);
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) return usage(stdout);
    if (!strcmp(cmd, "head")) return rg_cli_verify_head(argc, argv, 2);
    if (!strcmp(cmd, "proof")) return rg_cli_verify_proof(argc, argv, 2);
    if (!strcmp(cmd, "backup")) return rg_verify_backup(argc, argv, 2);
    fprintf(stderr, "regie-verify: no command %s (head, proof, backup)\n", cmd);
    return usage(stderr);
}
