/* What a client written from docs/protocol.md alone expects, checked against a real control
 * server on 127.0.0.1 (port 0) over a real store: query arguments in any order, WebSocket
 * refusals a strict client can read (raw bytes, and Python's websockets), /metrics as the
 * document names it (state sets, base units), the export's time zone, and the document itself
 * agreeing with the code on who may call what. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "ctl_asaired.h"
#include "ctl_desk.h"
#include "ctl_employers.h"
#include "ctl_outputs.h"
#include "ctl_overlay_http.h"
#include "ctl_control.h"
#include "ctl_postings.h"
#include "ctl_privacy.h"
#include "ctl_questions.h"
#include "ctl_shows.h"
#include "ctl_signups.h"
#include "ctl_state.h"
#include "ctl_store.h"
#include "ctl_studio.h"
#include "ctl_accounts.h"
#include "ctl_test.h"
#include "ctl_test_server.h"

#define TOKEN "conformance-producer-token"
#define PYTHON "/usr/bin/python3" /* Debian's, with python3-websockets (scripts/setup.sh) */

typedef struct {
    CtlTestControl t;
} Fixture;

static void start(Fixture *f, const char *time_zone)
{
    static const char *const trusted[] = {"127.0.0.1", NULL};
    CtlControlConfig cfg = {
        .producer_token = TOKEN,
        .trusted_proxies = trusted,
        .time_zone = time_zone,
    };
    ctl_test_control_start(&f->t, &cfg);
}

static void setup(Fixture *f, gconstpointer data)
{
    ctl_test_control_open(&f->t);
    start(f, data);
}

static void teardown(Fixture *f, gconstpointer data)
{
    ctl_test_control_close(&f->t);
}

static JsonNode *call(CtlTestWs *w, const char *method, const char *params)
{
    int id = ++w->next_id;
    g_autofree char *msg =
        g_strdup_printf("{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"%s\"%s%s}", id, method,
                        params != NULL ? ",\"params\":" : "", params != NULL ? params : "");
    soup_websocket_connection_send_text(w->ws, msg);
    for (;;) {
        JsonNode *n = ctl_test_ws_next(w);
        JsonObject *o = json_node_get_object(n);
        if (json_object_has_member(o, "id") && json_object_get_int_member(o, "id") == id) {
            g_assert_false(json_object_has_member(o, "error"));
            return n;
        }
        json_node_unref(n);
    }
}

static void apply(Fixture *f, gint64 posting_id, const char *phone, const char *xff)
{
    g_autofree char *body = g_strdup_printf("{\"posting_id\":%" G_GINT64_FORMAT
                                            ",\"name\":\"王五\",\"phone\":\"%s\",\"consent\":true}",
                                            posting_id, phone);
    g_autoptr(SoupMessage) msg =
        ctl_test_post(f->t.port, "/api/apply", "application/json", body, strlen(body));
    soup_message_headers_replace(soup_message_get_request_headers(msg), "X-Forwarded-For", xff);
    g_autoptr(GBytes) reply = ctl_test_http(f->t.soup, msg);
    g_assert_cmpuint(soup_message_get_status(msg), ==, 201);
}

/* The export's body (status 200 asserted). (transfer full) */
static char *export_csv(Fixture *f, const char *query)
{
    g_autofree char *path = g_strdup_printf("/api/export.csv?%s", query);
    g_autoptr(SoupMessage) msg = ctl_test_get(f->t.port, path, "Bearer " TOKEN);
    char *text = ctl_test_http_text(f->t.soup, msg);
    g_assert_cmpuint(soup_message_get_status(msg), ==, 200);
    return text;
}

static guint lines_of(const char *text)
{
    guint n = 0;
    for (const char *c = text; *c != '\0'; c++)
        n += *c == '\n';
    return n;
}

/* ---- GET /api/export.csv: show_id wherever it comes ---- */

static void test_export_show_id_any_order(Fixture *f, gconstpointer data)
{
    CtlTestWs *w = ctl_test_ws_producer(f->t.soup, f->t.port, "Bearer " TOKEN);
    g_autoptr(JsonNode) created = call(w, "shows.create", "{\"title\":\"周五夜场\"}");
    JsonObject *result = json_object_get_object_member(json_node_get_object(created), "result");
    gint64 show = json_object_get_int_member(json_object_get_object_member(result, "show"), "id");
    g_autoptr(JsonNode) started = call(w, "shows.start", NULL);
    apply(f, 1, "13800000001", "10.7.0.1"); /* in the show */
    g_autoptr(JsonNode) stopped = call(w, "shows.stop", NULL);
    apply(f, 1, "13800000002", "10.7.0.2"); /* after it */
    ctl_test_ws_free(w);

    g_autoptr(CtlPosting) p = ctl_store_get_posting(f->t.store, 1, NULL);
    /* A long (URL-encoded, multi-byte) employer name first: it once hid show_id. */
    g_autofree char *employer = g_uri_escape_string(p->company, NULL, FALSE);
    g_assert_cmpuint(strlen("employer=") + strlen(p->company), >, 32); /* its old buffer */
    g_autofree char *e = g_strdup_printf("employer=%s", employer);
    g_autofree char *sid = g_strdup_printf("show_id=%" G_GINT64_FORMAT, show);
    g_autofree char *q1 = g_strjoin("&", e, sid, NULL);
    g_autofree char *q2 = g_strjoin("&", sid, e, NULL);
    g_autofree char *q3 = g_strjoin("&", "v=123456789012345678901234567890123456", e, sid, NULL);
    const char *queries[] = {q1, q2, q3};
    for (gsize i = 0; i < G_N_ELEMENTS(queries); i++) {
        g_autofree char *csv = export_csv(f, queries[i]);
        g_test_message("%s:\n%s", queries[i], csv);
        g_assert_cmpuint(lines_of(csv), ==, 1 + 1); /* header + the show's one applicant */
        g_assert_nonnull(strstr(csv, "13800000001"));
        g_assert_null(strstr(csv, "13800000002"));
    }
    g_autofree char *all = export_csv(f, e);
    g_assert_cmpuint(lines_of(all), ==, 1 + 2);
}

/* ---- the export's time zone ---- */

/* The CSV's 报名时间 of its only sign-up, and that sign-up's stored UTC time in zone. */
static void export_times(Fixture *f, const char *zone, char **shown, char **expected)
{
    apply(f, 1, "13800000009", "10.7.1.1");
    g_autoptr(CtlPosting) p = ctl_store_get_posting(f->t.store, 1, NULL);
    g_autofree char *employer = g_uri_escape_string(p->company, NULL, FALSE);
    g_autofree char *query = g_strdup_printf("employer=%s", employer);
    g_autofree char *csv = export_csv(f, query);
    g_auto(GStrv) rows = g_strsplit(csv, "\r\n", -1);
    g_assert_nonnull(rows[1]);
    g_auto(GStrv) cells = g_strsplit(rows[1], ",", -1);
    g_assert_cmpuint(g_strv_length(cells), ==, 11);
    *shown = g_strdup(cells[6]);
    g_autoptr(GPtrArray) list = ctl_store_list_signups(f->t.store, 0, -1, NULL, 0, 0, TRUE, NULL);
    g_assert_cmpuint(list->len, ==, 1);
    const CtlSignupRow *r = list->pdata[0];
    g_autoptr(GDateTime) utc = g_date_time_new_from_iso8601(r->created_at, NULL);
    g_autoptr(GTimeZone) tz = g_time_zone_new_identifier(zone);
    g_assert_nonnull(tz);
    g_autoptr(GDateTime) local = g_date_time_to_timezone(utc, tz);
    *expected = g_date_time_format(local, "%Y-%m-%d %H:%M:%S");
}

static void test_export_time_zone(Fixture *f, gconstpointer data)
{
    g_autofree char *shown = NULL;
    g_autofree char *expected = NULL;
    export_times(f, data, &shown, &expected);
    g_assert_cmpstr(shown, ==, expected);
}

/* No zone configured: the machine's own (TZ here), not a zone written into the code. */
static void test_export_time_zone_local(Fixture *f, gconstpointer data)
{
    ctl_control_free(f->t.control);
    g_setenv("TZ", "Asia/Kathmandu", TRUE); /* +05:45: no other default lands there */
    start(f, NULL);
    g_autofree char *shown = NULL;
    g_autofree char *expected = NULL;
    export_times(f, "Asia/Kathmandu", &shown, &expected);
    g_unsetenv("TZ");
    g_assert_cmpstr(shown, ==, expected);
}

/* ---- WebSocket refusals a strict client can read ---- */

#define UPGRADE                                                                                    \
    "Upgrade: websocket\r\nConnection: Upgrade\r\n"                                                \
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"

/* A session cookie for the producer ("jobcast_session=..."). (transfer full) */
static char *producer_cookie(Fixture *f)
{
    g_autofree char *reply =
        ctl_test_raw(f->t.port, "GET /login?token=" TOKEN " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    g_autofree char *set = ctl_test_raw_header(reply, "set-cookie");
    g_assert_nonnull(set);
    return g_strndup(set, strcspn(set, ";"));
}

static void check_refusal(Fixture *f, const char *path, const char *headers, guint status)
{
    g_autofree char *req = g_strdup_printf(
        "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n" UPGRADE "%s\r\n", path, f->t.port, headers);
    g_autofree char *reply = ctl_test_raw(f->t.port, req);
    g_test_message("%s", reply);
    g_autofree char *line = g_strdup_printf("HTTP/1.1 %u ", status);
    g_assert_true(g_str_has_prefix(reply, line));
    g_autofree char *length = ctl_test_raw_header(reply, "content-length");
    g_assert_nonnull(length);
    g_assert_cmpuint(g_ascii_strtoull(length, NULL, 10), ==, strlen(strstr(reply, "\r\n\r\n") + 4));
    g_autofree char *type = ctl_test_raw_header(reply, "content-type");
    g_assert_nonnull(type);
    g_autofree char *www = ctl_test_raw_header(reply, "www-authenticate");
    if (status == 401)
        g_assert_cmpstr(www, ==, "Bearer");
    else
        g_assert_null(www);
}

static void test_ws_refusals_http11(Fixture *f, gconstpointer data)
{
    g_autofree char *cookie = producer_cookie(f);
    g_autofree char *with_cookie = g_strdup_printf("Cookie: %s\r\n", cookie);
    check_refusal(f, "/api/control", "", 401);
    check_refusal(f, "/api/control", "Authorization: Bearer wrong-token-wrong-token\r\n", 401);
    check_refusal(f, "/api/control", with_cookie, 403); /* a cookie without Origin */
    check_refusal(f, "/api/elsewhere", "Authorization: Bearer " TOKEN "\r\n", 404);
}

typedef struct {
    gboolean done;
    char *out;
    char *err;
} Child;

static void child_done(GObject *src, GAsyncResult *res, gpointer data)
{
    Child *c = data;
    g_autoptr(GError) error = NULL;
    g_subprocess_communicate_utf8_finish(G_SUBPROCESS(src), res, &c->out, &c->err, &error);
    g_assert_no_error(error);
    c->done = TRUE;
}

/* What Python's websockets says when it connects to path with the headers (a JSON object):
 * "open", "status N" or "error ...". The server runs on this thread's loop meanwhile. */
static char *python_connect(Fixture *f, const char *path, const char *headers)
{
    static const char script[] =
        "import asyncio, json, sys, websockets\n"
        "async def main():\n"
        "    try:\n"
        "        async with websockets.connect(sys.argv[1], extra_headers=json.loads(sys.argv[2]),"
        " open_timeout=5):\n"
        "            print('open')\n"
        "    except websockets.exceptions.InvalidStatusCode as e:\n"
        "        print('status', e.status_code)\n"
        "    except Exception as e:\n"
        "        print('error', type(e).__name__, e)\n"
        "asyncio.run(main())\n";
    g_assert_true(g_file_test(PYTHON, G_FILE_TEST_IS_EXECUTABLE));
    g_autofree char *url = g_strdup_printf("ws://127.0.0.1:%d%s", f->t.port, path);
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocess) p =
        g_subprocess_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                         PYTHON, "-c", script, url, headers, NULL);
    g_assert_no_error(error);
    Child c = {0};
    g_subprocess_communicate_utf8_async(p, NULL, NULL, child_done, &c);
    ctl_test_spin_until(&c.done);
    g_test_message("python websockets %s: %s%s", path, c.out, c.err);
    /* No module: python3-websockets is missing, and this test fails rather than skips. */
    g_assert_null(strstr(c.err, "No module named"));
    g_free(c.err);
    return g_strchomp(c.out);
}

static void test_ws_refusals_python(Fixture *f, gconstpointer data)
{
    g_autofree char *cookie = producer_cookie(f);
    g_autofree char *with_cookie = g_strdup_printf("{\"Cookie\":\"%s\"}", cookie);
    static const char *const cases[][3] = {
        {"/api/control", "{}", "status 401"},
        {"/api/control", "{\"Authorization\":\"Bearer wrong-token-wrong-token\"}", "status 401"},
        {"/api/elsewhere", "{\"Authorization\":\"Bearer " TOKEN "\"}", "status 404"},
        {"/api/control", "{\"Authorization\":\"Bearer " TOKEN "\"}", "open"},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *said = python_connect(f, cases[i][0], cases[i][1]);
        g_assert_cmpstr(said, ==, cases[i][2]);
    }
    /* websockets sends no Origin: the cookie alone is refused. */
    g_autofree char *said = python_connect(f, "/api/control", with_cookie);
    g_assert_cmpstr(said, ==, "status 403");
}

static char *read_doc(const char *name)
{
    g_autofree char *path = g_build_filename(g_getenv("JOBCAST_SOURCE_DIR"), name, NULL);
    char *text = NULL;
    g_autoptr(GError) error = NULL;
    g_assert_true(g_file_get_contents(path, &text, NULL, &error));
    return text;
}

/* ---- /metrics ---- */

static const char status_json[] =
    "{\"program\":\"playing\",\"running\":5.7,\"frames_repeated\":3,\"stalls\":1,"
    "\"longest_gap_seconds\":0.041,"
    "\"input\":{\"uri\":\"srt://:9000\",\"state\":\"slate\",\"retry_in\":0,\"fps\":29.9,"
    "\"frames\":240,\"dropped\":2,\"uptime\":0,\"attempts\":1,\"error\":null},"
    "\"recording\":{\"state\":\"recording\",\"path\":\"/x/show.mp4\",\"bytes\":1000,"
    "\"free_mb\":2},"
    "\"audio\":{\"muted\":true,\"source\":\"input\",\"level_dbfs\":-23.1,\"peak_dbfs\":-20,"
    "\"device\":null,\"device_state\":\"off\",\"device_retry_in\":0,\"device_error\":null},"
    "\"outputs\":[{\"uri\":\"rtmp://push.example/live/SECRETKEY\",\"state\":\"reconnecting\","
    "\"retry_in\":3,\"kbps\":2500,\"bytes\":98304,\"dropped\":12,\"uptime\":0,\"attempts\":2,"
    "\"error\":\"rtmp://push.example/live/SECRETKEY refused\"},"
    "{\"uri\":\"file:///tmp/x.mkv\",\"state\":\"live\",\"retry_in\":0,\"kbps\":2400,"
    "\"bytes\":5,\"dropped\":0,\"uptime\":9.5,\"attempts\":0,\"error\":null}]}";

/* Every state the shipped alert rules select (NAME{state="VALUE"}) is a sample /metrics has: an
 * alert on a value that never occurs never fires. */
static void check_deploy_alerts(const char *metrics)
{
    g_autofree char *doc = read_doc("deploy/prometheus/jobcast-alerts.yml");
    g_autoptr(GRegex) re = g_regex_new("(jobcast_[a-z_]+)\\{state=\"([a-z-]+)\"\\}", 0, 0, NULL);
    g_autoptr(GMatchInfo) m = NULL;
    guint found = 0;
    g_regex_match(re, doc, 0, &m);
    while (g_match_info_matches(m)) {
        g_autofree char *name = g_match_info_fetch(m, 1);
        g_autofree char *value = g_match_info_fetch(m, 2);
        g_autofree char *head = g_strdup_printf("\n%s{", name);
        g_autofree char *label = g_strdup_printf("state=\"%s\"}", value);
        gboolean seen = FALSE;
        for (const char *at = strstr(metrics, head); at != NULL && !seen;
             at = strstr(at + 1, head)) {
            g_autofree char *line = g_strndup(at + 1, strcspn(at + 1, "\n"));
            seen = strstr(line, label) != NULL;
        }
        if (!seen)
            g_error("the alert rules select %s{state=\"%s\"}, which /metrics never has", name,
                    value);
        found++;
        g_match_info_next(m, NULL);
    }
    g_assert_cmpuint(found, >=, 3); /* the output, input and recording alerts at least */
}

static void test_metrics_state_sets(Fixture *f, gconstpointer data)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    g_assert_true(json_parser_load_from_data(parser, status_json, -1, NULL));
    ctl_control_set_stream_status(f->t.control, json_parser_get_root(parser));
    g_autoptr(SoupMessage) msg = ctl_test_get(f->t.port, "/metrics", NULL);
    g_autofree char *text = ctl_test_http_text(f->t.soup, msg);
    g_assert_cmpuint(soup_message_get_status(msg), ==, 200);
    g_test_message("%s", text);
    static const char *const present[] = {
        "jobcast_stream_state{state=\"playing\"} 1\n",
        "jobcast_stream_state{state=\"stopped\"} 0\n",
        "jobcast_stream_running_seconds 5.7\n",
        "jobcast_stream_frames_repeated_total 3\n",
        "jobcast_input_state{state=\"slate\"} 1\n",
        "jobcast_input_state{state=\"live\"} 0\n",
        "jobcast_input_frames_total 240\n",
        "jobcast_input_frames_dropped_total 2\n",
        "jobcast_recording_state{state=\"disk-full\"} 0\n",
        "jobcast_recording_free_bytes 2097152\n",
        "jobcast_audio_muted 1\n",
        "jobcast_audio_source{source=\"input\"} 1\n",
        "jobcast_audio_device_state{state=\"off\"} 1\n",
        "jobcast_output_state{output=\"out1\",state=\"reconnecting\"} 1\n",
        "jobcast_output_state{output=\"out1\",state=\"live\"} 0\n",
        "jobcast_output_state{output=\"out2\",state=\"live\"} 1\n",
        "jobcast_output_sent_bytes_per_second{output=\"out1\"} 312500\n",
        "jobcast_output_sent_bytes_total{output=\"out1\"} 98304\n",
        "jobcast_output_retry_in_seconds{output=\"out1\"} 3\n",
        "# TYPE jobcast_output_sent_bytes_total counter\n",
    };
    for (gsize i = 0; i < G_N_ELEMENTS(present); i++) {
        if (strstr(text, present[i]) == NULL)
            g_error("/metrics lacks: %s", present[i]);
    }
    /* Nothing under a member's own name that is really something else. */
    static const char *const absent[] = {"jobcast_stream_running ",
                                         "jobcast_output_kbps",
                                         "jobcast_output_bytes",
                                         "output=\"0\"",
                                         "SECRETKEY",
                                         "push.example"};
    for (gsize i = 0; i < G_N_ELEMENTS(absent); i++) {
        if (strstr(text, absent[i]) != NULL)
            g_error("/metrics holds: %s", absent[i]);
    }
    check_deploy_alerts(text);
    /* Each family is one group: its TYPE line once, before all of its samples. */
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    g_autoptr(GHashTable) done = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autofree char *current = NULL;
    for (char **l = lines; *l != NULL; l++) {
        if ((*l)[0] == '\0' || (*l)[0] == '#')
            continue;
        g_autofree char *family = g_strndup(*l, strcspn(*l, "{ "));
        if (g_strcmp0(family, current) == 0)
            continue;
        if (g_hash_table_contains(done, family))
            g_error("family %s is split in two groups", family);
        if (current != NULL)
            g_hash_table_add(done, g_steal_pointer(&current));
        current = g_steal_pointer(&family);
    }
}

/* The methods the role table lets hosts call ("postings.list/search/get" spelled out). */
static GHashTable *host_methods(const char *doc)
{
    const char *row = strstr(doc, "\n| host | read: ");
    g_assert_nonnull(row);
    g_autofree char *line = g_strndup(row + 1, strcspn(row + 1, "\n"));
    GHashTable *set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_auto(GStrv) quoted = g_strsplit(line, "`", -1);
    for (guint i = 1; quoted[i] != NULL; i += 2) {
        g_auto(GStrv) alts = g_strsplit(quoted[i], "/", -1);
        const char *dot = strchr(alts[0], '.');
        if (dot == NULL)
            continue;
        g_autofree char *family = g_strndup(alts[0], (gsize)(dot - alts[0]) + 1);
        g_hash_table_add(set, g_strdup(alts[0]));
        for (guint k = 1; alts[k] != NULL; k++)
            g_hash_table_add(set, g_strconcat(family, alts[k], NULL));
    }
    return set;
}

/* In the method tables: name -> "P" (producer only) or "" (hosts too). */
static GHashTable *table_methods(const char *doc)
{
    GHashTable *marks = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    g_auto(GStrv) lines = g_strsplit(doc, "\n", -1);
    for (char **l = lines; *l != NULL; l++) {
        if (!g_str_has_prefix(*l, "| `"))
            continue;
        const char *name = *l + 3;
        gsize n = strcspn(name, "`");
        g_autofree char *method = g_strndup(name, n);
        if (strchr(method, '.') == NULL || strchr(method, ' ') != NULL ||
            strchr(method, '/') != NULL)
            continue;
        gboolean producer = g_str_has_prefix(name + n, "` **P**");
        g_hash_table_replace(marks, g_steal_pointer(&method), g_strdup(producer ? "P" : ""));
    }
    /* A method described in a block of its own ("**`state.get`** — ...") is documented; its
     * role is the role table's to say. */
    for (char **l = lines; *l != NULL; l++) {
        if (!g_str_has_prefix(*l, "**`"))
            continue;
        const char *name = *l + 3;
        g_autofree char *method = g_strndup(name, strcspn(name, "`"));
        if (strchr(method, '.') != NULL && !g_hash_table_contains(marks, method))
            g_hash_table_replace(marks, g_steal_pointer(&method), g_strdup("-"));
    }
    return marks;
}

static void check_table(const CtlRpcMethod *t, gsize n, GHashTable *hosts, GHashTable *marks)
{
    for (gsize i = 0; i < n; i++) {
        gboolean producer_only = (t[i].flags & CTL_RPC_PRODUCER) != 0;
        gboolean host_listed = g_hash_table_contains(hosts, t[i].name);
        if (producer_only && host_listed)
            g_error("the role table lets hosts call %s; the code refuses them", t[i].name);
        if (!producer_only && !host_listed)
            g_error("hosts may call %s; the role table does not say so", t[i].name);
        const char *mark = g_hash_table_lookup(marks, t[i].name);
        if (mark == NULL)
            g_error("%s is in the code but in no method table of docs/protocol.md", t[i].name);
        if (strcmp(mark, "-") != 0 && (strcmp(mark, "P") == 0) != producer_only)
            g_error("the method table marks %s %s; the code has it %s", t[i].name,
                    producer_only ? "open to hosts" : "producer only",
                    producer_only ? "producer only" : "open to hosts");
        g_hash_table_remove(marks, t[i].name);
    }
}

static void test_doc_roles(void)
{
    g_autofree char *doc = read_doc("docs/protocol.md");
    g_autoptr(GHashTable) hosts = host_methods(doc);
    g_autoptr(GHashTable) marks = table_methods(doc);
    const CtlRpcMethod *(*tables[])(gsize *) = {
        ctl_state_methods,    ctl_postings_methods,       ctl_studio_methods,
        ctl_shows_methods,    ctl_signups_methods,        ctl_privacy_methods,
        ctl_accounts_methods, ctl_asaired_methods,        ctl_outputs_methods,
        ctl_overlay_methods,  ctl_employers_methods,      ctl_questions_methods,
        ctl_desk_methods,     ctl_studio_graphics_methods};
    for (gsize i = 0; i < G_N_ELEMENTS(tables); i++) {
        gsize n = 0;
        const CtlRpcMethod *t = tables[i](&n);
        check_table(t, n, hosts, marks);
    }
    /* Every method a table documents exists (notifications are in their own table, which has
     * no **P** column: those rows are the server's, not callable). */
    GHashTableIter it;
    gpointer name;
    gpointer mark;
    g_hash_table_iter_init(&it, marks);
    while (g_hash_table_iter_next(&it, &name, &mark)) {
        if (strcmp(mark, "P") == 0)
            g_error("docs/protocol.md documents %s, which the code does not have", (char *)name);
    }
}

/* --producer-token's length rule, which jobcast enforces (app/jc_config.c), is documented where
 * a user looks: the options table and the protocol's authentication section. */
static void test_doc_producer_token_length(void)
{
    static const char *const docs[] = {"README.md", "docs/protocol.md"};
    for (gsize i = 0; i < G_N_ELEMENTS(docs); i++) {
        g_autofree char *doc = read_doc(docs[i]);
        const char *at = strstr(doc, "--producer-token");
        g_assert_nonnull(at);
        g_autofree char *near = g_strndup(at, 400);
        if (strstr(near, "16 to 256") == NULL)
            g_error("%s does not say --producer-token takes 16 to 256 characters", docs[i]);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
#define ADD(path, fn, data) g_test_add(path, Fixture, data, setup, fn, teardown)
    ADD("/control/conformance/export-show-id-any-order", test_export_show_id_any_order, NULL);
    ADD("/control/conformance/export-time-zone", test_export_time_zone, "+05:30");
    ADD("/control/conformance/export-time-zone-local", test_export_time_zone_local, NULL);
    ADD("/security/ws/refusals-are-http11", test_ws_refusals_http11, NULL);
    ADD("/security/ws/refusals-python-websockets", test_ws_refusals_python, NULL);
    ADD("/control/conformance/metrics-state-sets", test_metrics_state_sets, NULL);
#undef ADD
    g_test_add_func("/control/conformance/doc-roles", test_doc_roles);
    g_test_add_func("/control/conformance/doc-producer-token-length",
                    test_doc_producer_token_length);
    return g_test_run();
}
