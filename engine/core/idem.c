/* idem.c - sealed copies of first replies; see idem.h. */
#include "idem.h"

#include <string.h>

#include "../storage/errors.h"
#include "state.h"

#define SEALED 0xc1

bool rg_idem_seal(rg_buf *out, const rg_case *cs, const char *ikey, size_t ikn, const uint8_t *reply,
                  size_t n)
{
    if (cs->dk_state != RG_DK_PRESENT) return false;
    rg_buf_put_u8(out, SEALED);
    rg_buf_append(out, cs->id, strlen(cs->id) + 1);
    rg_aead_seal(out, cs->dk, ikey, ikn, reply, n);
    return true;
}

int rg_idem_open(rg_engine *e, const uint8_t *v, size_t vn, const char *ikey, size_t ikn, rg_buf *out)
{
    if (!vn || v[0] != SEALED) {
        rg_buf_append(out, v, vn);
        return 0;
    }
    const uint8_t *z = memchr(v + 1, 0, vn - 1);
    if (!z || (size_t)(z - v - 1) >= RG_ID_MAX) return RG_ESTORAGE;
    char id[RG_ID_MAX];
    memcpy(id, v + 1, (size_t)(z - v - 1));
    id[z - v - 1] = 0;
    rg_case *cs;
    int rc = rg_store_case(e, id, &cs);
    if (rc < 0) return RG_ESTORAGE;
    if (cs->dk_state != RG_DK_PRESENT) {
        /* Erased: the first reply went with the case's key. */
        rg_w_map(out, 3);
        rg_w_kbool(out, "ok", true);
        rg_w_kstr(out, "case", id);
        rg_w_kbool(out, "erased", true);
        return 0;
    }
    return rg_aead_open(out, cs->dk, ikey, ikn, z + 1, vn - (size_t)(z + 1 - v));
}
