/* The buttons against build/jobcast as a Stream Deck would press them: every
 * POST /api/actions/NAME with the producer's token and no body answers 204 and does what its
 * protocol call does: the same notification reaches a control page's WebSocket, and a take is
 * in the as-aired log. (The refusals are /security/actions/..., tests/control/test_actions.c.) */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "../jc_test_child.h"

#define TOKEN "actions-e2e-producer-token"

typedef struct {
    char *dir;
    GSubprocess *proc;
    GDataInputStream *out;
    int port;
    SoupSession *soup;
    SoupWebsocketConnection *ws;
    GQueue inbox; /* owned JsonNode* */
} Show;

static void start(Show *s)
{
    s->dir = g_dir_make_tmp("jobcast-actions-XXXXXX", NULL);
    g_autofree char *exe = g_build_filename(g_getenv("JOBCAST_BUILD_DIR"), "jobcast", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocessLauncher) launcher =
        g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE);
    g_subprocess_launcher_set_child_setup(launcher, die_with_parent, NULL, NULL);
    s->proc =
        g_subprocess_launcher_spawn(launcher, &error, exe, "--listen", "127.0.0.1:0", "--data-dir",
                                    s->dir, "--no-record", "--producer-token", TOKEN, NULL);
    g_assert_no_error(error);
    s->out = g_data_input_stream_new(g_subprocess_get_stdout_pipe(s->proc));
    while (s->port == 0) {
        g_autofree char *line = g_data_input_stream_read_line_utf8(s->out, NULL, NULL, &error);
        g_assert_no_error(error);
        g_assert_nonnull(line); /* EOF before the banner: jobcast died */
        g_test_message("jobcast: %s", line);
        const char *url = strstr(line, "Control page: http://127.0.0.1:");
        if (url != NULL)
            s->port = atoi(url + strlen("Control page: http://127.0.0.1:"));
    }
    s->soup = soup_session_new_with_options("timeout", 15, NULL);
}

static void stop(Show *s)
{
    if (s->ws != NULL)
        soup_websocket_connection_close(s->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
    g_clear_object(&s->ws);
    g_queue_clear_full(&s->inbox, (GDestroyNotify)json_node_unref);
    g_clear_object(&s->soup);
    g_subprocess_send_signal(s->proc, SIGTERM);
    g_subprocess_wait(s->proc, NULL, NULL);
    g_clear_object(&s->out);
    g_clear_object(&s->proc);
    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", s->dir);
    g_assert_true(g_spawn_command_line_sync(cmd, NULL, NULL, NULL, NULL));
    g_free(s->dir);
}

static void on_message(SoupWebsocketConnection *c, gint type, GBytes *msg, gpointer data)
{
    Show *s = data;
    g_autofree char *text = g_strndup(g_bytes_get_data(msg, NULL), g_bytes_get_size(msg));
    JsonNode *node = json_from_string(text, NULL);
    g_assert_nonnull(node);
    g_queue_push_tail(&s->inbox, node);
}

static void connected(GObject *src, GAsyncResult *res, gpointer data)
{
    Show *s = data;
    g_autoptr(GError) error = NULL;
    s->ws = soup_session_websocket_connect_finish(SOUP_SESSION(src), res, &error);
    g_assert_no_error(error);
}

/* A control page's WebSocket, to see what each button announces. */
static void watch(Show *s)
{
    g_autofree char *url = g_strdup_printf("ws://127.0.0.1:%d/api/control", s->port);
    g_autoptr(SoupMessage) msg = soup_message_new("GET", url);
    soup_message_headers_append(soup_message_get_request_headers(msg), "Authorization",
                                "Bearer " TOKEN);
    soup_session_websocket_connect_async(s->soup, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                         connected, s);
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    while (s->ws == NULL) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_main_context_iteration(NULL, TRUE);
    }
    g_signal_connect(s->ws, "message", G_CALLBACK(on_message), s);
}

/* The next notification called method (others before it are dropped); its params. */
static JsonNode *notified(Show *s, const char *method)
{
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    for (;;) {
        while (!g_queue_is_empty(&s->inbox)) {
            g_autoptr(JsonNode) n = g_queue_pop_head(&s->inbox);
            JsonObject *o = json_node_get_object(n);
            if (g_strcmp0(json_object_get_string_member_with_default(o, "method", NULL), method) ==
                0)
                return json_node_copy(json_object_get_member(o, "params"));
        }
        if (g_get_monotonic_time() > deadline)
            g_error("no %s notification", method);
        if (!g_main_context_iteration(NULL, FALSE))
            g_usleep(2000);
    }
}

/* Presses a button as Companion does (libsoup: an empty POST). */
static void press(Show *s, const char *name)
{
    g_autofree char *url = g_strdup_printf("http://127.0.0.1:%d/api/actions/%s", s->port, name);
    g_autoptr(SoupMessage) msg = soup_message_new("POST", url);
    soup_message_headers_append(soup_message_get_request_headers(msg), "Authorization",
                                "Bearer " TOKEN);
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) body = soup_session_send_and_read(s->soup, msg, NULL, &error);
    g_assert_no_error(error);
    g_test_message("%s: %u", name, soup_message_get_status(msg));
    g_assert_cmpuint(soup_message_get_status(msg), ==, 204);
    g_assert_cmpuint(g_bytes_get_size(body), ==, 0);
}

/* Presses a button over a bare socket without any Content-Length; returns the status line. */
static char *press_raw(Show *s, const char *name)
{
    g_autoptr(GSocketClient) client = g_socket_client_new();
    g_autoptr(GError) error = NULL;
    g_autofree char *host = g_strdup_printf("127.0.0.1:%d", s->port);
    g_autoptr(GSocketConnection) conn =
        g_socket_client_connect_to_host(client, host, 0, NULL, &error);
    g_assert_no_error(error);
    g_autofree char *req = g_strdup_printf("POST /api/actions/%s HTTP/1.1\r\nHost: %s\r\n"
                                           "Authorization: Bearer " TOKEN "\r\n\r\n",
                                           name, host);
    GOutputStream *out = g_io_stream_get_output_stream(G_IO_STREAM(conn));
    g_assert_true(g_output_stream_write_all(out, req, strlen(req), NULL, NULL, &error));
    g_autoptr(GDataInputStream) in =
        g_data_input_stream_new(g_io_stream_get_input_stream(G_IO_STREAM(conn)));
    char *line = g_data_input_stream_read_line_utf8(in, NULL, NULL, &error);
    g_assert_no_error(error);
    g_assert_nonnull(line);
    return g_strchomp(line);
}

/* The takes in the as-aired log (the stream's own events, such as the program coming on air
 * at its first status, land there too, at their own time). */
static gint64 as_aired_rows(Show *s)
{
    g_autofree char *db_path = g_build_filename(s->dir, "jobcast.db", NULL);
    sqlite3 *db = NULL;
    g_assert_cmpint(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    sqlite3_busy_timeout(db, 2000);
    sqlite3_stmt *st = NULL;
    g_assert_cmpint(
        sqlite3_prepare_v2(db, "SELECT count(*) FROM as_aired WHERE event = 'take'", -1, &st, NULL),
        ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_step(st), ==, SQLITE_ROW);
    gint64 n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

static gint64 on_air_id(JsonNode *params)
{
    JsonObject *o = json_node_get_object(params);
    return json_object_get_int_member(json_object_get_object_member(o, "on_air"), "id");
}

/* params' object member, then its boolean member. */
static gboolean flag(JsonNode *params, const char *object, const char *member)
{
    JsonObject *o = json_object_get_object_member(json_node_get_object(params), object);
    return json_object_get_boolean_member(o, member);
}

static void test_every_button(void)
{
    Show s = {0};
    start(&s);
    watch(&s);
    gint64 aired = as_aired_rows(&s);

    press(&s, "take-next");
    g_autoptr(JsonNode) next = notified(&s, "on_air.changed");
    g_assert_cmpint(as_aired_rows(&s), ==, aired + 1);
    press(&s, "take-previous");
    g_autoptr(JsonNode) back = notified(&s, "on_air.changed");
    g_assert_cmpint(on_air_id(back), !=, on_air_id(next));
    g_assert_cmpint(as_aired_rows(&s), ==, aired + 2);
    press(&s, "cue-next");
    g_autoptr(JsonNode) cued = notified(&s, "preview.changed");
    g_assert_true(
        JSON_NODE_HOLDS_OBJECT(json_object_get_member(json_node_get_object(cued), "preview")));

    press(&s, "break-on");
    g_autoptr(JsonNode) slate_on = notified(&s, "graphics.changed");
    g_assert_true(json_object_get_boolean_member(
        json_object_get_object_member(
            json_object_get_object_member(json_node_get_object(slate_on), "graphics"), "slate"),
        "on"));
    press(&s, "break-off");
    g_autoptr(JsonNode) slate_off = notified(&s, "graphics.changed");
    g_assert_false(json_object_get_boolean_member(
        json_object_get_object_member(
            json_object_get_object_member(json_node_get_object(slate_off), "graphics"), "slate"),
        "on"));
    press(&s, "mute");
    g_autoptr(JsonNode) muted = notified(&s, "audio.changed");
    g_assert_true(flag(muted, "audio", "muted"));
    press(&s, "unmute");
    g_autoptr(JsonNode) unmuted = notified(&s, "audio.changed");
    g_assert_false(flag(unmuted, "audio", "muted"));
    press(&s, "rotation-on");
    g_autoptr(JsonNode) rot_on = notified(&s, "rotation.changed");
    g_assert_true(flag(rot_on, "rotation", "on"));
    press(&s, "rotation-off");
    g_autoptr(JsonNode) rot_off = notified(&s, "rotation.changed");
    g_assert_false(flag(rot_off, "rotation", "on"));

    /* No Content-Length at all (a bare plug-in): answered, and done. */
    g_autofree char *line = press_raw(&s, "mute");
    g_assert_true(g_str_has_prefix(line, "HTTP/1.1 204"));
    g_autoptr(JsonNode) raw_muted = notified(&s, "audio.changed");
    g_assert_true(flag(raw_muted, "audio", "muted"));
    stop(&s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/actions/every-button-does-its-call", test_every_button);
    return g_test_run();
}
