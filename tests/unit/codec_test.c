/*
 * codec_test.c - the msgpack writers of codec.c put out exactly the bytes
 * msgpack-c's packer does (the smallest form of every size class, at each
 * boundary), so what is stored and hashed does not depend on which wrote it.
 */
#include <msgpack.h>
#include <string.h>

#include "../test.h"

static int to_buf(void *data, const char *p, size_t n)
{
    rg_buf_append(data, p, n);
    return 0;
}

static bool same(const rg_buf *a, const rg_buf *b, const char *what, uint64_t v)
{
    if (a->len == b->len && memcmp(a->data, b->data, a->len) == 0) return true;
    printf("  %s %llu: %zu bytes, msgpack-c %zu\n", what, (unsigned long long)v, a->len, b->len);
    return false;
}

static const uint64_t edges[] = {0, 1, 15, 16, 31, 32, 127, 128, 255, 256, 65535, 65536,
                                 0xffffffffULL, 0x100000000ULL, UINT64_MAX};

static void test_writers_match_msgpack_c(void)
{
    rg_buf ours = RG_BUF_INIT, theirs = RG_BUF_INIT;
    msgpack_packer pk;
    msgpack_packer_init(&pk, &theirs, to_buf);
    bool ok = true;
    for (size_t i = 0; i < sizeof edges / sizeof *edges; i++) {
        uint64_t v = edges[i];
        rg_buf_reset(&ours);
        rg_buf_reset(&theirs);
        rg_w_uint(&ours, v);
        msgpack_pack_uint64(&pk, v);
        ok &= same(&ours, &theirs, "uint", v);
        if (v > 0xffffffffULL) continue;
        rg_buf_reset(&ours);
        rg_buf_reset(&theirs);
        rg_w_map(&ours, (uint32_t)v);
        msgpack_pack_map(&pk, (size_t)v);
        ok &= same(&ours, &theirs, "map", v);
        rg_buf_reset(&ours);
        rg_buf_reset(&theirs);
        rg_w_array(&ours, (uint32_t)v);
        msgpack_pack_array(&pk, (size_t)v);
        ok &= same(&ours, &theirs, "array", v);
    }
    static char text[70000];
    memset(text, 'x', sizeof text);
    static const size_t lens[] = {0, 1, 31, 32, 255, 256, 65535, 65536, sizeof text};
    for (size_t i = 0; i < sizeof lens / sizeof *lens; i++) {
        rg_buf_reset(&ours);
        rg_buf_reset(&theirs);
        rg_w_str(&ours, text, lens[i]);
        msgpack_pack_str(&pk, lens[i]);
        msgpack_pack_str_body(&pk, text, lens[i]);
        ok &= same(&ours, &theirs, "str of length", lens[i]);
    }
    rg_buf_reset(&ours);
    rg_buf_reset(&theirs);
    rg_w_bool(&ours, true);
    rg_w_bool(&ours, false);
    rg_w_nil(&ours);
    msgpack_pack_true(&pk);
    msgpack_pack_false(&pk);
    msgpack_pack_nil(&pk);
    ok &= same(&ours, &theirs, "true, false, nil", 0);
    CHECK(ok);
    rg_buf_free(&ours);
    rg_buf_free(&theirs);
}

int main(void)
{
    RUN(test_writers_match_msgpack_c);
    return rg_t_exit();
}
