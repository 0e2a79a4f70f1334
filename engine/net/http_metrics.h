/*
 * http_metrics.h - the figures /metrics shows (Prometheus text format).
 *
 * Counters are atomics, bumped from any thread (the HTTP thread, the loop);
 * the gauges read from the engine (log head, parked long-polls, deadline
 * lateness) are gathered on the loop into an rg_metrics_snap before the
 * text is written.  Labels are only words of fixed tables (operations,
 * results, transports, reasons): never a case id, an actor or personal data.
 */
#ifndef RG_HTTP_METRICS_H
#define RG_HTTP_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "../core/engine.h"
#include "../domain/event.h"
#include "../storage/buf.h"

typedef struct rg_metrics rg_metrics;

/* Why a connection or request was refused or cut off. */
typedef enum {
    RG_REFUSE_CONNECTIONS,   /* over the connection cap: 503 */
    RG_REFUSE_BODY,          /* body over the cap: 413 */
    RG_REFUSE_TIMEOUT,       /* idle (headers, body or between requests) past the limit: closed */
    RG_REFUSE_SESSIONS,      /* the session table full: 503 */
    RG_REFUSE_STREAMS,       /* over the SSE reader cap: 503 */
    RG_REFUSE_SLOW_HEADERS,  /* headers still arriving, a trickle, past the limit: 408, closed */
    RG_REFUSE_SLOW_BODY,     /* a body arriving slower than the minimum rate: 408, closed */
    RG_NREFUSE
} rg_refuse;

rg_metrics *rg_metrics_new(void);
void rg_metrics_free(rg_metrics *m);

/* The transports a request comes by. */
typedef enum { RG_VIA_HTTP, RG_VIA_NNG, RG_NVIA } rg_via;

/* One answered request: op (NULL or unknown: "unknown"), its result
 * ("ok" or an error code), how long it took; rg_metrics_request is HTTP's. */
void rg_metrics_request_via(rg_metrics *m, rg_via via, const char *op, const char *result, uint64_t ns);
void rg_metrics_request(rg_metrics *m, const char *op, const char *result, uint64_t ns);
/* The op of a request and the result ("ok" or the error code) of a reply,
 * both msgpack: read from their first keys (a client's envelope starts with
 * op, every reply with ok and, failed, error), else by parsing the whole. */
void rg_metrics_op_of(const uint8_t *p, size_t n, char *op, size_t cap);
void rg_metrics_result_of(const uint8_t *p, size_t n, char *code, size_t cap);
void rg_metrics_refused(rg_metrics *m, rg_refuse why);
void rg_metrics_status(rg_metrics *m, unsigned status);   /* every HTTP answer */
void rg_metrics_connections(rg_metrics *m, int delta);
void rg_metrics_streams(rg_metrics *m, int kind /* 0 feed, 1 alerts */, int delta);
void rg_metrics_sse_events(rg_metrics *m, uint64_t n);

/* A region's figures (its covenant sets summed); the name is the region's
 * configured id, a word of the configuration, never personal data. */
#define RG_METRICS_REGIONS 64
typedef struct rg_metrics_region {
    char zvh[RG_ID_MAX];
    uint64_t stagnations, esc[3], pending;
} rg_metrics_region;

typedef struct rg_metrics_snap {
    uint64_t log_head;
    uint64_t parked;            /* feed.read long-polls waiting */
    uint64_t sessions;
    uint64_t lateness_count;
    uint64_t lateness_p50, lateness_p99, lateness_max;   /* ms */
    uint64_t engine_inflight;   /* HTTP requests in the engine */
    uint64_t commits, committed;   /* group commits since start, the commands they carried */
    rg_commit_figures commit;      /* their sizes and times */
    rg_metrics_region regions[RG_METRICS_REGIONS];
    size_t nregions;
    bool regions_cut;              /* more regions than fit: the rest left out */
} rg_metrics_snap;

void rg_metrics_render(rg_metrics *m, const rg_metrics_snap *s, rg_buf *out);

#endif
