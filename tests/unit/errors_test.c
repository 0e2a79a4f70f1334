/*
 * errors_test.c - the error vocabulary of storage/errors.h: every RG_E* code
 * has its own contract string and comes back as itself, anything else reads
 * "storage_error" (a bug never invents a code); and RG_ASSERT, kept in the
 * release build, stops the process on a false invariant with a line naming
 * file, function and condition, and lets a true one pass.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../test.h"
#include "../../engine/storage/errors.h"

static void test_every_code_has_its_string(void)
{
    static const struct { int code; const char *s; } want[] = {
        {RG_EBADREQ, "bad_request"},      {RG_EUNKNOWNOP, "unknown_op"},
        {RG_EUNAUTH, "unauthorized"},     {RG_EFORBIDDEN, "forbidden"},
        {RG_ENOTFOUND, "not_found"},      {RG_ETRANSITION, "invalid_transition"},
        {RG_EGUARD, "guard_failed"},      {RG_ECONFLICT, "version_conflict"},
        {RG_ESTORAGE, "storage_error"},   {RG_EOVERLOAD, "overloaded"},
    };
    size_t n = sizeof want / sizeof want[0];
    for (size_t i = 0; i < n; i++) {
        CHECK(strcmp(rg_strerror(want[i].code), want[i].s) == 0);
        /* One string per code: no two codes answer alike. */
        for (size_t j = 0; j < i; j++) CHECK(strcmp(rg_strerror(want[i].code), rg_strerror(want[j].code)) != 0);
    }
    /* The map holds exactly these: -1 .. -10, one each. */
    int count = 0;
#define COUNT(name, val, code) count++; CHECK((val) == -count);
    RG_ERRNO_MAP(COUNT)
#undef COUNT
    CHECK(count == (int)n);
}

static void test_unknown_reads_storage_error(void)
{
    CHECK(strcmp(rg_strerror(0), "storage_error") == 0);
    CHECK(strcmp(rg_strerror(-11), "storage_error") == 0);
    CHECK(strcmp(rg_strerror(5), "storage_error") == 0);
    CHECK(strcmp(rg_strerror(-1000000), "storage_error") == 0);
}

/* Run body in a child with stderr into a pipe: its exit status and the first
 * bytes it wrote to stderr. */
static int in_child(void (*body)(int), int arg, char *err, size_t cap)
{
    int fd[2];
    if (pipe(fd) != 0) return -1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        dup2(fd[1], 2);
        body(arg);
        _exit(0);
    }
    close(fd[1]);
    size_t got = 0;
    ssize_t r;
    while (got + 1 < cap && (r = read(fd[0], err + got, cap - 1 - got)) > 0) got += (size_t)r;
    err[got] = 0;
    close(fd[0]);
    return rg_t_wait_exit(pid, 60);
}

static void assert_that(int value) { RG_ASSERT(value == 7); }

static void test_assert_stops_on_a_broken_invariant(void)
{
    char err[512];
    int st = in_child(assert_that, 8, err, sizeof err);
    CHECK(st == 128 + SIGABRT);
    CHECK(strstr(err, "errors_test.c") != NULL);
    CHECK(strstr(err, "assert_that") != NULL);
    CHECK(strstr(err, "RG_ASSERT(value == 7)") != NULL);
}

static void test_assert_passes_a_kept_invariant(void)
{
    char err[512];
    CHECK(in_child(assert_that, 7, err, sizeof err) == 0);
    CHECK(err[0] == 0);
    /* An expression, usable where a statement is not. */
    int n = 0;
    for (int i = 0; i < 3; i++) RG_ASSERT(i >= 0), n++;
    CHECK(n == 3);
}

int main(void)
{
    RUN(test_every_code_has_its_string);
    RUN(test_unknown_reads_storage_error);
    RUN(test_assert_stops_on_a_broken_invariant);
    RUN(test_assert_passes_a_kept_invariant);
    return rg_t_exit();
}
