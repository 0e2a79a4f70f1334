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

/* One answered request: op (NULL or unknown: "unknown"), its result
 * ("ok" or an error code), how long it took. */
void rg_metrics_request(rg_metrics *m, const char *op, const char *result, uint64_t ns);
void rg_metrics_refused(rg_metrics *m, rg_refuse why);
void rg_metrics_status(rg_metrics *m, unsigned status);   /* every HTTP answer */
void rg_metrics_connections(rg_metrics *m, int delta);
void rg_metrics_streams(rg_metrics *m, int kind /* 0 feed, 1 alerts */, int delta);
void rg_metrics_sse_events(rg_metrics *m, uint64_t n);

typedef struct rg_metrics_snap {
    uint64_t log_head;
    uint64_t parked;            /* feed.read long-polls waiting */
    uint64_t sessions;
    uint64_t lateness_count;
    uint64_t lateness_p50, lateness_p99, lateness_max;   /* ms */
    uint64_t engine_inflight;   /* HTTP requests in the engine */
    uint64_t commits, committed;   /* group commits since start, the commands they carried */
} rg_metrics_snap;

void rg_metrics_render(rg_metrics *m, const rg_metrics_snap *s, rg_buf *out);

#endif
