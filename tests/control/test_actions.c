/* /security/actions/...: POST /api/actions/NAME (the buttons) played by a hostile client against
 * a real control server on 127.0.0.1 over a real store; requests written and answers read as raw
 * bytes. Whatever is refused changes nothing (the studio's saved state is read back). The happy
 * path of every button runs against the real binary (tests/integration/test_actions.c). */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "ctl_auth.h"
#include "ctl_control.h"
#include "ctl_store.h"
#include "ctl_test.h"

#define TOKEN "actions-producer-token"

typedef struct {
    char *dir;
    CtlStore *store;
    CtlControl *control;
    int port;
    int admin_port;
} Fixture;

static void setup(Fixture *f, gconstpointer data)
{
    static const char *const trusted[] = {"127.0.0.1", NULL};
    g_autoptr(GError) error = NULL;
    f->dir = g_dir_make_tmp("jobcast-actions-XXXXXX", &error);
    g_assert_no_error(error);
    g_autofree char *db = g_build_filename(f->dir, "jobcast.db", NULL);
    f->store = ctl_store_open(db, &error);
    g_assert_no_error(error);
    gboolean empty = g_strcmp0(data, "empty") == 0;
    if (!empty)
        ctl_test_seed(f->store);
    CtlControlConfig cfg = {
        .listen_host = "127.0.0.1",
        .producer_token = TOKEN,
        .store = f->store,
        .trusted_proxies = trusted,
        .admin_host = g_strcmp0(data, "admin") == 0 ? "127.0.0.1" : NULL,
    };
    f->control = ctl_control_new(&cfg, &error);
    g_assert_no_error(error);
    f->port = ctl_control_port(f->control);
    f->admin_port = ctl_control_admin_port(f->control);
}

static void teardown(Fixture *f, gconstpointer data)
{
    ctl_control_free(f->control);
    ctl_store_close(f->store);
    ctl_test_remove_dir(f->dir);
    g_free(f->dir);
}

/* method path with the extra header lines (each ending in CRLF) and body (may be NULL: no
 * Content-Length at all). (transfer full) */
static char *request(int port, const char *method, const char *path, const char *headers,
                     const char *body)
{
    g_autofree char *length =
        body != NULL ? g_strdup_printf("Content-Length: %zu\r\n", strlen(body)) : g_strdup("");
    g_autofree char *req =
        g_strdup_printf("%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n%s%s\r\n%s", method, path, port,
                        headers, length, body != NULL ? body : "");
    char *reply = ctl_test_raw(port, req);
    g_test_message("%s %s -> %.*s", method, path, (int)strcspn(reply, "\r"), reply);
    return reply;
}

static guint post(Fixture *f, const char *name, const char *headers)
{
    g_autofree char *path = g_strconcat("/api/actions/", name, NULL);
    g_autofree char *reply = request(f->port, "POST", path, headers, NULL);
    return ctl_test_raw_status(reply);
}

/* The studio as saved (what every change persists before it is broadcast). */
static gboolean saved_flag(Fixture *f, const char *member)
{
    g_autofree char *saved = ctl_store_get_state(f->store, "studio", NULL);
    if (saved == NULL)
        return FALSE;
    g_autofree char *needle = g_strdup_printf("\"%s\":true", member);
    return strstr(saved, needle) != NULL;
}

static void test_no_token(Fixture *f, gconstpointer data)
{
    g_autofree char *reply = request(f->port, "POST", "/api/actions/mute", "", NULL);
    g_assert_cmpuint(ctl_test_raw_status(reply), ==, 401);
    g_autofree char *www = ctl_test_raw_header(reply, "www-authenticate");
    g_assert_cmpstr(www, ==, "Bearer");
    g_assert_false(saved_flag(f, "muted"));
}

/* A wrong token is a guess: 401, counted; ten lock the address out, the right one too. */
static void test_wrong_token(Fixture *f, gconstpointer data)
{
    for (int i = 0; i < 10; i++)
        g_assert_cmpuint(post(f, "mute", "Authorization: Bearer wrong-token-wrong-token\r\n"), ==,
                         401);
    g_autofree char *reply =
        request(f->port, "POST", "/api/actions/mute", "Authorization: Bearer " TOKEN "\r\n", NULL);
    g_assert_cmpuint(ctl_test_raw_status(reply), ==, 429);
    g_autofree char *retry = ctl_test_raw_header(reply, "retry-after");
    g_assert_nonnull(retry);
    g_assert_false(saved_flag(f, "muted"));
}

static void test_host_token(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *hash = ctl_auth_token_hash("actions-host-token-0123");
    g_assert_cmpint(ctl_store_account_add(f->store, "anchor", "host", hash, &error), >, 0);
    g_assert_no_error(error);
    const char *auth = "Authorization: Bearer actions-host-token-0123\r\n";
    g_assert_cmpuint(post(f, "mute", auth), ==, 403);
    g_assert_cmpuint(post(f, "take-next", auth), ==, 403);
    g_assert_false(saved_flag(f, "muted"));
}

/* A signed-in browser's cookie (even from this server's own page) is not a button's
 * credential: a page elsewhere could make the browser send it. */
static void test_cookie_without_bearer(Fixture *f, gconstpointer data)
{
    g_autofree char *login = request(f->port, "GET", "/login?token=" TOKEN, "", NULL);
    g_autofree char *set = ctl_test_raw_header(login, "set-cookie");
    g_assert_nonnull(set);
    g_autofree char *cookie = g_strndup(set, strcspn(set, ";"));
    g_autofree char *same =
        g_strdup_printf("Cookie: %s\r\nOrigin: http://127.0.0.1:%d\r\n", cookie, f->port);
    g_autofree char *cross =
        g_strdup_printf("Cookie: %s\r\nOrigin: https://evil.example\r\n", cookie);
    g_assert_cmpuint(post(f, "mute", same), ==, 401);
    g_assert_cmpuint(post(f, "mute", cross), ==, 401);
    g_assert_false(saved_flag(f, "muted"));
}

static void test_get_instead_of_post(Fixture *f, gconstpointer data)
{
    g_autofree char *reply =
        request(f->port, "GET", "/api/actions/mute", "Authorization: Bearer " TOKEN "\r\n", NULL);
    g_assert_cmpuint(ctl_test_raw_status(reply), ==, 405);
    g_autofree char *allow = ctl_test_raw_header(reply, "allow");
    g_assert_cmpstr(allow, ==, "POST");
    g_assert_false(saved_flag(f, "muted"));
}

static void test_oversized_body(Fixture *f, gconstpointer data)
{
    g_autofree char *big = g_strnfill(20 * 1024, 'x');
    g_autofree char *reply =
        request(f->port, "POST", "/api/actions/mute", "Authorization: Bearer " TOKEN "\r\n", big);
    g_assert_cmpuint(ctl_test_raw_status(reply), ==, 413);
    /* Declared far over the cap: answered at once, the body never read. */
    g_autofree char *huge = request(f->port, "POST", "/api/actions/mute",
                                    "Authorization: Bearer " TOKEN "\r\n"
                                    "Content-Length: 104857600\r\n",
                                    NULL);
    g_assert_cmpuint(ctl_test_raw_status(huge), ==, 413);
    g_assert_false(saved_flag(f, "muted"));
}

static void test_unknown_action(Fixture *f, gconstpointer data)
{
    static const char *const names[] = {"format-disk", "", "TAKE-NEXT", "mute-now", "mute/x"};
    for (gsize i = 0; i < G_N_ELEMENTS(names); i++)
        g_assert_cmpuint(post(f, names[i], "Authorization: Bearer " TOKEN "\r\n"), ==, 404);
    g_assert_false(saved_flag(f, "muted"));
}

/* With an admin listener the public one knows no buttons. */
static void test_public_listener(Fixture *f, gconstpointer data)
{
    g_assert_cmpuint(post(f, "mute", "Authorization: Bearer " TOKEN "\r\n"), ==, 404);
    g_assert_false(saved_flag(f, "muted"));
    g_autofree char *path = g_strdup("/api/actions/mute");
    g_autofree char *reply =
        request(f->admin_port, "POST", path, "Authorization: Bearer " TOKEN "\r\n", "");
    g_assert_cmpuint(ctl_test_raw_status(reply), ==, 204);
    g_assert_true(saved_flag(f, "muted"));
}

/* No posting at all: nothing to take or cue. */
static void test_nothing_to_take(Fixture *f, gconstpointer data)
{
    static const char *const names[] = {"take-next", "take-previous", "cue-next"};
    for (gsize i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *path = g_strconcat("/api/actions/", names[i], NULL);
        g_autofree char *reply =
            request(f->port, "POST", path, "Authorization: Bearer " TOKEN "\r\n", NULL);
        g_assert_cmpuint(ctl_test_raw_status(reply), ==, 409);
        g_assert_nonnull(strstr(reply, "\"nothing_to_do\""));
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
#define ADD(path, fn, data) g_test_add(path, Fixture, data, setup, fn, teardown)
    ADD("/security/actions/no-token", test_no_token, NULL);
    ADD("/security/actions/wrong-token-counts", test_wrong_token, NULL);
    ADD("/security/actions/host-token", test_host_token, NULL);
    ADD("/security/actions/cookie-without-bearer", test_cookie_without_bearer, NULL);
    ADD("/security/actions/get-instead-of-post", test_get_instead_of_post, NULL);
    ADD("/security/actions/oversized-body", test_oversized_body, NULL);
    ADD("/security/actions/unknown-action", test_unknown_action, NULL);
    ADD("/security/actions/public-listener", test_public_listener, "admin");
    ADD("/control/actions/nothing-to-take-409", test_nothing_to_take, "empty");
#undef ADD
    return g_test_run();
}
