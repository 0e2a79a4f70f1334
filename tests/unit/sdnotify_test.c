/*
 * sdnotify_test.c - sd_notify's datagram sent by hand (engine/net/
 * sdnotify.c) to the two kinds of $NOTIFY_SOCKET systemd hands out: an
 * abstract-namespace name ('@') and a path.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../test.h"
#include "../../engine/net/sdnotify.h"

/* A datagram socket bound to name (leading '@': abstract), as systemd's. */
static int listener(const char *name)
{
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    size_t n = strlen(name);
    memcpy(sa.sun_path, name, n);
    if (name[0] == '@') sa.sun_path[0] = 0;
    socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (name[0] != '@'));
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, len) < 0) return -1;
    struct timeval tv = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
}

static bool got(int fd, const char *want)
{
    char buf[256];
    ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
    if (n < 0) return false;
    buf[n] = 0;
    return strcmp(buf, want) == 0;
}

static void test_abstract_socket(void)
{
    char name[64];
    snprintf(name, sizeof name, "@regie-sdnotify-test-%d", (int)getpid());
    int fd = listener(name);
    REQUIRE(fd >= 0);
    setenv("NOTIFY_SOCKET", name, 1);
    CHECK(rg_sd_notify("READY=1\nSTATUS=serving") == 0);
    CHECK(got(fd, "READY=1\nSTATUS=serving"));
    CHECK(rg_sd_notify("STOPPING=1") == 0);
    CHECK(got(fd, "STOPPING=1"));
    unsetenv("NOTIFY_SOCKET");
    close(fd);
}

static void test_path_socket(void)
{
    char *dir = rg_t_tmpdir(), path[600];
    snprintf(path, sizeof path, "%s/notify", dir);
    int fd = listener(path);
    REQUIRE(fd >= 0);
    setenv("NOTIFY_SOCKET", path, 1);
    CHECK(rg_sd_notify("READY=1") == 0);
    CHECK(got(fd, "READY=1"));
    unsetenv("NOTIFY_SOCKET");
    close(fd);
    rg_t_rmrf(dir);
    free(dir);
}

static void test_without_systemd(void)
{
    unsetenv("NOTIFY_SOCKET");
    CHECK(rg_sd_notify("READY=1") == 0);           /* nobody to tell: fine */
    setenv("NOTIFY_SOCKET", "relative/name", 1);
    CHECK(rg_sd_notify("READY=1") == -1);
    setenv("NOTIFY_SOCKET", "@regie-sdnotify-nobody-listens", 1);
    CHECK(rg_sd_notify("READY=1") == -1);
    unsetenv("NOTIFY_SOCKET");
}

int main(void)
{
    RUN(test_abstract_socket);
    RUN(test_path_socket);
    RUN(test_without_systemd);
    return rg_t_exit();
}
