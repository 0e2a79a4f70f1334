/*
 * record_fuzz.c - libFuzzer target for the stored event record (issue 16):
 * bytes as they would come back from the `events` column family, through
 * everything that reads them: rg_record_parse, the hash-link check,
 * rg_record_open (sealed boxes opened with a case's key, and as erased),
 * rg_record_render and rg_render_event (upcast, subject spliced in or not,
 * classified items withheld), for a manager and a partner.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../engine/domain/case.h"
#include "../../engine/domain/contract.h"
#include "../../engine/domain/event.h"
#include "../../engine/domain/seal.h"
#include "../../engine/domain/upcast.h"
#include "../../engine/storage/codec.h"

static rg_case *cs;
static rg_actor manager, partner;

/* A stored record is rendered by splicing, not decoding (event.h): bytes
 * that were never a record give bytes that are no event, and log.verify is
 * what finds such a record.  What must hold is memory safety, no UB, no
 * leak, and an output bounded by the input. */
static void bounded(const rg_buf *b, size_t size)
{
    if (b->len > 2 * size + 4096) abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    cs = rg_case_new("ZVH-00000001");
    cs->dk_state = RG_DK_PRESENT;
    memset(cs->dk, 7, sizeof cs->dk);
    snprintf(manager.id, sizeof manager.id, "m1");
    manager.role = RG_ROLE_MANAGER;
    snprintf(manager.org, sizeof manager.org, "zvh");
    snprintf(partner.id, sizeof partner.id, "p1");
    partner.role = RG_ROLE_PARTNER;
    snprintf(partner.org, sizeof partner.org, "police");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rg_record r;
    if (rg_record_parse(data, size, &r) != 0) return 0;
    static const uint8_t zero[RG_HASH_LEN];
    (void)rg_record_verify(zero, data, size);
    rg_buf out = RG_BUF_INIT, opened = RG_BUF_INIT;
    rg_record plain;
    if (rg_record_open(&r, cs->id, cs->dk, &opened, &plain) == 0) {
        rg_record_render(&out, &plain, true);
        bounded(&out, size);
    }
    rg_buf_reset(&opened);
    if (rg_record_open(&r, cs->id, NULL, &opened, &plain) == 0) {
        rg_buf_reset(&out);
        rg_record_render(&out, &plain, false);
        bounded(&out, size);
    }
    rg_buf_reset(&out);
    rg_render_event(&out, &r, true, &manager, cs);
    bounded(&out, size);
    rg_buf_reset(&out);
    rg_render_event(&out, &r, false, &partner, cs);
    bounded(&out, size);
    rg_buf_free(&out);
    rg_buf_free(&opened);
    return 0;
}
