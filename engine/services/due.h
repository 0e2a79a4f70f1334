/*
 * due.h - the deadline service (due.c): fires what falls due in the
 * `deadlines` index (core/dl_index.h) as the engine's own commands, runs
 * the manual clock's clock.advance, and measures how late it fires.
 *
 * Ownership: the service belongs to its engine (freed when it closes).  A
 * clock.advance takes its request's reply and answers it once everything
 * the new time passes is durable.
 */
#ifndef RG_DUE_H
#define RG_DUE_H

#include <stdint.h>

#include "../core/ctx.h"

typedef struct rg_due rg_due;

int rg_due_attach(rg_engine *e, rg_due **out /* OUT */);
/* Fire a slice of what is due now (also arms the timer for the next). */
void rg_due_run(rg_due *du);
/* clock.advance by ms on a manual clock: answers c later; guard_failed on
 * the real clock, overloaded while another advance runs. */
int rg_due_advance(rg_due *du, rg_ctx *c, uint64_t ms);
/* Firing lateness: the bucket bound (ms) of a percentile, and how many
 * deadlines fired (only those that were ahead when set count). */
uint64_t rg_due_lateness_pct(const rg_due *du, double pct, uint64_t *count /* OUT */);

#endif
