/* /security/credentials, /security/sessions, /security/browser: the signed-in side of control
 * played by an attacker. A real control server on 127.0.0.1 (port 0; 127.0.0.1 a trusted proxy
 * unless a test says otherwise, so that X-Forwarded-For names the guessing client) over a real
 * store in a temp dir; guesses are written as raw requests, and answers read as bytes. */
#include <gio/gio.h>
#include <string.h>

#include "ctl_access.h"
#include "ctl_auth.h"
#include "ctl_control.h"
#include "ctl_lockout.h"
#include "ctl_store.h"
#include "ctl_test.h"
#include "ctl_test_server.h"

#define TOKEN "creds-producer-token"
#define ALICE "alice-token-0123456789abcdef0123"
#define BOB "bob-token-0123456789abcdef0123456"
#define CAROL "carol-token-0123456789abcdef01234"

/* How a test's server is set up (NULL data: the real defaults). */
typedef struct {
    guint lockout_window_ms; /* 0: the real minute */
    guint lockout_max_ms;
} Setup;

typedef struct {
    CtlTestControl t;
} Fixture;

static guint lockout_logs; /* "too many wrong credentials" lines logged */

static GLogWriterOutput count_logs(GLogLevelFlags level, const GLogField *fields, gsize n,
                                   gpointer data)
{
    for (gsize i = 0; i < n; i++) {
        if (strcmp(fields[i].key, "MESSAGE") == 0 && fields[i].length < 0 &&
            strstr(fields[i].value, "too many wrong credentials") != NULL)
            lockout_logs++;
    }
    return g_log_writer_default(level, fields, n, data);
}

static void setup(Fixture *f, gconstpointer data)
{
    static const char *const local[] = {"127.0.0.1", NULL};
    const Setup *s = data;
    ctl_test_control_open(&f->t);
    ctl_test_add_account(f->t.store, "alice", "producer", ALICE);
    ctl_test_add_account(f->t.store, "bob", "producer", BOB);
    ctl_test_add_account(f->t.store, "carol", "host", CAROL);
    CtlControlConfig cfg = {
        .producer_token = TOKEN,
        .trusted_proxies = local,
        .lockout_window_ms = s != NULL ? s->lockout_window_ms : 0,
        .lockout_max_ms = s != NULL ? s->lockout_max_ms : 0,
    };
    ctl_test_control_start(&f->t, &cfg);
    lockout_logs = 0;
}

static void teardown(Fixture *f, gconstpointer data)
{
    ctl_test_control_close(&f->t);
}

/* A GET of path with extra header lines (each ending in \r\n; may be ""). (transfer full) */
static char *get(Fixture *f, const char *path, const char *headers)
{
    g_autofree char *req = g_strdup_printf("GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n%s\r\n", path,
                                           f->t.port, headers);
    return ctl_test_raw(f->t.port, req);
}

/* The WebSocket upgrade with extra header lines. (transfer full) */
static char *upgrade(Fixture *f, const char *headers)
{
    g_autofree char *req = g_strdup_printf("GET /api/control HTTP/1.1\r\n"
                                           "Host: 127.0.0.1:%d\r\n"
                                           "Upgrade: websocket\r\n"
                                           "Connection: Upgrade\r\n"
                                           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                           "Sec-WebSocket-Version: 13\r\n"
                                           "%s\r\n",
                                           f->t.port, headers);
    return ctl_test_raw(f->t.port, req);
}

/* A POST /login of body with extra header lines. (transfer full) */
static char *post_login(Fixture *f, const char *body, const char *headers)
{
    g_autofree char *req = g_strdup_printf("POST /login HTTP/1.1\r\n"
                                           "Host: 127.0.0.1:%d\r\n"
                                           "Content-Type: application/x-www-form-urlencoded\r\n"
                                           "Content-Length: %zu\r\n"
                                           "%s\r\n%s",
                                           f->t.port, strlen(body), headers, body);
    return ctl_test_raw(f->t.port, req);
}

/* The status of a GET of path with a bearer token from client (via the trusted proxy). */
static guint bearer_get(Fixture *f, const char *path, const char *token, const char *client)
{
    g_autofree char *h =
        g_strdup_printf("Authorization: Bearer %s\r\nX-Forwarded-For: %s\r\n", token, client);
    g_autofree char *reply = get(f, path, h);
    return ctl_test_raw_status(reply);
}

/* The Retry-After of a reply as seconds; fails the test when it has none. */
static guint retry_after(const char *reply)
{
    g_autofree char *value = ctl_test_raw_header(reply, "retry-after");
    g_assert_nonnull(value);
    guint64 n = 0;
    g_assert_true(g_ascii_string_to_unsigned(value, 10, 1, G_MAXUINT, &n, NULL));
    return (guint)n;
}

/* The session cookie pair (name=value) a token link gives, from client. (transfer full) */
static char *token_login(Fixture *f, const char *token, const char *client)
{
    g_autofree char *path = g_strdup_printf("/login?token=%s", token);
    g_autofree char *h = g_strdup_printf("X-Forwarded-For: %s\r\n", client);
    g_autofree char *reply = get(f, path, h);
    g_assert_cmpuint(ctl_test_raw_status(reply), ==, 303);
    g_autofree char *set = ctl_test_raw_header(reply, "set-cookie");
    g_assert_nonnull(set);
    return g_strndup(set, strcspn(set, ";"));
}

/* The status of GET path with cookie (a name=value pair). */
static guint cookie_get(Fixture *f, const char *path, const char *cookie)
{
    g_autofree char *h = g_strdup_printf("Cookie: %s\r\n", cookie);
    g_autofree char *reply = get(f, path, h);
    return ctl_test_raw_status(reply);
}

/* ---- credentials cost attempts ---- */

/* A guessing run of the bearer header on HTTP: ten guesses are checked, then the address gets
 * 429 with Retry-After (a minute), even for the right token; logged once; others unaffected. */
static void test_bearer_http_locked(Fixture *f, gconstpointer data)
{
    guint checked = 0;
    for (int i = 0; i < 100; i++) {
        g_autofree char *token = g_strdup_printf("guess-%04d", i);
        g_autofree char *h =
            g_strdup_printf("Authorization: Bearer %s\r\nX-Forwarded-For: 10.20.0.1\r\n", token);
        g_autofree char *reply = get(f, "/api/preview.jpg", h);
        guint status = ctl_test_raw_status(reply);
        if (status == 401) {
            checked++;
            continue;
        }
        g_assert_cmpuint(status, ==, 429);
        g_assert_cmpuint(retry_after(reply), <=, 60); /* a minute, counting down */
        g_assert_cmpuint(retry_after(reply), >=, 30);
    }
    g_test_message("guesses checked: %u of 100", checked);
    g_assert_cmpuint(checked, ==, CTL_LOCKOUT_FAILURES);
    g_assert_cmpuint(lockout_logs, ==, 1);
    /* Locked out means not checked: the right token from there waits too... */
    g_assert_cmpuint(bearer_get(f, "/api/preview.jpg", TOKEN, "10.20.0.1"), ==, 429);
    g_assert_cmpuint(bearer_get(f, "/api/export.csv?employer=x", TOKEN, "10.20.0.1"), ==, 429);
    /* ...while another address is not held up (404: no frame yet, past the check). */
    g_assert_cmpuint(bearer_get(f, "/api/preview.jpg", TOKEN, "10.20.0.2"), ==, 404);
    /* A neighbour in the same IPv6 /64 is the same guesser. */
    for (int i = 0; i < CTL_LOCKOUT_FAILURES; i++) {
        g_autofree char *addr = g_strdup_printf("2001:db8:1:2::%x", i + 1);
        g_assert_cmpuint(bearer_get(f, "/api/preview.jpg", "nope", addr), ==, 401);
    }
    g_assert_cmpuint(bearer_get(f, "/api/preview.jpg", TOKEN, "2001:db8:1:2::ffff"), ==, 429);
    g_assert_cmpuint(bearer_get(f, "/api/preview.jpg", TOKEN, "2001:db8:1:3::1"), ==, 404);
}

/* The same on the WebSocket upgrade: 401 ten times, then 429 with Retry-After. */
static void test_bearer_upgrade_locked(Fixture *f, gconstpointer data)
{
    for (int i = 0; i < CTL_LOCKOUT_FAILURES + 4; i++) {
        g_autofree char *h =
            g_strdup_printf("Authorization: Bearer guess-%d\r\nX-Forwarded-For: 10.21.0.1\r\n", i);
        g_autofree char *reply = upgrade(f, h);
        g_assert_cmpuint(ctl_test_raw_status(reply), ==, i < CTL_LOCKOUT_FAILURES ? 401 : 429);
        if (i >= CTL_LOCKOUT_FAILURES) /* a minute, counting down (a refused upgrade can take
                                          lws seconds to close) */
            g_assert_cmpuint(retry_after(reply), >=, 30);
        if (i >= CTL_LOCKOUT_FAILURES)
            g_assert_cmpuint(retry_after(reply), <=, 60);
    }
    g_autofree char *right = upgrade(f, "Authorization: Bearer " TOKEN "\r\n"
                                        "X-Forwarded-For: 10.21.0.1\r\n");
    g_assert_cmpuint(ctl_test_raw_status(right), ==, 429);
    g_autofree char *other = upgrade(f, "Authorization: Bearer " TOKEN "\r\n"
                                        "X-Forwarded-For: 10.21.0.2\r\n");
    g_assert_cmpuint(ctl_test_raw_status(other), ==, 101);
    g_assert_cmpuint(lockout_logs, ==, 1);
}

/* Token links, passwords and bearer headers share one count; the second burst after a lockout
 * locks out twice as long. (Window and first lockout shortened to 4 s for the test.) */
static void test_lockout_doubles(Fixture *f, gconstpointer data)
{
    const char *xff = "X-Forwarded-For: 10.22.0.1\r\n";
    /* Passwords first: each is counted when its (slow) check starts. */
    for (int i = 0; i < 2; i++) {
        g_autofree char *reply = post_login(f, "name=alice&password=wrong-password", xff);
        g_assert_cmpuint(ctl_test_raw_status(reply), ==, 401);
    }
    for (int i = 0; i < 4; i++) {
        g_autofree char *reply = get(f, "/login?token=nope", xff);
        g_assert_cmpuint(ctl_test_raw_status(reply), ==, 401);
    }
    for (int i = 0; i < 4; i++)
        g_assert_cmpuint(bearer_get(f, "/api/preview.jpg", "nope", "10.22.0.1"), ==, 401);
    g_autofree char *first = post_login(f, "name=alice&password=wrong-password", xff);
    g_assert_cmpuint(ctl_test_raw_status(first), ==, 429);
    guint first_wait = retry_after(first);
    g_assert_cmpuint(first_wait, <=, 4);
    g_autofree char *link = get(f, "/login?token=" TOKEN, xff);
    g_assert_cmpuint(ctl_test_raw_status(link), ==, 429);

    ctl_test_spin_for(first_wait * 1000 + 100);
    g_assert_cmpuint(bearer_get(f, "/api/preview.jpg", TOKEN, "10.22.0.1"), ==, 404);
    for (int i = 0; i < CTL_LOCKOUT_FAILURES; i++)
        g_assert_cmpuint(bearer_get(f, "/api/preview.jpg", "nope", "10.22.0.1"), ==, 401);
    g_autofree char *second = get(f, "/login?token=" TOKEN, xff);
    g_assert_cmpuint(ctl_test_raw_status(second), ==, 429);
    g_test_message("lockouts: %u s, then %u s", first_wait, retry_after(second));
    g_assert_cmpuint(retry_after(second), ==, 8); /* twice the 4 s of the first */
    g_assert_cmpuint(lockout_logs, ==, 2);        /* once per burst */
}

/* The schedule itself, with the real defaults: 10 failures in a minute; 1, 2, 4, 8 minutes,
 * then 15 at most; a quiet quarter of an hour starts again at one; 9 a minute never lock. */
static void test_lockout_schedule(void)
{
    CtlLockout *l = ctl_lockout_new(0, 0);
    gint64 now = 1000 * G_USEC_PER_SEC;
    static const guint want[] = {60, 120, 240, 480, 900, 900};
    for (gsize burst = 0; burst < G_N_ELEMENTS(want); burst++) {
        guint locked = 0;
        for (int i = 0; i < CTL_LOCKOUT_FAILURES; i++) {
            g_assert_cmpuint(ctl_lockout_wait(l, "a", now), ==, 0);
            locked = ctl_lockout_fail(l, "a", now);
            now += G_USEC_PER_SEC;
        }
        g_assert_cmpuint(locked, ==, want[burst]);
        g_assert_cmpuint(ctl_lockout_wait(l, "a", now), >, 0);
        now += (gint64)want[burst] * G_USEC_PER_SEC;
        g_assert_cmpuint(ctl_lockout_wait(l, "a", now), ==, 0);
    }
    now += 15 * 60 * G_USEC_PER_SEC;
    for (int i = 0; i < CTL_LOCKOUT_FAILURES - 1; i++)
        g_assert_cmpuint(ctl_lockout_fail(l, "a", now + i), ==, 0);
    g_assert_cmpuint(ctl_lockout_fail(l, "a", now + 9), ==, 60);
    /* Nine a minute, for an hour: never locked. */
    for (int i = 0; i < 9 * 60; i++)
        g_assert_cmpuint(ctl_lockout_fail(l, "b", now + (gint64)i * 6700 * 1000), ==, 0);
    ctl_lockout_free(l);
    g_autofree char *v6 = ctl_lockout_key("2001:db8::1:2:3:4");
    g_assert_cmpstr(v6, ==, "2001:db8::/64");
    g_autofree char *v4 = ctl_lockout_key("10.0.0.1");
    g_assert_cmpstr(v4, ==, "10.0.0.1");
}

/* A stale cookie (from before a restart) is no guess: the sign-in page and 401, as often as it
 * comes, and never a lockout; a live cookie keeps working from an address locked out. */
static void test_stale_cookie_not_counted(Fixture *f, gconstpointer data)
{
    const char *stale = "jobcast_session=0123456789abcdef0123456789abcdef"
                        "0123456789abcdef0123456789abcdef";
    g_autofree char *hdr = g_strdup_printf("Cookie: %s\r\nX-Forwarded-For: 10.23.0.1\r\n", stale);
    g_autofree char *live = token_login(f, TOKEN, "10.23.0.1");
    for (int i = 0; i < 3 * CTL_LOCKOUT_FAILURES; i++) {
        g_autofree char *page = get(f, "/control", hdr);
        g_assert_cmpuint(ctl_test_raw_status(page), ==, 303);
        g_autofree char *api = get(f, "/api/preview.jpg", hdr);
        g_assert_cmpuint(ctl_test_raw_status(api), ==, 401);
        if (i % 10 != 0)
            continue; /* a refused upgrade can take lws seconds to close: a few suffice */
        g_autofree char *ws = upgrade(f, hdr);
        g_assert_cmpuint(ctl_test_raw_status(ws), ==, 401);
    }
    g_assert_cmpuint(lockout_logs, ==, 0);
    g_assert_cmpuint(bearer_get(f, "/api/preview.jpg", TOKEN, "10.23.0.1"), ==, 404);
    /* Now a real guessing run from that address... */
    for (int i = 0; i < CTL_LOCKOUT_FAILURES; i++)
        g_assert_cmpuint(bearer_get(f, "/api/preview.jpg", "nope", "10.23.0.1"), ==, 401);
    g_assert_cmpuint(bearer_get(f, "/api/preview.jpg", TOKEN, "10.23.0.1"), ==, 429);
    /* ...locks out credentials, not cookies: the stale one still gets the sign-in page. */
    g_autofree char *page = get(f, "/control", hdr);
    g_assert_cmpuint(ctl_test_raw_status(page), ==, 303);
    g_autofree char *where = ctl_test_raw_header(page, "location");
    g_assert_cmpstr(where, ==, "/login");
    g_autofree char *live_hdr =
        g_strdup_printf("Cookie: %s\r\nX-Forwarded-For: 10.23.0.1\r\n", live);
    g_autofree char *ok = get(f, "/control", live_hdr);
    g_assert_cmpuint(ctl_test_raw_status(ok), ==, 200);
}

/* ---- sessions belong to accounts ---- */

/* A JSON-RPC call on w; returns the reply to it (notifications before it are dropped).
 * (transfer full) */
static JsonNode *call(CtlTestWs *w, const char *method, const char *params_json)
{
    int id = ++w->next_id;
    g_autofree char *msg =
        g_strdup_printf("{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"%s\",\"params\":%s}", id,
                        method, params_json != NULL ? params_json : "{}");
    soup_websocket_connection_send_text(w->ws, msg);
    for (;;) {
        JsonNode *m = ctl_test_ws_next(w);
        JsonObject *o = json_node_get_object(m);
        if (json_object_has_member(o, "id") && json_object_get_int_member(o, "id") == id)
            return m;
        json_node_unref(m);
    }
}

static JsonObject *result_of(JsonNode *reply)
{
    JsonObject *o = json_node_get_object(reply);
    g_assert_false(json_object_has_member(o, "error"));
    return json_object_get_object_member(o, "result");
}

/* Waits (at most CTL_TEST_WAIT_MS) for the server to close w. */
static void wait_closed(CtlTestWs *w)
{
    for (int i = 0; i < CTL_TEST_WAIT_MS / 20; i++) {
        if (soup_websocket_connection_get_state(w->ws) == SOUP_WEBSOCKET_STATE_CLOSED)
            return;
        ctl_test_spin_for(20);
    }
    g_assert_cmpint(soup_websocket_connection_get_state(w->ws), ==, SOUP_WEBSOCKET_STATE_CLOSED);
}

static CtlTestWs *ws_with_cookie(Fixture *f, const char *cookie)
{
    g_autofree char *origin = g_strdup_printf("http://127.0.0.1:%d", f->t.port);
    CtlTestWs *w = ctl_test_ws_connect(f->t.soup, f->t.port, NULL, cookie, origin);
    g_assert_cmpuint(w->status, ==, 101);
    return w;
}

/* Revoking alice closes her WebSockets (cookie and token) and refuses her cookie at once;
 * bob's session and connection live on. */
static void test_revoke_signs_out(Fixture *f, gconstpointer data)
{
    g_autofree char *alice = token_login(f, ALICE, "10.24.0.1");
    g_autofree char *bob = token_login(f, BOB, "10.24.0.2");
    CtlTestWs *by_cookie = ws_with_cookie(f, alice);
    CtlTestWs *by_token = ctl_test_ws_producer(f->t.soup, f->t.port, "Bearer " ALICE);
    CtlTestWs *bobs = ws_with_cookie(f, bob);
    CtlTestWs *admin = ctl_test_ws_producer(f->t.soup, f->t.port, "Bearer " TOKEN);
    g_assert_cmpuint(cookie_get(f, "/control", alice), ==, 200);

    g_autoptr(JsonNode) revoked = call(admin, "accounts.revoke", "{\"name\":\"alice\"}");
    g_assert_true(json_object_get_boolean_member(result_of(revoked), "revoked"));
    wait_closed(by_cookie);
    wait_closed(by_token);
    g_assert_cmpuint(cookie_get(f, "/control", alice), ==, 303);
    g_assert_cmpuint(cookie_get(f, "/api/preview.jpg", alice), ==, 401);
    CtlTestWs *again = ctl_test_ws_connect(f->t.soup, f->t.port, NULL, alice, NULL);
    g_assert_cmpuint(again->status, ==, 401);

    g_autoptr(JsonNode) st = call(bobs, "state.get", NULL);
    g_assert_cmpstr(json_object_get_string_member(result_of(st), "role"), ==, "producer");
    g_assert_cmpuint(cookie_get(f, "/control", bob), ==, 200);
    ctl_test_ws_free(again);
    ctl_test_ws_free(admin);
    ctl_test_ws_free(bobs);
    ctl_test_ws_free(by_token);
    ctl_test_ws_free(by_cookie);
}

/* Rotating her own token: alice gets the new token, then her connection closes and her old
 * cookie is refused. Setting her password ends the session the new token opened. */
static void test_rotate_and_password_sign_out(Fixture *f, gconstpointer data)
{
    g_autofree char *old = token_login(f, ALICE, "10.25.0.1");
    g_autofree char *bob = token_login(f, BOB, "10.25.0.2");
    CtlTestWs *self = ctl_test_ws_producer(f->t.soup, f->t.port, "Bearer " ALICE);
    g_autoptr(JsonNode) rotated = call(self, "accounts.rotate", "{\"name\":\"alice\"}");
    const char *token = json_object_get_string_member(result_of(rotated), "token");
    g_assert_nonnull(token);
    wait_closed(self);
    g_assert_cmpuint(cookie_get(f, "/control", old), ==, 303);
    g_assert_cmpuint(bearer_get(f, "/api/preview.jpg", ALICE, "10.25.0.1"), ==, 401);

    g_autofree char *fresh = token_login(f, token, "10.25.0.1");
    g_assert_cmpuint(cookie_get(f, "/control", fresh), ==, 200);
    CtlTestWs *open = ws_with_cookie(f, fresh);
    CtlTestWs *admin = ctl_test_ws_producer(f->t.soup, f->t.port, "Bearer " TOKEN);
    g_autoptr(JsonNode) pw = call(admin, "accounts.set_password",
                                  "{\"name\":\"alice\",\"password\":\"alice-password-1\"}");
    g_assert_true(json_object_get_boolean_member(result_of(pw), "password_set"));
    wait_closed(open);
    g_assert_cmpuint(cookie_get(f, "/control", fresh), ==, 303);
    g_assert_cmpuint(cookie_get(f, "/control", bob), ==, 200);
    ctl_test_ws_free(admin);
    ctl_test_ws_free(open);
    ctl_test_ws_free(self);
}

/* A host account signing in 300 times from 30 addresses keeps only its own newest 20
 * sessions; the producers' sessions stay. */
static void test_one_account_cannot_push_out_another(Fixture *f, gconstpointer data)
{
    g_autofree char *bob = token_login(f, BOB, "10.26.1.1");
    g_autofree char *producer = token_login(f, TOKEN, "10.26.1.1");
    ctl_test_spin_for(1100); /* the producers' sessions are the oldest by a clear second */
    GPtrArray *carol = g_ptr_array_new_with_free_func(g_free);
    for (int i = 0; i < 300; i++) {
        g_autofree char *client = g_strdup_printf("10.26.0.%d", i % 30 + 1);
        g_ptr_array_add(carol, token_login(f, CAROL, client));
    }
    g_assert_cmpuint(cookie_get(f, "/control", bob), ==, 200);
    g_assert_cmpuint(cookie_get(f, "/control", producer), ==, 200);
    for (guint i = 0; i < carol->len; i++) {
        guint want = i + CTL_AUTH_SESSIONS_PER_ACCOUNT >= carol->len ? 200 : 303;
        if (i < 5 || i + 25 > carol->len)
            g_assert_cmpuint(cookie_get(f, "/host", carol->pdata[i]), ==, want);
    }
    g_ptr_array_unref(carol);
}

/* 12 hours idle ends a session; 7 days end it however busy; 20 per account at most. */
static void test_session_expiry(void)
{
    CtlAuth *auth = ctl_auth_new("t");
    g_autofree char *busy = ctl_auth_session_new(auth, 2, "alice", 0);
    g_autofree char *idle = ctl_auth_session_new(auth, 1, "carol", 0);
    const char *account = NULL;
    for (int i = 0; i < 16; i++) { /* 160 hours, used every 10 */
        ctl_auth_advance_clock(auth, 10 * 3600);
        g_assert_cmpint(ctl_auth_session_role(auth, busy, &account, NULL), ==, 2);
        g_assert_cmpstr(account, ==, "alice");
        if (i == 1)
            g_assert_cmpint(ctl_auth_session_role(auth, idle, NULL, NULL), ==, 0); /* 20 h idle */
    }
    ctl_auth_advance_clock(auth, 9 * 3600); /* 169 hours: used 9 hours ago, but too old */
    g_assert_cmpint(ctl_auth_session_role(auth, busy, NULL, NULL), ==, 0);

    g_autofree char *other = ctl_auth_session_new(auth, 2, "bob", 0);
    GPtrArray *many = g_ptr_array_new_with_free_func(g_free);
    for (int i = 0; i < 25; i++) {
        g_ptr_array_add(many, ctl_auth_session_new(auth, 1, "carol", 0));
        ctl_auth_advance_clock(auth, 1);
    }
    for (guint i = 0; i < many->len; i++)
        g_assert_cmpint(ctl_auth_session_role(auth, many->pdata[i], NULL, NULL), ==, i < 5 ? 0 : 1);
    g_assert_cmpint(ctl_auth_session_role(auth, other, NULL, NULL), ==, 2);
    g_assert_cmpuint(ctl_auth_sessions(auth), ==, CTL_AUTH_SESSIONS_PER_ACCOUNT + 1);
    g_assert_cmpuint(ctl_auth_end_sessions(auth, "carol", G_MAXINT64), ==,
                     CTL_AUTH_SESSIONS_PER_ACCOUNT);
    g_assert_cmpint(ctl_auth_session_role(auth, other, NULL, NULL), ==, 2);
    g_ptr_array_unref(many);

    /* A change of bob's credentials (generation 0 to 1) ends what was opened under 0, not what
     * the new ones opened. */
    g_autofree char *renewed = ctl_auth_session_new(auth, 2, "bob", 1);
    g_assert_cmpuint(ctl_auth_end_sessions(auth, "bob", 1), ==, 1);
    gint64 generation = -1;
    g_assert_cmpint(ctl_auth_session_role(auth, other, NULL, NULL), ==, 0);
    g_assert_cmpint(ctl_auth_session_role(auth, renewed, NULL, &generation), ==, 2);
    g_assert_cmpint(generation, ==, 1);
    ctl_auth_free(auth);
}

typedef struct {
    CtlStore *store;
    const char *hash;
} NewPassword;

static gboolean set_new_password(gpointer data)
{
    const NewPassword *n = data;
    g_autoptr(GError) error = NULL;
    g_assert_true(ctl_store_account_set_password(n->store, "alice", n->hash, &error));
    return G_SOURCE_REMOVE;
}

/* A password set while a sign-in with the old one is being checked (argon2id takes a good
 * fraction of a second, off the main thread): the old password opens no session. */
static void test_password_changed_during_check(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *old = ctl_auth_password_hash("alice-password-1", &error);
    g_autofree char *fresh = ctl_auth_password_hash("alice-password-2", &error);
    g_assert_no_error(error);
    g_assert_true(ctl_store_account_set_password(f->t.store, "alice", old, &error));
    NewPassword n = {f->t.store, fresh};
    g_timeout_add(30, set_new_password, &n); /* while the check runs */
    g_autofree char *reply = post_login(f, "name=alice&password=alice-password-1", "");
    g_assert_cmpuint(ctl_test_raw_status(reply), ==, 401);
    g_autofree char *cookie = ctl_test_raw_header(reply, "set-cookie");
    g_assert_null(cookie);
    g_autofree char *ok = post_login(f, "name=alice&password=alice-password-2", "");
    g_assert_cmpuint(ctl_test_raw_status(ok), ==, 303);
}

/* ---- browser rules ---- */

/* Another site's page posting the sign-in form (login CSRF: signing the victim's browser into
 * the attacker's account) is refused; the page's own origin, and clients without one, pass. */
static void test_login_foreign_origin(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *hash = ctl_auth_password_hash("alice-password-1", &error);
    g_assert_no_error(error);
    g_assert_true(ctl_store_account_set_password(f->t.store, "alice", hash, &error));
    const char *body = "name=alice&password=alice-password-1";
    static const char *const foreign[] = {"http://evil.example", "null", "http://127.0.0.1:1",
                                          "https://127.0.0.1.evil"};
    for (gsize i = 0; i < G_N_ELEMENTS(foreign); i++) {
        g_autofree char *h = g_strdup_printf("Origin: %s\r\n", foreign[i]);
        g_autofree char *reply = post_login(f, body, h);
        g_assert_cmpuint(ctl_test_raw_status(reply), ==, 403);
        g_autofree char *cookie = ctl_test_raw_header(reply, "set-cookie");
        g_assert_null(cookie);
    }
    g_autofree char *own = g_strdup_printf("Origin: http://127.0.0.1:%d\r\n", f->t.port);
    g_autofree char *ok = post_login(f, body, own);
    g_assert_cmpuint(ctl_test_raw_status(ok), ==, 303);
    g_autofree char *plain = post_login(f, body, "");
    g_assert_cmpuint(ctl_test_raw_status(plain), ==, 303);
}

/* The Set-Cookie of a token link to port with extra headers. (transfer full) */
static char *cookie_attributes(int port, const char *headers)
{
    g_autofree char *req = g_strdup_printf(
        "GET /login?token=" TOKEN " HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n%s\r\n", port, headers);
    g_autofree char *reply = ctl_test_raw(port, req);
    g_assert_cmpuint(ctl_test_raw_status(reply), ==, 303);
    char *set = ctl_test_raw_header(reply, "set-cookie");
    g_assert_nonnull(set);
    return set;
}

/* Secure when a trusted proxy says the browser came over https; not on plain http, and not
 * when a peer that is no trusted proxy says so (a lie). */
static void test_secure_cookie(Fixture *f, gconstpointer data)
{
    g_autofree char *https = cookie_attributes(f->t.port, "X-Forwarded-Proto: https\r\n");
    g_test_message("%s", https);
    g_assert_true(g_str_has_suffix(https, "; Secure"));
    g_assert_nonnull(strstr(https, "HttpOnly; SameSite=Strict; Path=/; Max-Age=604800"));
    g_autofree char *upper = cookie_attributes(f->t.port, "X-Forwarded-Proto: HTTPS\r\n");
    g_assert_nonnull(strstr(upper, "Secure"));
    g_autofree char *plain = cookie_attributes(f->t.port, "");
    g_assert_null(strstr(plain, "Secure"));
    g_autofree char *http = cookie_attributes(f->t.port, "X-Forwarded-Proto: http\r\n");
    g_assert_null(strstr(http, "Secure"));

    /* A second server on the same store that trusts only 10.9.9.9: 127.0.0.1 is a client. */
    static const char *const far_proxy[] = {"10.9.9.9", NULL};
    CtlControlConfig cfg = {
        .listen_host = "127.0.0.1",
        .producer_token = TOKEN,
        .store = f->t.store,
        .trusted_proxies = far_proxy,
    };
    g_autoptr(GError) error = NULL;
    CtlControl *untrusting = ctl_control_new(&cfg, &error);
    g_assert_no_error(error);
    g_autofree char *lie =
        cookie_attributes(ctl_control_port(untrusting), "X-Forwarded-Proto: https\r\n");
    g_assert_null(strstr(lie, "Secure"));
    ctl_control_free(untrusting);
}

/* The signed-in pages (and the sign-in page) are never shown inside another site's frame. */
static void test_pages_refuse_frames(Fixture *f, gconstpointer data)
{
    g_autofree char *producer = token_login(f, TOKEN, "10.27.0.1");
    g_autofree char *host = token_login(f, CAROL, "10.27.0.1");
    const struct {
        const char *path;
        const char *cookie;
    } pages[] = {{"/control", producer}, {"/host", host}, {"/host", producer}, {"/login", ""}};
    for (gsize i = 0; i < G_N_ELEMENTS(pages); i++) {
        g_autofree char *h = g_strdup_printf("Cookie: %s\r\n", pages[i].cookie);
        g_autofree char *reply = get(f, pages[i].path, h);
        g_assert_cmpuint(ctl_test_raw_status(reply), ==, 200);
        g_autofree char *csp = ctl_test_raw_header(reply, "content-security-policy");
        g_autofree char *xfo = ctl_test_raw_header(reply, "x-frame-options");
        g_test_message("%s: %s / %s", pages[i].path, csp, xfo);
        g_assert_nonnull(csp);
        g_assert_nonnull(strstr(csp, "frame-ancestors 'none'"));
        g_assert_nonnull(strstr(csp, "default-src 'self'"));
        g_assert_cmpstr(xfo, ==, "DENY");
    }
}

#define ADD(path, setup_data, fn) g_test_add(path, Fixture, setup_data, setup, fn, teardown)

int main(int argc, char **argv)
{
    g_log_set_writer_func(count_logs, NULL, NULL);
    g_test_init(&argc, &argv, NULL);
    static const Setup quick = {.lockout_window_ms = 4000, .lockout_max_ms = 32000};
    ADD("/security/credentials/bearer-http-locked-after-10", NULL, test_bearer_http_locked);
    ADD("/security/credentials/bearer-upgrade-locked-after-10", NULL, test_bearer_upgrade_locked);
    ADD("/security/credentials/second-lockout-doubles", &quick, test_lockout_doubles);
    g_test_add_func("/security/credentials/lockout-schedule", test_lockout_schedule);
    ADD("/security/credentials/stale-cookie-never-counted", NULL, test_stale_cookie_not_counted);
    ADD("/security/sessions/revoke-signs-out-at-once", NULL, test_revoke_signs_out);
    ADD("/security/sessions/rotate-and-password-sign-out", NULL, test_rotate_and_password_sign_out);
    ADD("/security/sessions/password-changed-during-check", NULL,
        test_password_changed_during_check);
    ADD("/security/sessions/one-account-cannot-push-out-another", NULL,
        test_one_account_cannot_push_out_another);
    g_test_add_func("/security/sessions/idle-and-absolute-expiry", test_session_expiry);
    ADD("/security/browser/login-refuses-foreign-origin", NULL, test_login_foreign_origin);
    ADD("/security/browser/secure-cookie-only-via-trusted-https", NULL, test_secure_cookie);
    ADD("/security/browser/pages-refuse-frames", NULL, test_pages_refuse_frames);
    return g_test_run();
}
