/*
 * idem_fuzz.c - libFuzzer target for the stored idempotency record (issue
 * 16): bytes as they would come back from the `idem` column family, opened
 * by rg_idem_open (a plain first reply, one sealed under its case's key
 * that must open or be refused, or one whose events are references to log
 * positions, rendered again for the reader of the key) in an in-process
 * engine.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "../../engine/core/idem.h"
#include "../../engine/services/services.h"
#include "../../engine/storage/codec.h"
#include "../../handlers/handlers.h"
#include "../../engine/core/bootstrap.h"

static uv_loop_t loop;
static rg_engine *engine;
static char dir[] = "/tmp/regie-fuzz-XXXXXX";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (!mkdtemp(dir)) abort();
    uv_loop_init(&loop);
    rg_engine_opts o = {.module = &rg_handlers_module, .dir = dir};
    o.clock.manual = true;
    o.clock.now_ms = 1764579600000ULL;
    if (rg_engine_open(&engine, &loop, &o) != 0 || rg_bootstrap_admin(engine, dir) != 0) abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char ikey[] = "admin\0r1";     /* an actor that exists */
    rg_buf out = RG_BUF_INIT;
    /* A plain copy is the reply as it was sent, returned as it is; a sealed
     * one opens only under its case's key and binding; references name
     * cases this engine does not have, so they are refused, and the rest is
     * written out again in shortest form.  What must hold:
     * memory safety, no UB, no leak, an output no larger than the input. */
    if (rg_idem_open(engine, data, size, ikey, sizeof ikey - 1, &out) == 0 && out.len > size) abort();
    rg_buf_free(&out);
    return 0;
}
