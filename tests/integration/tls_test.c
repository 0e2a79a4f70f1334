/*
 * tls_test.c - TLS between the regie client and the real regied (issue 20,
 * finding 9), with real certificates made here by openssl:
 *
 *   - the engine's certificate is checked against the host of the URL, not
 *     against "localhost" for every engine: a certificate for
 *     regie.example.org is accepted under that name (--tls-server-name) and
 *     refused under another; a CA-issued "localhost" certificate no longer
 *     passes for an IP address, which must be given its name;
 *   - client certificates: an engine started with --tls-ca refuses a client
 *     without a certificate, or with one of another CA, and serves a
 *     partner system presenting one of its CA, through the `regie` CLI and
 *     the library client alike; a subscriber of the PUB socket too.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <nng/nng.h>
#include <nng/protocol/pubsub0/sub.h>
#include <nng/supplemental/util/platform.h>
#include <stdatomic.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../test.h"

extern char **environ;

static char tmp[512];          /* certificates, data directories, logs */
/* The address start() has the engine listen on (a URL's host part). */
static const char *listen_host = "127.0.0.1";

static int sh(const char *fmt, const char *a, const char *b, const char *c)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, fmt, a, b, c);
    return system(cmd);
}

/* A CA (name.pem, name.key) in tmp. */
static int make_ca(const char *name)
{
    return sh("cd '%s' && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
              "-keyout %s.key -out %s.pem -subj /CN=regie-test-ca -days 2 >/dev/null 2>&1",
              tmp, name, name);
}

/* A certificate for dns (subject and DNS name), signed by ca: the
 * certificate and its key together in name.pem (nng's cert-key file). */
static int make_cert(const char *name, const char *dns, const char *ca)
{
    char arg[600];
    snprintf(arg, sizeof arg, "%s %s %s", name, dns, ca);
    char cmd[8192];
    snprintf(cmd, sizeof cmd,
             "cd '%s' && set -- %s && "
             "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout $1.key "
             "-out $1.csr -subj /CN=$2 >/dev/null 2>&1 && printf 'subjectAltName=DNS:%%s\\n' $2 > $1.ext && "
             "openssl x509 -req -in $1.csr -CA $3.pem -CAkey $3.key -CAcreateserial -out $1.crt -days 2 "
             "-extfile $1.ext >/dev/null 2>&1 && cat $1.crt $1.key > $1.pem",
             tmp, arg);
    return system(cmd);
}

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t n = sizeof a;
    int port = -1;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &n) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0) close(fd);
    return port;
}

/* regied on a fresh directory with TLS on both endpoints (cert: the
 * engine's file in tmp; ca: client certificates of that CA required, or
 * NULL).  Ready once its admin token exists and a TLS call as `name`
 * answers. */
static int start(rg_t_proc *p, const char *cert, const char *ca, const rg_tls_opts *tls)
{
    char *dir = rg_t_tmpdir(), certp[700], cap[700];
    snprintf(p->dir, sizeof p->dir, "%s", dir);
    free(dir);
    int port = free_port(), pport = free_port();
    snprintf(p->url, sizeof p->url, "tls+tcp://%s:%d", listen_host, port);
    snprintf(p->pub, sizeof p->pub, "tls+tcp://%s:%d", listen_host, pport);
    snprintf(certp, sizeof certp, "%s/%s.pem", tmp, cert);
    snprintf(cap, sizeof cap, "%s/%s.pem", tmp, ca ? ca : "");
    const char *bin = getenv("REGIED");
    if (!bin) bin = "bin/regied";
    const char *argv[18] = {bin, "--data", p->dir, "--listen", p->url, "--publish", p->pub,
                            "--tls-cert-key", certp, "--http", "off"};
    int argc = 11;
    if (ca) {
        argv[argc++] = "--tls-ca";
        argv[argc++] = cap;
    }
    argv[argc] = NULL;
    char log[700];
    snprintf(log, sizeof log, "%s/regied.log", p->dir);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 2, log, O_WRONLY | O_CREAT | O_APPEND, 0644);
    int rc = posix_spawn(&p->pid, bin, &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) return -1;
    char tok[700];
    snprintf(tok, sizeof tok, "%s/admin.token", p->dir);
    for (int i = 0; i < 600; i++) {
        FILE *f = fopen(tok, "r");
        if (f) {
            if (fgets(p->admin, sizeof p->admin, f)) p->admin[strcspn(p->admin, "\n")] = 0;
            fclose(f);
        }
        if (p->admin[0]) break;
        struct timespec ts = {0, 50 * 1000000};
        nanosleep(&ts, NULL);
    }
    if (!p->admin[0]) return -1;
    /* Ready when it answers (a TLS handshake per try). */
    rg_client *c;
    if (rg_client_open(&c, p->url, 1000, tls) < 0) return -1;
    for (int i = 0; i < 100; i++) {
        rg_buf b = RG_BUF_INIT;
        rg_req_envelope(&b, "stats", p->admin, NULL, NULL, -1, -1);
        rg_t_reply r = {0};
        int ok = rg_t_proc_call(p, c, &b, &r) == 0 && rg_t_ok(&r);
        rg_t_reply_free(&r);
        rg_buf_free(&b);
        if (ok) {
            rg_client_close(c);
            return 0;
        }
    }
    rg_client_close(c);
    printf("  regied with TLS did not answer (see %s)\n", log);
    return -1;
}

static void stop(rg_t_proc *p)
{
    CHECK(rg_t_proc_stop(p, SIGTERM) == 0);
    rg_t_rmrf(p->dir);
}

/* `regie stats` against url with these extra options; its exit status, its
 * stderr into err (a file in tmp). */
static int regie(const rg_t_proc *p, const char *url, const char *opts)
{
    const char *bin = getenv("REGIE");
    if (!bin) bin = "bin/regie";
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "cd '%s' && REGIE_TOKEN='%s' '%s' --connect '%s' --timeout 3000 %s stats "
             ">/dev/null 2>regie.err", tmp, p->admin, bin, url, opts);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static bool err_has(const char *text)
{
    char path[700], buf[4096];
    snprintf(path, sizeof path, "%s/regie.err", tmp);
    FILE *f = fopen(path, "r");
    if (!f) return false;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    return strstr(buf, text) != NULL;
}

static void test_certificates_can_be_made(void)
{
    REQUIRE(system("command -v openssl >/dev/null 2>&1") == 0);   /* Debian's openssl (make deps) */
    REQUIRE(make_ca("ca") == 0);
    REQUIRE(make_ca("partner-ca") == 0);
    REQUIRE(make_ca("rogue-ca") == 0);
    REQUIRE(make_cert("named", "regie.example.org", "ca") == 0);
    REQUIRE(make_cert("local", "localhost", "ca") == 0);
    REQUIRE(make_cert("partner", "partner-system", "partner-ca") == 0);
    REQUIRE(make_cert("rogue", "partner-system", "rogue-ca") == 0);
}

/* The engine's certificate is for regie.example.org. */
static void test_server_name_is_the_hosts(void)
{
    rg_t_proc p;
    memset(&p, 0, sizeof p);
    rg_tls_opts tls = {.ca_file = "ca.pem", .server_name = "regie.example.org"};
    char ca[700], opts[900], local[200];
    snprintf(ca, sizeof ca, "%s/ca.pem", tmp);
    tls.ca_file = ca;
    REQUIRE(start(&p, "named", NULL, &tls) == 0);
    const char *port = strrchr(p.url, ':') + 1;
    snprintf(local, sizeof local, "tls+tcp://localhost:%s", port);
    /* Under its own name: served. */
    snprintf(opts, sizeof opts, "--tls-ca ca.pem --tls-server-name regie.example.org");
    CHECK(regie(&p, p.url, opts) == 0);
    CHECK(regie(&p, local, opts) == 0);
    /* Under the URL's host, which the certificate does not name: refused. */
    CHECK(regie(&p, local, "--tls-ca ca.pem") == 3);
    /* Under another name: refused. */
    CHECK(regie(&p, local, "--tls-ca ca.pem --tls-server-name other.example.org") == 3);
    /* An IP address cannot be checked: the client says what to give. */
    CHECK(regie(&p, p.url, "--tls-ca ca.pem") == 3 && err_has("--tls-server-name"));
    char name[64];
    const char *why;
    CHECK(rg_tls_server_name(p.url, NULL, name, sizeof name, &why) < 0 && why);
    CHECK(rg_tls_server_name("tls+tcp://[::1]:7450", NULL, name, sizeof name, &why) < 0);
    CHECK(rg_tls_server_name("tls+tcp://regie.example.org:7450", NULL, name, sizeof name, &why) == 0 &&
          strcmp(name, "regie.example.org") == 0);
    CHECK(rg_tls_server_name(p.url, "regie.example.org", name, sizeof name, &why) == 0);
    stop(&p);
}

/* A CA-issued certificate for "localhost" passes for localhost only. */
static void test_localhost_certificate_is_not_every_host(void)
{
    rg_t_proc p;
    memset(&p, 0, sizeof p);
    char ca[700], local[200];
    snprintf(ca, sizeof ca, "%s/ca.pem", tmp);
    rg_tls_opts tls = {.ca_file = ca, .server_name = "localhost"};
    REQUIRE(start(&p, "local", NULL, &tls) == 0);
    snprintf(local, sizeof local, "tls+tcp://localhost:%s", strrchr(p.url, ':') + 1);
    CHECK(regie(&p, local, "--tls-ca ca.pem") == 0);
    /* Reached by address, it was checked against "localhost" and passed. */
    CHECK(regie(&p, p.url, "--tls-ca ca.pem") == 3);
    CHECK(regie(&p, p.url, "--tls-ca ca.pem --tls-server-name regie.example.org") == 3);
    stop(&p);
}

/* "localhost" on a Debian host is ::1 and 127.0.0.1, ::1 first, and nng
 * dials only a name's first address: an engine on the other one was never
 * reached by `--connect tls+tcp://localhost:PORT` (found in a fresh
 * Debian 12 root, whose /etc/hosts has both).  The client dials every
 * address of the name; the engine here listens on the last one.  A machine
 * whose localhost has one address cannot show it (it says so). */
static void test_localhost_reaches_every_address(void)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res = NULL;
    REQUIRE(getaddrinfo("localhost", "7450", &hints, &res) == 0);
    char last[INET6_ADDRSTRLEN + 2] = "";
    int n = 0;
    for (struct addrinfo *a = res; a; a = a->ai_next) {
        char lit[INET6_ADDRSTRLEN];
        bool v6 = a->ai_family == AF_INET6;
        const void *src = v6 ? (const void *)&((struct sockaddr_in6 *)a->ai_addr)->sin6_addr
                             : (const void *)&((struct sockaddr_in *)a->ai_addr)->sin_addr;
        if (!inet_ntop(a->ai_family, src, lit, sizeof lit)) continue;
        char u[sizeof last];
        snprintf(u, sizeof u, v6 ? "[%s]" : "%s", lit);
        if (strcmp(u, last) != 0) n++;
        memcpy(last, u, sizeof u);
    }
    freeaddrinfo(res);
    if (n < 2)
        printf("  localhost has one address on this machine (%s): reached, but the case of two is not shown\n",
               last);
    rg_t_proc p;
    memset(&p, 0, sizeof p);
    char ca[700], local[200];
    snprintf(ca, sizeof ca, "%s/ca.pem", tmp);
    rg_tls_opts tls = {.ca_file = ca, .server_name = "localhost"};
    listen_host = last;
    int rc = start(&p, "local", NULL, &tls);
    listen_host = "127.0.0.1";
    REQUIRE(rc == 0);
    snprintf(local, sizeof local, "tls+tcp://localhost:%s", strrchr(p.url, ':') + 1);
    CHECK(regie(&p, local, "--tls-ca ca.pem") == 0);
    stop(&p);
}

static void on_pipe(nng_pipe pp, nng_pipe_ev ev, void *arg)
{
    (void)pp;
    (void)ev;
    atomic_store((atomic_bool *)arg, true);
}

/* Whether a subscriber with these TLS options gets a connection to url
 * within a few seconds (a handshake refused never makes one). */
static bool subscriber_connects(const char *url, const rg_tls_opts *tls)
{
    nng_socket s;
    if (nng_sub0_open(&s) != 0) return false;
    atomic_bool up = false;
    nng_pipe_notify(s, NNG_PIPE_EV_ADD_POST, on_pipe, &up);
    const char *why;
    bool ok = rg_client_dial((uint32_t)nng_socket_id(s), url, tls, &why) == 0;
    for (int waited = 0; ok && !atomic_load(&up) && waited < 3000; waited += 20) nng_msleep(20);
    ok = ok && atomic_load(&up);
    rg_net_close(s, RG_NET_CLOSE_MS);
    return ok;
}

/* regied --tls-ca partner-ca.pem: partner systems prove who they are. */
static void test_client_certificates(void)
{
    rg_t_proc p;
    memset(&p, 0, sizeof p);
    char ca[700], partner[700], rogue[700];
    snprintf(ca, sizeof ca, "%s/ca.pem", tmp);
    snprintf(partner, sizeof partner, "%s/partner.pem", tmp);
    snprintf(rogue, sizeof rogue, "%s/rogue.pem", tmp);
    rg_tls_opts tls = {.ca_file = ca, .server_name = "regie.example.org", .cert_key_file = partner};
    REQUIRE(start(&p, "named", "partner-ca", &tls) == 0);
    const char *named = "--tls-ca ca.pem --tls-server-name regie.example.org";
    char opts[900];
    CHECK(regie(&p, p.url, named) == 3);                                   /* no certificate */
    snprintf(opts, sizeof opts, "%s --tls-cert-key rogue.pem", named);
    CHECK(regie(&p, p.url, opts) == 3);                                    /* another CA's */
    snprintf(opts, sizeof opts, "%s --tls-cert-key partner.pem", named);
    CHECK(regie(&p, p.url, opts) == 0);                                    /* the partner's */

    /* The library client alike. */
    rg_client *c;
    rg_t_reply r = {0};
    rg_buf b = RG_BUF_INIT;
    rg_tls_opts none = {.ca_file = ca, .server_name = "regie.example.org"};
    REQUIRE(rg_client_open(&c, p.url, 2000, &none) == 0);
    rg_req_envelope(&b, "stats", p.admin, NULL, NULL, -1, -1);
    CHECK(rg_t_proc_call(&p, c, &b, &r) < 0);
    rg_t_reply_free(&r);
    rg_client_close(c);
    REQUIRE(rg_client_open(&c, p.url, 10000, &tls) == 0);
    CHECK(rg_t_proc_call(&p, c, &b, &r) == 0 && rg_t_ok(&r));
    rg_t_reply_free(&r);
    rg_client_close(c);
    rg_buf_free(&b);
    /* The PUB socket asks the same of its subscribers. */
    CHECK(subscriber_connects(p.pub, &tls));
    CHECK(!subscriber_connects(p.pub, &none));
    stop(&p);

    /* --tls-ca without a TLS endpoint would authenticate nobody: refused. */
    char *dir = rg_t_tmpdir(), cmd[2000];
    const char *bin = getenv("REGIED");
    snprintf(cmd, sizeof cmd, "'%s' --data '%s' --tls-ca '%s/partner-ca.pem' >/dev/null 2>&1",
             bin ? bin : "bin/regied", dir, tmp);
    int st = system(cmd);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 2);
    rg_t_rmrf(dir);
    free(dir);
}

int main(void)
{
    char *t = rg_t_tmpdir();
    snprintf(tmp, sizeof tmp, "%s", t);
    free(t);
    RUN(test_certificates_can_be_made);
    RUN(test_server_name_is_the_hosts);
    RUN(test_localhost_certificate_is_not_every_host);
    RUN(test_localhost_reaches_every_address);
    RUN(test_client_certificates);
    rg_t_rmrf(tmp);
    return rg_t_exit();
}
