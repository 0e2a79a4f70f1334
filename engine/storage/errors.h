/*
 * errors.h - the one error vocabulary of regie.
 *
 * Every function that can fail returns an int: 0 for success, a negative RG_E*
 * code otherwise.  The codes map one-to-one onto the contract's `error` strings
 * (RG_ERRNO_MAP below is the one table; README.md lists them with their HTTP
 * statuses), so the server translates an RG_E* into a reply without a second
 * table.  Library errors (RocksDB's errptr, nng's NNG_E*,
 * libuv's UV_E*) are translated at the edge, in the one module that calls that
 * library, and never travel further.
 */
#ifndef RG_ERRORS_H
#define RG_ERRORS_H

/* X(name, value, contract code) */
#define RG_ERRNO_MAP(X)                                  \
    X(BADREQ,     -1,  "bad_request")                    \
    X(UNKNOWNOP,  -2,  "unknown_op")                     \
    X(UNAUTH,     -3,  "unauthorized")                   \
    X(FORBIDDEN,  -4,  "forbidden")                      \
    X(NOTFOUND,   -5,  "not_found")                      \
    X(TRANSITION, -6,  "invalid_transition")             \
    X(GUARD,      -7,  "guard_failed")                   \
    X(CONFLICT,   -8,  "version_conflict")               \
    X(STORAGE,    -9,  "storage_error")                  \
    X(OVERLOAD,   -10, "overloaded")

enum {
    RG_OK = 0,
#define RG_ERR_ENUM(name, val, code) RG_E##name = (val),
    RG_ERRNO_MAP(RG_ERR_ENUM)
#undef RG_ERR_ENUM
};

/* The contract's error code for err ("bad_request", ...); "storage_error" for
 * anything unknown, so a bug never leaks an invented code to clients. */
const char *rg_strerror(int err);

/* RG_ASSERT(cond): an invariant of the code, never a check of input.  What a
 * request, a file or a peer can make false is answered with an RG_E* code;
 * what only a bug can make false is asserted, and a false one stops the
 * process at once (file, line, function and the condition on stderr, then
 * abort()), before a broken batch reaches the log.  Kept in every build, the
 * release build too: the conditions are a compare or two beside a RocksDB
 * write, and a gap in the log or a broken hash link written durably costs a
 * restore (ARCHITECTURE.md, "Asserts").  Not <assert.h>'s assert(), which a
 * -DNDEBUG would silently take away. */
#define RG_ASSERT(cond) \
    ((cond) ? (void)0 : rg_assert_fail(#cond, __FILE__, __LINE__, __func__))

_Noreturn void rg_assert_fail(const char *cond, const char *file, int line, const char *func);

#endif
