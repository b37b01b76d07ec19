/* ctl_store_writer: the store's writer thread: sign-ups queued from any thread are committed in
 * groups (one transaction per batch) on the writer's own connection, and each result goes back
 * to the main thread's GMainContext only after its COMMIT returned.
 *
 * Threads:
 *   - writer: owns `wdb` and its statements from pthread_create until it exits. It is the only
 *     code that writes sign-ups. Its connection is synchronous=FULL: a sign-up is answered only
 *     once it is on disk.
 *   - main: the thread owning `context`; it starts and stops the writer and runs every done()
 *     and the batch callback.
 *
 * The one crossing (guarded by `lock`, with `cond` to wake the writer):
 *   any thread --ctl_store_writer_add--> `pending` --writer takes ALL--> one transaction
 *   --after COMMIT returns--> `outbox` (one Batch) --idle GSource on `context`--> done() on
 *   main, then batch_fn once for a committed batch.
 *
 * Invariants:
 *   1. A Signup is in exactly one place: `pending`, the writer's current batch, a Batch in
 *      `outbox`, or a local list being delivered; its done() runs exactly once, then it is freed.
 *   2. Nothing reaches `outbox` with a success result before the COMMIT of its batch returned
 *      SQLITE_OK: a failed BEGIN/COMMIT turns every result of the batch into that error.
 *   3. `deliver_source` is non-NULL iff an attached, not yet dispatched source will drain
 *      `outbox`; the writer attaches one only when there is none.
 *   4. After `stopping` is set the writer still empties `pending` before it exits, so every
 *      sign-up queued before stop is committed (or fails) and is reported.
 *
 * The province's mark (ctl_store_writer_mark_shipped, from the sync worker's thread) crosses the
 * same way: the highest seq asked for waits under `lock` and is written, with the outbox rows it
 * covers deleted, in the writer's next transaction (one of its own when no sign-up is pending),
 * so the store keeps one writer.
 *
 * Timestamps: the writer makes one per batch in C (ctl_store_stamp), the same text as SQLite's
 * strftime on main, since all of a batch's rows commit at once. */
#include "ctl_store_writer.h"

#include <pthread.h>

#include "ctl_store_outbox.h"
#include "ctl_store_sql.h"
#include "jc_error.h"

/* One queued sign-up and, once the writer is done with it, its result. */
typedef struct {
    gint64 posting_id;
    gint64 show_id;
    char *name;  /* owned */
    char *phone; /* owned */
    gboolean consent;
    char *client_addr; /* owned, may be NULL */
    gint64 consent_version;
    char *withdraw_hash; /* owned, may be NULL */
    guint max_postings;  /* per phone in 24 h; 0 = no limit */
    CtlSignupDone done;
    gpointer user_data; /* borrowed: handed back to done */
    gint64 signup_id;   /* result */
    gboolean duplicate; /* result */
    GError *error;      /* result, owned; NULL on success */
} Signup;

/* The sign-ups of one transaction, on their way back to main. */
typedef struct {
    GQueue signups;     /* Signup*, owned */
    gboolean committed; /* its COMMIT returned SQLITE_OK: batch_fn is told */
} Batch;

struct CtlStoreWriter {
    GMainContext *context; /* ref: where done() and batch_fn run */
    pthread_t thread;      /* joined by stop */

    /* Main thread only. */
    CtlStoreBatchFunc batch_fn; /* may be NULL */
    gpointer batch_data;

    /* Writer thread only (prepared on main before the thread starts, finalized by the
     * writer just before it exits). BEGIN and COMMIT are prepared too: sqlite3_exec would
     * compile them again for every batch. */
    sqlite3 *wdb;              /* owned */
    sqlite3_stmt *st_insert;   /* owned, on wdb */
    sqlite3_stmt *st_existing; /* owned, on wdb */
    sqlite3_stmt *st_phone;    /* owned, on wdb: a phone's other postings since a time */
    sqlite3_stmt *st_begin;    /* owned, on wdb */
    sqlite3_stmt *st_commit;   /* owned, on wdb */
    sqlite3_stmt *st_mark;     /* owned, on wdb: the province's shipped mark */
    sqlite3_stmt *st_prune;    /* owned, on wdb: outbox rows the province has */

    /* Guarded by lock. Lock order: lock, then the GMainContext's own lock (g_source_attach /
     * g_source_destroy are called with lock held; done() is never called with it held). */
    pthread_mutex_t lock;
    pthread_cond_t cond;     /* signalled when pending grows or stopping is set */
    GQueue pending;          /* Signup*, owned: waiting for the writer */
    GQueue outbox;           /* Batch*, owned: results waiting for main, oldest first */
    GSource *deliver_source; /* ref, or NULL (invariant 3) */
    gboolean stopping;       /* set once by stop */
    guint batch_max;         /* most sign-ups per transaction; 0 = no limit */
    guint64 commits;         /* writer transactions committed */
    gint64 shipped_want;     /* the province has the outbox up to here: to be written */
    gint64 shipped_done;     /* the last mark the writer tried to write */
};

static void signup_free(Signup *s)
{
    g_free(s->name);
    g_free(s->phone);
    g_free(s->client_addr);
    g_free(s->withdraw_hash);
    g_clear_error(&s->error);
    g_free(s);
}

/* Runs done() for every Signup in list and frees them. Called on main without lock held. */
static void run_callbacks(GQueue *list)
{
    Signup *s;

    while ((s = g_queue_pop_head(list)) != NULL) {
        s->done(s->signup_id, s->duplicate, s->error, s->user_data);
        signup_free(s);
    }
}

/* Runs done() for every sign-up of batch, then (once, if it committed) batch_fn, and frees the
 * batch. Called on main without lock held. */
static void deliver_batch(CtlStoreWriter *w, Batch *batch, gboolean tell)
{
    guint n = batch->signups.length;
    run_callbacks(&batch->signups);
    if (tell && batch->committed && w->batch_fn != NULL)
        w->batch_fn(n, w->batch_data);
    g_free(batch);
}

/* The idle source's callback on main: takes the whole outbox and reports it. Touches the writer
 * only under lock and before any done() runs (but for batch_fn, which main set). */
static gboolean deliver(gpointer data)
{
    CtlStoreWriter *w = data;
    GQueue batches;
    Batch *batch;

    pthread_mutex_lock(&w->lock);
    batches = w->outbox;
    g_queue_init(&w->outbox);
    g_clear_pointer(&w->deliver_source, g_source_unref);
    pthread_mutex_unlock(&w->lock);

    while ((batch = g_queue_pop_head(&batches)) != NULL)
        deliver_batch(w, batch, TRUE);
    return G_SOURCE_REMOVE;
}

/* Moves the results of one transaction into the outbox and makes sure a source will drain it.
 * Caller holds lock. */
static void post_results_locked(CtlStoreWriter *w, GQueue *results, gboolean committed)
{
    Batch *batch = g_new0(Batch, 1);
    batch->signups = *results;
    batch->committed = committed;
    g_queue_init(results);
    g_queue_push_tail(&w->outbox, batch);
    if (w->deliver_source == NULL) {
        w->deliver_source = g_idle_source_new();
        /* Default priority, not idle: a busy web server must not starve the replies. */
        g_source_set_priority(w->deliver_source, G_PRIORITY_DEFAULT);
        g_source_set_callback(w->deliver_source, deliver, w, NULL);
        g_source_set_static_name(w->deliver_source, "ctl_store results");
        g_source_attach(w->deliver_source, w->context);
    }
}

static void fail_all(GQueue *batch, const GError *error)
{
    for (GList *l = batch->head; l != NULL; l = l->next) {
        Signup *s = l->data;
        g_clear_error(&s->error);
        s->error = g_error_copy(error);
        s->signup_id = 0;
        s->duplicate = FALSE;
    }
}

/* Looks for the sign-up of the same phone for the same posting in the same show: when there is
 * one, s becomes a duplicate of it. FALSE when there is none (or on error, then s->error). */
static gboolean find_existing(CtlStoreWriter *w, Signup *s)
{
    gboolean found = FALSE;
    ctl_sql_reset(w->st_existing);
    sqlite3_bind_int64(w->st_existing, 1, s->posting_id);
    ctl_sql_bind_text(w->st_existing, 2, s->phone);
    sqlite3_bind_int64(w->st_existing, 3, s->show_id);
    int rc = sqlite3_step(w->st_existing);
    if (rc == SQLITE_ROW) {
        s->signup_id = sqlite3_column_int64(w->st_existing, 0);
        s->duplicate = TRUE;
        found = TRUE;
    } else if (rc != SQLITE_DONE) {
        ctl_sql_error(&s->error, w->wdb, "finding the earlier sign-up");
    }
    ctl_sql_reset(w->st_existing);
    return found;
}

/* TRUE when the phone already signed up for max_postings other postings since cutoff (and this
 * one is not a duplicate, which is no extra sign-up): s then has its answer (an error, or the
 * duplicate's id). */
static gboolean over_limit(CtlStoreWriter *w, Signup *s, const char *cutoff)
{
    if (s->max_postings == 0)
        return FALSE;
    ctl_sql_reset(w->st_phone);
    ctl_sql_bind_text(w->st_phone, 1, s->phone);
    sqlite3_bind_int64(w->st_phone, 2, s->posting_id);
    sqlite3_bind_text(w->st_phone, 3, cutoff, -1, SQLITE_STATIC);
    int rc = sqlite3_step(w->st_phone);
    gint64 others = rc == SQLITE_ROW ? sqlite3_column_int64(w->st_phone, 0) : -1;
    ctl_sql_reset(w->st_phone);
    if (others < 0) {
        ctl_sql_error(&s->error, w->wdb, "counting a phone's sign-ups");
        return TRUE;
    }
    if (others < (gint64)s->max_postings)
        return FALSE;
    if (!find_existing(w, s) && s->error == NULL)
        g_set_error(&s->error, JC_ERROR, JC_ERROR_CONFLICT,
                    "this phone signed up for %u postings in the last 24 hours", s->max_postings);
    return TRUE;
}

/* Inserts one sign-up (or finds the one already there) inside the open transaction, stamped
 * with the batch's time (stamp); cutoff is 24 hours before it (the per-phone limit). A failure
 * is recorded in s->error; only this row's work is undone. No savepoint is needed for that (it
 * cost two more statements per row): a failing statement, its trigger's count included, is
 * backed out by SQLite itself (the ABORT conflict resolution) while the transaction stays
 * open; errors that end the whole transaction are caught by write_batch. */
static void write_one(CtlStoreWriter *w, Signup *s, const char *stamp, const char *cutoff)
{
    sqlite3 *db = w->wdb;
    int rc;

    if (over_limit(w, s, cutoff))
        return;
    ctl_sql_reset(w->st_insert);
    sqlite3_bind_int64(w->st_insert, 1, s->posting_id);
    ctl_sql_bind_text(w->st_insert, 2, s->name);
    ctl_sql_bind_text(w->st_insert, 3, s->phone);
    sqlite3_bind_int(w->st_insert, 4, s->consent ? 1 : 0);
    ctl_sql_bind_text(w->st_insert, 5, s->client_addr);
    sqlite3_bind_int64(w->st_insert, 6, s->show_id);
    sqlite3_bind_text(w->st_insert, 7, stamp, -1, SQLITE_STATIC);
    if (s->consent_version > 0)
        sqlite3_bind_int64(w->st_insert, 8, s->consent_version);
    ctl_sql_bind_text(w->st_insert, 9, s->withdraw_hash);
    rc = sqlite3_step(w->st_insert);
    if (rc == SQLITE_DONE && sqlite3_changes(db) == 1) {
        s->signup_id = sqlite3_last_insert_rowid(db);
    } else if (rc == SQLITE_DONE) {
        /* ON CONFLICT DO NOTHING: the same phone already signed up for this posting in this
         * show. */
        if (!find_existing(w, s) && s->error == NULL)
            ctl_sql_error(&s->error, db, "finding the earlier sign-up");
    } else if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
        g_set_error(&s->error, JC_ERROR, JC_ERROR_NOT_FOUND, "no posting with id %" G_GINT64_FORMAT,
                    s->posting_id);
    } else if ((rc & 0xff) == SQLITE_CONSTRAINT) {
        g_set_error(&s->error, JC_ERROR, JC_ERROR_INVALID, "sign-up rejected: %s",
                    sqlite3_errmsg(db));
    } else {
        ctl_sql_error(&s->error, db, "storing a sign-up");
    }
    ctl_sql_reset(w->st_insert);
}

/* Runs a prepared statement that returns no rows (BEGIN, COMMIT) and resets it. */
static gboolean step_done(sqlite3 *db, sqlite3_stmt *st, const char *what, GError **error)
{
    int rc = sqlite3_step(st);

    if (rc != SQLITE_DONE) {
        ctl_sql_error(error, db, what);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE;
}

/* The province's mark (seq > 0) and the outbox rows it covers, inside the open transaction. */
static gboolean write_mark(CtlStoreWriter *w, gint64 seq, GError **error)
{
    sqlite3_bind_int64(w->st_mark, 1, seq);
    sqlite3_bind_int64(w->st_prune, 1, seq);
    return step_done(w->wdb, w->st_mark, "recording what the province has", error) &&
           step_done(w->wdb, w->st_prune, "deleting shipped outbox rows", error);
}

/* Writes one batch in one transaction (group commit), with the province's mark when shipped is
 * above 0. On return every Signup has its result, and no success is claimed unless COMMIT
 * returned SQLITE_OK (invariant 2). */
static gboolean write_batch(CtlStoreWriter *w, GQueue *batch, gint64 shipped)
{
    sqlite3 *db = w->wdb;
    g_autoptr(GError) error = NULL;
    char stamp[CTL_STORE_STAMP_SIZE];
    char cutoff[CTL_STORE_STAMP_SIZE];

    gint64 now = g_get_real_time();
    ctl_store_stamp(now, stamp);
    ctl_store_stamp(now - G_TIME_SPAN_DAY, cutoff);
    if (!step_done(db, w->st_begin, "starting the sign-up transaction", &error)) {
        fail_all(batch, error);
        return FALSE;
    }
    for (GList *l = batch->head; l != NULL; l = l->next) {
        write_one(w, l->data, stamp, cutoff);
        if (sqlite3_get_autocommit(db)) {
            /* Some errors (disk full, I/O) roll back the whole transaction by themselves. */
            ctl_sql_error(&error, db, "the sign-up transaction was rolled back");
            fail_all(batch, error);
            return FALSE;
        }
    }
    if (shipped > 0 && !write_mark(w, shipped, &error)) {
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        fail_all(batch, error);
        return FALSE;
    }
    if (!step_done(db, w->st_commit, "committing sign-ups", &error)) {
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        fail_all(batch, error);
        return FALSE;
    }
    return TRUE;
}

/* Finalizes the writer's statements and closes its connection (safe on a partial set). */
static void finalize_writer(CtlStoreWriter *w)
{
    sqlite3_finalize(w->st_insert);
    sqlite3_finalize(w->st_existing);
    sqlite3_finalize(w->st_phone);
    sqlite3_finalize(w->st_begin);
    sqlite3_finalize(w->st_commit);
    sqlite3_finalize(w->st_mark);
    sqlite3_finalize(w->st_prune);
    sqlite3_close(w->wdb);
    w->st_insert = NULL;
    w->st_existing = NULL;
    w->st_phone = NULL;
    w->st_begin = NULL;
    w->st_commit = NULL;
    w->st_mark = NULL;
    w->st_prune = NULL;
    w->wdb = NULL;
}

static void *writer_main(void *data)
{
    CtlStoreWriter *w = data;

    pthread_mutex_lock(&w->lock);
    for (;;) {
        GQueue batch;
        gboolean committed;
        gint64 shipped = 0;

        while (g_queue_is_empty(&w->pending) && w->shipped_want == w->shipped_done &&
               !w->stopping) {
            pthread_cond_wait(&w->cond, &w->lock);
        }
        if (g_queue_is_empty(&w->pending) && w->shipped_want == w->shipped_done) {
            break; /* stopping, and nothing left (invariant 4) */
        }
        if (w->shipped_want != w->shipped_done) {
            /* Tried once: a mark that fails is not retried by itself; the worker's next mark,
             * or its reading of the province's mark after a restart, makes up for it. */
            shipped = w->shipped_want;
            w->shipped_done = shipped;
        }
        if (w->batch_max == 0 || g_queue_get_length(&w->pending) <= w->batch_max) {
            batch = w->pending;
            g_queue_init(&w->pending);
        } else {
            g_queue_init(&batch);
            for (guint i = 0; i < w->batch_max; i++) {
                g_queue_push_tail(&batch, g_queue_pop_head(&w->pending));
            }
        }
        pthread_mutex_unlock(&w->lock);

        gboolean signups = !g_queue_is_empty(&batch);
        committed = write_batch(w, &batch, shipped);

        pthread_mutex_lock(&w->lock);
        if (committed && signups) {
            w->commits++;
        }
        if (signups) {
            post_results_locked(w, &batch, committed);
        }
    }
    pthread_mutex_unlock(&w->lock);

    finalize_writer(w);
    return NULL;
}

static gboolean prepare_writer(CtlStoreWriter *w, GError **error)
{
    return ctl_sql_prepare(w->wdb,
                           "INSERT INTO signups (posting_id, name, phone, consent_at, client_addr, "
                           "show_id, created_at, consent_version, withdraw_hash) VALUES (?1, ?2, "
                           "?3, CASE WHEN ?4 THEN ?7 END, ?5, ?6, ?7, ?8, ?9) "
                           "ON CONFLICT (posting_id, phone, show_id) DO NOTHING",
                           &w->st_insert, error) &&
           ctl_sql_prepare(
               w->wdb,
               "SELECT id FROM signups WHERE posting_id = ?1 AND phone = ?2 AND show_id = ?3",
               &w->st_existing, error) &&
           ctl_sql_prepare(w->wdb,
                           "SELECT count(DISTINCT posting_id) FROM signups WHERE phone = ?1 AND "
                           "posting_id <> ?2 AND created_at >= ?3",
                           &w->st_phone, error) &&
           ctl_sql_prepare(w->wdb, "BEGIN IMMEDIATE", &w->st_begin, error) &&
           ctl_sql_prepare(w->wdb, "COMMIT", &w->st_commit, error) &&
           ctl_sql_prepare(w->wdb, CTL_OUTBOX_MARK_SQL, &w->st_mark, error) &&
           ctl_sql_prepare(w->wdb, CTL_OUTBOX_PRUNE_SQL, &w->st_prune, error);
}

/* Frees a writer whose thread never started or has been joined. */
static void writer_free(CtlStoreWriter *w)
{
    finalize_writer(w);
    g_main_context_unref(w->context);
    pthread_cond_destroy(&w->cond);
    pthread_mutex_destroy(&w->lock);
    g_free(w);
}

CtlStoreWriter *ctl_store_writer_start(const char *path, GMainContext *context, GError **error)
{
    g_return_val_if_fail(path != NULL && context != NULL, NULL);

    CtlStoreWriter *w = g_new0(CtlStoreWriter, 1);
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->cond, NULL);
    g_queue_init(&w->pending);
    g_queue_init(&w->outbox);
    w->context = g_main_context_ref(context);
    w->wdb = ctl_sql_connect(path, error);
    if (w->wdb == NULL || !prepare_writer(w, error)) {
        writer_free(w);
        return NULL;
    }
    if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
        g_set_error(error, JC_ERROR, JC_ERROR_DB, "cannot start the store's writer thread");
        writer_free(w);
        return NULL;
    }
    return w;
}

void ctl_store_writer_stop(CtlStoreWriter *w)
{
    GQueue left;
    Batch *batch;

    if (w == NULL) {
        return;
    }
    pthread_mutex_lock(&w->lock);
    w->stopping = TRUE;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);

    /* The writer commits whatever is pending before it exits (invariant 4). It never waits
     * for main, so joining here cannot deadlock. */
    pthread_join(w->thread, NULL);

    /* Report what the idle source has not yet delivered, here rather than on the context:
     * the writer is gone by the time the context would run it. A done() may queue another
     * sign-up (it fails at once, see ctl_store_writer_add), hence the loop. */
    for (;;) {
        pthread_mutex_lock(&w->lock);
        left = w->outbox;
        g_queue_init(&w->outbox);
        if (g_queue_is_empty(&left) && w->deliver_source != NULL) {
            g_source_destroy(w->deliver_source);
            g_clear_pointer(&w->deliver_source, g_source_unref);
        }
        pthread_mutex_unlock(&w->lock);
        if (g_queue_is_empty(&left)) {
            break;
        }
        while ((batch = g_queue_pop_head(&left)) != NULL)
            deliver_batch(w, batch, FALSE);
    }
    writer_free(w);
}

void ctl_store_writer_add(CtlStoreWriter *w, const CtlSignupRequest *req, CtlSignupDone done,
                          gpointer user_data)
{
    Signup *s;

    g_return_if_fail(w != NULL);
    g_return_if_fail(req != NULL);
    g_return_if_fail(done != NULL);

    s = g_new0(Signup, 1);
    s->posting_id = req->posting_id;
    s->show_id = MAX(req->show_id, 0);
    s->name = g_strdup(req->name ? req->name : "");
    s->phone = g_strdup(req->phone ? req->phone : "");
    s->consent = req->consent;
    s->client_addr = g_strdup(req->client_addr);
    s->consent_version = req->consent_version;
    s->withdraw_hash = g_strdup(req->withdraw_hash);
    s->max_postings = req->max_postings_per_day;
    s->done = done;
    s->user_data = user_data;

    pthread_mutex_lock(&w->lock);
    if (w->stopping) {
        /* The writer may already be gone: fail now, still through the outbox so that done()
         * never runs inside this call. */
        GQueue one = G_QUEUE_INIT;
        g_set_error(&s->error, JC_ERROR, JC_ERROR_DB, "the store is closing");
        g_queue_push_tail(&one, s);
        post_results_locked(w, &one, FALSE);
    } else {
        g_queue_push_tail(&w->pending, s);
        pthread_cond_signal(&w->cond);
    }
    pthread_mutex_unlock(&w->lock);
}

guint64 ctl_store_writer_commits(CtlStoreWriter *w)
{
    guint64 n;

    pthread_mutex_lock(&w->lock);
    n = w->commits;
    pthread_mutex_unlock(&w->lock);
    return n;
}

void ctl_store_writer_set_batch_max(CtlStoreWriter *w, guint max)
{
    pthread_mutex_lock(&w->lock);
    w->batch_max = max;
    pthread_mutex_unlock(&w->lock);
}

void ctl_store_writer_mark_shipped(CtlStoreWriter *w, gint64 seq)
{
    pthread_mutex_lock(&w->lock);
    if (seq > w->shipped_want && !w->stopping) {
        w->shipped_want = seq;
        pthread_cond_signal(&w->cond);
    }
    pthread_mutex_unlock(&w->lock);
}

void ctl_store_writer_set_batch_func(CtlStoreWriter *w, CtlStoreBatchFunc fn, gpointer data)
{
    w->batch_fn = fn;
    w->batch_data = data;
}
