/*
 * idem.h - the stored copy of a first reply (the `idem` column family, kept
 * so that a repeated `req` gets the first reply).  A reply about a case can
 * hold personal data (the events it appended, a report's subject, the
 * histories an access export shows), and that data must go when the case it
 * belongs to is erased.  So the copy holds none: every array of events in
 * it is stored as a reference to log positions,
 *
 *   0xc2 reply    where each events array is {"$events": [case, first, last, subject, system]}
 *                 (an access export's has a sixth element, true: rendered as
 *                 the data subject may get it, ctx.h rg_ctx_reply_export)
 *
 * (0xc2, msgpack false, is never the first byte of a reply, which is a map)
 * and a repeat renders those events again from the log (the versions first
 * to last of the case, with its subject when the first reply showed it, for
 * the same reader): the same reply while the case lives, and once it is
 * erased the events as an erased case shows them, its personal data
 * withheld.  The copy is also smaller than the reply.
 *
 * Records written before the references are still read:
 *   0xc1 case_id 0x00 box(reply)   sealed under the case's data key (a
 *                                  repeat on an erased case is answered
 *                                  {ok: true, case, erased: true})
 *   msgpack                         a reply about no case, as it was
 */
#ifndef RG_IDEM_H
#define RG_IDEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../domain/case.h"
#include "engine.h"

/* The reference to the versions first..last of case_id, as a msgpack value,
 * into out: shown with the subject or not, to the engine itself (system:
 * reader the system actor) or to whoever stored the reply. */
void rg_idem_ref(rg_buf *out, const char *case_id, uint32_t first, uint32_t last, bool subject,
                 bool system);
/* The events first..last of cs as an array, each rendered for reader as a
 * reply shows it (upcast.h rg_render_event); the one rendering of both the
 * first reply and a repeat.  RG_ESTORAGE when the log does not hold them. */
int rg_idem_render(rg_engine *e, rg_buf *out, const rg_case *cs, uint32_t first, uint32_t last,
                   bool subject, const rg_actor *reader);
/* The stored copy: 0xc2, then reply with its references (msgpack). */
void rg_idem_store(rg_buf *out, const uint8_t *reply, size_t n);
/* The first reply from a stored copy v (any of the forms above) into out;
 * ikey ("actor\0req") names the reader of its references. */
int rg_idem_open(rg_engine *e, const uint8_t *v, size_t vn, const char *ikey, size_t ikn, rg_buf *out);

#endif
