/*
 * http_static.c - the browser app's files (web/ in the source tree,
 * PREFIX/share/regie/web once installed), served as they are: no build
 * step, no private endpoint (the app uses only the public API).
 *
 * Only paths of letters, digits, '-', '_', '.' and '/' without a "..", under
 * the root; everything else is 404.  The Content-Security-Policy allows
 * scripts, styles and connections of this origin only, so the app works
 * without external network access and nothing injected runs.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http_static.h"
#include "../storage/errors.h"
#include "http_int.h"
#include "http_conn.h"

static const struct { const char *ext, *type; } types[] = {
    {".html", "text/html; charset=utf-8"},   {".js", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},     {".svg", "image/svg+xml"},
    {".json", "application/json; charset=utf-8"}, {".png", "image/png"},
    {".ico", "image/x-icon"},                {".txt", "text/plain; charset=utf-8"},
};

static bool path_ok(const char *p)
{
    if (p[0] != '/' || strstr(p, "..") || strstr(p, "//")) return false;
    for (const char *c = p; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '-' || *c == '_' || *c == '.' || *c == '/'))
            return false;
    return strlen(p) < 200;
}

enum MHD_Result rg_http_static(rg_http *h, hreq *r, const char *url)
{
    if (!url || !h->web_root[0] || !path_ok(url)) return rg_http_error(r, RG_ENOTFOUND, "no such page");
    char path[4400];
    snprintf(path, sizeof path, "%s%s%s", h->web_root, url, url[strlen(url) - 1] == '/' ? "index.html" : "");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0) close(fd);
        return rg_http_error(r, RG_ENOTFOUND, "no such page");
    }
    const char *type = "application/octet-stream";
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof *types; i++)
        if (strcmp(dot, types[i].ext) == 0) type = types[i].type;
    /* The response owns fd from here (closed by libmicrohttpd). */
    struct MHD_Response *resp = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
    if (!resp) {
        close(fd);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type", type);
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                            "base-uri 'none'; frame-ancestors 'none'; form-action 'self'");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Cache-Control", "no-cache");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    rg_metrics_status(h->metrics, 200);
    enum MHD_Result rc = MHD_queue_response(r->conn, 200, resp);
    MHD_destroy_response(resp);
    atomic_store(&r->state, R_ANSWERED);
    return rc;
}
