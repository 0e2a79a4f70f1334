/*
 * module.h - the table the core is opened with: which handler serves each
 * operation of the contract (schemas/ops.c).  The core never names a
 * handler; the layer above that owns them (handlers/bindings.c) hands the
 * table in through rg_engine_opts.module, as nng's protocols hand their
 * ops to nni_proto_open.  The operations and the event types with their
 * folds are the domain's (contract.h, schema.h, fold.h): the client shares
 * the one and replay folds with the other without any engine being open.
 */
#ifndef RG_MODULE_H
#define RG_MODULE_H

#include "../domain/contract.h"

typedef struct rg_ctx rg_ctx;
typedef int (*rg_handler_fn)(rg_ctx *c);

/* An operation's name and the handler serving it. */
typedef struct rg_binding {
    const char *op;
    rg_handler_fn fn;
} rg_binding;

typedef struct rg_module {
    const rg_binding *bindings;   /* ends with {NULL, NULL} */
} rg_module;

/* The operations the contract may hold; rg_module_bind refuses more. */
#define RG_MAX_OPS 128

/* A module's handlers by operation, looked up once per request. */
typedef struct rg_handlers {
    rg_handler_fn fn[RG_MAX_OPS];  /* by index in rg_ops */
} rg_handlers;

/* Bind m's handlers to the contract's operations: every operation exactly
 * one handler, every binding an operation.  0, or RG_EBADREQ with each fault
 * on stderr (a start refused, never a request). */
int rg_module_bind(rg_handlers *h /* OUT */, const rg_module *m);
/* The handler of op (an entry of rg_ops); NULL for none. */
rg_handler_fn rg_module_handler(const rg_handlers *h, const rg_opdef *op);

#endif
