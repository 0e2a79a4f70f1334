/* errors.c - RG_E* codes to the contract's error strings; the one way a
 * broken invariant stops the process (RG_ASSERT). */
#include "errors.h"

#include <stdio.h>
#include <stdlib.h>

const char *rg_strerror(int err)
{
    switch (err) {
#define RG_ERR_CASE(name, val, code) case RG_E##name: return code;
    RG_ERRNO_MAP(RG_ERR_CASE)
#undef RG_ERR_CASE
    default: return "storage_error";
    }
}

void rg_assert_fail(const char *cond, const char *file, int line, const char *func)
{
    fprintf(stderr, "regie: %s:%d: %s: invariant RG_ASSERT(%s) broken\n", file, line, func, cond);
    fflush(stderr);
    abort();
}
