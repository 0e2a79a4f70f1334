/*
 * render.h - printing replies for people and for scripts: a msgpack value as
 * an indented `key: value` tree, or as one line of JSON (RFC 8259).
 *
 * Times.  The engine sends instants as milliseconds since the epoch (UTC).
 * People see them in local time, Europe/Amsterdam unless TZ is set (and not
 * empty): "2026-04-30 10:00"; a deadline that falls at local midnight is the
 * end of the day before, "2026-04-30, end of day" (an instant at midnight
 * that is no deadline, such as when an alert was raised, reads "2026-05-01
 * 00:00").  Durations (keys ending in
 * _ms) read "3d 4h".  JSON carries instants as ISO 8601 with the local
 * offset, "2026-05-01T00:00:00+02:00" (milliseconds added when not zero),
 * and durations as numbers.  Which values are times is told by their key
 * (at, due, since, created_at, every *_at, the members of `norms`, ...); a
 * number under such a key below 1973 is not an instant (e.g. a version).
 */
#ifndef RG_RENDER_H
#define RG_RENDER_H

#include <stdbool.h>
#include <stdio.h>

#include "../engine/storage/codec.h"

void rg_render_json(FILE *out, const rg_val *v);
void rg_render_human(FILE *out, const rg_val *v, int indent);
/* One `key: value` line (or `key:` and the indented tree below it), the
 * value read as the key says (a time, a duration). */
void rg_render_human_field(FILE *out, const char *key, const rg_val *v, int indent);
/* An ISO 8601 UTC form of ms since the epoch ("2026-12-01T09:00:00Z"). */
void rg_render_iso(char *buf, size_t cap, uint64_t ms);
/* Local time for people: "2026-04-30 10:00"; with deadline, a local
 * midnight shows as "2026-04-29, end of day". */
void rg_render_local(char *buf, size_t cap, uint64_t ms, bool deadline);
/* ISO 8601 with the local offset: "2026-04-30T10:00:00+02:00". */
void rg_render_iso_local(char *buf, size_t cap, uint64_t ms);
/* A duration for people: "45s", "12m", "5h 10m", "3d 4h". */
void rg_render_duration(char *buf, size_t cap, uint64_t ms);
/* A local date-time typed without an offset ("2026-04-30 10:00",
 * "2026-04-30T10:00:00") as ISO 8601 with the local offset of that moment
 * into buf; false (buf untouched) for anything else, which is passed on as
 * typed (a date alone, a time with an offset). */
bool rg_render_local_input(const char *s, char *buf, size_t cap);
/* The time zone times are shown in: "Europe/Amsterdam" or TZ. */
const char *rg_render_zone(void);

#endif
