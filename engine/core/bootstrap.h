/*
 * bootstrap.h - start-up steps (bootstrap.c): the first admin (on a first
 * start regied writes DIR/admin.token, 0600, with the admin's token) and the
 * one-time count of a pre-tally directory's figures per region.
 */
#ifndef RG_BOOTSTRAP_H
#define RG_BOOTSTRAP_H

#include "engine.h"

/* Write DIR/admin.token (0600) with a new admin token if the file does not
 * exist.  The admin actor is made durable before the file appears, so a
 * crash in between only means a new token next start. */
int rg_bootstrap_admin(rg_engine *e, const char *dir);

/* Right after every rg_store_load (state.h): a directory from before the
 * figures per region has them counted by one walk of its cases and written,
 * the marker last.  Does nothing when rg_store_load found them. */
int rg_bootstrap_tallies(rg_engine *e);

#endif
