/*
 * request_fuzz.c - libFuzzer target for everything that decodes outside
 * input: the bounded msgpack decoder, the schema checker of every operation,
 * and the whole request pipeline of an in-process engine (envelope, token,
 * op table, handlers) on a real RocksDB in a temp directory.
 *
 * Built and run by tools/fuzz.sh with clang-14 -fsanitize=fuzzer,address,undefined.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "../../engine/storage/codec.h"
#include "../../engine/core/engine.h"
#include "../../engine/replay/replay.h"
#include "../../engine/services/services.h"
#include "../../engine/domain/schema.h"
#include "../../handlers/handlers.h"

static uv_loop_t loop;
static rg_engine *engine;

static void reply_cb(void *ud, const uint8_t *p, size_t n)
{
    /* Every reply must itself be a well-formed msgpack map with "ok". */
    rg_doc *d;
    const char *why;
    if (rg_doc_parse(&d, p, n, &why) != 0 || !rg_map_get(rg_doc_root(d), "ok")) abort();
    rg_doc_free(d);
    (*(int *)ud)++;
}

static char dir[] = "/tmp/regie-fuzz-XXXXXX";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc; (void)argv;
    if (!mkdtemp(dir)) abort();
    uv_loop_init(&loop);
    rg_engine_opts o = {.module = &rg_handlers_module, .dir = dir};
    o.clock.manual = true;
    o.clock.now_ms = 1764579600000ULL;
    if (rg_engine_open(&engine, &loop, &o) != 0) abort();
    /* An admin exists, so inputs carrying its token can reach the handlers
     * (the token file is in dir; the fuzzer may also find tokens by luck). */
    if (rg_engine_ensure_admin(engine, dir) != 0) abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rg_doc *d;
    const char *why;
    if (rg_doc_parse(&d, data, size, &why) == 0) {
        const rg_val *root = rg_doc_root(d);
        const rg_val *dv = rg_map_get(root, "data");
        char msg[256];
        for (const rg_opdef *op = rg_ops; op->name; op++)
            rg_schema_check(op->fields, dv ? dv : root, msg, sizeof msg);
        /* What decodes re-encodes and decodes again. */
        rg_buf b = RG_BUF_INIT;
        rg_w_val(&b, root);
        rg_doc *d2;
        if (rg_doc_parse(&d2, b.data, b.len, &why) != 0) abort();
        rg_doc_free(d2);
        rg_buf_free(&b);
        rg_doc_free(d);
    }
    int done = 0;
    rg_engine_submit(engine, data, size, reply_cb, &done);
    while (!done) uv_run(&loop, UV_RUN_ONCE);
    return 0;
}
