/* The outputs.* methods against a real control server on 127.0.0.1 over a real store: the
 * stored list, what reaches the program (a fake CtlOutputFunc records it), the start-up rule,
 * persistence, the streamer's states matched by name (list, events, /metrics); and, as
 * /security/outputs/..., a host that tries to read or change outputs, producers sending bad or
 * oversized values, and a stream key looked for everywhere it must never appear. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "ctl_auth.h"
#include "ctl_control.h"
#include "ctl_rpc.h"
#include "ctl_store.h"
#include "ctl_test.h"

#define PRODUCER "Bearer outputs-producer-token"
#define HOST_TOKEN "outputs-host-token-0123456789abcdef"
#define KEY "sekrit-stream-key-4242"

typedef struct {
    char *dir;
    char *db;
    CtlStore *store;
    CtlControl *control;
    int port;
    SoupSession *soup;
    GPtrArray *applied; /* "NAME=URI" or "NAME=-" (stopped), as the program was told */
    gboolean refuse;    /* the fake program refuses the next change */
} Fixture;

static GString *logged; /* every log line of the process while a test runs */

static GMutex logged_lock; /* GIO's resolver threads log too (their debug lines) */

static GLogWriterOutput keep_logs(GLogLevelFlags level, const GLogField *fields, gsize n,
                                  gpointer data)
{
    g_mutex_lock(&logged_lock);
    for (gsize i = 0; i < n && logged != NULL; i++) {
        if (strcmp(fields[i].key, "MESSAGE") == 0 && fields[i].length < 0) {
            g_string_append(logged, fields[i].value);
            g_string_append_c(logged, '\n');
        }
    }
    g_mutex_unlock(&logged_lock);
    return g_log_writer_default(level, fields, n, data);
}

static gboolean fake_program(const char *name, const char *uri, gpointer data, GError **error)
{
    Fixture *f = data;
    if (f->refuse) {
        f->refuse = FALSE;
        g_set_error(error, g_quark_from_static_string("test"), 1, "no srtsink here");
        return FALSE;
    }
    g_ptr_array_add(f->applied, g_strdup_printf("%s=%s", name, uri != NULL ? uri : "-"));
    return TRUE;
}

static void start_control(Fixture *f, const char *const *names, const char *const *uris)
{
    g_autoptr(GError) error = NULL;
    CtlControlConfig cfg = {
        .listen_host = "127.0.0.1",
        .listen_port = 0,
        .producer_token = "outputs-producer-token",
        .store = f->store,
        .output_names = names,
        .output_uris = uris,
        .on_output = fake_program,
        .on_output_data = f,
    };
    f->control = ctl_control_new(&cfg, &error);
    g_assert_no_error(error);
    f->port = ctl_control_port(f->control);
}

static void setup(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    f->dir = g_dir_make_tmp("jobcast-outputs-XXXXXX", &error);
    g_assert_no_error(error);
    f->db = g_build_filename(f->dir, "jobcast.db", NULL);
    f->store = ctl_store_open(f->db, &error);
    g_assert_no_error(error);
    ctl_test_seed(f->store);
    g_autofree char *hash = ctl_auth_token_hash(HOST_TOKEN);
    g_assert_cmpint(ctl_store_account_add(f->store, "anchor", "host", hash, &error), >, 0);
    f->applied = g_ptr_array_new_with_free_func(g_free);
    f->soup = soup_session_new_with_options("timeout", 10, NULL);
    g_mutex_lock(&logged_lock);
    logged = g_string_new(NULL);
    g_mutex_unlock(&logged_lock);
    start_control(f, data, NULL);
}

static void teardown(Fixture *f, gconstpointer data)
{
    g_clear_object(&f->soup);
    ctl_control_free(f->control);
    ctl_store_close(f->store);
    ctl_test_remove_dir(f->dir);
    g_ptr_array_unref(f->applied);
    g_mutex_lock(&logged_lock);
    g_string_free(logged, TRUE);
    logged = NULL;
    g_mutex_unlock(&logged_lock);
    g_free(f->db);
    g_free(f->dir);
}

static JsonObject *result_of(JsonNode *reply)
{
    JsonObject *o = json_node_get_object(reply);
    g_assert_true(json_object_has_member(o, "result"));
    return json_object_get_object_member(o, "result");
}

static gint64 error_code(JsonNode *reply, const char **message)
{
    JsonObject *o = json_node_get_object(reply);
    g_assert_true(json_object_has_member(o, "error"));
    JsonObject *e = json_object_get_object_member(o, "error");
    if (message != NULL)
        *message = json_object_get_string_member(e, "message");
    return json_object_get_int_member(e, "code");
}

/* The list as outputs.list gives it. (transfer full) */
static JsonNode *list(CtlTestWs *w)
{
    JsonNode *reply = ctl_test_ws_call(w, "outputs.list", "{}");
    result_of(reply);
    return reply;
}

static JsonArray *outputs_of(JsonNode *reply)
{
    return json_object_get_array_member(result_of(reply), "outputs");
}

/* The next outputs.changed event's list. (transfer full: the event) */
static JsonNode *next_changed(CtlTestWs *w)
{
    for (;;) {
        JsonNode *m = ctl_test_ws_next(w);
        JsonObject *o = json_node_get_object(m);
        if (g_strcmp0(json_object_get_string_member_with_default(o, "method", ""),
                      "outputs.changed") == 0)
            return m;
        json_node_unref(m);
    }
}

static void test_add_update_remove(Fixture *f, gconstpointer data)
{
    CtlTestWs *w = ctl_test_ws_producer(f->soup, f->port, PRODUCER);
    g_autoptr(JsonNode) empty = list(w);
    g_assert_cmpuint(json_array_get_length(outputs_of(empty)), ==, 0);
    g_autoptr(JsonNode) added =
        ctl_test_ws_call(w, "outputs.add",
                         "{\"name\":\"douyin\",\"uri\":\"rtmp://push.example.com/"
                         "live/" KEY "\"}");
    JsonObject *out = json_object_get_object_member(result_of(added), "output");
    g_assert_cmpstr(json_object_get_string_member(out, "name"), ==, "douyin");
    g_assert_cmpstr(json_object_get_string_member(out, "uri"), ==,
                    "rtmp://push.example.com/live/***");
    g_assert_true(json_object_get_boolean_member(out, "enabled"));
    g_assert_cmpstr(json_object_get_string_member(out, "state"), ==, "starting");
    g_assert_cmpuint(f->applied->len, ==, 1);
    g_assert_cmpstr(f->applied->pdata[0], ==, "douyin=rtmp://push.example.com/live/" KEY);
    g_autoptr(JsonNode) ev = next_changed(w);
    g_autoptr(JsonNode) dup = ctl_test_ws_call(
        w, "outputs.add", "{\"name\":\"douyin\",\"uri\":\"rtmp://other.example.com/a/b\"}");
    g_assert_cmpint(error_code(dup, NULL), ==, -32009);
    g_autoptr(JsonNode) upd =
        ctl_test_ws_call(w, "outputs.update",
                         "{\"name\":\"douyin\",\"uri\":\"rtmp://push.example.com/live/"
                         "new-key-77\"}");
    result_of(upd);
    g_assert_cmpstr(f->applied->pdata[1], ==, "douyin=rtmp://push.example.com/live/new-key-77");
    g_autoptr(JsonNode) off = ctl_test_ws_call(w, "outputs.disable", "{\"name\":\"douyin\"}");
    out = json_object_get_object_member(result_of(off), "output");
    g_assert_false(json_object_get_boolean_member(out, "enabled"));
    g_assert_cmpstr(json_object_get_string_member(out, "state"), ==, "disabled");
    g_assert_cmpstr(f->applied->pdata[2], ==, "douyin=-");
    g_autoptr(JsonNode) on = ctl_test_ws_call(w, "outputs.enable", "{\"name\":\"douyin\"}");
    result_of(on);
    g_assert_cmpstr(f->applied->pdata[3], ==, "douyin=rtmp://push.example.com/live/new-key-77");
    g_autoptr(JsonNode) both =
        ctl_test_ws_call(w, "outputs.update", "{\"name\":\"douyin\",\"enabled\":false}");
    result_of(both);
    g_autoptr(JsonNode) gone = ctl_test_ws_call(w, "outputs.remove", "{\"name\":\"douyin\"}");
    g_assert_true(json_object_get_boolean_member(result_of(gone), "removed"));
    g_assert_cmpstr(f->applied->pdata[f->applied->len - 1], ==, "douyin=-");
    g_autoptr(JsonNode) again = ctl_test_ws_call(w, "outputs.remove", "{\"name\":\"douyin\"}");
    g_assert_cmpint(error_code(again, NULL), ==, -32004);
    g_autoptr(JsonNode) after = list(w);
    g_assert_cmpuint(json_array_get_length(outputs_of(after)), ==, 0);
    ctl_test_ws_free(w);
}

/* The program cannot take the output: nothing stays stored. */
static void test_program_refusal_undone(Fixture *f, gconstpointer data)
{
    CtlTestWs *w = ctl_test_ws_producer(f->soup, f->port, PRODUCER);
    f->refuse = TRUE;
    g_autoptr(JsonNode) r = ctl_test_ws_call(
        w, "outputs.add", "{\"name\":\"relay\",\"uri\":\"srt://relay.example.com:9000\"}");
    const char *msg = NULL;
    error_code(r, &msg);
    g_assert_nonnull(strstr(msg, "no srtsink"));
    g_autoptr(JsonNode) l = list(w);
    g_assert_cmpuint(json_array_get_length(outputs_of(l)), ==, 0);
    /* An edit the program refuses leaves the old URI stored. */
    g_autoptr(JsonNode) a = ctl_test_ws_call(
        w, "outputs.add", "{\"name\":\"relay\",\"uri\":\"srt://relay.example.com:9000\"}");
    result_of(a);
    f->refuse = TRUE;
    g_autoptr(JsonNode) u = ctl_test_ws_call(
        w, "outputs.update", "{\"name\":\"relay\",\"uri\":\"srt://other.example.com:9\"}");
    error_code(u, NULL);
    g_autoptr(JsonNode) l2 = list(w);
    JsonObject *o = json_array_get_object_element(outputs_of(l2), 0);
    g_assert_cmpstr(json_object_get_string_member(o, "uri"), ==, "srt://relay.example.com:9000");
    ctl_test_ws_free(w);
}

/* Outputs added on air survive a restart; the command line's are (re)written at start, a
 * producer's disable kept. */
static void test_persist_and_start_rule(Fixture *f, gconstpointer data)
{
    CtlTestWs *w = ctl_test_ws_producer(f->soup, f->port, PRODUCER);
    g_autoptr(JsonNode) a = ctl_test_ws_call(
        w, "outputs.add", "{\"name\":\"on-air\",\"uri\":\"rtmp://a.example.com/live/k1\"}");
    result_of(a);
    g_autoptr(JsonNode) b = ctl_test_ws_call(
        w, "outputs.add", "{\"name\":\"out1\",\"uri\":\"rtmp://b.example.com/live/k2\"}");
    result_of(b);
    g_autoptr(JsonNode) d = ctl_test_ws_call(w, "outputs.disable", "{\"name\":\"out1\"}");
    result_of(d);
    ctl_test_ws_free(w);
    ctl_control_free(f->control);
    const char *names[] = {"out1", "cli", NULL};
    const char *uris[] = {"rtmp://c.example.com/live/k3", "file:///tmp/jobcast-cli.mkv", NULL};
    start_control(f, names, uris);
    w = ctl_test_ws_producer(f->soup, f->port, PRODUCER);
    g_autoptr(JsonNode) l = list(w);
    JsonArray *arr = outputs_of(l);
    g_assert_cmpuint(json_array_get_length(arr), ==, 3);
    JsonObject *o0 = json_array_get_object_element(arr, 0);
    JsonObject *o1 = json_array_get_object_element(arr, 1);
    JsonObject *o2 = json_array_get_object_element(arr, 2);
    g_assert_cmpstr(json_object_get_string_member(o0, "name"), ==, "on-air");
    g_assert_true(json_object_get_boolean_member(o0, "enabled"));
    g_assert_cmpstr(json_object_get_string_member(o1, "name"), ==, "out1");
    g_assert_cmpstr(json_object_get_string_member(o1, "uri"), ==, "rtmp://c.example.com/live/***");
    g_assert_false(json_object_get_boolean_member(o1, "enabled"));
    g_assert_cmpstr(json_object_get_string_member(o2, "name"), ==, "cli");
    g_assert_cmpstr(json_object_get_string_member(o2, "uri"), ==, "file:///tmp/jobcast-cli.mkv");
    /* What a program starting now runs: the enabled ones, full URIs, in order. */
    g_auto(GStrv) run_names = NULL;
    g_auto(GStrv) run_uris = NULL;
    ctl_control_outputs(f->control, &run_names, &run_uris);
    g_assert_cmpuint(g_strv_length(run_names), ==, 2);
    g_assert_cmpstr(run_names[0], ==, "on-air");
    g_assert_cmpstr(run_uris[0], ==, "rtmp://a.example.com/live/k1");
    g_assert_cmpstr(run_names[1], ==, "cli");
    /* A file output can be switched off over the protocol but not pointed elsewhere. */
    g_autoptr(JsonNode) off = ctl_test_ws_call(w, "outputs.disable", "{\"name\":\"cli\"}");
    result_of(off);
    ctl_test_ws_free(w);
}

/* The streamer's states, matched by name: the list, outputs.changed, /metrics. */
static void test_states_by_name(Fixture *f, gconstpointer data)
{
    CtlTestWs *w = ctl_test_ws_producer(f->soup, f->port, PRODUCER);
    g_autoptr(JsonNode) a = ctl_test_ws_call(
        w, "outputs.add", "{\"name\":\"kuaishou\",\"uri\":\"rtmp://k.example.com/live/" KEY "\"}");
    result_of(a);
    json_node_unref(next_changed(w));
    g_autoptr(JsonNode) status = json_from_string(
        "{\"program\":\"playing\",\"outputs\":[{\"name\":\"kuaishou\",\"uri\":"
        "\"rtmp://k.example.com/live/***\",\"state\":\"live\",\"kbps\":2100.5,\"bytes\":123456,"
        "\"uptime\":12.5,\"retry_in\":0,\"attempts\":0,\"error\":null}]}",
        NULL);
    ctl_control_set_stream_status(f->control, status);
    g_autoptr(JsonNode) ev = next_changed(w);
    JsonObject *params = json_object_get_object_member(json_node_get_object(ev), "params");
    JsonObject *o =
        json_array_get_object_element(json_object_get_array_member(params, "outputs"), 0);
    g_assert_cmpstr(json_object_get_string_member(o, "state"), ==, "live");
    g_assert_cmpfloat(json_object_get_double_member(o, "kbps"), ==, 2100.5);
    g_assert_cmpfloat(json_object_get_double_member(o, "uptime"), ==, 12.5);
    g_autoptr(SoupMessage) msg = ctl_test_get(f->port, "/metrics", PRODUCER);
    g_autofree char *metrics = ctl_test_http_text(f->soup, msg);
    g_assert_nonnull(
        strstr(metrics, "jobcast_output_sent_bytes_per_second{output=\"kuaishou\"} 262562.5"));
    g_assert_nonnull(strstr(metrics, "output=\"kuaishou\",state=\"live\""));
    g_assert_null(strstr(metrics, "output=\"0\""));
    g_assert_null(strstr(metrics, KEY));
    ctl_test_ws_free(w);
}

/* ---- /security/outputs ---- */

static void test_host_cannot(Fixture *f, gconstpointer data)
{
    CtlTestWs *p = ctl_test_ws_producer(f->soup, f->port, PRODUCER);
    CtlTestWs *h = ctl_test_ws_producer(f->soup, f->port, "Bearer " HOST_TOKEN);
    static const char *const calls[][2] = {
        {"outputs.list", "{}"},
        {"outputs.add", "{\"name\":\"x\",\"uri\":\"rtmp://h.example.com/live/k\"}"},
        {"outputs.update", "{\"name\":\"p\",\"uri\":\"rtmp://h.example.com/live/k\"}"},
        {"outputs.remove", "{\"name\":\"p\"}"},
        {"outputs.enable", "{\"name\":\"p\"}"},
        {"outputs.disable", "{\"name\":\"p\"}"},
    };
    g_autoptr(JsonNode) a = ctl_test_ws_call(
        p, "outputs.add", "{\"name\":\"p\",\"uri\":\"rtmp://p.example.com/live/" KEY "\"}");
    result_of(a);
    guint applied = f->applied->len;
    for (gsize i = 0; i < G_N_ELEMENTS(calls); i++) {
        g_autoptr(JsonNode) r = ctl_test_ws_call(h, calls[i][0], calls[i][1]);
        g_assert_cmpint(error_code(r, NULL), ==, -32001);
    }
    g_assert_cmpuint(f->applied->len, ==, applied);
    /* The producer's change is announced to producers only; the host's state has no URI. */
    g_autoptr(JsonNode) d = ctl_test_ws_call(p, "outputs.disable", "{\"name\":\"p\"}");
    result_of(d);
    json_node_unref(next_changed(p));
    ctl_test_spin_for(300); /* time for anything sent to the host to arrive */
    g_autoptr(JsonNode) st = ctl_test_ws_call(h, "state.get", "{}");
    g_autofree char *text = ctl_json_to_string(st);
    g_assert_null(strstr(text, "p.example.com"));
    while (!g_queue_is_empty(&h->messages)) {
        g_autoptr(JsonNode) m = g_queue_pop_head(&h->messages);
        g_autofree char *seen = ctl_json_to_string(m);
        g_assert_null(strstr(seen, "outputs.changed"));
        g_assert_null(strstr(seen, "p.example.com"));
    }
    ctl_test_ws_free(h);
    ctl_test_ws_free(p);
}

static void test_invalid_refused(Fixture *f, gconstpointer data)
{
    CtlTestWs *w = ctl_test_ws_producer(f->soup, f->port, PRODUCER);
    g_autoptr(JsonNode) ok = ctl_test_ws_call(
        w, "outputs.add", "{\"name\":\"good\",\"uri\":\"rtmp://g.example.com/live/k\"}");
    result_of(ok);
    g_autofree char *huge =
        g_strdup_printf("{\"name\":\"big\",\"uri\":\"rtmp://g.example.com/live/%0*d\"}", 5000, 1);
    g_autofree char *long_name =
        g_strdup_printf("{\"name\":\"%0*d\",\"uri\":\"rtmp://h/a/b\"}", 40, 1);
    const char *const bad[][3] = {
        {"outputs.add", "{\"name\":\"Bad\",\"uri\":\"rtmp://g.example.com/live/k\"}", "name:"},
        {"outputs.add", "{\"name\":\"\",\"uri\":\"rtmp://g.example.com/live/k\"}", "name:"},
        {"outputs.add", long_name, "name:"},
        {"outputs.add", "{\"name\":\"x y\",\"uri\":\"rtmp://g.example.com/live/k\"}", "name:"},
        {"outputs.add", "{\"name\":7,\"uri\":\"rtmp://g.example.com/live/k\"}", "name:"},
        {"outputs.add", "{\"uri\":\"rtmp://g.example.com/live/k\"}", "name:"},
        {"outputs.add", "{\"name\":\"x\"}", "uri:"},
        {"outputs.add", "{\"name\":\"x\",\"uri\":\"gopher://x\"}", "uri:"},
        {"outputs.add", "{\"name\":\"x\",\"uri\":\"rtmp://host\"}", "uri:"},
        {"outputs.add", "{\"name\":\"x\",\"uri\":\"file:///etc/passwd.mkv\"}", "uri:"},
        {"outputs.add", "{\"name\":\"x\",\"uri\":\"rtmp://h.example.com/live/a b\"}", "uri:"},
        {"outputs.add", huge, "uri:"},
        {"outputs.add", "{\"name\":\"x\",\"uri\":\"rtmp://h/a/b\",\"enabled\":\"yes\"}",
         "enabled:"},
        {"outputs.update", "{\"name\":\"good\"}", "uri:"},
        {"outputs.update", "{\"name\":\"good\",\"uri\":\"file:///tmp/x.mkv\"}", "uri:"},
        {"outputs.update", "{\"name\":\"good\",\"uri\":\"srt://h.example.com\"}", "uri:"},
        {"outputs.remove", "{\"name\":\"../good\"}", "name:"},
        {"outputs.enable", "{}", "name:"},
    };
    guint applied = f->applied->len;
    g_autoptr(JsonNode) before = list(w);
    g_autofree char *before_text =
        ctl_json_to_string(json_object_get_member(json_node_get_object(before), "result"));
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(JsonNode) r = ctl_test_ws_call(w, bad[i][0], bad[i][1]);
        const char *msg = NULL;
        g_assert_cmpint(error_code(r, &msg), ==, -32602);
        g_test_message("%s: %s", bad[i][0], msg);
        g_assert_true(g_str_has_prefix(msg, bad[i][2]));
    }
    g_autoptr(JsonNode) unknown = ctl_test_ws_call(w, "outputs.enable", "{\"name\":\"nobody\"}");
    g_assert_cmpint(error_code(unknown, NULL), ==, -32004);
    g_assert_cmpuint(f->applied->len, ==, applied);
    g_autoptr(JsonNode) after = list(w);
    g_autofree char *after_text =
        ctl_json_to_string(json_object_get_member(json_node_get_object(after), "result"));
    g_assert_cmpstr(after_text, ==, before_text);
    ctl_test_ws_free(w);
}

/* The key never comes back: not in a result, an event, the state, /metrics, an error, a log. */
static void test_key_never_shown(Fixture *f, gconstpointer data)
{
    CtlTestWs *w = ctl_test_ws_producer(f->soup, f->port, PRODUCER);
    const char *uris[] = {"rtmp://k.example.com/live/" KEY,
                          "rtmps://user:" KEY "@k.example.com/app/x?auth=" KEY,
                          "srt://k.example.com:9000?passphrase=" KEY "&streamid=" KEY};
    GString *seen = g_string_new(NULL);
    for (gsize i = 0; i < G_N_ELEMENTS(uris); i++) {
        g_autofree char *params = g_strdup_printf("{\"name\":\"k%zu\",\"uri\":\"%s\"}", i, uris[i]);
        g_autoptr(JsonNode) r = ctl_test_ws_call(w, "outputs.add", params);
        result_of(r);
        g_autofree char *dup = g_strdup_printf("{\"name\":\"k%zu\",\"uri\":\"%s\"}", i, uris[i]);
        g_autoptr(JsonNode) refused = ctl_test_ws_call(w, "outputs.add", dup);
        error_code(refused, NULL);
        g_autofree char *t1 = ctl_json_to_string(r);
        g_autofree char *t2 = ctl_json_to_string(refused);
        g_string_append(seen, t1);
        g_string_append(seen, t2);
    }
    g_autoptr(JsonNode) status = json_from_string(
        "{\"program\":\"playing\",\"outputs\":[{\"name\":\"k0\",\"uri\":"
        "\"rtmp://k.example.com/live/***\",\"state\":\"failed\",\"error\":\"refused\"}]}",
        NULL);
    ctl_control_set_stream_status(f->control, status);
    g_autoptr(JsonNode) l = list(w);
    g_autoptr(JsonNode) st = ctl_test_ws_call(w, "state.get", "{}");
    g_autofree char *lt = ctl_json_to_string(l);
    g_autofree char *stt = ctl_json_to_string(st);
    g_string_append(seen, lt);
    g_string_append(seen, stt);
    while (!g_queue_is_empty(&w->messages)) {
        g_autoptr(JsonNode) m = g_queue_pop_head(&w->messages);
        g_autofree char *t = ctl_json_to_string(m);
        g_string_append(seen, t);
    }
    g_autoptr(SoupMessage) msg = ctl_test_get(f->port, "/metrics", PRODUCER);
    g_autofree char *metrics = ctl_test_http_text(f->soup, msg);
    g_string_append(seen, metrics);
    g_assert_nonnull(strstr(seen->str, "k0"));
    g_assert_nonnull(strstr(seen->str, "***"));
    g_assert_null(strstr(seen->str, KEY));
    g_assert_null(strstr(logged->str, KEY));
    g_string_free(seen, TRUE);
    ctl_test_ws_free(w);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_log_set_writer_func(keep_logs, NULL, NULL);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, setup, fn, teardown)
    ADD("/control/outputs/add-update-remove", test_add_update_remove);
    ADD("/control/outputs/program-refusal-undone", test_program_refusal_undone);
    ADD("/control/outputs/persist-and-start-rule", test_persist_and_start_rule);
    ADD("/control/outputs/states-by-name", test_states_by_name);
    ADD("/security/outputs/host-cannot-list-or-change", test_host_cannot);
    ADD("/security/outputs/invalid-refused-nothing-changed", test_invalid_refused);
    ADD("/security/outputs/key-never-shown", test_key_never_shown);
    return g_test_run();
}
