/* keyfile.c - loading and creating the key-encryption key; see keyfile.h. */
#include "keyfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"

#define HEX_LEN (2 * RG_KEY_LEN)

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
        if (sscanf(hex + 2 * i, "%2x", &v) != 1) return -1;
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

int rg_kek_load(const char *dir, const char *key_file, uint8_t kek[RG_KEY_LEN])
{
    char path[4096], check_path[4096], hex[HEX_LEN + 8], check[HEX_LEN + 8], want[HEX_LEN + 2];
    snprintf(path, sizeof path, "%s", key_file ? key_file : "");
    if (!key_file) snprintf(path, sizeof path, "%s/kek", dir);
    snprintf(check_path, sizeof check_path, "%s/kek.check", dir);
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
    if (krc == 0) {
        if (unhex(hex, kek, RG_KEY_LEN) < 0) {
            fprintf(stderr, "regie: %s is not a key file (64 hex digits)\n", path);
            return RG_EBADREQ;
        }
    } else {
        /* A directory without encrypted data: a new key. */
        rg_random(kek, RG_KEY_LEN);
        rg_hex(hex, kek, RG_KEY_LEN);
        strcat(hex, "\n");
        if (write_new(path, hex) < 0) {
            fprintf(stderr, "regie: cannot create the key file %s: %s\n", path, strerror(errno));
            return RG_EBADREQ;
        }
        fprintf(stderr, "regie: created the key file %s; keep it apart from the data and back it up\n", path);
    }
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
