/*
 * keyfile.h - the key-encryption key (KEK) that wraps every case's data key
 * (domain/seal.h), read from `--key-file` (default DIR/kek): 64 hex digits.
 *
 * A data directory that holds encrypted data has DIR/kek.check, a keyed
 * hash of its KEK: a start with a missing or different key file is refused
 * before anything in the directory is touched.  Only a directory without
 * that file gets a new key file (created 0600, never overwritten).  Losing
 * the key file is losing every case's personal data: keep it apart from the
 * data (a systemd credential) and back it up apart from it.
 */
#ifndef RG_KEYFILE_H
#define RG_KEYFILE_H

#include <stdint.h>

#include "crypto.h"

/* Load (or, for a directory without encrypted data, create) the KEK.
 * RG_EBADREQ with a message on stderr when it is missing, malformed or not
 * this directory's. */
int rg_kek_load(const char *dir, const char *key_file /* NULL: DIR/kek */, uint8_t kek[RG_KEY_LEN]);

#endif
