/* /security/overlay/...: the overlay role and the /overlay endpoints of build/jobcast, played by
 * a hostile client. An overlay token (an OBS browser source's, pasted into its URL) reads the
 * picture's layers and nothing else: no method of the control protocol but overlay.layers, no
 * broadcast about postings or sign-ups, no page or endpoint of the studio; a wrong one costs like
 * every credential; a revoked one's socket is closed. */
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>

#include "../control/ctl_test.h"
#include "../jc_test_child.h"

#define TOKEN "overlay-test-producer-token-7d1e"
#define BEARER "Bearer " TOKEN

typedef struct {
    char *dir;
    char *log;
    GSubprocess *proc;
    int port;
    SoupSession *soup;
} Server;

static int free_port(void)
{
    g_autoptr(GInetAddress) a = g_inet_address_new_from_string("127.0.0.1");
    g_autoptr(GSocket) s = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, 0, NULL);
    g_autoptr(GSocketAddress) sa = g_inet_socket_address_new(a, 0);
    g_assert_true(g_socket_bind(s, sa, TRUE, NULL));
    g_autoptr(GSocketAddress) got = g_socket_get_local_address(s, NULL);
    return g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(got));
}

/* Starts jobcast with no recording and no output (the overlay-only show) and waits for its
 * banner. */
static void server_start(Server *s)
{
    s->dir = g_dir_make_tmp("jobcast-overlay-XXXXXX", NULL);
    s->log = g_build_filename(s->dir, "jobcast.log", NULL);
    s->port = free_port();
    g_autofree char *bin = g_build_filename(g_getenv("JOBCAST_BUILD_DIR"), "jobcast", NULL);
    g_autofree char *data = g_build_filename(s->dir, "data", NULL);
    g_autofree char *listen = g_strdup_printf("127.0.0.1:%d", s->port);
    const char *argv[] = {bin,    "--data-dir",       data,  "--no-record", "--listen",
                          listen, "--producer-token", TOKEN, NULL};
    g_autoptr(GSubprocessLauncher) launcher =
        g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDERR_MERGE);
    g_subprocess_launcher_set_stdout_file_path(launcher, s->log);
    g_subprocess_launcher_set_child_setup(launcher, die_with_parent, NULL, NULL);
    g_autoptr(GError) error = NULL;
    s->proc = g_subprocess_launcher_spawnv(launcher, argv, &error);
    g_assert_no_error(error);
    s->soup = soup_session_new();
    g_autofree char *text = NULL;
    for (int i = 0; i < 300; i++) {
        g_clear_pointer(&text, g_free);
        if (g_file_get_contents(s->log, &text, NULL, NULL) && strstr(text, "jobcast is live"))
            return;
        g_usleep(100000);
    }
    g_test_message("jobcast did not start:\n%s", text);
    g_assert_not_reached();
}

static void server_stop(Server *s)
{
    g_clear_object(&s->soup);
    g_subprocess_send_signal(s->proc, SIGTERM);
    g_autoptr(GError) error = NULL;
    g_assert_true(g_subprocess_wait(s->proc, NULL, &error));
    g_assert_true(g_subprocess_get_if_exited(s->proc));
    g_assert_cmpint(g_subprocess_get_exit_status(s->proc), ==, 0);
    g_clear_object(&s->proc);
    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", s->dir);
    g_assert_true(g_spawn_command_line_sync(cmd, NULL, NULL, NULL, NULL));
    g_free(s->dir);
    g_free(s->log);
}

/* GET path with an Authorization header (may be NULL): the status; the body into *body. */
static guint get(Server *s, const char *path, const char *authorization, GBytes **body)
{
    g_autoptr(SoupMessage) msg = ctl_test_get(s->port, path, authorization);
    GBytes *b = ctl_test_http(s->soup, msg);
    if (body != NULL)
        *body = b;
    else
        g_bytes_unref(b);
    return soup_message_get_status(msg);
}

/* Calls method with params (a JSON object's text, or NULL) and returns the reply to it,
 * skipping notifications. (transfer full) */
static JsonNode *call(CtlTestWs *w, const char *method, const char *params)
{
    int id = ++w->next_id;
    g_autofree char *text =
        g_strdup_printf("{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"%s\",\"params\":%s}", id,
                        method, params != NULL ? params : "{}");
    soup_websocket_connection_send_text(w->ws, text);
    for (;;) {
        JsonNode *msg = ctl_test_ws_next(w);
        JsonObject *o = json_node_get_object(msg);
        if (json_object_has_member(o, "id") && json_object_get_int_member(o, "id") == id)
            return msg;
        json_node_unref(msg);
    }
}

/* A new account's token, made over the protocol by the producer. (transfer full) */
static char *add_account(Server *s, const char *name, const char *role)
{
    CtlTestWs *p = ctl_test_ws_producer(s->soup, s->port, BEARER);
    g_autofree char *params = g_strdup_printf("{\"name\":\"%s\",\"role\":\"%s\"}", name, role);
    g_autoptr(JsonNode) reply = call(p, "accounts.add", params);
    JsonObject *o = json_node_get_object(reply);
    g_assert_true(json_object_has_member(o, "result"));
    char *token = g_strdup(
        json_object_get_string_member(json_object_get_object_member(o, "result"), "token"));
    ctl_test_ws_free(p);
    return token;
}

static void test_wrong_token_counted(void)
{
    Server s = {0};
    server_start(&s);
    g_autofree char *overlay = add_account(&s, "obs", "overlay");
    g_autofree char *url = g_strdup_printf("/overlay?token=%s", overlay);
    g_assert_cmpuint(get(&s, url, NULL, NULL), ==, 200);
    for (int i = 0; i < 10; i++) {
        g_autofree char *wrong = g_strdup_printf("/overlay?token=wrong-%d", i);
        g_assert_cmpuint(get(&s, wrong, NULL, NULL), ==, 401);
    }
    /* Locked out: now even the right token is not checked, here or anywhere. */
    g_assert_cmpuint(get(&s, url, NULL, NULL), ==, 429);
    g_autofree char *bearer = g_strconcat("Bearer ", overlay, NULL);
    g_assert_cmpuint(get(&s, "/api/overlay/layers", bearer, NULL), ==, 429);
    server_stop(&s);
}

/* Every method of the studio an overlay might try: reading postings, sign-ups, state, and
 * changing anything. */
static const char *const refused_methods[] = {
    "state.get",       "postings.list",  "postings.get",
    "postings.search", "signups.list",   "signups.counts",
    "stats.get",       "rundown.get",    "shows.list",
    "privacy.get",     "accounts.list",  "graphics.themes",
    "show.take",       "show.next",      "postings.create",
    "graphics.ticker", "accounts.add",   "privacy.forget",
    "audio.set",       "rotation.start", NULL};

static void test_reads_layers_only(void)
{
    Server s = {0};
    server_start(&s);
    g_autofree char *overlay = add_account(&s, "obs", "overlay");
    g_autofree char *bearer = g_strconcat("Bearer ", overlay, NULL);
    CtlTestWs *o = ctl_test_ws_producer(s.soup, s.port, bearer);
    for (const char *const *m = refused_methods; *m != NULL; m++) {
        g_autoptr(JsonNode) reply = call(o, *m, "{\"id\":1,\"name\":\"x\"}");
        JsonObject *r = json_node_get_object(reply);
        g_test_message("%s", *m);
        g_assert_true(json_object_has_member(r, "error"));
        g_assert_cmpint(
            json_object_get_int_member(json_object_get_object_member(r, "error"), "code"), ==,
            -32601);
    }
    g_autoptr(JsonNode) layers = call(o, "overlay.layers", NULL);
    JsonObject *result = json_object_get_object_member(json_node_get_object(layers), "result");
    g_assert_nonnull(result);
    g_assert_cmpuint(json_array_get_length(json_object_get_array_member(result, "layers")), >, 0);

    /* The studio's pages and endpoints: none of them. */
    static const char *const paths[] = {"/api/export.csv", "/api/card.png?posting_id=1",
                                        "/api/preview.jpg", NULL};
    for (const char *const *p = paths; *p != NULL; p++)
        g_assert_cmpuint(get(&s, *p, bearer, NULL), ==, 403);

    /* A take and a sign-up reach the producer's page; the overlay hears of a new picture and
     * of nothing else, and nothing it hears carries a URI or a person. */
    CtlTestWs *p = ctl_test_ws_producer(s.soup, s.port, BEARER);
    g_autoptr(JsonNode) take = call(p, "show.take", "{\"posting_id\":2}");
    g_assert_true(json_object_has_member(json_node_get_object(take), "result"));
    const char *form = "{\"posting_id\":2,\"name\":\"王小明\",\"phone\":\"13800138000\","
                       "\"consent\":true}";
    g_autoptr(SoupMessage) post =
        ctl_test_post(s.port, "/api/apply", "application/json", form, strlen(form));
    g_autoptr(GBytes) posted = ctl_test_http(s.soup, post);
    g_assert_cmpuint(soup_message_get_status(post), ==, 201);
    ctl_test_spin_for(1500);
    guint changed = 0;
    while (!g_queue_is_empty(&o->messages)) {
        g_autoptr(JsonNode) n = g_queue_pop_head(&o->messages);
        g_autofree char *text = json_to_string(n, FALSE);
        g_test_message("overlay got %s", text);
        g_assert_cmpstr(json_object_get_string_member(json_node_get_object(n), "method"), ==,
                        "overlay.changed");
        g_assert_null(strstr(text, "13800138000"));
        g_assert_null(strstr(text, "uri"));
        changed++;
    }
    g_assert_cmpuint(changed, >=, 1);
    ctl_test_ws_free(p);
    ctl_test_ws_free(o);
    server_stop(&s);
}

static void test_revoked_socket_closed(void)
{
    Server s = {0};
    server_start(&s);
    g_autofree char *overlay = add_account(&s, "obs", "overlay");
    g_autofree char *bearer = g_strconcat("Bearer ", overlay, NULL);
    CtlTestWs *o = ctl_test_ws_producer(s.soup, s.port, bearer);
    CtlTestWs *p = ctl_test_ws_producer(s.soup, s.port, BEARER);
    g_autoptr(JsonNode) revoked = call(p, "accounts.revoke", "{\"name\":\"obs\"}");
    g_assert_true(json_object_has_member(json_node_get_object(revoked), "result"));
    for (int i = 0;
         i < 100 && soup_websocket_connection_get_state(o->ws) != SOUP_WEBSOCKET_STATE_CLOSED; i++)
        ctl_test_spin_for(50);
    g_assert_cmpint(soup_websocket_connection_get_state(o->ws), ==, SOUP_WEBSOCKET_STATE_CLOSED);
    CtlTestWs *again = ctl_test_ws_connect(s.soup, s.port, bearer, NULL, NULL);
    g_assert_cmpuint(again->status, ==, 401);
    g_assert_cmpuint(get(&s, "/api/overlay/layers", bearer, NULL), ==, 401);
    ctl_test_ws_free(again);
    ctl_test_ws_free(p);
    ctl_test_ws_free(o);
    server_stop(&s);
}

static void test_layers_need_token(void)
{
    Server s = {0};
    server_start(&s);
    g_autofree char *overlay = add_account(&s, "obs", "overlay");
    g_autofree char *bearer = g_strconcat("Bearer ", overlay, NULL);
    g_assert_cmpuint(get(&s, "/api/overlay/layers", NULL, NULL), ==, 401);
    g_assert_cmpuint(get(&s, "/api/overlay/layers", "Bearer wrong", NULL), ==, 401);
    g_assert_cmpuint(get(&s, "/overlay", NULL, NULL), ==, 401);

    GBytes *body = NULL;
    g_assert_cmpuint(get(&s, "/api/overlay/layers", bearer, &body), ==, 200);
    g_autoptr(JsonParser) parser = json_parser_new();
    g_assert_true(json_parser_load_from_data(parser, g_bytes_get_data(body, NULL),
                                             (gssize)g_bytes_get_size(body), NULL));
    g_bytes_unref(body);
    JsonObject *list = json_node_get_object(json_parser_get_root(parser));
    JsonArray *layers = json_object_get_array_member(list, "layers");
    g_assert_cmpuint(json_array_get_length(layers), >, 0);
    gint64 id = json_object_get_int_member(json_array_get_object_element(layers, 0), "id");
    g_autofree char *png = g_strdup_printf("/api/overlay/layer.png?id=%" G_GINT64_FORMAT, id);
    g_assert_cmpuint(get(&s, png, NULL, NULL), ==, 401);
    g_assert_cmpuint(get(&s, png, "Bearer wrong", NULL), ==, 401);
    g_assert_cmpuint(get(&s, png, bearer, &body), ==, 200);
    g_assert_cmpuint(g_bytes_get_size(body), >, 8);
    g_assert_cmpint(memcmp(g_bytes_get_data(body, NULL), "\x89PNG", 4), ==, 0);
    g_bytes_unref(body);
    g_assert_cmpuint(get(&s, "/api/overlay/layer.png?id=999999999", bearer, NULL), ==, 404);
    g_assert_cmpuint(get(&s, "/api/overlay/layer.png?id=x", bearer, NULL), ==, 400);
    server_stop(&s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/security/overlay/wrong-token-401-and-counted", test_wrong_token_counted);
    g_test_add_func("/security/overlay/reads-layers-only", test_reads_layers_only);
    g_test_add_func("/security/overlay/revoked-socket-closed", test_revoked_socket_closed);
    g_test_add_func("/security/overlay/layers-need-token", test_layers_need_token);
    return g_test_run();
}
