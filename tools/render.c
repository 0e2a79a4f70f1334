/* render.c - replies as JSON or as an indented tree; see render.h. */
#include "render.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

static void json_str(FILE *out, const char *p, uint32_t n)
{
    fputc('"', out);
    for (uint32_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)p[i];
        if (ch == '"' || ch == '\\') {
            fputc('\\', out);
            fputc(ch, out);
        } else if (ch < 0x20) {
            switch (ch) {
            case '\n': fputs("\\n", out); break;
            case '\r': fputs("\\r", out); break;
            case '\t': fputs("\\t", out); break;
            default: fprintf(out, "\\u%04x", ch);
            }
        } else if (ch < 0x80) {
            fputc(ch, out);
        } else {
            /* Pass well-formed UTF-8 through; replace anything else. */
            int len = (ch >> 5) == 6 ? 2 : (ch >> 4) == 14 ? 3 : (ch >> 3) == 30 ? 4 : 0;
            bool ok = len && i + (uint32_t)len <= n;
            for (int k = 1; ok && k < len; k++) ok = ((unsigned char)p[i + k] >> 6) == 2;
            if (ok) {
                fwrite(p + i, 1, (size_t)len, out);
                i += (uint32_t)len - 1;
            } else {
                fputs("\\ufffd", out);
            }
        }
    }
    fputc('"', out);
}

void rg_render_json(FILE *out, const rg_val *v)
{
    const char *s;
    const uint8_t *b;
    uint32_t n;
    uint64_t u;
    bool bo;
    switch (rg_val_type(v)) {
    case RG_VNIL: fputs("null", out); return;
    case RG_VBOOL: rg_val_bool(v, &bo); fputs(bo ? "true" : "false", out); return;
    case RG_VUINT: rg_val_uint(v, &u); fprintf(out, "%" PRIu64, u); return;
    case RG_VINT: fprintf(out, "%" PRId64, rg_val_int(v)); return;
    case RG_VFLOAT: fprintf(out, "%.17g", rg_val_float(v)); return;
    case RG_VSTR: rg_val_str(v, &s, &n); json_str(out, s, n); return;
    case RG_VBIN:
        rg_val_bin(v, &b, &n);
        fputc('"', out);
        for (uint32_t i = 0; i < n; i++) fprintf(out, "%02x", b[i]);
        fputc('"', out);
        return;
    case RG_VARRAY:
        fputc('[', out);
        for (uint32_t i = 0; i < rg_array_size(v); i++) {
            if (i) fputc(',', out);
            rg_render_json(out, rg_array_at(v, i));
        }
        fputc(']', out);
        return;
    case RG_VMAP:
        fputc('{', out);
        for (uint32_t i = 0; i < rg_map_size(v); i++) {
            if (i) fputc(',', out);
            const rg_val *k = rg_map_key(v, i);
            if (rg_val_str(k, &s, &n)) json_str(out, s, n);
            else { fputc('"', out); rg_render_json(out, k); fputc('"', out); }
            fputc(':', out);
            rg_render_json(out, rg_map_value(v, i));
        }
        fputc('}', out);
        return;
    default: fputs("null", out); return;
    }
}

void rg_render_iso(char *buf, size_t cap, uint64_t ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static bool is_time_key(const rg_val *k)
{
    static const char *const keys[] = {"at", "created_at", "updated_at", "state_since", "due",
                                       "since", "escalates_at", "now", NULL};
    for (const char *const *p = keys; *p; p++)
        if (rg_val_is_str(k, *p)) return true;
    return false;
}

static bool scalar(const rg_val *v)
{
    rg_vtype t = rg_val_type(v);
    return t != RG_VMAP && t != RG_VARRAY;
}

static void human_scalar(FILE *out, const rg_val *key, const rg_val *v)
{
    const char *s;
    uint32_t n;
    uint64_t u;
    if (rg_val_str(v, &s, &n)) {
        fwrite(s, 1, n, out);
    } else if (key && is_time_key(key) && rg_val_uint(v, &u) && u > 100000000000ULL) {
        char iso[40];
        rg_render_iso(iso, sizeof iso, u);
        fprintf(out, "%" PRIu64 " (%s)", u, iso);
    } else {
        rg_render_json(out, v);
    }
    fputc('\n', out);
}

void rg_render_human(FILE *out, const rg_val *v, int indent)
{
    if (rg_val_type(v) == RG_VMAP) {
        for (uint32_t i = 0; i < rg_map_size(v); i++) {
            const rg_val *k = rg_map_key(v, i), *val = rg_map_value(v, i);
            const char *s;
            uint32_t n;
            fprintf(out, "%*s", indent, "");
            if (rg_val_str(k, &s, &n)) fwrite(s, 1, n, out); else rg_render_json(out, k);
            if (scalar(val)) {
                fputs(": ", out);
                human_scalar(out, k, val);
            } else if (rg_val_type(val) == RG_VARRAY && rg_array_size(val) == 0) {
                fputs(": []\n", out);
            } else {
                fputs(":\n", out);
                rg_render_human(out, val, indent + 2);
            }
        }
    } else if (rg_val_type(v) == RG_VARRAY) {
        for (uint32_t i = 0; i < rg_array_size(v); i++) {
            const rg_val *item = rg_array_at(v, i);
            fprintf(out, "%*s-", indent, "");
            if (scalar(item)) {
                fputc(' ', out);
                human_scalar(out, NULL, item);
            } else {
                fputc('\n', out);
                rg_render_human(out, item, indent + 2);
            }
        }
    } else {
        fprintf(out, "%*s", indent, "");
        human_scalar(out, NULL, v);
    }
}
