/*
 * http_json.h - the HTTP face's translation between JSON and the engine's
 * msgpack; the only module that touches jansson.
 *
 * (http_openapi.c also builds its document with jansson.)
 * A request body becomes the envelope the pipeline reads (op and token from
 * the URL and the credentials, never from the body); a reply or a feed
 * event becomes JSON.  Both directions are pure functions on bytes, so the
 * fuzz target and the unit test drive them without a server.
 *
 * Bounds: the JSON is at most RG_HTTP_BODY_MAX bytes (the caller refuses a
 * larger body first), nested at most RG_MAX_DEPTH deep (the codec's bound);
 * every string must be valid UTF-8 without NUL (jansson checks UTF-8 as it
 * parses; NUL is refused here); numbers must be whole (no field of the
 * contract takes a fraction).
 */
#ifndef RG_HTTP_JSON_H
#define RG_HTTP_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../storage/buf.h"

#define RG_HTTP_BODY_MAX (1u << 20)

/* The envelope {op, token, <body's fields>} as msgpack into out (reset
 * first).  body may be empty (an operation without fields).  The body is a
 * JSON object of the envelope's other keys (case, req, expect, data); `op`
 * and `token` in it are refused (they come from the URL and the
 * credentials).  On failure returns RG_EBADREQ with why (static text, or
 * written into whybuf) saying what is wrong, never echoing a value. */
int rg_json_to_request(rg_buf *out, const char *op, const char *token, const char *body,
                       size_t n, char *whybuf, size_t whycap);

/* The fields of a JSON object body: `name`'s string value copied into dst
 * (cap bytes with NUL); false when absent, not a string or too long. */
bool rg_json_get_str(const char *body, size_t n, const char *name, char *dst, size_t cap);

/* msgpack bytes (a reply, an event) as compact JSON into out (appended).
 * A binary value becomes a lower-case hex string.  Returns RG_EBADREQ when p
 * is not one msgpack value. */
int rg_json_from_msgpack(rg_buf *out, const uint8_t *p, size_t n);

#endif

/* A reply of feed.read or alerts.list (msgpack) as Server-Sent Events
 * appended to out: one message per element of the array under list_key,
 * `id:` its id_key (the position to resume from), `data:` the element as
 * JSON.  Returns how many, or RG_EBADREQ. */
int rg_json_sse(rg_buf *out, const uint8_t *p, size_t n, const char *list_key, const char *id_key);
