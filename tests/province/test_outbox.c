/* /province/outbox/... and /province/worker/...: the province outbox inside the store (rows
 * appended by the sign-up's own transaction, withdrawals and purges without personal data, the
 * shipped mark through the store writer) and the sync worker's thread in process against a real
 * PostgreSQL. In process, so the sanitised build runs them too.
 *
 * Threads: the test's (the store's main thread); the store writer and the worker run their own. */
#include <gio/gio.h>
#include <sqlite3.h>
#include <string.h>

#include "ctl_province.h"
#include "ctl_province_pg.h"
#include "ctl_store.h"
#include "ctl_store_desk.h"
#include "ctl_store_outbox.h"
#include "ctl_test.h"
#include "jc_test_pg.h"

typedef struct {
    char *dir;       /* owned */
    char *db_path;   /* owned */
    CtlStore *store; /* owned */
} Fixture;

static void setup(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    f->dir = g_dir_make_tmp("jobcast-outbox-XXXXXX", &error);
    g_assert_no_error(error);
    f->db_path = g_build_filename(f->dir, "jobcast.db", NULL);
    f->store = ctl_store_open(f->db_path, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(ctl_test_seed(f->store), >, 2);
}

static void teardown(Fixture *f, gconstpointer data)
{
    ctl_store_close(f->store);
    ctl_test_remove_dir(f->dir);
    g_free(f->db_path);
    g_free(f->dir);
}

static gint64 db_int(Fixture *f, const char *sql)
{
    sqlite3 *db = NULL;
    g_assert_cmpint(sqlite3_open(f->db_path, &db), ==, SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt *st = NULL;
    g_assert_cmpint(sqlite3_prepare_v2(db, sql, -1, &st, NULL), ==, SQLITE_OK);
    gint64 n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

static void db_exec(Fixture *f, const char *sql)
{
    sqlite3 *db = NULL;
    g_assert_cmpint(sqlite3_open(f->db_path, &db), ==, SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    g_assert_cmpint(sqlite3_exec(db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close(db);
}

/* The payload the worker would ship for the outbox row seq (CTL_OUTBOX_ROWS_SQL). (transfer
 * full) */
static char *built_payload(Fixture *f, gint64 seq)
{
    sqlite3 *db = NULL;
    g_assert_cmpint(sqlite3_open(f->db_path, &db), ==, SQLITE_OK);
    sqlite3_stmt *st = NULL;
    g_assert_cmpint(sqlite3_prepare_v2(db, CTL_OUTBOX_ROWS_SQL, -1, &st, NULL), ==, SQLITE_OK);
    sqlite3_bind_int64(st, 1, seq - 1);
    sqlite3_bind_int64(st, 2, 1);
    g_assert_cmpint(sqlite3_step(st), ==, SQLITE_ROW);
    g_assert_cmpint(sqlite3_column_int64(st, 0), ==, seq);
    char *payload = g_strdup((const char *)sqlite3_column_text(st, 3));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return payload;
}

typedef struct {
    gboolean done;
    gint64 id;
} Result;

static void signup_done(gint64 signup_id, gboolean duplicate, const GError *error, gpointer data)
{
    Result *r = data;
    g_assert_no_error((GError *)error);
    r->id = signup_id;
    r->done = TRUE;
}

/* Stores a sign-up of phone (with the withdraw hash, may be NULL) and waits for its COMMIT. */
static gint64 add_signup(Fixture *f, const char *phone, const char *hash)
{
    Result r = {0};
    CtlSignupRequest req = {
        .posting_id = 1,
        .name = "王五",
        .phone = phone,
        .consent = TRUE,
        .consent_version = 1,
        .withdraw_hash = hash,
    };
    ctl_store_add_signup(f->store, &req, signup_done, &r);
    ctl_test_spin_until(&r.done);
    return r.id;
}

/* Without the link nothing is appended; with it, a sign-up's row is in its own transaction's
 * outbox (without a copy of the personal data), and what is shipped for it is what the province
 * needs. */
static void test_signup_rows(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    add_signup(f, "13911112222", NULL);
    g_assert_cmpint(db_int(f, "SELECT count(*) FROM province_outbox"), ==, 0);
    g_assert_true(ctl_store_set_outbox(f->store, TRUE, &error));
    gint64 id = add_signup(f, "13911113333", NULL);
    g_assert_cmpint(db_int(f, "SELECT count(*) FROM province_outbox"), ==, 1);
    g_autofree char *sql = g_strdup_printf(
        "SELECT count(*) FROM province_outbox WHERE seq = 1 AND kind = 'signup.created' AND "
        "ref_id = %" G_GINT64_FORMAT " AND payload IS NULL AND created_at = (SELECT created_at "
        "FROM signups WHERE id = %" G_GINT64_FORMAT ")",
        id, id);
    g_assert_cmpint(db_int(f, sql), ==, 1);
    g_autofree char *payload = built_payload(f, 1);
    g_autoptr(JsonParser) parser = json_parser_new();
    JsonObject *o = ctl_test_parse_object(payload, parser);
    g_assert_cmpint(json_object_get_int_member(o, "signup_id"), ==, id);
    g_assert_cmpint(json_object_get_int_member(o, "posting_id"), ==, 1);
    g_assert_cmpstr(json_object_get_string_member(o, "phone"), ==, "13911113333");
    g_assert_cmpstr(json_object_get_string_member(o, "name"), ==, "王五");
    g_assert_cmpstr(json_object_get_string_member(o, "employer"), !=, "");
    g_assert_cmpstr(json_object_get_string_member(o, "posting_title"), !=, "");
    g_assert_cmpint(json_object_get_int_member(o, "consent_version"), ==, 1);
    g_assert_nonnull(json_object_get_string_member(o, "consent_at"));
    /* A duplicate is no new sign-up: no new row. */
    g_assert_cmpint(add_signup(f, "13911113333", NULL), ==, id);
    g_assert_cmpint(db_int(f, "SELECT count(*) FROM province_outbox"), ==, 1);
    g_assert_true(ctl_store_set_outbox(f->store, FALSE, &error));
    add_signup(f, "13911114444", NULL);
    g_assert_cmpint(db_int(f, "SELECT count(*) FROM province_outbox"), ==, 1);
}

/* A withdrawal and a purge append a row with the key only, and the unshipped creation of a
 * deleted sign-up ships without its name and phone, also when a later sign-up took its id. */
static void test_deletes(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_assert_true(ctl_store_set_outbox(f->store, TRUE, &error));
    gint64 id = add_signup(f, "13922221111", "hash-of-a-withdraw-code");
    gint64 signup_id = 0;
    gint64 posting_id = 0;
    g_assert_true(
        ctl_store_withdraw(f->store, "hash-of-a-withdraw-code", &signup_id, &posting_id, &error));
    g_assert_cmpint(signup_id, ==, id);
    g_autofree char *withdrawn = g_strdup_printf(
        "SELECT count(*) FROM province_outbox WHERE seq = 2 AND kind = 'signup.withdrawn' AND "
        "ref_id = %" G_GINT64_FORMAT,
        id);
    g_assert_cmpint(db_int(f, withdrawn), ==, 1);
    g_autofree char *key = g_strdup_printf("{\"signup_id\":%" G_GINT64_FORMAT "}", id);
    g_autofree char *w_payload = built_payload(f, 2);
    g_assert_cmpstr(w_payload, ==, key);
    g_autofree char *c_payload = built_payload(f, 1);
    g_assert_cmpstr(c_payload, ==, key);
    /* The next sign-up takes the withdrawn one's id: the old creation still ships without it. */
    g_assert_cmpint(add_signup(f, "13922222222", NULL), ==, id);
    g_autofree char *c_again = built_payload(f, 1);
    g_assert_cmpstr(c_again, ==, key);
    g_autofree char *c_new = built_payload(f, 3);
    g_assert_nonnull(strstr(c_new, "13922222222"));
    g_assert_cmpint(db_int(f, "SELECT count(*) FROM province_outbox WHERE payload IS NOT NULL"), ==,
                    0);

    db_exec(f, "INSERT INTO signups (posting_id, name, phone, created_at) VALUES (2, '旧报名', "
               "'13922223333', strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-40 days'))");
    g_assert_cmpint(ctl_store_purge_signups(f->store, 30, &error), ==, 1);
    g_assert_no_error(error);
    g_assert_cmpint(db_int(f, "SELECT count(*) FROM province_outbox WHERE kind = 'signup.purged'"),
                    ==, 1);

    g_assert_cmpint(db_int(f, "SELECT count(*) FROM province_purging"), ==, 0);
    /* privacy.purge's path is marked as a purge too. */
    db_exec(f, "INSERT INTO signups (posting_id, name, phone, created_at) VALUES (2, '旧报名', "
               "'13922224444', strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-40 days'))");
    gint64 shows = 0;
    g_assert_cmpint(ctl_store_purge_older(f->store, 30, &shows, &error), ==, 1);
    g_assert_cmpint(db_int(f, "SELECT count(*) FROM province_outbox WHERE kind = 'signup.purged'"),
                    ==, 2);
    /* A person forgotten by phone is a withdrawal. */
    add_signup(f, "13922225555", NULL);
    g_assert_cmpint(ctl_store_forget_phone(f->store, "13922225555", &error), ==, 1);
    g_assert_cmpint(
        db_int(f, "SELECT count(*) FROM province_outbox WHERE kind = 'signup.withdrawn'"), ==, 2);
}

/* The shipped mark goes through the writer: recorded, never lowered, and the rows it covers
 * deleted. */
static void test_mark(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_assert_true(ctl_store_set_outbox(f->store, TRUE, &error));
    for (int i = 0; i < 4; i++) {
        g_autofree char *phone = g_strdup_printf("1393333000%d", i);
        add_signup(f, phone, NULL);
    }
    ctl_store_mark_shipped(f->store, 3);
    for (int i = 0; i < 100 && db_int(f, "SELECT count(*) FROM province_outbox") != 1; i++)
        ctl_test_spin_for(20);
    g_assert_cmpint(db_int(f, "SELECT min(seq) FROM province_outbox"), ==, 4);
    g_assert_cmpint(
        db_int(f, "SELECT CAST(value AS INTEGER) FROM state WHERE key = 'province.shipped'"), ==,
        3);
    ctl_store_mark_shipped(f->store, 2);
    add_signup(f, "13933330009", NULL); /* a transaction after the lower mark */
    g_assert_cmpint(
        db_int(f, "SELECT CAST(value AS INTEGER) FROM state WHERE key = 'province.shipped'"), ==,
        3);
    /* seq is never reused after the rows before it were deleted. */
    ctl_store_mark_shipped(f->store, 5);
    for (int i = 0; i < 100 && db_int(f, "SELECT count(*) FROM province_outbox") != 0; i++)
        ctl_test_spin_for(20);
    add_signup(f, "13933330010", NULL);
    g_assert_cmpint(db_int(f, "SELECT seq FROM province_outbox"), ==, 6);
}

/* The worker in process: sign-ups reach PostgreSQL once each, the mark comes back, the status
 * and metrics say so, and the worker stops cleanly. */
static void test_worker(Fixture *f, gconstpointer data)
{
    JcTestPg *pg = jc_test_pg_new();
    g_autoptr(GError) error = NULL;
    CtlProvinceConfig cfg = {
        .url = pg->url,
        .market = "370909",
        .market_name = "测试",
        .store = f->store,
        .batch_rows = 7,
    };
    CtlProvince *p = ctl_province_start(&cfg, &error);
    g_assert_no_error(error);
    /* Linked: the province's schema exists from here on. */
    for (int i = 0; i < 200; i++) {
        g_autoptr(JsonNode) st = ctl_province_status_json(p);
        if (g_strcmp0(json_object_get_string_member(json_node_get_object(st), "state"), "up") == 0)
            break;
        ctl_test_spin_for(50);
    }
    for (int i = 0; i < 30; i++) {
        g_autofree char *phone = g_strdup_printf("139444400%02d", i);
        add_signup(f, phone, NULL);
    }
    gint64 n = 0;
    for (int i = 0; i < 300 && n < 30; i++) {
        n = jc_test_pg_int(pg, "SELECT count(*) FROM jobcast.signups WHERE market = '370909'");
        if (n < 30)
            ctl_test_spin_for(50);
    }
    g_assert_cmpint(n, ==, 30);
    for (int i = 0; i < 100 && db_int(f, "SELECT count(*) FROM province_outbox") != 0; i++)
        ctl_test_spin_for(50);
    g_assert_cmpint(db_int(f, "SELECT count(*) FROM province_outbox"), ==, 0);
    g_assert_cmpint(jc_test_pg_int(pg, "SELECT shipped_seq FROM jobcast.markets"), ==, 30);
    g_assert_cmpint(jc_test_pg_int(pg, "SELECT max(version) FROM jobcast.schema_version"), ==,
                    CTL_PG_SCHEMA_VERSION);
    GString *m = g_string_new(NULL);
    ctl_province_metrics(p, m);
    g_assert_nonnull(strstr(m->str, "jobcast_province_up{market=\"370909\"} 1\n"));
    g_assert_nonnull(strstr(m->str, "jobcast_province_shipped_total{market=\"370909\"} 30\n"));
    g_string_free(m, TRUE);
    /* The last sign-up withdrawn and its id taken by the next one: two sign-ups in the
     * province, the first without its personal data. */
    gint64 id = add_signup(f, "13944449998", "a-withdraw-hash");
    gint64 signup_id = 0;
    gint64 posting_id = 0;
    g_assert_true(ctl_store_withdraw(f->store, "a-withdraw-hash", &signup_id, &posting_id, &error));
    g_assert_cmpint(add_signup(f, "13944449999", NULL), ==, id);
    for (int i = 0; i < 300 && n < 32; i++) {
        n = jc_test_pg_int(pg, "SELECT count(*) FROM jobcast.signups WHERE market = '370909'");
        if (n < 32)
            ctl_test_spin_for(50);
    }
    g_assert_cmpint(n, ==, 32);
    for (int i = 0; i < 300 && jc_test_pg_int(pg, "SELECT count(*) FROM jobcast.signups WHERE "
                                                  "withdrawn_at IS NOT NULL") < 1;
         i++)
        ctl_test_spin_for(50);
    g_autofree char *reused = g_strdup_printf(
        "SELECT count(*) FROM jobcast.signups WHERE signup_id = %" G_GINT64_FORMAT, id);
    g_assert_cmpint(jc_test_pg_int(pg, reused), ==, 2);
    g_autofree char *gone =
        g_strdup_printf("SELECT count(*) FROM jobcast.signups WHERE signup_id = %" G_GINT64_FORMAT
                        " AND withdrawn_at IS NOT NULL AND phone IS NULL AND name IS NULL",
                        id);
    g_assert_cmpint(jc_test_pg_int(pg, gone), ==, 1);
    g_autofree char *kept =
        g_strdup_printf("SELECT count(*) FROM jobcast.signups WHERE signup_id = %" G_GINT64_FORMAT
                        " AND withdrawn_at IS NULL AND phone = '13944449999'",
                        id);
    g_assert_cmpint(jc_test_pg_int(pg, kept), ==, 1);
    g_assert_cmpint(
        jc_test_pg_int(pg, "SELECT count(*) FROM jobcast.signups WHERE phone = '13944449998'"), ==,
        0);

    g_autoptr(JsonNode) status = ctl_province_status_json(p);
    for (int i = 0;
         i < 100 && json_object_get_int_member(json_node_get_object(status), "shipped_seq") < 33;
         i++) {
        ctl_test_spin_for(50);
        json_node_unref(status);
        status = ctl_province_status_json(p);
    }
    JsonObject *o = json_node_get_object(status);
    g_assert_cmpstr(json_object_get_string_member(o, "state"), ==, "up");
    g_assert_cmpint(json_object_get_int_member(o, "shipped_seq"), ==, 33);

    /* A posting's new version, an as-aired row and a question as it is answered travel too,
     * with their payloads (no personal data in any of them). */
    db_exec(f, "UPDATE postings SET title = '新标题', version = version + 1 WHERE id = 2;"
               "INSERT INTO as_aired (posting_id, posting_version, fields, event) VALUES (2, 2, "
               "'{\"title\":\"新标题\"}', 'take');"
               "INSERT INTO questions (posting_id, text) VALUES (2, '包住吗？');"
               "UPDATE questions SET state = 'answered', answer = '包住' WHERE text = '包住吗？'");
    const char *checks[] = {
        "SELECT count(*) FROM jobcast.postings WHERE posting_id = 2 AND version = 2 AND "
        "payload->>'title' = '新标题' AND jsonb_typeof(payload->'tags') = 'array'",
        "SELECT count(*) FROM jobcast.asaired WHERE posting_id = 2 AND event = 'take' AND "
        "payload->'fields'->>'title' = '新标题'",
        "SELECT count(*) FROM jobcast.questions WHERE text = '包住吗？' AND state = 'answered' AND "
        "answer = '包住'",
    };
    for (gsize c = 0; c < G_N_ELEMENTS(checks); c++) {
        for (int i = 0; i < 200 && jc_test_pg_int(pg, checks[c]) < 1; i++)
            ctl_test_spin_for(50);
        g_assert_cmpint(jc_test_pg_int(pg, checks[c]), ==, 1);
    }
    g_assert_cmpint(
        jc_test_pg_int(pg, "SELECT count(*) FROM jobcast.applied WHERE kind = 'question'"), ==, 2);
    g_assert_cmpint(jc_test_pg_int(pg, "SELECT count(*) FROM jobcast.applied WHERE kind LIKE "
                                       "'signup.%' AND payload IS NOT NULL"),
                    ==, 0);

    /* The back office's follow-up: the kept sign-up of the reused id called, then hired (the
     * last status wins, the withdrawn one of the same id stays as it was); the note stays in
     * the room. */
    gint64 pid = 0;
    g_assert_true(
        ctl_store_set_signup_status(f->store, id, 0, "contacted", "", "producer", &pid, &error));
    g_assert_true(ctl_store_set_signup_status(f->store, id, 0, "hired", "下周一入职", "producer",
                                              &pid, &error));
    g_autofree char *hired =
        g_strdup_printf("SELECT count(*) FROM jobcast.signups WHERE signup_id = %" G_GINT64_FORMAT
                        " AND phone = '13944449999' AND status = 'hired' AND status_at IS NOT NULL",
                        id);
    for (int i = 0; i < 200 && jc_test_pg_int(pg, hired) < 1; i++)
        ctl_test_spin_for(50);
    g_assert_cmpint(jc_test_pg_int(pg, hired), ==, 1);
    g_autofree char *untouched =
        g_strdup_printf("SELECT count(*) FROM jobcast.signups WHERE signup_id = %" G_GINT64_FORMAT
                        " AND withdrawn_at IS NOT NULL AND status = 'received'",
                        id);
    g_assert_cmpint(jc_test_pg_int(pg, untouched), ==, 1);
    g_assert_cmpint(jc_test_pg_int(pg, "SELECT count(*) FROM jobcast.applied WHERE kind = "
                                       "'signup.status'"),
                    ==, 2);
    g_assert_cmpint(jc_test_pg_int(pg, "SELECT count(*) FROM jobcast.applied WHERE payload::text "
                                       "LIKE '%下周一%'"),
                    ==, 0);
    ctl_province_stop(p);

    /* Applying a batch again (its commit's answer lost) changes nothing. */
    PGconn *c = jc_test_pg_connect(pg);
    gint64 shipped = 0;
    guint applied = 0;
    const char *rows = "[{\"seq\":30,\"kind\":\"signup.created\",\"ref_id\":999,\"payload\":{},"
                       "\"at\":\"2026-01-01T00:00:00.000Z\"}]";
    g_assert_true(ctl_pg_apply(c, "370909", rows, 30, &shipped, &applied, &error));
    g_assert_no_error(error);
    g_assert_cmpint(shipped, ==, 39);
    g_assert_cmpuint(applied, ==, 0);
    g_assert_cmpint(jc_test_pg_int(pg, "SELECT count(*) FROM jobcast.signups"), ==, 32);
    PQfinish(c);
    jc_test_pg_free(pg);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add("/province/outbox/signup-rows", Fixture, NULL, setup, test_signup_rows, teardown);
    g_test_add("/province/outbox/deletes", Fixture, NULL, setup, test_deletes, teardown);
    g_test_add("/province/outbox/mark", Fixture, NULL, setup, test_mark, teardown);
    g_test_add("/province/worker/ships", Fixture, NULL, setup, test_worker, teardown);
    return g_test_run();
}
