/* ctl_province_pg: the province's schema and the exactly-once apply (see ctl_province_pg.h).
 *
 * Exactly once: a batch is applied in one transaction that first locks the market's row
 * (SELECT ... FOR UPDATE), skips every row at or below the market's mark, records the rest in
 * jobcast.applied under the key (market, seq) with ON CONFLICT DO NOTHING, applies their effects
 * and moves the mark, then commits. Two batches of one market never interleave (the row lock),
 * a batch sent again after its commit's answer was lost finds the mark past it, and a crash
 * before COMMIT leaves nothing. Personal data lives only in jobcast.signups (never in
 * jobcast.applied), where a withdrawal blanks it.
 *
 * Threads: the sync worker's. Not responsible for connecting or retrying. */
#include "ctl_province_pg.h"

#include <stdlib.h>
#include <string.h>

#include "jc_error.h"

/* pg_advisory_xact_lock's key for schema changes: "jobcast" in ASCII. */
#define SCHEMA_LOCK "29401592133951860"

/* The province's schema steps, in order; jobcast.schema_version holds the number applied. Append
 * new steps; never edit one that has shipped. */
static const char *const steps[] = {
    /* 1: markets (one per room; the mark is how far its outbox is applied), the applied rows'
     * keys (an audit of what came from where, without personal data), the sign-ups of every
     * market (name and phone blanked when withdrawn; purged_at is the room's retention, the
     * province keeps its own). A sign-up is keyed by the seq of its creation: a room may give
     * a withdrawn sign-up's id to the next one. posting_id is NULL for a sign-up that was gone
     * before it was shipped. */
    "CREATE TABLE jobcast.markets ("
    "  market text PRIMARY KEY CHECK (market ~ '^[1-9][0-9]{5}$'),"
    "  name text NOT NULL DEFAULT '',"
    "  room_id text NOT NULL,"
    "  shipped_seq bigint NOT NULL DEFAULT 0 CHECK (shipped_seq >= 0),"
    "  shipped_at timestamptz,"
    "  linked_at timestamptz NOT NULL DEFAULT now());"
    "CREATE TABLE jobcast.applied ("
    "  market text NOT NULL REFERENCES jobcast.markets (market),"
    "  seq bigint NOT NULL,"
    "  kind text NOT NULL,"
    "  ref_id bigint NOT NULL,"
    "  room_at timestamptz NOT NULL,"
    "  applied_at timestamptz NOT NULL DEFAULT now(),"
    "  payload jsonb," /* as it came, but for sign-ups (their personal data lives below) */
    "  PRIMARY KEY (market, seq));"
    "CREATE INDEX applied_by_kind ON jobcast.applied (kind, market, ref_id, seq);"
    "CREATE TABLE jobcast.signups ("
    "  market text NOT NULL REFERENCES jobcast.markets (market),"
    "  signup_id bigint NOT NULL,"
    "  posting_id bigint,"
    "  posting_title text NOT NULL DEFAULT '',"
    "  employer text NOT NULL DEFAULT '',"
    "  show_id bigint NOT NULL DEFAULT 0,"
    "  name text,"
    "  phone text,"
    "  consent_at timestamptz,"
    "  consent_version integer,"
    "  created_at timestamptz NOT NULL,"
    "  withdrawn_at timestamptz,"
    "  purged_at timestamptz,"
    "  outbox_seq bigint NOT NULL,"
    "  PRIMARY KEY (market, outbox_seq));"
    "CREATE INDEX signups_by_id ON jobcast.signups (market, signup_id);"
    "CREATE INDEX signups_by_employer ON jobcast.signups (employer, created_at);"
    "CREATE INDEX signups_by_created ON jobcast.signups (created_at);"
    /* Every room's postings at their latest version, its as-aired log, its viewers' questions
     * as last answered: views over what came. */
    "CREATE VIEW jobcast.postings AS SELECT DISTINCT ON (market, ref_id) market,"
    "  ref_id AS posting_id, (payload->>'version')::integer AS version, payload, room_at"
    "  FROM jobcast.applied WHERE kind = 'posting.version' ORDER BY market, ref_id, seq DESC;"
    "CREATE VIEW jobcast.asaired AS SELECT market, ref_id AS asaired_id, room_at AS aired_at,"
    "  payload->>'event' AS event, (payload->>'posting_id')::bigint AS posting_id, payload"
    "  FROM jobcast.applied WHERE kind = 'asaired';"
    "CREATE VIEW jobcast.questions AS SELECT DISTINCT ON (market, ref_id) market,"
    "  ref_id AS question_id, payload->>'text' AS text, payload->>'state' AS state,"
    "  payload->>'answer' AS answer, payload, room_at"
    "  FROM jobcast.applied WHERE kind = 'question' ORDER BY market, ref_id, seq DESC;",
    /* 2: each sign-up's follow-up status in the room's back office (received until an employer
     * or producer sets another), so the province counts hires; never the note. */
    "ALTER TABLE jobcast.signups ADD COLUMN status text NOT NULL DEFAULT 'received',"
    "  ADD COLUMN status_at timestamptz;",
};

/* The batch's rows as a record set ($2: the JSON array). */
#define ROWS                                                                                       \
    "jsonb_to_recordset($2::jsonb) AS r(seq bigint, kind text, ref_id bigint, payload jsonb, "     \
    "at text)"

/* The sign-up a deletion row r applies to: the latest created before it with its id. */
#define TARGET                                                                                     \
    "(SELECT max(x.outbox_seq) FROM jobcast.signups x WHERE x.market = $1 "                        \
    "AND x.signup_id = r.ref_id AND x.outbox_seq < r.seq)"

/* Runs sql with n params; *out gets the result when wanted (else it is cleared). FALSE with
 * JC_ERROR_DB (what, then the server's message) unless the status is ok. */
static gboolean run(PGconn *pg, const char *sql, int n, const char *const *params, PGresult **out,
                    const char *what, GError **error)
{
    /* Without parameters, PQexec: a schema step is several statements, which the extended
     * protocol (PQexecParams) refuses. */
    PGresult *res = n > 0 ? PQexecParams(pg, sql, n, NULL, params, NULL, NULL, 0) : PQexec(pg, sql);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        const char *msg = res != NULL ? PQresultErrorMessage(res) : PQerrorMessage(pg);
        g_autofree char *text = g_strstrip(g_strdup(msg != NULL && *msg ? msg : "no answer"));
        g_set_error(error, JC_ERROR, JC_ERROR_DB, "%s: %s", what, text);
        PQclear(res);
        return FALSE;
    }
    if (out != NULL)
        *out = res;
    else
        PQclear(res);
    return TRUE;
}

static gboolean exec_sql(PGconn *pg, const char *sql, const char *what, GError **error)
{
    return run(pg, sql, 0, NULL, NULL, what, error);
}

static void rollback(PGconn *pg)
{
    if (PQtransactionStatus(pg) != PQTRANS_IDLE)
        PQclear(PQexec(pg, "ROLLBACK"));
}

/* The first column of the first row as an integer (0 when NULL or no row). */
static gint64 first_int(PGresult *res)
{
    if (PQntuples(res) < 1 || PQgetisnull(res, 0, 0))
        return 0;
    return g_ascii_strtoll(PQgetvalue(res, 0, 0), NULL, 10);
}

static gboolean migrate_locked(PGconn *pg, GError **error)
{
    PGresult *res = NULL;
    if (!exec_sql(pg, "SELECT pg_advisory_xact_lock(" SCHEMA_LOCK ")", "locking the schema",
                  error) ||
        !exec_sql(pg, "CREATE SCHEMA IF NOT EXISTS jobcast", "creating the schema", error) ||
        !exec_sql(pg,
                  "CREATE TABLE IF NOT EXISTS jobcast.schema_version (version integer NOT NULL)",
                  "creating the schema's version", error) ||
        !run(pg, "SELECT max(version) FROM jobcast.schema_version", 0, NULL, &res,
             "reading the schema's version", error))
        return FALSE;
    gint64 version = first_int(res);
    PQclear(res);
    if (version > (gint64)G_N_ELEMENTS(steps)) {
        g_set_error(error, JC_ERROR, JC_ERROR_CONFLICT,
                    "the province database has schema version %" G_GINT64_FORMAT
                    ", newer than this jobcast knows (%d): upgrade jobcast in this room",
                    version, (int)G_N_ELEMENTS(steps));
        return FALSE;
    }
    for (gint64 v = version; v < (gint64)G_N_ELEMENTS(steps); v++) {
        if (!exec_sql(pg, steps[v], "migrating the province schema", error))
            return FALSE;
    }
    if (version == (gint64)G_N_ELEMENTS(steps))
        return TRUE;
    char text[16];
    g_snprintf(text, sizeof text, "%d", (int)G_N_ELEMENTS(steps));
    const char *params[] = {text};
    return exec_sql(pg, "DELETE FROM jobcast.schema_version", "setting the schema's version",
                    error) &&
           run(pg, "INSERT INTO jobcast.schema_version (version) VALUES ($1::integer)", 1, params,
               NULL, "setting the schema's version", error);
}

gboolean ctl_pg_migrate(PGconn *pg, GError **error)
{
    G_STATIC_ASSERT(G_N_ELEMENTS(steps) == CTL_PG_SCHEMA_VERSION);
    if (!exec_sql(pg, "BEGIN", "starting the schema's migration", error))
        return FALSE;
    if (!migrate_locked(pg, error) || !exec_sql(pg, "COMMIT", "committing the migration", error)) {
        rollback(pg);
        return FALSE;
    }
    return TRUE;
}

static gboolean link_locked(PGconn *pg, const char *market, const char *name, const char *room_id,
                            gint64 *shipped, GError **error)
{
    const char *params[] = {market, name, room_id};
    PGresult *res = NULL;
    if (!run(pg,
             "INSERT INTO jobcast.markets (market, name, room_id) VALUES ($1, $2, $3) "
             "ON CONFLICT (market) DO NOTHING",
             3, params, NULL, "linking the market", error) ||
        !run(pg, "SELECT room_id, shipped_seq FROM jobcast.markets WHERE market = $1 FOR UPDATE", 1,
             params, &res, "reading the market", error))
        return FALSE;
    if (PQntuples(res) != 1) {
        PQclear(res);
        g_set_error(error, JC_ERROR, JC_ERROR_DB, "market %s vanished while linking", market);
        return FALSE;
    }
    gboolean ours = strcmp(PQgetvalue(res, 0, 0), room_id) == 0;
    *shipped = g_ascii_strtoll(PQgetvalue(res, 0, 1), NULL, 10);
    PQclear(res);
    if (!ours) {
        g_set_error(error, JC_ERROR, JC_ERROR_CONFLICT,
                    "market %s is linked to another room's database in the province: check "
                    "--market (each room has its own code), or have the province unlink the "
                    "old room",
                    market);
        return FALSE;
    }
    return run(pg, "UPDATE jobcast.markets SET name = $2, linked_at = now() WHERE market = $1", 2,
               params, NULL, "naming the market", error);
}

gboolean ctl_pg_link(PGconn *pg, const char *market, const char *name, const char *room_id,
                     gint64 *shipped, GError **error)
{
    *shipped = 0;
    if (!exec_sql(pg, "BEGIN", "starting the market's link", error))
        return FALSE;
    if (!link_locked(pg, market, name, room_id, shipped, error) ||
        !exec_sql(pg, "COMMIT", "committing the market's link", error)) {
        rollback(pg);
        return FALSE;
    }
    return TRUE;
}

/* The statements of one batch after the mark was read ($1 market, $2 rows, $3 the mark). The
 * sign-ups are inserted before the withdrawals and purges update them, so a sign-up created and
 * withdrawn within one batch ends withdrawn. A deletion applies to the latest sign-up of its id
 * created before it (ids can be reused in the room, seqs cannot). */
static const char *const apply_steps[] = {
    "INSERT INTO jobcast.applied (market, seq, kind, ref_id, room_at, payload) "
    "SELECT $1, r.seq, r.kind, r.ref_id, r.at::timestamptz, "
    "CASE WHEN r.kind LIKE 'signup.%' THEN NULL ELSE r.payload END FROM " ROWS " "
    "WHERE r.seq > $3::bigint ON CONFLICT (market, seq) DO NOTHING",
    "INSERT INTO jobcast.signups (market, signup_id, posting_id, posting_title, employer, "
    "show_id, name, phone, consent_at, consent_version, created_at, outbox_seq) "
    "SELECT $1, r.ref_id, (r.payload->>'posting_id')::bigint, "
    "coalesce(r.payload->>'posting_title', ''), coalesce(r.payload->>'employer', ''), "
    "coalesce((r.payload->>'show_id')::bigint, 0), r.payload->>'name', r.payload->>'phone', "
    "(r.payload->>'consent_at')::timestamptz, (r.payload->>'consent_version')::integer, "
    "coalesce((r.payload->>'created_at')::timestamptz, r.at::timestamptz), r.seq "
    "FROM " ROWS " WHERE r.seq > $3::bigint AND r.kind = 'signup.created' ORDER BY r.seq "
    "ON CONFLICT (market, outbox_seq) DO NOTHING",
    "UPDATE jobcast.signups s SET name = NULL, phone = NULL, withdrawn_at = d.at::timestamptz "
    "FROM (SELECT r.at, " TARGET " AS target FROM " ROWS " WHERE r.seq > $3::bigint "
    "AND r.kind = 'signup.withdrawn') d WHERE s.market = $1 AND s.outbox_seq = d.target",
    "UPDATE jobcast.signups s SET purged_at = d.at::timestamptz "
    "FROM (SELECT r.at, " TARGET " AS target FROM " ROWS " WHERE r.seq > $3::bigint "
    "AND r.kind = 'signup.purged') d WHERE s.market = $1 AND s.outbox_seq = d.target",
    /* A batch may carry several statuses of one sign-up: the last one (by seq) is its status. */
    "UPDATE jobcast.signups s SET status = d.status, status_at = d.at::timestamptz "
    "FROM (SELECT DISTINCT ON (t.target) t.status, t.at, t.target FROM (SELECT r.seq, "
    "r.payload->>'status' AS status, r.at, " TARGET " AS target FROM " ROWS " WHERE "
    "r.seq > $3::bigint AND r.kind = 'signup.status') t ORDER BY t.target, t.seq DESC) d "
    "WHERE s.market = $1 AND s.outbox_seq = d.target",
};

static gboolean apply_locked(PGconn *pg, const char *market, const char *rows, gint64 last,
                             gint64 *shipped, guint *applied, GError **error)
{
    const char *one[] = {market};
    PGresult *res = NULL;
    if (!run(pg, "SELECT shipped_seq FROM jobcast.markets WHERE market = $1 FOR UPDATE", 1, one,
             &res, "reading the market's mark", error))
        return FALSE;
    if (PQntuples(res) != 1) {
        PQclear(res);
        g_set_error(error, JC_ERROR, JC_ERROR_DB, "market %s is not linked", market);
        return FALSE;
    }
    gint64 mark = first_int(res);
    PQclear(res);
    *shipped = mark;
    if (last <= mark)
        return TRUE; /* applied before: its commit's answer was lost */
    char mark_text[24];
    char last_text[24];
    g_snprintf(mark_text, sizeof mark_text, "%" G_GINT64_FORMAT, mark);
    g_snprintf(last_text, sizeof last_text, "%" G_GINT64_FORMAT, last);
    const char *params[] = {market, rows, mark_text};
    for (gsize i = 0; i < G_N_ELEMENTS(apply_steps); i++) {
        if (!run(pg, apply_steps[i], 3, params, &res, "applying outbox rows", error))
            return FALSE;
        if (i == 0)
            *applied = (guint)g_ascii_strtoull(PQcmdTuples(res), NULL, 10);
        PQclear(res);
    }
    const char *set[] = {market, last_text};
    if (!run(pg,
             "UPDATE jobcast.markets SET shipped_seq = $2::bigint, shipped_at = now() "
             "WHERE market = $1",
             2, set, NULL, "moving the market's mark", error))
        return FALSE;
    *shipped = last;
    return TRUE;
}

gboolean ctl_pg_apply(PGconn *pg, const char *market, const char *rows, gint64 last,
                      gint64 *shipped, guint *applied, GError **error)
{
    *applied = 0;
    *shipped = 0;
    if (!exec_sql(pg, "BEGIN", "starting a batch", error))
        return FALSE;
    if (!apply_locked(pg, market, rows, last, shipped, applied, error) ||
        !exec_sql(pg, "COMMIT", "committing a batch", error)) {
        rollback(pg);
        *applied = 0;
        return FALSE;
    }
    return TRUE;
}
