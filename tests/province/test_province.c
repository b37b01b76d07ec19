/* /province/... and /security/province/...: the province link's up direction against the real
 * jobcast binary and a real PostgreSQL (jc_test_pg.h): rooms ship their sign-ups exactly once,
 * through a database outage and a kill -9 of the room; a bad link is a clear error while the
 * room goes on taking sign-ups; the password never shows.
 *
 * Multi-process (a PostgreSQL and one to three jobcast processes at the smallest profile, no
 * recording, no outputs): built in the optimised build only.
 *
 * Threads: the test's; jobcast runs as children (tests/control/ctl_test_server.c), PostgreSQL
 * under pg_ctl. */
#include <gio/gio.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>

#include "ctl_test.h"
#include "ctl_test_server.h"
#include "jc_test_pg.h"

#define TOKEN "province-test-producer-token"

/* ---- the rooms ---- */

/* Starts room on its folder linked to url as market (NULL-terminated extra options after). */
static void room_start(CtlTestServer *room, const char *url, const char *market,
                       const char *const *more)
{
    g_autoptr(GPtrArray) args = g_ptr_array_new();
    const char *fixed[] = {"--province", url, "--market", market, "--market-name", "测试零工市场"};
    for (gsize i = 0; i < G_N_ELEMENTS(fixed); i++)
        g_ptr_array_add(args, (gpointer)fixed[i]);
    for (const char *const *m = more; m != NULL && *m != NULL; m++)
        g_ptr_array_add(args, (gpointer)*m);
    g_ptr_array_add(args, NULL);
    ctl_test_server_start(room, TOKEN, (const char *const *)args->pdata);
}

/* A sign-up through POST /api/apply (JSON) with this phone; returns the HTTP status. */
static guint sign_up(CtlTestServer *room, gint64 posting_id, const char *phone)
{
    g_autofree char *json = g_strdup_printf("{\"posting_id\":%" G_GINT64_FORMAT
                                            ",\"name\":\"王五\",\"phone\":\"%s\",\"consent\":true}",
                                            posting_id, phone);
    guint status = 0;
    g_autofree char *body = ctl_test_server_request(room, "POST", "/api/apply", "application/json",
                                                    json, NULL, &status, NULL);
    return status;
}

/* The phone of sign-up i of a room: distinct across rooms and tests (the per-phone limit). */
static char *phone_of(int room, int i)
{
    return g_strdup_printf("139%02d%06d", room, i);
}

/* n sign-ups numbered from first, spread over postings 1-3; asserts each is acknowledged. */
static void sign_up_many(CtlTestServer *room, int room_no, int first, int n)
{
    for (int i = first; i < first + n; i++) {
        g_autofree char *phone = phone_of(room_no, i);
        g_assert_cmpuint(sign_up(room, 1 + i % 3, phone), ==, 201);
    }
}

static char *get_text(CtlTestServer *room, const char *path, guint *status)
{
    g_autofree char *auth = g_strdup("Bearer " TOKEN);
    return ctl_test_server_request(room, "GET", path, NULL, NULL, auth, status, NULL);
}

static char *metrics(CtlTestServer *room)
{
    guint status = 0;
    char *text = get_text(room, "/metrics", &status);
    g_assert_cmpuint(status, ==, 200);
    return text;
}

/* Waits (up to 30 s) until /metrics shows the series line `line`. */
static void wait_metric(CtlTestServer *room, const char *line)
{
    for (int i = 0; i < 300; i++) {
        g_autofree char *m = metrics(room);
        if (strstr(m, line) != NULL)
            return;
        ctl_test_spin_for(100);
    }
    g_autofree char *m = metrics(room);
    g_autofree char *log = ctl_test_server_log(room);
    g_error("no '%s' in /metrics:\n%s\nlog:\n%s", line, m, log);
}

/* state.get's "province" member, as JSON text. (transfer full) */
static char *province_status(CtlTestServer *room)
{
    CtlTestWs *w = ctl_test_ws_producer(room->soup, room->port, "Bearer " TOKEN);
    g_autoptr(JsonNode) reply = ctl_test_ws_call(w, "state.get", NULL);
    JsonObject *result = json_object_get_object_member(json_node_get_object(reply), "result");
    g_assert_nonnull(result);
    JsonNode *p = json_object_get_member(result, "province");
    g_assert_nonnull(p);
    char *text = json_to_string(p, FALSE);
    ctl_test_ws_free(w);
    return text;
}

/* Waits (up to 30 s) until the room's status says state and its error contains `error` (NULL:
 * any). Returns the status text. (transfer full) */
static char *wait_status(CtlTestServer *room, const char *state, const char *error)
{
    g_autofree char *want = g_strdup_printf("\"state\":\"%s\"", state);
    for (int i = 0; i < 300; i++) {
        char *s = province_status(room);
        if (strstr(s, want) != NULL && (error == NULL || strstr(s, error) != NULL))
            return s;
        g_free(s);
        ctl_test_spin_for(100);
    }
    g_autofree char *s = province_status(room);
    g_error("the province status never became %s (%s): %s", state, error ? error : "", s);
}

/* The scrape of a linked room passes `promtool check metrics`, and every jobcast_province_
 * series the alert rules and docs/protocol.md name is in it. */
static void check_scrape(const char *text)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocess) lint =
        g_subprocess_new(G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                             G_SUBPROCESS_FLAGS_STDERR_MERGE,
                         &error, "promtool", "check", "metrics", NULL);
    g_assert_no_error(error);
    g_autofree char *out = NULL;
    g_assert_true(g_subprocess_communicate_utf8(lint, text, NULL, &out, NULL, &error));
    if (!g_subprocess_get_successful(lint))
        g_error("promtool check metrics:\n%s\n--- the scrape:\n%s", out, text);
    const char *sources[] = {"deploy/prometheus/jobcast-alerts.yml", "docs/protocol.md"};
    g_autoptr(GRegex) re = g_regex_new("jobcast_province_[a-z_]+", 0, 0, NULL);
    for (gsize i = 0; i < G_N_ELEMENTS(sources); i++) {
        g_autofree char *path = g_build_filename(g_getenv("JOBCAST_SOURCE_DIR"), sources[i], NULL);
        g_autofree char *doc = NULL;
        g_assert_true(g_file_get_contents(path, &doc, NULL, NULL));
        g_autoptr(GMatchInfo) m = NULL;
        guint found = 0;
        g_regex_match(re, doc, 0, &m);
        for (; g_match_info_matches(m); g_match_info_next(m, NULL)) {
            g_autofree char *name = g_match_info_fetch(m, 0);
            g_autofree char *head = g_strdup_printf("\n%s{", name);
            if (strstr(text, head) == NULL)
                g_error("%s names %s, which a linked room's /metrics does not have", sources[i],
                        name);
            found++;
        }
        g_assert_cmpuint(found, >=, 2);
    }
}

/* Waits for a stream.status notification that carries the link's state (the control page's
 * health panel reads it there). (transfer full) its "province" member as JSON text. */
static char *province_in_stream_status(CtlTestServer *room)
{
    CtlTestWs *w = ctl_test_ws_producer(room->soup, room->port, "Bearer " TOKEN);
    char *found = NULL;
    for (int i = 0; i < 50 && found == NULL; i++) {
        g_autoptr(JsonNode) m = ctl_test_ws_next(w);
        JsonObject *o = json_node_get_object(m);
        if (g_strcmp0(json_object_get_string_member_with_default(o, "method", ""),
                      "stream.status") != 0)
            continue;
        JsonObject *stream =
            json_object_get_object_member(json_object_get_object_member(o, "params"), "stream");
        if (stream != NULL && json_object_has_member(stream, "province"))
            found = json_to_string(json_object_get_member(stream, "province"), FALSE);
    }
    ctl_test_ws_free(w);
    g_assert_nonnull(found);
    return found;
}

/* ---- the province ---- */

static gint64 pg_count(JcTestPg *pg, const char *where)
{
    g_autofree char *sql = g_strdup_printf("SELECT count(*) FROM jobcast.signups WHERE %s", where);
    return jc_test_pg_int(pg, sql);
}

/* Waits (up to 40 s) until the province holds n sign-ups of market. */
static void wait_pg_signups(JcTestPg *pg, const char *market, gint64 n)
{
    g_autofree char *where = g_strdup_printf("market = '%s'", market);
    gint64 have = 0;
    for (int i = 0; i < 400; i++) {
        have = pg_count(pg, where);
        if (have >= n)
            break;
        ctl_test_spin_for(100);
    }
    g_assert_cmpint(have, ==, n);
}

/* Every stored sign-up of the room is in the province exactly once, and nothing else is: the
 * same ids, each once, one applied row per outbox row of its kind. */
static void assert_exactly_once(JcTestPg *pg, CtlTestServer *room, const char *market)
{
    gint64 local = ctl_test_server_db_int(room, "SELECT count(*) FROM signups");
    g_autofree char *where = g_strdup_printf("market = '%s'", market);
    wait_pg_signups(pg, market, local);
    g_autofree char *distinct = g_strdup_printf(
        "SELECT count(DISTINCT signup_id) FROM jobcast.signups WHERE market = '%s'", market);
    g_assert_cmpint(jc_test_pg_int(pg, distinct), ==, local);
    g_autofree char *created = g_strdup_printf("SELECT count(*) FROM jobcast.applied WHERE market "
                                               "= '%s' AND kind = 'signup.created'",
                                               market);
    g_assert_cmpint(jc_test_pg_int(pg, created), ==, local);
    /* The same ids: the largest and the sum agree. */
    g_autofree char *sum =
        g_strdup_printf("SELECT sum(signup_id) FROM jobcast.signups WHERE market = '%s'", market);
    g_assert_cmpint(jc_test_pg_int(pg, sum), ==,
                    ctl_test_server_db_int(room, "SELECT coalesce(sum(id), 0) FROM signups"));
    g_autofree char *named = g_strdup_printf("%s AND name = '王五' AND phone LIKE '139%%'", where);
    g_assert_cmpint(pg_count(pg, named), ==, local);
}

/* Waits (up to 20 s) until the room's outbox is empty: everything shipped, recorded, deleted. */
static void wait_outbox_empty(CtlTestServer *room)
{
    for (int i = 0; i < 200; i++) {
        if (ctl_test_server_db_int(room, "SELECT count(*) FROM province_outbox") == 0)
            return;
        ctl_test_spin_for(100);
    }
    g_assert_cmpint(ctl_test_server_db_int(room, "SELECT count(*) FROM province_outbox"), ==, 0);
}

/* ---- tests ---- */

/* Three rooms, three markets, one province: every sign-up appears once with its market. */
static void test_sync(void)
{
    JcTestPg *pg = jc_test_pg_new();
    const char *markets[] = {"370101", "370102", "370103"};
    CtlTestServer *rooms[3];
    for (int r = 0; r < 3; r++) {
        rooms[r] = ctl_test_server_new();
        room_start(rooms[r], pg->url, markets[r], NULL);
    }
    for (int r = 0; r < 3; r++) {
        g_autofree char *up = wait_status(rooms[r], "up", NULL); /* the schema exists */
        sign_up_many(rooms[r], r, 0, 20);
    }
    for (int r = 0; r < 3; r++) {
        wait_pg_signups(pg, markets[r], 20);
        assert_exactly_once(pg, rooms[r], markets[r]);
        wait_outbox_empty(rooms[r]);
        g_autofree char *line = g_strdup_printf("jobcast_province_up{market=\"%s\"} 1", markets[r]);
        wait_metric(rooms[r], line);
        /* 20 sign-ups and the as-aired rows of the show's start. */
        g_autofree char *shipped =
            g_strdup_printf("jobcast_province_shipped_total{market=\"%s\"} ", markets[r]);
        wait_metric(rooms[r], shipped);
        g_autofree char *scraped = metrics(rooms[r]);
        g_assert_cmpint(g_ascii_strtoll(strstr(scraped, shipped) + strlen(shipped), NULL, 10), >=,
                        20);
        if (r == 0) {
            g_autofree char *scrape = metrics(rooms[r]);
            check_scrape(scrape);
        }
        g_autofree char *status = wait_status(rooms[r], "up", NULL);
        g_assert_nonnull(strstr(status, "\"outbox_rows\":0"));
        g_assert_nonnull(strstr(status, markets[r]));
        if (r == 0) {
            g_autofree char *live = province_in_stream_status(rooms[r]);
            g_assert_nonnull(strstr(live, "\"state\":\"up\""));
            g_assert_nonnull(strstr(live, "\"market\":\"370101\""));
        }
    }
    g_assert_cmpint(jc_test_pg_int(pg, "SELECT count(*) FROM jobcast.signups"), ==, 60);
    g_assert_cmpint(jc_test_pg_int(pg, "SELECT count(*) FROM jobcast.markets WHERE name = "
                                       "'测试零工市场' AND shipped_seq >= 20"),
                    ==, 3);
    /* A person's data forgotten on request travels too, without personal data, and blanks the
     * province's copy; a retention purge is marked as one (the province keeps its own). */
    g_autofree char *phone = phone_of(0, 4);
    g_autofree char *params = g_strdup_printf("{\"phone\":\"%s\"}", phone);
    CtlTestWs *w = ctl_test_ws_producer(rooms[0]->soup, rooms[0]->port, "Bearer " TOKEN);
    g_autoptr(JsonNode) forgot = ctl_test_ws_call(w, "privacy.forget", params);
    ctl_test_ws_free(w);
    g_assert_true(json_object_has_member(json_node_get_object(forgot), "result"));
    sqlite3 *db = NULL;
    g_assert_cmpint(sqlite3_open(rooms[1]->db_path, &db), ==, SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    g_assert_cmpint(sqlite3_exec(db,
                                 "INSERT INTO signups (posting_id, name, phone, created_at) VALUES "
                                 "(1, '旧报名', '13800000001', strftime('%Y-%m-%dT%H:%M:%fZ', "
                                 "'now', '-10 days'))",
                                 NULL, NULL, NULL),
                    ==, SQLITE_OK);
    sqlite3_close(db);
    wait_pg_signups(pg, markets[1], 21);
    w = ctl_test_ws_producer(rooms[1]->soup, rooms[1]->port, "Bearer " TOKEN);
    g_autoptr(JsonNode) purged = ctl_test_ws_call(w, "privacy.purge", "{\"older_than_days\":5}");
    ctl_test_ws_free(w);
    g_assert_true(json_object_has_member(json_node_get_object(purged), "result"));
    for (int i = 0;
         i < 200 && pg_count(pg, "withdrawn_at IS NOT NULL OR purged_at IS NOT NULL") < 2; i++)
        ctl_test_spin_for(100);
    g_autofree char *gone = g_strdup_printf("market = '370101' AND withdrawn_at IS NOT NULL AND "
                                            "name IS NULL AND phone IS NULL");
    g_assert_cmpint(pg_count(pg, gone), ==, 1);
    g_assert_cmpint(pg_count(pg, "phone = '13900000004'"), ==, 0);
    g_assert_cmpint(pg_count(pg, "market = '370102' AND purged_at IS NOT NULL AND phone = "
                                 "'13800000001' AND withdrawn_at IS NULL"),
                    ==, 1);
    g_assert_cmpint(jc_test_pg_int(pg, "SELECT count(*) FROM jobcast.applied WHERE kind = "
                                       "'signup.withdrawn' AND market = '370101'"),
                    ==, 1);
    for (int r = 0; r < 3; r++)
        ctl_test_server_free(rooms[r]);
    jc_test_pg_free(pg);
}

/* The province's database stopped during a sign-up burst and started again: the room answers
 * every viewer throughout, and after catch-up every acknowledged sign-up is there once. */
static void test_outage(void)
{
    JcTestPg *pg = jc_test_pg_new();
    CtlTestServer *room = ctl_test_server_new();
    room_start(room, pg->url, "370202", NULL);
    g_autofree char *up = wait_status(room, "up", NULL);
    sign_up_many(room, 21, 0, 20);
    wait_pg_signups(pg, "370202", 20);

    jc_test_pg_stop(pg);
    gint64 t0 = g_get_monotonic_time();
    int n = 20;
    while (g_get_monotonic_time() - t0 < 6 * G_USEC_PER_SEC) {
        sign_up_many(room, 21, n, 5);
        n += 5;
        guint status = 0;
        g_autofree char *page = get_text(room, "/a/1", &status);
        g_assert_cmpuint(status, ==, 200);
        ctl_test_spin_for(200);
    }
    wait_metric(room, "jobcast_province_up{market=\"370202\"} 0");
    g_autofree char *m = metrics(room);
    g_assert_null(strstr(m, "jobcast_province_outbox_rows{market=\"370202\"} 0\n"));
    g_autofree char *down = wait_status(room, "down", NULL);
    g_assert_nonnull(strstr(down, "\"lag_seconds\":"));

    jc_test_pg_start(pg);
    sign_up_many(room, 21, n, 10);
    n += 10;
    wait_pg_signups(pg, "370202", n);
    assert_exactly_once(pg, room, "370202");
    wait_outbox_empty(room);
    g_autofree char *log = ctl_test_server_log(room);
    /* One warning for the burst of failures, one line when it is over. */
    g_assert_nonnull(strstr(log, "retrying with back-off"));
    g_assert_null(strstr(strstr(log, "retrying with back-off") + 1, "retrying with back-off"));
    g_assert_nonnull(strstr(log, "shipping again after"));
    ctl_test_server_free(room);
    jc_test_pg_free(pg);
}

/* The room killed with kill -9 while it ships (batches of three, each row slowed down in the
 * province so that the kill lands inside the shipping), three times, and started again: every
 * sign-up it stored is in the province exactly once. */
static void test_kill9(void)
{
    JcTestPg *pg = jc_test_pg_new();
    CtlTestServer *room = ctl_test_server_new();
    const char *small[] = {"--test-province-batch-rows", "3", NULL};
    const char *where = "market = '370303'";
    int n = 0;
    for (int round = 0; round < 3; round++) {
        room_start(room, pg->url, "370303", small);
        if (round == 0) {
            g_autofree char *up = wait_status(room, "up", NULL);
            jc_test_pg_exec(pg, "CREATE FUNCTION jobcast.slow() RETURNS trigger LANGUAGE plpgsql "
                                "AS $$ BEGIN PERFORM pg_sleep(0.01); RETURN NEW; END $$; "
                                "CREATE TRIGGER slow AFTER INSERT ON jobcast.applied FOR EACH ROW "
                                "EXECUTE FUNCTION jobcast.slow()");
        }
        sign_up_many(room, 31, n, 40);
        gint64 before = n;
        n += 40;
        for (int i = 0; i < 500 && pg_count(pg, where) <= before + 5; i++)
            ctl_test_spin_for(5);
        g_subprocess_force_exit(room->proc);
        g_subprocess_wait(room->proc, NULL, NULL);
        g_clear_object(&room->proc);
        gint64 there = pg_count(pg, where);
        g_assert_cmpint(there, >, before);
        g_assert_cmpint(there, <, n); /* killed while shipping */
    }
    room_start(room, pg->url, "370303", small);
    assert_exactly_once(pg, room, "370303");
    g_assert_cmpint(ctl_test_server_db_int(room, "SELECT count(*) FROM signups"), ==, n);
    wait_outbox_empty(room);
    /* The room's mark is where its outbox ends. */
    const char *mark = "SELECT CAST(value AS INTEGER) FROM state WHERE key = 'province.shipped'";
    const char *end = "SELECT seq FROM sqlite_sequence WHERE name = 'province_outbox'";
    for (int i = 0;
         i < 100 && ctl_test_server_db_int(room, mark) < ctl_test_server_db_int(room, end); i++)
        ctl_test_spin_for(50);
    g_assert_cmpint(ctl_test_server_db_int(room, mark), ==, ctl_test_server_db_int(room, end));
    g_assert_cmpint(ctl_test_server_db_int(room, end), >=, n);
    ctl_test_server_free(room);
    jc_test_pg_free(pg);
}

/* The room's sign-ups still work while the link is broken. */
static void assert_room_works(CtlTestServer *room, int room_no)
{
    sign_up_many(room, room_no, 0, 3);
    guint status = 0;
    g_autofree char *page = get_text(room, "/a/1", &status);
    g_assert_cmpuint(status, ==, 200);
    g_assert_cmpint(ctl_test_server_db_int(room, "SELECT count(*) FROM signups"), ==, 3);
}

static void test_bad_unreachable(void)
{
    CtlTestServer *room = ctl_test_server_new();
    room_start(room,
               "postgresql://jobcast:unreachable-secret-77@/province?host=/nonexistent-jobcast-pg",
               "370404", NULL);
    assert_room_works(room, 41);
    g_autofree char *s = wait_status(room, "down", "cannot connect");
    wait_metric(room, "jobcast_province_up{market=\"370404\"} 0");
    const char *rows = "jobcast_province_outbox_rows{market=\"370404\"} ";
    gint64 waiting = 0;
    for (int i = 0; i < 100 && waiting < 3; i++) {
        wait_metric(room, rows);
        g_autofree char *scraped = metrics(room);
        waiting = g_ascii_strtoll(strstr(scraped, rows) + strlen(rows), NULL, 10);
        if (waiting < 3)
            ctl_test_spin_for(100);
    }
    g_assert_cmpint(waiting, >=, 3);
    g_assert_cmpint(ctl_test_server_db_int(room, "SELECT count(*) FROM province_outbox WHERE kind "
                                                 "= 'signup.created'"),
                    ==, 3);
    g_autofree char *log = ctl_test_server_log(room);
    g_assert_nonnull(strstr(log, "province: market 370404: cannot connect"));
    g_assert_null(strstr(log, "unreachable-secret-77"));
    ctl_test_server_free(room);
}

static void test_bad_password(void)
{
    JcTestPg *pg = jc_test_pg_new();
    CtlTestServer *room = ctl_test_server_new();
    g_autofree char *url = jc_test_pg_url_with(pg, "not-the-password-42", "province");
    room_start(room, url, "370505", NULL);
    assert_room_works(room, 51);
    g_autofree char *s = wait_status(room, "down", "password authentication failed");
    g_assert_null(strstr(s, "not-the-password-42"));
    g_assert_cmpint(jc_test_pg_int(pg, "SELECT count(*) FROM pg_namespace WHERE nspname = "
                                       "'jobcast'"),
                    ==, 0);
    ctl_test_server_free(room);
    jc_test_pg_free(pg);
}

static void test_bad_newer_schema(void)
{
    JcTestPg *pg = jc_test_pg_new();
    jc_test_pg_exec(pg, "CREATE SCHEMA jobcast; CREATE TABLE jobcast.schema_version (version "
                        "integer NOT NULL); INSERT INTO jobcast.schema_version VALUES (99)");
    CtlTestServer *room = ctl_test_server_new();
    room_start(room, pg->url, "370606", NULL);
    assert_room_works(room, 61);
    g_autofree char *s = wait_status(room, "error", "schema version 99, newer than this jobcast");
    g_autofree char *log = ctl_test_server_log(room);
    g_assert_nonnull(strstr(log, "schema version 99, newer than this jobcast knows"));
    /* Left alone. */
    g_assert_cmpint(jc_test_pg_int(pg, "SELECT max(version) FROM jobcast.schema_version"), ==, 99);
    g_assert_cmpint(jc_test_pg_int(pg, "SELECT count(*) FROM pg_tables WHERE schemaname = "
                                       "'jobcast'"),
                    ==, 1);
    ctl_test_server_free(room);
    jc_test_pg_free(pg);
}

/* Bad options refuse the start (exit 2) with a message naming the option, never the URL. */
static void test_bad_options(void)
{
    static const struct {
        const char *args[7];
        const char *message;
    } cases[] = {
        {{"--province", "postgresql://u:opt-secret-1@/p?host=/x", NULL},
         "--province needs --market"},
        {{"--market", "370101", NULL}, "--market needs --province"},
        {{"--market-name", "某市场", NULL}, "--market-name needs --market"},
        {{"--province", "postgresql://u:opt-secret-1@/p?host=/x", "--market", "37010", NULL},
         "--market: '37010' is not a 6-digit"},
        {{"--province", "postgresql://u:opt-secret-1@/p?host=/x", "--market", "037010", NULL},
         "is not a 6-digit"},
        {{"--province", "mysql://u:opt-secret-1@h/p", "--market", "370101", NULL},
         "must be a postgresql:// connection URI"},
        {{"--province", "postgresql://u:opt-secret-1@/p?nosuchparameter=1", "--market", "370101",
          NULL},
         "--province:"},
    };
    g_autofree char *bin = g_build_filename(g_getenv("JOBCAST_BUILD_DIR"), "jobcast", NULL);
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GPtrArray) argv = g_ptr_array_new();
        g_autofree char *dir = g_dir_make_tmp("jobcast-province-XXXXXX", NULL);
        const char *fixed[] = {bin, "--listen", "127.0.0.1:0", "--no-record", "--data-dir", dir};
        for (gsize j = 0; j < G_N_ELEMENTS(fixed); j++)
            g_ptr_array_add(argv, (gpointer)fixed[j]);
        for (const char *const *a = cases[i].args; *a != NULL; a++)
            g_ptr_array_add(argv, (gpointer)*a);
        g_ptr_array_add(argv, NULL);
        g_autofree char *err = NULL;
        int status = 0;
        g_assert_true(g_spawn_sync(NULL, (char **)argv->pdata, NULL, 0, NULL, NULL, NULL, &err,
                                   &status, NULL));
        g_assert_true(WIFEXITED(status));
        if (strstr(err, cases[i].message) == NULL)
            g_error("case %zu: no '%s' in: %s", i, cases[i].message, err);
        g_assert_null(strstr(err, "opt-secret-1"));
        /* Bad usage is 2; a URL only libpq refuses is found when control starts (1). */
        g_assert_cmpint(WEXITSTATUS(status), ==, i + 1 < G_N_ELEMENTS(cases) ? 2 : 1);
        g_autofree char *rm = g_strdup_printf("rm -rf '%s'", dir);
        g_assert_true(g_spawn_command_line_sync(rm, NULL, NULL, NULL, NULL));
    }
}

/* The password reaches no log line, /metrics or the status, shipping or failing. */
static void test_password_hidden(void)
{
    JcTestPg *pg = jc_test_pg_new();
    CtlTestServer *good = ctl_test_server_new();
    CtlTestServer *bad = ctl_test_server_new();
    room_start(good, pg->url, "370707", NULL);
    g_autofree char *wrong = jc_test_pg_url_with(pg, "Wrong-Secret-Password-9", "province");
    room_start(bad, wrong, "370708", NULL);
    g_autofree char *up = wait_status(good, "up", NULL);
    sign_up_many(good, 71, 0, 3);
    sign_up_many(bad, 72, 0, 3);
    wait_pg_signups(pg, "370707", 3);
    g_autofree char *down = wait_status(bad, "down", "password authentication failed");
    const struct {
        CtlTestServer *room;
        const char *secret;
    } rooms[] = {{good, pg->password}, {bad, "Wrong-Secret-Password-9"}};
    for (gsize i = 0; i < G_N_ELEMENTS(rooms); i++) {
        g_autofree char *m = metrics(rooms[i].room);
        g_autofree char *s = province_status(rooms[i].room);
        guint status = 0;
        g_autofree char *health = get_text(rooms[i].room, "/healthz", &status);
        ctl_test_server_stop(rooms[i].room);
        g_autofree char *log = ctl_test_server_log(rooms[i].room);
        g_assert_nonnull(strstr(log, "province: market 37070"));
        g_assert_nonnull(strstr(log, "postgresql://***"));
        g_assert_nonnull(strstr(m, "jobcast_province_up"));
        g_assert_null(strstr(log, rooms[i].secret));
        g_assert_null(strstr(m, rooms[i].secret));
        g_assert_null(strstr(s, rooms[i].secret));
        g_assert_null(strstr(health, rooms[i].secret));
        g_assert_null(strstr(s, "jobcast_test:"));
        g_assert_null(strstr(log, "jobcast_test:"));
    }
    ctl_test_server_free(good);
    ctl_test_server_free(bad);
    jc_test_pg_free(pg);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/province/sync", test_sync);
    g_test_add_func("/province/outage", test_outage);
    g_test_add_func("/province/kill-9", test_kill9);
    g_test_add_func("/province/bad-config/unreachable", test_bad_unreachable);
    g_test_add_func("/province/bad-config/wrong-password", test_bad_password);
    g_test_add_func("/province/bad-config/newer-schema", test_bad_newer_schema);
    g_test_add_func("/province/bad-config/options", test_bad_options);
    g_test_add_func("/security/province/password-hidden", test_password_hidden);
    return g_test_run();
}
