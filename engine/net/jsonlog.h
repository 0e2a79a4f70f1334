/*
 * jsonlog.h - regied --log-format json: every line the process writes to
 * stderr leaves as one JSON object, {"ts", "level", "msg"}.
 *
 * Why a pipe and not a logging call: the engine's messages are plain
 * fprintf(stderr, ...) lines spread over every layer (and more are added
 * while others work on those files).  Instead of touching each, fd 2
 * becomes a pipe; a thread reads it line by line and writes each line,
 * wrapped and escaped, to the real stderr.  The level is inferred from the
 * words of the line (an engine message says "cannot", "failed", ...).
 * Tokens ("rgt_" and hex) are masked on the way, as a second line of
 * defence: no message of the engine prints one, nor any personal data.
 */
#ifndef RG_JSONLOG_H
#define RG_JSONLOG_H

#include <stddef.h>

/* Redirect stderr through the wrapping thread; undone at exit (atexit), so
 * every line written before exit is out.  0, or -1 (stderr unchanged). */
int rg_jsonlog_start(void);
/* Restore stderr and wait for the thread to write what it has (idempotent). */
void rg_jsonlog_stop(void);

/* One line (without its newline) as a JSON object with a newline into out
 * (cap bytes; truncated at a character boundary if longer); ts_ms the time
 * it is stamped with.  Returns the length written. */
size_t rg_jsonlog_format(char *out, size_t cap, const char *line, size_t n, long long ts_ms);

#endif
