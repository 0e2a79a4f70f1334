/* keyfile.c - loading and creating the key-encryption key; see keyfile.h. */
#include "keyfile.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errors.h"
#include "log.h"

#define HEX_LEN (2 * RG_KEY_LEN)
#define PATH_CAP 4096

int rg_beside(char *out, size_t cap, const char *dir, const char *suffix)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/') n--;
    if (n == 0 || (n == 1 && dir[0] == '/')) return -1;
    int w = snprintf(out, cap, "%.*s%s", (int)n, dir, suffix);
    return w < 0 || (size_t)w >= cap ? -1 : 0;
}

int rg_path_inside(const char *path, const char *dir)
{
    char real_dir[PATH_MAX], parent[PATH_CAP], real_parent[PATH_MAX];
    if (!realpath(dir, real_dir)) return -1;
    /* The file may not exist yet (a key about to be made): its directory. */
    snprintf(parent, sizeof parent, "%s", path);
    char *slash = strrchr(parent, '/');
    if (!slash) snprintf(parent, sizeof parent, ".");
    else if (slash == parent) parent[1] = '\0';
    else *slash = '\0';
    if (!realpath(parent, real_parent)) return -1;
    size_t n = strlen(real_dir);
    if (strcmp(real_dir, "/") == 0) return 1;
    return strncmp(real_parent, real_dir, n) == 0 && (real_parent[n] == '\0' || real_parent[n] == '/');
}

static int read_hex(const char *path, char *hex, size_t cap)
{
    FILE *f = fopen(path, "r");
    if (!f) return errno == ENOENT ? RG_ENOTFOUND : RG_EBADREQ;
    size_t n = fread(hex, 1, cap - 1, f);
    fclose(f);
    while (n && (hex[n - 1] == '\n' || hex[n - 1] == '\r' || hex[n - 1] == ' ')) n--;
    hex[n] = '\0';
    return 0;
}

static int unhex(const char *hex, uint8_t *out, size_t n)
{
    if (strlen(hex) != 2 * n) return -1;
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (!isxdigit((unsigned char)hex[2 * i]) || !isxdigit((unsigned char)hex[2 * i + 1]) ||
            sscanf(hex + 2 * i, "%2x", &v) != 1)
            return -1;
        out[i] = (uint8_t)v;
    }
    return 0;
}

static int write_new(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return -1;
    size_t n = strlen(text);
    int ok = write(fd, text, n) == (ssize_t)n && fsync(fd) == 0;
    close(fd);
    return ok ? 0 : -1;
}

static void check_of(const uint8_t kek[RG_KEY_LEN], char hex[HEX_LEN + 1])
{
    uint8_t h[RG_KEY_LEN];
    rg_keyed_hash(h, sizeof h, kek, "regie key-encryption key check", 30);
    rg_hex(hex, h, sizeof h);
}

/* A key others may read is a key others have: refused, not "fixed", since
 * the operator must learn that it may have leaked. */
static bool mode_ok(const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0) return true;          /* read_hex reports it */
    if ((st.st_mode & 077) == 0) return true;
    fprintf(stderr,
            "regie: the key file %s has mode %04o: others may read or change it, and whoever read it "
            "can decrypt the personal data.  Make it its owner's alone (chmod 600 %s) and consider "
            "whether it leaked; nothing was touched\n",
            path, (unsigned)(st.st_mode & 07777), path);
    return false;
}

bool rg_kek_file_ok(const char *path)
{
    char hex[HEX_LEN + 8];
    uint8_t kek[RG_KEY_LEN];
    int rc = read_hex(path, hex, sizeof hex);
    if (rc < 0) {
        fprintf(stderr, "regie: --key-file %s: %s\n", path, strerror(rc == RG_ENOTFOUND ? ENOENT : errno));
        return false;
    }
    bool ok = unhex(hex, kek, RG_KEY_LEN) == 0;
    rg_wipe(kek, sizeof kek);
    if (!ok) fprintf(stderr, "regie: --key-file %s is not a key file (64 hex digits)\n", path);
    return ok && mode_ok(path);
}

/* An older data directory kept its key at DIR/kek, the default then: the
 * operator is told how to move it rather than it being moved behind their
 * back (their backups of the key, a credential, a script may name it). */
static int legacy_key(const char *dir, const char *path)
{
    char old[PATH_CAP];
    snprintf(old, sizeof old, "%s/kek", dir);
    if (access(old, F_OK) < 0) return 0;
    if (access(path, F_OK) == 0) {
        fprintf(stderr,
                "regie: a key file is both inside the data directory (%s) and beside it (%s).  If "
                "they are the same (cmp %s %s), remove the one inside (README, \"Moving the key out "
                "of the data directory\"); nothing was touched\n",
                old, path, old, path);
        return RG_EBADREQ;
    }
    fprintf(stderr,
            "regie: the key-encryption key %s is inside the data directory, where every copy of the "
            "directory takes it along (older versions kept it there).  Move it beside the directory, "
            "where it is now looked for:\n"
            "    mv %s %s\n"
            "(README, \"Moving the key out of the data directory\"), or keep it where it is with "
            "--key-file %s --key-file-inside-data.  Nothing was touched\n",
            old, old, path, old);
    return RG_EBADREQ;
}

int rg_kek_load(const char *dir, const char *key_file, bool inside_ok, uint8_t kek[RG_KEY_LEN])
{
    char path[PATH_CAP], check_path[PATH_CAP], hex[HEX_LEN + 8], check[HEX_LEN + 8], want[HEX_LEN + 2];
    if (key_file) {
        snprintf(path, sizeof path, "%s", key_file);
    } else {
        if (rg_beside(path, sizeof path, dir, ".kek") < 0) {
            fprintf(stderr, "regie: no place beside the data directory %s for its key; give --key-file\n", dir);
            return RG_EBADREQ;
        }
        if (legacy_key(dir, path) < 0) return RG_EBADREQ;
    }
    snprintf(check_path, sizeof check_path, "%s/kek.check", dir);
    int inside = rg_path_inside(path, dir);
    if (inside < 0) {
        fprintf(stderr, "regie: cannot resolve the directory of the key file %s: %s\n", path, strerror(errno));
        return RG_EBADREQ;
    }
    if (inside && !inside_ok) {
        fprintf(stderr,
                "regie: the key file %s is inside the data directory %s, where every copy of the "
                "directory takes it along; keep it outside (by default DIR.kek, beside the "
                "directory), or give --key-file-inside-data to accept that.  Nothing was touched\n",
                path, dir);
        return RG_EBADREQ;
    }
    int krc = read_hex(path, hex, sizeof hex);
    int crc = read_hex(check_path, check, sizeof check);
    if (krc == RG_EBADREQ || crc == RG_EBADREQ) {
        fprintf(stderr, "regie: cannot read %s: %s\n", krc == RG_EBADREQ ? path : check_path, strerror(errno));
        return RG_EBADREQ;
    }
    if (crc == 0 && krc == RG_ENOTFOUND) {
        fprintf(stderr,
                "regie: %s holds encrypted personal data, but its key file %s is missing; without "
                "that key the data is lost.  Start with --key-file pointing at it.\n",
                dir, path);
        return RG_EBADREQ;
    }
    if (crc == RG_ENOTFOUND) {
        /* Without its check, any key would be taken and a new check
         * written: every case sealed under the real key would then answer
         * storage_error.  Only a directory that never held sealed data (no
         * database, one from before encryption, or one whose `keys` family
         * is empty) may get a check now. */
        int sealed = rg_log_family_holds_data(dir, "keys");
        if (sealed < 0) {
            fprintf(stderr, "regie: cannot read the database in %s to see whether it holds encrypted data\n", dir);
            return RG_EBADREQ;
        }
        if (sealed) {
            fprintf(stderr,
                    "regie: %s holds encrypted personal data, but its key check %s is missing, so "
                    "whether %s is its key cannot be known.  Put kek.check back (every backup holds a "
                    "copy); nothing was touched\n",
                    dir, check_path, path);
            return RG_EBADREQ;
        }
    }
    if (krc == 0) {
        if (!mode_ok(path)) return RG_EBADREQ;
        if (unhex(hex, kek, RG_KEY_LEN) < 0) {
            fprintf(stderr, "regie: %s is not a key file (64 hex digits)\n", path);
            return RG_EBADREQ;
        }
    } else {
        /* A directory without encrypted data: a new key. */
        rg_random(kek, RG_KEY_LEN);
        rg_hex(hex, kek, RG_KEY_LEN);
        strcat(hex, "\n");
        int wrc = write_new(path, hex);
        rg_wipe(hex, sizeof hex);
        if (wrc < 0) {
            fprintf(stderr, "regie: cannot create the key file %s: %s\n", path, strerror(errno));
            return RG_EBADREQ;
        }
        fprintf(stderr, "regie: created the key file %s; keep it apart from the data and back it up\n", path);
    }
    rg_wipe(hex, sizeof hex);
    check_of(kek, want);
    if (crc == 0) {
        if (strcmp(check, want) != 0) {
            fprintf(stderr, "regie: the key file %s does not belong to the data directory %s\n", path, dir);
            return RG_EBADREQ;
        }
        return 0;
    }
    strcat(want, "\n");
    if (write_new(check_path, want) < 0) {
        fprintf(stderr, "regie: cannot create %s: %s\n", check_path, strerror(errno));
        return RG_EBADREQ;
    }
    return 0;
}
