/* Tests of the producer protocol end to end: a real control server on 127.0.0.1 (port 0) over a
 * real store in a temp dir, driven by libsoup WebSocket clients on the same GLib loop. One test
 * per method family; each checks the reply, the notification every other client gets, what was
 * persisted, and what on_scene told the overlay. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <sqlite3.h>
#include <string.h>

#include "ctl_auth.h"
#include "ctl_control.h"
#include "ctl_refs.h"
#include "ctl_store.h"
#include "ctl_store_questions.h"
#include "ctl_test.h"
#include "jc_error.h"

#define TOKEN "proto-producer-token"

typedef struct {
    char *dir;
    char *db_path;
    CtlStore *store;
    CtlControl *control;
    int port;
    int admin_port;
    SoupSession *soup;
    int scenes;           /* on_scene calls */
    gint64 scene_posting; /* last scene's posting id, 0 = none */
    gint64 scene_signups;
    gboolean scene_slate;
    char *scene_ticker;   /* owned */
    char *scene_layout;   /* owned */
    char *scene_host;     /* owned */
    char *scene_question; /* owned */
} Fixture;

static void on_scene(const CtlScene *scene, gpointer data)
{
    Fixture *f = data;
    f->scenes++;
    f->scene_posting = scene->posting != NULL ? scene->posting->id : 0;
    f->scene_signups = scene->signups;
    f->scene_slate = scene->slate;
    g_free(f->scene_ticker);
    f->scene_ticker = g_strdup(scene->ticker);
    g_free(f->scene_layout);
    f->scene_layout = g_strdup(scene->layout);
    g_free(f->scene_host);
    f->scene_host = g_strdup(scene->host_name);
    g_free(f->scene_question);
    f->scene_question = g_strdup(scene->question);
}

static GBytes *preview_frame(gpointer data, gint64 *seq)
{
    int *calls = data;
    (*calls)++;
    *seq = 42;
    return g_bytes_new_static("\xff\xd8\xff\xd9", 4);
}

static CtlControl *start(Fixture *f, gboolean admin, GError **error)
{
    static const char *const trusted[] = {"127.0.0.1", NULL};
    CtlControlConfig cfg = {
        .listen_host = "127.0.0.1",
        .listen_port = 0,
        .producer_token = TOKEN,
        .store = f->store,
        .on_scene = on_scene,
        .on_scene_data = f,
        .admin_host = admin ? "127.0.0.1" : NULL,
        .admin_port = 0,
        .trusted_proxies = trusted,
        .signup_rate_per_minute = 3,
    };
    return ctl_control_new(&cfg, error);
}

static void setup_with(Fixture *f, gboolean admin)
{
    g_autoptr(GError) error = NULL;
    f->dir = g_dir_make_tmp("jobcast-proto-XXXXXX", &error);
    f->db_path = g_build_filename(f->dir, "jobcast.db", NULL);
    f->store = ctl_store_open(f->db_path, &error);
    g_assert_no_error(error);
    ctl_test_seed(f->store);
    f->control = start(f, admin, &error);
    g_assert_no_error(error);
    f->port = ctl_control_port(f->control);
    f->admin_port = ctl_control_admin_port(f->control);
    f->soup = soup_session_new_with_options("timeout", 10, NULL);
}

static void setup(Fixture *f, gconstpointer data)
{
    setup_with(f, data != NULL);
}

static void teardown(Fixture *f, gconstpointer data)
{
    g_clear_object(&f->soup);
    ctl_control_free(f->control);
    ctl_store_close(f->store);
    ctl_test_remove_dir(f->dir);
    g_free(f->db_path);
    g_free(f->dir);
    g_free(f->scene_ticker);
    g_free(f->scene_layout);
    g_free(f->scene_host);
    g_free(f->scene_question);
}

/* ---- WebSocket client ---- */

static CtlTestWs *producer(Fixture *f)
{
    return ctl_test_ws_producer(f->soup, f->admin_port > 0 ? f->admin_port : f->port,
                                "Bearer " TOKEN);
}

/* The result object of a successful call. (transfer none: lives as long as reply) */
static JsonObject *result_of(JsonNode *reply)
{
    JsonObject *o = json_node_get_object(reply);
    if (json_object_has_member(o, "error"))
        g_error("unexpected error: %s", json_object_get_string_member(
                                            json_object_get_object_member(o, "error"), "message"));
    return json_object_get_object_member(o, "result");
}

static gint64 error_code(JsonNode *reply, const char **message)
{
    JsonObject *err = json_object_get_object_member(json_node_get_object(reply), "error");
    g_assert_nonnull(err);
    if (message != NULL)
        *message = json_object_get_string_member(err, "message");
    return json_object_get_int_member(err, "code");
}

/* Waits for the notification named method (others before it are dropped). (transfer full) */
static JsonNode *notification(CtlTestWs *w, const char *method)
{
    for (;;) {
        JsonNode *m = ctl_test_ws_next(w);
        JsonObject *o = json_node_get_object(m);
        if (!json_object_has_member(o, "id") &&
            g_strcmp0(json_object_get_string_member(o, "method"), method) == 0)
            return m;
        json_node_unref(m);
    }
}

static JsonObject *params_of(JsonNode *note)
{
    return json_object_get_object_member(json_node_get_object(note), "params");
}

/* ---- HTTP ---- */

static guint apply(Fixture *f, const char *body, const char *xff)
{
    g_autoptr(SoupMessage) msg =
        ctl_test_post(f->port, "/api/apply", "application/json", body, strlen(body));
    if (xff != NULL)
        soup_message_headers_replace(soup_message_get_request_headers(msg), "X-Forwarded-For", xff);
    g_autoptr(GBytes) reply = ctl_test_http(f->soup, msg);
    return soup_message_get_status(msg);
}

/* ---- tests ---- */

static void test_state_get_everything(Fixture *f, gconstpointer data)
{
    CtlTestWs *w = producer(f);
    g_autoptr(JsonNode) r = ctl_test_ws_call(w, "state.get", NULL);
    JsonObject *s = result_of(r);
    static const char *const members[] = {"role",    "on_air",   "postings", "preview", "show",
                                          "rundown", "graphics", "rotation", "counts",  "stream"};
    for (gsize i = 0; i < G_N_ELEMENTS(members); i++)
        g_assert_true(json_object_has_member(s, members[i]));
    g_assert_cmpstr(json_object_get_string_member(s, "role"), ==, "producer");
    JsonObject *g = json_object_get_object_member(s, "graphics");
    g_assert_cmpstr(json_object_get_string_member(g, "layout"), ==, "16:9");
    JsonObject *first =
        json_array_get_object_element(json_object_get_array_member(s, "postings"), 0);
    g_assert_cmpint(json_object_get_int_member(first, "version"), ==, 1);
    g_assert_true(json_object_get_null_member(s, "stream"));
    g_assert_cmpint(f->scenes, >=, 1); /* on_scene ran at start-up */
    ctl_test_ws_free(w);
}

static void test_postings_create_validates(Fixture *f, gconstpointer data)
{
    CtlTestWs *a = producer(f);
    CtlTestWs *b = producer(f);
    struct {
        const char *params;
        const char *field;
    } bad[] = {
        {"{\"company\":\"c\",\"pay_min\":1,\"pay_max\":2,\"pay_unit\":\"day\",\"headcount\":1}",
         "title"},
        {"{\"title\":\"\",\"company\":\"c\",\"pay_min\":1,\"pay_max\":2,\"pay_unit\":\"day\","
         "\"headcount\":1}",
         "title"},
        {"{\"title\":\"t\",\"company\":\"c\",\"pay_min\":5,\"pay_max\":2,\"pay_unit\":\"day\","
         "\"headcount\":1}",
         "pay_max"},
        {"{\"title\":\"t\",\"company\":\"c\",\"pay_min\":1,\"pay_max\":2,\"pay_unit\":\"week\","
         "\"headcount\":1}",
         "pay_unit"},
        {"{\"title\":\"t\",\"company\":\"c\",\"pay_min\":1,\"pay_max\":2,\"pay_unit\":\"day\","
         "\"headcount\":-1}",
         "headcount"},
        {"{\"title\":\"t\",\"company\":\"c\",\"pay_min\":1,\"pay_max\":2,\"pay_unit\":\"day\","
         "\"headcount\":1,\"tags\":[1]}",
         "tags"},
        {"{\"title\":\"t\",\"company\":\"c\",\"pay_min\":\"1\",\"pay_max\":2,\"pay_unit\":\"day\","
         "\"headcount\":1}",
         "pay_min"},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(JsonNode) r = ctl_test_ws_call(a, "postings.create", bad[i].params);
        const char *message = NULL;
        g_assert_cmpint(error_code(r, &message), ==, -32602);
        g_assert_true(g_str_has_prefix(message, bad[i].field));
    }
    /* A 1 MiB-ish field is refused by the message cap, never stored. */
    g_autoptr(GString) big = g_string_new(
        "{\"jsonrpc\":\"2.0\",\"id\":99,\"method\":\"postings.create\",\"params\":{\"title\":\"");
    for (int i = 0; i < 1024 * 1024; i++)
        g_string_append_c(big, 'x');
    g_string_append(big, "\"}}");
    soup_websocket_connection_send_text(a->ws, big->str);
    g_autoptr(JsonNode) rb = ctl_test_ws_next(a);
    g_assert_true(json_object_get_null_member(json_node_get_object(rb), "id"));
    g_assert_cmpint(error_code(rb, NULL), ==, -32600);

    /* SQL and markup are stored literally. */
    const char *ok = "{\"title\":\"<b>焊工</b>'); DROP TABLE postings;--\",\"company\":\"某厂\","
                     "\"pay_min\":6000,\"pay_max\":8000,\"pay_unit\":\"month\",\"headcount\":3,"
                     "\"tags\":[\"五险一金\"],\"talking_points\":\"第一行\\n第二行\"}";
    g_autoptr(JsonNode) r = ctl_test_ws_call(a, "postings.create", ok);
    JsonObject *p = json_object_get_object_member(result_of(r), "posting");
    g_assert_cmpstr(json_object_get_string_member(p, "title"), ==,
                    "<b>焊工</b>'); DROP TABLE postings;--");
    g_assert_cmpint(json_object_get_int_member(p, "version"), ==, 1);
    g_autoptr(JsonNode) note = notification(b, "posting.changed");
    JsonObject *np = json_object_get_object_member(params_of(note), "posting");
    g_assert_cmpint(json_object_get_int_member(np, "id"), ==, json_object_get_int_member(p, "id"));
    ctl_test_ws_free(a);
    ctl_test_ws_free(b);
}

static void test_postings_update_conflict(Fixture *f, gconstpointer data)
{
    CtlTestWs *a = producer(f);
    CtlTestWs *b = producer(f);
    g_autoptr(JsonNode) r1 =
        ctl_test_ws_call(a, "postings.update", "{\"posting_id\":2,\"version\":1,\"headcount\":9}");
    JsonObject *p = json_object_get_object_member(result_of(r1), "posting");
    g_assert_cmpint(json_object_get_int_member(p, "version"), ==, 2);
    g_assert_cmpint(json_object_get_int_member(p, "headcount"), ==, 9);
    /* b still edits version 1: refused, nothing overwritten. */
    g_autoptr(JsonNode) r2 =
        ctl_test_ws_call(b, "postings.update", "{\"posting_id\":2,\"version\":1,\"headcount\":1}");
    g_assert_cmpint(error_code(r2, NULL), ==, -32009);
    g_autoptr(CtlPosting) stored = ctl_store_get_posting(f->store, 2, NULL);
    g_assert_cmpint(stored->headcount, ==, 9);
    g_autoptr(JsonNode) r3 = ctl_test_ws_call(b, "postings.update", "{\"posting_id\":2}");
    g_assert_cmpint(error_code(r3, NULL), ==, -32602); /* version is required */

    g_autoptr(JsonNode) r4 =
        ctl_test_ws_call(a, "postings.archive", "{\"posting_id\":2,\"version\":2}");
    JsonObject *arch = json_object_get_object_member(result_of(r4), "posting");
    g_assert_true(json_object_get_boolean_member(arch, "archived"));
    g_autoptr(JsonNode) r5 = ctl_test_ws_call(a, "postings.list", NULL);
    JsonArray *list = json_object_get_array_member(result_of(r5), "postings");
    for (guint i = 0; i < json_array_get_length(list); i++)
        g_assert_cmpint(json_object_get_int_member(json_array_get_object_element(list, i), "id"),
                        !=, 2);
    g_autoptr(JsonNode) r6 =
        ctl_test_ws_call(a, "postings.search", "{\"query\":\"%\",\"include_archived\":true}");
    g_assert_cmpuint(json_array_get_length(json_object_get_array_member(result_of(r6), "postings")),
                     ==, 0);
    ctl_test_ws_free(a);
    ctl_test_ws_free(b);
}

static void test_cue_take_next_clear(Fixture *f, gconstpointer data)
{
    CtlTestWs *a = producer(f);
    CtlTestWs *b = producer(f);
    g_autoptr(JsonNode) r1 = ctl_test_ws_call(a, "show.cue", "{\"posting_id\":4}");
    g_autoptr(JsonNode) n1 = notification(b, "preview.changed");
    g_assert_cmpint(
        json_object_get_int_member(json_object_get_object_member(params_of(n1), "preview"), "id"),
        ==, 4);
    g_assert_cmpint(f->scene_posting, ==, 1); /* a cue does not touch program */

    g_autoptr(JsonNode) r2 = ctl_test_ws_call(a, "show.take", NULL); /* takes the cued one */
    JsonObject *on_air = json_object_get_object_member(result_of(r2), "on_air");
    g_assert_cmpint(json_object_get_int_member(on_air, "id"), ==, 4);
    g_assert_cmpint(f->scene_posting, ==, 4);
    g_autoptr(JsonNode) n2 = notification(b, "on_air.changed");

    g_autoptr(JsonNode) r3 = ctl_test_ws_call(a, "show.next", NULL);
    g_assert_cmpint(
        json_object_get_int_member(json_object_get_object_member(result_of(r3), "on_air"), "id"),
        ==, 5);
    g_autoptr(JsonNode) r4 = ctl_test_ws_call(a, "show.previous", NULL);
    g_assert_cmpint(
        json_object_get_int_member(json_object_get_object_member(result_of(r4), "on_air"), "id"),
        ==, 4);
    g_autoptr(JsonNode) r5 = ctl_test_ws_call(a, "show.clear", NULL);
    g_assert_true(json_object_get_null_member(result_of(r5), "on_air"));
    g_assert_cmpint(f->scene_posting, ==, 0);
    g_autoptr(JsonNode) r6 = ctl_test_ws_call(a, "show.take", NULL); /* nothing cued any more */
    g_assert_cmpint(error_code(r6, NULL), ==, -32602);

    /* Every take is in the as-aired log (4, 5, 4), and the clear. */
    g_assert_cmpint(ctl_store_count_as_aired(f->store, NULL), ==, 4);
    ctl_test_ws_free(a);
    ctl_test_ws_free(b);
}

static void test_shows_and_rundown(Fixture *f, gconstpointer data)
{
    CtlTestWs *a = producer(f);
    CtlTestWs *b = producer(f);
    g_autoptr(JsonNode) r0 = ctl_test_ws_call(a, "rundown.add", "{\"posting_id\":1}");
    g_assert_cmpint(error_code(r0, NULL), ==, -32602); /* no show yet */
    g_autoptr(JsonNode) r1 = ctl_test_ws_call(a, "shows.create", "{\"title\":\"周五夜场\"}");
    JsonObject *show = json_object_get_object_member(result_of(r1), "show");
    g_assert_false(json_object_get_boolean_member(show, "live"));
    g_autoptr(JsonNode) n1 = notification(b, "show.changed");

    g_autoptr(JsonNode) r2 = ctl_test_ws_call(a, "rundown.set", "{\"posting_ids\":[3,1,2]}");
    g_autoptr(JsonNode) r3 =
        ctl_test_ws_call(a, "rundown.add", "{\"posting_id\":5,\"position\":0}");
    g_autoptr(JsonNode) r4 =
        ctl_test_ws_call(a, "rundown.move", "{\"posting_id\":2,\"position\":1}");
    g_autoptr(JsonNode) r5 = ctl_test_ws_call(a, "rundown.remove", "{\"posting_id\":1}");
    JsonArray *rd = json_object_get_array_member(result_of(r5), "rundown");
    gint64 want[] = {5, 2, 3};
    g_assert_cmpuint(json_array_get_length(rd), ==, 3);
    for (guint i = 0; i < 3; i++)
        g_assert_cmpint(json_array_get_int_element(rd, i), ==, want[i]);
    g_autoptr(JsonNode) n2 = notification(b, "rundown.changed");
    g_autoptr(JsonNode) bad = ctl_test_ws_call(a, "rundown.add", "{\"posting_id\":999}");
    g_assert_cmpint(error_code(bad, NULL), ==, -32004);
    g_autoptr(JsonNode) bad_remove = ctl_test_ws_call(a, "rundown.remove", "{\"posting_id\":999}");
    g_assert_cmpint(error_code(bad_remove, NULL), ==, -32004);
    g_autoptr(JsonNode) bad_move =
        ctl_test_ws_call(a, "rundown.move", "{\"posting_id\":999,\"position\":0}");
    g_assert_cmpint(error_code(bad_move, NULL), ==, -32004);

    /* next follows the rundown: from nothing in it, its first; then wraps at the end. */
    g_autoptr(JsonNode) t1 = ctl_test_ws_call(a, "show.next", NULL);
    g_assert_cmpint(f->scene_posting, ==, 5);
    g_autoptr(JsonNode) t2 = ctl_test_ws_call(a, "show.take", "{\"posting_id\":3}");
    g_autoptr(JsonNode) t3 = ctl_test_ws_call(a, "show.next", NULL);
    g_assert_cmpint(f->scene_posting, ==, 5);

    g_autoptr(JsonNode) s1 = ctl_test_ws_call(a, "shows.start", NULL);
    g_assert_true(json_object_get_boolean_member(
        json_object_get_object_member(result_of(s1), "show"), "live"));
    g_autoptr(JsonNode) s2 = ctl_test_ws_call(a, "shows.stop", NULL);
    g_assert_false(json_object_get_boolean_member(
        json_object_get_object_member(result_of(s2), "show"), "live"));
    g_autoptr(JsonNode) s3 = ctl_test_ws_call(a, "shows.start", NULL);
    g_assert_cmpint(error_code(s3, NULL), ==, -32009);
    ctl_test_ws_free(a);
    ctl_test_ws_free(b);
}

static void test_graphics_and_scene(Fixture *f, gconstpointer data)
{
    CtlTestWs *a = producer(f);
    CtlTestWs *b = producer(f);
    g_autoptr(JsonNode) r1 =
        ctl_test_ws_call(a, "graphics.ticker", "{\"text\":\"今日岗位：普工、焊工\"}");
    g_autoptr(JsonNode) n1 = notification(b, "graphics.changed");
    g_assert_cmpstr(json_object_get_string_member(
                        json_object_get_object_member(params_of(n1), "graphics"), "ticker"),
                    ==, "今日岗位：普工、焊工");
    g_assert_cmpstr(f->scene_ticker, ==, "今日岗位：普工、焊工");
    g_autoptr(JsonNode) r2 = ctl_test_ws_call(a, "graphics.lower_third",
                                              "{\"name\":\"小王\",\"title\":\"零工市场主播\"}");
    g_assert_cmpstr(f->scene_host, ==, "小王");
    g_autoptr(JsonNode) r3 =
        ctl_test_ws_call(a, "graphics.slate", "{\"on\":true,\"text\":\"休息一下\"}");
    g_assert_true(f->scene_slate);
    g_autoptr(JsonNode) r4 = ctl_test_ws_call(a, "graphics.layout", "{\"layout\":\"9:16\"}");
    g_assert_cmpstr(f->scene_layout, ==, "9:16");
    g_autoptr(JsonNode) r5 = ctl_test_ws_call(a, "graphics.layout", "{\"layout\":\"4:3\"}");
    g_assert_cmpint(error_code(r5, NULL), ==, -32602);
    g_autoptr(JsonNode) r6 = ctl_test_ws_call(a, "graphics.brand", "{\"text\":\"河东零工直播间\"}");
    g_autoptr(JsonNode) r7 = ctl_test_ws_call(a, "graphics.theme", "{\"theme\":\"high-contrast\"}");
    g_autoptr(JsonNode) r8 = ctl_test_ws_call(a, "graphics.ticker", "{\"text\":\"a\\u0007b\"}");
    g_assert_cmpint(error_code(r8, NULL), ==, -32602);

    /* Everything survives a restart of the control. */
    ctl_test_ws_free(a);
    ctl_test_ws_free(b);
    ctl_control_free(f->control);
    g_autoptr(GError) error = NULL;
    f->control = start(f, FALSE, &error);
    g_assert_no_error(error);
    f->port = ctl_control_port(f->control);
    g_assert_cmpstr(f->scene_layout, ==, "9:16");
    g_assert_true(f->scene_slate);
    CtlTestWs *c = producer(f);
    g_autoptr(JsonNode) st = ctl_test_ws_call(c, "state.get", NULL);
    JsonObject *g = json_object_get_object_member(result_of(st), "graphics");
    g_assert_cmpstr(json_object_get_string_member(g, "brand"), ==, "河东零工直播间");
    g_assert_cmpstr(json_object_get_string_member(g, "theme"), ==, "high-contrast");
    ctl_test_ws_free(c);
}

/* A viewer's question on air reaches the overlay's scene beside the host's lower third, goes off
 * by hand and with the next take (producers told), and comes back on air after a restart. */
static void test_question_on_air(Fixture *f, gconstpointer data)
{
    CtlTestWs *a = producer(f);
    g_autoptr(JsonNode) r0 = ctl_test_ws_call(a, "graphics.lower_third", "{\"name\":\"小王\"}");
    gint64 id = ctl_store_add_question(f->store, 1, "包住宿吗？", NULL);
    g_assert_cmpint(id, >, 0);
    g_autofree char *by_id = g_strdup_printf("{\"id\":%" G_GINT64_FORMAT "}", id);
    g_autoptr(JsonNode) r1 = ctl_test_ws_call(a, "questions.approve", by_id);
    g_autoptr(JsonNode) r2 = ctl_test_ws_call(a, "questions.on_air", by_id);
    result_of(r2);
    g_assert_cmpstr(f->scene_question, ==, "包住宿吗？");
    g_assert_cmpstr(f->scene_host, ==, "小王"); /* beside the host's name, not instead */
    g_autoptr(JsonNode) r3 = ctl_test_ws_call(a, "questions.off_air", NULL);
    g_assert_cmpstr(f->scene_question, ==, "");
    g_autoptr(JsonNode) r4 = ctl_test_ws_call(a, "questions.on_air", by_id);
    g_assert_cmpstr(f->scene_question, ==, "包住宿吗？");

    /* Restarted: still on air. */
    ctl_test_ws_free(a);
    ctl_control_free(f->control);
    g_autoptr(GError) error = NULL;
    f->control = start(f, FALSE, &error);
    g_assert_no_error(error);
    f->port = ctl_control_port(f->control);
    g_assert_cmpstr(f->scene_question, ==, "包住宿吗？");

    /* The next take takes it off, and producers hear of it. */
    CtlTestWs *b = producer(f);
    g_autoptr(JsonNode) r5 = ctl_test_ws_call(b, "show.take", "{\"posting_id\":2}");
    result_of(r5);
    g_assert_cmpstr(f->scene_question, ==, "");
    g_autoptr(JsonNode) note = notification(b, "questions.changed");
    JsonObject *q = json_object_get_object_member(params_of(note), "question");
    g_assert_cmpint(json_object_get_int_member(q, "id"), ==, id);
    g_assert_false(json_object_get_boolean_member(q, "on_air"));
    g_autoptr(CtlQuestionRow) row = ctl_store_question_on_air(f->store, &error);
    g_assert_no_error(error);
    g_assert_null(row);
    ctl_test_ws_free(b);
}

static void test_rotation_controls(Fixture *f, gconstpointer data)
{
    CtlTestWs *a = producer(f);
    CtlTestWs *b = producer(f);
    g_autoptr(JsonNode) r0 = ctl_test_ws_call(a, "rotation.start", "{\"dwell_s\":1}");
    g_assert_cmpint(error_code(r0, NULL), ==, -32602); /* below the 5 s minimum */
    g_autoptr(JsonNode) r1 = ctl_test_ws_call(a, "rotation.start", "{\"dwell_s\":5}");
    JsonObject *rot = json_object_get_object_member(result_of(r1), "rotation");
    g_assert_true(json_object_get_boolean_member(rot, "on"));
    g_autoptr(JsonNode) n1 = notification(b, "rotation.changed");
    g_autoptr(JsonNode) r2 = ctl_test_ws_call(a, "rotation.pin", "{\"pinned\":true}");
    g_assert_true(json_object_get_boolean_member(
        json_object_get_object_member(result_of(r2), "rotation"), "pinned"));
    g_autoptr(JsonNode) r3 = ctl_test_ws_call(a, "rotation.stop", NULL);
    g_assert_false(json_object_get_boolean_member(
        json_object_get_object_member(result_of(r3), "rotation"), "on"));
    ctl_test_ws_free(a);
    ctl_test_ws_free(b);
}

/* Rotation moves on by itself and passes over postings whose headcount is filled: hired, not
 * merely signed up. */
static void test_rotation_skips_filled(Fixture *f, gconstpointer data)
{
    CtlTestWs *a = producer(f);
    /* Posting 2 wants one person and hires one; posting 3's sign-up fills nothing. */
    g_autoptr(JsonNode) u = ctl_test_ws_call(a, "postings.update",
                                             "{\"posting_id\":2,\"version\":1,"
                                             "\"headcount\":1}");
    g_assert_cmpuint(apply(f,
                           "{\"posting_id\":2,\"name\":\"赵六\",\"phone\":\"13700001111\","
                           "\"consent\":true}",
                           NULL),
                     ==, 201);
    g_autoptr(JsonNode) u3 = ctl_test_ws_call(a, "postings.update",
                                              "{\"posting_id\":3,\"version\":1,"
                                              "\"headcount\":1}");
    g_assert_cmpuint(apply(f,
                           "{\"posting_id\":3,\"name\":\"钱七\",\"phone\":\"13700002222\","
                           "\"consent\":true}",
                           NULL),
                     ==, 201);
    g_autoptr(JsonNode) l = ctl_test_ws_call(a, "signups.list", "{\"posting_id\":2}");
    JsonArray *rows = json_object_get_array_member(result_of(l), "signups");
    g_autofree char *hire =
        g_strdup_printf("{\"signup_id\":%" G_GINT64_FORMAT ",\"status\":\"hired\"}",
                        json_object_get_int_member(json_array_get_object_element(rows, 0), "id"));
    g_autoptr(JsonNode) h = ctl_test_ws_call(a, "signups.set_status", hire);
    result_of(h);
    g_autoptr(JsonNode) c = ctl_test_ws_call(a, "shows.create", "{\"title\":\"轮播\"}");
    g_autoptr(JsonNode) s = ctl_test_ws_call(a, "rundown.set", "{\"posting_ids\":[1,2,3]}");
    g_autoptr(JsonNode) t = ctl_test_ws_call(a, "show.take", "{\"posting_id\":1}");
    g_autoptr(JsonNode) r = ctl_test_ws_call(a, "rotation.start", "{\"dwell_s\":5}");
    g_queue_clear_full(&a->messages, (GDestroyNotify)json_node_unref);
    g_autoptr(JsonNode) n = notification(a, "on_air.changed"); /* after about 5 s */
    JsonObject *on_air = json_object_get_object_member(params_of(n), "on_air");
    g_assert_cmpint(json_object_get_int_member(on_air, "id"), ==, 3);
    ctl_test_ws_free(a);
}

static void test_host_read_only(Fixture *f, gconstpointer data)
{
    CtlTestWs *a = producer(f);
    g_autoptr(JsonNode) r =
        ctl_test_ws_call(a, "accounts.add", "{\"name\":\"anchor\",\"role\":\"host\"}");
    const char *token = json_object_get_string_member(result_of(r), "token");
    g_assert_cmpuint(strlen(token), ==, 32);
    g_autofree char *authz = g_strconcat("Bearer ", token, NULL);
    CtlTestWs *h = ctl_test_ws_connect(f->soup, f->port, authz, NULL, NULL);
    g_assert_cmpuint(h->status, ==, 101);
    g_autoptr(JsonNode) st = ctl_test_ws_call(h, "state.get", NULL);
    g_assert_cmpstr(json_object_get_string_member(result_of(st), "role"), ==, "host");
    static const char *const forbidden[] = {"show.take", "postings.create", "graphics.ticker",
                                            "accounts.add", "rotation.start"};
    for (gsize i = 0; i < G_N_ELEMENTS(forbidden); i++) {
        g_autoptr(JsonNode) e = ctl_test_ws_call(h, forbidden[i], "{\"posting_id\":2}");
        g_assert_cmpint(error_code(e, NULL), ==, -32001);
    }
    g_assert_cmpint(f->scene_posting, ==, 1);
    /* The host still hears every change. */
    g_autoptr(JsonNode) t = ctl_test_ws_call(a, "show.take", "{\"posting_id\":2}");
    g_autoptr(JsonNode) n = notification(h, "on_air.changed");
    ctl_test_ws_free(h);

    /* Revoked: the token no longer opens the socket. */
    g_autoptr(JsonNode) rv = ctl_test_ws_call(a, "accounts.revoke", "{\"name\":\"anchor\"}");
    CtlTestWs *h2 = ctl_test_ws_connect(f->soup, f->port, authz, NULL, NULL);
    g_assert_cmpuint(h2->status, ==, 401);
    ctl_test_ws_free(h2);
    ctl_test_ws_free(a);
}

static void test_signups_list_export(Fixture *f, gconstpointer data)
{
    CtlTestWs *a = producer(f);
    g_autoptr(CtlPosting) p1 = ctl_store_get_posting(f->store, 1, NULL);
    const char *bodies[] = {
        "{\"posting_id\":1,\"name\":\"=HYPERLINK(\\\"x\\\")\",\"phone\":\"13800000001\","
        "\"consent\":true}",
        "{\"posting_id\":1,\"name\":\"王五\",\"phone\":\"13800000002\",\"consent\":true}",
        "{\"posting_id\":2,\"name\":\"李四\",\"phone\":\"13800000003\",\"consent\":true}",
    };
    for (gsize i = 0; i < G_N_ELEMENTS(bodies); i++) {
        g_autofree char *xff = g_strdup_printf("10.1.0.%zu", i);
        g_assert_cmpuint(apply(f, bodies[i], xff), ==, 201);
    }
    g_autoptr(JsonNode) r1 = ctl_test_ws_call(a, "signups.list", "{\"limit\":2}");
    JsonArray *page = json_object_get_array_member(result_of(r1), "signups");
    g_assert_cmpuint(json_array_get_length(page), ==, 2);
    gint64 next = json_object_get_int_member(result_of(r1), "next_before_id");
    g_autofree char *params =
        g_strdup_printf("{\"limit\":2,\"before_id\":%" G_GINT64_FORMAT "}", next);
    g_autoptr(JsonNode) r2 = ctl_test_ws_call(a, "signups.list", params);
    g_assert_cmpuint(json_array_get_length(json_object_get_array_member(result_of(r2), "signups")),
                     ==, 1);
    g_assert_true(json_object_get_null_member(result_of(r2), "next_before_id"));
    g_autoptr(JsonNode) r3 = ctl_test_ws_call(a, "signups.counts", NULL);
    g_assert_cmpint(json_object_get_int_member(result_of(r3), "total"), ==, 3);

    /* CSV for posting 1's employer: BOM, Chinese intact, formula neutralised. */
    g_autofree char *esc = g_uri_escape_string(p1->company, NULL, FALSE);
    g_autofree char *path = g_strdup_printf("/api/export.csv?employer=%s", esc);
    g_autoptr(SoupMessage) none = ctl_test_get(f->port, path, NULL);
    g_autoptr(GBytes) b0 = ctl_test_http(f->soup, none);
    g_assert_cmpuint(soup_message_get_status(none), ==, 401);
    g_autoptr(SoupMessage) msg = ctl_test_get(f->port, path, "Bearer " TOKEN);
    g_autoptr(GBytes) body = ctl_test_http(f->soup, msg);
    g_assert_cmpuint(soup_message_get_status(msg), ==, 200);
    gsize len = 0;
    const char *csv = g_bytes_get_data(body, &len);
    g_autofree char *text = g_strndup(csv, len);
    g_test_message("%s", text);
    g_assert_true(g_str_has_prefix(text, "\xEF\xBB\xBF"));
    g_assert_nonnull(strstr(text, "王五"));
    g_assert_nonnull(strstr(text, "\"'=HYPERLINK(\"\"x\"\")\""));
    g_assert_nonnull(strstr(text, "13800000002"));
    /* Posting 2 is another employer's: its applicant is not in this employer's file. */
    g_autoptr(CtlPosting) p2 = ctl_store_get_posting(f->store, 2, NULL);
    g_assert_cmpstr(p2->company, !=, p1->company);
    if (strstr(text, "李四") != NULL || strstr(text, "13800000003") != NULL)
        g_error("the export for posting 1's employer holds posting 2's applicant (phone "
                "13800000003), who applied to another employer");
    g_assert_null(strstr(text, p2->company));
    guint lines = 0;
    for (const char *c = text; *c != '\0'; c++)
        lines += *c == '\n';
    g_assert_cmpuint(lines, ==, 1 + 2); /* header + posting 1's two applicants */
    sqlite3 *db = NULL;
    g_assert_cmpint(sqlite3_open_v2(f->db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(db, "SELECT employer, row_count FROM exports", -1, &st, NULL);
    g_assert_cmpint(sqlite3_step(st), ==, SQLITE_ROW);
    g_assert_cmpstr((const char *)sqlite3_column_text(st, 0), ==, p1->company);
    g_assert_cmpint(sqlite3_column_int(st, 1), ==, 2);
    sqlite3_finalize(st);
    sqlite3_close(db);
    ctl_test_ws_free(a);
}

/* A sign-up counts for the show that was live when the page was opened (the signed ref in the
 * page's hidden field), even if the show ended before the viewer submitted; a forged ref or
 * none counts for what is live now. The same phone signs up once per posting and show. */
static void test_signup_attributed_to_show(Fixture *f, gconstpointer data)
{
    CtlTestWs *a = producer(f);
    g_autoptr(JsonNode) c = ctl_test_ws_call(a, "shows.create", "{\"title\":\"早场\"}");
    gint64 show =
        json_object_get_int_member(json_object_get_object_member(result_of(c), "show"), "id");
    g_autoptr(JsonNode) s = ctl_test_ws_call(a, "shows.start", NULL);
    /* What GET /a/1 put into the page while the show was live (the key is the store's). */
    CtlRefs *refs = ctl_refs_new(f->store);
    g_autofree char *ref = ctl_refs_make(refs, 1, show);
    ctl_refs_free(refs);
    g_autoptr(JsonNode) stop = ctl_test_ws_call(a, "shows.stop", NULL);

    g_autofree char *with_ref = g_strdup_printf(
        "{\"posting_id\":1,\"name\":\"甲\",\"phone\":\"13600000001\",\"consent\":true,"
        "\"ref\":\"%s\"}",
        ref);
    g_assert_cmpuint(apply(f, with_ref, "10.2.0.1"), ==, 201);
    g_assert_cmpuint(apply(f, with_ref, "10.2.0.1"), ==, 201); /* the same again: duplicate */
    g_assert_cmpuint(apply(f,
                           "{\"posting_id\":1,\"name\":\"甲\",\"phone\":\"13600000001\","
                           "\"consent\":true}",
                           "10.2.0.3"),
                     ==, 201); /* no show live now: a separate sign-up outside any show */
    g_autofree char *forged = g_strdup_printf(
        "{\"posting_id\":1,\"name\":\"乙\",\"phone\":\"13600000002\",\"consent\":true,"
        "\"ref\":\"%" G_GINT64_FORMAT ".0000000000000000\"}",
        show);
    g_assert_cmpuint(apply(f, forged, "10.2.0.2"), ==, 201);
    g_autoptr(GArray) in_show = ctl_store_count_signups_by_posting(f->store, show, NULL);
    g_assert_cmpuint(in_show->len, ==, 2);
    g_assert_cmpint(g_array_index(in_show, gint64, 1), ==, 1);
    g_autoptr(GArray) outside = ctl_store_count_signups_by_posting(f->store, 0, NULL);
    g_assert_cmpint(g_array_index(outside, gint64, 1), ==, 2);
    ctl_test_ws_free(a);
}

static void test_signup_rate_limited(Fixture *f, gconstpointer data)
{
    /* The fixture allows 3 a minute per address; 127.0.0.1 is a trusted proxy. */
    char body[200];
    for (int i = 0; i < 3; i++) {
        g_snprintf(body, sizeof body,
                   "{\"posting_id\":1,\"name\":\"x\",\"phone\":\"1350000000%d\",\"consent\":true}",
                   i);
        g_assert_cmpuint(apply(f, body, "10.3.0.1"), ==, 201);
    }
    g_snprintf(body, sizeof body,
               "{\"posting_id\":1,\"name\":\"x\",\"phone\":\"13500000009\",\"consent\":true}");
    g_assert_cmpuint(apply(f, body, "10.3.0.1"), ==, 429);
    g_assert_cmpuint(apply(f, body, "10.3.0.2"), ==, 201); /* another client behind the proxy */
}

/* The on-air posting's counter on screen follows its sign-ups (redrawn once per batch of
 * committed sign-ups, after their answers); another posting's sign-up does not move it. */
static void test_signup_counter_on_screen(Fixture *f, gconstpointer data)
{
    g_assert_cmpint(f->scene_posting, ==, 1);
    g_assert_cmpint(f->scene_signups, ==, 0);
    int scenes_before = f->scenes;
    g_assert_cmpuint(apply(f,
                           "{\"posting_id\":1,\"name\":\"甲\",\"phone\":\"13700000001\","
                           "\"consent\":true}",
                           "10.4.0.1"),
                     ==, 201);
    g_assert_cmpuint(apply(f,
                           "{\"posting_id\":2,\"name\":\"乙\",\"phone\":\"13700000002\","
                           "\"consent\":true}",
                           "10.4.0.2"),
                     ==, 201);
    g_assert_cmpuint(apply(f,
                           "{\"posting_id\":1,\"name\":\"丙\",\"phone\":\"13700000003\","
                           "\"consent\":true}",
                           "10.4.0.3"),
                     ==, 201);
    for (int i = 0; i < 100 && f->scene_signups != 2; i++)
        ctl_test_spin_for(20);
    g_assert_cmpint(f->scene_posting, ==, 1);
    g_assert_cmpint(f->scene_signups, ==, 2);
    /* Each answered sign-up was its own store batch: one redraw for each of the on-air
     * posting's two, none for the other posting's. */
    ctl_test_spin_for(50);
    g_assert_cmpint(f->scenes - scenes_before, ==, 2);
}

static void test_stream_status_and_metrics(Fixture *f, gconstpointer data)
{
    CtlTestWs *a = producer(f);
    g_autoptr(JsonParser) parser = json_parser_new();
    g_assert_true(json_parser_load_from_data(
        parser,
        "{\"program\":\"playing\",\"running\":29.97,\"outputs\":[{\"name\":\"rtmp://live.example/"
        "app/SECRETKEY\",\"state\":\"live\",\"bytes\":1234,\"url\":\"rtmp://x/app/SECRETKEY\"}]}",
        -1, NULL));
    ctl_control_set_stream_status(f->control, json_parser_get_root(parser));
    g_autoptr(JsonNode) n = notification(a, "stream.status");
    g_assert_cmpstr(json_object_get_string_member(
                        json_object_get_object_member(params_of(n), "stream"), "program"),
                    ==, "playing");
    g_autoptr(JsonNode) st = ctl_test_ws_call(a, "state.get", NULL);
    g_assert_true(JSON_NODE_HOLDS_OBJECT(json_object_get_member(result_of(st), "stream")));

    g_autoptr(SoupMessage) msg = ctl_test_get(f->port, "/metrics", NULL);
    g_autoptr(GBytes) body = ctl_test_http(f->soup, msg);
    g_assert_cmpuint(soup_message_get_status(msg), ==, 200);
    g_autofree char *text = g_strndup(g_bytes_get_data(body, NULL), g_bytes_get_size(body));
    g_assert_nonnull(strstr(text, "jobcast_stream_running_seconds 29.97"));
    g_assert_nonnull(strstr(text, "jobcast_stream_state{state=\"playing\"} 1"));
    /* The stream key is hidden by the one redaction rule (common/jc_uri.c), not cut off. */
    g_assert_nonnull(strstr(
        text, "jobcast_output_sent_bytes_total{output=\"rtmp://live.example/app/***\"} 1234"));
    g_assert_nonnull(strstr(text, "jobcast_signups_total 0"));
    g_assert_null(strstr(text, "SECRETKEY"));
    ctl_test_ws_free(a);
}

static void test_preview_endpoint(Fixture *f, gconstpointer data)
{
    g_autoptr(SoupMessage) m0 = ctl_test_get(f->port, "/api/preview.jpg", "Bearer " TOKEN);
    g_autoptr(GBytes) b0 = ctl_test_http(f->soup, m0);
    g_assert_cmpuint(soup_message_get_status(m0), ==, 404); /* no frames yet */
    int calls = 0;
    ctl_control_set_preview_func(f->control, preview_frame, &calls);
    g_autoptr(SoupMessage) m1 = ctl_test_get(f->port, "/api/preview.jpg", NULL);
    g_autoptr(GBytes) b1 = ctl_test_http(f->soup, m1);
    g_assert_cmpuint(soup_message_get_status(m1), ==, 401);
    g_autoptr(SoupMessage) m2 = ctl_test_get(f->port, "/api/preview.jpg", "Bearer " TOKEN);
    g_autoptr(GBytes) b2 = ctl_test_http(f->soup, m2);
    g_assert_cmpuint(soup_message_get_status(m2), ==, 200);
    SoupMessageHeaders *h = soup_message_get_response_headers(m2);
    g_assert_cmpstr(soup_message_headers_get_content_type(h, NULL), ==, "image/jpeg");
    g_assert_cmpstr(soup_message_headers_get_one(h, "Cache-Control"), ==, "no-store");
    g_assert_cmpuint(g_bytes_get_size(b2), ==, 4);
    g_assert_cmpint(calls, ==, 1);
}

/* With an admin listener the public one serves only viewers' things. */
static void test_admin_listener_split(Fixture *f, gconstpointer data)
{
    g_assert_cmpint(f->admin_port, >, 0);
    g_assert_cmpint(f->admin_port, !=, f->port);
    CtlTestWs *pub = ctl_test_ws_connect(f->soup, f->port, "Bearer " TOKEN, NULL, NULL);
    g_assert_cmpuint(pub->status, ==, 404);
    ctl_test_ws_free(pub);
    CtlTestWs *adm = producer(f); /* on the admin port */
    ctl_test_ws_free(adm);
    static const char *const admin_only[] = {"/metrics", "/control", "/login?token=" TOKEN,
                                             "/api/preview.jpg"};
    for (gsize i = 0; i < G_N_ELEMENTS(admin_only); i++) {
        g_autoptr(SoupMessage) m = ctl_test_get(f->port, admin_only[i], NULL);
        g_autoptr(GBytes) b = ctl_test_http(f->soup, m);
        g_assert_cmpuint(soup_message_get_status(m), ==, 404);
    }
    g_autoptr(SoupMessage) apply_page = ctl_test_get(f->port, "/a/1", NULL);
    g_autoptr(GBytes) b1 = ctl_test_http(f->soup, apply_page);
    g_assert_cmpuint(soup_message_get_status(apply_page), ==, 200);
    g_autoptr(SoupMessage) health = ctl_test_get(f->port, "/healthz", NULL);
    g_autoptr(GBytes) b2 = ctl_test_http(f->soup, health);
    g_assert_cmpuint(soup_message_get_status(health), ==, 503);
    g_autoptr(SoupMessage) metrics = ctl_test_get(f->admin_port, "/metrics", NULL);
    g_autoptr(GBytes) b3 = ctl_test_http(f->soup, metrics);
    g_assert_cmpuint(soup_message_get_status(metrics), ==, 200);
}

static void test_login_rate_limited(Fixture *f, gconstpointer data)
{
    guint last = 0;
    for (int i = 0; i < 11; i++) {
        g_autoptr(SoupMessage) m = ctl_test_get(f->port, "/login?token=wrong", NULL);
        g_autoptr(GBytes) b = ctl_test_http(f->soup, m);
        last = soup_message_get_status(m);
        if (i < 10)
            g_assert_cmpuint(last, ==, 401);
    }
    g_assert_cmpuint(last, ==, 429);
}

static guint post_login(Fixture *f, const char *body, char **cookie, char **location)
{
    g_autoptr(SoupMessage) msg =
        ctl_test_post(f->port, "/login", "application/x-www-form-urlencoded", body, strlen(body));
    g_autoptr(GBytes) reply = ctl_test_http(f->soup, msg);
    SoupMessageHeaders *h = soup_message_get_response_headers(msg);
    *cookie = g_strdup(soup_message_headers_get_one(h, "Set-Cookie"));
    *location = g_strdup(soup_message_headers_get_one(h, "Location"));
    return soup_message_get_status(msg);
}

/* Name + password, checked against the argon2id hash off the main thread. */
static void test_password_login(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_assert_cmpint(ctl_store_account_add(f->store, "anchor", "host", NULL, &error), >, 0);
    g_autofree char *hash = ctl_auth_password_hash("主播的密码-2026", &error);
    g_assert_no_error(error);
    g_assert_true(g_str_has_prefix(hash, "$argon2id$"));
    g_assert_true(ctl_store_account_set_password(f->store, "anchor", hash, &error));

    g_autofree char *cookie = NULL;
    g_autofree char *location = NULL;
    g_autofree char *escaped = g_uri_escape_string("主播的密码-2026", NULL, FALSE);
    g_autofree char *good = g_strconcat("name=anchor&password=", escaped, NULL);
    g_assert_cmpuint(post_login(f, good, &cookie, &location), ==, 303);
    g_assert_cmpstr(location, ==, "/host");
    g_assert_nonnull(strstr(cookie, "jobcast_session="));
    g_assert_nonnull(strstr(cookie, "HttpOnly"));
    /* The cookie opens the WebSocket as a host. */
    g_autofree char *pair = g_strndup(cookie, strcspn(cookie, ";"));
    g_autofree char *origin = g_strdup_printf("http://127.0.0.1:%d", f->port);
    CtlTestWs *h = ctl_test_ws_connect(f->soup, f->port, NULL, pair, origin);
    g_assert_cmpuint(h->status, ==, 101);
    g_autoptr(JsonNode) st = ctl_test_ws_call(h, "state.get", NULL);
    g_assert_cmpstr(json_object_get_string_member(result_of(st), "role"), ==, "host");
    ctl_test_ws_free(h);

    g_clear_pointer(&cookie, g_free);
    g_clear_pointer(&location, g_free);
    g_assert_cmpuint(post_login(f, "name=anchor&password=wrong-password", &cookie, &location), ==,
                     401);
    g_assert_null(cookie);
    g_clear_pointer(&location, g_free);
    g_assert_cmpuint(post_login(f, "name=nobody&password=whatever-it-is", &cookie, &location), ==,
                     401);
}

/* A producer gives a new host account a password over the protocol (hashed on a worker: the
 * reply comes later, the connection keeps working meanwhile), and the host signs in with it. */
static void test_set_password_over_protocol(Fixture *f, gconstpointer data)
{
    CtlTestWs *a = producer(f);
    g_autoptr(JsonNode) add =
        ctl_test_ws_call(a, "accounts.add", "{\"name\":\"anchor2\",\"role\":\"host\"}");
    g_assert_nonnull(result_of(add));
    g_autoptr(JsonNode) shortpw = ctl_test_ws_call(a, "accounts.set_password",
                                                   "{\"name\":\"anchor2\",\"password\":\"short\"}");
    g_assert_cmpint(error_code(shortpw, NULL), ==, -32602);
    g_autoptr(JsonNode) nobody = ctl_test_ws_call(
        a, "accounts.set_password", "{\"name\":\"nobody\",\"password\":\"long-enough-1\"}");
    g_assert_cmpint(error_code(nobody, NULL), ==, -32004);
    g_autoptr(JsonNode) set = ctl_test_ws_call(
        a, "accounts.set_password", "{\"name\":\"anchor2\",\"password\":\"演播室-password-9\"}");
    JsonObject *r = result_of(set);
    g_assert_cmpstr(json_object_get_string_member(r, "name"), ==, "anchor2");
    g_assert_true(json_object_get_boolean_member(r, "password_set"));

    g_autofree char *cookie = NULL;
    g_autofree char *location = NULL;
    g_autofree char *escaped = g_uri_escape_string("演播室-password-9", NULL, FALSE);
    g_autofree char *good = g_strconcat("name=anchor2&password=", escaped, NULL);
    g_assert_cmpuint(post_login(f, good, &cookie, &location), ==, 303);
    g_assert_cmpstr(location, ==, "/host");

    /* A host may not set passwords. */
    g_autofree char *pair = g_strndup(cookie, strcspn(cookie, ";"));
    g_autofree char *origin = g_strdup_printf("http://127.0.0.1:%d", f->port);
    CtlTestWs *h = ctl_test_ws_connect(f->soup, f->port, NULL, pair, origin);
    g_autoptr(JsonNode) denied = ctl_test_ws_call(
        h, "accounts.set_password", "{\"name\":\"anchor2\",\"password\":\"long-enough-2\"}");
    g_assert_cmpint(error_code(denied, NULL), ==, -32001);
    ctl_test_ws_free(h);

    /* A producer that hangs up before the hash is done: the password is still set, nothing
     * is sent to the closed connection. */
    CtlTestWs *b = producer(f);
    const char *msg = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"accounts.set_password\","
                      "\"params\":{\"name\":\"anchor2\",\"password\":\"another-password-3\"}}";
    soup_websocket_connection_send_text(b->ws, msg);
    ctl_test_ws_free(b);
    g_clear_pointer(&cookie, g_free);
    g_clear_pointer(&location, g_free);
    guint status = 0;
    for (int i = 0; i < 50 && status != 303; i++) {
        g_usleep(100000);
        g_clear_pointer(&cookie, g_free);
        g_clear_pointer(&location, g_free);
        status = post_login(f, "name=anchor2&password=another-password-3", &cookie, &location);
    }
    g_assert_cmpuint(status, ==, 303);
    ctl_test_ws_free(a);
}

/* Opens an apply page as viewer n behind the trusted proxy (page opens count once per address
 * and posting an hour). */
static void open_page(Fixture *f, const char *path, int n)
{
    g_autoptr(SoupMessage) page = ctl_test_get(f->port, path, NULL);
    g_autofree char *addr = g_strdup_printf("10.5.0.%d", n);
    soup_message_headers_append(soup_message_get_request_headers(page), "X-Forwarded-For", addr);
    g_autoptr(GBytes) html = ctl_test_http(f->soup, page);
    g_assert_cmpuint(soup_message_get_status(page), ==, 200);
}

static void test_stats_and_privacy(Fixture *f, gconstpointer data)
{
    CtlTestWs *a = producer(f);
    for (int i = 0; i < 2; i++)
        open_page(f, "/a/2", i + 1);
    g_assert_cmpuint(apply(f,
                           "{\"posting_id\":2,\"name\":\"周七\",\"phone\":\"+86 "
                           "137-0000-7777\",\"consent\":true}",
                           "10.4.0.1"),
                     ==, 201);
    g_autoptr(JsonNode) st = ctl_test_ws_call(a, "stats.get", NULL);
    JsonObject *funnel =
        json_object_get_object_member(json_object_get_object_member(result_of(st), "funnel"), "2");
    g_assert_cmpint(json_object_get_int_member(funnel, "opens"), ==, 2);
    g_assert_cmpint(json_object_get_int_member(funnel, "submits"), ==, 1);
    g_assert_cmpint(json_object_get_int_member(funnel, "signups"), ==, 1);
    JsonArray *rate = json_object_get_array_member(result_of(st), "signups_per_minute");
    g_assert_cmpuint(json_array_get_length(rate), ==, 10);
    g_assert_cmpint(json_array_get_int_element(rate, 9), >=, 1);

    /* A person asks to be forgotten: every sign-up with that number goes. */
    g_autoptr(JsonNode) bad = ctl_test_ws_call(a, "privacy.forget", "{\"phone\":\"12345\"}");
    g_assert_cmpint(error_code(bad, NULL), ==, -32602);
    g_autoptr(JsonNode) fg = ctl_test_ws_call(a, "privacy.forget", "{\"phone\":\"13700007777\"}");
    g_assert_cmpint(json_object_get_int_member(result_of(fg), "signups_deleted"), ==, 1);
    g_assert_cmpint(ctl_store_count_signups(f->store, 2, NULL), ==, 0);
    g_autoptr(JsonNode) pg = ctl_test_ws_call(a, "privacy.purge", "{\"older_than_days\":30}");
    g_assert_cmpint(json_object_get_int_member(result_of(pg), "signups_deleted"), ==, 0);
    ctl_test_ws_free(a);
}

/* The funnel and the sign-up rate are on disk: a restart (here of the control over the same
 * database, as after a crash of the process) shows the same figures. */
static void test_stats_survive_restart(Fixture *f, gconstpointer data)
{
    for (int i = 0; i < 3; i++)
        open_page(f, "/a/4", i + 1);
    g_assert_cmpuint(apply(f,
                           "{\"posting_id\":4,\"name\":\"吴九\",\"phone\":\"13900009999\","
                           "\"consent\":true}",
                           "10.4.0.9"),
                     ==, 201);
    ctl_control_free(f->control);
    g_autoptr(GError) error = NULL;
    f->control = start(f, FALSE, &error);
    g_assert_no_error(error);
    f->port = ctl_control_port(f->control);
    /* One more open after the restart adds to the restored count. */
    open_page(f, "/a/4", 4);
    CtlTestWs *a = producer(f);
    g_autoptr(JsonNode) st = ctl_test_ws_call(a, "stats.get", NULL);
    JsonObject *funnel =
        json_object_get_object_member(json_object_get_object_member(result_of(st), "funnel"), "4");
    g_assert_nonnull(funnel);
    g_assert_cmpint(json_object_get_int_member(funnel, "opens"), ==, 4);
    g_assert_cmpint(json_object_get_int_member(funnel, "submits"), ==, 1);
    g_assert_cmpint(json_object_get_int_member(funnel, "signups"), ==, 1);
    JsonArray *rate = json_object_get_array_member(result_of(st), "signups_per_minute");
    gint64 recent = json_array_get_int_element(rate, 9) + json_array_get_int_element(rate, 8);
    g_assert_cmpint(recent, ==, 1); /* this minute, or the last if the clock just turned */
    ctl_test_ws_free(a);
    /* What the restarted control saved at exit is in the table. */
    ctl_control_free(f->control);
    f->control = NULL;
    g_autoptr(GArray) rows = ctl_store_funnel_load(f->store, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(rows->len, ==, 1);
    g_assert_cmpint(g_array_index(rows, CtlFunnelRow, 0).posting_id, ==, 4);
    g_assert_cmpint(g_array_index(rows, CtlFunnelRow, 0).opens, ==, 4);
    g_assert_cmpint(g_array_index(rows, CtlFunnelRow, 0).submits, ==, 1);
}

/* graphics.theme with the overlay's theme names: the list is offered by graphics.themes, an
 * unknown name is refused naming the known ones, a known one reaches on_scene and the other
 * producers, survives a restart, and falls back to "default" when it is gone after one. */
static void on_theme_scene(const CtlScene *scene, gpointer data)
{
    char **theme = data;
    g_free(*theme);
    *theme = g_strdup(scene->theme);
}

static CtlControl *start_themed(Fixture *f, const char *const *themes, char **scene_theme)
{
    CtlControlConfig cfg = {
        .listen_host = "127.0.0.1",
        .producer_token = TOKEN,
        .store = f->store,
        .on_scene = on_theme_scene,
        .on_scene_data = scene_theme,
        .themes = themes,
    };
    g_autoptr(GError) error = NULL;
    CtlControl *c = ctl_control_new(&cfg, &error);
    g_assert_no_error(error);
    f->port = ctl_control_port(c);
    return c;
}

static void test_theme_names(Fixture *f, gconstpointer data)
{
    static const char *const themes[] = {"default", "night", "red", NULL};
    g_autofree char *scene_theme = NULL;
    ctl_control_free(f->control);
    f->control = start_themed(f, themes, &scene_theme);
    g_assert_cmpstr(scene_theme, ==, "default");
    CtlTestWs *a = producer(f);
    CtlTestWs *b = producer(f);
    g_autoptr(JsonNode) list = ctl_test_ws_call(a, "graphics.themes", NULL);
    JsonArray *names = json_object_get_array_member(result_of(list), "themes");
    g_assert_cmpuint(json_array_get_length(names), ==, 3);
    g_assert_cmpstr(json_array_get_string_element(names, 1), ==, "night");
    g_assert_cmpstr(json_object_get_string_member(result_of(list), "theme"), ==, "default");

    const char *message = NULL;
    g_autoptr(JsonNode) bad = ctl_test_ws_call(a, "graphics.theme", "{\"theme\":\"blue\"}");
    g_assert_cmpint(error_code(bad, &message), ==, -32602);
    g_assert_nonnull(strstr(message, "blue"));
    g_assert_nonnull(strstr(message, "default, night, red"));
    g_assert_cmpstr(scene_theme, ==, "default");

    g_autoptr(JsonNode) ok = ctl_test_ws_call(a, "graphics.theme", "{\"theme\":\"night\"}");
    g_assert_cmpstr(json_object_get_string_member(
                        json_object_get_object_member(result_of(ok), "graphics"), "theme"),
                    ==, "night");
    g_autoptr(JsonNode) note = notification(b, "graphics.changed");
    g_assert_cmpstr(json_object_get_string_member(
                        json_object_get_object_member(params_of(note), "graphics"), "theme"),
                    ==, "night");
    g_assert_cmpstr(scene_theme, ==, "night");
    ctl_test_ws_free(a);
    ctl_test_ws_free(b);

    /* A restart keeps it; one whose themes no longer include it falls back to "default". */
    ctl_control_free(f->control);
    f->control = start_themed(f, themes, &scene_theme);
    g_assert_cmpstr(scene_theme, ==, "night");
    ctl_control_free(f->control);
    static const char *const fewer[] = {"default", "red", NULL};
    f->control = start_themed(f, fewer, &scene_theme);
    g_assert_cmpstr(scene_theme, ==, "default");
    CtlTestWs *c = producer(f);
    g_autoptr(JsonNode) st = ctl_test_ws_call(c, "state.get", NULL);
    JsonObject *g = json_object_get_object_member(result_of(st), "graphics");
    g_assert_cmpstr(json_object_get_string_member(g, "theme"), ==, "default");
    ctl_test_ws_free(c);
}

/* audio.set: the reply and every other producer's audio.changed carry the mute, on_scene tells
 * the program, state.get shows it, it survives a restart of the control, and a host may not
 * call it. */
static void on_audio_scene(const CtlScene *scene, gpointer data)
{
    int *muted = data;
    *muted = scene->muted ? 1 : 0;
}

static CtlControl *start_audio(Fixture *f, int *scene_muted)
{
    CtlControlConfig cfg = {
        .listen_host = "127.0.0.1",
        .producer_token = TOKEN,
        .store = f->store,
        .on_scene = on_audio_scene,
        .on_scene_data = scene_muted,
    };
    g_autoptr(GError) error = NULL;
    CtlControl *c = ctl_control_new(&cfg, &error);
    g_assert_no_error(error);
    f->port = ctl_control_port(c);
    return c;
}

static gboolean audio_muted(JsonObject *o)
{
    return json_object_get_boolean_member(json_object_get_object_member(o, "audio"), "muted");
}

static void test_audio_set(Fixture *f, gconstpointer data)
{
    int scene_muted = -1;
    ctl_control_free(f->control);
    f->control = start_audio(f, &scene_muted);
    g_assert_cmpint(scene_muted, ==, 0);
    CtlTestWs *a = producer(f);
    CtlTestWs *b = producer(f);
    g_autoptr(JsonNode) r1 = ctl_test_ws_call(a, "audio.set", "{\"muted\":true}");
    g_assert_true(audio_muted(result_of(r1)));
    g_autoptr(JsonNode) n1 = notification(b, "audio.changed");
    g_assert_true(audio_muted(params_of(n1)));
    g_assert_cmpint(scene_muted, ==, 1);
    g_autoptr(JsonNode) r2 = ctl_test_ws_call(a, "audio.set", "{\"muted\":\"yes\"}");
    g_assert_cmpint(error_code(r2, NULL), ==, -32602);
    g_autoptr(JsonNode) r3 = ctl_test_ws_call(a, "audio.set", "{}");
    g_assert_cmpint(error_code(r3, NULL), ==, -32602);
    g_assert_cmpint(scene_muted, ==, 1);

    /* A host hears the state but may not change it. */
    g_autoptr(JsonNode) acc =
        ctl_test_ws_call(a, "accounts.add", "{\"name\":\"anchor\",\"role\":\"host\"}");
    g_autofree char *authz =
        g_strconcat("Bearer ", json_object_get_string_member(result_of(acc), "token"), NULL);
    CtlTestWs *h = ctl_test_ws_connect(f->soup, f->port, authz, NULL, NULL);
    g_assert_cmpuint(h->status, ==, 101);
    g_autoptr(JsonNode) hr = ctl_test_ws_call(h, "audio.set", "{\"muted\":false}");
    g_assert_cmpint(error_code(hr, NULL), ==, -32001);
    g_assert_cmpint(scene_muted, ==, 1);
    g_autoptr(JsonNode) hs = ctl_test_ws_call(h, "state.get", NULL);
    g_assert_true(audio_muted(result_of(hs)));
    ctl_test_ws_free(h);
    ctl_test_ws_free(a);
    ctl_test_ws_free(b);

    /* Persisted: a restarted control starts muted and says so; unmuting works after it. */
    ctl_control_free(f->control);
    scene_muted = -1;
    f->control = start_audio(f, &scene_muted);
    g_assert_cmpint(scene_muted, ==, 1);
    CtlTestWs *c = producer(f);
    g_autoptr(JsonNode) st = ctl_test_ws_call(c, "state.get", NULL);
    g_assert_true(audio_muted(result_of(st)));
    g_autoptr(JsonNode) r4 = ctl_test_ws_call(c, "audio.set", "{\"muted\":false}");
    g_assert_false(audio_muted(result_of(r4)));
    g_assert_cmpint(scene_muted, ==, 0);
    ctl_test_ws_free(c);
}

/* CtlControlConfig.layout: a studio with nothing saved starts in it; a saved layout wins. */
static void on_layout_scene(const CtlScene *scene, gpointer data)
{
    char **layout = data;
    g_free(*layout);
    *layout = g_strdup(scene->layout);
}

static CtlControl *start_layout(Fixture *f, const char *layout, char **scene_layout)
{
    CtlControlConfig cfg = {
        .listen_host = "127.0.0.1",
        .producer_token = TOKEN,
        .store = f->store,
        .on_scene = on_layout_scene,
        .on_scene_data = scene_layout,
        .layout = layout,
    };
    g_autoptr(GError) error = NULL;
    CtlControl *c = ctl_control_new(&cfg, &error);
    g_assert_no_error(error);
    f->port = ctl_control_port(c);
    return c;
}

static void test_layout_default(Fixture *f, gconstpointer data)
{
    g_autofree char *scene_layout = NULL;
    ctl_control_free(f->control);
    f->control = start_layout(f, "9:16", &scene_layout);
    g_assert_cmpstr(scene_layout, ==, "9:16");
    ctl_control_free(f->control);
    f->control = start_layout(f, NULL, &scene_layout);
    g_assert_cmpstr(scene_layout, ==, "16:9");
    CtlTestWs *a = producer(f);
    g_autoptr(JsonNode) r = ctl_test_ws_call(a, "graphics.layout", "{\"layout\":\"16:9\"}");
    g_assert_cmpstr(json_object_get_string_member(
                        json_object_get_object_member(result_of(r), "graphics"), "layout"),
                    ==, "16:9");
    ctl_test_ws_free(a);
    ctl_control_free(f->control);
    f->control = start_layout(f, "9:16", &scene_layout);
    g_assert_cmpstr(scene_layout, ==, "16:9");
}

#define ADD(path, fn) g_test_add(path, Fixture, NULL, setup, fn, teardown)

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    ADD("/control/protocol/state-get-everything", test_state_get_everything);
    ADD("/control/protocol/postings-create-validates", test_postings_create_validates);
    ADD("/control/protocol/postings-update-conflict", test_postings_update_conflict);
    ADD("/control/protocol/cue-take-next-clear", test_cue_take_next_clear);
    ADD("/control/protocol/shows-and-rundown", test_shows_and_rundown);
    ADD("/control/protocol/graphics-and-scene", test_graphics_and_scene);
    ADD("/control/protocol/rotation-controls", test_rotation_controls);
    ADD("/control/protocol/rotation-skips-filled", test_rotation_skips_filled);
    ADD("/control/protocol/host-read-only", test_host_read_only);
    ADD("/control/protocol/signups-list-export", test_signups_list_export);
    ADD("/control/protocol/signup-attributed-to-show", test_signup_attributed_to_show);
    ADD("/control/protocol/signup-rate-limited", test_signup_rate_limited);
    ADD("/control/protocol/signup-counter-on-screen", test_signup_counter_on_screen);
    ADD("/control/protocol/stream-status-and-metrics", test_stream_status_and_metrics);
    ADD("/control/protocol/preview-endpoint", test_preview_endpoint);
    ADD("/control/protocol/login-rate-limited", test_login_rate_limited);
    ADD("/control/protocol/password-login", test_password_login);
    ADD("/control/protocol/set-password", test_set_password_over_protocol);
    ADD("/control/protocol/stats-and-privacy", test_stats_and_privacy);
    ADD("/control/protocol/stats-survive-restart", test_stats_survive_restart);
    ADD("/control/protocol/theme-names", test_theme_names);
    ADD("/control/protocol/audio-set", test_audio_set);
    ADD("/control/protocol/layout-default", test_layout_default);
    ADD("/control/protocol/question-on-air-and-next-take", test_question_on_air);
    g_test_add("/control/protocol/admin-listener-split", Fixture, "admin", setup,
               test_admin_listener_split, teardown);
    return g_test_run();
}
