/*
 * regie.c - the command-line client.  Every operation of the engine's op
 * table (schemas/ops.c) is a subcommand, with its data fields as named flags
 * typed by the same table, so a new operation needs no code here:
 *
 *   regie [options] WORD [WORD2] [--field value ...]
 *
 * `case report` is op case.report, `stats` is op stats.  `tail` and `alerts`
 * (follow.c) follow the feed and the alerts.  Output is human-readable, or
 * one line of JSON with --json; failures go to stderr as `error: CODE:
 * message` and the exit status is 1 (2 for a bad command line, 3 when the
 * engine cannot be reached).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/storage/codec.h"
#include "../engine/domain/contract.h"
#include "cli.h"
#include "client.h"
#include "render.h"

#define MAX_FLAGS 128

typedef struct flag {
    const rg_field *field;
    const char *value;
} flag;

/* How a command is typed: case.get is `regie case get`, intake.more_info
 * `regie intake more-info` (a word is spelled like a flag; the op's own
 * spelling, more_info, is taken too). */
static const char *command_words(const rg_opdef *op, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s", op->name);
    for (char *p = buf; *p; p++) {
        if (*p == '.') *p = ' ';
        if (*p == '_') *p = '-';
    }
    return buf;
}

/* The op a command names: "case" "get", or one word ("stats"). */
static const rg_opdef *find_op(const char *w1, const char *w2)
{
    char name[128];
    snprintf(name, sizeof name, "%s%s%s", w1, w2 ? "." : "", w2 ? w2 : "");
    for (char *p = name; *p; p++)
        if (*p == '-') *p = '_';
    return rg_op_find(name, (uint32_t)strlen(name));
}

/* How a field is given as a flag: release_date is --release-date. */
static const char *flag_spelling(const rg_field *f, char *buf, size_t cap)
{
    snprintf(buf, cap, "--%s", f->name);
    for (char *p = buf + 2; *p; p++)
        if (*p == '_') *p = '-';
    return buf;
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: regie [options] COMMAND [--field value ...]\n\n"
            "options (before or after the command):\n"
            "  --token T      the actor's token (default $REGIE_TOKEN)\n"
            "  --connect URL  the engine (default $REGIE_URL or tcp://127.0.0.1:7450)\n"
            "  --case ID      the case, for operations on one case\n"
            "  --req ID       request id for changes (default: a fresh random one)\n"
            "  --expect N     fail with version_conflict unless the case is at version N\n"
            "  --json         print the reply as one line of JSON\n"
            "  --timeout MS   how long to wait for the reply (default 10000)\n"
            "  --tls-ca FILE  CA certificate for tls+tcp:// URLs\n"
            "  --help         this text, or a command's flags after the command\n\n"
            "commands:\n");
    for (const rg_opdef *op = rg_ops; op->name; op++) {
        char words[64];
        fprintf(out, "  %-22s (", command_words(op, words, sizeof words));
        int first = 1;
        for (int r = 0; r < RG_NROLES; r++)
            if (op->roles & (1u << r)) {
                fprintf(out, "%s%s", first ? "" : ", ", rg_role_name(r));
                first = 0;
            }
        fprintf(out, ")\n");
    }
    fprintf(out, "  %-22s follow the feed (regie tail --help)\n", "tail");
    fprintf(out, "  %-22s follow your alerts (regie alerts --help)\n", "alerts");
}

/* What a flag takes, as the help shows it; an enumerated field lists its
 * words: "one of a|b|c", or for a list "one or more of a,b,c (a,b or
 * repeat)".  The words themselves are checked by the engine. */
static const char *type_name(const rg_field *f, char *buf, size_t cap)
{
    switch (f->type) {
    case RG_F_STR:
    case RG_F_TEXT: return "text";
    case RG_F_BOOL: return "true|false";
    case RG_F_UINT: return "number";
    case RG_F_DATE: return "ISO-8601 date";
    case RG_F_OPEN_MAP: return "key=value (repeat)";
    case RG_F_STR_ARRAY: return "a,b,... (or repeat)";
    case RG_F_MAP_ARRAY: return "k=v,k=v (repeat per item)";
    case RG_F_ENUM:
    case RG_F_ENUM_ARRAY: {
        bool list = f->type == RG_F_ENUM_ARRAY;
        int k = snprintf(buf, cap, "%s", list ? "one or more of " : "one of ");
        for (const char *p = f->values ? f->values : ""; *p && k >= 0 && (size_t)k + 1 < cap; p++)
            buf[k++] = *p == ' ' ? (list ? ',' : '|') : *p;
        if (k >= 0 && (size_t)k < cap) buf[k] = 0;
        if (list) {
            size_t l = strlen(buf);
            snprintf(buf + l, cap - l, " (a,b or repeat)");
        }
        return buf;
    }
    }
    return "value";
}

static void op_help(const rg_opdef *op)
{
    char words[64];
    printf("regie %s", command_words(op, words, sizeof words));
    printf("%s%s\n\n", op->flags & RG_OP_CASE ? " --case ID" : "",
           op->flags & RG_OP_MUTATES ? " [--req ID] [--expect N]" : "");
    if (!op->fields) {
        printf("  (no fields)\n");
        return;
    }
    for (const rg_field *f = op->fields; f->name; f++) {
        char flagname[64], what[256];
        printf("  %-22s %s%s\n", flag_spelling(f, flagname, sizeof flagname),
               type_name(f, what, sizeof what), f->required ? "  (required)" : "");
        if (f->type == RG_F_MAP_ARRAY)
            for (const rg_field *s = f->sub; s && s->name; s++)
                printf("  %-22s   %s=%s%s\n", "", s->name, type_name(s, what, sizeof what),
                       s->required ? "  (required)" : "");
    }
}

static bool name_is(const char *flagname, size_t n, const char *field)
{
    if (strlen(field) != n) return false;
    for (size_t i = 0; i < n; i++) {
        char a = flagname[i] == '-' ? '_' : flagname[i];
        if (a != field[i]) return false;
    }
    return true;
}

static const rg_field *find_field(const rg_field *fields, const char *name, size_t n)
{
    for (const rg_field *f = fields; f && f->name; f++)
        if (name_is(name, n, f->name)) return f;
    /* The singular of a list: --action for actions, --org for orgs. */
    for (const rg_field *f = fields; f && f->name; f++) {
        size_t fl = strlen(f->name);
        if ((f->type == RG_F_MAP_ARRAY || f->type == RG_F_STR_ARRAY || f->type == RG_F_ENUM_ARRAY) &&
            fl == n + 1 &&
            f->name[fl - 1] == 's' && name_is(name, n, f->name) == false) {
            char tmp[64];
            snprintf(tmp, sizeof tmp, "%.*s", (int)(fl - 1), f->name);
            if (name_is(name, n, tmp)) return f;
        }
    }
    return NULL;
}

static int write_scalar(rg_buf *b, rg_ftype t, const char *v, const char *what)
{
    if (t == RG_F_BOOL) {
        if (strcmp(v, "true") == 0) rg_w_bool(b, true);
        else if (strcmp(v, "false") == 0) rg_w_bool(b, false);
        else {
            fprintf(stderr, "regie: %s takes true or false, not '%s'\n", what, v);
            return -1;
        }
    } else if (t == RG_F_UINT) {
        char *end;
        unsigned long long u = strtoull(v, &end, 10);
        if (!*v || *end || *v == '-') {
            fprintf(stderr, "regie: %s takes a whole number, not '%s'\n", what, v);
            return -1;
        }
        rg_w_uint(b, u);
    } else {
        rg_w_cstr(b, v);
    }
    return 0;
}

/* "id=a1,owner_org=ggz,description=x, y" -> a map; a comma starts a new pair
 * only when a known field name and '=' follow it. */
static int write_item(rg_buf *b, const rg_field *f, const char *v)
{
    const char *starts[32];
    int n = 0;
    for (const char *p = v; *p && n < 32; p++) {
        if (p != v && *(p - 1) != ',') continue;
        const char *eq = strchr(p, '=');
        if (!eq) continue;
        for (const rg_field *s = f->sub; s && s->name; s++)
            if ((size_t)(eq - p) == strlen(s->name) && strncmp(p, s->name, strlen(s->name)) == 0)
                starts[n++] = p;
    }
    if (n == 0 || starts[0] != v) {
        fprintf(stderr, "regie: --%s takes k=v,k=v with k one of the item's fields\n", f->name);
        return -1;
    }
    rg_w_map(b, (uint32_t)n);
    for (int i = 0; i < n; i++) {
        const char *eq = strchr(starts[i], '=');
        const char *end = i + 1 < n ? starts[i + 1] - 1 : starts[i] + strlen(starts[i]);
        const rg_field *s = f->sub;
        while (s->name && !((size_t)(eq - starts[i]) == strlen(s->name) &&
                            strncmp(starts[i], s->name, strlen(s->name)) == 0))
            s++;
        rg_w_cstr(b, s->name);
        char val[8192];
        snprintf(val, sizeof val, "%.*s", (int)(end - eq - 1), eq + 1);
        if (write_scalar(b, s->type, val, s->name) < 0) return -1;
    }
    return 0;
}

/* Write one field with all the values given for it. */
static int write_field(rg_buf *b, const rg_field *f, const flag *flags, int nflags)
{
    const char *vals[MAX_FLAGS];
    int n = 0;
    for (int i = 0; i < nflags; i++)
        if (flags[i].field == f) vals[n++] = flags[i].value;
    rg_w_cstr(b, f->name);
    switch (f->type) {
    case RG_F_OPEN_MAP:
        rg_w_map(b, (uint32_t)n);
        for (int i = 0; i < n; i++) {
            const char *eq = strchr(vals[i], '=');
            if (!eq || eq == vals[i]) {
                fprintf(stderr, "regie: --%s takes key=value\n", f->name);
                return -1;
            }
            rg_w_str(b, vals[i], (size_t)(eq - vals[i]));
            rg_w_cstr(b, eq + 1);
        }
        return 0;
    case RG_F_STR_ARRAY:
    case RG_F_ENUM_ARRAY: {         /* the engine checks the words */
        uint32_t count = 0;
        for (int i = 0; i < n; i++) {
            count++;
            for (const char *p = vals[i]; *p; p++) count += *p == ',';
        }
        rg_w_array(b, count);
        for (int i = 0; i < n; i++) {
            const char *p = vals[i];
            for (;;) {
                const char *c = strchr(p, ',');
                rg_w_str(b, p, c ? (size_t)(c - p) : strlen(p));
                if (!c) break;
                p = c + 1;
            }
        }
        return 0;
    }
    case RG_F_MAP_ARRAY:
        rg_w_array(b, (uint32_t)n);
        for (int i = 0; i < n; i++)
            if (write_item(b, f, vals[i]) < 0) return -1;
        return 0;
    default:
        if (n > 1) {
            fprintf(stderr, "regie: --%s given more than once\n", f->name);
            return -1;
        }
        return write_scalar(b, f->type, vals[0], f->name);
    }
}

static void random_req(char *out, size_t cap)
{
    unsigned char raw[8] = {0};
    FILE *f = fopen("/dev/urandom", "rb");
    if (f) {
        if (fread(raw, 1, sizeof raw, f) != sizeof raw) raw[0] ^= 1;
        fclose(f);
    }
    snprintf(out, cap, "cli-%02x%02x%02x%02x%02x%02x%02x%02x", raw[0], raw[1], raw[2], raw[3],
             raw[4], raw[5], raw[6], raw[7]);
}

int main(int argc, char **argv)
{
    rg_cli cli;
    const char *words[2] = {NULL, NULL};
    int nwords = 0;
    const char *rest[MAX_FLAGS * 2];
    int nrest = 0;
    if (rg_cli_parse(&cli, argc, argv, words, &nwords, rest, &nrest) < 0) return 2;
    if (nwords == 0) {
        usage(cli.help ? stdout : stderr);
        return cli.help ? 0 : 2;
    }
    /* `regie alerts` follows the alerts; `regie alerts list` is the op. */
    bool tail = !strcmp(words[0], "tail"), alerts = !strcmp(words[0], "alerts") && nwords == 1;
    const rg_opdef *op = tail || alerts ? NULL : find_op(words[0], NULL);
    if ((tail || alerts || op) && nwords == 2) {        /* a one-word command */
        fprintf(stderr, "regie: unexpected argument '%s' after '%s'\n", words[1], words[0]);
        return 2;
    }
    if (tail) return rg_cli_tail(&cli, rest, nrest);
    if (alerts) return rg_cli_alerts(&cli, rest, nrest);
    if (!op && nwords == 2) op = find_op(words[0], words[1]);
    if (!op) {
        fprintf(stderr, "regie: no command '%s%s%s'\n\n", words[0], nwords == 2 ? " " : "",
                nwords == 2 ? words[1] : "");
        usage(stderr);
        return 2;
    }
    if (cli.help) {
        op_help(op);
        return 0;
    }

    char cmd[64];
    command_words(op, cmd, sizeof cmd);
    flag flags[MAX_FLAGS];
    int nflags = 0;
    for (int i = 0; i < nrest; i++) {
        const char *a = rest[i];
        if (strncmp(a, "--", 2) != 0) {
            fprintf(stderr, "regie: unexpected argument '%s'\n", a);
            return 2;
        }
        const char *name = a + 2, *eq = strchr(name, '=');
        size_t n = eq ? (size_t)(eq - name) : strlen(name);
        const rg_field *f = find_field(op->fields, name, n);
        if (!f) {
            fprintf(stderr, "regie: %s has no flag --%.*s (regie %s --help)\n", cmd, (int)n, name,
                    cmd);
            return 2;
        }
        const char *value = eq ? eq + 1 : NULL;
        if (!value && f->type == RG_F_BOOL) {
            value = "true";
            if (i + 1 < nrest && (!strcmp(rest[i + 1], "true") || !strcmp(rest[i + 1], "false")))
                value = rest[++i];
        } else if (!value) {
            if (i + 1 >= nrest) {
                fprintf(stderr, "regie: --%.*s needs a value\n", (int)n, name);
                return 2;
            }
            value = rest[++i];
        }
        if (nflags == MAX_FLAGS) {
            fprintf(stderr, "regie: too many flags\n");
            return 2;
        }
        flags[nflags++] = (flag){f, value};
    }

    /* A required flag left out is said here, before anything is sent: the
     * engine would first judge the state, which is not the mistake made. */
    for (const rg_field *f = op->fields; f && f->name; f++) {
        int given = 0;
        for (int i = 0; i < nflags; i++) given |= flags[i].field == f;
        if (f->required && !given) {
            char flagname[64];
            fprintf(stderr, "regie: %s needs %s (regie %s --help)\n", cmd,
                    flag_spelling(f, flagname, sizeof flagname), cmd);
            return 2;
        }
    }

    char req[40];
    if (op->flags & RG_OP_MUTATES) {
        if (cli.req) snprintf(req, sizeof req, "%.39s", cli.req);
        else random_req(req, sizeof req);
    }
    int nfields = 0;
    for (const rg_field *f = op->fields; f && f->name; f++)
        for (int i = 0; i < nflags; i++)
            if (flags[i].field == f) {
                nfields++;
                break;
            }
    rg_buf b = RG_BUF_INIT;
    rg_req_envelope(&b, op->name, cli.token ? cli.token : "",
                    op->flags & RG_OP_MUTATES ? req : NULL, cli.case_id, cli.expect,
                    op->fields || nfields ? nfields : -1);
    for (const rg_field *f = op->fields; f && f->name; f++) {
        int given = 0;
        for (int i = 0; i < nflags; i++) given |= flags[i].field == f;
        if (given && write_field(&b, f, flags, nflags) < 0) {
            rg_buf_free(&b);
            return 2;
        }
    }
    int rc = rg_cli_call_print(&cli, &b);
    rg_buf_free(&b);
    return rc;
}
