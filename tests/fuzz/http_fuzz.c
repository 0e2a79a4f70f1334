/*
 * http_fuzz.c - libFuzzer target for the HTTP face's request path: the JSON
 * decoder (engine/net/http_json.c) on a request body, the envelope it
 * builds fed to an in-process engine's pipeline as the HTTP face feeds it,
 * and the reply turned back into JSON (which must parse) and into SSE
 * messages.  The first byte chooses the operation from the op table, so
 * every operation's fields are reached; the admin's token is used, so the
 * handlers run.
 *
 * Built and run by tools/fuzz.sh with clang-14 -fsanitize=fuzzer,address,undefined.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "../../engine/core/engine.h"
#include "../../engine/domain/contract.h"
#include "../../engine/net/http_json.h"
#include "../../engine/services/services.h"
#include "../../engine/storage/codec.h"
#include "../../handlers/handlers.h"
#include "../../engine/core/bootstrap.h"

static uv_loop_t loop;
static rg_engine *engine;
static char token[128];
static size_t nops;
static char dir[] = "/tmp/regie-fuzz-XXXXXX";

typedef struct { int done; rg_buf reply; } got;

static void reply_cb(void *ud, const uint8_t *p, size_t n)
{
    got *g = ud;
    rg_buf_append(&g->reply, p, n);
    g->done = 1;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc; (void)argv;
    if (!mkdtemp(dir)) abort();
    uv_loop_init(&loop);
    rg_engine_opts o = {.module = &rg_handlers_module, .dir = dir};
    o.clock.manual = true;
    o.clock.now_ms = 1764579600000ULL;
    if (rg_engine_open(&engine, &loop, &o) != 0) abort();
    if (rg_bootstrap_admin(engine, dir) != 0) abort();
    char path[128];
    snprintf(path, sizeof path, "%s/admin.token", dir);
    FILE *f = fopen(path, "r");
    if (!f || !fgets(token, sizeof token, f)) abort();
    fclose(f);
    token[strcspn(token, "\n")] = 0;
    while (rg_ops[nops].name) nops++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > RG_HTTP_BODY_MAX) return 0;
    const char *op = rg_ops[data[0] % nops].name;
    /* Never a real backup to wherever the input points. */
    if (strcmp(op, "backup.create") == 0) op = "whoami";
    const char *body = (const char *)data + 1;
    size_t n = size - 1;
    char why[200], field[64];
    rg_json_get_str(body, n, "token", field, sizeof field);
    rg_buf msg = RG_BUF_INIT;
    if (rg_json_to_request(&msg, op, token, body, n, why, sizeof why) != 0) {
        if (msg.len != 0 || !why[0]) abort();          /* refused: nothing half-built, a reason */
        rg_buf_free(&msg);
        return 0;
    }
    got g = {0, RG_BUF_INIT};
    rg_engine_submit(engine, msg.data, msg.len, reply_cb, &g);
    while (!g.done) uv_run(&loop, UV_RUN_ONCE);
    rg_buf j = RG_BUF_INIT;
    if (rg_json_from_msgpack(&j, g.reply.data, g.reply.len) != 0) abort();
    json_error_t err;
    json_t *back = json_loadb((const char *)j.data, j.len, 0, &err);
    if (!back || !json_is_object(back) || !json_object_get(back, "ok")) abort();
    json_decref(back);
    rg_buf sse = RG_BUF_INIT;
    rg_json_sse(&sse, g.reply.data, g.reply.len, "events", "seq");
    rg_buf_free(&sse);
    rg_buf_free(&j);
    rg_buf_free(&g.reply);
    rg_buf_free(&msg);
    return 0;
}
