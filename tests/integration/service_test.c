/*
 * service_test.c - the real regied as systemd runs it: READY=1 on
 * $NOTIFY_SOCKET once it serves, STOPPING=1 on SIGTERM and exit 0; with
 * --log-format json every line of its stderr is one JSON object, and no
 * line holds a token or the personal data it was given.
 */
#include <stddef.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../test.h"

static int notify_listener(const char *name)
{
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, name, strlen(name));
    sa.sun_path[0] = 0;                                  /* '@': abstract */
    socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(name));
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, len) < 0) return -1;
    struct timeval tv = {30, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
}

static bool got(int fd, const char *want)
{
    char buf[512];
    ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
    if (n < 0) {
        printf("  no datagram (wanted %s)\n", want);
        return false;
    }
    buf[n] = 0;
    if (!strstr(buf, want)) printf("  got '%s', wanted %s\n", buf, want);
    return strstr(buf, want) != NULL;
}

/* A line of the log as the JSON object --log-format json promises. */
static bool json_line(const char *s)
{
    size_t n = strlen(s);
    if (n < 2 || strncmp(s, "{\"ts\":\"", 7) != 0 || strcmp(s + n - 2, "\"}") != 0) return false;
    if (!strstr(s, "\",\"level\":\"") || !strstr(s, "\",\"msg\":\"")) return false;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20) return false;
    /* Quotes inside the message are escaped: the count of unescaped
     * quotes is the 12 of the frame. */
    int quotes = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '\\') {
            p++;
            continue;
        }
        quotes += *p == '"';
    }
    return quotes == 12;
}

static void test_notify_and_json_log(void)
{
    char *dir = rg_t_tmpdir(), name[64];
    snprintf(name, sizeof name, "@regie-service-test-%d", (int)getpid());
    int fd = notify_listener(name);
    REQUIRE(fd >= 0);
    setenv("NOTIFY_SOCKET", name, 1);
    rg_t_proc p;
    const char *extra[] = {"--log-format", "json", NULL};
    int rc = rg_t_proc_start(&p, dir, extra);
    unsetenv("NOTIFY_SOCKET");
    REQUIRE(rc == 0);
    CHECK(got(fd, "READY=1"));

    /* Something to log about: an actor, a report with a name in it. */
    rg_client *c;
    REQUIRE(rg_client_open(&c, p.url, 10000, NULL) == 0);
    char tok[128];
    rg_t_proc_actor(&p, c, "pol", "partner", "police", tok);
    CHECK(tok[0]);
    rg_buf b = RG_BUF_INIT;
    rg_t_reply r = {0};
    rg_t_report_req(&b, tok, "r1", "Kim de Vries");
    CHECK(strcmp(rg_t_proc_send(&p, c, &b, &r), "") == 0);
    rg_t_reply_free(&r);
    rg_buf_free(&b);
    rg_client_close(c);

    CHECK(rg_t_proc_stop(&p, SIGTERM) == 0);
    CHECK(got(fd, "STOPPING=1"));
    close(fd);

    char path[700];
    snprintf(path, sizeof path, "%s/regied.log", dir);
    FILE *f = fopen(path, "r");
    REQUIRE(f);
    char line[8192];
    int lines = 0;
    bool serving = false, stopped = false;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        lines++;
        if (!json_line(line)) {
            printf("  not a JSON log line: %s\n", line);
            rg_t_failed = 1;
        }
        if (strstr(line, p.admin) || strstr(line, tok) || strstr(line, "Kim de Vries")) {
            printf("  a token or personal data in the log: %s\n", line);
            rg_t_failed = 1;
        }
        serving |= strstr(line, "\"level\":\"info\",\"msg\":\"data ") != NULL;
        stopped |= strstr(line, "\"msg\":\"stopped\"") != NULL;
    }
    fclose(f);
    CHECK(lines >= 3 && serving && stopped);
    rg_t_rmrf(dir);
    free(dir);
}

static void test_text_log_is_the_default(void)
{
    char *dir = rg_t_tmpdir();
    rg_t_proc p;
    REQUIRE(rg_t_proc_start(&p, dir, NULL) == 0);
    CHECK(rg_t_proc_stop(&p, SIGTERM) == 0);
    char path[700], line[4096];
    snprintf(path, sizeof path, "%s/regied.log", dir);
    FILE *f = fopen(path, "r");
    REQUIRE(f);
    bool plain = fgets(line, sizeof line, f) && strncmp(line, "regie", 5) == 0;
    fclose(f);
    CHECK(plain);
    rg_t_rmrf(dir);
    free(dir);
}

int main(void)
{
    RUN(test_notify_and_json_log);
    RUN(test_text_log_is_the_default);
    return rg_t_exit();
}
