/*
 * event.h - events: the builder handlers fill, and the stored record.
 *
 * A stored event record (the value in the `events` column family):
 *
 *   offset  size  field
 *   0       32    link      SHA-256(previous link || bytes 32..end)
 *   32      1     format    1: plain; 2: sealed (seal.h: the subject part and
 *                           the free-text item are boxes under the case's key);
 *                           3: as 2, the subject part under the key of the
 *                           person data.person names (P1 when none)
 *   33      2     tver      the event type's schema version (for upcasting)
 *   35      4     pub_len   length of the public part
 *   39      4     data_off  offset, within pub, of the data map's map32 header
 *   43      ...   pub       the event map without data.subject (contract keys:
 *                           seq, case, v, type, at, actor, data; data is last
 *                           and its header is always map32)
 *   43+pub  ...   subject   msgpack map of personal data, or nothing
 *
 * Personal data therefore lives only in the trailing subject part and can be
 * encrypted per case without touching the rest; a reader allowed to see it
 * gets the event with `subject` spliced into data (count patched, key and
 * value appended: data is the last key of the outer map), without decoding.
 */
#ifndef RG_EVENT_H
#define RG_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../storage/buf.h"
#include "../storage/codec.h"
#include "../storage/crypto.h"

#define RG_ID_MAX 65          /* ids are at most 64 bytes */
#define RG_DATE_MAX 32        /* ISO 8601 dates and date-times */
#define RG_REC_HDR 43

/* A notification topic: 32 hex chars (CONTRACT.md, "Notifications"). */
#define RG_TOPIC_LEN 32

typedef struct rg_actor {
    char id[RG_ID_MAX];
    int role;                 /* rg_role */
    char org[RG_ID_MAX];
    char zvh[RG_ID_MAX];      /* the region (ZVH) it belongs to */
    uint32_t covenants;       /* bits of RG_COVENANTS it is admitted to */
    bool revoked;
    uint64_t expires;         /* ms since the epoch from which its token is refused; 0: never */
    bool engine_wide;         /* an admin of the whole engine (the operator, the first admin);
                                 other admins are their region's */
    uint8_t token_hash[RG_HASH_LEN];
    /* its notification topics (derived when loaded or created; not stored) */
    char feed_topic[RG_TOPIC_LEN + 1], alerts_topic[RG_TOPIC_LEN + 1];
} rg_actor;

/* An event a handler is building, before it has a position. */
typedef struct rg_evb {
    const char *type;
    const rg_actor *actor;    /* who appends it, when not the caller (the engine) */
    uint16_t tver;
    rg_buf data;              /* encoded key/value pairs of data, no header */
    uint32_t nkeys;
    rg_buf subject;           /* encoded map of personal data, or empty (sealed: a bin) */
    bool sealed;              /* rg_seal_event encrypted its personal data */
    char person[16];          /* whose data the subject part is ("P2"), sealed under their own
                                 key; "" for a subject part under the case's key */
    bool person_sealed;       /* it was (format 3) */
} rg_evb;

void rg_evb_init(rg_evb *ev, const char *type, uint16_t tver);
void rg_evb_free(rg_evb *ev);
void rg_ev_str(rg_evb *ev, const char *key, const char *val);
void rg_ev_uint(rg_evb *ev, const char *key, uint64_t val);
void rg_ev_bool(rg_evb *ev, const char *key, bool val);
void rg_ev_val(rg_evb *ev, const char *key, const rg_val *val);   /* copies */
/* The data map of ev, encoded (header + pairs), appended to out. */
void rg_evb_data(const rg_evb *ev, rg_buf *out);

typedef struct rg_record {
    const uint8_t *link;
    uint8_t format;           /* 1 plain, 2 sealed, 3 sealed per person */
    uint16_t tver;
    const uint8_t *pub;
    uint32_t pub_len;
    uint32_t data_off;
    const uint8_t *subj;
    uint32_t subj_len;
} rg_record;

/* Build the record of ev at (seq, case, v) into out (reset first), chained to
 * prev.  *link_out receives the new link. */
void rg_record_build(rg_buf *out, const uint8_t prev[RG_HASH_LEN], uint64_t seq,
                     const char *case_id, uint32_t v, uint64_t at, const rg_actor *actor,
                     const rg_evb *ev);
/* Split a stored record; RG_ESTORAGE when it is malformed. */
int rg_record_parse(const uint8_t *p, size_t n, rg_record *out /* OUT */);
/* Does the record's link equal SHA-256(prev || body)? */
bool rg_record_verify(const uint8_t prev[RG_HASH_LEN], const uint8_t *p, size_t n);
/* Append the event map as clients see it; with_subject splices data.subject. */
void rg_record_render(rg_buf *out, const rg_record *r, bool with_subject);

#endif
