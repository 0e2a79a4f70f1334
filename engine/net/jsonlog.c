/*
 * jsonlog.c - stderr through a pipe, each line out as a JSON object (see
 * jsonlog.h for why a pipe).
 */
#include "jsonlog.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define LINE_MAX_BYTES 8192     /* a longer line leaves in pieces of this size */

static struct {
    bool on;
    int real_fd;                /* the stderr we were given */
    int read_fd;                /* the pipe's end the thread reads */
    pthread_t thread;
} jl = {false, -1, -1, 0};

/* ---- one line ---- */

static bool has_word(const char *line, const char *const *words)
{
    for (; *words; words++)
        if (strcasestr(line, *words)) return true;
    return false;
}

static const char *level_of(const char *line)
{
    static const char *const error_words[] = {"cannot", "failed", "fail:", "error", "bug:", "unusable",
                                              "out of memory", "broken", "corrupt", "not valid",
                                              "expected", "unknown", "missing", "needs", NULL};
    static const char *const warn_words[] = {"dropp", "did not", "leaving", "overload", "refus", NULL};
    if (has_word(line, error_words)) return "error";
    if (has_word(line, warn_words)) return "warn";
    return "info";
}

static bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

static size_t hex_run(const char *p, size_t n)
{
    size_t k = 0;
    while (k < n && is_hex(p[k])) k++;
    return k;
}

/* The length of the valid UTF-8 sequence at p (1..4), or 0 if it is not one. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
    size_t len = p[0] < 0x80 ? 1 : (p[0] & 0xe0) == 0xc0 ? 2 : (p[0] & 0xf0) == 0xe0 ? 3
                                 : (p[0] & 0xf8) == 0xf0 ? 4 : 0;
    if (len == 0 || len > n || (len == 2 && p[0] < 0xc2) || (len == 4 && p[0] > 0xf4)) return 0;
    for (size_t i = 1; i < len; i++)
        if ((p[i] & 0xc0) != 0x80) return 0;
    return len;
}

typedef struct out {
    char *p;
    size_t cap, len;
    bool full;
} out;

static void put(out *o, const char *s, size_t n)
{
    if (o->full || o->len + n + 4 > o->cap) {   /* room kept for "}\n and a NUL */
        o->full = true;
        return;
    }
    memcpy(o->p + o->len, s, n);
    o->len += n;
}

static void put_str(out *o, const char *s) { put(o, s, strlen(s)); }

static void put_escaped(out *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        /* Tokens are masked: "rgt_" and its hex, and any long hex run
         * (a key or a hash has no business in a log line either). */
        size_t h;
        if (n - i >= 4 && memcmp(s + i, "rgt_", 4) == 0 && (h = hex_run(s + i + 4, n - i - 4)) >= 16) {
            put_str(o, "rgt_***");
            i += 4 + h;
            continue;
        }
        if ((i == 0 || !is_hex(s[i - 1])) && (h = hex_run(s + i, n - i)) >= 40) {
            put_str(o, "***");
            i += h;
            continue;
        }
        char esc[8];
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            put(o, esc, 2);
            i++;
        } else if (c < 0x20 || c == 0x7f) {
            snprintf(esc, sizeof esc, "\\u%04x", c);
            put(o, esc, 6);
            i++;
        } else if (c < 0x80) {
            put(o, s + i, 1);
            i++;
        } else {
            size_t len = utf8_len((const unsigned char *)s + i, n - i);
            if (len) put(o, s + i, len);
            else put_str(o, "\\ufffd");
            i += len ? len : 1;
        }
    }
}

size_t rg_jsonlog_format(char *buf, size_t cap, const char *line, size_t n, long long ts_ms)
{
    out o = {buf, cap, 0, false};
    if (cap < 128) return 0;
    char lb[LINE_MAX_BYTES + 1];
    snprintf(lb, sizeof lb, "%.*s", (int)(n < LINE_MAX_BYTES ? n : LINE_MAX_BYTES), line);
    /* The program's name before every message says nothing in a log that
     * is the program's own. */
    static const char *const prefixes[] = {"regied: ", "regie: ", NULL};
    for (const char *const *p = prefixes; *p; p++)
        if (n >= strlen(*p) && memcmp(line, *p, strlen(*p)) == 0) {
            line += strlen(*p);
            n -= strlen(*p);
            break;
        }
    time_t secs = (time_t)(ts_ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    char ts[64];
    snprintf(ts, sizeof ts, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ts_ms % 1000));
    put_str(&o, "{\"ts\":\"");
    put_str(&o, ts);
    put_str(&o, "\",\"level\":\"");
    put_str(&o, level_of(lb));
    put_str(&o, "\",\"msg\":\"");
    put_escaped(&o, line, n);
    /* put() kept room for the end even when the message did not fit. */
    memcpy(buf + o.len, "\"}\n", 3);
    o.len += 3;
    buf[o.len] = '\0';
    return o.len;
}

/* ---- the thread ---- */

static void write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w <= 0) return;             /* nowhere to log to: drop it */
        p += w;
        n -= (size_t)w;
    }
}

static void emit(const char *line, size_t n)
{
    static char buf[LINE_MAX_BYTES * 6 + 128];     /* the worst case of escaping */
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    size_t len = rg_jsonlog_format(buf, sizeof buf, line, n,
                                   (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000);
    write_all(jl.real_fd, buf, len);
}

static void *reader(void *arg)
{
    (void)arg;
    static char line[LINE_MAX_BYTES];
    size_t have = 0;
    for (;;) {
        ssize_t r = read(jl.read_fd, line + have, sizeof line - have);
        if (r <= 0) break;                          /* every writer closed: done */
        have += (size_t)r;
        size_t start = 0;
        for (size_t i = 0; i < have; i++)
            if (line[i] == '\n') {
                emit(line + start, i - start);
                start = i + 1;
            }
        if (start == 0 && have == sizeof line) {    /* no newline in a whole buffer */
            emit(line, have);
            start = have;
        }
        memmove(line, line + start, have - start);
        have -= start;
    }
    if (have) emit(line, have);
    return NULL;
}

int rg_jsonlog_start(void)
{
    if (jl.on) return 0;
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0) return -1;
    fflush(stderr);
    jl.real_fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
    if (jl.real_fd < 0 || dup2(p[1], STDERR_FILENO) < 0) {
        if (jl.real_fd >= 0) close(jl.real_fd);
        close(p[0]);
        close(p[1]);
        return -1;
    }
    close(p[1]);
    jl.read_fd = p[0];
    if (pthread_create(&jl.thread, NULL, reader, NULL) != 0) {
        dup2(jl.real_fd, STDERR_FILENO);
        close(jl.real_fd);
        close(jl.read_fd);
        return -1;
    }
    jl.on = true;
    atexit(rg_jsonlog_stop);
    return 0;
}

void rg_jsonlog_stop(void)
{
    if (!jl.on) return;
    jl.on = false;
    fflush(stderr);
    /* fd 2 was the pipe's only writing end: the thread reads to its end. */
    dup2(jl.real_fd, STDERR_FILENO);
    pthread_join(jl.thread, NULL);
    close(jl.read_fd);
    close(jl.real_fd);
}
