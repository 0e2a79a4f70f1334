/*
 * idem.h - the stored copy of a first reply (the `idem` column family, kept
 * so that a repeated `req` gets the first reply).  A reply about a case can
 * hold personal data (the events it appended, a report's subject), so its
 * copy is sealed under that case's data key:
 *
 *   0xc1 case_id 0x00 box(reply)        (0xc1 is never the first byte of msgpack)
 *
 * and erasing the case makes it unreadable with everything else.  A repeat
 * of a request on an erased case is answered {ok: true, case, erased: true}.
 */
#ifndef RG_IDEM_H
#define RG_IDEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../domain/case.h"
#include "engine.h"

/* Seal reply for case cs into out; false when cs has no key (then the reply
 * is stored as it is: a case from before encryption). */
bool rg_idem_seal(rg_buf *out, const rg_case *cs, const char *ikey, size_t ikn, const uint8_t *reply,
                  size_t n);
/* The first reply from a stored copy v (sealed or not) into out. */
int rg_idem_open(rg_engine *e, const uint8_t *v, size_t vn, const char *ikey, size_t ikn, rg_buf *out);

#endif
