/*
 * case_fuzz.c - libFuzzer target for the stored case projection (issue 16):
 * bytes as they would come back from the `cases` column family, through
 * rg_case_decode; what decodes is encoded again, and that must decode to
 * the same bytes once more (encode . decode is a fixed point).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../engine/domain/case.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rg_case *c = NULL;
    if (rg_case_decode(&c, data, size) != 0) return 0;
    rg_buf a = RG_BUF_INIT, b = RG_BUF_INIT;
    rg_case_encode(c, &a);
    rg_case_free(c);
    c = NULL;
    if (rg_case_decode(&c, a.data, a.len) != 0) abort();
    rg_case_encode(c, &b);
    if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0) abort();
    rg_case_free(c);
    rg_buf_free(&a);
    rg_buf_free(&b);
    return 0;
}
