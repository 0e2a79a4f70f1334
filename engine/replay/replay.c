/*
 * replay.c - rebuilding derived state from the log alone.
 *
 * Every projection, the per-state counts, the lead times, the deadline index
 * and the case counter are derived from the events; rg_replay_rebuild
 * recomputes them by folding every event, in log order, through the same
 * apply functions the live path uses, upcasting events stored under older
 * schema versions first.  Used after a schema change of the projection, by
 * `regied --rebuild`, and by the replay benchmark.  Must run while no commit
 * is pending.
 *
 * Speed comes from how the results are written, not from a different fold:
 * the lead-time rows and deadline keys are gathered in memory and sorted
 * (sorted.h), the projections encoded straight into table files when their
 * cases came in id order, and each column family is bulk-loaded (rg_table,
 * rg_log_load) instead of going key by key through the WAL and the
 * memtable's skip list, which cost as much as the fold itself.  And the log
 * is read and decoded on a thread of its own (replay_read.h) while this one
 * folds.
 *
 * Crash safety: a META "rebuilding" marker is made durable before anything
 * derived is touched and is removed in the batch that writes the new
 * counters; rg_engine_open finds a marker left by an interrupted rebuild and
 * runs it again, so a half-rebuilt state is never served.
 */
#include <pthread.h>
#include <sys/mman.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/ctx.h"
#include "../core/bootstrap.h"
#include "../core/state.h"
#include "../domain/fold.h"
#include "../core/dl_index.h"
#include "../storage/errors.h"
#include "../storage/hmap.h"
#include "../storage/sorted.h"
#include "replay.h"
#include "replay_read.h"
#include "../domain/deadlines.h"

#define MARKER "rebuilding"


/* The cases of a rebuild are made in bulk: every case of the log is held
 * until the end, so allocating them one by one (calloc clearing 1 KiB of
 * fresh memory each, page fault after page fault) cost a quarter of the
 * fold.  A slab is mapped anonymous (zero already) and asked for huge
 * pages, so the kernel faults in and clears 2 MiB at a time. */
#define SLAB_CASES 32768            /* some 35 MiB a slab */

typedef struct slab {
    struct slab *next;
    rg_case *cases;                 /* SLAB_CASES of them, zeroed */
    size_t used;
    bool mapped;                    /* by mmap, else by rg_calloc */
} slab;

static rg_case *slab_case(slab **top, const char *id)
{
    slab *s = *top;
    if (!s || s->used == SLAB_CASES) {
        s = rg_calloc(1, sizeof *s);
        size_t n = SLAB_CASES * sizeof(rg_case);
        void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p != MAP_FAILED) {
            (void)madvise(p, n, MADV_HUGEPAGE);   /* a hint: without, 4 KiB pages */
            s->cases = p;
            s->mapped = true;
        } else {
            s->cases = rg_calloc(SLAB_CASES, sizeof(rg_case));
        }
        s->next = *top;
        *top = s;
    }
    rg_case *c = &s->cases[s->used++];
    rg_case_init(c, id);
    return c;
}

static void slabs_free(slab *s)
{
    while (s) {
        slab *next = s->next;
        for (size_t i = 0; i < s->used; i++) rg_case_clear(&s->cases[i]);
        if (s->mapped) munmap(s->cases, SLAB_CASES * sizeof(rg_case));
        else free(s->cases);
        free(s);
        s = next;
    }
}

/* The cases by id: open addressing on the id's hash, the key being the
 * case's own id, so finding a case reads the case the fold is about to
 * change anyway (rg_hmap would copy every id into an allocation of its
 * own and read that first: a malloc per case and a cache miss per event). */
typedef struct case_slot {
    uint64_t hash;                  /* 0: empty */
    rg_case *c;
} case_slot;

typedef struct case_map {
    case_slot *slots;
    size_t cap, n;                  /* cap a power of two, n < 3/4 of it */
} case_map;

static case_slot *case_slot_of(case_map *m, uint64_t h, const char *id)
{
    for (size_t i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        case_slot *s = &m->slots[i];
        if (!s->hash || (s->hash == h && strcmp(s->c->id, id) == 0)) return s;
    }
}

static void case_map_grow(case_map *m)
{
    case_map g = {rg_calloc(m->cap ? m->cap * 2 : 1u << 16, sizeof(case_slot)), m->cap ? m->cap * 2 : 1u << 16, m->n};
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].hash) *case_slot_of(&g, m->slots[i].hash, m->slots[i].c->id) = m->slots[i];
    free(m->slots);
    *m = g;
}

typedef struct fold {
    rg_engine *e;
    slab *slabs;                    /* every case below lives in one */
    case_map cases;
    rg_case **order;                /* cases as first seen: minted, so in key order */
    size_t ncases, cap;
    uint64_t counts[RG_NSTATES], leads[RG_NSTATES], events;
    uint8_t link[RG_HASH_LEN];
    rg_sorted leadtimes;
    rg_tallies *tallies;            /* the lead times counted (core/tally.h) */
} fold;

static rg_case *case_for(fold *f, const char *id)
{
    uint64_t h = rg_hash_bytes(id, strlen(id));
    if ((f->cases.n + 1) * 4 > f->cases.cap * 3) case_map_grow(&f->cases);
    case_slot *s = case_slot_of(&f->cases, h, id);
    if (s->hash) return s->c;
    rg_case *cs = slab_case(&f->slabs, id);
    RG_ASSERT(strcmp(cs->id, id) == 0);   /* ids of views fit (RG_ID_MAX) */
    *s = (case_slot){h, cs};
    f->cases.n++;
    if (f->ncases == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 4096;
        f->order = rg_realloc(f->order, f->cap * sizeof *f->order);
    }
    f->order[f->ncases++] = cs;
    return cs;
}

/* A lead-time row: state, be64 duration, be64 seq of the event that ended it.
 * Ordered by state and duration; durations past 2^56 ms share an order and
 * are put right by the key comparison. */
static void add_lead(fold *f, int state, uint64_t ms, uint64_t seq, const char *zvh, int route)
{
    uint8_t k[RG_LEAD_KEY];
    size_t kn = rg_lead_key(k, state, ms, seq, zvh);
    uint64_t capped = ms < (1ULL << 56) ? ms : (1ULL << 56) - 1;
    rg_sorted_add(&f->leadtimes, (uint64_t)state << 56 | capped, k, kn, "", 0);
    rg_tally_lead(f->tallies, zvh, route, state, ms);
}

/* Fold one event into its case. */
static int fold_event(fold *f, const rg_replay_ev *ev)
{
    memcpy(f->link, ev->link, RG_HASH_LEN);
    rg_case *cs = case_for(f, ev->case_id);
    int before = cs->state, esc_before = cs->esc_level;
    uint64_t since = cs->state_since;
    int rc = rg_fold_apply(cs, &ev->view);
    if (rc == 0) rg_tally_escalation(f->tallies, cs->zvh, cs->covenants, esc_before, cs->esc_level, ev->view.type);
    if (rc == 0 && rg_count_state_change(f->counts, f->leads, before, cs->state))
        add_lead(f, before, ev->view.at - since, ev->view.seq, cs->zvh, cs->route);
    return rc;
}

/* Read and decode on the reader's thread, fold on this one. */
static int fold_log(fold *f)
{
    rg_reader *r;
    int rc = rg_reader_start(&r, f->e->log, f->e->cfg.norm_amounts);
    if (rc < 0) return rc;
    for (;;) {
        size_t n;
        int rrc = rg_reader_next(r, &n);
        for (size_t i = 0; i < n && rc == 0; i++, f->events++) {
            const rg_replay_ev *ev;
            rc = rg_reader_event(r, i, &ev);
            if (rc == 0) rc = fold_event(f, ev);
        }
        if (rc == 0) rc = rrc;
        if (rc < 0 || n == 0) break;
    }
    rg_reader_stop(r);
    return rc;
}

/* The projections of cases [from, to), their deadline-index keys (as
 * due.c's rg_dl_index writes them for a case that had none) and their
 * region index keys (core/tally.h).  Projections go straight into a table
 * when the cases come in key order, else into a sorted run; the index keys
 * always into sorted runs. */
typedef struct part {
    const fold *f;
    size_t from, to;
    rg_table *table;
    rg_sorted cases, deadlines, regions;
    uint64_t stagnations;
    rg_tallies tallies;       /* its cases' figures (core/tally.h) */
} part;

static void *gather(void *arg)
{
    part *p = arg;
    rg_buf v = RG_BUF_INIT;
    uint8_t k[RG_DL_KEY_MAX];
    char rk[RG_RX_KEY_MAX];
    for (size_t i = p->from; i < p->to; i++) {
        const rg_case *c = p->f->order[i];
        size_t idn = strlen(c->id);
        rg_buf_reset(&v);
        rg_case_encode(c, &v);
        if (p->table) rg_table_put(p->table, c->id, idn, v.data, v.len);
        else rg_sorted_add(&p->cases, rg_sorted_key_order(c->id, idn), c->id, idn, v.data, v.len);
        for (uint32_t j = 0; j < c->ndl; j++) {
            size_t kn = rg_dl_key_of(k, c, &c->dl[j]);
            if (kn) rg_sorted_add(&p->deadlines, rg_deadline_index_time(&c->dl[j]), k, kn, "", 0);
        }
        /* ordered past "rx/", which every such key begins with */
        size_t rn = rg_region_key(rk, c->zvh, c->id);
        RG_ASSERT(rn > 3);
        rg_sorted_add(&p->regions, rg_sorted_key_order(rk + 3, rn - 3), rk, rn, "", 0);
        p->stagnations += rg_case_stagnations(c);
        rg_tally_case(&p->tallies, c, +1);
    }
    rg_buf_free(&v);
    rg_sorted_sort(&p->cases);
    rg_sorted_sort(&p->deadlines);
    rg_sorted_sort(&p->regions);
    return NULL;
}

/* The highest case number minted (ctx.c: "ZVH-%08llu"), so that numbering
 * goes on after it even when a log holds gaps or ids minted elsewhere. */
static uint64_t last_minted(const fold *f)
{
    uint64_t last = 0;
    for (size_t i = 0; i < f->ncases; i++) {
        const char *id = f->order[i]->id;
        if (strncmp(id, "ZVH-", 4) != 0 || !id[4] || strspn(id + 4, "0123456789") != strlen(id + 4) ||
            strlen(id + 4) > 18)
            continue;
        uint64_t n = strtoull(id + 4, NULL, 10);
        if (n > last) last = n;
    }
    return last;
}

/* Case ids are minted in order, so the cases, as first seen, normally are. */
static bool in_key_order(const fold *f)
{
    for (size_t i = 1; i < f->ncases; i++)
        if (strcmp(f->order[i - 1]->id, f->order[i]->id) >= 0) return false;
    return true;
}

typedef struct lead_job {
    rg_log *log;
    rg_sorted *rows;
    int rc;
} lead_job;

static void *load_leadtimes(void *arg)
{
    lead_job *j = arg;
    rg_sorted_sort(j->rows);
    j->rc = rg_log_load(j->log, RG_CF_LEADTIMES, (const rg_sorted *[]){j->rows}, 1);
    return NULL;
}

/* Run fn(arg) on a thread of its own, or here if none can be had. */
static bool spawn(pthread_t *t, void *(*fn)(void *), void *arg)
{
    if (pthread_create(t, NULL, fn, arg) == 0) return true;
    fn(arg);
    return false;
}

/* Everything derived, into its column family: the lead-time rows on one
 * thread, half the projections on another, the other half here.  Cases in
 * key order are written as two tables of adjoining key ranges, moved in
 * together; otherwise the two sorted halves are merged as they load.  The
 * region index keys go into `meta` as a table too (begin() deleted the old
 * ones; a table moved in is newer than that deletion): put one by one
 * through the memtable they cost a tenth of a rebuild. */
static int write_derived(fold *f, uint64_t *stagnations, rg_tallies *tallies)
{
    rg_log *log = f->e->log;
    lead_job leads = {log, &f->leadtimes, 0};
    part half[2] = {{f, 0, f->ncases / 2, NULL, RG_SORTED_INIT, RG_SORTED_INIT, RG_SORTED_INIT, 0, {{0}, {0}, {0}, {0}}},
                    {f, f->ncases / 2, f->ncases, NULL, RG_SORTED_INIT, RG_SORTED_INIT, RG_SORTED_INIT, 0,
                     {{0}, {0}, {0}, {0}}}};
    rg_tallies_init(&half[0].tallies);
    rg_tallies_init(&half[1].tallies);
    bool streamed = in_key_order(f);
    for (int i = 0; streamed && i < 2; i++) half[i].table = rg_table_open(log, RG_CF_CASES, i);
    pthread_t lt, gt;
    bool lead_thread = spawn(&lt, load_leadtimes, &leads);
    bool gather_thread = spawn(&gt, gather, &half[1]);
    gather(&half[0]);
    if (gather_thread) pthread_join(gt, NULL);
    int rc = streamed ? rg_log_ingest(log, RG_CF_CASES, (rg_table *[]){half[0].table, half[1].table}, 2)
                      : rg_log_load(log, RG_CF_CASES, (const rg_sorted *[]){&half[0].cases, &half[1].cases}, 2);
    if (rc == 0)
        rc = rg_log_load(log, RG_CF_DEADLINES, (const rg_sorted *[]){&half[0].deadlines, &half[1].deadlines}, 2);
    if (rc == 0) rc = rg_log_load(log, RG_CF_META, (const rg_sorted *[]){&half[0].regions, &half[1].regions}, 2);
    if (lead_thread) pthread_join(lt, NULL);
    for (int i = 0; i < 2; i++) {
        *stagnations += half[i].stagnations;
        rg_tallies_merge(tallies, &half[i].tallies);
        rg_tallies_free(&half[i].tallies);
        rg_sorted_free(&half[i].cases);
        rg_sorted_free(&half[i].deadlines);
        rg_sorted_free(&half[i].regions);
    }
    return rc < 0 ? rc : leads.rc;
}

/* Mark the rebuild as under way and empty the derived column families. */
static int begin(rg_engine *e)
{
    rg_batch *b = rg_batch_new(e->log);
    rg_batch_put(b, RG_CF_META, MARKER, strlen(MARKER), "", 0);
    uint8_t lo = 0, hi = 0xff;
    rg_batch_del_range(b, RG_CF_LEADTIMES, &lo, 1, &hi, 1);
    rg_batch_del_range(b, RG_CF_CASES, &lo, 1, &hi, 1);
    uint8_t dlo[8] = {0}, dhi[9];
    memset(dhi, 0xff, sizeof dhi);
    rg_batch_del_range(b, RG_CF_DEADLINES, dlo, sizeof dlo, dhi, sizeof dhi);
    rg_region_clear_keys(b);
    int rc = rg_log_write(e->log, b, true);
    rg_batch_free(b);
    return rc;
}

int rg_replay_rebuild(rg_engine *e, uint64_t *events_out)
{
    if (rg_engine_busy(e)) return RG_EOVERLOAD;
    rg_tallies tallies;
    rg_tallies_init(&tallies);
    fold f = {.e = e, .leadtimes = RG_SORTED_INIT, .tallies = &tallies};
    uint64_t stagnations = 0;
    int rc = begin(e);
    if (rc == 0) rc = fold_log(&f);
    if (rc == 0) rc = write_derived(&f, &stagnations, &tallies);
    uint64_t minted = last_minted(&f);
    if (rc == 0) {
        rg_rebuilt r = {.head_seq = f.events, .case_counter = minted, .stagnations = stagnations};
        memcpy(r.head_link, f.link, RG_HASH_LEN);
        memcpy(r.counts, f.counts, sizeof r.counts);
        memcpy(r.lead_counts, f.leads, sizeof r.lead_counts);
        rg_store_take_rebuilt(e, &r);
        /* each region's last number, as folded */
        for (size_t i = 0; i < f.ncases; i++)
            if (f.order[i]->number) rg_store_note_number(e, f.order[i]->zvh, f.order[i]->number);
    }
    rg_sorted_free(&f.leadtimes);
    slabs_free(f.slabs);
    free(f.order);
    free(f.cases.slots);
    if (rc == 0) {
        rg_batch *b = rg_batch_new(e->log);
        rg_store_put_meta(e, b, true);
        /* The figures per region, whole: every old key goes (in memory
         * they are the old ones until the reload below), the new ones are
         * put after them in the same batch. */
        rg_tallies_clear_keys(b);
        rg_tallies_put(&tallies, b, true);
        rg_batch_del(b, RG_CF_META, MARKER, strlen(MARKER));
        rc = rg_log_write(e->log, b, true);
        rg_batch_free(b);
    }
    rg_tallies_free(&tallies);
    /* Reload what the engine holds in memory from what is now on disk. */
    rg_store_unload(e);
    int lrc = rg_store_load(e);
    /* A rebuild never removes the figures' marker (the batch above writes
     * it anew), so this counts nothing; called as after every load all the
     * same, so the figures never rest on that. */
    if (lrc == 0) lrc = rg_bootstrap_tallies(e);
    if (rc == 0) rc = lrc;
    /* The derived column families are emptied or partly written: serve
     * nothing from them until a rebuild succeeds (the marker makes the
     * next open try again). */
    rg_store_set_failed(e, rc < 0);   /* serves again once a rebuild succeeds */
    if (events_out) *events_out = f.events;
    return rc;
}

int rg_replay_resume(rg_engine *e)
{
    rg_buf v = RG_BUF_INIT;
    int rc = rg_log_get(e->log, RG_CF_META, MARKER, strlen(MARKER), &v);
    rg_buf_free(&v);
    if (rc == RG_ENOTFOUND) return 0;
    if (rc < 0) return rc;
    fprintf(stderr, "regie: an earlier rebuild of the projections did not finish; rebuilding\n");
    uint64_t n;
    rc = rg_replay_rebuild(e, &n);
    if (rc == 0) fprintf(stderr, "regie: rebuilt from %llu events\n", (unsigned long long)n);
    else fprintf(stderr, "regie: the rebuild failed (see above); this data directory is not served until "
                         "one succeeds: remove the cause and start again\n");
    return rc;
}
