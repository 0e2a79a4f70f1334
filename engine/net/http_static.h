/*
 * http_static.h - the web client's files, served from --web-root (http_static.c).
 */
#ifndef RG_HTTP_STATIC_H
#define RG_HTTP_STATIC_H

#include <microhttpd.h>

#include "http_int.h"

/* Answer r with the file url names under h's web root; returns MHD's result. */
enum MHD_Result rg_http_static(rg_http *h, hreq *r, const char *url);

#endif
