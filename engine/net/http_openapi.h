/*
 * http_openapi.h - the OpenAPI description of the HTTP face (http_openapi.c), drawn
 * from the contract's tables.
 */
#ifndef RG_HTTP_OPENAPI_H
#define RG_HTTP_OPENAPI_H

#include "../storage/buf.h"

/* The OpenAPI document (JSON) into out. */
void rg_openapi_render(rg_buf *out);

#endif
