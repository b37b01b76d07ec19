/* /security/privacy/...: personal data against the real jobcast binary: sign-ups purged after
 * the retention period (at start, and by the periodic check: the hidden option
 * --test-privacy-check-seconds makes "hourly" a second), deleted rows leaving no bytes in the
 * database or its WAL (secure_delete), a viewer withdrawing their own sign-up while a
 * duplicate's code and guessed codes act on nothing and answer the same, the per-phone daily
 * limit, and the apply page's notice with the consent version each sign-up records.
 *
 * Threads: the test drives libsoup on its own main context; jobcast runs as a child process
 * (JOBCAST_BUILD_DIR/jobcast) whose stderr goes to a file in its data folder. The database is
 * read and written (old rows planted) through the test's own sqlite3 connection. */
#define _GNU_SOURCE /* memmem */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>

#include "ctl_test.h"
#include "ctl_test_server.h"

#define TOKEN "privacy-test-producer-token"
#define FORM "application/x-www-form-urlencoded"

typedef struct {
    CtlTestServer *srv; /* owned */
} Fixture;

static void setup(Fixture *f, gconstpointer data)
{
    f->srv = ctl_test_server_new();
}

static void teardown(Fixture *f, gconstpointer data)
{
    ctl_test_server_free(f->srv);
}

/* Starts jobcast on the fixture's folder with extra options (NULL-terminated, may be NULL) and
 * waits until /healthz answers. */
static void server_start(Fixture *f, const char *const *extra)
{
    ctl_test_server_start(f->srv, TOKEN, extra);
}

static void server_stop(Fixture *f)
{
    ctl_test_server_stop(f->srv);
}

static sqlite3 *db_open(Fixture *f)
{
    sqlite3 *db = NULL;
    g_assert_cmpint(sqlite3_open(f->srv->db_path, &db), ==, SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    return db;
}

static gint64 db_int(Fixture *f, const char *sql)
{
    return ctl_test_server_db_int(f->srv, sql);
}

static void db_exec(Fixture *f, const char *sql)
{
    sqlite3 *db = db_open(f);
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        g_error("%s: %s", sql, msg);
    sqlite3_close(db);
}

/* A sign-up made days_ago days ago, written straight into the database. */
static void plant_signup(Fixture *f, gint64 posting_id, const char *phone, int days_ago)
{
    g_autofree char *sql = g_strdup_printf(
        "INSERT INTO signups (posting_id, name, phone, consent_at, created_at) VALUES "
        "(%" G_GINT64_FORMAT ", '旧报名', '%s', strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ', 'now', "
        "'-%d days'), strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ', 'now', '-%d days'))",
        posting_id, phone, days_ago, days_ago);
    db_exec(f, sql);
}

static gint64 rows_of_phone(Fixture *f, const char *phone)
{
    g_autofree char *sql =
        g_strdup_printf("SELECT count(*) FROM signups WHERE phone = '%s'", phone);
    return db_int(f, sql);
}

/* Waits (up to 10 s) until the phone has no sign-up left. */
static void wait_gone(Fixture *f, const char *phone)
{
    for (int i = 0; i < 200 && rows_of_phone(f, phone) > 0; i++)
        ctl_test_spin_for(50);
    g_assert_cmpint(rows_of_phone(f, phone), ==, 0);
}

static char *read_log(Fixture *f)
{
    g_autofree char *text = NULL;
    g_file_get_contents(f->srv->log, &text, NULL, NULL);
    return g_strdup(text != NULL ? text : "");
}

/* ---- HTTP ---- */

/* A POST; *status gets the answer's status, *location its Location (transfer full, may be
 * NULL). Returns the body. (transfer full) */
static char *post(Fixture *f, const char *path, const char *type, const char *body, guint *status,
                  char **location)
{
    g_autoptr(SoupMessage) msg = ctl_test_post(f->srv->port, path, type, body, strlen(body));
    char *text = ctl_test_http_text(f->srv->soup, msg);
    *status = soup_message_get_status(msg);
    if (location != NULL)
        *location = g_strdup(
            soup_message_headers_get_one(soup_message_get_response_headers(msg), "Location"));
    return text;
}

static char *get(Fixture *f, const char *path, guint *status)
{
    g_autoptr(SoupMessage) msg = ctl_test_get(f->srv->port, path, NULL);
    char *text = ctl_test_http_text(f->srv->soup, msg);
    *status = soup_message_get_status(msg);
    return text;
}

/* Signs up through the form; returns the withdraw code of the thanks URL. (transfer full) */
static char *apply_form(Fixture *f, gint64 posting_id, const char *phone)
{
    g_autofree char *body = g_strdup_printf("posting_id=%" G_GINT64_FORMAT
                                            "&name=%%E7%%8E%%8B%%E4%%BA%%94&phone=%s&consent=on",
                                            posting_id, phone);
    guint status = 0;
    g_autofree char *location = NULL;
    g_autofree char *page = post(f, "/api/apply", FORM, body, &status, &location);
    g_assert_cmpuint(status, ==, 303);
    g_assert_nonnull(location);
    g_autoptr(GRegex) shape = g_regex_new("^/a/[0-9]+/thanks\\?t=([0-9A-Z]{12})$", 0, 0, NULL);
    g_autoptr(GMatchInfo) m = NULL;
    g_assert_true(g_regex_match(shape, location, 0, &m));
    return g_match_info_fetch(m, 1);
}

static guint apply_json(Fixture *f, gint64 posting_id, const char *phone, char **body)
{
    g_autofree char *json = g_strdup_printf("{\"posting_id\":%" G_GINT64_FORMAT
                                            ",\"name\":\"王五\",\"phone\":\"%s\",\"consent\":true}",
                                            posting_id, phone);
    guint status = 0;
    *body = post(f, "/api/apply", "application/json", json, &status, NULL);
    return status;
}

/* POST /a/withdraw with t=code; returns the page. */
static char *withdraw(Fixture *f, const char *code, guint *status)
{
    g_autofree char *body = g_strdup_printf("t=%s", code);
    return post(f, "/a/withdraw", FORM, body, status, NULL);
}

/* A producer's privacy.get. (transfer full) */
static JsonNode *privacy_get(Fixture *f)
{
    CtlTestWs *w = ctl_test_ws_producer(f->srv->soup, f->srv->port, "Bearer " TOKEN);
    soup_websocket_connection_send_text(
        w->ws, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"privacy.get\",\"params\":{}}");
    JsonNode *result = NULL;
    while (result == NULL) {
        g_autoptr(JsonNode) m = ctl_test_ws_next(w);
        JsonObject *o = json_node_get_object(m);
        if (json_object_has_member(o, "id")) {
            g_assert_true(json_object_has_member(o, "result"));
            result = json_node_copy(json_object_get_member(o, "result"));
        }
    }
    ctl_test_ws_free(w);
    return result;
}

/* ---- retention ---- */

/* A sign-up older than the retention period is deleted when jobcast starts; 0 keeps everything;
 * the default is 180 days. The log gives counts, never a person. */
static void test_retention_at_start(Fixture *f, gconstpointer data)
{
    server_start(f, NULL);
    server_stop(f);
    plant_signup(f, 1, "13911110001", 200);
    plant_signup(f, 2, "13911110002", 400);
    plant_signup(f, 3, "13911110003", 100);
    const char *const keep[] = {"--keep-signups-days", "0", NULL};
    server_start(f, keep);
    server_stop(f);
    g_assert_cmpint(db_int(f, "SELECT count(*) FROM signups"), ==, 3);
    server_start(f, NULL); /* the default: 180 days */
    g_assert_cmpint(rows_of_phone(f, "13911110001"), ==, 0);
    g_assert_cmpint(rows_of_phone(f, "13911110002"), ==, 0);
    g_assert_cmpint(rows_of_phone(f, "13911110003"), ==, 1);
    /* The stored counts follow. */
    g_assert_cmpint(db_int(f, "SELECT coalesce(sum(n), 0) FROM signup_counts"), ==, 1);
    /* The producer page's numbers. */
    g_autoptr(JsonNode) p = privacy_get(f);
    JsonObject *o = json_node_get_object(p);
    g_assert_cmpint(json_object_get_int_member(o, "keep_signups_days"), ==, 180);
    JsonObject *last = json_object_get_object_member(o, "last_purge");
    g_assert_nonnull(last);
    g_assert_cmpint(json_object_get_int_member(last, "signups_deleted"), ==, 2);
    g_assert_true(g_str_has_prefix(json_object_get_string_member(last, "at"), "20"));
    server_stop(f);
    g_autofree char *log = read_log(f);
    g_test_message("log:\n%s", log);
    g_assert_nonnull(strstr(log, "deleted 2 sign-ups older than 180 days"));
    g_assert_null(strstr(log, "1391111"));
    g_assert_null(strstr(log, "旧报名"));
}

/* While jobcast runs, the periodic check deletes what has grown older than the period (here the
 * check runs every second instead of every hour; the option is for tests only). */
static void test_retention_periodic(Fixture *f, gconstpointer data)
{
    const char *const opts[] = {"--keep-signups-days", "30", "--test-privacy-check-seconds", "1",
                                NULL};
    server_start(f, opts);
    plant_signup(f, 4, "13922220001", 31);
    plant_signup(f, 4, "13922220002", 29);
    wait_gone(f, "13922220001");
    g_assert_cmpint(rows_of_phone(f, "13922220002"), ==, 1);
}

/* ---- secure_delete ---- */

/* TRUE when needle's bytes are anywhere in the file. */
static gboolean file_holds(const char *path, const char *needle)
{
    g_autofree char *data = NULL;
    gsize len = 0;
    if (!g_file_get_contents(path, &data, &len, NULL))
        return FALSE;
    return memmem(data, len, needle, strlen(needle)) != NULL;
}

/* A withdrawn and a purged sign-up: after a checkpoint, neither phone number is anywhere in the
 * database file or its WAL (without secure_delete the rows stay in the pages' free space). */
static void test_secure_delete(Fixture *f, gconstpointer data)
{
    const char *const opts[] = {"--keep-signups-days", "30", "--test-privacy-check-seconds", "1",
                                NULL};
    server_start(f, opts);
    g_autofree char *code = apply_form(f, 5, "13733334444");
    plant_signup(f, 6, "13755556666", 40);
    /* A neighbour that stays, so that the pages are not simply dropped. */
    g_autofree char *kept = apply_form(f, 5, "13877778888");
    guint status = 0;
    g_autofree char *page = withdraw(f, code, &status);
    g_assert_cmpuint(status, ==, 200);
    g_assert_cmpint(rows_of_phone(f, "13733334444"), ==, 0);
    wait_gone(f, "13755556666");
    db_exec(f, "PRAGMA wal_checkpoint(TRUNCATE)");
    g_autofree char *wal = g_strconcat(f->srv->db_path, "-wal", NULL);
    g_assert_true(file_holds(f->srv->db_path, "13877778888"));
    g_assert_false(file_holds(f->srv->db_path, "13733334444"));
    g_assert_false(file_holds(f->srv->db_path, "13755556666"));
    g_assert_false(file_holds(wal, "13733334444"));
    g_assert_false(file_holds(wal, "13755556666"));
}

/* ---- withdrawal ---- */

static char *mask_codes(const char *text)
{
    g_autoptr(GRegex) code = g_regex_new("[0-9A-Z]{4}-?[0-9A-Z]{4}-?[0-9A-Z]{4}", 0, 0, NULL);
    return g_regex_replace_literal(code, text, -1, 0, "CODE", 0, NULL);
}

/* The same phone twice for the same posting: the second (a duplicate) gets a code on a page that
 * looks the same, whose withdrawal deletes nothing and answers exactly like the real one. The
 * real one deletes the sign-up everywhere: the row, the stored count, exports. */
static void test_withdraw_duplicate(Fixture *f, gconstpointer data)
{
    server_start(f, NULL);
    g_autofree char *first = apply_form(f, 3, "13800002222");
    g_autofree char *again = apply_form(f, 3, "138+0000+2222");
    g_assert_cmpstr(first, !=, again);
    guint s1 = 0;
    guint s2 = 0;
    g_autofree char *path1 = g_strdup_printf("/a/withdraw?t=%s", first);
    g_autofree char *path2 = g_strdup_printf("/a/withdraw?t=%s", again);
    g_autofree char *confirm1 = get(f, path1, &s1);
    g_autofree char *confirm2 = get(f, path2, &s2);
    g_assert_cmpuint(s1, ==, 200);
    g_assert_cmpuint(s2, ==, 200);
    g_autofree char *m1 = mask_codes(confirm1);
    g_autofree char *m2 = mask_codes(confirm2);
    g_assert_cmpstr(m1, ==, m2);
    g_assert_nonnull(strstr(confirm1, "action=\"/a/withdraw\""));

    g_autofree char *dup = withdraw(f, again, &s2);
    g_assert_cmpuint(s2, ==, 200);
    g_assert_cmpint(rows_of_phone(f, "13800002222"), ==, 1); /* acted on nothing */
    g_autofree char *real = withdraw(f, first, &s1);
    g_assert_cmpuint(s1, ==, 200);
    g_assert_cmpstr(real, ==, dup); /* not an oracle */
    g_assert_cmpint(rows_of_phone(f, "13800002222"), ==, 0);
    g_assert_cmpint(db_int(f, "SELECT n FROM signup_counts WHERE posting_id = 3"), ==, 0);
    g_autofree char *used = withdraw(f, first, &s1); /* already withdrawn */
    g_assert_cmpstr(used, ==, real);

    /* /metrics: the counter keeps the sign-up that was committed (a counter that fell would
     * read as a restart); the gauge of what is stored lost it. */
    guint ms = 0;
    g_autofree char *metrics = get(f, "/metrics", &ms);
    g_assert_cmpuint(ms, ==, 200);
    g_assert_nonnull(strstr(metrics, "\njobcast_signups_total 1\n"));
    g_autofree char *stored = g_strdup_printf("\njobcast_signups_stored %" G_GINT64_FORMAT "\n",
                                              db_int(f, "SELECT count(*) FROM signups"));
    g_assert_nonnull(strstr(metrics, stored));

    /* Exports no longer hold it. */
    g_autofree char *employer = g_uri_escape_string("临沂河东区零工市场合作企业", NULL, FALSE);
    g_autofree char *export_path = g_strdup_printf("/api/export.csv?employer=%s", employer);
    g_autoptr(SoupMessage) msg = ctl_test_get(f->srv->port, export_path, "Bearer " TOKEN);
    g_autofree char *csv = ctl_test_http_text(f->srv->soup, msg);
    g_assert_cmpuint(soup_message_get_status(msg), ==, 200);
    g_assert_null(strstr(csv, "13800002222"));
    server_stop(f);
    g_autofree char *log = read_log(f);
    g_assert_nonnull(strstr(log, "withdrew a sign-up"));
    g_assert_null(strstr(log, "13800002222"));
}

/* Guessed codes get the same answer as a real one, and are rate-limited per address like the
 * apply endpoint; a typed code that cannot be one is sent back to the form. */
static void test_withdraw_guessed(Fixture *f, gconstpointer data)
{
    server_start(f, NULL);
    g_autofree char *code = apply_form(f, 2, "13966667777");
    guint status = 0;
    g_autofree char *bad = withdraw(f, "12345", &status);
    g_assert_cmpuint(status, ==, 400);
    g_assert_nonnull(strstr(bad, "撤回码是12位"));
    g_autofree char *first = NULL;
    guint limited = 0;
    for (int i = 0; i < 40; i++) {
        g_autofree char *guess = g_strdup_printf("ZZZZ-ZZZZ-%04d", i);
        g_autofree char *page = withdraw(f, guess, &status);
        if (status == 429) {
            limited++;
            continue;
        }
        g_assert_cmpuint(status, ==, 200);
        if (first == NULL)
            first = g_strdup(page);
        g_assert_cmpstr(page, ==, first);
    }
    g_test_message("%u of 40 guesses refused", limited);
    g_assert_cmpuint(limited, >=, 25);
    g_assert_cmpint(rows_of_phone(f, "13966667777"), ==, 1);
    /* The limit holds for the right code too (it is per address, not per code). */
    g_autofree char *right = withdraw(f, code, &status);
    g_assert_cmpuint(status, ==, 429);
    g_assert_cmpint(rows_of_phone(f, "13966667777"), ==, 1);
}

/* ---- per-phone limit ---- */

/* One phone signs up for at most 5 postings a day; the sixth is a field error; a duplicate of
 * one of the five is no extra one and is answered as before; another phone is not affected. */
static void test_phone_limit(Fixture *f, gconstpointer data)
{
    server_start(f, NULL);
    const char phone[] = "13512345678";
    for (gint64 id = 1; id <= 5; id++) {
        g_autofree char *body = NULL;
        g_assert_cmpuint(apply_json(f, id, phone, &body), ==, 201);
    }
    g_autofree char *sixth = NULL;
    g_assert_cmpuint(apply_json(f, 6, phone, &sixth), ==, 400);
    g_autoptr(JsonParser) parser = json_parser_new();
    JsonObject *o = ctl_test_parse_object(sixth, parser);
    JsonObject *err = json_object_get_object_member(o, "error");
    g_assert_cmpstr(json_object_get_string_member(err, "code"), ==, "phone_limit");
    g_assert_cmpstr(json_object_get_string_member(err, "field"), ==, "phone");
    g_assert_nonnull(strstr(json_object_get_string_member(err, "message"), "5 个岗位"));
    g_autofree char *dup = NULL;
    g_assert_cmpuint(apply_json(f, 3, "135 1234 5678", &dup), ==, 201);
    g_assert_nonnull(strstr(dup, "\"received\":true"));
    /* The form shows it next to the phone field, with the values kept. */
    guint status = 0;
    g_autofree char *page =
        post(f, "/api/apply", FORM, "posting_id=7&name=Wang&phone=13512345678&consent=on", &status,
             NULL);
    g_assert_cmpuint(status, ==, 400);
    g_assert_nonnull(strstr(page, "5 个岗位"));
    g_assert_nonnull(strstr(page, "value=\"13512345678\""));
    g_assert_cmpint(rows_of_phone(f, phone), ==, 5);
    g_autofree char *other = NULL;
    g_assert_cmpuint(apply_json(f, 6, "13512345679", &other), ==, 201);
}

/* ---- the notice ---- */

/* The apply page names the purpose, the employer, the retention period and the operator (from
 * the command line and the config file); each sign-up records the notice version it agreed to,
 * and a form showing an older version is asked to agree again. */
static void test_notice(Fixture *f, gconstpointer data)
{
    g_autofree char *ini = g_build_filename(f->srv->dir, "jobcast.ini", NULL);
    g_assert_true(g_file_set_contents(ini,
                                      "[jobcast]\noperator-contact=0534-1234567 德州市零工市场\n"
                                      "keep-signups-days=90\n",
                                      -1, NULL));
    const char *const opts[] = {"--config", ini, "--operator-name", "德州市公共就业服务中心", NULL};
    server_start(f, opts);
    guint status = 0;
    g_autofree char *page = get(f, "/a/1", &status);
    g_assert_cmpuint(status, ==, 200);
    g_assert_nonnull(strstr(page, "德州顺达物流有限公司"));
    g_assert_nonnull(strstr(page, "90 天"));
    g_assert_nonnull(strstr(page, "德州市公共就业服务中心"));
    g_assert_nonnull(strstr(page, "0534-1234567"));
    g_assert_nonnull(strstr(page, "用途"));
    g_assert_nonnull(strstr(page, "name=\"consent_version\" value=\"3\""));
    g_autofree char *code = apply_form(f, 1, "13600001111");
    g_assert_cmpint(db_int(f, "SELECT consent_version FROM signups WHERE phone = '13600001111'"),
                    ==, 3);
    g_autofree char *old =
        post(f, "/api/apply", FORM,
             "posting_id=1&name=Li&phone=13600002222&consent=on&consent_version=1", &status, NULL);
    g_assert_cmpuint(status, ==, 400);
    g_assert_nonnull(strstr(old, "个人信息说明已更新"));
    g_assert_cmpint(rows_of_phone(f, "13600002222"), ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, setup, fn, teardown)
    ADD("/security/privacy/retention-purge-at-start", test_retention_at_start);
    ADD("/security/privacy/retention-purge-periodic", test_retention_periodic);
    ADD("/security/privacy/secure-delete-leaves-no-bytes", test_secure_delete);
    ADD("/security/privacy/withdraw-duplicate-acts-on-nothing", test_withdraw_duplicate);
    ADD("/security/privacy/withdraw-guessed-codes", test_withdraw_guessed);
    ADD("/security/privacy/phone-limit-per-day", test_phone_limit);
    ADD("/security/privacy/notice-and-consent-version", test_notice);
#undef ADD
    return g_test_run();
}
