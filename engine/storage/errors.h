/*
 * errors.h - the one error vocabulary of regie.
 *
 * Every function that can fail returns an int: 0 for success, a negative RG_E*
 * code otherwise.  The codes map one-to-one onto the contract's `error` strings
 * (../shared/CONTRACT.md), so the server translates an RG_E* into a reply
 * without a second table.  Library errors (RocksDB's errptr, nng's NNG_E*,
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

#endif
