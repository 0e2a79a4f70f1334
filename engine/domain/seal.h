/*
 * seal.h - personal data encrypted at rest, per case (CONTRACT.md, "Privacy
 * operations"): the subject part of an event and every free-text field of
 * its data are sealed under the case's own data key, each box bound to the
 * case, the event's position and the field's path (associated data), so a
 * box cannot be moved to another event or field.  Which fields are free
 * text is the contract's table: a field of type RG_F_TEXT of the operation
 * that emitted the event (schemas/ops.c; also inside the maps of an array of
 * maps, such as a plan's actions), and the event's classified item
 * (schemas/events.c column `item`).  A new free-text field is sealed by being
 * declared TEXT.  A box is a msgpack bin in place of the text (event data
 * holds no other bin), so a reader opens every bin it finds, and records
 * written before a field was sealed (its text a string) read as they are.
 * The hash chain covers the boxes: erasing a case destroys its key and
 * leaves every record, and log.verify, intact.
 *
 * Ownership: rg_record_open writes the opened record's bytes into the
 * caller's buffer; the rg_record it fills points into that buffer.
 */
#ifndef RG_SEAL_H
#define RG_SEAL_H

#include <stdbool.h>
#include <stdint.h>

#include "../storage/crypto.h"
#include "contract.h"
#include "event.h"

#define RG_DK_LEN RG_KEY_LEN

/* Seal ev's subject and its free text (the RG_F_TEXT fields among text,
 * the fields of the operation that emitted it, or NULL; and its classified
 * item, or NULL) under dk, for the event at seq of case_id.  With pk, the
 * subject part (one person's data) is sealed under that person's own key
 * instead (format 3: the person the event's data.person names, P1 when it
 * names none), so erasing the person destroys pk alone. */
void rg_seal_event(rg_evb *ev, const uint8_t dk[RG_DK_LEN], const uint8_t *pk, const char *case_id,
                   uint64_t seq, const rg_field *text, const char *item);
/* Has ev anything to seal: a subject, a classified item, or free-text
 * fields among text? */
bool rg_seal_wanted(const rg_evb *ev, const rg_field *text, const char *item);
/* A record as if it had been stored plain: a sealed one opened with its
 * case's key dk, or, when dk is NULL (the case was erased), with the subject
 * and every sealed field left out and `withheld: true` in the data.  A plain
 * record is returned as it is.  RG_ESTORAGE when a box does not open. */
int rg_record_open(const rg_record *in, const char *case_id, const uint8_t *dk, rg_buf *buf,
                   rg_record *out /* OUT */);
/* The keys a record of a household case opens with: the case's (free text;
 * the subject part of format 2), and each person's (the subject part of
 * format 3), looked up by the person's id; NULL for an erased one. */
typedef struct rg_keyring {
    const uint8_t *dk;
    const uint8_t *(*person)(const void *ud, const char *person);
    const void *ud;
} rg_keyring;
/* As rg_record_open, with the keys of k: a format-3 subject part whose
 * person has no key (erased) is left out, the rest opened. */
int rg_record_open_keys(const rg_record *in, const char *case_id, const rg_keyring *k, rg_buf *buf,
                        rg_record *out /* OUT */);


/* Wrap and unwrap a case's data key under the key-encryption key (a
 * person's key: case_id "CASE/P2"). */
void rg_dk_wrap(rg_buf *out, const uint8_t kek[RG_KEY_LEN], const char *case_id,
                const uint8_t dk[RG_DK_LEN]);
int rg_dk_unwrap(uint8_t dk[RG_DK_LEN], const uint8_t kek[RG_KEY_LEN], const char *case_id,
                 const uint8_t *box, size_t n);

#endif
