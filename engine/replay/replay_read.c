/* replay_read.c - the log read and parsed on its own thread; see replay_read.h. */
#include "replay_read.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../storage/errors.h"
#include "../domain/fold.h"

#define BATCH 256             /* events per hand-over: one lock round per batch */
#define NBATCH 4              /* batches in the ring: the reader runs ahead by up to 3 */

typedef struct batch {
    rg_buf bytes;             /* the records, copied out of the iterator */
    size_t off[BATCH];
    size_t len[BATCH];
    rg_record rec[BATCH];
    rg_replay_ev ev[BATCH];
    rg_doc *pub[BATCH];       /* reused from batch to batch */
    rg_doc *up[BATCH];        /* an upcast event's data, or NULL */
    int evrc[BATCH];          /* ev[i] made (0), or why not (RG_ESTORAGE) */
    size_t n;
    int rc;                   /* RG_ESTORAGE: the log cannot be read past ev[n - 1] */
    bool full;                /* handed to the consumer, or ready to be */
    bool last;
} batch;

struct rg_reader {
    rg_log *log;
    const int *amounts;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cv;
    batch b[NBATCH];
    size_t next;              /* the consumer's next batch */
    batch *cur;               /* the batch the consumer holds, or NULL */
    bool done;                /* the consumer has had the last batch */
    bool stop;
    rg_buf scratch;           /* the reader thread's, for upcasting */
};

/* A parsed record into a view: the envelope in one pass over its keys. */
static int decode(rg_reader *r, const rg_record *rec, const rg_doc *pub, rg_doc **up, rg_replay_ev *out)
{
    memcpy(out->link, rec->link, RG_HASH_LEN);
    return rg_fold_view(rg_doc_root(pub), rec->tver, up, &r->scratch, r->amounts, &out->view, &out->actor,
                        out->case_id);
}

/* Wait until batch b is the reader's to fill; false when told to stop. */
static bool claim(rg_reader *r, batch *b)
{
    pthread_mutex_lock(&r->lock);
    while (b->full && !r->stop) pthread_cond_wait(&r->cv, &r->lock);
    bool go = !r->stop;
    pthread_mutex_unlock(&r->lock);
    return go;
}

static void fill(rg_reader *r, batch *b, rg_iter *it)
{
    for (size_t i = 0; i < b->n; i++) {
        rg_doc_free(b->up[i]);
        b->up[i] = NULL;
    }
    rg_buf_reset(&b->bytes);
    b->n = 0;
    b->rc = 0;
    /* Copy first, parse after: the docs borrow the bytes, which may move
     * while the buffer grows. */
    size_t k = 0;
    for (; k < BATCH && rg_iter_valid(it); k++, rg_iter_next(it)) {
        size_t vn;
        const uint8_t *v = rg_iter_value(it, &vn);
        b->off[k] = b->bytes.len;
        b->len[k] = vn;
        rg_buf_append(&b->bytes, v, vn);
    }
    b->last = !rg_iter_valid(it);
    if (b->last && rg_iter_error(it) < 0) b->rc = RG_ESTORAGE;
    const char *why;
    for (size_t i = 0; i < k; i++) {
        if (rg_record_parse(b->bytes.data + b->off[i], b->len[i], &b->rec[i]) < 0 ||
            rg_doc_reparse(&b->pub[i], b->rec[i].pub, b->rec[i].pub_len, &why) < 0) {
            b->rc = RG_ESTORAGE;
            break;
        }
        b->evrc[i] = decode(r, &b->rec[i], b->pub[i], &b->up[i], &b->ev[i]);
        b->n++;
    }
    if (b->rc < 0) b->last = true;
}

static void *run(void *arg)
{
    rg_reader *r = arg;
    rg_iter *it = rg_iter_new_scan(r->log, RG_CF_EVENTS);
    rg_iter_seek_first(it);
    for (size_t w = 0;; w++) {
        batch *b = &r->b[w % NBATCH];
        if (!claim(r, b)) break;
        fill(r, b, it);
        pthread_mutex_lock(&r->lock);
        b->full = true;
        pthread_cond_broadcast(&r->cv);
        pthread_mutex_unlock(&r->lock);
        if (b->last) break;
    }
    rg_iter_free(it);
    return NULL;
}

int rg_reader_start(rg_reader **out, rg_log *log, const int *norm_amounts)
{
    rg_reader *r = rg_calloc(1, sizeof *r);
    r->log = log;
    r->amounts = norm_amounts;
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->cv, NULL);
    if (pthread_create(&r->thread, NULL, run, r) != 0) {
        pthread_mutex_destroy(&r->lock);
        pthread_cond_destroy(&r->cv);
        free(r);
        *out = NULL;
        return RG_ESTORAGE;
    }
    *out = r;
    return 0;
}

int rg_reader_next(rg_reader *r, size_t *n)
{
    *n = 0;
    pthread_mutex_lock(&r->lock);
    if (r->cur) {                           /* give the last batch back */
        r->cur->full = false;
        r->cur = NULL;
        pthread_cond_broadcast(&r->cv);
    }
    if (r->done) {
        pthread_mutex_unlock(&r->lock);
        return 0;
    }
    batch *b = &r->b[r->next % NBATCH];
    while (!b->full) pthread_cond_wait(&r->cv, &r->lock);
    pthread_mutex_unlock(&r->lock);
    r->next++;
    r->done = b->last;
    r->cur = b;
    *n = b->n;
    return b->rc;
}

int rg_reader_event(rg_reader *r, size_t i, const rg_replay_ev **ev)
{
    batch *b = r->cur;
    *ev = &b->ev[i];
    return b->evrc[i];
}

void rg_reader_stop(rg_reader *r)
{
    if (!r) return;
    pthread_mutex_lock(&r->lock);
    r->stop = true;
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->lock);
    pthread_join(r->thread, NULL);
    for (int i = 0; i < NBATCH; i++) {
        for (size_t j = 0; j < BATCH; j++) {
            rg_doc_free(r->b[i].pub[j]);
            rg_doc_free(r->b[i].up[j]);
        }
        rg_buf_free(&r->b[i].bytes);
    }
    rg_buf_free(&r->scratch);
    pthread_mutex_destroy(&r->lock);
    pthread_cond_destroy(&r->cv);
    free(r);
}
