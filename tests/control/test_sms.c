/* /security/sms/...: SMS codes against the real jobcast binary and a gateway played by the test
 * (a libsoup server on a thread of its own that records every request and can answer, fail or
 * never answer): the code flow in JSON and as plain forms, wrong and expired codes, a gateway
 * that fails or hangs (the viewer gets a clear "try again", nothing is stored), the send limits,
 * a duplicate answered like a new sign-up, and the secret and codes kept out of the log and
 * /metrics. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "ctl_test.h"
#include "ctl_test_server.h"

#define TOKEN "sms-test-producer-token"
#define SECRET "gw-secret-7f3a9c21d4e8b650"
#define JSON "application/json"
#define FORM "application/x-www-form-urlencoded"

typedef enum { GW_OK, GW_FAIL, GW_HANG } GwMode;

/* The SMS gateway the test plays. Its server runs on its own thread and context, so that it
 * answers while the test waits for jobcast. */
typedef struct {
    GThread *thread;
    GMainContext *ctx;
    GMainLoop *loop;
    SoupServer *server;
    int port;
    GMutex lock;
    GCond cond;
    gboolean ready;
    GwMode mode;       /* under lock */
    GPtrArray *bodies; /* under lock: every request's body (char*) */
    GPtrArray *auths;  /* under lock: every request's Authorization (char*, "" when none) */
} Gateway;

static void gw_handler(SoupServer *server, SoupServerMessage *msg, const char *path,
                       GHashTable *query, gpointer data)
{
    Gateway *gw = data;
    SoupMessageBody *body = soup_server_message_get_request_body(msg);
    const char *auth =
        soup_message_headers_get_one(soup_server_message_get_request_headers(msg), "Authorization");
    g_mutex_lock(&gw->lock);
    g_ptr_array_add(gw->bodies, g_strndup(body->data, (gsize)body->length));
    g_ptr_array_add(gw->auths, g_strdup(auth != NULL ? auth : ""));
    GwMode mode = gw->mode;
    g_mutex_unlock(&gw->lock);
    if (mode == GW_HANG) {
        soup_server_message_pause(msg); /* never answered: jobcast's timeout must end it */
        return;
    }
    soup_server_message_set_status(msg, mode == GW_OK ? 200 : 500, NULL);
    soup_server_message_set_response(msg, JSON, SOUP_MEMORY_STATIC, "{}", 2);
}

static gpointer gw_thread(gpointer data)
{
    Gateway *gw = data;
    g_main_context_push_thread_default(gw->ctx);
    gw->server = soup_server_new(NULL, NULL);
    soup_server_add_handler(gw->server, "/send", gw_handler, gw, NULL);
    g_autoptr(GError) error = NULL;
    g_assert_true(soup_server_listen_local(gw->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
    GSList *uris = soup_server_get_uris(gw->server);
    g_mutex_lock(&gw->lock);
    gw->port = g_uri_get_port(uris->data);
    gw->ready = TRUE;
    g_cond_signal(&gw->cond);
    g_mutex_unlock(&gw->lock);
    g_slist_free_full(uris, (GDestroyNotify)g_uri_unref);
    g_main_loop_run(gw->loop);
    soup_server_disconnect(gw->server);
    g_object_unref(gw->server);
    /* The closed connections finish on the context: let them, or they outlive the test. */
    for (int i = 0; i < 100 && g_main_context_pending(gw->ctx); i++)
        g_main_context_iteration(gw->ctx, FALSE);
    g_main_context_pop_thread_default(gw->ctx);
    return NULL;
}

static Gateway *gw_start(GwMode mode)
{
    Gateway *gw = g_new0(Gateway, 1);
    g_mutex_init(&gw->lock);
    g_cond_init(&gw->cond);
    gw->mode = mode;
    gw->bodies = g_ptr_array_new_with_free_func(g_free);
    gw->auths = g_ptr_array_new_with_free_func(g_free);
    gw->ctx = g_main_context_new();
    gw->loop = g_main_loop_new(gw->ctx, FALSE);
    gw->thread = g_thread_new("gateway", gw_thread, gw);
    g_mutex_lock(&gw->lock);
    while (!gw->ready)
        g_cond_wait(&gw->cond, &gw->lock);
    g_mutex_unlock(&gw->lock);
    return gw;
}

static gboolean gw_quit(gpointer data)
{
    g_main_loop_quit(data);
    return G_SOURCE_REMOVE;
}

static void gw_stop(Gateway *gw)
{
    g_main_context_invoke(gw->ctx, gw_quit, gw->loop);
    g_thread_join(gw->thread);
    g_main_loop_unref(gw->loop);
    g_main_context_unref(gw->ctx);
    g_ptr_array_unref(gw->bodies);
    g_ptr_array_unref(gw->auths);
    g_mutex_clear(&gw->lock);
    g_cond_clear(&gw->cond);
    g_free(gw);
}

static guint gw_count(Gateway *gw)
{
    g_mutex_lock(&gw->lock);
    guint n = gw->bodies->len;
    g_mutex_unlock(&gw->lock);
    return n;
}

static void gw_set_mode(Gateway *gw, GwMode mode)
{
    g_mutex_lock(&gw->lock);
    gw->mode = mode;
    g_mutex_unlock(&gw->lock);
}

/* Member name of the i-th request's JSON body. (transfer full) */
static char *gw_member(Gateway *gw, guint i, const char *name)
{
    g_mutex_lock(&gw->lock);
    g_autofree char *body = g_strdup(g_ptr_array_index(gw->bodies, i));
    g_mutex_unlock(&gw->lock);
    g_autoptr(JsonParser) parser = json_parser_new();
    JsonObject *o = ctl_test_parse_object(body, parser);
    return g_strdup(json_object_get_string_member(o, name));
}

/* The code in the last request. (transfer full) */
static char *gw_last_code(Gateway *gw)
{
    return gw_member(gw, gw_count(gw) - 1, "code");
}

typedef struct {
    CtlTestServer *srv;
    Gateway *gw;
    char *secret_file;
} Fixture;

static void setup(Fixture *f, gconstpointer data)
{
    f->srv = ctl_test_server_new();
    f->gw = gw_start(GW_OK);
    f->secret_file = g_build_filename(f->srv->dir, "sms-secret", NULL);
    g_assert_true(g_file_set_contents(f->secret_file, SECRET "\n", -1, NULL));
}

static void teardown(Fixture *f, gconstpointer data)
{
    ctl_test_server_free(f->srv);
    gw_stop(f->gw);
    g_free(f->secret_file);
}

/* Starts jobcast with the gateway and extra options (NULL-terminated, may be NULL). */
static void start(Fixture *f, const char *const *extra)
{
    g_autofree char *url = g_strdup_printf("http://127.0.0.1:%d/send", f->gw->port);
    g_autoptr(GPtrArray) args = g_ptr_array_new();
    g_ptr_array_add(args, "--sms-gateway");
    g_ptr_array_add(args, url);
    g_ptr_array_add(args, "--sms-gateway-secret-file");
    g_ptr_array_add(args, f->secret_file);
    for (const char *const *e = extra; e != NULL && *e != NULL; e++)
        g_ptr_array_add(args, (gpointer)*e);
    g_ptr_array_add(args, NULL);
    ctl_test_server_start(f->srv, TOKEN, (const char *const *)args->pdata);
}

static gint64 signups(Fixture *f)
{
    return ctl_test_server_db_int(f->srv, "SELECT count(*) FROM signups");
}

static char *post(Fixture *f, const char *path, const char *type, const char *body, guint *status)
{
    return ctl_test_server_request(f->srv, "POST", path, type, body, NULL, status, NULL);
}

/* A JSON sign-up of phone for posting 1: asserts 202 and returns the verify_id. (transfer full) */
static char *apply_json(Fixture *f, const char *phone)
{
    g_autofree char *body = g_strdup_printf(
        "{\"posting_id\":1,\"name\":\"张三\",\"phone\":\"%s\",\"consent\":true}", phone);
    guint status = 0;
    g_autofree char *answer = post(f, "/api/apply", JSON, body, &status);
    g_assert_cmpuint(status, ==, 202);
    g_autoptr(JsonParser) parser = json_parser_new();
    JsonObject *o = ctl_test_parse_object(answer, parser);
    g_assert_true(json_object_get_boolean_member(o, "verify"));
    g_assert_cmpint(json_object_get_int_member(o, "expires_in"), ==, 600);
    const char *id = json_object_get_string_member(o, "verify_id");
    g_assert_cmpuint(strlen(id), ==, 32);
    return g_strdup(id);
}

/* POST /api/apply/verify in JSON; returns the status, *answer the body (transfer full). */
static guint verify_json(Fixture *f, const char *id, const char *code, char **answer)
{
    g_autofree char *body = g_strdup_printf("{\"verify_id\":\"%s\",\"code\":\"%s\"}", id, code);
    guint status = 0;
    char *text = post(f, "/api/apply/verify", JSON, body, &status);
    if (answer != NULL)
        *answer = text;
    else
        g_free(text);
    return status;
}

/* A wrong code: the right one with its last digit changed. (transfer full) */
static char *wrong_code(const char *right)
{
    char *w = g_strdup(right);
    w[5] = w[5] == '9' ? '0' : (char)(w[5] + 1);
    return w;
}

static void test_right_code(Fixture *f, gconstpointer data)
{
    start(f, NULL);
    g_autofree char *id = apply_json(f, "13700001111");
    g_assert_cmpuint(gw_count(f->gw), ==, 1);
    g_autofree char *phone = gw_member(f->gw, 0, "phone");
    g_autofree char *purpose = gw_member(f->gw, 0, "purpose");
    g_autofree char *code = gw_last_code(f->gw);
    g_assert_cmpstr(phone, ==, "13700001111");
    g_assert_cmpstr(purpose, ==, "signup");
    g_assert_true(g_regex_match_simple("^[0-9]{6}$", code, 0, 0));
    g_mutex_lock(&f->gw->lock);
    g_assert_cmpstr(g_ptr_array_index(f->gw->auths, 0), ==, "Bearer " SECRET);
    g_mutex_unlock(&f->gw->lock);
    /* Held: counted nowhere yet. */
    g_assert_cmpint(signups(f), ==, 0);
    guint status = 0;
    g_autofree char *metrics =
        ctl_test_server_request(f->srv, "GET", "/metrics", NULL, NULL, NULL, &status, NULL);
    g_assert_nonnull(strstr(metrics, "jobcast_signups_unverified 1\n"));
    g_assert_nonnull(strstr(metrics, "jobcast_sms_sent_total 1\n"));
    g_autofree char *answer = NULL;
    g_assert_cmpuint(verify_json(f, id, code, &answer), ==, 201);
    g_assert_nonnull(strstr(answer, "\"received\":true"));
    g_assert_cmpint(signups(f), ==, 1);
    /* A code works once. */
    g_assert_cmpuint(verify_json(f, id, code, NULL), ==, 410);
    g_assert_cmpint(signups(f), ==, 1);
}

static void test_wrong_codes(Fixture *f, gconstpointer data)
{
    start(f, NULL);
    g_autofree char *id = apply_json(f, "13700002222");
    g_autofree char *code = gw_last_code(f->gw);
    g_autofree char *wrong = wrong_code(code);
    for (int left = 4; left >= 1; left--) {
        g_autofree char *answer = NULL;
        g_assert_cmpuint(verify_json(f, id, wrong, &answer), ==, 400);
        g_autofree char *says = g_strdup_printf("还可以再试 %d 次", left);
        g_assert_nonnull(strstr(answer, says));
        g_assert_nonnull(strstr(answer, "\"field\":\"code\""));
    }
    /* Not six digits: refused, and it costs no try. */
    g_autofree char *answer = NULL;
    g_assert_cmpuint(verify_json(f, id, "12345", &answer), ==, 400);
    g_assert_nonnull(strstr(answer, "6位数字"));
    /* The fifth wrong one ends it: even the right code no longer works. */
    g_assert_cmpuint(verify_json(f, id, wrong, NULL), ==, 410);
    g_assert_cmpuint(verify_json(f, id, code, NULL), ==, 410);
    g_assert_cmpint(signups(f), ==, 0);
}

static void test_expired_code(Fixture *f, gconstpointer data)
{
    const char *extra[] = {"--test-sms-code-ms", "1500", NULL};
    start(f, extra);
    g_autofree char *id = apply_json(f, "13700003333");
    g_autofree char *code = gw_last_code(f->gw);
    ctl_test_spin_for(2000);
    g_autofree char *answer = NULL;
    g_assert_cmpuint(verify_json(f, id, code, &answer), ==, 410);
    g_assert_nonnull(strstr(answer, "\"code\":\"expired\""));
    g_assert_cmpint(signups(f), ==, 0);
}

/* Full-width digits and spaces, as a phone keyboard may type them, are the same code. */
static void test_typed_code(Fixture *f, gconstpointer data)
{
    start(f, NULL);
    g_autofree char *id = apply_json(f, "13700004444");
    g_autofree char *code = gw_last_code(f->gw);
    GString *typed = g_string_new(NULL);
    for (int i = 0; i < 6; i++) {
        gunichar wide = 0xFF10 + (gunichar)(code[i] - '0');
        g_string_append_unichar(typed, i % 2 == 0 ? wide : (gunichar)code[i]);
        if (i == 2)
            g_string_append_c(typed, ' ');
    }
    g_autofree char *t = g_string_free(typed, FALSE);
    g_assert_cmpuint(verify_json(f, id, t, NULL), ==, 201);
    g_assert_cmpint(signups(f), ==, 1);
}

static void test_gateway_fails(Fixture *f, gconstpointer data)
{
    gw_set_mode(f->gw, GW_FAIL);
    start(f, NULL);
    guint status = 0;
    g_autofree char *answer = post(
        f, "/api/apply", JSON,
        "{\"posting_id\":1,\"name\":\"张三\",\"phone\":\"13700005555\",\"consent\":true}", &status);
    g_assert_cmpuint(status, ==, 503);
    g_assert_nonnull(strstr(answer, "\"code\":\"sms_failed\""));
    g_assert_nonnull(strstr(answer, "请稍后再试"));
    g_assert_cmpuint(gw_count(f->gw), ==, 3); /* a try and two retries */
    g_assert_cmpint(signups(f), ==, 0);
    g_autofree char *metrics =
        ctl_test_server_request(f->srv, "GET", "/metrics", NULL, NULL, NULL, &status, NULL);
    g_assert_nonnull(strstr(metrics, "jobcast_sms_failed_total 1\n"));
    g_assert_nonnull(strstr(metrics, "jobcast_signups_unverified 0\n"));
}

/* A gateway that never answers: each try ends after 5 s, the viewer gets "try again" after the
 * retries, nothing is held or stored. The request takes ~18 s: a session of its own waits. */
static void test_gateway_hangs(Fixture *f, gconstpointer data)
{
    gw_set_mode(f->gw, GW_HANG);
    start(f, NULL);
    g_autofree char *url = g_strdup_printf("http://127.0.0.1:%d/api/apply", f->srv->port);
    g_autoptr(SoupSession) slow = soup_session_new_with_options("timeout", 60, NULL);
    g_autoptr(SoupMessage) msg = soup_message_new("POST", url);
    const char *body =
        "{\"posting_id\":1,\"name\":\"张三\",\"phone\":\"13700006666\",\"consent\":true}";
    g_autoptr(GBytes) bytes = g_bytes_new_static(body, strlen(body));
    soup_message_set_request_body_from_bytes(msg, JSON, bytes);
    gint64 t0 = g_get_monotonic_time();
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) answer = soup_session_send_and_read(slow, msg, NULL, &error);
    g_assert_no_error(error);
    gint64 took_ms = (g_get_monotonic_time() - t0) / 1000;
    g_assert_cmpuint(soup_message_get_status(msg), ==, 503);
    g_assert_cmpint(took_ms, >=, 3 * 5000);
    g_assert_cmpuint(gw_count(f->gw), ==, 3);
    g_assert_cmpint(signups(f), ==, 0);
}

/* Another code only after the wait; the old one stops working; five sends per phone an hour. */
static void test_resend_and_limits(Fixture *f, gconstpointer data)
{
    const char *extra[] = {"--test-sms-resend-ms", "1500", NULL};
    start(f, extra);
    g_autofree char *id = apply_json(f, "13700007777");
    g_autofree char *first = gw_last_code(f->gw);
    g_autofree char *body = g_strdup_printf("{\"verify_id\":\"%s\"}", id);
    guint status = 0;
    g_autofree char *early = post(f, "/api/apply/resend", JSON, body, &status);
    g_assert_cmpuint(status, ==, 429);
    g_assert_nonnull(strstr(early, "rate_limited"));
    g_assert_cmpuint(gw_count(f->gw), ==, 1);
    for (guint sends = 2; sends <= 5; sends++) {
        ctl_test_spin_for(1600);
        g_autofree char *again = post(f, "/api/apply/resend", JSON, body, &status);
        g_assert_cmpuint(status, ==, 202);
        g_assert_cmpuint(gw_count(f->gw), ==, sends);
    }
    ctl_test_spin_for(1600);
    g_autofree char *sixth = post(f, "/api/apply/resend", JSON, body, &status);
    g_assert_cmpuint(status, ==, 429); /* the phone's five an hour */
    g_assert_cmpuint(gw_count(f->gw), ==, 5);
    /* A new sign-up of the same phone does not get around it. */
    g_autofree char *again = post(
        f, "/api/apply", JSON,
        "{\"posting_id\":2,\"name\":\"张三\",\"phone\":\"13700007777\",\"consent\":true}", &status);
    g_assert_cmpuint(status, ==, 429);
    g_assert_cmpuint(gw_count(f->gw), ==, 5);
    g_autofree char *last = gw_last_code(f->gw);
    if (strcmp(first, last) != 0)
        g_assert_cmpuint(verify_json(f, id, first, NULL), ==, 400);
    g_assert_cmpuint(verify_json(f, id, last, NULL), ==, 201);
    g_assert_cmpint(signups(f), ==, 1);
}

/* One client address gets 30 codes a minute (a bucket of 30, refilled one every 2 s), whatever
 * the phones. */
static void test_address_limit(Fixture *f, gconstpointer data)
{
    start(f, NULL);
    guint refused = 0;
    gint64 t0 = g_get_monotonic_time();
    for (int i = 0; i < 40; i++) {
        g_autofree char *body = g_strdup_printf(
            "{\"posting_id\":1,\"name\":\"张三\",\"phone\":\"1390000%04d\",\"consent\":true}", i);
        guint status = 0;
        g_autofree char *answer = post(f, "/api/apply", JSON, body, &status);
        g_assert_true(status == 202 || status == 429);
        refused += status == 429;
    }
    guint refilled = (guint)((g_get_monotonic_time() - t0) / (2 * G_USEC_PER_SEC)) + 1;
    g_assert_cmpuint(refused, >=, 1);
    g_assert_cmpuint(40 - refused, <=, 30 + refilled);
    g_assert_cmpuint(gw_count(f->gw), ==, 40 - refused);
}

/* A phone that already signed up for the posting gets the same answers again. */
static void test_duplicate_same_answers(Fixture *f, gconstpointer data)
{
    start(f, NULL);
    char *answers[2] = {NULL, NULL};
    for (int round = 0; round < 2; round++) {
        g_autofree char *id = apply_json(f, "13700008888");
        g_autofree char *code = gw_last_code(f->gw);
        g_assert_cmpuint(verify_json(f, id, code, &answers[round]), ==, 201);
    }
    /* Byte for byte but for the fresh withdraw code in the thanks URL. */
    g_assert_cmpuint(strlen(answers[0]), ==, strlen(answers[1]));
    g_assert_nonnull(strstr(answers[1], "\"received\":true"));
    g_assert_cmpint(signups(f), ==, 1);
    g_free(answers[0]);
    g_free(answers[1]);
}

/* Guessed and oversized ids and codes change nothing and crash nothing. */
static void test_guessing(Fixture *f, gconstpointer data)
{
    start(f, NULL);
    g_autofree char *id = apply_json(f, "13700009999");
    guint status = 0;
    for (int i = 0; i < 20; i++) {
        g_autofree char *guess = g_strdup_printf("%032x", g_random_int());
        g_assert_cmpuint(verify_json(f, guess, "123456", NULL), ==, 410);
    }
    g_autofree char *huge = g_strnfill(5000, '7');
    g_autofree char *body = g_strdup_printf("{\"verify_id\":\"%s\",\"code\":\"%s\"}", huge, huge);
    g_autofree char *a = post(f, "/api/apply/verify", JSON, body, &status);
    g_assert_cmpuint(status, ==, 410);
    g_autofree char *b = post(f, "/api/apply/verify", JSON, "[1,2", &status);
    g_assert_cmpuint(status, ==, 400);
    g_autofree char *c = post(f, "/api/apply/verify", "text/plain", "x", &status);
    g_assert_cmpuint(status, ==, 415);
    /* The real one still works. */
    g_autofree char *code = gw_last_code(f->gw);
    g_assert_cmpuint(verify_json(f, id, code, NULL), ==, 201);
}

/* The plain-form flow, as a phone without JavaScript: form -> code page -> thanks. */
static void test_form_flow(Fixture *f, gconstpointer data)
{
    start(f, NULL);
    guint status = 0;
    g_autofree char *apply =
        ctl_test_server_request(f->srv, "GET", "/a/1", NULL, NULL, NULL, &status, NULL);
    g_assert_nonnull(strstr(apply, "data-verify=\"on\""));
    g_assert_nonnull(strstr(apply, "短信服务商"));
    g_autofree char *page =
        post(f, "/api/apply", FORM, "posting_id=1&name=Li&phone=13600001234&consent=on", &status);
    g_assert_cmpuint(status, ==, 202);
    g_assert_nonnull(strstr(page, "action=\"/api/apply/verify\""));
    g_assert_nonnull(strstr(page, "136****1234"));
    g_autoptr(GMatchInfo) m = NULL;
    g_autoptr(GRegex) re = g_regex_new("name=\"verify_id\" value=\"([0-9a-f]{32})\"", 0, 0, NULL);
    g_assert_true(g_regex_match(re, page, 0, &m));
    g_autofree char *id = g_match_info_fetch(m, 1);
    g_autofree char *code = gw_last_code(f->gw);
    g_autofree char *wrong = wrong_code(code);
    g_autofree char *bad_body = g_strdup_printf("verify_id=%s&posting_id=1&code=%s", id, wrong);
    g_autofree char *bad = post(f, "/api/apply/verify", FORM, bad_body, &status);
    g_assert_cmpuint(status, ==, 400);
    g_assert_nonnull(strstr(bad, "验证码不对"));
    g_autofree char *good_body = g_strdup_printf("verify_id=%s&posting_id=1&code=%s", id, code);
    g_autofree char *location = NULL;
    g_autofree char *good = ctl_test_server_request(f->srv, "POST", "/api/apply/verify", FORM,
                                                    good_body, NULL, &status, &location);
    g_assert_cmpuint(status, ==, 303);
    g_assert_true(g_str_has_prefix(location, "/a/1/thanks?t="));
    g_assert_cmpint(signups(f), ==, 1);
}

/* The secret, the codes and the phone numbers reach neither the log nor /metrics. */
static void test_secret_never_shown(Fixture *f, gconstpointer data)
{
    gw_set_mode(f->gw, GW_FAIL);
    start(f, NULL);
    guint status = 0;
    g_autofree char *failed = post(
        f, "/api/apply", JSON,
        "{\"posting_id\":1,\"name\":\"张三\",\"phone\":\"13711112222\",\"consent\":true}", &status);
    g_assert_cmpuint(status, ==, 503);
    gw_set_mode(f->gw, GW_OK);
    g_autofree char *id = apply_json(f, "13711113333");
    g_autofree char *code = gw_last_code(f->gw);
    g_assert_cmpuint(verify_json(f, id, code, NULL), ==, 201);
    g_autofree char *metrics =
        ctl_test_server_request(f->srv, "GET", "/metrics", NULL, NULL, NULL, &status, NULL);
    ctl_test_server_stop(f->srv);
    g_autofree char *log = ctl_test_server_log(f->srv);
    g_assert_nonnull(strstr(log, "sms: gateway 127.0.0.1")); /* the failures were logged */
    for (guint i = 0; i < gw_count(f->gw); i++) {
        g_autofree char *sent = gw_member(f->gw, i, "code");
        g_assert_null(strstr(log, sent));
    }
    const char *secrets[] = {SECRET, "13711112222", "13711113333"};
    for (gsize i = 0; i < G_N_ELEMENTS(secrets); i++) {
        g_assert_null(strstr(log, secrets[i]));
        g_assert_null(strstr(metrics, secrets[i]));
    }
}

/* Without a gateway nothing changes: the verify endpoints do not exist. */
static void test_off_by_default(Fixture *f, gconstpointer data)
{
    ctl_test_server_start(f->srv, TOKEN, NULL);
    guint status = 0;
    g_autofree char *a = post(f, "/api/apply/verify", JSON, "{}", &status);
    g_assert_cmpuint(status, ==, 404);
    g_autofree char *page =
        ctl_test_server_request(f->srv, "GET", "/a/1", NULL, NULL, NULL, &status, NULL);
    g_assert_null(strstr(page, "data-verify=\"on\""));
    g_autofree char *b = post(
        f, "/api/apply", JSON,
        "{\"posting_id\":1,\"name\":\"张三\",\"phone\":\"13700001111\",\"consent\":true}", &status);
    g_assert_cmpuint(status, ==, 201);
    g_assert_cmpuint(gw_count(f->gw), ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, setup, fn, teardown)
    ADD("/security/sms/right-code-stores", test_right_code);
    ADD("/security/sms/wrong-codes-then-gone", test_wrong_codes);
    ADD("/security/sms/expired-code", test_expired_code);
    ADD("/security/sms/typed-code-normalised", test_typed_code);
    ADD("/security/sms/gateway-fails-try-again", test_gateway_fails);
    ADD("/security/sms/gateway-hangs-try-again", test_gateway_hangs);
    ADD("/security/sms/resend-and-phone-limit", test_resend_and_limits);
    ADD("/security/sms/address-limit", test_address_limit);
    ADD("/security/sms/duplicate-same-answers", test_duplicate_same_answers);
    ADD("/security/sms/guessing-changes-nothing", test_guessing);
    ADD("/security/sms/form-flow-without-javascript", test_form_flow);
    ADD("/security/sms/secret-never-shown", test_secret_never_shown);
    ADD("/security/sms/off-by-default", test_off_by_default);
    return g_test_run();
}
