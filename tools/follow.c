/*
 * follow.c - `regie tail` and `regie alerts`.
 *
 * tail follows the caller's feed with long-polling feed.read, prints each
 * event as it becomes visible, and keeps its position in a cursor file,
 * written (temporary file, fsync, rename) only after the page it covers was
 * printed: a restart resumes where it stopped; a crash between printing and
 * saving prints that page again, it never skips one.  When the engine is
 * unreachable it keeps retrying: the REQ socket redials by itself.
 *
 * alerts subscribes to alert.<actor id> on the notification socket and
 * prints each alert; like every notification it is a wake-up, not a record.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <nng/nng.h>
#include <nng/protocol/pubsub0/sub.h>
#include <nng/supplemental/util/platform.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../engine/storage/codec.h"
#include "../engine/net/net.h"
#include "cli.h"
#include "client.h"
#include "render.h"

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
    (void)sig;
    stopping = 1;
}

static const char *opt(const char **rest, int nrest, int *i, const char *name)
{
    size_t n = strlen(name);
    if (strncmp(rest[*i], name, n) == 0 && rest[*i][n] == '=') return rest[*i] + n + 1;
    if (strcmp(rest[*i], name) == 0 && *i + 1 < nrest) return rest[++*i];
    return NULL;
}

static int save_cursor(const char *path, uint64_t next)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) return -1;
    char line[32];
    int n = snprintf(line, sizeof line, "%" PRIu64 "\n", next);
    int ok = write(fd, line, (size_t)n) == n && fsync(fd) == 0;
    close(fd);
    return ok && rename(tmp, path) == 0 ? 0 : -1;
}

/* The saved position, if the cursor file exists; -1 when it does not (a new
 * cursor starts at --after), -2 when it cannot be read as a position. */
static int load_cursor(const char *path, uint64_t *next)
{
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    unsigned long long v;
    int ok = fscanf(f, "%llu", &v) == 1;
    fclose(f);
    if (!ok) return -2;
    *next = v;
    return 0;
}

static void print_event(const rg_cli *cli, const rg_val *ev)
{
    if (cli->json) {
        rg_render_json(stdout, ev);
        fputc('\n', stdout);
        return;
    }
    uint64_t seq = 0, v = 0, at = 0;
    char cs[72] = "", type[64] = "", actor[72] = "", iso[40];
    rg_val_uint(rg_map_get(ev, "seq"), &seq);
    rg_val_uint(rg_map_get(ev, "v"), &v);
    rg_val_uint(rg_map_get(ev, "at"), &at);
    rg_val_strcpy(rg_map_get(ev, "case"), cs, sizeof cs);
    rg_val_strcpy(rg_map_get(ev, "type"), type, sizeof type);
    rg_val_strcpy(rg_map_get(rg_map_get(ev, "actor"), "id"), actor, sizeof actor);
    rg_render_iso(iso, sizeof iso, at);
    printf("%8" PRIu64 "  %s  %-14s v%-3" PRIu64 " %-22s by %s\n", seq, iso, cs, v, type, actor);
}

int rg_cli_tail(const rg_cli *cli, const char **rest, int nrest)
{
    const char *cursor = NULL;
    uint64_t after = 0, wait = 25000, limit = 500;
    bool idle_exit = false;
    for (int i = 0; i < nrest; i++) {
        const char *v;
        if ((v = opt(rest, nrest, &i, "--cursor"))) cursor = v;
        else if ((v = opt(rest, nrest, &i, "--after"))) after = strtoull(v, NULL, 10);
        else if ((v = opt(rest, nrest, &i, "--wait"))) wait = strtoull(v, NULL, 10);
        else if ((v = opt(rest, nrest, &i, "--limit"))) limit = strtoull(v, NULL, 10);
        else if (strcmp(rest[i], "--exit-when-idle") == 0) idle_exit = true;
        else {
            fprintf(stderr, "regie: tail has no option %s\n", rest[i]);
            return 2;
        }
    }
    if (cli->help) {
        printf("regie tail [--cursor FILE] [--after SEQ] [--wait MS] [--limit N] [--exit-when-idle] [--json]\n"
               "  follows the events you may see; --cursor keeps the position across restarts\n"
               "  (--after says where to start when the cursor file does not exist yet)\n");
        return 0;
    }
    if (!cli->token || !*cli->token) {
        fprintf(stderr, "regie: no token: give --token or set REGIE_TOKEN\n");
        return 2;
    }
    if (cursor && load_cursor(cursor, &after) == -2) {
        fprintf(stderr, "regie: the cursor file %s holds no position\n", cursor);
        return 2;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    rg_client *c;
    if (rg_client_open(&c, cli->url, (int)wait + 10000, cli->tls_ca) < 0) {
        fprintf(stderr, "regie: cannot dial %s\n", cli->url);
        return 3;
    }
    int status = 0;
    bool said_down = false;
    while (!stopping) {
        rg_buf b = RG_BUF_INIT;
        rg_req_envelope(&b, "feed.read", cli->token, NULL, NULL, -1, 3);
        rg_w_kuint(&b, "after", after);
        rg_w_kuint(&b, "limit", limit);
        rg_w_kuint(&b, "wait_ms", wait);
        uint8_t *reply;
        size_t n;
        int rc = rg_client_call_until(c, b.data, b.len, &reply, &n, &stopping);
        rg_buf_free(&b);
        if (stopping) {
            free(reply);            /* unprinted: the cursor still points before it */
            break;
        }
        if (rc < 0) {
            if (!said_down) fprintf(stderr, "regie: %s does not answer; retrying\n", cli->url);
            said_down = true;
            nng_msleep(500);
            continue;
        }
        said_down = false;
        rg_doc *d;
        const char *why;
        bool ok = false;
        if (rg_doc_parse(&d, reply, n, &why) < 0) {
            free(reply);
            fprintf(stderr, "regie: malformed reply: %s\n", why);
            status = 3;
            break;
        }
        const rg_val *root = rg_doc_root(d);
        rg_val_bool(rg_map_get(root, "ok"), &ok);
        if (!ok) {
            char code[64] = "?", msg[512] = "";
            rg_val_strcpy(rg_map_get(root, "error"), code, sizeof code);
            rg_val_strcpy(rg_map_get(root, "message"), msg, sizeof msg);
            if (strcmp(code, "overloaded") != 0) {
                fprintf(stderr, "error: %s: %s\n", code, msg);
                status = 1;
                rg_doc_free(d);
                free(reply);
                break;
            }
            nng_msleep(200);                   /* shutting down: retry */
        }
        const rg_val *evs = rg_map_get(root, "events");
        for (uint32_t i = 0; i < rg_array_size(evs); i++) print_event(cli, rg_array_at(evs, i));
        fflush(stdout);
        uint64_t next = after;
        rg_val_uint(rg_map_get(root, "next"), &next);
        uint32_t count = rg_array_size(evs);
        rg_doc_free(d);
        free(reply);
        if (ok) after = next;
        if (cursor && count && save_cursor(cursor, after) < 0)
            fprintf(stderr, "regie: cannot write the cursor %s\n", cursor);
        if (ok && count == 0 && idle_exit) break;
    }
    rg_client_close(c);
    return status;
}

int rg_cli_alerts(const rg_cli *cli, const char **rest, int nrest)
{
    const char *actor = getenv("REGIE_ACTOR"), *pub = getenv("REGIE_PUB");
    long count = -1;
    if (!pub || !*pub) pub = "tcp://127.0.0.1:7451";
    for (int i = 0; i < nrest; i++) {
        const char *v;
        if ((v = opt(rest, nrest, &i, "--actor"))) actor = v;
        else if ((v = opt(rest, nrest, &i, "--publish"))) pub = v;
        else if ((v = opt(rest, nrest, &i, "--count"))) count = atol(v);
        else {
            fprintf(stderr, "regie: alerts has no option %s\n", rest[i]);
            return 2;
        }
    }
    if (cli->help || !actor || !*actor) {
        printf("regie alerts --actor ID [--publish URL] [--count N] [--json]\n"
               "  prints the alerts for actor ID as they arrive ($REGIE_ACTOR, $REGIE_PUB)\n");
        return cli->help ? 0 : 2;
    }
    nng_socket s;
    if (nng_sub0_open(&s) != 0) return 3;
    char topic[128];
    int tn = snprintf(topic, sizeof topic, "alert.%s", actor);
    nng_socket_set(s, NNG_OPT_SUB_SUBSCRIBE, topic, (size_t)tn + 1);   /* with the 0x00 */
    nng_socket_set_ms(s, NNG_OPT_RECVTIMEO, 500);
    nng_socket_set_ms(s, NNG_OPT_RECONNMAXT, 1000);
    if (nng_dial(s, pub, NULL, NNG_FLAG_NONBLOCK) != 0) {
        fprintf(stderr, "regie: cannot dial %s\n", pub);
        return 3;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    while (!stopping && count != 0) {
        char *buf;
        size_t n;
        if (nng_recv(s, &buf, &n, NNG_FLAG_ALLOC) != 0) continue;
        size_t tl = strnlen(buf, n);
        rg_doc *d;
        const char *why;
        if (tl < n && rg_doc_parse(&d, (uint8_t *)buf + tl + 1, n - tl - 1, &why) == 0) {
            const rg_val *m = rg_doc_root(d);
            if (cli->json) {
                printf("{\"topic\":\"%.*s\",\"alert\":", (int)tl, buf);
                rg_render_json(stdout, m);
                printf("}\n");
            } else {
                uint64_t seq = 0, at = 0;
                char cs[72] = "", type[64] = "", iso[40];
                rg_val_uint(rg_map_get(m, "seq"), &seq);
                rg_val_uint(rg_map_get(m, "at"), &at);
                rg_val_strcpy(rg_map_get(m, "case"), cs, sizeof cs);
                rg_val_strcpy(rg_map_get(m, "type"), type, sizeof type);
                rg_render_iso(iso, sizeof iso, at);
                printf("ALERT %s  %-14s %-22s seq %" PRIu64 "\n", iso, cs, type, seq);
            }
            fflush(stdout);
            rg_doc_free(d);
            if (count > 0) count--;
        }
        nng_free(buf, n);
    }
    rg_net_close(s, RG_NET_CLOSE_MS);
    return 0;
}
