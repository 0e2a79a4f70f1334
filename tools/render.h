/*
 * render.h - printing replies for people and for scripts: a msgpack value as
 * an indented `key: value` tree, or as one line of JSON (RFC 8259).
 */
#ifndef RG_RENDER_H
#define RG_RENDER_H

#include <stdio.h>

#include "../engine/storage/codec.h"

void rg_render_json(FILE *out, const rg_val *v);
void rg_render_human(FILE *out, const rg_val *v, int indent);
/* An ISO 8601 UTC form of ms since the epoch ("2026-12-01T09:00:00Z"). */
void rg_render_iso(char *buf, size_t cap, uint64_t ms);

#endif
