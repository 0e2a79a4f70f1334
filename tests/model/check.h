/*
 * check.h - compare what the engine shows of a case with the reference
 * model (model.h): the case.get view (state, route, version, relapses,
 * escalation level, open deadlines, open stagnations) and the events
 * case.history returns.
 *
 * Each function appends a human-readable account of every difference to
 * `diff` (a NUL-terminated text in an rg_buf) and returns the number of
 * differences, 0 when the engine agrees with the model.
 *
 * What is compared, and what deliberately is not:
 * - deadlines and stagnations as multisets of (norm, item, due), the
 *   stagnations also with `since` and `escalates_at` (nil while an
 *   escalation is open, since then they do not escalate); the retention
 *   deadline of an archived or referred case is left out: it erases a
 *   case, which is the privacy tests' concern, and never stagnates;
 * - events in log order, grouped by their `at`: within one instant the
 *   order is not a rule, so each group is compared as a multiset of (type,
 *   by the engine or not, norm, item, due, level, auto).  An engine
 *   escalation names the stagnation that matured only when exactly one
 *   did; stagnation.detected's late_ms is not compared.
 */
#ifndef RG_MODEL_CHECK_H
#define RG_MODEL_CHECK_H

/* rg_buf and rg_val, by way of the harness (which follows the engine's layout). */
#include "../test.h"
#include "model.h"

/* case: the reply's "case" map of case.get. */
int mv_check_case(const rg_val *cs, const m_case *m, rg_buf *diff);
/* events: the reply's "events" of case.history; compares those from index
 * `from` on (the earlier ones were compared before). */
int mv_check_events(const rg_val *events, int from, const m_case *m, rg_buf *diff);
#define MV_KEY 320            /* an event's key: what of it the rules decide */

/* The key of the engine's event i of a case.history reply. */
void mv_engine_key(const rg_val *events, uint32_t i, char *out /* OUT: MV_KEY bytes */);
/* The engine's first n events of a case, their keys, and whether each
 * raised an alert for the manager, against the model's events that should
 * (m_event.alerts_managers); like the events, compared per instant. */
int mv_check_alerts(const m_case *m, char (*keys)[MV_KEY], const uint8_t *alerted, int n, rg_buf *diff);
/* Append the last `last` events of both sides, one key a line. */
void mv_dump_events(const rg_val *events, const m_case *m, int last, rg_buf *diff);
/* Append printf-style text to diff, keeping it NUL-terminated. */
void mv_printf(rg_buf *diff, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A time as "2026-03-29T03:30:00+02:00 (1774747800000)". */
const char *mv_time(int64_t ms, char *out, size_t cap);

#endif
