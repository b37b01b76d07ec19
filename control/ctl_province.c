/* ctl_province: the sync worker that ships the room's outbox to the province (see
 * ctl_province.h).
 *
 * Threads:
 *   - main: start, stop, the status and the metrics. It writes the room's identity and turns the
 *     outbox on before the worker exists; afterwards it only reads the status under `lock`.
 *   - worker: owns `db` (a read-only SQLite connection to the room's file), its statements,
 *     `pg` (the libpq connection) and `position` from pthread_create until it exits.
 *
 * The crossing (guarded by `lock`): `stopping` (set once by stop; `cond` wakes the worker's
 * pauses) and the status fields. Marks go back through the store writer's queue
 * (ctl_store_mark_shipped), which has its own lock; `lock` is never held across it.
 *
 * The worker's cycle: (re)connect, create or migrate the province's schema, link the market
 * (ctl_province_pg.c) and take the province's mark as the truth; then read up to batch_rows rows
 * above `position` from the outbox, apply them in one PostgreSQL transaction, move `position`
 * and ask the writer to record the mark. With nothing to ship it polls every 100 ms. Any failure
 * drops the connection and pauses (1 s, doubling up to backoff_max_ms, +-20 % jitter); the first
 * failure of a burst is logged as a warning, the rest at debug level, and the first success
 * after a burst says so. Every message passes jc_uri_scrub and the decoded password's removal.
 *
 * Invariants:
 *   1. `position` is never above the province's mark as last read or written: rows above it are
 *      shipped at least once more, and the province's (market, seq) key drops the repeats.
 *   2. The room's mark (state province.shipped) is only ever asked for after the province
 *      committed at least that far.
 *   3. Neither the URL nor the password reaches a log line, the status or an error. */
#include "ctl_province.h"

#include <libpq-fe.h>
#include <pthread.h>
#include <sodium.h>
#include <sqlite3.h>
#include <string.h>

#include "ctl_province_pg.h"
#include "ctl_store_outbox.h"
#include "ctl_store_sql.h"
#include "jc_error.h"
#include "jc_uri.h"

#define BATCH_ROWS_DEFAULT 500
#define BACKOFF_MAX_DEFAULT_MS 15000
#define BACKOFF_FIRST_MS 1000
#define IDLE_POLL_MS 100
#define ROOM_KEY "province.room"

struct CtlProvince {
    /* Set on main before the worker starts; read-only afterwards. */
    char *url;         /* owned, secret */
    char *password;    /* owned, secret (decoded), NULL when the URL has none */
    char *shown_url;   /* owned: the URL with its secrets as stars */
    char *market;      /* owned */
    char *market_name; /* owned */
    char *room_id;     /* owned */
    char *db_path;     /* owned */
    CtlStore *store;   /* borrowed */
    guint batch_rows;
    guint backoff_max_ms;
    pthread_t thread;

    /* Worker only. */
    sqlite3 *db;             /* owned, read-only */
    sqlite3_stmt *st_rows;   /* owned, on db */
    sqlite3_stmt *st_max;    /* owned, on db */
    sqlite3_stmt *st_oldest; /* owned, on db */
    PGconn *pg;              /* owned, NULL while not linked */
    gint64 position;         /* every row up to here is in the province (invariant 1) */

    /* Guarded by lock. */
    pthread_mutex_t lock;
    pthread_cond_t cond;
    gboolean stopping;
    const char *state;      /* static: "connecting", "up", "down", "error" */
    char *error;            /* owned, scrubbed; NULL while up */
    gint64 outbox_rows;     /* rows not yet in the province */
    gint64 oldest_us;       /* when the oldest of them committed (real time); 0 = none */
    gint64 shipped_seq;     /* the province's mark as last seen */
    guint64 shipped_total;  /* rows applied since start */
    guint64 failures_total; /* failed attempts since start */
};

/* ---- messages without secrets ---- */

/* text without the URL's secrets and without the decoded password. (transfer full) */
static char *scrub(CtlProvince *p, const char *text)
{
    char *out = jc_uri_scrub(text, p->url);
    if (p->password != NULL && strlen(p->password) >= 4 && strstr(out, p->password) != NULL) {
        g_auto(GStrv) parts = g_strsplit(out, p->password, -1);
        g_free(out);
        out = g_strjoinv("***", parts);
    }
    return out;
}

gboolean ctl_province_market_valid(const char *code)
{
    if (code == NULL || strlen(code) != 6 || code[0] < '1' || code[0] > '9')
        return FALSE;
    for (int i = 0; i < 6; i++) {
        if (!g_ascii_isdigit(code[i]))
            return FALSE;
    }
    return TRUE;
}

char *ctl_province_url_password(const char *url)
{
    char *err = NULL;
    PQconninfoOption *opts = PQconninfoParse(url, &err);
    PQfreemem(err);
    if (opts == NULL)
        return NULL;
    char *password = NULL;
    for (PQconninfoOption *o = opts; o->keyword != NULL; o++) {
        if (strcmp(o->keyword, "password") == 0 && o->val != NULL && o->val[0] != '\0')
            password = g_strdup(o->val);
    }
    PQconninfoFree(opts);
    return password;
}

/* ---- the status ---- */

static void set_status(CtlProvince *p, const char *state, const char *error)
{
    pthread_mutex_lock(&p->lock);
    p->state = state;
    g_free(p->error);
    p->error = g_strdup(error);
    pthread_mutex_unlock(&p->lock);
}

/* Refreshes the outbox's size and age above position (worker). */
static void refresh_lag(CtlProvince *p)
{
    gint64 max = 0;
    gint64 oldest = 0;
    if (p->db == NULL)
        return;
    ctl_sql_reset(p->st_max);
    if (sqlite3_step(p->st_max) == SQLITE_ROW)
        max = sqlite3_column_int64(p->st_max, 0);
    ctl_sql_reset(p->st_max);
    ctl_sql_reset(p->st_oldest);
    sqlite3_bind_int64(p->st_oldest, 1, p->position);
    if (sqlite3_step(p->st_oldest) == SQLITE_ROW) {
        const char *at = (const char *)sqlite3_column_text(p->st_oldest, 0);
        g_autoptr(GDateTime) t = at != NULL ? g_date_time_new_from_iso8601(at, NULL) : NULL;
        oldest = t != NULL
                     ? g_date_time_to_unix(t) * G_USEC_PER_SEC + g_date_time_get_microsecond(t)
                     : g_get_real_time();
    }
    ctl_sql_reset(p->st_oldest);
    pthread_mutex_lock(&p->lock);
    p->outbox_rows = MAX(max - p->position, 0);
    p->oldest_us = oldest;
    pthread_mutex_unlock(&p->lock);
}

/* ---- the room's side ---- */

/* One integer from sql on the worker's connection (0 when no row or NULL). */
static gboolean local_int(CtlProvince *p, const char *sql, gint64 *out, GError **error)
{
    return ctl_sql_query_int64(p->db, sql, out, "reading the outbox", error);
}

static gboolean open_local(CtlProvince *p, GError **error)
{
    if (sqlite3_open_v2(p->db_path, &p->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        ctl_sql_error(error, p->db, "opening the room's database for the province");
        sqlite3_close(p->db);
        p->db = NULL;
        return FALSE;
    }
    sqlite3_busy_timeout(p->db, CTL_SQL_BUSY_TIMEOUT_MS);
    gint64 mark = 0;
    if (!ctl_sql_prepare(p->db, CTL_OUTBOX_ROWS_SQL, &p->st_rows, error) ||
        !ctl_sql_prepare(p->db, "SELECT coalesce(max(seq), 0) FROM province_outbox", &p->st_max,
                         error) ||
        !ctl_sql_prepare(p->db,
                         "SELECT created_at FROM province_outbox WHERE seq > ?1 ORDER BY seq "
                         "LIMIT 1",
                         &p->st_oldest, error) ||
        !local_int(p,
                   "SELECT coalesce((SELECT CAST(value AS INTEGER) FROM state WHERE key = "
                   "'" CTL_OUTBOX_SHIPPED_KEY "'), 0)",
                   &mark, error))
        return FALSE;
    p->position = mark;
    return TRUE;
}

static void close_local(CtlProvince *p)
{
    sqlite3_finalize(p->st_rows);
    sqlite3_finalize(p->st_max);
    sqlite3_finalize(p->st_oldest);
    sqlite3_close(p->db);
    p->st_rows = NULL;
    p->st_max = NULL;
    p->st_oldest = NULL;
    p->db = NULL;
}

/* ---- the province's side ---- */

static gboolean connect_pg(CtlProvince *p, GError **error)
{
    g_autofree char *app = g_strdup_printf("jobcast-%s", p->market);
    /* The URL comes last: what it sets itself wins over these defaults. */
    const char *const keys[] = {"connect_timeout", "application_name", "options", "dbname", NULL};
    const char *const values[] = {"5", app, "-c statement_timeout=15000", p->url, NULL};
    p->pg = PQconnectdbParams(keys, values, 1);
    if (p->pg == NULL || PQstatus(p->pg) != CONNECTION_OK) {
        const char *msg = p->pg != NULL ? PQerrorMessage(p->pg) : "out of memory";
        g_autofree char *text = g_strstrip(g_strdup(msg));
        g_set_error(error, JC_ERROR, JC_ERROR_DB, "cannot connect to %s: %s", p->shown_url, text);
        g_clear_pointer(&p->pg, PQfinish);
        return FALSE;
    }
    return TRUE;
}

/* Connects, migrates, links, and takes the province's mark as the truth (invariant 1). */
static gboolean link_province(CtlProvince *p, GError **error)
{
    gint64 mark = 0;
    gint64 local_max = 0;
    gint64 local_mark = p->position;
    if (!connect_pg(p, error) || !ctl_pg_migrate(p->pg, error) ||
        !ctl_pg_link(p->pg, p->market, p->market_name, p->room_id, &mark, error) ||
        !local_int(p,
                   "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = "
                   "'province_outbox'), 0)",
                   &local_max, error))
        return FALSE;
    if (mark > local_max) {
        g_set_error(error, JC_ERROR, JC_ERROR_CONFLICT,
                    "the province has market %s's changes up to %" G_GINT64_FORMAT
                    " but this room's outbox only reaches %" G_GINT64_FORMAT
                    ": the room's database is older than the province's (restored from a "
                    "backup?); nothing is shipped until that is sorted out",
                    p->market, mark, local_max);
        return FALSE;
    }
    if (mark < local_mark) {
        g_warning("province: market %s: the province has changes up to %" G_GINT64_FORMAT
                  " only, this room shipped up to %" G_GINT64_FORMAT
                  " (the province's database was restored?): those rows are gone here and are "
                  "not sent again",
                  p->market, mark, local_mark);
        p->position = local_mark;
    } else {
        p->position = mark;
        ctl_store_mark_shipped(p->store, mark);
    }
    pthread_mutex_lock(&p->lock);
    p->shipped_seq = p->position;
    pthread_mutex_unlock(&p->lock);
    return TRUE;
}

/* s as a JSON string into out. */
static void append_json_string(GString *out, const char *s)
{
    g_string_append_c(out, '"');
    for (const char *c = s; *c != '\0'; c++) {
        if (*c == '"' || *c == '\\')
            g_string_append_printf(out, "\\%c", *c);
        else if ((guchar)*c < 0x20)
            g_string_append_printf(out, "\\u%04x", (guint)(guchar)*c);
        else
            g_string_append_c(out, *c);
    }
    g_string_append_c(out, '"');
}

/* The next rows above position as the JSON array ctl_pg_apply takes; *last gets the last
 * row's seq, 0 when there is none. (transfer full) */
static char *read_rows(CtlProvince *p, gint64 *last, GError **error)
{
    GString *out = g_string_new("[");
    *last = 0;
    ctl_sql_reset(p->st_rows);
    sqlite3_bind_int64(p->st_rows, 1, p->position);
    sqlite3_bind_int64(p->st_rows, 2, p->batch_rows);
    int rc;
    while ((rc = sqlite3_step(p->st_rows)) == SQLITE_ROW) {
        const char *kind = (const char *)sqlite3_column_text(p->st_rows, 1);
        const char *payload = (const char *)sqlite3_column_text(p->st_rows, 3);
        const char *at = (const char *)sqlite3_column_text(p->st_rows, 4);
        *last = sqlite3_column_int64(p->st_rows, 0);
        g_string_append_printf(
            out, "%s{\"seq\":%" G_GINT64_FORMAT ",\"kind\":", out->len > 1 ? "," : "", *last);
        append_json_string(out, kind != NULL ? kind : "");
        g_string_append_printf(out, ",\"ref_id\":%" G_GINT64_FORMAT ",\"payload\":%s,\"at\":",
                               (gint64)sqlite3_column_int64(p->st_rows, 2),
                               payload != NULL ? payload : "{}");
        append_json_string(out, at != NULL ? at : "");
        g_string_append_c(out, '}');
    }
    if (rc != SQLITE_DONE)
        ctl_sql_error(error, p->db, "reading the outbox");
    ctl_sql_reset(p->st_rows);
    g_string_append_c(out, ']');
    if (rc != SQLITE_DONE) {
        g_string_free(out, TRUE);
        return NULL;
    }
    return g_string_free(out, FALSE);
}

/* One step of the cycle: link when not linked, then ship one batch. *idle is TRUE when there
 * was nothing to ship. */
static gboolean ship_once(CtlProvince *p, gboolean *idle, GError **error)
{
    *idle = FALSE;
    if (p->db == NULL && !open_local(p, error)) {
        close_local(p);
        return FALSE;
    }
    if (p->pg == NULL) {
        if (!link_province(p, error))
            return FALSE;
        set_status(p, "up", NULL);
    }
    gint64 last = 0;
    g_autofree char *rows = read_rows(p, &last, error);
    if (rows == NULL)
        return FALSE;
    if (last == 0) {
        *idle = TRUE;
        return TRUE;
    }
    gint64 mark = 0;
    guint applied = 0;
    if (!ctl_pg_apply(p->pg, p->market, rows, last, &mark, &applied, error))
        return FALSE;
    p->position = MAX(mark, last);
    ctl_store_mark_shipped(p->store, mark); /* invariant 2: the province committed it */
    pthread_mutex_lock(&p->lock);
    p->shipped_seq = p->position;
    p->shipped_total += applied;
    pthread_mutex_unlock(&p->lock);
    return TRUE;
}

/* ---- the worker ---- */

/* Waits ms, or less when stopping; FALSE once stopping. */
static gboolean pause_ms(CtlProvince *p, guint ms)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += ms / 1000;
    until.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&p->lock);
    while (!p->stopping && pthread_cond_timedwait(&p->cond, &p->lock, &until) == 0) {
    }
    gboolean go_on = !p->stopping;
    pthread_mutex_unlock(&p->lock);
    return go_on;
}

/* A pause of about delay ms (+-20 %), in slices of a second so the lag stays fresh. */
static gboolean back_off(CtlProvince *p, guint delay)
{
    guint total = (guint)(delay * g_random_double_range(0.8, 1.2));
    for (guint waited = 0; waited < total; waited += 1000) {
        if (!pause_ms(p, MIN(1000, total - waited)))
            return FALSE;
        refresh_lag(p);
    }
    return TRUE;
}

static void *worker_main(void *data)
{
    CtlProvince *p = data;
    guint delay = 0;
    guint failures = 0; /* in this burst */

    for (;;) {
        g_autoptr(GError) error = NULL;
        gboolean idle = FALSE;
        gboolean ok = ship_once(p, &idle, &error);
        refresh_lag(p);
        if (ok) {
            if (failures > 0)
                g_message("province: market %s: shipping again after %u failed attempts", p->market,
                          failures);
            failures = 0;
            delay = 0;
            if (idle && !pause_ms(p, IDLE_POLL_MS))
                break;
            pthread_mutex_lock(&p->lock);
            gboolean stop = p->stopping;
            pthread_mutex_unlock(&p->lock);
            if (stop)
                break;
            continue;
        }
        g_clear_pointer(&p->pg, PQfinish);
        g_autofree char *msg = scrub(p, error->message);
        gboolean lasting = g_error_matches(error, JC_ERROR, JC_ERROR_CONFLICT);
        if (failures++ == 0)
            g_warning("province: market %s: %s; retrying with back-off", p->market, msg);
        else
            g_debug("province: market %s: %s", p->market, msg);
        set_status(p, lasting ? "error" : "down", msg);
        pthread_mutex_lock(&p->lock);
        p->failures_total++;
        pthread_mutex_unlock(&p->lock);
        delay = delay == 0 ? BACKOFF_FIRST_MS : MIN(delay * 2, p->backoff_max_ms);
        if (lasting)
            delay = p->backoff_max_ms;
        if (!back_off(p, delay))
            break;
    }
    g_clear_pointer(&p->pg, PQfinish);
    close_local(p);
    return NULL;
}

/* ---- main's side ---- */

static void province_free(CtlProvince *p)
{
    if (p->password != NULL)
        sodium_memzero(p->password, strlen(p->password));
    if (p->url != NULL)
        sodium_memzero(p->url, strlen(p->url));
    g_free(p->password);
    g_free(p->url);
    g_free(p->shown_url);
    g_free(p->market);
    g_free(p->market_name);
    g_free(p->room_id);
    g_free(p->db_path);
    g_free(p->error);
    pthread_cond_destroy(&p->cond);
    pthread_mutex_destroy(&p->lock);
    g_free(p);
}

/* The room's identity for the province, made once per database. (transfer full) */
static char *room_identity(CtlStore *store, GError **error)
{
    char *id = ctl_store_get_state(store, ROOM_KEY, error);
    if (id != NULL || (error != NULL && *error != NULL))
        return id;
    guint8 raw[16];
    if (sodium_init() < 0) {
        g_set_error(error, JC_ERROR, JC_ERROR_IO, "libsodium cannot start");
        return NULL;
    }
    randombytes_buf(raw, sizeof raw);
    GString *hex = g_string_sized_new(2 * sizeof raw);
    for (gsize i = 0; i < sizeof raw; i++)
        g_string_append_printf(hex, "%02x", raw[i]);
    id = g_string_free(hex, FALSE);
    if (!ctl_store_set_state(store, ROOM_KEY, id, error))
        g_clear_pointer(&id, g_free);
    return id;
}

/* FALSE with JC_ERROR_INVALID unless url is a libpq connection URI libpq can parse. */
static gboolean check_url(CtlProvince *p, GError **error)
{
    if (!g_str_has_prefix(p->url, "postgresql://") && !g_str_has_prefix(p->url, "postgres://")) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID,
                    "--province: '%s' is not a postgresql:// connection URI", p->shown_url);
        return FALSE;
    }
    char *err = NULL;
    PQconninfoOption *opts = PQconninfoParse(p->url, &err);
    if (opts == NULL) {
        g_autofree char *text = g_strstrip(g_strdup(err != NULL ? err : "out of memory"));
        g_autofree char *clean = scrub(p, text);
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "--province: %s: %s", p->shown_url, clean);
        PQfreemem(err);
        return FALSE;
    }
    PQconninfoFree(opts);
    return TRUE;
}

CtlProvince *ctl_province_start(const CtlProvinceConfig *cfg, GError **error)
{
    g_return_val_if_fail(cfg != NULL && cfg->url != NULL && cfg->market != NULL, NULL);
    g_return_val_if_fail(cfg->store != NULL, NULL);

    CtlProvince *p = g_new0(CtlProvince, 1);
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->cond, NULL);
    p->url = g_strdup(cfg->url);
    p->shown_url = jc_uri_redact(cfg->url);
    p->password = ctl_province_url_password(cfg->url);
    p->market = g_strdup(cfg->market);
    p->market_name = g_strdup(cfg->market_name != NULL ? cfg->market_name : cfg->market);
    p->store = cfg->store;
    p->db_path = g_strdup(ctl_store_path(cfg->store));
    p->batch_rows = cfg->batch_rows > 0 ? cfg->batch_rows : BATCH_ROWS_DEFAULT;
    p->backoff_max_ms = cfg->backoff_max_ms > 0 ? cfg->backoff_max_ms : BACKOFF_MAX_DEFAULT_MS;
    p->state = "connecting";
    if (!ctl_province_market_valid(p->market)) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID,
                    "--market: '%s' is not a 6-digit administrative-division code", p->market);
        province_free(p);
        return NULL;
    }
    if (check_url(p, error))
        p->room_id = room_identity(p->store, error);
    if (p->room_id == NULL || !ctl_store_set_outbox(p->store, TRUE, error)) {
        province_free(p);
        return NULL;
    }
    if (pthread_create(&p->thread, NULL, worker_main, p) != 0) {
        g_set_error(error, JC_ERROR, JC_ERROR_DB, "cannot start the province's sync thread");
        province_free(p);
        return NULL;
    }
    g_message("province: market %s (%s) ships its sign-ups to %s", p->market, p->market_name,
              p->shown_url);
    return p;
}

void ctl_province_stop(CtlProvince *p)
{
    if (p == NULL)
        return;
    pthread_mutex_lock(&p->lock);
    p->stopping = TRUE;
    pthread_cond_signal(&p->cond);
    pthread_mutex_unlock(&p->lock);
    pthread_join(p->thread, NULL);
    province_free(p);
}

/* The status fields, copied under lock. */
typedef struct {
    const char *state;
    char *error; /* owned */
    gint64 rows;
    double lag;
    gint64 shipped_seq;
    guint64 shipped_total;
    guint64 failures_total;
} Snapshot;

static void snapshot(CtlProvince *p, Snapshot *s)
{
    gint64 now = g_get_real_time();
    pthread_mutex_lock(&p->lock);
    s->state = p->state;
    s->error = g_strdup(p->error);
    s->rows = p->outbox_rows;
    s->lag = p->oldest_us > 0 ? (double)MAX(now - p->oldest_us, 0) / 1e6 : 0.0;
    s->shipped_seq = p->shipped_seq;
    s->shipped_total = p->shipped_total;
    s->failures_total = p->failures_total;
    pthread_mutex_unlock(&p->lock);
}

JsonNode *ctl_province_status_json(CtlProvince *p)
{
    if (p == NULL)
        return json_node_new(JSON_NODE_NULL);
    Snapshot s;
    snapshot(p, &s);
    JsonObject *o = json_object_new();
    json_object_set_string_member(o, "market", p->market);
    json_object_set_string_member(o, "market_name", p->market_name);
    json_object_set_string_member(o, "state", s.state);
    if (s.error != NULL)
        json_object_set_string_member(o, "error", s.error);
    else
        json_object_set_null_member(o, "error");
    json_object_set_int_member(o, "outbox_rows", s.rows);
    json_object_set_double_member(o, "lag_seconds", s.lag);
    json_object_set_int_member(o, "shipped_seq", s.shipped_seq);
    json_object_set_int_member(o, "shipped_total", (gint64)s.shipped_total);
    g_free(s.error);
    JsonNode *node = json_node_new(JSON_NODE_OBJECT);
    json_node_take_object(node, o);
    return node;
}

void ctl_province_metrics(CtlProvince *p, GString *out)
{
    if (p == NULL)
        return;
    Snapshot s;
    snapshot(p, &s);
    g_free(s.error);
    const char *m = p->market; /* six digits: a safe label value */
    g_string_append_printf(
        out,
        "# HELP jobcast_province_up Whether the province's database took this room's last "
        "attempt (1) or not (0).\n"
        "# TYPE jobcast_province_up gauge\n"
        "jobcast_province_up{market=\"%s\"} %d\n"
        "# HELP jobcast_province_outbox_rows Changes committed in the room and not yet in the "
        "province.\n"
        "# TYPE jobcast_province_outbox_rows gauge\n"
        "jobcast_province_outbox_rows{market=\"%s\"} %" G_GINT64_FORMAT "\n"
        "# HELP jobcast_province_lag_seconds Age of the oldest change not yet in the province (0 "
        "when none waits).\n"
        "# TYPE jobcast_province_lag_seconds gauge\n"
        "jobcast_province_lag_seconds{market=\"%s\"} %.3f\n"
        "# HELP jobcast_province_shipped_total Outbox rows the province applied since start.\n"
        "# TYPE jobcast_province_shipped_total counter\n"
        "jobcast_province_shipped_total{market=\"%s\"} %" G_GUINT64_FORMAT "\n"
        "# HELP jobcast_province_failures_total Failed attempts to reach or write the province "
        "since start.\n"
        "# TYPE jobcast_province_failures_total counter\n"
        "jobcast_province_failures_total{market=\"%s\"} %" G_GUINT64_FORMAT "\n",
        m, strcmp(s.state, "up") == 0 ? 1 : 0, m, s.rows, m, s.lag, m, s.shipped_total, m,
        s.failures_total);
}
