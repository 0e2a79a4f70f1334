/* reply.c - the two shapes of a reply (CONTRACT.md, "Requests and replies"),
 * each built in one place. */
#include "reply.h"

#include "../storage/errors.h"

/* {ok: false, error, message} */
void rg_error_reply(rg_buf *out, int err, const char *msg)
{
    rg_buf_reset(out);
    rg_w_map(out, 3);
    rg_w_kbool(out, "ok", false);
    rg_w_kstr(out, "error", rg_strerror(err));
    rg_w_kstr(out, "message", msg);
}

void rg_error_reply_traced(rg_buf *out, int err, const char *msg, const char *traceparent)
{
    rg_buf_reset(out);
    rg_w_map(out, 4);
    rg_w_kbool(out, "ok", false);
    rg_w_kstr(out, "error", rg_strerror(err));
    rg_w_kstr(out, "message", msg);
    rg_w_kstr(out, "trace", traceparent);
}

/* {ok: true, [case, version, seq, events,] extra...}; events is the array's
 * items (nevs >= 0) or, for the stored copy, one whole value (nevs < 0: a
 * reference, idem.h). */
static void write_reply(rg_buf *out, const rg_case *cs, uint64_t seq, int nevs, const rg_buf *events,
                        const rg_buf *extra, uint32_t nextra)
{
    rg_w_map(out, 1 + (cs ? 4 : 0) + nextra);
    rg_w_kbool(out, "ok", true);
    if (cs) {
        rg_w_kstr(out, "case", cs->id);
        rg_w_kuint(out, "version", cs->version);
        rg_w_kuint(out, "seq", seq);
        rg_w_cstr(out, "events");
        if (nevs >= 0) rg_w_array(out, (uint32_t)nevs);
        rg_buf_append(out, events->data, events->len);
    }
    rg_buf_append(out, extra->data, extra->len);
}

void rg_write_reply(rg_buf *out, const rg_case *cs, uint64_t seq, int nevs,
                        const rg_buf *events, const rg_buf *extra, uint32_t nextra)
{
    write_reply(out, cs, seq, nevs, events, extra, nextra);
}

void rg_write_reply_ref(rg_buf *out, const rg_case *cs, uint64_t seq, const rg_buf *ref, const rg_buf *extra,
                        uint32_t nextra)
{
    write_reply(out, cs, seq, -1, ref, extra, nextra);
}
