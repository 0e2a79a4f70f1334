/*
 * follow.c - `regie tail` and `regie alerts`.
 *
 * Both take the caller's own notification topics from notify.topics (with
 * the token: a topic is opaque, and nobody without a token learns anything
 * from the notification socket; CONTRACT.md, "Notifications"), subscribe to
 * one of them on --publish as a wake-up, and read the record itself with a
 * request: a notification carries only {seq}, and PUB may drop it.
 *
 * tail follows the caller's feed: feed.read from its position, printing each
 * event as it becomes visible, and keeps its position in a cursor file,
 * written (temporary file, fsync, rename) only after the page it covers was
 * printed: a restart resumes where it stopped; a crash between printing and
 * saving prints that page again, it never skips one.  While it is subscribed
 * it waits for a wake-up on its feed topic (at most --wait ms, then it reads
 * anyway: a wake-up may have been dropped); while the notification socket is
 * not connected it long-polls feed.read with wait_ms instead.  When the
 * engine is unreachable it keeps retrying: both sockets redial by themselves.
 *
 * alerts follows the caller's durable alerts: alerts.list from --after (an
 * alert number), each alert printed once, oldest first; then it waits for a
 * wake-up on its alerts topic (or, not subscribed, polls every second) and
 * lists again from where it was.  --exit-when-idle: what there is, then stop.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <nng/nng.h>
#include <nng/protocol/pubsub0/sub.h>
#include <nng/supplemental/util/platform.h>
#include <signal.h>
#include <stdatomic.h>
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

/* A whole number for option name, or a message and false. */
static bool number(const char *name, const char *v, uint64_t *out)
{
    char *end;
    unsigned long long u = strtoull(v, &end, 10);
    if (!*v || *end || *v == '-') {
        fprintf(stderr, "regie: %s takes a whole number, not '%s'\n", name, v);
        return false;
    }
    *out = u;
    return true;
}

static const char *default_publish(void)
{
    const char *pub = getenv("REGIE_PUB");
    return pub && *pub ? pub : "tcp://127.0.0.1:7451";
}

/* ---- the wake-up: one SUB socket on one of the caller's topics ---- */

typedef struct waker {
    nng_socket sock;
    bool open;
    atomic_int pipes;         /* connections to the publisher, counted by nng's pipe events */
} waker;

static void on_pipe(nng_pipe p, nng_pipe_ev ev, void *arg)
{
    (void)p;
    waker *w = arg;
    if (ev == NNG_PIPE_EV_ADD_POST) atomic_fetch_add(&w->pipes, 1);
    else if (ev == NNG_PIPE_EV_REM_POST) atomic_fetch_sub(&w->pipes, 1);
}

/* Why the engine's URL cannot be dialled, as far as it is ours to say. */
static void say_cannot_dial(const rg_cli *cli)
{
    const char *why = NULL;
    char name[256];
    if (strncmp(cli->url, "tls+", 4) == 0) rg_tls_server_name(cli->url, cli->tls.server_name, name, sizeof name, &why);
    fprintf(stderr, "regie: cannot dial %s%s%s\n", cli->url, why ? ": " : "", why ? why : "");
}

/* Subscribe to exactly `topic` (the topic and its 0x00) on url; the dial
 * goes on in the background, and nng redials after an engine restart. */
static int waker_open(waker *w, const char *url, const char *topic, const rg_tls_opts *tls)
{
    memset(w, 0, sizeof *w);
    atomic_init(&w->pipes, 0);
    if (nng_sub0_open(&w->sock) != 0) return -1;
    w->open = true;
    nng_pipe_notify(w->sock, NNG_PIPE_EV_ADD_POST, on_pipe, w);
    nng_pipe_notify(w->sock, NNG_PIPE_EV_REM_POST, on_pipe, w);
    nng_socket_set(w->sock, NNG_OPT_SUB_SUBSCRIBE, topic, strlen(topic) + 1);
    nng_socket_set_ms(w->sock, NNG_OPT_RECONNMINT, 50);
    nng_socket_set_ms(w->sock, NNG_OPT_RECONNMAXT, 1000);
    const char *why;
    int rv = -rg_client_dial((uint32_t)nng_socket_id(w->sock), url, tls, &why);
    if (rv != 0) {
        fprintf(stderr, "regie: cannot subscribe on %s: %s\n", url, why ? why : nng_strerror(rv));
        return -1;
    }
    return 0;
}

static void waker_close(waker *w)
{
    if (w->open) rg_net_close(w->sock, RG_NET_CLOSE_MS);
    w->open = false;
}

static bool waker_connected(waker *w) { return w->open && atomic_load(&w->pipes) > 0; }

/* The {seq} of a notification (0 when it cannot be read). */
static uint64_t seq_of(const char *buf, size_t n)
{
    size_t tl = strnlen(buf, n);
    uint64_t seq = 0;
    rg_doc *d;
    const char *why;
    if (tl < n && rg_doc_parse(&d, (const uint8_t *)buf + tl + 1, n - tl - 1, &why) == 0) {
        rg_val_uint(rg_map_get(rg_doc_root(d), "seq"), &seq);
        rg_doc_free(d);
    }
    return seq;
}

/* Wait at most ms for a wake-up telling of a position after `after`, or
 * until stopping; true when one came.  Every wake-up queued is taken. */
static bool waker_wait(waker *w, uint64_t ms, uint64_t after)
{
    bool woke = false;
    nng_time end = nng_clock() + ms;
    while (!stopping && !woke) {
        nng_time now = nng_clock();
        if (now >= end) break;
        /* In slices, so that a signal is acted on at once. */
        nng_socket_set_ms(w->sock, NNG_OPT_RECVTIMEO, end - now < 100 ? (nng_duration)(end - now) : 100);
        for (int flags = NNG_FLAG_ALLOC;; flags = NNG_FLAG_ALLOC | NNG_FLAG_NONBLOCK) {
            char *buf;
            size_t n;
            if (nng_recv(w->sock, &buf, &n, flags) != 0) break;
            uint64_t seq = seq_of(buf, n);
            nng_free(buf, n);
            if (seq > after || seq == 0) woke = true;
        }
    }
    return woke;
}

/* ---- requests ---- */

/* Call b until the engine answers; the parsed reply into *d (its root ok or
 * not), or -1 when stopped. */
static int call_retrying(rg_client *c, const rg_cli *cli, const rg_buf *b, rg_doc **d, uint8_t **reply)
{
    bool said_down = false;
    while (!stopping) {
        size_t n;
        int rc = rg_client_call_until(c, b->data, b->len, reply, &n, &stopping);
        if (stopping) {
            free(*reply);
            *reply = NULL;
            return -1;
        }
        if (rc < 0) {
            if (!said_down) fprintf(stderr, "regie: %s does not answer; retrying\n", cli->url);
            said_down = true;
            nng_msleep(500);
            continue;
        }
        const char *why;
        if (rg_doc_parse(d, *reply, n, &why) < 0) {
            fprintf(stderr, "regie: malformed reply: %s\n", why);
            free(*reply);
            *reply = NULL;
            return -2;
        }
        return 0;
    }
    return -1;
}

/* An error reply: said on stderr, true; "overloaded" (the engine shutting
 * down) is retried: false after a pause. */
static bool failed(const rg_val *root)
{
    bool ok = false;
    if (rg_val_bool(rg_map_get(root, "ok"), &ok) && ok) return false;
    char code[64] = "?", msg[512] = "";
    rg_val_strcpy(rg_map_get(root, "error"), code, sizeof code);
    rg_val_strcpy(rg_map_get(root, "message"), msg, sizeof msg);
    if (strcmp(code, "overloaded") == 0) {
        nng_msleep(200);
        return false;
    }
    fprintf(stderr, "error: %s: %s\n", code, msg);
    return true;
}

static bool is_ok(const rg_val *root)
{
    bool ok = false;
    return rg_val_bool(rg_map_get(root, "ok"), &ok) && ok;
}

/* One request of a follower, b (freed): ASK_OK with the ok reply in *d
 * and *reply (the caller frees both), ASK_AGAIN when the engine was
 * overloaded (after a pause), ASK_REFUSED after an error reply (said),
 * ASK_BROKEN for a malformed reply, ASK_STOPPED on a signal. */
enum { ASK_STOPPED = -1, ASK_OK = 0, ASK_REFUSED = 1, ASK_AGAIN = 2, ASK_BROKEN = 3 };

static int ask(rg_client *c, const rg_cli *cli, rg_buf *b, rg_doc **d, uint8_t **reply)
{
    *d = NULL;
    *reply = NULL;
    int rc = call_retrying(c, cli, b, d, reply);
    rg_buf_free(b);
    if (rc == -1) return ASK_STOPPED;
    if (rc < 0) return ASK_BROKEN;
    const rg_val *root = rg_doc_root(*d);
    int out = failed(root) ? ASK_REFUSED : is_ok(root) ? ASK_OK : ASK_AGAIN;
    if (out != ASK_OK) {
        rg_doc_free(*d);
        free(*reply);
        *d = NULL;
        *reply = NULL;
    }
    return out;
}

/* notify.topics: the caller's topic `which` ("feed" or "alerts") into topic.
 * 0, 1 after an error reply (said), -1 when stopped. */
static int my_topic(rg_client *c, const rg_cli *cli, const char *which, char *topic, size_t cap)
{
    for (;;) {
        rg_buf b = RG_BUF_INIT;
        rg_req_envelope(&b, "notify.topics", cli->token, NULL, NULL, -1, -1);
        rg_doc *d;
        uint8_t *reply;
        int rc = ask(c, cli, &b, &d, &reply);
        if (rc == ASK_STOPPED) return -1;
        if (rc == ASK_AGAIN) continue;
        if (rc != ASK_OK) return 1;
        int out = 0;
        if (!rg_val_strcpy(rg_map_get(rg_doc_root(d), which), topic, cap) || !topic[0]) {
            fprintf(stderr, "regie: notify.topics gave no %s topic\n", which);
            out = 1;
        }
        rg_doc_free(d);
        free(reply);
        return out;
    }
}

/* ---- tail ---- */

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
    rg_render_local(iso, sizeof iso, at, false);
    printf("%8" PRIu64 "  %s  %-14s v%-3" PRIu64 " %-22s by %s\n", seq, iso, cs, v, type, actor);
}

int rg_cli_tail(const rg_cli *cli, const char **rest, int nrest)
{
    const char *cursor = NULL, *pub = default_publish();
    uint64_t after = 0, wait = 25000, page = 500, limit = 0, printed = 0;   /* limit 0: no cap */
    bool idle_exit = false;
    for (int i = 0; i < nrest; i++) {
        const char *v;
        if ((v = opt(rest, nrest, &i, "--cursor"))) cursor = v;
        else if ((v = opt(rest, nrest, &i, "--after"))) {
            if (!number("--after", v, &after)) return 2;
        } else if ((v = opt(rest, nrest, &i, "--wait"))) {
            if (!number("--wait", v, &wait)) return 2;
        } else if ((v = opt(rest, nrest, &i, "--limit"))) {
            if (!number("--limit", v, &limit) || limit == 0) {
                fprintf(stderr, "regie: --limit takes the most events to print, at least 1\n");
                return 2;
            }
        } else if ((v = opt(rest, nrest, &i, "--page"))) {
            if (!number("--page", v, &page) || page == 0 || page > 1000) {
                fprintf(stderr, "regie: --page takes 1..1000\n");
                return 2;
            }
        } else if ((v = opt(rest, nrest, &i, "--publish"))) pub = v;
        else if (strcmp(rest[i], "--exit-when-idle") == 0) idle_exit = true;
        else {
            fprintf(stderr, "regie: tail has no option %s\n", rest[i]);
            return 2;
        }
    }
    if (cli->help) {
        printf("regie tail [--cursor FILE] [--after SEQ] [--wait MS] [--limit N] [--page N] [--publish URL]\n"
               "           [--exit-when-idle] [--json]\n\n"
               "  Follow the events you may see, as they come.\n"
               "  Who may: procesregisseur, partner, manager.\n\n"
               "  follows the events you may see (feed.read); --cursor keeps the position across\n"
               "  restarts (--after says where to start when the cursor file does not exist yet);\n"
               "  wakes up on your feed topic (notify.topics) on the notification socket --publish\n"
               "  (default $REGIE_PUB or tcp://127.0.0.1:7451), reading anyway every --wait ms\n"
               "  (default 25000); --exit-when-idle stops once nothing new came for --wait ms;\n"
               "  --limit N stops after N events (the cursor then points after the last one printed);\n"
               "  --page N reads N events at a time (1..1000, default 500); times in local time\n\n"
               "example:\n  regie tail --cursor ~/.regie-tail --limit 20\n");
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
    if (rg_client_open(&c, cli->url, (int)wait + 10000, &cli->tls) < 0) {
        say_cannot_dial(cli);
        return 3;
    }
    int status = 0;
    static waker w;         /* static: nng's pipe callbacks may outlive a close that gave up */
    char topic[128];
    int rc = my_topic(c, cli, "feed", topic, sizeof topic);
    if (rc > 0) status = 1;
    if (rc == 0 && waker_open(&w, pub, topic, &cli->tls) < 0) status = 3;
    bool timed_out = false;
    while (!stopping && status == 0) {
        /* Subscribed: a plain read, then wait for a wake-up.  Not (yet)
         * connected: the engine holds the read until there is something. */
        bool sub = waker_connected(&w);
        rg_buf b = RG_BUF_INIT;
        rg_req_envelope(&b, "feed.read", cli->token, NULL, NULL, -1, 3);
        rg_w_kuint(&b, "after", after);
        rg_w_kuint(&b, "limit", limit && limit - printed < page ? limit - printed : page);
        rg_w_kuint(&b, "wait_ms", sub ? 0 : wait);
        rg_doc *d;
        uint8_t *reply;
        rc = ask(c, cli, &b, &d, &reply);
        if (rc == ASK_STOPPED) break;           /* the cursor still points before it */
        if (rc == ASK_AGAIN) continue;
        if (rc != ASK_OK) {
            status = rc;
            break;
        }
        const rg_val *root = rg_doc_root(d);
        const rg_val *evs = rg_map_get(root, "events");
        for (uint32_t i = 0; i < rg_array_size(evs); i++) print_event(cli, rg_array_at(evs, i));
        fflush(stdout);
        uint64_t next = after;
        rg_val_uint(rg_map_get(root, "next"), &next);
        uint32_t count = rg_array_size(evs);
        rg_doc_free(d);
        free(reply);
        after = next;
        if (cursor && count && save_cursor(cursor, after) < 0)
            fprintf(stderr, "regie: cannot write the cursor %s\n", cursor);
        printed += count;
        if (limit && printed >= limit) break;   /* the cap: each read asked for no more */
        if (count) {
            timed_out = false;
            continue;
        }
        if (!sub || timed_out) {                /* --wait ms passed with nothing new */
            if (idle_exit) break;
            timed_out = false;
            if (!sub) continue;
        }
        timed_out = !waker_wait(&w, wait, after);
    }
    waker_close(&w);
    rg_client_close(c);
    return status;
}

/* ---- alerts ---- */

static void print_alert(const rg_cli *cli, const rg_val *al)
{
    if (cli->json) {
        rg_render_json(stdout, al);
        fputc('\n', stdout);
        return;
    }
    uint64_t n = 0, seq = 0, since = 0;
    bool acked = false;
    char cs[72] = "", kind[32] = "", norm[64] = "", item[72] = "", iso[40];
    rg_val_uint(rg_map_get(al, "alert"), &n);
    rg_val_uint(rg_map_get(al, "seq"), &seq);
    rg_val_uint(rg_map_get(al, "since"), &since);
    rg_val_bool(rg_map_get(al, "acked"), &acked);
    rg_val_strcpy(rg_map_get(al, "case"), cs, sizeof cs);
    rg_val_strcpy(rg_map_get(al, "kind"), kind, sizeof kind);
    rg_val_strcpy(rg_map_get(al, "norm"), norm, sizeof norm);
    rg_val_strcpy(rg_map_get(al, "item"), item, sizeof item);
    rg_render_local(iso, sizeof iso, since, false);
    bool open = true;
    rg_val_bool(rg_map_get(al, "open"), &open);
    printf("ALERT %-5" PRIu64 " %s  %-14s %-10s %s%s%s  seq %" PRIu64 "%s%s\n", n, iso, cs, kind,
           norm[0] ? norm : "-", item[0] ? " " : "", item, seq, acked ? "  (acked)" : "",
           open ? "" : "  (resolved)");
    char text[2048];
    if (rg_val_strcpy(rg_map_get(al, "text"), text, sizeof text)) printf("      %s\n", text);
    if (rg_val_strcpy(rg_map_get(rg_map_get(al, "resolved"), "text"), text, sizeof text)) printf("      %s\n", text);
}

int rg_cli_alerts(const rg_cli *cli, const char **rest, int nrest)
{
    const char *pub = default_publish();
    uint64_t after = 0, wait = 25000, limit = 100, count = 0;
    bool open_only = false, idle_exit = false, counted = false;
    for (int i = 0; i < nrest; i++) {
        const char *v;
        if ((v = opt(rest, nrest, &i, "--publish"))) pub = v;
        else if ((v = opt(rest, nrest, &i, "--after"))) {
            if (!number("--after", v, &after)) return 2;
        } else if ((v = opt(rest, nrest, &i, "--wait"))) {
            if (!number("--wait", v, &wait)) return 2;
        } else if ((v = opt(rest, nrest, &i, "--limit"))) {
            if (!number("--limit", v, &limit) || limit == 0 || limit > 1000) {
                fprintf(stderr, "regie: --limit takes 1..1000\n");
                return 2;
            }
        } else if ((v = opt(rest, nrest, &i, "--count"))) {
            if (!number("--count", v, &count)) return 2;
            counted = true;
        } else if (strcmp(rest[i], "--open") == 0) open_only = true;
        else if (strcmp(rest[i], "--exit-when-idle") == 0) idle_exit = true;
        else if (strncmp(rest[i], "--actor", 7) == 0) {
            fprintf(stderr, "regie: alerts lists the alerts of the token's own actor; there is no --actor\n");
            return 2;
        } else {
            fprintf(stderr, "regie: alerts has no option %s\n", rest[i]);
            return 2;
        }
    }
    if (cli->help) {
        printf("regie alerts [--after N] [--open] [--limit N] [--count N] [--wait MS] [--publish URL]\n"
               "             [--exit-when-idle] [--json]\n\n"
               "  Follow your alerts as they are raised (stagnations, overdue deadlines, escalations).\n"
               "  Who may: procesregisseur, partner, manager.\n\n"
               "  prints your alerts (alerts.list), each once, oldest first, and then each new one\n"
               "  as it is raised, with its line in words and, once resolved, why; --after N starts\n"
               "  after alert number N (to resume); --open only those still open: not resolved by\n"
               "  themselves and not acknowledged (regie alert ack --alert N); --count N stops after N;\n"
               "  wakes up on your alerts topic (notify.topics) on the notification socket\n"
               "  --publish (default $REGIE_PUB or tcp://127.0.0.1:7451), listing anyway every\n"
               "  --wait ms (default 25000); --exit-when-idle prints what there is and stops\n\n"
               "example:\n  regie alerts --open\n");
        return 0;
    }
    if (!cli->token || !*cli->token) {
        fprintf(stderr, "regie: no token: give --token or set REGIE_TOKEN\n");
        return 2;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    rg_client *c;
    if (rg_client_open(&c, cli->url, cli->timeout_ms, &cli->tls) < 0) {
        say_cannot_dial(cli);
        return 3;
    }
    int status = 0;
    static waker w;
    char topic[128];
    int rc = my_topic(c, cli, "alerts", topic, sizeof topic);
    if (rc > 0) status = 1;
    if (rc == 0 && waker_open(&w, pub, topic, &cli->tls) < 0) status = 3;
    while (!stopping && status == 0 && !(counted && count == 0)) {
        rg_buf b = RG_BUF_INIT;
        rg_req_envelope(&b, "alerts.list", cli->token, NULL, NULL, -1, 3);
        rg_w_kuint(&b, "after", after);
        rg_w_kuint(&b, "limit", limit);
        /* A follower prints every alert as it is raised; --open only those
         * still open (neither resolved nor acknowledged). */
        rg_w_kbool(&b, open_only ? "open" : "all", true);
        rg_doc *d;
        uint8_t *reply;
        rc = ask(c, cli, &b, &d, &reply);
        if (rc == ASK_STOPPED) break;
        if (rc == ASK_AGAIN) continue;
        if (rc != ASK_OK) {
            status = rc;
            break;
        }
        const rg_val *root = rg_doc_root(d);
        const rg_val *als = rg_map_get(root, "alerts");
        uint32_t n = rg_array_size(als);
        uint64_t next = after;
        /* Up to --count; the position moves only past what was printed. */
        for (uint32_t i = 0; i < n && !(counted && count == 0); i++) {
            const rg_val *al = rg_array_at(als, i);
            print_alert(cli, al);
            rg_val_uint(rg_map_get(al, "alert"), &next);
            if (counted) count--;
        }
        if (!(counted && count == 0)) rg_val_uint(rg_map_get(root, "next"), &next);
        fflush(stdout);
        rg_doc_free(d);
        free(reply);
        after = next;
        if (n == limit) continue;               /* more at once */
        if (idle_exit) break;                   /* all there is, printed */
        /* Subscribed: until a wake-up, or --wait ms (one may be dropped);
         * not (yet): look again in a second, or at --wait. */
        waker_wait(&w, waker_connected(&w) || wait < 1000 ? wait : 1000, 0);
    }
    waker_close(&w);
    rg_client_close(c);
    return status;
}
