/*
 * person_fuzz.c - libFuzzer target for keyed person data (issue 16): a
 * subject map from outside (case.report's subject, subject.request's
 * person) through the schema of those operations and the keyed-hash index
 * keys (rg_person_keys, core/persons.h); and the same bytes as a stored
 * wrapped data key (the `keys` column family) through rg_dk_unwrap, which
 * must refuse anything it did not wrap.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "../../engine/core/persons.h"
#include "../../engine/domain/schema.h"
#include "../../engine/domain/seal.h"
#include "../../engine/services/services.h"
#include "../../engine/storage/codec.h"
#include "../../handlers/handlers.h"

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
    if (rg_engine_open(&engine, &loop, &o) != 0) abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rg_doc *d;
    const char *why;
    if (rg_doc_parse(&d, data, size, &why) == 0) {
        const rg_val *person = rg_doc_root(d);
        char msg[256];
        for (const rg_opdef *op = rg_ops; op->name; op++)
            if (strcmp(op->name, "case.report") == 0 || strcmp(op->name, "subject.request") == 0 ||
                strcmp(op->name, "subject.known") == 0 || strcmp(op->name, "subject.correct") == 0)
                rg_schema_check(op->fields, person, msg, sizeof msg);
        uint8_t keys[2][RG_PKEY_MAX];
        size_t lens[2];
        int n = rg_person_keys(engine, person, "zvh", "ZVH-00000001", keys, lens);
        if (n > 2) abort();
        for (int i = 0; i < n; i++)
            if (lens[i] > RG_PKEY_MAX) abort();
        rg_doc_free(d);
    }
    static const uint8_t kek[RG_KEY_LEN] = {1, 2, 3};
    uint8_t dk[RG_DK_LEN];
    (void)rg_dk_unwrap(dk, kek, "ZVH-00000001", data, size);
    return 0;
}
