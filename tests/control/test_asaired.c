/* The as-aired log read back: every kind of event written (take, clear, slate on/off, program
 * off air and back, output up/down) with time, actor, posting version and pay text shown;
 * asaired.list's filters and pages; the CSV; and /security/asaired/...: hosts refused, bad
 * filters refused. A real control server on 127.0.0.1 over a real store. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "ctl_auth.h"
#include "ctl_control.h"
#include "ctl_store.h"
#include "ctl_test.h"
#include "ctl_test_server.h"

#define TOKEN "asaired-producer-token"
#define HOST_TOKEN "asaired-host-token-0123"

typedef struct {
    CtlTestControl t;
    CtlTestWs *ws;
} Fixture;

static void setup(Fixture *f, gconstpointer data)
{
    static const char *const trusted[] = {"127.0.0.1", NULL};
    ctl_test_control_open(&f->t);
    ctl_test_add_account(f->t.store, "anchor", "host", HOST_TOKEN);
    CtlControlConfig cfg = {
        .producer_token = TOKEN,
        .trusted_proxies = trusted,
        .time_zone = "+08:00",
    };
    ctl_test_control_start(&f->t, &cfg);
    f->ws = ctl_test_ws_producer(f->t.soup, f->t.port, "Bearer " TOKEN);
}

static void teardown(Fixture *f, gconstpointer data)
{
    ctl_test_ws_free(f->ws);
    ctl_test_control_close(&f->t);
}

/* The reply to method (result or error object). (transfer full) */
static JsonNode *call_on(CtlTestWs *w, const char *method, const char *params)
{
    int id = ++w->next_id;
    g_autofree char *msg =
        g_strdup_printf("{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"%s\",\"params\":%s}", id,
                        method, params != NULL ? params : "{}");
    soup_websocket_connection_send_text(w->ws, msg);
    for (;;) {
        JsonNode *n = ctl_test_ws_next(w);
        JsonObject *o = json_node_get_object(n);
        if (json_object_has_member(o, "id") && json_object_get_int_member(o, "id") == id)
            return n;
        json_node_unref(n);
    }
}

/* The result of a call that must succeed. (transfer none: lives with *keep) */
static JsonObject *ok(Fixture *f, const char *method, const char *params, JsonNode **keep)
{
    *keep = call_on(f->ws, method, params);
    JsonObject *o = json_node_get_object(*keep);
    if (json_object_has_member(o, "error"))
        g_error("%s: %s", method, json_to_string(*keep, FALSE));
    return json_object_get_object_member(o, "result");
}

static gint64 error_code(JsonNode *reply)
{
    JsonObject *o = json_node_get_object(reply);
    g_assert_true(json_object_has_member(o, "error"));
    return json_object_get_int_member(json_object_get_object_member(o, "error"), "code");
}

static void stream(Fixture *f, const char *json)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    g_assert_true(json_parser_load_from_data(parser, json, -1, NULL));
    ctl_control_set_stream_status(f->t.control, json_parser_get_root(parser));
}

#define OUT(state) "{\"name\":\"douyin\",\"uri\":\"rtmp://x/live/KEY\",\"state\":\"" state "\"}"

static void test_events_logged(Fixture *f, gconstpointer data)
{
    g_autoptr(JsonNode) a = NULL;
    g_autoptr(JsonNode) b = NULL;
    g_autoptr(JsonNode) c = NULL;
    g_autoptr(JsonNode) d = NULL;
    g_autoptr(JsonNode) e = NULL;
    stream(f, "{\"program\":\"playing\",\"outputs\":[" OUT("connecting") "]}");
    ok(f, "show.take", "{\"posting_id\":3}", &a);
    ok(f, "graphics.slate", "{\"on\":true,\"text\":\"稍后回来\"}", &b);
    ok(f, "graphics.slate", "{\"on\":true}", &c); /* no change: no entry */
    stream(f, "{\"program\":\"playing\",\"outputs\":[" OUT("live") "]}");
    stream(f, "{\"program\":\"playing\",\"outputs\":[{\"name\":\"douyin\",\"state\":"
              "\"reconnecting\",\"error\":\"rtmp://x/live/KEY: refused\"}]}");
    stream(f, "{\"program\":\"stopping\",\"outputs\":[]}");
    stream(f, "{\"program\":\"playing\",\"outputs\":[]}");
    ok(f, "graphics.slate", "{\"on\":false}", &d);
    ok(f, "show.clear", NULL, &e);

    g_autoptr(JsonNode) keep = NULL;
    JsonObject *r = ok(f, "asaired.list", "{\"limit\":500}", &keep);
    JsonArray *entries = json_object_get_array_member(r, "entries");
    static const char *const want[] = {"clear",       "slate_off",   "program_on",
                                       "program_off", "output_down", "output_up",
                                       "slate_on",    "take",        "program_on"};
    g_assert_cmpuint(json_array_get_length(entries), ==, G_N_ELEMENTS(want));
    g_autoptr(CtlPosting) p3 = ctl_store_get_posting(f->t.store, 3, NULL);
    for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
        JsonObject *en = json_array_get_object_element(entries, i);
        g_assert_cmpstr(json_object_get_string_member(en, "event"), ==, want[i]);
        g_assert_true(g_str_has_suffix(json_object_get_string_member(en, "at"), "Z"));
        if (i < 8) { /* everything after the take names posting 3 as shown */
            g_assert_cmpint(json_object_get_int_member(en, "posting_id"), ==, 3);
            g_assert_cmpint(json_object_get_int_member(en, "posting_version"), ==, p3->version);
            g_assert_cmpstr(json_object_get_string_member(en, "title"), ==, p3->title);
            g_assert_cmpstr(json_object_get_string_member(en, "pay_text"), !=, "");
        }
    }
    JsonObject *take = json_array_get_object_element(entries, 7);
    g_assert_cmpstr(json_object_get_string_member(take, "actor"), ==, "producer");
    JsonObject *down = json_array_get_object_element(entries, 4);
    g_assert_cmpstr(json_object_get_string_member(down, "actor"), ==, "stream");
    g_assert_true(g_str_has_prefix(json_object_get_string_member(down, "detail"), "douyin"));
    g_assert_null(strstr(json_object_get_string_member(down, "detail"), "KEY"));
    JsonObject *slate = json_array_get_object_element(entries, 6);
    g_assert_cmpstr(json_object_get_string_member(slate, "detail"), ==, "稍后回来");
    g_assert_true(json_object_get_null_member(r, "next_before_id"));
}

static void test_filters_and_pages(Fixture *f, gconstpointer data)
{
    g_autoptr(JsonNode) a = NULL;
    g_autoptr(JsonNode) b = NULL;
    g_autoptr(JsonNode) c = NULL;
    g_autoptr(JsonNode) d = NULL;
    ok(f, "show.take", "{\"posting_id\":2}", &a); /* before any show */
    JsonObject *created = ok(f, "shows.create", "{\"title\":\"夜场\"}", &b);
    gint64 show = json_object_get_int_member(json_object_get_object_member(created, "show"), "id");
    ok(f, "show.take", "{\"posting_id\":3}", &c);
    ok(f, "show.take", "{\"posting_id\":4}", &d);

    g_autofree char *in_show = g_strdup_printf("{\"show_id\":%" G_GINT64_FORMAT "}", show);
    g_autoptr(JsonNode) k1 = NULL;
    JsonArray *e1 = json_object_get_array_member(ok(f, "asaired.list", in_show, &k1), "entries");
    g_assert_cmpuint(json_array_get_length(e1), ==, 2);
    g_autoptr(JsonNode) k2 = NULL;
    JsonArray *e2 =
        json_object_get_array_member(ok(f, "asaired.list", "{\"posting_id\":2}", &k2), "entries");
    g_assert_cmpuint(json_array_get_length(e2), ==, 1);
    /* Today in the export zone (+08:00) holds them all; the day before, none. */
    g_autoptr(GTimeZone) tz = g_time_zone_new_identifier("+08:00");
    g_autoptr(GDateTime) now = g_date_time_new_now(tz);
    g_autoptr(GDateTime) before = g_date_time_add_days(now, -1);
    g_autofree char *today = g_date_time_format(now, "{\"day\":\"%Y-%m-%d\"}");
    g_autofree char *yesterday = g_date_time_format(before, "{\"day\":\"%Y-%m-%d\"}");
    g_autoptr(JsonNode) k3 = NULL;
    g_assert_cmpuint(json_array_get_length(json_object_get_array_member(
                         ok(f, "asaired.list", today, &k3), "entries")),
                     ==, 3);
    g_autoptr(JsonNode) k4 = NULL;
    g_assert_cmpuint(json_array_get_length(json_object_get_array_member(
                         ok(f, "asaired.list", yesterday, &k4), "entries")),
                     ==, 0);
    /* Pages of one, newest first, until next_before_id is null. */
    gint64 before_id = 0;
    gint64 seen[3];
    for (int i = 0; i < 3; i++) {
        g_autofree char *params =
            before_id > 0
                ? g_strdup_printf("{\"limit\":1,\"before_id\":%" G_GINT64_FORMAT "}", before_id)
                : g_strdup("{\"limit\":1}");
        g_autoptr(JsonNode) k = NULL;
        JsonObject *r = ok(f, "asaired.list", params, &k);
        JsonArray *page = json_object_get_array_member(r, "entries");
        g_assert_cmpuint(json_array_get_length(page), ==, 1);
        seen[i] = json_object_get_int_member(json_array_get_object_element(page, 0), "posting_id");
        JsonNode *next = json_object_get_member(r, "next_before_id");
        if (i < 2)
            before_id = json_node_get_int(next);
        else
            g_assert_true(JSON_NODE_HOLDS_NULL(next));
    }
    g_assert_cmpint(seen[0], ==, 4);
    g_assert_cmpint(seen[1], ==, 3);
    g_assert_cmpint(seen[2], ==, 2);
}

static char *get_csv(Fixture *f, const char *query, const char *auth, guint *status)
{
    g_autofree char *path = g_strconcat("/api/asaired.csv", query, NULL);
    g_autoptr(SoupMessage) msg = ctl_test_get(f->t.port, path, auth);
    char *text = ctl_test_http_text(f->t.soup, msg);
    *status = soup_message_get_status(msg);
    return text;
}

static void test_csv(Fixture *f, gconstpointer data)
{
    g_autoptr(JsonNode) a = NULL;
    g_autoptr(JsonNode) b = NULL;
    g_autoptr(JsonNode) c = NULL;
    /* A posting whose title starts like a formula: shown as text in a spreadsheet. */
    JsonObject *created =
        ok(f, "postings.create",
           "{\"title\":\"=HYPERLINK(\\\"http://x\\\")\",\"company\":\"某公司\","
           "\"pay_min\":100,\"pay_max\":200,\"pay_unit\":\"day\",\"headcount\":1}",
           &a);
    gint64 id = json_object_get_int_member(json_object_get_object_member(created, "posting"), "id");
    g_autofree char *take = g_strdup_printf("{\"posting_id\":%" G_GINT64_FORMAT "}", id);
    ok(f, "show.take", take, &b);
    ok(f, "show.take", "{\"posting_id\":1}", &c);
    guint status = 0;
    g_autofree char *query = g_strdup_printf("?posting_id=%" G_GINT64_FORMAT, id);
    g_autofree char *csv = get_csv(f, query, "Bearer " TOKEN, &status);
    g_test_message("%s", csv);
    g_assert_cmpuint(status, ==, 200);
    g_assert_true(g_str_has_prefix(csv, "\xEF\xBB\xBF编号,时间,事件,"));
    g_assert_nonnull(strstr(csv, "\"'=HYPERLINK(\"\"http://x\"\")\""));
    g_assert_nonnull(strstr(csv, "100-200 元/天"));
    g_assert_nonnull(strstr(csv, ",take,"));
    guint lines = 0;
    for (const char *p = csv; *p != '\0'; p++)
        lines += *p == '\n';
    g_assert_cmpuint(lines, ==, 1 + 1);
    g_autofree char *all = get_csv(f, "", "Bearer " TOKEN, &status);
    g_assert_cmpuint(status, ==, 200);
    g_assert_nonnull(strstr(all, "\r\n"));
}

static void test_host_refused(Fixture *f, gconstpointer data)
{
    CtlTestWs *host = ctl_test_ws_producer(f->t.soup, f->t.port, "Bearer " HOST_TOKEN);
    g_autoptr(JsonNode) r = call_on(host, "asaired.list", NULL);
    g_assert_cmpint(error_code(r), ==, -32001);
    ctl_test_ws_free(host);
    guint status = 0;
    g_autofree char *h = get_csv(f, "", "Bearer " HOST_TOKEN, &status);
    g_assert_cmpuint(status, ==, 403);
    g_autofree char *none = get_csv(f, "", NULL, &status);
    g_assert_cmpuint(status, ==, 401);
}

static void test_bad_filters(Fixture *f, gconstpointer data)
{
    static const char *const bad[] = {
        "{\"day\":\"2026-13-01\"}",
        "{\"day\":\"2026-02-30\"}",
        "{\"day\":\"yesterday\"}",
        "{\"day\":\"2026-1-1\"}",
        "{\"day\":5}",
        "{\"show_id\":-1}",
        "{\"show_id\":\"1\"}",
        "{\"posting_id\":0.5}",
        "{\"limit\":501}",
        "{\"before_id\":\"x\"}",
        "{\"day\":\"2026-01-01' OR 1=1 --\"}",
    };
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(JsonNode) r = call_on(f->ws, "asaired.list", bad[i]);
        if (error_code(r) != -32602)
            g_error("asaired.list %s: %s", bad[i], json_to_string(r, FALSE));
    }
    static const char *const bad_queries[] = {"?day=2026-13-01", "?day=%27%20OR%201=1",
                                              "?show_id=abc", "?posting_id=-3", "?show_id=0"};
    for (gsize i = 0; i < G_N_ELEMENTS(bad_queries); i++) {
        guint status = 0;
        g_autofree char *body = get_csv(f, bad_queries[i], "Bearer " TOKEN, &status);
        if (status != 400)
            g_error("GET /api/asaired.csv%s: %u", bad_queries[i], status);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, setup, fn, teardown)
    ADD("/control/asaired/every-event-logged", test_events_logged);
    ADD("/control/asaired/filters-and-pages", test_filters_and_pages);
    ADD("/control/asaired/csv", test_csv);
    ADD("/security/asaired/host-refused", test_host_refused);
    ADD("/security/asaired/bad-filters", test_bad_filters);
#undef ADD
    return g_test_run();
}
