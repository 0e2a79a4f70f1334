/*
 * buf_test.c - the byte buffer of storage/buf.h: appends that grow the
 * buffer keep every byte already written, reserve leaves room without
 * writing, reset keeps the memory, detach hands it over; the big-endian
 * helpers write the most significant byte first and read back what they
 * wrote; rg_strndup copies n bytes and terminates them.
 */
#include <stdlib.h>
#include <string.h>

#include "../test.h"
#include "../../engine/storage/buf.h"

static void test_append_grows_and_keeps(void)
{
    rg_buf b = RG_BUF_INIT;
    CHECK(b.len == 0 && b.cap == 0 && b.data == NULL);
    rg_buf_append(&b, "", 0);                      /* nothing: no memory taken */
    CHECK(b.data == NULL);
    /* 100,000 bytes of a known pattern, in pieces of growing size. */
    size_t total = 0;
    for (size_t piece = 1; total < 100000; piece++) {
        uint8_t tmp[512];
        size_t n = piece % sizeof tmp;
        for (size_t i = 0; i < n; i++) tmp[i] = (uint8_t)((total + i) * 7);
        rg_buf_append(&b, tmp, n);
        total += n;
    }
    REQUIRE(b.len == total && b.cap >= b.len);
    size_t wrong = 0;
    for (size_t i = 0; i < total; i++) wrong += b.data[i] != (uint8_t)(i * 7);
    CHECK(wrong == 0);
    /* Reset keeps the memory; the next append starts at 0. */
    size_t cap = b.cap;
    rg_buf_reset(&b);
    CHECK(b.len == 0 && b.cap == cap);
    rg_buf_put_u8(&b, 0xab);
    CHECK(b.len == 1 && b.data[0] == 0xab);
    rg_buf_free(&b);
    CHECK(b.data == NULL && b.len == 0 && b.cap == 0);
}

static void test_reserve_and_detach(void)
{
    rg_buf b = RG_BUF_INIT;
    rg_buf_reserve(&b, 1000);
    CHECK(b.cap >= 1000 && b.len == 0);
    uint8_t *before = b.data;
    /* Within the room reserved, appends do not move the bytes. */
    for (int i = 0; i < 1000; i++) rg_buf_put_u8(&b, (uint8_t)i);
    CHECK(b.data == before && b.len == 1000);
    size_t n;
    uint8_t *p = rg_buf_detach(&b, &n);
    CHECK(p == before && n == 1000 && p[999] == (uint8_t)999);
    CHECK(b.data == NULL && b.len == 0 && b.cap == 0);
    free(p);
}

static void test_big_endian(void)
{
    rg_buf b = RG_BUF_INIT;
    rg_buf_put_be32(&b, 0x01020304u);
    rg_buf_put_be64(&b, 0x1122334455667788ull);
    static const uint8_t want[] = {1, 2, 3, 4, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};
    REQUIRE(b.len == sizeof want);
    CHECK(memcmp(b.data, want, sizeof want) == 0);
    CHECK(rg_be32_get(b.data) == 0x01020304u);
    CHECK(rg_be64_get(b.data + 4) == 0x1122334455667788ull);
    /* Order of the bytes is the order of the numbers (keys sort so). */
    uint8_t x[8], y[8];
    rg_be64_put(x, 255);
    rg_be64_put(y, 256);
    CHECK(memcmp(x, y, 8) < 0);
    rg_be64_put(x, UINT64_MAX);
    CHECK(rg_be64_get(x) == UINT64_MAX);
    rg_buf_free(&b);
}

static void test_strndup(void)
{
    char *s = rg_strndup("case-123 and more", 8);
    CHECK(strcmp(s, "case-123") == 0);
    free(s);
    s = rg_strndup("", 0);
    CHECK(s[0] == 0);
    free(s);
    /* Bytes, not a C string: a NUL inside is copied and the end terminated. */
    s = rg_strndup("a\0b", 3);
    CHECK(s[0] == 'a' && s[1] == 0 && s[2] == 'b' && s[3] == 0);
    free(s);
}

int main(void)
{
    RUN(test_append_grows_and_keeps);
    RUN(test_reserve_and_detach);
    RUN(test_big_endian);
    RUN(test_strndup);
    return rg_t_exit();
}
