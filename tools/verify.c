/*
 * verify.c - `regie verify-head` and `regie verify-proof`: checking the
 * engine's signed tree heads and Merkle proofs with nothing but its public
 * key (DIR/sign.pub), trusting nothing the engine says.  Reads the JSON
 * that `regie log head|prove|consistency --json` prints (and the lines of
 * DIR/log.heads); links storage/merkle.c, not the engine.
 *
 * Every input is bounded (1 MiB, nesting 8, a path of at most 64 hashes,
 * hex of exactly the right length); a damaged, truncated or foreign file
 * is said to be so, naming what is wrong, with exit status 1.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../engine/domain/calendar.h"
#include "../engine/storage/codec.h"
#include "../engine/storage/merkle.h"
#include "cli.h"
#include "verify.h"

#define MAX_INPUT (1 << 20)

/* Who is speaking: `regie` (verify-head, verify-proof) or `regie-verify`. */
const char *rg_verify_prog = "regie";

void rg_verify_say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", rg_verify_prog);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}
#define say rg_verify_say
#define MAX_NODES 4096
#define MAX_DEPTH 8

/* ---- a small JSON reader: values as spans of the input ---- */

typedef enum { J_OBJ, J_ARR, J_STR, J_NUM, J_LIT } jtype;

typedef struct jnode {
    jtype type;
    const char *p;            /* string: its characters (no escapes allowed in what we read); number: text */
    size_t n;
    int parent, first, next;  /* tree links (-1: none); an object's children alternate key, value */
} jnode;

typedef struct json {
    const char *s, *end;
    jnode nodes[MAX_NODES];
    int count;
    const char *err;
} json;

static void ws(json *j)
{
    while (j->s < j->end && (*j->s == ' ' || *j->s == '\n' || *j->s == '\r' || *j->s == '\t')) j->s++;
}

static int node(json *j, jtype t, int parent)
{
    if (j->count == MAX_NODES) {
        j->err = "too many values";
        return -1;
    }
    jnode *x = &j->nodes[j->count];
    memset(x, 0, sizeof *x);
    x->type = t;
    x->parent = parent;
    x->first = x->next = -1;
    return j->count++;
}

static int value(json *j, int parent, int depth);

static int string(json *j, int parent)
{
    j->s++;                                    /* the quote */
    const char *start = j->s;
    while (j->s < j->end && *j->s != '"') {
        if (*j->s == '\\') {
            j->err = "an escaped character where hex, digits or words were expected";
            return -1;
        }
        j->s++;
    }
    if (j->s >= j->end) {
        j->err = "a string that does not end (truncated?)";
        return -1;
    }
    int k = node(j, J_STR, parent);
    if (k < 0) return -1;
    j->nodes[k].p = start;
    j->nodes[k].n = (size_t)(j->s - start);
    j->s++;
    return k;
}

static int value(json *j, int parent, int depth)
{
    ws(j);
    if (j->s >= j->end) {
        j->err = "the input ends where a value was expected (truncated?)";
        return -1;
    }
    if (depth > MAX_DEPTH) {
        j->err = "nested too deep";
        return -1;
    }
    char c = *j->s;
    if (c == '"') return string(j, parent);
    if (c == '{' || c == '[') {
        int k = node(j, c == '{' ? J_OBJ : J_ARR, parent);
        if (k < 0) return -1;
        j->s++;
        int last = -1;
        ws(j);
        if (j->s < j->end && *j->s == (c == '{' ? '}' : ']')) {
            j->s++;
            return k;
        }
        for (;;) {
            int kid;
            if (c == '{') {
                ws(j);
                if (j->s >= j->end || *j->s != '"') {
                    j->err = "a key was expected";
                    return -1;
                }
                kid = string(j, k);
                if (kid < 0) return -1;
                if (last < 0) j->nodes[k].first = kid; else j->nodes[last].next = kid;
                last = kid;
                ws(j);
                if (j->s >= j->end || *j->s != ':') {
                    j->err = "':' was expected after a key";
                    return -1;
                }
                j->s++;
            }
            kid = value(j, k, depth + 1);
            if (kid < 0) return -1;
            if (last < 0) j->nodes[k].first = kid; else j->nodes[last].next = kid;
            last = kid;
            ws(j);
            if (j->s < j->end && *j->s == ',') {
                j->s++;
                continue;
            }
            if (j->s < j->end && *j->s == (c == '{' ? '}' : ']')) {
                j->s++;
                return k;
            }
            j->err = "',' or the end of a list or map was expected (truncated?)";
            return -1;
        }
    }
    const char *start = j->s;
    while (j->s < j->end && strchr("0123456789-+.eEtruefalsn", *j->s)) j->s++;
    if (j->s == start) {
        j->err = "not JSON";
        return -1;
    }
    int k = node(j, (*start == '-' || (*start >= '0' && *start <= '9')) ? J_NUM : J_LIT, parent);
    if (k < 0) return -1;
    j->nodes[k].p = start;
    j->nodes[k].n = (size_t)(j->s - start);
    return k;
}

/* The value under key in object obj, or -1. */
static int get(const json *j, int obj, const char *key)
{
    if (obj < 0 || j->nodes[obj].type != J_OBJ) return -1;
    size_t kl = strlen(key);
    for (int k = j->nodes[obj].first; k >= 0 && j->nodes[k].next >= 0; k = j->nodes[j->nodes[k].next].next)
        if (j->nodes[k].n == kl && memcmp(j->nodes[k].p, key, kl) == 0) return j->nodes[k].next;
    return -1;
}

static bool get_uint(const json *j, int obj, const char *key, uint64_t *out)
{
    int k = get(j, obj, key);
    if (k < 0 || j->nodes[k].type != J_NUM || j->nodes[k].n > 19) return false;
    uint64_t v = 0;
    for (size_t i = 0; i < j->nodes[k].n; i++) {
        char c = j->nodes[k].p[i];
        if (c < '0' || c > '9') return false;
        v = v * 10 + (uint64_t)(c - '0');
    }
    *out = v;
    return true;
}

static bool get_hex(const json *j, int obj, const char *key, uint8_t *out, size_t n)
{
    int k = get(j, obj, key);
    return k >= 0 && j->nodes[k].type == J_STR && rg_mk_unhex(out, n, j->nodes[k].p, j->nodes[k].n);
}

/* An instant: ms, or ISO 8601 as --json prints it (2026-03-02T09:00:00+01:00,
 * milliseconds optional, Z allowed). */
static bool get_time(const json *j, int obj, const char *key, uint64_t *out)
{
    if (get_uint(j, obj, key, out)) return true;
    int k = get(j, obj, key);
    if (k < 0 || j->nodes[k].type != J_STR || j->nodes[k].n < 20 || j->nodes[k].n > 40) return false;
    char s[48];
    memcpy(s, j->nodes[k].p, j->nodes[k].n);
    s[j->nodes[k].n] = 0;
    int y, mo, d, h, mi, sec, used = 0;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &used) != 6) return false;
    const char *p = s + used;
    int ms = 0;
    if (*p == '.') {
        int digits = 0;
        for (p++; *p >= '0' && *p <= '9'; p++, digits++)
            if (digits < 3) ms = ms * 10 + (*p - '0');
        for (; digits < 3; digits++) ms *= 10;
    }
    int off = 0;
    if (*p == 'Z') p++;
    else {
        int oh, om, sign = *p == '-' ? -1 : 1;
        if ((*p != '+' && *p != '-') || sscanf(p + 1, "%2d:%2d", &oh, &om) != 2) return false;
        off = sign * (oh * 60 + om);
        p += 6;
    }
    if (*p) return false;
    int64_t t = ((rg_cal_days_from_civil(y, mo, d) * 24 + h) * 60 + mi - off) * 60 + sec;
    if (t < 0) return false;
    *out = (uint64_t)t * 1000 + (uint64_t)ms;
    return true;
}

/* ---- reading the inputs ---- */

static char *slurp(const char *path, size_t *n)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (!f) {
        say("cannot read %s: %s\n", path, strerror(errno));
        return NULL;
    }
    char *buf = malloc(MAX_INPUT + 1);
    size_t got = buf ? fread(buf, 1, MAX_INPUT + 1, f) : 0;
    if (f != stdin) fclose(f);
    if (!buf || got > MAX_INPUT) {
        say("%s: larger than 1 MiB: not a head or a proof\n", path);
        free(buf);
        return NULL;
    }
    buf[got] = 0;
    *n = got;
    return buf;
}

/* Parse a file's first JSON value (a head file's last line, for log.heads). */
static bool load(const char *path, json *j, char **text)
{
    size_t n;
    *text = slurp(path, &n);
    if (!*text) return false;
    /* DIR/log.heads: one head per line; the last one counts. */
    char *s = *text;
    while (n && (s[n - 1] == '\n' || s[n - 1] == ' ')) n--;
    char *nl = memrchr(s, '\n', n);
    if (nl && nl[1] == '{' && s[0] == '{') s = nl + 1;
    memset(j, 0, sizeof *j);
    j->s = s;
    j->end = *text + n;
    if (value(j, -1, 0) < 0 || (ws(j), j->s != j->end && (j->err = "text after the JSON value"))) {
        say("%s: damaged: %s\n", path, j->err ? j->err : "not JSON");
        free(*text);
        return false;
    }
    if (j->nodes[0].type != J_OBJ) {
        say("%s: not a map\n", path);
        free(*text);
        return false;
    }
    int ok = get(j, 0, "ok");
    if (ok >= 0 && j->nodes[ok].n == 5 && !memcmp(j->nodes[ok].p, "false", 5)) {
        say("%s: an error reply of the engine, not a head or a proof\n", path);
        free(*text);
        return false;
    }
    return true;
}

static bool head_of(const json *j, int obj, rg_sth *h, const char *path)
{
    memset(h, 0, sizeof *h);
    int id = get(j, obj, "key_id");
    const char *what = !get_uint(j, obj, "size", &h->size) ? "size (a whole number)"
                       : !get_hex(j, obj, "root", h->root, RG_MERKLE_HASH) ? "root (64 hex digits)"
                       : !get_time(j, obj, "at", &h->at) ? "at (a time)"
                       : !get_hex(j, obj, "signature", h->sig, RG_STH_SIG) ? "signature (128 hex digits)"
                       : (id < 0 || j->nodes[id].type != J_STR || j->nodes[id].n != RG_STH_KEY_ID) ? "key_id (16 hex digits)"
                       : NULL;
    if (what) {
        say("%s: no head: missing or malformed %s\n", path, what);
        return false;
    }
    memcpy(h->key_id, j->nodes[id].p, RG_STH_KEY_ID);
    /* An audit trail's head says so (it is signed as one, merkle.h). */
    int tr = get(j, obj, "trail");
    if (tr >= 0) {
        if (j->nodes[tr].type != J_STR || j->nodes[tr].n != 5 || memcmp(j->nodes[tr].p, "audit", 5) != 0) {
            say("%s: no head: trail is \"audit\" or absent\n", path);
            return false;
        }
        h->audit = true;
    }
    return true;
}

bool rg_verify_load_pub(const char *arg, uint8_t pub[RG_STH_PUB])
{
    size_t n = strlen(arg);
    if (rg_mk_unhex(pub, RG_STH_PUB, arg, n)) return true;
    char *text = slurp(arg, &n);
    if (!text) return false;
    while (n && (text[n - 1] == '\n' || text[n - 1] == ' ' || text[n - 1] == '\r')) n--;
    bool ok = rg_mk_unhex(pub, RG_STH_PUB, text, n);
    free(text);
    if (!ok) say("%s: not a public key (64 hex digits, as in DIR/sign.pub)\n", arg);
    return ok;
}

/* A head checked against the key; said when it is not good. */
static bool check_head(const rg_sth *h, const uint8_t pub[RG_STH_PUB], const char *path)
{
    char id[RG_STH_KEY_ID + 1];
    rg_sth_key_id(pub, id);
    if (strcmp(id, h->key_id) != 0) {
        say("%s: signed by key %s, not by the given key %s\n", path, h->key_id, id);
        return false;
    }
    if (!rg_sth_verify(h, pub)) {
        say("%s: the signature does not match the size, root and time: the head was "
                        "altered or not signed by this key\n", path);
        return false;
    }
    return true;
}

static void say_head(const rg_sth *h)
{
    char root[2 * RG_MERKLE_HASH + 1];
    rg_mk_hex(root, h->root, RG_MERKLE_HASH);
    printf("%s ok: %" PRIu64 " records, root %s, signed at %" PRIu64 " ms by key %s\n",
           h->audit ? "audit trail head" : "head", h->size, root, h->at, h->key_id);
}

static int path_of(const json *j, int obj, uint8_t path[][RG_MERKLE_HASH], int *n, const char *file)
{
    int a = get(j, obj, "path");
    if (a < 0 || j->nodes[a].type != J_ARR) {
        say("%s: no proof: missing path\n", file);
        return -1;
    }
    *n = 0;
    for (int k = j->nodes[a].first; k >= 0; k = j->nodes[k].next) {
        if (*n == RG_MERKLE_MAX_PATH || j->nodes[k].type != J_STR ||
            !rg_mk_unhex(path[*n], RG_MERKLE_HASH, j->nodes[k].p, j->nodes[k].n)) {
            say("%s: the proof's path holds something that is not a hash, or too many\n", file);
            return -1;
        }
        (*n)++;
    }
    return 0;
}

/* ---- the commands ---- */

static int usage_head(FILE *out)
{
    fprintf(out, "regie verify-head --pub KEY HEAD\n\n"
                 "  Checks a signed tree head (regie log head --json, or DIR/log.head) with the engine's\n"
                 "  public key alone: KEY is 64 hex digits or a file holding them (DIR/sign.pub).\n"
                 "  Exit status 0 when the signature is the key's over the head's size, root and time;\n"
                 "  1, saying what is wrong, for anything else.\n\n"
                 "example:\n  regie verify-head --pub sign.pub head.json\n");
    return out == stdout ? 0 : 2;
}

static int usage_proof(FILE *out)
{
    fprintf(out, "regie verify-proof --pub KEY [--head HEAD] [--old HEAD --new HEAD] PROOF\n\n"
                 "  Checks a proof without trusting the engine.  An inclusion proof (regie log prove --json)\n"
                 "  against a head: --head, or the signed head the proof carries when it is of the proof's\n"
                 "  size; --leaf HEX also requires the record's leaf hash to be that.  A consistency proof\n"
                 "  (regie log consistency --json) between two signed heads, --old of its `from` size and\n"
                 "  --new of its `to` size (default: the head it carries): the newer log is the older one\n"
                 "  with records appended, nothing changed or dropped.  Every head's signature is checked\n"
                 "  with KEY (hex, or a file such as DIR/sign.pub).  An audit record's inclusion proof\n"
                 "  (regie log prove --audit N --json) carries the record: it is hashed here, checked\n"
                 "  against the audit trail's head (DIR/audit.head) and named.  Exit status 0 when it holds; 1,\n"
                 "  saying what is wrong, for anything else.\n\n"
                 "example:\n  regie verify-proof --pub sign.pub --old head-monday.json --new head.json consistency.json\n");
    return out == stdout ? 0 : 2;
}

typedef struct args {
    const char *pub, *head, *old_head, *new_head, *leaf, *file;
    bool help;
} args;

static int parse(int argc, char **argv, int from, args *a, bool proof)
{
    memset(a, 0, sizeof *a);
    for (int i = from; i < argc; i++) {
        const char *s = argv[i];
        const char **slot = !strcmp(s, "--pub") ? &a->pub
                            : proof && !strcmp(s, "--head") ? &a->head
                            : proof && !strcmp(s, "--old") ? &a->old_head
                            : proof && !strcmp(s, "--new") ? &a->new_head
                            : proof && !strcmp(s, "--leaf") ? &a->leaf
                            : NULL;
        if (!strcmp(s, "--help") || !strcmp(s, "-h")) a->help = true;
        else if (slot) {
            if (i + 1 >= argc) {
                say("%s needs a value\n", s);
                return -1;
            }
            *slot = argv[++i];
        } else if (s[0] == '-' && s[1]) {
            say("no flag %s here\n", s);
            return -1;
        } else if (a->file) {
            say("one file at a time (%s, %s)\n", a->file, s);
            return -1;
        } else {
            a->file = s;
        }
    }
    return 0;
}

int rg_cli_verify_head(int argc, char **argv, int from)
{
    args a;
    if (parse(argc, argv, from, &a, false) < 0) return usage_head(stderr);
    if (a.help) return usage_head(stdout);
    if (!a.pub || !a.file) return usage_head(stderr);
    uint8_t pub[RG_STH_PUB];
    if (!rg_verify_load_pub(a.pub, pub)) return 1;
    json *j = malloc(sizeof *j);
    char *text;
    if (!j || !load(a.file, j, &text)) {
        free(j);
        return 1;
    }
    rg_sth h;
    bool ok = head_of(j, 0, &h, a.file) && check_head(&h, pub, a.file);
    if (ok) say_head(&h);
    free(text);
    free(j);
    return ok ? 0 : 1;
}

/* A head from its own file, checked. */
bool rg_verify_head_file(const char *path, const uint8_t pub[RG_STH_PUB], rg_sth *h)
{
    json *j = malloc(sizeof *j);
    char *text;
    if (!j || !load(path, j, &text)) {
        free(j);
        return false;
    }
    bool ok = head_of(j, 0, h, path) && check_head(h, pub, path);
    free(text);
    free(j);
    return ok;
}

/* What an audit record says, for the line that names it. */
static void describe_record(const uint8_t *rec, size_t n, uint64_t want_n, char *out, size_t cap, bool *ok)
{
    rg_doc *d = NULL;
    const char *why;
    *ok = false;
    if (rg_doc_parse(&d, rec, n, &why) < 0) {
        snprintf(out, cap, "not an audit record (%s)", why);
        return;
    }
    const rg_val *m = rg_doc_root(d);
    uint64_t rn = 0, at = 0;
    char actor[80] = "", role[40] = "", org[80] = "", purpose[80] = "";
    if (!rg_val_uint(rg_map_get(m, "n"), &rn) || !rg_val_uint(rg_map_get(m, "at"), &at)) {
        snprintf(out, cap, "not an audit record (no n or at)");
        rg_doc_free(d);
        return;
    }
    if (rn != want_n) {
        snprintf(out, cap, "the record is number %" PRIu64 ", not %" PRIu64, rn, want_n);
        rg_doc_free(d);
        return;
    }
    rg_val_strcpy(rg_map_get(m, "actor"), actor, sizeof actor);
    rg_val_strcpy(rg_map_get(m, "role"), role, sizeof role);
    rg_val_strcpy(rg_map_get(m, "org"), org, sizeof org);
    rg_val_strcpy(rg_map_get(m, "purpose"), purpose, sizeof purpose);
    const rg_val *cs = rg_map_get(m, "cases");
    char iso[40] = "";
    time_t secs = (time_t)(at / 1000);
    struct tm tm;
    if (gmtime_r(&secs, &tm)) strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
    size_t len = (size_t)snprintf(out, cap, "at %s, %s (%s, %s), %s, cases [", iso, actor, role, org, purpose);
    for (uint32_t i = 0; i < rg_array_size(cs) && len < cap; i++) {
        char id[80] = "";
        rg_val_strcpy(rg_array_at(cs, i), id, sizeof id);
        len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? " " : "", id);
    }
    if (len < cap) snprintf(out + len, cap - len, "]");
    rg_doc_free(d);
    *ok = true;
}

/* An audit record's inclusion proof (log.prove {audit}): the leaf is
 * hashed from the record the proof carries, never taken from it. */
static int audit_inclusion(const json *j, const args *a, const uint8_t pub[RG_STH_PUB], const rg_sth *carried)
{
    uint64_t n, pos, size;
    int rk = get(j, 0, "record");
    if (!get_uint(j, 0, "audit", &n) || !get_uint(j, 0, "position", &pos) || !get_uint(j, 0, "size", &size) ||
        rk < 0 || j->nodes[rk].type != J_STR || j->nodes[rk].n == 0 || j->nodes[rk].n % 2) {
        say("%s: no audit record's proof: audit, position, size and record (hex) expected\n", a->file);
        return 1;
    }
    size_t rn = j->nodes[rk].n / 2;
    uint8_t *rec = malloc(rn);
    if (!rec || !rg_mk_unhex(rec, rn, j->nodes[rk].p, j->nodes[rk].n)) {
        say("%s: the record is not hex\n", a->file);
        free(rec);
        return 1;
    }
    uint8_t leaf[RG_MERKLE_HASH], given[RG_MERKLE_HASH];
    rg_merkle_leaf_hash(leaf, rec, rn);
    char what[512];
    bool ok;
    describe_record(rec, rn, n, what, sizeof what, &ok);
    free(rec);
    if (!ok) {
        say("%s: %s\n", a->file, what);
        return 1;
    }
    if (get_hex(j, 0, "leaf", given, RG_MERKLE_HASH) && memcmp(given, leaf, RG_MERKLE_HASH) != 0) {
        say("%s: the proof's leaf is not the hash of the record it carries\n", a->file);
        return 1;
    }
    rg_sth h;
    if (a->head) {
        if (!rg_verify_head_file(a->head, pub, &h)) return 1;
    } else if (carried && carried->size == size) {
        h = *carried;
    } else {
        say("the proof is for a trail of %" PRIu64 " records: give --head HEAD of that size\n", size);
        return 2;
    }
    if (!h.audit) {
        say("the head is the log's, the proof of an audit record: give the audit trail's head (DIR/audit.head, "
            "or `audit` of regie log head)\n");
        return 1;
    }
    if (h.size != size || pos < 1 || pos > size) {
        say("the proof of position %" PRIu64 " is for a trail of %" PRIu64 " records, the head holds %" PRIu64 "\n",
            pos, size, h.size);
        return 1;
    }
    uint8_t path[RG_MERKLE_MAX_PATH][RG_MERKLE_HASH];
    int np;
    if (path_of(j, 0, path, &np, a->file) < 0) return 1;
    if (!rg_merkle_verify_inclusion(pos - 1, size, leaf, (const uint8_t(*)[RG_MERKLE_HASH])path, np, h.root)) {
        say("NOT INCLUDED: audit record %" PRIu64 " is not in the audit trail the head signs, or the proof is "
            "damaged\n", n);
        return 1;
    }
    printf("included: audit record %" PRIu64 " (%s) is record %" PRIu64 " of the audit trail of %" PRIu64
           " records signed at %" PRIu64 " ms by key %s\n", n, what, pos, size, h.at, h.key_id);
    return 0;
}

int rg_cli_verify_proof(int argc, char **argv, int from)
{
    args a;
    if (parse(argc, argv, from, &a, true) < 0) return usage_proof(stderr);
    if (a.help) return usage_proof(stdout);
    if (!a.pub || !a.file) return usage_proof(stderr);
    uint8_t pub[RG_STH_PUB];
    if (!rg_verify_load_pub(a.pub, pub)) return 1;
    json *j = malloc(sizeof *j);
    char *text;
    if (!j || !load(a.file, j, &text)) {
        free(j);
        return 1;
    }
    int rc = 1;
    uint8_t path[RG_MERKLE_MAX_PATH][RG_MERKLE_HASH];
    int n;
    rg_sth carried, h, old;
    bool has_carried = get(j, 0, "head") >= 0;
    if (has_carried && !(head_of(j, get(j, 0, "head"), &carried, a.file) && check_head(&carried, pub, a.file)))
        goto out;
    if (get(j, 0, "from") >= 0) {
        /* Consistency. */
        uint64_t f, t;
        if (!get_uint(j, 0, "from", &f) || !get_uint(j, 0, "to", &t) || f < 1 || f > t) {
            say("%s: no consistency proof: from and to must be sizes, from <= to\n", a.file);
            goto out;
        }
        if (!a.old_head) {
            say("a consistency proof is checked against the older head: give --old HEAD\n");
            rc = 2;
            goto out;
        }
        if (!rg_verify_head_file(a.old_head, pub, &old)) goto out;
        if (a.new_head) {
            if (!rg_verify_head_file(a.new_head, pub, &h)) goto out;
        } else if (has_carried) {
            h = carried;
        } else {
            say("give --new HEAD: the proof carries no head\n");
            rc = 2;
            goto out;
        }
        bool audit = get(j, 0, "trail") >= 0;
        if (old.audit != audit || h.audit != audit) {
            say("the proof is of the %s, a head is of the %s: they do not go together\n",
                audit ? "audit trail" : "log", audit ? "log" : "audit trail");
            goto out;
        }
        if (old.size != f || h.size != t) {
            say("the proof is between sizes %" PRIu64 " and %" PRIu64 ", the heads are of %" PRIu64
                            " and %" PRIu64 " records\n", f, t, old.size, h.size);
            goto out;
        }
        if (path_of(j, 0, path, &n, a.file) < 0) goto out;
        if (!rg_merkle_verify_consistency(f, t, old.root, h.root, (const uint8_t(*)[RG_MERKLE_HASH])path, n)) {
            say("NOT CONSISTENT: the log of %" PRIu64 " records is not the log of %" PRIu64
                            " with records appended (a record changed, dropped or reordered), or the proof is damaged\n",
                    t, f);
            goto out;
        }
        printf("consistent: the log of %" PRIu64 " records (signed at %" PRIu64 ") extends the log of %" PRIu64
               " (signed at %" PRIu64 ")\n", t, h.at, f, old.at);
        rc = 0;
        goto out;
    }
    if (get(j, 0, "audit") >= 0) {
        rc = audit_inclusion(j, &a, pub, has_carried ? &carried : NULL);
        goto out;
    }
    /* Inclusion. */
    uint64_t seq, size;
    uint8_t leaf[RG_MERKLE_HASH];
    if (!get_uint(j, 0, "seq", &seq) || !get_hex(j, 0, "leaf", leaf, RG_MERKLE_HASH)) {
        say("%s: neither an inclusion proof (seq, leaf, path) nor a consistency proof\n", a.file);
        goto out;
    }
    if (!get_uint(j, 0, "size", &size)) size = has_carried ? carried.size : 0;
    if (a.head) {
        if (!rg_verify_head_file(a.head, pub, &h)) goto out;
    } else if (has_carried && carried.size == size) {
        h = carried;
    } else {
        say("the proof is for a tree of %" PRIu64 " records: give --head HEAD of that size\n", size);
        rc = 2;
        goto out;
    }
    if (h.audit) {
        say("the head is the audit trail's, the proof of a record of the log\n");
        goto out;
    }
    if (h.size != size || seq < 1 || seq > size) {
        say("the proof of position %" PRIu64 " is for a tree of %" PRIu64 " records, the head holds %" PRIu64 "\n",
                seq, size, h.size);
        goto out;
    }
    if (a.leaf) {
        uint8_t want[RG_MERKLE_HASH];
        if (!rg_mk_unhex(want, RG_MERKLE_HASH, a.leaf, strlen(a.leaf))) {
            say("--leaf takes 64 hex digits\n");
            rc = 2;
            goto out;
        }
        if (memcmp(want, leaf, RG_MERKLE_HASH) != 0) {
            say("the proof is of another record than --leaf\n");
            goto out;
        }
    }
    if (path_of(j, 0, path, &n, a.file) < 0) goto out;
    if (!rg_merkle_verify_inclusion(seq - 1, size, leaf, (const uint8_t(*)[RG_MERKLE_HASH])path, n, h.root)) {
        say("NOT INCLUDED: the record at %" PRIu64 " with this leaf is not in the log the head signs, "
                        "or the proof is damaged\n", seq);
        goto out;
    }
    printf("included: the record at position %" PRIu64 " is in the log of %" PRIu64 " records signed at %" PRIu64
           " ms by key %s\n", seq, size, h.at, h.key_id);
    rc = 0;
out:
    free(text);
    free(j);
    return rc;
}
