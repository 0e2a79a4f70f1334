/*
 * jsonlog_test.c - regied --log-format json (engine/net/jsonlog.c): one
 * line into one JSON object, escaped, tokens masked, a level from its
 * words; and the pipe itself in a child process, whose every line must
 * come out as an object, also those written just before exit.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../test.h"
#include "../../engine/net/jsonlog.h"

static char out[65536];

static const char *fmt(const char *line)
{
    rg_jsonlog_format(out, sizeof out, line, strlen(line), 1234);
    return out;
}

static void test_plain_line(void)
{
    CHECK(strcmp(fmt("regied: stopped"),
                 "{\"ts\":\"1970-01-01T00:00:01.234Z\",\"level\":\"info\",\"msg\":\"stopped\"}\n") == 0);
}

static void test_levels(void)
{
    CHECK(strstr(fmt("regie: cannot write x: No space left"), "\"level\":\"error\""));
    CHECK(strstr(fmt("regie: rocksdb open: IO error"), "\"level\":\"error\""));
    CHECK(strstr(fmt("regie: dropping a deadline key"), "\"level\":\"warn\""));
    CHECK(strstr(fmt("regied: data d, listening on x"), "\"level\":\"info\""));
}

static void test_escaping(void)
{
    CHECK(strstr(fmt("a \"quoted\" back\\slash\ttab\x01" "end"),
                 "\"msg\":\"a \\\"quoted\\\" back\\\\slash\\u0009tab\\u0001end\"}"));
    /* Valid UTF-8 passes, invalid bytes become U+FFFD. */
    CHECK(strstr(fmt("caf\xc3\xa9 \xff\xfe ok"), "\"msg\":\"caf\xc3\xa9 \\ufffd\\ufffd ok\"}"));
}

static void test_tokens_masked(void)
{
    const char *tok = "rgt_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    char line[256];
    snprintf(line, sizeof line, "token %s seen", tok);
    CHECK(strstr(fmt(line), "\"msg\":\"token rgt_*** seen\"}"));
    CHECK(!strstr(out, "0123456789abcdef"));
    /* A long hex run (a key, a hash) too; short numbers stay. */
    CHECK(strstr(fmt("key 00112233445566778899aabbccddeeff0011223344 at 2026"), "\"msg\":\"key *** at 2026\"}"));
}

static void test_long_line_stays_an_object(void)
{
    size_t n = 20000;
    char *line = malloc(n + 1);
    memset(line, '"', n);
    line[n] = 0;
    char small[512];
    size_t len = rg_jsonlog_format(small, sizeof small, line, n, 0);
    CHECK(len > 0 && len < sizeof small);
    CHECK(strncmp(small, "{\"ts\":", 6) == 0 && strcmp(small + len - 3, "\"}\n") == 0);
    /* Never half an escape before the end. */
    CHECK(small[len - 4] == '"' && small[len - 5] == '\\');
    free(line);
}

/* The child's stderr goes into a pipe the test reads. */
static void test_pipe_wraps_every_line(void)
{
    int p[2];
    REQUIRE(pipe(p) == 0);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        dup2(p[1], 2);
        close(p[0]);
        close(p[1]);
        if (rg_jsonlog_start() < 0) _exit(3);
        fprintf(stderr, "regied: first\n");
        fprintf(stderr, "regie: second part one, ");
        fprintf(stderr, "part two\n");
        fprintf(stderr, "no newline at the end");
        exit(0);                     /* atexit: every line is out first */
    }
    close(p[1]);
    char buf[8192];
    size_t have = 0;
    ssize_t r;
    while ((r = read(p[0], buf + have, sizeof buf - 1 - have)) > 0) have += (size_t)r;
    buf[have] = 0;
    close(p[0]);
    int status;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(strstr(buf, "\"msg\":\"first\""));
    CHECK(strstr(buf, "\"msg\":\"second part one, part two\""));
    CHECK(strstr(buf, "\"msg\":\"no newline at the end\""));
    int lines = 0;
    for (char *s = buf, *nl; (nl = strchr(s, '\n')); s = nl + 1) {
        *nl = 0;
        CHECK(strncmp(s, "{\"ts\":\"", 7) == 0 && strcmp(s + strlen(s) - 2, "\"}") == 0);
        lines++;
    }
    CHECK(lines == 3);
}

int main(void)
{
    RUN(test_plain_line);
    RUN(test_levels);
    RUN(test_escaping);
    RUN(test_tokens_masked);
    RUN(test_long_line_stays_an_object);
    RUN(test_pipe_wraps_every_line);
    return rg_t_exit();
}
