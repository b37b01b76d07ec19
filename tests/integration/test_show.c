/* End-to-end tests of a whole show: build/jobcast is started as a separate process on a free
 * port; a WebSocket client takes a posting, a viewer signs up over HTTP, and after a clean stop
 * the database, the recording (ffprobe) and its frames (zbar) are checked. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include "../jc_test_child.h"

#define TOKEN "integration-test-token-0123456789"

typedef struct {
    char *dir;             /* owned: the --data-dir, a fresh temp folder */
    GSubprocess *proc;     /* owned */
    GDataInputStream *out; /* owned: jobcast's stdout */
    int port;
    char *base;        /* owned: http://127.0.0.1:PORT */
    SoupSession *http; /* owned */
} Show;

static char *jobcast_path(void)
{
    const char *build = g_getenv("JOBCAST_BUILD_DIR");
    g_assert_nonnull(build);
    return g_build_filename(build, "jobcast", NULL);
}

/* Reads jobcast's banner until the control page line, which names the bound port. */
static void read_banner(Show *s)
{
    for (int i = 0; i < 200 && s->port == 0; i++) {
        g_autoptr(GError) error = NULL;
        g_autofree char *line = g_data_input_stream_read_line_utf8(s->out, NULL, NULL, &error);
        g_assert_no_error(error);
        g_assert_nonnull(line); /* EOF before the banner: jobcast died */
        g_test_message("jobcast: %s", line);
        const char *url = strstr(line, "Control page: http://127.0.0.1:");
        if (url != NULL)
            s->port = atoi(url + strlen("Control page: http://127.0.0.1:"));
    }
    g_assert_cmpint(s->port, >, 0);
    s->base = g_strdup_printf("http://127.0.0.1:%d", s->port);
}

static guint http_status(Show *s, const char *method, const char *path, const char *ctype,
                         const char *body, GBytes **reply)
{
    g_autofree char *url = g_strconcat(s->base, path, NULL);
    g_autoptr(SoupMessage) msg = soup_message_new(method, url);
    if (body != NULL) {
        g_autoptr(GBytes) b = g_bytes_new(body, strlen(body));
        soup_message_set_request_body_from_bytes(msg, ctype, b);
    }
    g_autoptr(GError) error = NULL;
    GBytes *got = soup_session_send_and_read(s->http, msg, NULL, &error);
    if (got == NULL)
        return 0; /* not listening (yet) */
    if (reply != NULL)
        *reply = got;
    else
        g_bytes_unref(got);
    return soup_message_get_status(msg);
}

static void wait_healthy(Show *s)
{
    gint64 deadline = g_get_monotonic_time() + 20 * G_USEC_PER_SEC;
    while (http_status(s, "GET", "/healthz", NULL, NULL, NULL) != 200) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(100 * 1000);
    }
}

static Show *show_start(const char *const *extra)
{
    Show *s = g_new0(Show, 1);
    s->dir = g_dir_make_tmp("jobcast-show-XXXXXX", NULL);
    g_assert_nonnull(s->dir);
    g_autofree char *exe = jobcast_path();
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    const char *fixed[] = {exe,    "--listen",         "127.0.0.1:0", "--data-dir",
                           s->dir, "--producer-token", TOKEN};
    for (gsize i = 0; i < G_N_ELEMENTS(fixed); i++)
        g_ptr_array_add(argv, (gpointer)fixed[i]);
    for (const char *const *a = extra; a && *a; a++)
        g_ptr_array_add(argv, (gpointer)*a);
    g_ptr_array_add(argv, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocessLauncher) launcher =
        g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE);
    g_subprocess_launcher_set_child_setup(launcher, die_with_parent, NULL, NULL);
    s->proc = g_subprocess_launcher_spawnv(launcher, (const char *const *)argv->pdata, &error);
    g_assert_no_error(error);
    s->out = g_data_input_stream_new(g_subprocess_get_stdout_pipe(s->proc));
    s->http = soup_session_new_with_options("timeout", 15, NULL);
    read_banner(s);
    wait_healthy(s);
    return s;
}

/* Waits for jobcast to exit by itself and asserts it exited 0. */
static void show_wait_exit(Show *s)
{
    /* Drain stdout so jobcast never blocks on a full pipe while stopping. */
    for (;;) {
        g_autofree char *line = g_data_input_stream_read_line_utf8(s->out, NULL, NULL, NULL);
        if (line == NULL)
            break;
        g_test_message("jobcast: %s", line);
    }
    g_autoptr(GError) error = NULL;
    g_assert_true(g_subprocess_wait(s->proc, NULL, &error));
    g_assert_no_error(error);
    g_assert_true(g_subprocess_get_if_exited(s->proc));
    g_assert_cmpint(g_subprocess_get_exit_status(s->proc), ==, 0);
}

static void rm_rf(const char *path)
{
    g_autoptr(GDir) d = g_dir_open(path, 0, NULL);
    if (d != NULL) {
        const char *name;
        while ((name = g_dir_read_name(d)) != NULL) {
            g_autofree char *child = g_build_filename(path, name, NULL);
            rm_rf(child);
        }
    }
    g_remove(path);
}

static void show_free(Show *s)
{
    if (!g_subprocess_get_if_exited(s->proc) && !g_subprocess_get_if_signaled(s->proc))
        g_subprocess_force_exit(s->proc);
    g_object_unref(s->http);
    g_object_unref(s->out);
    g_object_unref(s->proc);
    if (g_getenv("JOBCAST_KEEP_TEST_DATA") == NULL)
        rm_rf(s->dir);
    g_free(s->dir);
    g_free(s->base);
    g_free(s);
}

/* The one recording a show leaves in DATA/recordings. (transfer full) */
static char *find_recording(Show *s)
{
    g_autofree char *rec_dir = g_build_filename(s->dir, "recordings", NULL);
    g_autoptr(GDir) d = g_dir_open(rec_dir, 0, NULL);
    g_assert_nonnull(d);
    const char *name = g_dir_read_name(d);
    g_assert_nonnull(name);
    g_assert_null(g_dir_read_name(d));
    return g_build_filename(rec_dir, name, NULL);
}

static JsonNode *run_json(const char *const *argv)
{
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status = 0;
    g_autoptr(GError) error = NULL;
    g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                               &err, &status, &error));
    g_assert_no_error(error);
    if (!g_spawn_check_wait_status(status, NULL))
        g_error("%s failed: %s", argv[0], err);
    JsonNode *node = json_from_string(out, &error);
    g_assert_no_error(error);
    return node;
}

/* ffprobe's verdict: H.264 video of the profile's size, AAC audio, duration within bounds. */
static void check_recording_playable(const char *path, double min_s, double max_s)
{
    const char *argv[] = {"ffprobe", "-v", "error", "-show_streams", "-show_format", "-of",
                          "json",    path, NULL};
    g_autoptr(JsonNode) root = run_json(argv);
    JsonObject *o = json_node_get_object(root);
    JsonArray *streams = json_object_get_array_member(o, "streams");
    gboolean video = FALSE;
    gboolean audio = FALSE;
    for (guint i = 0; i < json_array_get_length(streams); i++) {
        JsonObject *st = json_array_get_object_element(streams, i);
        const char *codec = json_object_get_string_member(st, "codec_name");
        if (g_strcmp0(codec, "h264") == 0) {
            video = TRUE;
            g_assert_cmpint(json_object_get_int_member(st, "width"), ==, 1280);
            g_assert_cmpint(json_object_get_int_member(st, "height"), ==, 720);
        } else if (g_strcmp0(codec, "aac") == 0) {
            audio = TRUE;
        }
    }
    g_assert_true(video);
    g_assert_true(audio);
    JsonObject *format = json_object_get_object_member(o, "format");
    double duration = g_ascii_strtod(json_object_get_string_member(format, "duration"), NULL);
    g_test_message("recording %s lasts %.2f s", path, duration);
    g_assert_cmpfloat(duration, >=, min_s);
    g_assert_cmpfloat(duration, <=, max_s);
}

/* Decodes the frame at `at` ("-sseof -1" style args) to a PNG and returns what zbar reads in
 * it. The PNG is kept under build/screenshots/ for a human to look at. (transfer full) */
static char *qr_in_frame(const char *recording, const char *seek_opt, const char *seek,
                         const char *png_name)
{
    g_autofree char *shots = g_build_filename(g_getenv("JOBCAST_BUILD_DIR"), "screenshots", NULL);
    g_mkdir_with_parents(shots, 0755);
    g_autofree char *png = g_build_filename(shots, png_name, NULL);
    /* An earlier run's picture must not answer for this one: ffmpeg that finds no frame at the
     * seek point exits 0 and writes nothing (a QR of an old run's port was read once). */
    g_remove(png);
    const char *ff[] = {"ffmpeg",  "-v",        "error", seek_opt, seek, "-i",
                        recording, "-frames:v", "1",     "-y",     png,  NULL};
    int status = 0;
    g_autofree char *err = NULL;
    g_assert_true(g_spawn_sync(NULL, (char **)ff, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, &err,
                               &status, NULL));
    if (!g_spawn_check_wait_status(status, NULL))
        g_error("ffmpeg could not decode a frame: %s", err);
    const char *zb[] = {"zbarimg", "--quiet", "--raw", png, NULL};
    g_autofree char *out = NULL;
    g_assert_true(g_spawn_sync(NULL, (char **)zb, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL,
                               &status, NULL));
    return g_strstrip(g_steal_pointer(&out));
}

/* ---- a tiny JSON-RPC client over libsoup's WebSocket ---- */

typedef struct {
    SoupWebsocketConnection *conn; /* owned */
    GQueue inbox;                  /* owned JsonNode* of every message received */
    GError *error;                 /* owned */
    gboolean done;
} Ws;

static void ws_on_message(SoupWebsocketConnection *c, gint type, GBytes *msg, gpointer data)
{
    Ws *ws = data;
    gsize len = 0;
    const char *text = g_bytes_get_data(msg, &len);
    g_autofree char *copy = g_strndup(text, len);
    JsonNode *node = json_from_string(copy, NULL);
    g_assert_nonnull(node);
    g_queue_push_tail(&ws->inbox, node);
}

static void ws_connected(GObject *src, GAsyncResult *res, gpointer data)
{
    Ws *ws = data;
    ws->conn = soup_session_websocket_connect_finish(SOUP_SESSION(src), res, &ws->error);
    ws->done = TRUE;
}

static void spin_until(gboolean *flag, int seconds)
{
    gint64 deadline = g_get_monotonic_time() + seconds * G_USEC_PER_SEC;
    while (!*flag && g_get_monotonic_time() < deadline)
        g_main_context_iteration(NULL, FALSE) || (g_usleep(1000), TRUE);
}

static Ws *ws_connect(Show *s, const char *token, guint *http_status_out)
{
    Ws *ws = g_new0(Ws, 1);
    g_autofree char *url = g_strdup_printf("ws://127.0.0.1:%d/api/control", s->port);
    g_autoptr(SoupMessage) msg = soup_message_new("GET", url);
    if (token != NULL) {
        g_autofree char *auth = g_strconcat("Bearer ", token, NULL);
        soup_message_headers_append(soup_message_get_request_headers(msg), "Authorization", auth);
    }
    soup_session_websocket_connect_async(s->http, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                         ws_connected, ws);
    spin_until(&ws->done, 10);
    g_assert_true(ws->done);
    if (http_status_out != NULL)
        *http_status_out = soup_message_get_status(msg);
    if (ws->conn != NULL)
        g_signal_connect(ws->conn, "message", G_CALLBACK(ws_on_message), ws);
    return ws;
}

static void ws_free(Ws *ws)
{
    if (ws->conn != NULL) {
        if (soup_websocket_connection_get_state(ws->conn) == SOUP_WEBSOCKET_STATE_OPEN)
            soup_websocket_connection_close(ws->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
        g_object_unref(ws->conn);
    }
    g_queue_clear_full(&ws->inbox, (GDestroyNotify)json_node_unref);
    g_clear_error(&ws->error);
    g_free(ws);
}

/* Waits for the message matching pred; returns it (transfer full), leaving others queued. */
static JsonNode *ws_wait(Ws *ws, gboolean (*pred)(JsonObject *, gconstpointer), gconstpointer arg)
{
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    for (;;) {
        for (GList *l = ws->inbox.head; l; l = l->next) {
            JsonObject *o = json_node_get_object(l->data);
            if (pred(o, arg)) {
                JsonNode *n = l->data;
                g_queue_delete_link(&ws->inbox, l);
                return n;
            }
        }
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        if (!g_main_context_iteration(NULL, FALSE))
            g_usleep(1000);
    }
}

static gboolean is_reply_to(JsonObject *o, gconstpointer id)
{
    return json_object_has_member(o, "id") &&
           json_object_get_int_member(o, "id") == GPOINTER_TO_INT(id);
}

static gboolean is_method(JsonObject *o, gconstpointer method)
{
    return g_strcmp0(json_object_get_string_member_with_default(o, "method", NULL), method) == 0;
}

static JsonNode *ws_call(Ws *ws, int id, const char *method, const char *params_json)
{
    g_autofree char *req = g_strdup_printf(
        "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"%s\",\"params\":%s}", id, method, params_json);
    soup_websocket_connection_send_text(ws->conn, req);
    JsonNode *reply = ws_wait(ws, is_reply_to, GINT_TO_POINTER(id));
    JsonObject *o = json_node_get_object(reply);
    if (json_object_has_member(o, "error"))
        g_error("%s failed: %s", method, json_to_string(reply, FALSE));
    return reply;
}

static gint64 result_on_air_id(JsonNode *reply, const char *member)
{
    JsonObject *o = json_object_get_object_member(json_node_get_object(reply), member);
    JsonObject *on_air = json_object_get_object_member(o, "on_air");
    g_assert_nonnull(on_air);
    return json_object_get_int_member(on_air, "id");
}

/* ---- the tests ---- */

/* The whole walking skeleton: take over WebSocket, sign up over HTTP, a recording that shows
 * the first posting's QR before the take and the new one's after. */
static void test_end_to_end(void)
{
    Show *s = show_start((const char *const[]){"--duration", "9", NULL});

    Ws *ws = ws_connect(s, TOKEN, NULL);
    g_assert_no_error(ws->error);
    g_autoptr(JsonNode) state = ws_call(ws, 1, "state.get", "{}");
    g_assert_cmpint(result_on_air_id(state, "result"), ==, 1);
    /* Leave the first posting on air long enough to be seen early in the recording. */
    g_usleep(2 * G_USEC_PER_SEC);

    g_autoptr(JsonNode) take = ws_call(ws, 2, "show.take", "{\"posting_id\":3}");
    g_assert_cmpint(result_on_air_id(take, "result"), ==, 3);
    g_autoptr(JsonNode) note = ws_wait(ws, is_method, "on_air.changed");
    g_assert_cmpint(result_on_air_id(note, "params"), ==, 3);

    g_autoptr(GBytes) reply = NULL;
    guint status = http_status(s, "POST", "/api/apply", "application/json",
                               "{\"posting_id\":3,\"name\":\"王师傅\",\"phone\":\"138 0013 "
                               "8000\",\"consent\":true}",
                               &reply);
    g_assert_cmpuint(status, ==, 201);
    g_autoptr(JsonNode) created = json_from_string(g_bytes_get_data(reply, NULL), NULL);
    g_assert_true(json_object_get_boolean_member(json_node_get_object(created), "received"));
    g_autoptr(JsonNode) signup_note = ws_wait(ws, is_method, "signup.created");
    ws_free(ws);

    show_wait_exit(s);

    /* The acknowledged sign-up is on disk, as a fresh connection sees it. */
    g_autofree char *db_path = g_build_filename(s->dir, "jobcast.db", NULL);
    sqlite3 *db = NULL;
    g_assert_cmpint(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    sqlite3_stmt *st = NULL;
    g_assert_cmpint(
        sqlite3_prepare_v2(db, "SELECT posting_id, name, phone FROM signups", -1, &st, NULL), ==,
        SQLITE_OK);
    g_assert_cmpint(sqlite3_step(st), ==, SQLITE_ROW);
    g_assert_cmpint(sqlite3_column_int64(st, 0), ==, 3);
    g_assert_cmpstr((const char *)sqlite3_column_text(st, 1), ==, "王师傅");
    g_assert_cmpstr((const char *)sqlite3_column_text(st, 2), ==, "13800138000");
    sqlite3_finalize(st);
    sqlite3_close(db);

    g_autofree char *rec = find_recording(s);
    check_recording_playable(rec, 7.0, 11.0);
    g_autofree char *want_before = g_strdup_printf("%s/a/1", s->base);
    g_autofree char *want_after = g_strdup_printf("%s/a/3", s->base);
    g_autofree char *before = qr_in_frame(rec, "-ss", "0.5", "show-before-take.png");
    g_assert_cmpstr(before, ==, want_before);
    g_autofree char *after = qr_in_frame(rec, "-sseof", "-1", "show-after-take.png");
    g_assert_cmpstr(after, ==, want_after);
    show_free(s);
}

/* Ctrl-C: a clean exit 0 and a recording that plays. */
static void test_sigint_clean_stop(void)
{
    gint64 spawned = g_get_monotonic_time();
    Show *s = show_start(NULL);
    g_usleep(2 * G_USEC_PER_SEC);
    g_subprocess_send_signal(s->proc, SIGINT);
    /* The recording cannot hold more than the time the process had before the signal (a
     * starved machine takes seconds to come up, so the bound is that time, not a constant);
     * a stop that kept recording after SIGINT goes past it. */
    double before_signal = (double)(g_get_monotonic_time() - spawned) / G_USEC_PER_SEC;
    show_wait_exit(s);
    g_autofree char *rec = find_recording(s);
    check_recording_playable(rec, 1.0, before_signal + 0.5);
    show_free(s);
}

/* A WebSocket upgrade without the token is refused with 401 by the running binary. */
static void test_control_requires_token(void)
{
    Show *s = show_start((const char *const[]){"--no-record", NULL});
    guint status = 0;
    Ws *ws = ws_connect(s, NULL, &status);
    g_assert_null(ws->conn);
    g_assert_cmpuint(status, ==, 401);
    ws_free(ws);
    ws = ws_connect(s, "wrong-token-wrong-token", &status);
    g_assert_null(ws->conn);
    g_assert_cmpuint(status, ==, 401);
    ws_free(ws);
    g_subprocess_send_signal(s->proc, SIGTERM);
    show_wait_exit(s);
    show_free(s);
}

/* ---- layout switch (graphics.layout): the program is rebuilt at the turned profile ---- */

/* Width and height of path's H.264 stream (an MP4, or a JPEG's picture), from ffprobe. */
static void video_size(const char *path, gint64 *width, gint64 *height)
{
    const char *argv[] = {"ffprobe", "-v", "error", "-show_streams", "-of", "json", path, NULL};
    g_autoptr(JsonNode) root = run_json(argv);
    JsonArray *streams = json_object_get_array_member(json_node_get_object(root), "streams");
    g_assert_cmpuint(json_array_get_length(streams), >, 0);
    for (guint i = 0; i < json_array_get_length(streams); i++) {
        JsonObject *st = json_array_get_object_element(streams, i);
        if (json_object_has_member(st, "width")) {
            *width = json_object_get_int_member(st, "width");
            *height = json_object_get_int_member(st, "height");
            return;
        }
    }
    g_assert_not_reached();
}

/* The recordings in DATA/recordings: how many are landscape 1280x720 and portrait 720x1280
 * (anything else fails); *portrait_path receives one portrait file (transfer full). */
static void count_recordings(const char *data_dir, guint *landscape, guint *portrait,
                             char **portrait_path)
{
    g_autofree char *rec_dir = g_build_filename(data_dir, "recordings", NULL);
    g_autoptr(GDir) d = g_dir_open(rec_dir, 0, NULL);
    g_assert_nonnull(d);
    *landscape = *portrait = 0;
    const char *name;
    while ((name = g_dir_read_name(d)) != NULL) {
        g_autofree char *path = g_build_filename(rec_dir, name, NULL);
        gint64 w = 0, h = 0;
        video_size(path, &w, &h);
        g_test_message("recording %s: %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT, name, w, h);
        if (w == 1280 && h == 720) {
            (*landscape)++;
        } else {
            g_assert_cmpint(w, ==, 720);
            g_assert_cmpint(h, ==, 1280);
            (*portrait)++;
            g_free(*portrait_path);
            *portrait_path = g_strdup(path);
        }
    }
}

/* Mid-show graphics.layout 9:16: the landscape recording is finalised and a portrait one
 * (720x1280, the QR of what is on air still readable) follows, the preview turns portrait; the
 * stored layout then wins over --profile 720p30 at the next start. */
static void test_layout_switch(void)
{
    Show *s = show_start(NULL);
    Ws *ws = ws_connect(s, TOKEN, NULL);
    g_assert_no_error(ws->error);
    g_usleep(2 * G_USEC_PER_SEC);
    g_autoptr(JsonNode) reply = ws_call(ws, 1, "graphics.layout", "{\"layout\":\"9:16\"}");
    ws_free(ws);
    /* The new program is up when the preview turns portrait (480 wide, 852 high). */
    g_autofree char *jpeg = g_build_filename(s->dir, "preview.jpg", NULL);
    gint64 deadline = g_get_monotonic_time() + 15 * G_USEC_PER_SEC;
    gint64 w = 0, h = 0;
    while (h <= w) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(200 * 1000);
        g_autoptr(GBytes) frame = NULL;
        g_autofree char *url = g_strconcat(s->base, "/api/preview.jpg", NULL);
        g_autoptr(SoupMessage) msg = soup_message_new("GET", url);
        soup_message_headers_append(soup_message_get_request_headers(msg), "Authorization",
                                    "Bearer " TOKEN);
        frame = soup_session_send_and_read(s->http, msg, NULL, NULL);
        if (frame == NULL || soup_message_get_status(msg) != 200)
            continue;
        g_assert_true(g_file_set_contents(jpeg, g_bytes_get_data(frame, NULL),
                                          (gssize)g_bytes_get_size(frame), NULL));
        video_size(jpeg, &w, &h);
    }
    g_assert_cmpint(w, ==, 480);
    g_assert_cmpint(h, ==, 852);
    g_remove(jpeg);
    g_usleep(3 * G_USEC_PER_SEC);
    g_subprocess_send_signal(s->proc, SIGINT);
    show_wait_exit(s);

    guint landscape = 0, portrait = 0;
    g_autofree char *rec = NULL;
    count_recordings(s->dir, &landscape, &portrait, &rec);
    g_assert_cmpuint(landscape, ==, 1);
    g_assert_cmpuint(portrait, ==, 1);
    /* A second in (not the end: on a loaded machine the last video frames can end more than
     * a second before the audio does). */
    g_autofree char *want = g_strdup_printf("%s/a/1", s->base);
    g_autofree char *qr = qr_in_frame(rec, "-ss", "1", "layout-portrait.png");
    g_assert_cmpstr(qr, ==, want);
    g_clear_pointer(&rec, g_free);

    /* Restarted on the same data: portrait from the first frame. */
    Show *again = show_start((const char *const[]){"--data-dir", s->dir, "--duration", "3", NULL});
    show_wait_exit(again);
    show_free(again);
    count_recordings(s->dir, &landscape, &portrait, &rec);
    g_assert_cmpuint(landscape, ==, 1);
    g_assert_cmpuint(portrait, ==, 2);
    show_free(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/show/end-to-end", test_end_to_end);
    g_test_add_func("/show/sigint-clean-stop", test_sigint_clean_stop);
    g_test_add_func("/show/control-requires-token", test_control_requires_token);
    g_test_add_func("/show/layout-switch", test_layout_switch);
    return g_test_run();
}
