/* rpc.c - the benchmarks' blocking calls to a running regied. */
#include <stdlib.h>

#include "../../engine/storage/codec.h"
#include "../client.h"
#include "bench.h"

int bench_call(rg_client *c, const rg_buf *b, rg_doc **d, uint8_t **bytes)
{
    size_t n;
    const char *why;
    *bytes = NULL;
    if (rg_client_call(c, b->data, b->len, bytes, &n) < 0) return -1;
    return rg_doc_parse(d, *bytes, n, &why);
}

void bench_group_commit(rg_client *c, const char *admin, double *commits, double *cmds)
{
    rg_buf b = RG_BUF_INIT;
    rg_req_envelope(&b, "stats", admin, NULL, NULL, -1, -1);
    rg_doc *d;
    uint8_t *bytes;
    *commits = *cmds = 0;
    if (bench_call(c, &b, &d, &bytes) == 0) {
        const rg_val *gc = rg_map_get(rg_doc_root(d), "group_commit");
        uint64_t a = 0, n = 0;
        rg_val_uint(rg_map_get(gc, "commits"), &a);
        rg_val_uint(rg_map_get(gc, "commands"), &n);
        *commits = (double)a;
        *cmds = (double)n;
        rg_doc_free(d);
    }
    free(bytes);
    rg_buf_free(&b);
}
