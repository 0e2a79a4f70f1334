/*
 * keyfile.h - the key-encryption key (KEK) that wraps every case's data key
 * (domain/seal.h), read from `--key-file` (default DIR.kek, beside the data
 * directory and never in it): 64 hex digits.
 *
 * A data directory that holds encrypted data has DIR/kek.check, a keyed
 * hash of its KEK: a start with a missing or different key file is refused
 * before anything in the directory is touched, and so is one whose
 * kek.check is gone (which key the data is sealed under cannot then be
 * known).  Only a directory without encrypted data gets a new key file
 * (created 0600, never overwritten).  A key file that others may read or
 * write, or one inside the data directory (where every copy of the
 * directory takes it along) is refused, the latter unless the operator says
 * so (`--key-file-inside-data`).  Losing the key file is losing every
 * case's personal data: keep it apart from the data (a systemd credential)
 * and back it up apart from it.
 */
#ifndef RG_KEYFILE_H
#define RG_KEYFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto.h"

/* A file beside the data directory: DIR (trailing slashes dropped) with
 * suffix appended, e.g. "/srv/regie" ".kek" -> "/srv/regie.kek".  -1 when
 * it does not fit or DIR is "/". */
int rg_beside(char *out, size_t cap, const char *dir, const char *suffix);

/* Whether path (existing or not; its directory must exist) lies inside dir:
 * 1 yes, 0 no, -1 when dir or path's directory cannot be resolved. */
int rg_path_inside(const char *path, const char *dir);

/* Load (or, for a directory without encrypted data, create) the KEK.
 * RG_EBADREQ with the reason on stderr when it is missing, malformed, not
 * this directory's, open to others, inside the directory without
 * inside_ok, or when the directory's kek.check is missing. */
int rg_kek_load(const char *dir, const char *key_file /* NULL: DIR.kek */, bool inside_ok,
                uint8_t kek[RG_KEY_LEN]);

/* The checks of a key file that need no data directory (regied
 * --check-config): readable, 64 hex digits, not open to others. */
bool rg_kek_file_ok(const char *path);

#endif
