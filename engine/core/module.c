/* module.c - binding a module's handlers to the contract's operations.  See module.h. */
#include "module.h"

#include <stdio.h>
#include <string.h>

#include "../storage/errors.h"

int rg_module_bind(rg_handlers *h, const rg_module *m)
{
    memset(h, 0, sizeof *h);
    if (!m || !m->bindings) {
        fprintf(stderr, "regie: the engine was opened without a module: no operation has a handler\n");
        return RG_EBADREQ;
    }
    int rc = 0;
    for (const rg_binding *b = m->bindings; b->op; b++) {
        const rg_opdef *op = rg_op_find(b->op, (uint32_t)strlen(b->op));
        if (!op || op - rg_ops >= RG_MAX_OPS) {
            fprintf(stderr, "regie: the module binds %s, which is no operation\n", b->op);
            rc = RG_EBADREQ;
        } else if (h->fn[op - rg_ops]) {
            fprintf(stderr, "regie: the module binds %s twice\n", b->op);
            rc = RG_EBADREQ;
        } else {
            h->fn[op - rg_ops] = b->fn;
        }
    }
    for (const rg_opdef *op = rg_ops; op->name; op++)
        if (op - rg_ops >= RG_MAX_OPS || !h->fn[op - rg_ops]) {
            fprintf(stderr, "regie: operation %s has no handler in the module\n", op->name);
            rc = RG_EBADREQ;
        }
    return rc;
}

rg_handler_fn rg_module_handler(const rg_handlers *h, const rg_opdef *op)
{
    ptrdiff_t i = op - rg_ops;
    return i >= 0 && i < RG_MAX_OPS ? h->fn[i] : NULL;
}
