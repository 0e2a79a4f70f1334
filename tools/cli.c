/* cli.c - global options, one request/reply, errors that say what to do
 * next, and the request ids derived from the command; see cli.h. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <nng/nng.h>
#include <nng/protocol/reqrep0/req.h>
#include <nng/supplemental/util/platform.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../engine/net/net.h"
#include "client.h"
#include "render.h"

/* ================= options ================= */

static const char *value_of(int argc, char **argv, int *i, const char *name)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) == 0 && argv[*i][n] == '=') return argv[*i] + n + 1;
    if (strcmp(argv[*i], name) == 0) {
        if (*i + 1 >= argc) {
            fprintf(stderr, "regie: %s needs a value\n", name);
            exit(2);
        }
        return argv[++*i];
    }
    return NULL;
}

int rg_cli_parse(rg_cli *cli, int argc, char **argv, const char **words, int *nwords,
                 const char **rest, int *nrest)
{
    memset(cli, 0, sizeof *cli);
    cli->token = getenv("REGIE_TOKEN");
    cli->url = getenv("REGIE_URL");
    cli->url_from = "REGIE_URL";
    if (!cli->url || !*cli->url) {
        cli->url = "tcp://127.0.0.1:7450";
        cli->url_from = "the default";
    }
    cli->expect = -1;
    cli->timeout_ms = 10000;
    *nwords = *nrest = 0;
    bool flags_started = false;
    for (int i = 1; i < argc; i++) {
        const char *v;
        if ((v = value_of(argc, argv, &i, "--token"))) cli->token = v;
        else if ((v = value_of(argc, argv, &i, "--connect"))) {
            cli->url = v;
            cli->url_from = "--connect";
        } else if ((v = value_of(argc, argv, &i, "--case"))) cli->case_id = v;
        else if ((v = value_of(argc, argv, &i, "--req"))) cli->req = v;
        else if ((v = value_of(argc, argv, &i, "--tls-ca"))) cli->tls.ca_file = v;
        else if ((v = value_of(argc, argv, &i, "--tls-server-name"))) cli->tls.server_name = v;
        else if ((v = value_of(argc, argv, &i, "--tls-cert-key"))) cli->tls.cert_key_file = v;
        else if ((v = value_of(argc, argv, &i, "--expect"))) {
            char *end;
            cli->expect = strtoll(v, &end, 10);
            if (!*v || *end || cli->expect < 0) {
                fprintf(stderr, "regie: --expect takes a version number (regie case get shows it)\n");
                return -1;
            }
        } else if ((v = value_of(argc, argv, &i, "--timeout"))) {
            char *end;
            long t = strtol(v, &end, 10);
            if (!*v || *end || t <= 0 || t > 86400000) {
                fprintf(stderr, "regie: --timeout takes milliseconds, e.g. --timeout 60000\n");
                return -1;
            }
            cli->timeout_ms = (int)t;
        } else if (strcmp(argv[i], "--json") == 0) cli->json = true;
        else if (strcmp(argv[i], "--new") == 0) cli->new_req = true;
        else if (strcmp(argv[i], "--dry-run") == 0) cli->dry_run = true;
        else if (strcmp(argv[i], "-v") == 0 || strcmp(argv[i], "--verbose") == 0) cli->verbose = true;
        else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) cli->help = true;
        else if (argv[i][0] != '-' && !flags_started && *nwords < 2) words[(*nwords)++] = argv[i];
        else {
            flags_started = true;
            rest[(*nrest)++] = argv[i];
        }
    }
    return 0;
}

/* ================= SHA-256 (FIPS 180-4), for request ids ================= */

typedef struct sha256 {
    uint32_t h[8];
    uint64_t len;
    uint8_t buf[64];
    size_t n;
} sha256;

static const uint32_t K256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha_block(sha256 *s, const uint8_t *p)
{
    uint32_t w[64], a[8];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    memcpy(a, s->h, sizeof a);
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = a[7] + (ROR(a[4], 6) ^ ROR(a[4], 11) ^ ROR(a[4], 25)) + ((a[4] & a[5]) ^ (~a[4] & a[6])) +
                      K256[i] + w[i];
        uint32_t t2 = (ROR(a[0], 2) ^ ROR(a[0], 13) ^ ROR(a[0], 22)) + ((a[0] & a[1]) ^ (a[0] & a[2]) ^ (a[1] & a[2]));
        memmove(a + 1, a, 7 * sizeof *a);
        a[4] += t1;
        a[0] = t1 + t2;
    }
    for (int i = 0; i < 8; i++) s->h[i] += a[i];
}

static void sha_init(sha256 *s)
{
    static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(s->h, h0, sizeof h0);
    s->len = 0;
    s->n = 0;
}

static void sha_add(sha256 *s, const void *data, size_t n)
{
    const uint8_t *p = data;
    s->len += n;
    while (n) {
        size_t k = 64 - s->n < n ? 64 - s->n : n;
        memcpy(s->buf + s->n, p, k);
        s->n += k;
        p += k;
        n -= k;
        if (s->n == 64) {
            sha_block(s, s->buf);
            s->n = 0;
        }
    }
}

/* A string with its NUL, so that ("ab","c") and ("a","bc") differ. */
static void sha_str(sha256 *s, const char *str) { sha_add(s, str ? str : "", strlen(str ? str : "") + 1); }

static void sha_end(sha256 *s, uint8_t out[32])
{
    uint64_t bits = s->len * 8;
    uint8_t pad = 0x80;
    sha_add(s, &pad, 1);
    pad = 0;
    while (s->n != 56) sha_add(s, &pad, 1);
    uint8_t l[8];
    for (int i = 0; i < 8; i++) l[i] = (uint8_t)(bits >> (56 - 8 * i));
    sha_add(s, l, 8);
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 4; j++) out[4 * i + j] = (uint8_t)(s->h[i] >> (24 - 8 * j));
}

static void hex(const uint8_t *p, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) sprintf(out + 2 * i, "%02x", p[i]);
    out[2 * n] = 0;
}

void rg_cli_token_hash(const char *token, char *out)
{
    sha256 s;
    uint8_t h[32];
    sha_init(&s);
    sha_str(&s, "regie-token");
    sha_str(&s, token);
    sha_end(&s, h);
    hex(h, 32, out);
}

/* ================= the state file of request ids ================= */

#define STATE_MAX 1000

typedef struct state_entry {
    char key[65];
    uint64_t gen, seq;
    uint64_t at;              /* when it was last sent (s since the epoch; 0: not known) */
} state_entry;

typedef struct state {
    char path[4096];
    int lock;                  /* the lock file's fd, -1 when there is no state */
    state_entry *e;
    size_t n;
} state;

static int mkdirs(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        int rc = mkdir(path, 0700);
        *p = '/';
        if (rc < 0 && errno != EEXIST) return -1;
    }
    return mkdir(path, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

/* Open and lock the state, and read it; false (and no state) when there is
 * no home for it or it cannot be written. */
static bool state_open(state *st, bool verbose)
{
    memset(st, 0, sizeof *st);
    st->lock = -1;
    char dir[4000];
    const char *x = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    if (x && x[0] == '/') snprintf(dir, sizeof dir, "%s/regie", x);
    else if (home && home[0] == '/') snprintf(dir, sizeof dir, "%s/.local/state/regie", home);
    else return false;
    if (mkdirs(dir) < 0) {
        if (verbose) fprintf(stderr, "regie: cannot make %s: %s (request ids are kept nowhere)\n", dir, strerror(errno));
        return false;
    }
    char lockp[4096 + 8];
    snprintf(st->path, sizeof st->path, "%s/requests", dir);
    snprintf(lockp, sizeof lockp, "%s.lock", st->path);
    st->lock = open(lockp, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (st->lock < 0 || flock(st->lock, LOCK_EX) < 0) {
        if (verbose) fprintf(stderr, "regie: cannot lock %s: %s\n", lockp, strerror(errno));
        if (st->lock >= 0) close(st->lock);
        st->lock = -1;
        return false;
    }
    st->e = calloc(STATE_MAX + 1, sizeof *st->e);
    FILE *f = fopen(st->path, "r");
    if (!f) return st->e != NULL;
    char line[256];
    while (st->e && fgets(line, sizeof line, f)) {
        state_entry en;
        char key[80];
        unsigned long long g, s, at = 0;
        /* key generation seq [sent-at]: files from before have no sent-at */
        if (line[0] == '#' || sscanf(line, "%79s %llu %llu %llu", key, &g, &s, &at) < 3 || strlen(key) != 64) continue;
        memcpy(en.key, key, 65);
        en.gen = g;
        en.seq = s;
        en.at = at;
        if (st->n == STATE_MAX) {
            memmove(st->e, st->e + 1, (STATE_MAX - 1) * sizeof *st->e);
            st->n--;
        }
        st->e[st->n++] = en;
    }
    fclose(f);
    return st->e != NULL;
}

static state_entry *state_find(state *st, const char *key)
{
    for (size_t i = st->n; i-- > 0;)
        if (strcmp(st->e[i].key, key) == 0) return &st->e[i];
    return NULL;
}

/* Put the entry last (the most recent), the oldest dropped beyond STATE_MAX,
 * and write the file anew (temporary file, rename). */
static bool state_put(state *st, const state_entry *en)
{
    state_entry *old = state_find(st, en->key);
    if (old) {
        memmove(old, old + 1, (size_t)(st->e + st->n - old - 1) * sizeof *old);
        st->n--;
    }
    if (st->n == STATE_MAX) {
        memmove(st->e, st->e + 1, (STATE_MAX - 1) * sizeof *st->e);
        st->n--;
    }
    st->e[st->n++] = *en;
    char tmp[4096 + 16];
    snprintf(tmp, sizeof tmp, "%s.tmp", st->path);
    FILE *f = fopen(tmp, "w");
    if (!f) return false;
    fchmod(fileno(f), 0600);
    fprintf(f, "# regie: request ids per command (key generation seq sent-at); see regie --help\n");
    for (size_t i = 0; i < st->n; i++)
        fprintf(f, "%s %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", st->e[i].key, st->e[i].gen, st->e[i].seq,
                st->e[i].at);
    bool ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
    ok = fclose(f) == 0 && ok;
    return ok && rename(tmp, st->path) == 0;
}

static void state_close(state *st)
{
    free(st->e);
    if (st->lock >= 0) close(st->lock);
    st->lock = -1;
}

static void req_of(const char *key, uint64_t gen, char *req, size_t cap)
{
    sha256 s;
    uint8_t h[32];
    char g[24], hx[65];
    snprintf(g, sizeof g, "%" PRIu64, gen);
    sha_init(&s);
    sha_str(&s, key);
    sha_str(&s, g);
    sha_end(&s, h);
    hex(h, 12, hx);
    snprintf(req, cap, "cli-%.24s", hx);
}

void rg_cli_req_derive(const rg_cli *cli, const char *op, const uint8_t *data, size_t dn, rg_cli_req *r)
{
    memset(r, 0, sizeof *r);
    char th[65], expect[24];
    rg_cli_token_hash(cli->token ? cli->token : "", th);
    snprintf(expect, sizeof expect, "%" PRId64, cli->expect);
    sha256 s;
    uint8_t h[32];
    sha_init(&s);
    sha_str(&s, "regie-req-1");
    sha_str(&s, th);
    sha_str(&s, op);
    sha_str(&s, cli->case_id);
    sha_str(&s, expect);
    sha_add(&s, data, dn);
    sha_end(&s, h);
    hex(h, 32, r->key);

    /* --dry-run reads the state, to show the id a run would use, and
     * writes nothing. */
    state st;
    state_entry en = {.gen = 0, .seq = 0, .at = 0};
    memcpy(en.key, r->key, sizeof en.key);
    bool have_state = state_open(&st, cli->verbose && !cli->dry_run);
    state_entry *old = have_state ? state_find(&st, r->key) : NULL;
    if (old) en = *old;
    r->seq_before = en.seq;
    uint64_t now = (uint64_t)time(NULL);
    if (old && !cli->new_req) {
        if (!old->seq && old->at && now - old->at < RG_CLI_RETRY_S) {
            r->retry = true;                /* no reply came, and lately: the same request */
        } else {
            /* Answered (or sent long ago): typed again, it is done again. */
            r->again = true;
            en.gen++;
            en.seq = 0;
            r->seq_before = 0;
        }
    }
    if (cli->new_req) {
        /* A generation no earlier run of this command used; without a
         * state file to keep it in, a random one. */
        en.gen++;
        en.seq = 0;
        r->seq_before = 0;
        if (!have_state) {
            uint8_t raw[8] = {0};
            FILE *f = fopen("/dev/urandom", "rb");
            if (f) {
                if (fread(raw, 1, sizeof raw, f) != sizeof raw) raw[0] ^= 1;
                fclose(f);
            }
            for (int i = 0; i < 8; i++) en.gen = en.gen << 8 | raw[i];
            en.gen |= 1ULL << 63;
        }
    }
    r->gen = en.gen;
    req_of(r->key, en.gen, r->req, sizeof r->req);
    /* Saved, with when it is sent, before it is: a retry after a timeout
     * finds it (and --dry-run writes nothing). */
    en.at = now;
    r->saved = have_state && (cli->dry_run || state_put(&st, &en));
    if (have_state) state_close(&st);
    if (cli->new_req && !r->saved)
        fprintf(stderr, "regie: --new: no state file to keep the new request id in; to retry this command "
                        "give --req %s\n", r->req);
}

void rg_cli_req_done(const rg_cli *cli, rg_cli_req *r, const rg_val *root)
{
    uint64_t seq = 0;
    /* A change with no log position of its own in the reply (clock.advance,
     * actor.create, ...) was answered all the same: kept as answered, so the
     * same command typed again is done again, not taken for a retry (issue
     * 21, finding 10: a clock advanced twice moved once). */
    if (!rg_val_uint(rg_map_get(root, "seq"), &seq) || seq == 0) seq = RG_CLI_ANSWERED;
    if (r->seq_before && r->seq_before == seq && !cli->req) {
        fprintf(stderr,
                "regie: this command was done before (request %s): the engine answered with that first\n"
                "regie: reply and changed nothing now.  To do it once more: the same command with --new\n",
                r->req);
        return;
    }
    state st;
    if (!state_open(&st, cli->verbose)) return;
    state_entry en = {.gen = r->gen, .seq = seq, .at = (uint64_t)time(NULL)};
    memcpy(en.key, r->key, sizeof en.key);
    state_put(&st, &en);
    state_close(&st);
}

/* ================= a call ================= */

static void on_pipe(nng_pipe p, nng_pipe_ev ev, void *arg)
{
    (void)p;
    (void)ev;
    atomic_store((atomic_bool *)arg, true);
}

/* Whether anything accepts a connection at url within wait_ms: told apart
 * from an engine that is there but does not answer in time. */
static bool something_listens(const char *url, const rg_tls_opts *tls, int wait_ms)
{
    nng_socket s;
    if (nng_req0_open(&s) != 0) return false;
    atomic_bool up = false;
    nng_pipe_notify(s, NNG_PIPE_EV_ADD_POST, on_pipe, &up);
    const char *why;
    int rv = -rg_client_dial((uint32_t)nng_socket_id(s), url, tls, &why);
    for (int waited = 0; rv == 0 && !atomic_load(&up) && waited < wait_ms; waited += 20) nng_msleep(20);
    bool ok = atomic_load(&up);
    rg_net_close(s, RG_NET_CLOSE_MS);
    return ok;
}

static void say_unreachable(const rg_cli *cli, int rc, bool opened)
{
    const char *why = NULL;
    char name[256];
    if (!opened && strncmp(cli->url, "tls+", 4) == 0 &&
        rg_tls_server_name(cli->url, cli->tls.server_name, name, sizeof name, &why) < 0) {
        fprintf(stderr, "regie: cannot reach %s (from %s): %s\n", cli->url, cli->url_from, why);
        return;
    }
    if (!opened) {
        fprintf(stderr,
                "regie: cannot reach %s (from %s): %s\n"
                "hint: give the engine's address as tcp://HOST:PORT, ipc:///PATH or tls+tcp://HOST:PORT "
                "(set REGIE_URL or --connect)\n",
                cli->url, cli->url_from, rg_client_strerror(rc));
        return;
    }
    if (!something_listens(cli->url, &cli->tls, 1500)) {
        fprintf(stderr,
                "regie: cannot reach %s (from %s): nothing answers there\n"
                "hint: is regied running? Is the address right (regied's --listen; set REGIE_URL or --connect)?%s\n",
                cli->url, cli->url_from,
                strncmp(cli->url, "tls+", 4) == 0
                    ? " For tls+tcp:// give the CA with --tls-ca FILE; the engine's certificate must name the URL's "
                      "host (or --tls-server-name NAME); an engine that asks for a client certificate needs "
                      "--tls-cert-key FILE."
                    : "");
        return;
    }
    fprintf(stderr,
            "regie: cannot reach %s: the engine there did not answer within %d.%d s (%s)\n"
            "hint: it may be busy: run the same command again (it is the same request and is not done twice), "
            "or wait longer with --timeout MS\n",
            cli->url, cli->timeout_ms / 1000, cli->timeout_ms % 1000 / 100, rg_client_strerror(rc));
}

int rg_cli_call(const rg_cli *cli, const rg_buf *b, rg_cli_reply *out)
{
    memset(out, 0, sizeof *out);
    if (!cli->token || !*cli->token) {
        fprintf(stderr, "regie: no token: give --token or set REGIE_TOKEN (your admin gives you one)\n");
        return 2;
    }
    rg_client *c;
    int rc = rg_client_open(&c, cli->url, cli->timeout_ms, &cli->tls);
    if (rc < 0) {
        say_unreachable(cli, rc, false);
        return 3;
    }
    size_t n;
    rc = rg_client_call(c, b->data, b->len, &out->bytes, &n);
    rg_client_close(c);
    if (rc < 0) {
        say_unreachable(cli, rc, true);
        return 3;
    }
    const char *why;
    if (rg_doc_parse(&out->doc, out->bytes, n, &why) < 0) {
        fprintf(stderr, "regie: the engine at %s sent a malformed reply: %s\n"
                        "hint: is that address an engine (regied), and of a version this regie knows?\n",
                cli->url, why);
        free(out->bytes);
        out->bytes = NULL;
        out->doc = NULL;
        return 3;
    }
    out->root = rg_doc_root(out->doc);
    rg_val_bool(rg_map_get(out->root, "ok"), &out->ok);
    return 0;
}

void rg_cli_reply_free(rg_cli_reply *r)
{
    if (r->doc) rg_doc_free(r->doc);
    free(r->bytes);
    memset(r, 0, sizeof *r);
}

/* ================= printing ================= */

/* "a admin may not ..." as the engine words it: an admin. */
static void fix_articles(char *msg)
{
    static const char *const vowel_words[] = {"admin", NULL};
    for (const char *const *w = vowel_words; *w; w++) {
        size_t wl = strlen(*w);
        for (char *p = msg; (p = strstr(p, "a ")) != NULL; p++) {
            bool word_start = p == msg || p[-1] == ' ' || p[-1] == '(';
            if (!word_start || strncmp(p + 2, *w, wl) != 0) continue;
            size_t len = strlen(msg);
            if (len + 2 > 1023) break;
            memmove(p + 2, p + 1, strlen(p + 1) + 1);   /* "a admin" -> "an admin" */
            p[1] = 'n';
        }
    }
}

static void say_error(const rg_cli *cli, const rg_val *root)
{
    char code[64] = "?", msg[1024] = "";
    rg_val_strcpy(rg_map_get(root, "error"), code, sizeof code);
    rg_val_strcpy(rg_map_get(root, "message"), msg, sizeof msg);
    fix_articles(msg);
    fprintf(stderr, "error: %s: %s\n", code, msg);
    const char *cmd = cli->cmd ? cli->cmd : "COMMAND";
    const char *cs = cli->case_id ? cli->case_id : "ID";
    if (!strcmp(code, "unauthorized"))
        fprintf(stderr, "hint: the token was not accepted: check REGIE_TOKEN (or --token), or ask your admin for "
                        "a new one\n");
    else if (!strcmp(code, "forbidden"))
        fprintf(stderr, "hint: this token's role may not do this%s: `regie %s --help` says who may, "
                        "`regie whoami` checks the token\n",
                cli->case_id ? " on this case" : "", cmd);
    else if (!strcmp(code, "not_found"))
        fprintf(stderr, "hint: %s%s%s: check the id; `regie cases list` shows the cases you may see\n",
                cli->case_id ? "no case " : "nothing by that id", cli->case_id ? cli->case_id : "",
                cli->case_id ? " that you may see" : " that you may see");
    else if (!strcmp(code, "invalid_transition"))
        fprintf(stderr, "hint: the case is not in a state that allows this step: `regie case get --case %s` "
                        "shows where it is\n", cs);
    else if (!strcmp(code, "guard_failed"))
        fprintf(stderr, "hint: a condition of this step does not hold (said above); once it does, run the "
                        "command again\n");
    else if (!strcmp(code, "version_conflict"))
        fprintf(stderr, "hint: the case changed since the version given with --expect: read it again "
                        "(`regie case get --case %s`) and give its version\n", cs);
    else if (!strcmp(code, "bad_request"))
        fprintf(stderr, "hint: a value was not accepted (named above): `regie %s --help` lists the flags and "
                        "their values\n", cmd);
    else if (!strcmp(code, "unknown_op"))
        fprintf(stderr, "hint: the engine does not know this command: it may be older than this regie; "
                        "ask your admin\n");
    else if (!strcmp(code, "overloaded"))
        fprintf(stderr, "hint: the engine is busy or stopping: try again in a moment (the same command is "
                        "the same request: it is not done twice)\n");
    else if (!strcmp(code, "storage_error"))
        fprintf(stderr, "hint: the engine could not read or write its data: tell your admin (regied's log "
                        "says more); the same command is safe to run again\n");
}

int rg_cli_print(const rg_cli *cli, const rg_val *root)
{
    bool ok = false;
    rg_val_bool(rg_map_get(root, "ok"), &ok);
    if (cli->json) {
        rg_render_json(stdout, root);
        fputc('\n', stdout);
    } else if (ok) {
        /* Everything but the "ok" itself. */
        for (uint32_t i = 0; i < rg_map_size(root); i++) {
            if (rg_val_is_str(rg_map_key(root, i), "ok")) continue;
            char k[128];
            if (!rg_val_strcpy(rg_map_key(root, i), k, sizeof k)) continue;
            rg_render_human_field(stdout, k, rg_map_value(root, i), 0);
        }
    }
    if (!ok) say_error(cli, root);
    return ok ? 0 : 1;
}

int rg_cli_call_print(const rg_cli *cli, const rg_buf *b)
{
    rg_cli_reply r;
    int rc = rg_cli_call(cli, b, &r);
    if (rc) return rc;
    rc = rg_cli_print(cli, r.root);
    rg_cli_reply_free(&r);
    return rc;
}
