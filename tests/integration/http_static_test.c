/*
 * http_static_test.c - net/http_static.c, the browser app's files, from a
 * real regied over real HTTP with a web root of the test's own: a file
 * served byte for byte with its content type (one the table does not know
 * as application/octet-stream), "/" and a directory's "/" as its
 * index.html, with the Content-Security-Policy, frame and sniffing headers;
 * a path with "..", "//", a character outside letters, digits, "-_./", a
 * path too long, a file not there, a directory without an index: each 404,
 * with the contract's JSON error.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../test.h"

static rg_t_proc P;
static int port;
static char *base, root[600];

static const char *INDEX = "<!doctype html><title>regie</title>\n";
static const char *JS = "export const x = 1;\n";

static void put(const char *name, const char *text)
{
    char p[800];
    snprintf(p, sizeof p, "%s/%s", root, name);
    FILE *f = fopen(p, "w");
    if (!f) return;
    fputs(text, f);
    fclose(f);
}

static void setup(void)
{
    base = rg_t_tmpdir();
    snprintf(root, sizeof root, "%s/web", base);
    REQUIRE(mkdir(root, 0700) == 0);
    put("index.html", INDEX);
    put("app.js", JS);
    put("data.bin", "\x01\x02");
    char sub[700];
    snprintf(sub, sizeof sub, "%s/sub", root);
    REQUIRE(mkdir(sub, 0700) == 0);
    put("sub/page.css", "body{}\n");
    char data[700], listen[64];
    snprintf(data, sizeof data, "%s/data", base);
    REQUIRE(mkdir(data, 0700) == 0);
    port = rg_t_free_port();
    REQUIRE(port > 0);
    snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
    const char *extra[] = {"--http", listen, "--web-root", root, NULL};
    REQUIRE(rg_t_proc_start(&P, data, extra) == 0);
}

static void expect_file(const char *path, const char *text, const char *type)
{
    rg_buf r = RG_BUF_INIT;
    int st = rg_t_http(port, "GET", path, NULL, NULL, &r);
    char v[512];
    size_t n;
    const char *body = rg_t_http_body(&r, &n);
    if (st != 200 || n != strlen(text) || memcmp(body, text, n) != 0) {
        printf("  GET %s: %d, %zu bytes\n", path, st, n);
        rg_t_failed = 1;
    }
    CHECK(rg_t_http_header(&r, "Content-Type", v, sizeof v) && strcmp(v, type) == 0);
    CHECK(rg_t_http_header(&r, "Content-Security-Policy", v, sizeof v) && strstr(v, "default-src 'self'") &&
          strstr(v, "frame-ancestors 'none'"));
    CHECK(rg_t_http_header(&r, "X-Frame-Options", v, sizeof v) && strcmp(v, "DENY") == 0);
    CHECK(rg_t_http_header(&r, "X-Content-Type-Options", v, sizeof v) && strcmp(v, "nosniff") == 0);
    rg_buf_free(&r);
}

static void test_files(void)
{
    REQUIRE(P.pid > 0);
    expect_file("/", INDEX, "text/html; charset=utf-8");
    expect_file("/index.html", INDEX, "text/html; charset=utf-8");
    expect_file("/app.js", JS, "text/javascript; charset=utf-8");
    expect_file("/data.bin", "\x01\x02", "application/octet-stream");
    expect_file("/sub/page.css", "body{}\n", "text/css; charset=utf-8");
}

static void expect_404(const char *path)
{
    rg_buf r = RG_BUF_INIT;
    int st = rg_t_http(port, "GET", path, NULL, NULL, &r);
    size_t n;
    const char *body = rg_t_http_body(&r, &n);
    if (st != 404 || !rg_t_holds(body, n, "\"not_found\"")) {
        printf("  GET %s: %d, not the 404 of the contract\n", path, st);
        rg_t_failed = 1;
    }
    rg_buf_free(&r);
}

static void test_refused_paths(void)
{
    REQUIRE(P.pid > 0);
    expect_404("/missing.js");
    expect_404("/../web/app.js");
    expect_404("/sub/../app.js");
    expect_404("//app.js");
    expect_404("/app%20js");            /* decoded: a space */
    expect_404("/%2e%2e/web/app.js");   /* decoded: .. */
    expect_404("/app.js;x");
    expect_404("/sub/");                 /* a directory without an index */
    expect_404("/sub");                  /* a directory is no file */
    char longp[260] = "/";
    memset(longp + 1, 'a', 250);
    longp[251] = '\0';
    expect_404(longp);
}

int main(void)
{
    RUN(setup);
    RUN(test_files);
    RUN(test_refused_paths);
    if (P.pid) CHECK(rg_t_proc_stop(&P, SIGTERM) == 0);
    rg_t_rmrf(base);
    free(base);
    return rg_t_exit();
}
