/* errors.c - RG_E* codes to the contract's error strings. */
#include "errors.h"

const char *rg_strerror(int err)
{
    switch (err) {
#define RG_ERR_CASE(name, val, code) case RG_E##name: return code;
    RG_ERRNO_MAP(RG_ERR_CASE)
#undef RG_ERR_CASE
    default: return "storage_error";
    }
}
