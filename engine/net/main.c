/*
 * main.c - regied: the engine process.  Parses options, opens the engine on
 * the data directory, serves requests and publishes notifications on a libuv
 * loop, and shuts down cleanly on SIGTERM or SIGINT (the commit in flight is
 * finished and answered, then it exits 0).
 */
#include <getopt.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <uv.h>

#include "../core/engine.h"
#include "../replay/replay.h"
#include "../services/services.h"
#include "../core/ledger.h"
#include "../core/quota.h"
#include "http.h"
#include "http_metrics.h"
#include "jsonlog.h"
#include "offline.h"
#include "publish.h"
#include "sdnotify.h"
#include "server.h"
#include "../../handlers/handlers.h"
#include "../core/bootstrap.h"

static const char usage[] =
    "usage: regied --data DIR [options]\n"
    "\n"
    "  --data DIR           data directory (created if missing); required\n"
    "  --listen URL         commands and queries, nng REQ/REP (default tcp://127.0.0.1:7450)\n"
    "  --publish URL        notifications, nng PUB (default tcp://127.0.0.1:7451)\n"
    "  --clock MODE         real (default), manual, or manual=ISO8601 (start instant)\n"
    "  --http ADDR:PORT     the HTTP face: JSON API, live feeds, browser app, /metrics\n"
    "                       (default 127.0.0.1:7480; off: none)\n"
    "  --web-root DIR       the browser app's files (default: found beside the binary)\n"
    "  --tls-cert-key FILE  PEM file with certificate and key, for tls+tcp:// URLs and HTTPS\n"
    "  --tls-ca FILE        require a client certificate signed by a CA in FILE (PEM) of every\n"
    "                       TLS peer: tls+tcp:// on both endpoints, and HTTPS\n"
    "  --workers N          concurrent requests (nng contexts), default 256\n"
    "  --rebuild            recompute every projection from the log before serving\n"
    "  --config FILE        the region's norms (see README: 'norm.NAME = N' lines)\n"
    "  --cache-cases N      cases kept in memory once durable, default 100000\n"
    "  --zvh NAME           the region of actors created without one (default zvh)\n"
    "  --key-file FILE      the key-encryption key (default DIR.kek, beside the data directory,\n"
    "                       created 0600 for a new one; losing it loses every case's personal\n"
    "                       data; refused if others may read it)\n"
    "  --key-file-inside-data  accept a --key-file inside the data directory (refused otherwise:\n"
    "                       every copy of the directory would take the key along)\n"
    "  --sign-key FILE      the Ed25519 key that signs the log's tree heads (64 hex digits; default\n"
    "                       DIR.sign beside the data directory, created 0600; its public key is\n"
    "                       written to DIR/sign.pub for whoever checks the log)\n"
    "  --retention-days N   archived and referred cases are erased N days on (default 1826)\n"
    "  --subject-known-per-hour N\n"
    "                       subject.known lookups per caller and hour, then overloaded (default 60)\n"
    "  --log-format FORMAT  text (default) or json: one {ts, level, msg} object per line\n"
    "  --verify             check the hash chain before serving (always done after --restore)\n"
    "  --check-config       check --config (and --clock, --tls-cert-key, --tls-ca, --key-file),\n"
    "                       exit 0 or 1;\n"
    "                       opens no data directory\n"
    "  --ledger FILE        the erasure ledger: every erased case's id, appended as erasures\n"
    "                       become durable (default DIR.ledger, beside the data directory)\n"
    "  --restore BACKUP     restore the newest backup in BACKUP into --data DIR (new or empty),\n"
    "                       then exit; backups are made by the admin operation backup.create;\n"
    "                       the cases --ledger names are erased again at the first start\n"
    "  --no-ledger          restore without the engine's erasure ledger (refused otherwise): the\n"
    "                       cases erased since the backup's last run come back\n"
    "  --help               this text\n"
    "\n"
    "Any nng URL works for either endpoint: tcp://, ipc://, tls+tcp://.\n"
    "On first start DIR/admin.token (mode 0600) receives the admin's token.\n";

typedef struct app {
    uv_loop_t loop;
    uv_signal_t sigterm, sigint;
    rg_engine *engine;
    rg_server *server;
    rg_publisher *pub;
    rg_http *http;
    rg_metrics *metrics;      /* /metrics: both transports count into it; NULL with --http off */
    int exit_code;
} app;

static void server_done(void *ud)
{
    app *a = ud;
    uv_close((uv_handle_t *)&a->sigterm, NULL);
    uv_close((uv_handle_t *)&a->sigint, NULL);
    rg_engine_close(a->engine);
}

/* Every durable event wakes both the nng subscribers and the SSE streams. */
static void notify_all(void *ud, const rg_notice *n)
{
    app *a = ud;
    rg_publisher_notify(a->pub, n);
    if (a->http) rg_http_notify(a->http, n);
}

/* The HTTP face is drained first (its requests are the engine's too), then
 * the nng server. */
static void http_done(void *ud)
{
    app *a = ud;
    a->http = NULL;
    rg_server_shutdown(a->server, server_done, a);
}

static void on_signal(uv_signal_t *h, int signum)
{
    app *a = h->data;
    fprintf(stderr, "regied: signal %d: finishing the commit in flight, then exiting\n", signum);
    uv_signal_stop(&a->sigterm);
    uv_signal_stop(&a->sigint);
    rg_sd_notify("STOPPING=1");
    if (a->http) rg_http_shutdown(a->http, http_done, a);
    else rg_server_shutdown(a->server, server_done, a);
}

/* regied's options, as given (defaults first). */
typedef struct opts {
    const char *dir, *listen, *publish, *clock, *tls, *tls_ca, *config, *zvh, *restore, *log_format;
    const char *key_file, *ledger, *sign_key, *http, *web_root;
    int workers;
    long cache_cases, retention_days, known_per_hour;
    bool rebuild, verify, check_config, key_inside_ok, no_ledger;
} opts;

/* The command line into o: -1 to go on, else the exit status (--help: 0,
 * an unknown option: 2). */
static int parse_options(int argc, char **argv, opts *o)
{
    *o = (opts){.listen = "tcp://127.0.0.1:7450", .publish = "tcp://127.0.0.1:7451", .clock = "real",
                .zvh = RG_ZVH_DEFAULT, .log_format = "text", .http = "127.0.0.1:7480", .workers = 256,
                .cache_cases = RG_CACHE_CASES_DEFAULT, .known_per_hour = RG_SUBJECT_KNOWN_PER_HOUR};
    static const struct option longopts[] = {
        {"data", required_argument, 0, 'd'},     {"listen", required_argument, 0, 'l'},
        {"publish", required_argument, 0, 'p'},  {"clock", required_argument, 0, 'c'},
        {"tls-cert-key", required_argument, 0, 't'}, {"workers", required_argument, 0, 'w'},
        {"rebuild", no_argument, 0, 'r'},       {"config", required_argument, 0, 'C'},
        {"cache-cases", required_argument, 0, 'K'}, {"zvh", required_argument, 0, 'z'},
        {"key-file", required_argument, 0, 'k'}, {"retention-days", required_argument, 0, 'D'},
        {"verify", no_argument, 0, 'V'},         {"check-config", no_argument, 0, 'Q'},
        {"restore", required_argument, 0, 'R'},  {"log-format", required_argument, 0, 'L'},
        {"key-file-inside-data", no_argument, 0, 'I'},
        {"ledger", required_argument, 0, 'G'},   {"no-ledger", no_argument, 0, 'N'},
        {"subject-known-per-hour", required_argument, 0, 'S'},
        {"tls-ca", required_argument, 0, 'A'},
        {"sign-key", required_argument, 0, 'Y'},
        {"http", required_argument, 0, 'H'},    {"web-root", required_argument, 0, 'W'},
        {"help", no_argument, 0, 'h'},           {0, 0, 0, 0},
    };
    int ch;
    while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'd': o->dir = optarg; break;
        case 'l': o->listen = optarg; break;
        case 'p': o->publish = optarg; break;
        case 'c': o->clock = optarg; break;
        case 't': o->tls = optarg; break;
        case 'w': o->workers = atoi(optarg); break;
        case 'r': o->rebuild = true; break;
        case 'C': o->config = optarg; break;
        case 'K': o->cache_cases = atol(optarg); break;
        case 'z': o->zvh = optarg; break;
        case 'k': o->key_file = optarg; break;
        case 'I': o->key_inside_ok = true; break;
        case 'G': o->ledger = optarg; break;
        case 'A': o->tls_ca = optarg; break;
        case 'N': o->no_ledger = true; break;
        case 'Y': o->sign_key = optarg; break;
        case 'D': o->retention_days = atol(optarg); break;
        case 'S': o->known_per_hour = atol(optarg); break;
        case 'V': o->verify = true; break;
        case 'Q': o->check_config = true; break;
        case 'R': o->restore = optarg; break;
        case 'L': o->log_format = optarg; break;
        case 'H': o->http = optarg; break;
        case 'W': o->web_root = optarg; break;
        case 'h': fputs(usage, stdout); return 0;
        default: fputs(usage, stderr); return 2;
        }
    }
    return -1;
}

/* What regied does without serving, and the options that do not go
 * together: -1 to go on and serve, else the exit status.  JSON logging
 * starts here, so every later line on stderr is in the chosen format. */
static int without_serving(int argc, const opts *o)
{
    if (strcmp(o->log_format, "text") != 0 && strcmp(o->log_format, "json") != 0) {
        fprintf(stderr, "regied: --log-format takes text or json, not %s\n", o->log_format);
        return 2;
    }
    if (strcmp(o->log_format, "json") == 0 && rg_jsonlog_start() < 0)
        fprintf(stderr, "regied: cannot set up JSON logging; logging as text\n");
    if (o->check_config && optind == argc) return rg_check_config(o->config, o->clock, o->tls, o->tls_ca, o->key_file);
    if (!o->dir || optind != argc || o->workers < 1 || o->workers > 65536 || o->cache_cases < 1 ||
        o->retention_days < 0 || o->retention_days > 100000 || o->known_per_hour < 1 ||
        o->known_per_hour > 1000000) {
        fputs(usage, stderr);
        return 2;
    }
    if (o->no_ledger && (!o->restore || o->ledger)) {
        fprintf(stderr, "regied: --no-ledger goes with --restore, without --ledger\n");
        return 2;
    }
    if (o->restore) return rg_restore(o->restore, o->dir, o->ledger, o->no_ledger);
    /* Client certificates are asked for by TLS alone: --tls-ca on plain
     * endpoints would leave them unauthenticated while seeming not to. */
    if (o->tls_ca && strncmp(o->listen, "tls+", 4) != 0 && strncmp(o->publish, "tls+", 4) != 0) {
        fprintf(stderr, "regied: --tls-ca requires client certificates over TLS only: give tls+tcp:// "
                        "URLs to --listen and --publish\n");
        return 2;
    }
    return -1;
}

/* The engine opened on the data directory and made ready to serve: rebuilt
 * if asked, a restored directory's hash chain proved and its erasures done
 * again, the first admin there.  0, or the exit status. */
static int open_engine(app *a, const opts *o)
{
    rg_engine_opts eo = {.module = &rg_handlers_module, .dir = o->dir, .cache_cases = (size_t)o->cache_cases};
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    if (rg_clock_parse(&eo.clock, o->clock, (uint64_t)now.tv_sec * 1000) < 0) {
        fprintf(stderr, "regied: --clock takes real, manual or manual=ISO8601, not %s\n", o->clock);
        return 2;
    }
    eo.config = o->config;
    eo.zvh = o->zvh;
    eo.key_file = o->key_file;
    eo.key_inside_ok = o->key_inside_ok;
    eo.ledger = o->ledger;
    eo.sign_key = o->sign_key;
    eo.retention_days = (int)o->retention_days;
    eo.subject_known_per_hour = (uint32_t)o->known_per_hour;
    if (rg_engine_open(&a->engine, &a->loop, &eo) < 0) {
        fprintf(stderr, "regied: cannot open the data directory %s\n", o->dir);
        return 1;
    }
    if (o->rebuild) {
        uint64_t n = 0;
        if (rg_replay_rebuild(a->engine, &n) < 0) {
            fprintf(stderr, "regied: rebuilding the projections failed\n");
            return 1;
        }
        fprintf(stderr, "regied: rebuilt the projections from %llu events\n", (unsigned long long)n);
    }
    /* A restored directory proves its hash chain before anyone is served. */
    if (rg_verify_at_start(a->engine, o->dir, o->verify) < 0) return 1;
    /* A restore brings back what was erased after its backup: erase it again. */
    if (rg_ledger_apply(a->engine, o->dir) < 0) {
        fprintf(stderr, "regied: cannot erase again the cases erased before the restore; not serving\n");
        return 1;
    }
    if (rg_bootstrap_admin(a->engine, o->dir) < 0) return 1;
    return 0;
}

/* The faces: notifications, the nng server, the HTTP face (unless off).
 * 0, or the exit status. */
static int open_faces(app *a, const opts *o)
{
    if (rg_publisher_open(&a->pub, o->publish, o->tls, o->tls_ca) < 0) return 1;
    rg_engine_start(a->engine);
    rg_engine_set_notify(a->engine, notify_all, a);
    /* /metrics counts both transports' requests; without HTTP nobody reads them. */
    a->metrics = strcmp(o->http, "off") != 0 ? rg_metrics_new() : NULL;
    rg_server_opts so = {.listen_url = o->listen, .tls_cert_key = o->tls, .tls_ca = o->tls_ca, .workers = o->workers,
                         .metrics = a->metrics};
    if (rg_server_open(&a->server, &a->loop, a->engine, &so) < 0) return 1;
    if (a->metrics) {
        rg_http_opts ho = {o->http, o->tls, o->web_root, a->metrics, o->tls_ca};
        if (rg_http_open(&a->http, &a->loop, a->engine, &ho) < 0) return 1;
    }
    return 0;
}

/* Serve until SIGTERM or SIGINT has shut everything down (on_signal). */
static int serve(app *a, const opts *o)
{
    uv_signal_init(&a->loop, &a->sigterm);
    uv_signal_init(&a->loop, &a->sigint);
    a->sigterm.data = a->sigint.data = a;
    uv_signal_start(&a->sigterm, on_signal, SIGTERM);
    uv_signal_start(&a->sigint, on_signal, SIGINT);
    fprintf(stderr, "regied: data %s, listening on %s, publishing on %s, HTTP %s%s, clock %s\n", o->dir,
            o->listen, o->publish, a->http && o->tls ? "https://" : "", o->http, o->clock);
    /* systemd (Type=notify): serving from now on. */
    rg_sd_notify("READY=1\nSTATUS=serving");

    uv_run(&a->loop, UV_RUN_DEFAULT);
    rg_publisher_close(a->pub);
    int rc = uv_loop_close(&a->loop);
    if (a->metrics) rg_metrics_free(a->metrics);   /* the server and HTTP face are closed */
    if (rc != 0) fprintf(stderr, "regied: loop closed with handles open: %s\n", uv_strerror(rc));
    fprintf(stderr, "regied: stopped\n");
    return 0;
}

int main(int argc, char **argv)
{
    opts o;
    int rc = parse_options(argc, argv, &o);
    if (rc < 0) rc = without_serving(argc, &o);
    if (rc >= 0) return rc;
    signal(SIGPIPE, SIG_IGN);
    /* Every file and directory the engine (and RocksDB) creates is its
     * owner's alone: 0600 and 0700. */
    umask(077);
    app a;
    memset(&a, 0, sizeof a);
    uv_loop_init(&a.loop);
    if ((rc = open_engine(&a, &o)) != 0 || (rc = open_faces(&a, &o)) != 0) return rc;
    return serve(&a, &o);
}
