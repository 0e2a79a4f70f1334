/*
 * bootstrap.h - the first admin (bootstrap.c): on a first start regied
 * writes DIR/admin.token (0600) with the admin's token.
 */
#ifndef RG_BOOTSTRAP_H
#define RG_BOOTSTRAP_H

#include "engine.h"

/* Write DIR/admin.token (0600) with a new admin token if the file does not
 * exist.  The admin actor is made durable before the file appears, so a
 * crash in between only means a new token next start. */
int rg_bootstrap_admin(rg_engine *e, const char *dir);

#endif
