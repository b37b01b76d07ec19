/* ctl_store: jobcast's SQLite database (postings, sign-ups, restart state) and its writer thread.
 *
 * Threads and connections:
 *   - main: the thread that called ctl_store_open (and must call every other function except
 *     ctl_store_add_signup and ctl_store_commit_count). It owns `db` and every statement
 *     prepared on it; reads, seeding and state writes run there, briefly.
 *   - writer: owns `wdb` and its statements from pthread_create until it exits. It is the only
 *     code that writes sign-ups.
 *   Both connections: WAL, foreign_keys=ON, busy_timeout (so a state write on main and a
 *   sign-up batch on the writer wait for each other instead of failing). The writer's is
 *   synchronous=FULL: a sign-up is answered only once it is on disk. Main's is
 *   synchronous=NORMAL: producer edits (take, graphics, postings) must not fsync on the main
 *   thread; in WAL mode they survive a crash of jobcast and reach the disk with the next
 *   sign-up commit or checkpoint, and only a power cut right after one can undo it.
 *
 * The one crossing (guarded by `lock`, with `cond` to wake the writer):
 *   any thread --ctl_store_add_signup--> `pending` --writer takes ALL--> one transaction
 *   --after COMMIT returns--> `outbox` --idle GSource on `context`--> done() on main.
 *
 * Invariants:
 *   1. A Signup is in exactly one place: `pending`, the writer's current batch, `outbox`, or a
 *      local list being delivered; its done() runs exactly once, then it is freed.
 *   2. Nothing reaches `outbox` with a success result before the COMMIT of its batch returned
 *      SQLITE_OK: a failed BEGIN/COMMIT turns every result of the batch into that error.
 *   3. `deliver_source` is non-NULL iff an attached, not yet dispatched source will drain
 *      `outbox`; the writer attaches one only when there is none.
 *   4. After `stopping` is set the writer still empties `pending` before it exits, so every
 *      sign-up queued before close is committed (or fails) and is reported.
 *
 * Timestamps are UTC ISO-8601 text with milliseconds ("2024-05-01T08:30:00.123Z"): they sort as
 * text and read as-is in an export. SQLite's strftime makes them on main; the writer makes one per
 * batch in C (ctl_store_stamp), the same text, since all of a batch's rows commit at once.
 *
 * Not responsible for validating network input (control's HTTP layer does) beyond the
 * schema's constraints and the seed document's shape. */
#include "ctl_store.h"
#include "ctl_store_db.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <pthread.h>
#include <sqlite3.h>
#include <time.h>

#include "jc_error.h"
#include "jc_text.h"

/* How long one connection waits for the other's write lock before giving up. */
#define BUSY_TIMEOUT_MS 5000
/* Postings kept decoded in memory (a show has tens; the bound only stops a scan of ids). */
#define POSTING_CACHE_MAX 1024

/* Schema steps, applied in order; PRAGMA user_version is the number applied so far. Append new
 * steps at the end; never edit one that has shipped. */
static const char *const migrations[] = {
    /* 1: postings, sign-ups, state. */
    "CREATE TABLE postings ("
    "  id INTEGER PRIMARY KEY,"
    "  title TEXT NOT NULL CHECK (title <> ''),"
    "  company TEXT NOT NULL CHECK (company <> ''),"
    "  pay_min REAL NOT NULL CHECK (pay_min >= 0),"
    "  pay_max REAL NOT NULL CHECK (pay_max >= pay_min),"
    "  pay_unit TEXT NOT NULL CHECK (pay_unit IN ('hour', 'day', 'month', 'piece')),"
    "  location TEXT NOT NULL DEFAULT '',"
    "  headcount INTEGER NOT NULL CHECK (headcount >= 0),"
    "  tags TEXT NOT NULL DEFAULT '[]'," /* a JSON array of strings */
    "  requirements TEXT NOT NULL DEFAULT '',"
    "  talking_points TEXT NOT NULL DEFAULT '',"
    "  created_at TEXT NOT NULL DEFAULT (" CTL_NOW_SQL "),"
    "  updated_at TEXT NOT NULL DEFAULT (" CTL_NOW_SQL "));"
    "CREATE TABLE signups ("
    "  id INTEGER PRIMARY KEY,"
    "  posting_id INTEGER NOT NULL REFERENCES postings(id),"
    "  name TEXT NOT NULL,"
    "  phone TEXT NOT NULL,"
    "  consent_at TEXT," /* NULL when no consent was given */
    "  client_addr TEXT,"
    "  created_at TEXT NOT NULL DEFAULT (" CTL_NOW_SQL "),"
    "  UNIQUE (posting_id, phone));"
    "CREATE TABLE state ("
    "  key TEXT PRIMARY KEY,"
    "  value TEXT NOT NULL);",

    /* 2: shows and their rundowns; posting versions (optimistic concurrency) and archiving;
     * sign-ups deduplicated per show (show_id 0: outside any show; the table is rebuilt
     * because SQLite cannot change a UNIQUE constraint in place); accounts; the append-only
     * as-aired log; the exports log. */
    "ALTER TABLE postings ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1);"
    "ALTER TABLE postings ADD COLUMN archived INTEGER NOT NULL DEFAULT 0"
    "  CHECK (archived IN (0, 1));"
    "CREATE TABLE shows ("
    "  id INTEGER PRIMARY KEY,"
    "  title TEXT NOT NULL CHECK (title <> ''),"
    "  created_at TEXT NOT NULL DEFAULT (" CTL_NOW_SQL "),"
    "  started_at TEXT,"
    "  ended_at TEXT);"
    "CREATE TABLE rundown ("
    "  show_id INTEGER NOT NULL REFERENCES shows(id) ON DELETE CASCADE,"
    "  position INTEGER NOT NULL CHECK (position >= 0),"
    "  posting_id INTEGER NOT NULL REFERENCES postings(id),"
    "  PRIMARY KEY (show_id, position),"
    "  UNIQUE (show_id, posting_id));"
    "CREATE TABLE signups_v2 ("
    "  id INTEGER PRIMARY KEY,"
    "  posting_id INTEGER NOT NULL REFERENCES postings(id),"
    "  show_id INTEGER NOT NULL DEFAULT 0," /* shows.id, or 0 outside any show */
    "  name TEXT NOT NULL,"
    "  phone TEXT NOT NULL,"
    "  consent_at TEXT,"
    "  client_addr TEXT,"
    "  created_at TEXT NOT NULL DEFAULT (" CTL_NOW_SQL "),"
    "  UNIQUE (posting_id, phone, show_id));"
    "INSERT INTO signups_v2 (id, posting_id, show_id, name, phone, consent_at, client_addr,"
    "  created_at) SELECT id, posting_id, 0, name, phone, consent_at, client_addr, created_at"
    "  FROM signups;"
    "DROP TABLE signups;"
    "ALTER TABLE signups_v2 RENAME TO signups;"
    "CREATE INDEX signups_by_show ON signups (show_id, posting_id);"
    "CREATE TABLE accounts ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE CHECK (name <> ''),"
    "  role TEXT NOT NULL CHECK (role IN ('producer', 'host')),"
    "  password_hash TEXT,"     /* crypto_pwhash_str (argon2id); NULL: no password */
    "  token_hash TEXT UNIQUE," /* hex SHA-256 of the API token; NULL: no token */
    "  created_at TEXT NOT NULL DEFAULT (" CTL_NOW_SQL "),"
    "  updated_at TEXT NOT NULL DEFAULT (" CTL_NOW_SQL "),"
    "  revoked_at TEXT);"
    "CREATE TABLE as_aired ("
    "  id INTEGER PRIMARY KEY,"
    "  aired_at TEXT NOT NULL DEFAULT (" CTL_NOW_SQL "),"
    "  show_id INTEGER NOT NULL DEFAULT 0,"
    "  posting_id INTEGER NOT NULL,"
    "  posting_version INTEGER NOT NULL,"
    "  fields TEXT NOT NULL," /* the posting as shown, a JSON object */
    "  actor TEXT NOT NULL DEFAULT '');"
    "CREATE TRIGGER as_aired_no_update BEFORE UPDATE ON as_aired"
    "  BEGIN SELECT RAISE(ABORT, 'as_aired is append-only'); END;"
    "CREATE TRIGGER as_aired_no_delete BEFORE DELETE ON as_aired"
    "  BEGIN SELECT RAISE(ABORT, 'as_aired is append-only'); END;"
    "CREATE TABLE exports ("
    "  id INTEGER PRIMARY KEY,"
    "  exported_at TEXT NOT NULL DEFAULT (" CTL_NOW_SQL "),"
    "  actor TEXT NOT NULL,"
    "  employer TEXT NOT NULL,"
    "  show_id INTEGER NOT NULL DEFAULT 0,"
    "  row_count INTEGER NOT NULL);",

    /* 3: the apply-page funnel per posting (opens, submits), kept across restarts; sign-up
     * counts per posting kept by triggers, so that the count shown after every sign-up is a
     * lookup, not a scan of that posting's sign-ups (which grows all show long). */
    "CREATE TABLE funnel ("
    "  posting_id INTEGER PRIMARY KEY,"
    "  opens INTEGER NOT NULL DEFAULT 0 CHECK (opens >= 0),"
    "  submits INTEGER NOT NULL DEFAULT 0 CHECK (submits >= 0));"
    "CREATE TABLE signup_counts ("
    "  posting_id INTEGER PRIMARY KEY,"
    "  n INTEGER NOT NULL CHECK (n >= 0));"
    "INSERT INTO signup_counts (posting_id, n)"
    "  SELECT posting_id, count(*) FROM signups GROUP BY posting_id;"
    "CREATE TRIGGER signup_counts_insert AFTER INSERT ON signups BEGIN"
    "  INSERT INTO signup_counts (posting_id, n) VALUES (NEW.posting_id, 1)"
    "    ON CONFLICT (posting_id) DO UPDATE SET n = n + 1;"
    "  END;"
    "CREATE TRIGGER signup_counts_delete AFTER DELETE ON signups BEGIN"
    "  UPDATE signup_counts SET n = n - 1 WHERE posting_id = OLD.posting_id;"
    "  END;"
    "CREATE TRIGGER signup_counts_update AFTER UPDATE OF posting_id ON signups BEGIN"
    "  UPDATE signup_counts SET n = n - 1 WHERE posting_id = OLD.posting_id;"
    "  INSERT INTO signup_counts (posting_id, n) VALUES (NEW.posting_id, 1)"
    "    ON CONFLICT (posting_id) DO UPDATE SET n = n + 1;"
    "  END;",
};

/* One queued sign-up and, once the writer is done with it, its result. */
typedef struct {
    gint64 posting_id;
    gint64 show_id;
    char *name;  /* owned */
    char *phone; /* owned */
    gboolean consent;
    char *client_addr; /* owned, may be NULL */
    CtlSignupDone done;
    gpointer user_data; /* borrowed: handed back to done */
    gint64 signup_id;   /* result */
    gboolean duplicate; /* result */
    GError *error;      /* result, owned; NULL on success */
} Signup;

struct CtlStore {
    /* Main thread only. */
    sqlite3 *db;           /* owned */
    sqlite3_stmt *st_list; /* owned, on db */
    sqlite3_stmt *st_get;  /* owned, on db */
    /* Main thread: gint64* id (owned) -> CtlPosting* (owned), what st_get last returned.
     * Every sign-up looks its posting up, and turning a row into a posting (its tags are JSON)
     * cost 9% of the main thread at 19,000 sign-ups/s; postings change only through
     * ctl_store_postings.c, which empties this (ctl_store_postings_changed). */
    GHashTable *posting_cache;
    sqlite3_stmt *st_count;     /* owned, on db */
    sqlite3_stmt *st_state_get; /* owned, on db */
    sqlite3_stmt *st_state_set; /* owned, on db */
    sqlite3_stmt *st_state_del; /* owned, on db */
    GMainContext *context;      /* ref: where done() runs */
    pthread_t writer;           /* joined by close */

    /* Writer thread only (prepared on main before the thread starts, finalized by the
     * writer just before it exits). BEGIN and COMMIT are prepared too: sqlite3_exec would
     * compile them again for every batch. */
    sqlite3 *wdb;              /* owned */
    sqlite3_stmt *st_insert;   /* owned, on wdb */
    sqlite3_stmt *st_existing; /* owned, on wdb */
    sqlite3_stmt *st_begin;    /* owned, on wdb */
    sqlite3_stmt *st_commit;   /* owned, on wdb */

    /* Guarded by lock. Lock order: lock, then the GMainContext's own lock (g_source_attach /
     * g_source_destroy are called with lock held; done() is never called with it held). */
    pthread_mutex_t lock;
    pthread_cond_t cond;     /* signalled when pending grows or stopping is set */
    GQueue pending;          /* Signup*, owned: waiting for the writer */
    GQueue outbox;           /* Signup*, owned: results waiting for main */
    GSource *deliver_source; /* ref, or NULL (invariant 3) */
    gboolean stopping;       /* set once by close */
    guint batch_max;         /* most sign-ups per transaction; 0 = no limit */
    guint64 commits;         /* writer transactions committed */
};

void ctl_sql_error(GError **error, sqlite3 *db, const char *what)
{
    g_set_error(error, JC_ERROR, JC_ERROR_DB, "%s: %s", what, sqlite3_errmsg(db));
}

gboolean ctl_sql_exec(sqlite3 *db, const char *sql, const char *what, GError **error)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
        ctl_sql_error(error, db, what);
        return FALSE;
    }
    return TRUE;
}

sqlite3_stmt *ctl_store_prep(CtlStore *store, const char *sql, GError **error)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ctl_store_db(store), sql, -1, &st, NULL) != SQLITE_OK) {
        ctl_sql_error(error, ctl_store_db(store), "preparing a statement");
        return NULL;
    }
    return st;
}

GPtrArray *ctl_sql_collect(sqlite3 *db, sqlite3_stmt *st, gpointer (*row)(sqlite3_stmt *st),
                           GDestroyNotify free_row, const char *what, GError **error)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(free_row);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        g_ptr_array_add(out, row(st));
    if (rc != SQLITE_DONE) {
        ctl_sql_error(error, db, what);
        g_clear_pointer(&out, g_ptr_array_unref);
    }
    sqlite3_finalize(st);
    return out;
}

gboolean ctl_sql_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **out, GError **error)
{
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL) != SQLITE_OK) {
        ctl_sql_error(error, db, "preparing a statement");
        return FALSE;
    }
    return TRUE;
}

/* Statements are reused: each use starts from a clean slate. */
void ctl_sql_reset(sqlite3_stmt *st)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

void ctl_sql_bind_text(sqlite3_stmt *st, int idx, const char *s)
{
    if (s == NULL) {
        sqlite3_bind_null(st, idx);
    } else {
        sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
    }
}

/* Opens one connection with the settings both threads rely on. On error, NULL with error set
 * (the half-open handle is closed). */
static sqlite3 *open_connection(const char *path, GError **error)
{
    sqlite3 *db = NULL;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;

    /* NOMUTEX: each connection is used by one thread at a time (see the file header). */
    if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
        g_set_error(error, JC_ERROR, JC_ERROR_DB, "opening %s: %s", path,
                    db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
    if (!ctl_sql_exec(db, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
                      "configuring the connection", error)) {
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

/* Switches the file to WAL (a persistent property of the file) and checks it took. */
static gboolean enable_wal(sqlite3 *db, GError **error)
{
    sqlite3_stmt *st = NULL;
    gboolean ok = FALSE;

    if (!ctl_sql_prepare(db, "PRAGMA journal_mode = WAL", &st, error)) {
        return FALSE;
    }
    if (sqlite3_step(st) != SQLITE_ROW) {
        ctl_sql_error(error, db, "enabling WAL");
    } else if (g_ascii_strcasecmp((const char *)sqlite3_column_text(st, 0), "wal") != 0) {
        g_set_error(error, JC_ERROR, JC_ERROR_DB, "the database refused WAL mode (got %s)",
                    (const char *)sqlite3_column_text(st, 0));
    } else {
        ok = TRUE;
    }
    sqlite3_finalize(st);
    return ok;
}

static gboolean read_user_version(sqlite3 *db, gint64 *version, GError **error)
{
    sqlite3_stmt *st = NULL;
    gboolean ok = FALSE;

    if (!ctl_sql_prepare(db, "PRAGMA user_version", &st, error)) {
        return FALSE;
    }
    if (sqlite3_step(st) == SQLITE_ROW) {
        *version = sqlite3_column_int64(st, 0);
        ok = TRUE;
    } else {
        ctl_sql_error(error, db, "reading the schema version");
    }
    sqlite3_finalize(st);
    return ok;
}

/* Applies the steps of migrations[] not yet applied, all in one transaction together with the
 * new user_version, so a crash leaves either the old schema or the new one. A database from a
 * newer jobcast (more steps than we know) is refused rather than misread. */
static gboolean migrate(sqlite3 *db, gint64 latest, GError **error)
{
    gint64 version = 0;

    if (!ctl_sql_exec(db, "BEGIN IMMEDIATE", "starting the migration", error)) {
        return FALSE;
    }
    if (!read_user_version(db, &version, error)) {
        goto fail;
    }
    if (version > latest) {
        g_set_error(error, JC_ERROR, JC_ERROR_DB,
                    "the database has schema version %" G_GINT64_FORMAT
                    ", newer than this jobcast knows (%" G_GINT64_FORMAT ")",
                    version, (gint64)G_N_ELEMENTS(migrations));
        goto fail;
    }
    for (gint64 v = version; v < latest; v++) {
        if (!ctl_sql_exec(db, migrations[v], "applying a schema migration", error)) {
            goto fail;
        }
    }
    if (version < latest) {
        g_autofree char *sql = g_strdup_printf("PRAGMA user_version = %" G_GINT64_FORMAT, latest);
        if (!ctl_sql_exec(db, sql, "setting the schema version", error)) {
            goto fail;
        }
    }
    if (!ctl_sql_exec(db, "COMMIT", "committing the migration", error)) {
        goto fail;
    }
    return TRUE;

fail:
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return FALSE;
}

void ctl_store_stamp(gint64 unix_us, char out[CTL_STORE_STAMP_SIZE])
{
    time_t secs = (time_t)(unix_us / G_USEC_PER_SEC);
    int ms = (int)(unix_us % G_USEC_PER_SEC / 1000);
    struct tm tm;

    gmtime_r(&secs, &tm);
    g_snprintf(out, CTL_STORE_STAMP_SIZE, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
               tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}

static void signup_free(Signup *s)
{
    g_free(s->name);
    g_free(s->phone);
    g_free(s->client_addr);
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

/* The idle source's callback on main: takes the whole outbox and reports it. Touches the store
 * only under lock and before any done() runs, so a done() may close the store. */
static gboolean deliver(gpointer data)
{
    CtlStore *store = data;
    GQueue batch;

    pthread_mutex_lock(&store->lock);
    batch = store->outbox;
    g_queue_init(&store->outbox);
    g_clear_pointer(&store->deliver_source, g_source_unref);
    pthread_mutex_unlock(&store->lock);

    run_callbacks(&batch);
    return G_SOURCE_REMOVE;
}

/* Moves results into the outbox and makes sure a source will drain it. Caller holds lock. */
static void post_results_locked(CtlStore *store, GQueue *results)
{
    Signup *s;

    while ((s = g_queue_pop_head(results)) != NULL) {
        g_queue_push_tail(&store->outbox, s);
    }
    if (store->deliver_source == NULL) {
        store->deliver_source = g_idle_source_new();
        /* Default priority, not idle: a busy web server must not starve the replies. */
        g_source_set_priority(store->deliver_source, G_PRIORITY_DEFAULT);
        g_source_set_callback(store->deliver_source, deliver, store, NULL);
        g_source_set_static_name(store->deliver_source, "ctl_store results");
        g_source_attach(store->deliver_source, store->context);
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

/* Inserts one sign-up (or finds the one already there) inside the open transaction, stamped
 * with the batch's time (stamp). A failure is recorded in s->error; only this row's work is
 * undone. No savepoint is needed for that (it cost two more statements per row): a failing
 * statement, its trigger's count included, is backed out by SQLite itself (the ABORT conflict
 * resolution) while the transaction stays open; errors that end the whole transaction are
 * caught by write_batch. */
static void write_one(CtlStore *store, Signup *s, const char *stamp)
{
    sqlite3 *db = store->wdb;
    int rc;

    ctl_sql_reset(store->st_insert);
    sqlite3_bind_int64(store->st_insert, 1, s->posting_id);
    ctl_sql_bind_text(store->st_insert, 2, s->name);
    ctl_sql_bind_text(store->st_insert, 3, s->phone);
    sqlite3_bind_int(store->st_insert, 4, s->consent ? 1 : 0);
    ctl_sql_bind_text(store->st_insert, 5, s->client_addr);
    sqlite3_bind_int64(store->st_insert, 6, s->show_id);
    sqlite3_bind_text(store->st_insert, 7, stamp, -1, SQLITE_STATIC);
    rc = sqlite3_step(store->st_insert);
    if (rc == SQLITE_DONE && sqlite3_changes(db) == 1) {
        s->signup_id = sqlite3_last_insert_rowid(db);
    } else if (rc == SQLITE_DONE) {
        /* ON CONFLICT DO NOTHING: the same phone already signed up for this posting in this
         * show. */
        ctl_sql_reset(store->st_existing);
        sqlite3_bind_int64(store->st_existing, 1, s->posting_id);
        ctl_sql_bind_text(store->st_existing, 2, s->phone);
        sqlite3_bind_int64(store->st_existing, 3, s->show_id);
        if (sqlite3_step(store->st_existing) == SQLITE_ROW) {
            s->signup_id = sqlite3_column_int64(store->st_existing, 0);
            s->duplicate = TRUE;
        } else {
            ctl_sql_error(&s->error, db, "finding the earlier sign-up");
        }
        ctl_sql_reset(store->st_existing);
    } else if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
        g_set_error(&s->error, JC_ERROR, JC_ERROR_NOT_FOUND, "no posting with id %" G_GINT64_FORMAT,
                    s->posting_id);
    } else if ((rc & 0xff) == SQLITE_CONSTRAINT) {
        g_set_error(&s->error, JC_ERROR, JC_ERROR_INVALID, "sign-up rejected: %s",
                    sqlite3_errmsg(db));
    } else {
        ctl_sql_error(&s->error, db, "storing a sign-up");
    }
    ctl_sql_reset(store->st_insert);
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

/* Writes one batch in one transaction (group commit). On return every Signup has its result,
 * and no success is claimed unless COMMIT returned SQLITE_OK (invariant 2). */
static gboolean write_batch(CtlStore *store, GQueue *batch)
{
    sqlite3 *db = store->wdb;
    g_autoptr(GError) error = NULL;
    char stamp[CTL_STORE_STAMP_SIZE];

    ctl_store_stamp(g_get_real_time(), stamp);
    if (!step_done(db, store->st_begin, "starting the sign-up transaction", &error)) {
        fail_all(batch, error);
        return FALSE;
    }
    for (GList *l = batch->head; l != NULL; l = l->next) {
        write_one(store, l->data, stamp);
        if (sqlite3_get_autocommit(db)) {
            /* Some errors (disk full, I/O) roll back the whole transaction by themselves. */
            ctl_sql_error(&error, db, "the sign-up transaction was rolled back");
            fail_all(batch, error);
            return FALSE;
        }
    }
    if (!step_done(db, store->st_commit, "committing sign-ups", &error)) {
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        fail_all(batch, error);
        return FALSE;
    }
    return TRUE;
}

/* Finalizes the writer's statements and closes its connection (safe on a partial set). */
static void finalize_writer(CtlStore *store)
{
    sqlite3_finalize(store->st_insert);
    sqlite3_finalize(store->st_existing);
    sqlite3_finalize(store->st_begin);
    sqlite3_finalize(store->st_commit);
    sqlite3_close(store->wdb);
    store->st_insert = NULL;
    store->st_existing = NULL;
    store->st_begin = NULL;
    store->st_commit = NULL;
    store->wdb = NULL;
}

static void *writer_main(void *data)
{
    CtlStore *store = data;

    pthread_mutex_lock(&store->lock);
    for (;;) {
        GQueue batch;
        gboolean committed;

        while (g_queue_is_empty(&store->pending) && !store->stopping) {
            pthread_cond_wait(&store->cond, &store->lock);
        }
        if (g_queue_is_empty(&store->pending)) {
            break; /* stopping, and nothing left (invariant 4) */
        }
        if (store->batch_max == 0 || g_queue_get_length(&store->pending) <= store->batch_max) {
            batch = store->pending;
            g_queue_init(&store->pending);
        } else {
            g_queue_init(&batch);
            for (guint i = 0; i < store->batch_max; i++) {
                g_queue_push_tail(&batch, g_queue_pop_head(&store->pending));
            }
        }
        pthread_mutex_unlock(&store->lock);

        committed = write_batch(store, &batch);

        pthread_mutex_lock(&store->lock);
        if (committed) {
            store->commits++;
        }
        post_results_locked(store, &batch);
    }
    pthread_mutex_unlock(&store->lock);

    finalize_writer(store);
    return NULL;
}

static gboolean prepare_main(CtlStore *store, GError **error)
{
    return ctl_sql_prepare(store->db, CTL_POSTING_COLUMNS "WHERE archived = 0 ORDER BY id",
                           &store->st_list, error) &&
           ctl_sql_prepare(store->db, CTL_POSTING_COLUMNS "WHERE id = ?1", &store->st_get, error) &&
           ctl_sql_prepare(
               store->db, "SELECT coalesce((SELECT n FROM signup_counts WHERE posting_id = ?1), 0)",
               &store->st_count, error) &&
           ctl_sql_prepare(store->db, "SELECT value FROM state WHERE key = ?1",
                           &store->st_state_get, error) &&
           ctl_sql_prepare(store->db,
                           "INSERT INTO state (key, value) VALUES (?1, ?2) "
                           "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                           &store->st_state_set, error) &&
           ctl_sql_prepare(store->db, "DELETE FROM state WHERE key = ?1", &store->st_state_del,
                           error);
}

static gboolean prepare_writer(CtlStore *store, GError **error)
{
    return ctl_sql_prepare(store->wdb,
                           "INSERT INTO signups (posting_id, name, phone, consent_at, client_addr, "
                           "show_id, created_at) VALUES (?1, ?2, ?3, CASE WHEN ?4 THEN ?7 END, ?5, "
                           "?6, ?7) "
                           "ON CONFLICT (posting_id, phone, show_id) DO NOTHING",
                           &store->st_insert, error) &&
           ctl_sql_prepare(
               store->wdb,
               "SELECT id FROM signups WHERE posting_id = ?1 AND phone = ?2 AND show_id = ?3",
               &store->st_existing, error) &&
           ctl_sql_prepare(store->wdb, "BEGIN IMMEDIATE", &store->st_begin, error) &&
           ctl_sql_prepare(store->wdb, "COMMIT", &store->st_commit, error);
}

static void finalize_main(CtlStore *store)
{
    sqlite3_finalize(store->st_list);
    sqlite3_finalize(store->st_get);
    g_clear_pointer(&store->posting_cache, g_hash_table_unref);
    sqlite3_finalize(store->st_count);
    sqlite3_finalize(store->st_state_get);
    sqlite3_finalize(store->st_state_set);
    sqlite3_finalize(store->st_state_del);
}

/* Frees a store whose writer thread never started (or has been joined). */
static void store_free(CtlStore *store)
{
    finalize_main(store);
    finalize_writer(store);
    sqlite3_close(store->db);
    g_main_context_unref(store->context);
    pthread_cond_destroy(&store->cond);
    pthread_mutex_destroy(&store->lock);
    g_free(store);
}

CtlStore *ctl_store_open(const char *path, GError **error)
{
    CtlStore *store = NULL;

    g_return_val_if_fail(path != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    store = g_new0(CtlStore, 1);
    pthread_mutex_init(&store->lock, NULL);
    pthread_cond_init(&store->cond, NULL);
    g_queue_init(&store->pending);
    g_queue_init(&store->outbox);
    store->context = g_main_context_ref_thread_default();
    store->posting_cache = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
                                                 (GDestroyNotify)ctl_posting_free);

    store->db = open_connection(path, error);
    if (store->db != NULL && !ctl_sql_exec(store->db, "PRAGMA synchronous = NORMAL",
                                           "configuring the connection", error)) {
        goto fail;
    }
    if (store->db == NULL || !enable_wal(store->db, error) ||
        !migrate(store->db, G_N_ELEMENTS(migrations), error) || !prepare_main(store, error)) {
        goto fail;
    }
    store->wdb = open_connection(path, error);
    if (store->wdb == NULL || !prepare_writer(store, error)) {
        goto fail;
    }
    if (pthread_create(&store->writer, NULL, writer_main, store) != 0) {
        g_set_error(error, JC_ERROR, JC_ERROR_DB, "cannot start the store's writer thread");
        goto fail;
    }
    return store;

fail:
    store_free(store);
    return NULL;
}

void ctl_store_close(CtlStore *store)
{
    GQueue left;

    if (store == NULL) {
        return;
    }
    pthread_mutex_lock(&store->lock);
    store->stopping = TRUE;
    pthread_cond_signal(&store->cond);
    pthread_mutex_unlock(&store->lock);

    /* The writer commits whatever is pending before it exits (invariant 4). It never waits
     * for main, so joining here cannot deadlock. */
    pthread_join(store->writer, NULL);

    /* Report what the idle source has not yet delivered, here rather than on the context:
     * the store is gone by the time the context would run it. A done() may queue another
     * sign-up (it fails at once, see ctl_store_add_signup), hence the loop. */
    for (;;) {
        pthread_mutex_lock(&store->lock);
        left = store->outbox;
        g_queue_init(&store->outbox);
        if (g_queue_is_empty(&left) && store->deliver_source != NULL) {
            g_source_destroy(store->deliver_source);
            g_clear_pointer(&store->deliver_source, g_source_unref);
        }
        pthread_mutex_unlock(&store->lock);
        if (g_queue_is_empty(&left)) {
            break;
        }
        run_callbacks(&left);
    }
    store_free(store);
}

void ctl_store_add_signup(CtlStore *store, const CtlSignupRequest *req, CtlSignupDone done,
                          gpointer user_data)
{
    Signup *s;

    g_return_if_fail(store != NULL);
    g_return_if_fail(req != NULL);
    g_return_if_fail(done != NULL);

    s = g_new0(Signup, 1);
    s->posting_id = req->posting_id;
    s->show_id = MAX(req->show_id, 0);
    s->name = g_strdup(req->name ? req->name : "");
    s->phone = g_strdup(req->phone ? req->phone : "");
    s->consent = req->consent;
    s->client_addr = g_strdup(req->client_addr);
    s->done = done;
    s->user_data = user_data;

    pthread_mutex_lock(&store->lock);
    if (store->stopping) {
        /* The writer may already be gone: fail now, still through the outbox so that done()
         * never runs inside this call. */
        GQueue one = G_QUEUE_INIT;
        g_set_error(&s->error, JC_ERROR, JC_ERROR_DB, "the store is closing");
        g_queue_push_tail(&one, s);
        post_results_locked(store, &one);
    } else {
        g_queue_push_tail(&store->pending, s);
        pthread_cond_signal(&store->cond);
    }
    pthread_mutex_unlock(&store->lock);
}

guint64 ctl_store_commit_count(CtlStore *store)
{
    guint64 n;

    g_return_val_if_fail(store != NULL, 0);
    pthread_mutex_lock(&store->lock);
    n = store->commits;
    pthread_mutex_unlock(&store->lock);
    return n;
}

void ctl_posting_free(CtlPosting *p)
{
    if (p == NULL) {
        return;
    }
    g_free(p->title);
    g_free(p->company);
    g_free(p->pay_unit);
    g_free(p->location);
    g_strfreev(p->tags);
    g_free(p->requirements);
    g_free(p->talking_points);
    g_free(p);
}

char *ctl_sql_column_dup(sqlite3_stmt *st, int col)
{
    const unsigned char *text = sqlite3_column_text(st, col);
    return g_strdup(text ? (const char *)text : "");
}

/* Tags are stored as a JSON array of strings; anything else in the column reads as no tags
 * rather than failing the whole posting. (transfer full), never NULL. */
static char **tags_from_json(const char *json)
{
    g_autoptr(JsonParser) parser = json_parser_new_immutable();
    g_autoptr(GStrvBuilder) builder = g_strv_builder_new();
    JsonNode *root;

    if (json != NULL && json_parser_load_from_data(parser, json, -1, NULL)) {
        root = json_parser_get_root(parser);
        if (root != NULL && JSON_NODE_HOLDS_ARRAY(root)) {
            JsonArray *arr = json_node_get_array(root);
            for (guint i = 0; i < json_array_get_length(arr); i++) {
                JsonNode *n = json_array_get_element(arr, i);
                if (json_node_get_value_type(n) == G_TYPE_STRING) {
                    g_strv_builder_add(builder, json_node_get_string(n));
                }
            }
        }
    }
    return g_strv_builder_end(builder);
}

/* The current row of a CTL_POSTING_COLUMNS statement. (transfer full) */
CtlPosting *ctl_store_posting_from_row(sqlite3_stmt *st)
{
    CtlPosting *p = g_new0(CtlPosting, 1);

    p->id = sqlite3_column_int64(st, 0);
    p->title = ctl_sql_column_dup(st, 1);
    p->company = ctl_sql_column_dup(st, 2);
    p->pay_min = sqlite3_column_double(st, 3);
    p->pay_max = sqlite3_column_double(st, 4);
    p->pay_unit = ctl_sql_column_dup(st, 5);
    p->location = ctl_sql_column_dup(st, 6);
    p->headcount = sqlite3_column_int(st, 7);
    p->tags = tags_from_json((const char *)sqlite3_column_text(st, 8));
    p->requirements = ctl_sql_column_dup(st, 9);
    p->talking_points = ctl_sql_column_dup(st, 10);
    p->version = sqlite3_column_int64(st, 11);
    p->archived = sqlite3_column_int(st, 12) != 0;
    return p;
}

GPtrArray *ctl_store_list_postings(CtlStore *store, GError **error)
{
    g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)ctl_posting_free);
    int rc;

    g_return_val_if_fail(store != NULL, NULL);
    ctl_sql_reset(store->st_list);
    while ((rc = sqlite3_step(store->st_list)) == SQLITE_ROW) {
        g_ptr_array_add(out, ctl_store_posting_from_row(store->st_list));
    }
    if (rc != SQLITE_DONE) {
        ctl_sql_error(error, store->db, "listing postings");
        ctl_sql_reset(store->st_list);
        return NULL;
    }
    ctl_sql_reset(store->st_list);
    return g_steal_pointer(&out);
}

CtlPosting *ctl_posting_copy(const CtlPosting *p)
{
    CtlPosting *c = g_new(CtlPosting, 1);
    *c = *p;
    c->title = g_strdup(p->title);
    c->company = g_strdup(p->company);
    c->pay_unit = g_strdup(p->pay_unit);
    c->location = g_strdup(p->location);
    c->tags = g_strdupv(p->tags);
    c->requirements = g_strdup(p->requirements);
    c->talking_points = g_strdup(p->talking_points);
    return c;
}

void ctl_store_postings_changed(CtlStore *store)
{
    g_hash_table_remove_all(store->posting_cache);
}

CtlPosting *ctl_store_get_posting(CtlStore *store, gint64 id, GError **error)
{
    CtlPosting *p = NULL;
    int rc;

    g_return_val_if_fail(store != NULL, NULL);
    const CtlPosting *cached = g_hash_table_lookup(store->posting_cache, &id);
    if (cached != NULL)
        return ctl_posting_copy(cached);
    ctl_sql_reset(store->st_get);
    sqlite3_bind_int64(store->st_get, 1, id);
    rc = sqlite3_step(store->st_get);
    if (rc == SQLITE_ROW) {
        p = ctl_store_posting_from_row(store->st_get);
        if (g_hash_table_size(store->posting_cache) >= POSTING_CACHE_MAX)
            g_hash_table_remove_all(store->posting_cache);
        g_hash_table_insert(store->posting_cache, g_memdup2(&id, sizeof id), ctl_posting_copy(p));
    } else if (rc == SQLITE_DONE) {
        g_set_error(error, JC_ERROR, JC_ERROR_NOT_FOUND, "no posting with id %" G_GINT64_FORMAT,
                    id);
    } else {
        ctl_sql_error(error, store->db, "reading a posting");
    }
    ctl_sql_reset(store->st_get);
    return p;
}

gint64 ctl_store_count_signups(CtlStore *store, gint64 posting_id, GError **error)
{
    gint64 n = -1;

    g_return_val_if_fail(store != NULL, -1);
    ctl_sql_reset(store->st_count);
    sqlite3_bind_int64(store->st_count, 1, posting_id);
    if (sqlite3_step(store->st_count) == SQLITE_ROW) {
        n = sqlite3_column_int64(store->st_count, 0);
    } else {
        ctl_sql_error(error, store->db, "counting sign-ups");
    }
    ctl_sql_reset(store->st_count);
    return n;
}

char *ctl_store_get_state(CtlStore *store, const char *key, GError **error)
{
    char *value = NULL;
    int rc;

    g_return_val_if_fail(store != NULL, NULL);
    g_return_val_if_fail(key != NULL, NULL);
    ctl_sql_reset(store->st_state_get);
    ctl_sql_bind_text(store->st_state_get, 1, key);
    rc = sqlite3_step(store->st_state_get);
    if (rc == SQLITE_ROW) {
        value = ctl_sql_column_dup(store->st_state_get, 0);
    } else if (rc != SQLITE_DONE) {
        ctl_sql_error(error, store->db, "reading state");
    }
    ctl_sql_reset(store->st_state_get);
    return value;
}

/* A NULL value removes the key (get then returns NULL again). */
gboolean ctl_store_set_state(CtlStore *store, const char *key, const char *value, GError **error)
{
    sqlite3_stmt *st;
    gboolean ok = TRUE;

    g_return_val_if_fail(store != NULL, FALSE);
    g_return_val_if_fail(key != NULL, FALSE);
    st = value != NULL ? store->st_state_set : store->st_state_del;
    ctl_sql_reset(st);
    ctl_sql_bind_text(st, 1, key);
    if (value != NULL) {
        ctl_sql_bind_text(st, 2, value);
    }
    if (sqlite3_step(st) != SQLITE_DONE) {
        ctl_sql_error(error, store->db, "writing state");
        ok = FALSE;
    }
    ctl_sql_reset(st);
    return ok;
}

/* Seeding. A posting as read from the seed document, before it is stored. */
typedef struct {
    const char *title; /* borrowed from the parsed document, as are the other strings */
    const char *company;
    double pay_min;
    double pay_max;
    const char *pay_unit;
    const char *location;
    gint64 headcount;
    char *tags_json; /* owned */
    const char *requirements;
    const char *talking_points;
} SeedPosting;

static void seed_posting_clear(gpointer data)
{
    SeedPosting *sp = data;
    g_free(sp->tags_json);
}

static gboolean invalid(GError **error, guint index, const char *what)
{
    g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "seed posting %u: %s", index, what);
    return FALSE;
}

/* A string member; missing counts as "" only when optional. */
static gboolean get_string(JsonObject *o, const char *name, gboolean optional, const char **out)
{
    JsonNode *n = json_object_get_member(o, name);

    if (n == NULL || JSON_NODE_HOLDS_NULL(n)) {
        *out = "";
        return optional;
    }
    if (json_node_get_value_type(n) != G_TYPE_STRING) {
        return FALSE;
    }
    *out = json_node_get_string(n);
    return TRUE;
}

static gboolean get_number(JsonObject *o, const char *name, double *out)
{
    JsonNode *n = json_object_get_member(o, name);
    GType t = n != NULL ? json_node_get_value_type(n) : G_TYPE_INVALID;

    if (t == G_TYPE_INT64) {
        *out = (double)json_node_get_int(n);
    } else if (t == G_TYPE_DOUBLE) {
        *out = json_node_get_double(n);
    } else {
        return FALSE;
    }
    return isfinite(*out);
}

/* Tags: an optional array of strings, re-serialised so the column holds exactly that. */
static gboolean get_tags(JsonObject *o, char **out)
{
    JsonNode *n = json_object_get_member(o, "tags");
    g_autoptr(JsonBuilder) b = json_builder_new_immutable();
    g_autoptr(JsonNode) root = NULL;

    json_builder_begin_array(b);
    if (n != NULL && !JSON_NODE_HOLDS_NULL(n)) {
        JsonArray *arr;
        if (!JSON_NODE_HOLDS_ARRAY(n)) {
            return FALSE;
        }
        arr = json_node_get_array(n);
        for (guint i = 0; i < json_array_get_length(arr); i++) {
            JsonNode *t = json_array_get_element(arr, i);
            if (json_node_get_value_type(t) != G_TYPE_STRING) {
                return FALSE;
            }
            json_builder_add_string_value(b, json_node_get_string(t));
        }
    }
    json_builder_end_array(b);
    root = json_builder_get_root(b);
    *out = json_to_string(root, FALSE);
    return TRUE;
}

static gboolean parse_posting(JsonNode *node, guint index, SeedPosting *sp, GError **error)
{
    JsonObject *o;
    double headcount;

    if (!JSON_NODE_HOLDS_OBJECT(node)) {
        return invalid(error, index, "not an object");
    }
    o = json_node_get_object(node);
    if (!get_string(o, "title", FALSE, &sp->title) || sp->title[0] == '\0') {
        return invalid(error, index, "title must be a non-empty string");
    }
    if (!get_string(o, "company", FALSE, &sp->company) || sp->company[0] == '\0') {
        return invalid(error, index, "company must be a non-empty string");
    }
    if (!get_number(o, "pay_min", &sp->pay_min) || !get_number(o, "pay_max", &sp->pay_max) ||
        sp->pay_min < 0 || sp->pay_min > sp->pay_max) {
        return invalid(error, index, "pay_min and pay_max must be numbers, 0 <= min <= max");
    }
    if (!get_string(o, "pay_unit", FALSE, &sp->pay_unit) || !jc_pay_unit_valid(sp->pay_unit)) {
        return invalid(error, index, "pay_unit must be hour, day, month or piece");
    }
    if (!get_number(o, "headcount", &headcount) || headcount < 0 || headcount > G_MAXINT ||
        headcount != (double)(gint64)headcount) {
        return invalid(error, index, "headcount must be a whole number >= 0");
    }
    sp->headcount = (gint64)headcount;
    if (!get_string(o, "location", TRUE, &sp->location) ||
        !get_string(o, "requirements", TRUE, &sp->requirements) ||
        !get_string(o, "talking_points", TRUE, &sp->talking_points)) {
        return invalid(error, index, "location, requirements and talking_points must be strings");
    }
    if (!get_tags(o, &sp->tags_json)) {
        return invalid(error, index, "tags must be an array of strings");
    }
    return TRUE;
}

/* Parses and validates the whole document. (transfer full) GArray of SeedPosting, whose
 * strings point into parser; NULL with JC_ERROR_INVALID on the first problem. */
static GArray *parse_seed(JsonParser *parser, const char *json, gsize len, GError **error)
{
    g_autoptr(GArray) out = g_array_new(FALSE, TRUE, sizeof(SeedPosting));
    g_autoptr(GError) local = NULL;
    JsonNode *root;
    JsonNode *list;
    JsonArray *arr;

    g_array_set_clear_func(out, seed_posting_clear);
    if (len > G_MAXSSIZE || !json_parser_load_from_data(parser, json, (gssize)len, &local)) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "seed document is not JSON: %s",
                    local ? local->message : "too large");
        return NULL;
    }
    root = json_parser_get_root(parser);
    list = root != NULL && JSON_NODE_HOLDS_OBJECT(root)
               ? json_object_get_member(json_node_get_object(root), "postings")
               : NULL;
    if (list == NULL || !JSON_NODE_HOLDS_ARRAY(list)) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID,
                    "seed document must be an object with a \"postings\" array");
        return NULL;
    }
    arr = json_node_get_array(list);
    g_array_set_size(out, json_array_get_length(arr));
    for (guint i = 0; i < out->len; i++) {
        if (!parse_posting(json_array_get_element(arr, i), i, &g_array_index(out, SeedPosting, i),
                           error)) {
            return NULL;
        }
    }
    return g_steal_pointer(&out);
}

static gboolean postings_empty(sqlite3 *db, gboolean *empty, GError **error)
{
    sqlite3_stmt *st = NULL;
    gboolean ok = FALSE;

    if (!ctl_sql_prepare(db, "SELECT EXISTS (SELECT 1 FROM postings)", &st, error)) {
        return FALSE;
    }
    if (sqlite3_step(st) == SQLITE_ROW) {
        *empty = sqlite3_column_int(st, 0) == 0;
        ok = TRUE;
    } else {
        ctl_sql_error(error, db, "checking for postings");
    }
    sqlite3_finalize(st);
    return ok;
}

static gboolean insert_seed(sqlite3 *db, GArray *postings, GError **error)
{
    sqlite3_stmt *st = NULL;
    gboolean ok = TRUE;

    if (!ctl_sql_prepare(
            db,
            "INSERT INTO postings (title, company, pay_min, pay_max, pay_unit, location, "
            "headcount, tags, requirements, talking_points) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            &st, error)) {
        return FALSE;
    }
    for (guint i = 0; ok && i < postings->len; i++) {
        const SeedPosting *sp = &g_array_index(postings, SeedPosting, i);
        ctl_sql_reset(st);
        ctl_sql_bind_text(st, 1, sp->title);
        ctl_sql_bind_text(st, 2, sp->company);
        sqlite3_bind_double(st, 3, sp->pay_min);
        sqlite3_bind_double(st, 4, sp->pay_max);
        ctl_sql_bind_text(st, 5, sp->pay_unit);
        ctl_sql_bind_text(st, 6, sp->location);
        sqlite3_bind_int64(st, 7, sp->headcount);
        ctl_sql_bind_text(st, 8, sp->tags_json);
        ctl_sql_bind_text(st, 9, sp->requirements);
        ctl_sql_bind_text(st, 10, sp->talking_points);
        if (sqlite3_step(st) != SQLITE_DONE) {
            ctl_sql_error(error, db, "inserting a seed posting");
            ok = FALSE;
        }
    }
    sqlite3_finalize(st);
    return ok;
}

gboolean ctl_store_seed(CtlStore *store, const char *json, gsize len, guint *inserted,
                        GError **error)
{
    g_autoptr(JsonParser) parser = json_parser_new_immutable();
    g_autoptr(GArray) postings = NULL;
    gboolean empty = FALSE;

    g_return_val_if_fail(store != NULL, FALSE);
    g_return_val_if_fail(json != NULL, FALSE);
    if (inserted != NULL) {
        *inserted = 0;
    }
    /* Validate everything first: a bad document must not be half-inserted. */
    postings = parse_seed(parser, json, len, error);
    if (postings == NULL) {
        return FALSE;
    }
    /* The emptiness check runs inside the write transaction so that two seeders (or a
     * restart racing a seed) cannot both insert. */
    if (!ctl_sql_exec(store->db, "BEGIN IMMEDIATE", "starting the seed", error)) {
        return FALSE;
    }
    if (!postings_empty(store->db, &empty, error) ||
        (empty && !insert_seed(store->db, postings, error)) ||
        !ctl_sql_exec(store->db, "COMMIT", "committing the seed", error)) {
        sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
        return FALSE;
    }
    if (inserted != NULL && empty) {
        *inserted = postings->len;
    }
    return TRUE;
}

sqlite3 *ctl_store_db(CtlStore *store)
{
    return store->db;
}

void ctl_store_set_batch_max(CtlStore *store, guint max)
{
    pthread_mutex_lock(&store->lock);
    store->batch_max = max;
    pthread_mutex_unlock(&store->lock);
}

gboolean ctl_store_create_at_version(const char *path, guint version, GError **error)
{
    sqlite3 *db;
    gboolean ok;

    g_return_val_if_fail(version <= G_N_ELEMENTS(migrations), FALSE);
    db = open_connection(path, error);
    if (db == NULL) {
        return FALSE;
    }
    ok = enable_wal(db, error) && migrate(db, version, error);
    sqlite3_close(db);
    return ok;
}

guint ctl_store_schema_version(void)
{
    return G_N_ELEMENTS(migrations);
}
