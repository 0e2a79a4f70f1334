/* http_session.c - cookie sessions of the HTTP face (http_session.h). */
#include "http_session.h"

#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "../storage/buf.h"
#include "../storage/crypto.h"
#include "../storage/hmap.h"

typedef struct session {
    char token[RG_SESSION_TOKEN_MAX];
    char csrf[RG_SESSION_ID_LEN + 1];
    uint64_t began, used;          /* uv_hrtime, ns */
} session;

struct rg_sessions {
    uv_mutex_t lock;
    rg_hmap map;                   /* SHA-256(id) -> session */
    size_t n, cap;
    uint64_t idle_ns, max_ns;
};

rg_sessions *rg_sessions_new(uint64_t idle_s, uint64_t max_s, size_t cap)
{
    rg_sessions *s = rg_calloc(1, sizeof *s);
    uv_mutex_init(&s->lock);
    rg_hmap_init(&s->map);
    s->cap = cap;
    s->idle_ns = idle_s * 1000000000ull;
    s->max_ns = max_s * 1000000000ull;
    return s;
}

static void drop(session *x)
{
    rg_wipe(x, sizeof *x);
    free(x);
}

void rg_sessions_free(rg_sessions *s)
{
    if (!s) return;
    rg_hmap_slot *slot;
    for (size_t pos = 0; (pos = rg_hmap_next(&s->map, pos, &slot)) != 0;) drop(slot->val);
    rg_hmap_free(&s->map);
    uv_mutex_destroy(&s->lock);
    free(s);
}

/* Equal, in time that does not depend on where they differ. */
static bool same(const char *a, const char *b, size_t n)
{
    unsigned char d = 0;
    for (size_t i = 0; i < n; i++) d |= (unsigned char)(a[i] ^ b[i]);
    return d == 0;
}

static bool expired(const rg_sessions *s, const session *x, uint64_t now)
{
    return now - x->used > s->idle_ns || now - x->began > s->max_ns;
}

/* Under the lock: drop the expired sessions (when the table is full). */
static void sweep(rg_sessions *s, uint64_t now)
{
    rg_hmap_slot *slot;
    for (size_t pos = 0; (pos = rg_hmap_next(&s->map, pos, &slot)) != 0;) {
        session *x = slot->val;
        if (!expired(s, x, now)) continue;
        uint8_t key[RG_HASH_LEN];
        memcpy(key, slot->key, RG_HASH_LEN);
        drop(rg_hmap_del(&s->map, key, RG_HASH_LEN));
        s->n--;
        pos = 0;                   /* the table moved under us: start over */
    }
}

bool rg_sessions_open(rg_sessions *s, const char *token, char id[RG_SESSION_ID_LEN + 1],
                      char csrf[RG_SESSION_ID_LEN + 1])
{
    if (strlen(token) >= RG_SESSION_TOKEN_MAX) return false;
    uint8_t raw[32], key[RG_HASH_LEN];
    rg_random(raw, sizeof raw);
    rg_hex(id, raw, sizeof raw);
    rg_random(raw, sizeof raw);
    rg_hex(csrf, raw, sizeof raw);
    rg_sha256(key, id, RG_SESSION_ID_LEN);
    session *x = rg_calloc(1, sizeof *x);
    strcpy(x->token, token);
    strcpy(x->csrf, csrf);
    x->began = x->used = uv_hrtime();
    uv_mutex_lock(&s->lock);
    if (s->n >= s->cap) sweep(s, x->began);
    bool ok = s->n < s->cap;
    if (ok) {
        rg_hmap_put(&s->map, key, RG_HASH_LEN, x);
        s->n++;
    }
    uv_mutex_unlock(&s->lock);
    if (!ok) drop(x);
    return ok;
}

bool rg_sessions_get(rg_sessions *s, const char *id, char *token, size_t cap, const char *csrf,
                     bool *csrf_ok)
{
    if (csrf_ok) *csrf_ok = false;
    if (strlen(id) != RG_SESSION_ID_LEN) return false;
    uint8_t key[RG_HASH_LEN];
    rg_sha256(key, id, RG_SESSION_ID_LEN);
    uint64_t now = uv_hrtime();
    bool ok = false;
    uv_mutex_lock(&s->lock);
    session *x = rg_hmap_get(&s->map, key, RG_HASH_LEN);
    if (x && expired(s, x, now)) {
        drop(rg_hmap_del(&s->map, key, RG_HASH_LEN));
        s->n--;
        x = NULL;
    }
    if (x && strlen(x->token) < cap) {
        ok = true;
        x->used = now;
        strcpy(token, x->token);
        /* Compared in constant time: the header is the caller's guess. */
        if (csrf_ok && csrf && strlen(csrf) == RG_SESSION_ID_LEN)
            *csrf_ok = same(csrf, x->csrf, RG_SESSION_ID_LEN);
    }
    uv_mutex_unlock(&s->lock);
    return ok;
}

void rg_sessions_end(rg_sessions *s, const char *id)
{
    if (strlen(id) != RG_SESSION_ID_LEN) return;
    uint8_t key[RG_HASH_LEN];
    rg_sha256(key, id, RG_SESSION_ID_LEN);
    uv_mutex_lock(&s->lock);
    session *x = rg_hmap_del(&s->map, key, RG_HASH_LEN);
    if (x) {
        drop(x);
        s->n--;
    }
    uv_mutex_unlock(&s->lock);
}

size_t rg_sessions_end_token(rg_sessions *s, const char *token)
{
    size_t ended = 0;
    uv_mutex_lock(&s->lock);
    rg_hmap_slot *slot;
    for (size_t pos = 0; (pos = rg_hmap_next(&s->map, pos, &slot)) != 0;) {
        session *x = slot->val;
        if (strcmp(x->token, token) != 0) continue;
        uint8_t key[RG_HASH_LEN];
        memcpy(key, slot->key, RG_HASH_LEN);
        drop(rg_hmap_del(&s->map, key, RG_HASH_LEN));
        s->n--;
        ended++;
        pos = 0;
    }
    uv_mutex_unlock(&s->lock);
    return ended;
}

size_t rg_sessions_count(rg_sessions *s)
{
    uv_mutex_lock(&s->lock);
    size_t n = s->n;
    uv_mutex_unlock(&s->lock);
    return n;
}
