/* Viewers' questions against the real jobcast binary: /control/questions/... the producer's
 * queue (list newest first, approve, hide, answer, on and off air, two producers in sync, hosts
 * reading public ones only) and /security/questions/...: empty, oversized and invisible-only
 * questions, a flood from one address, an archived posting, and a hidden (or new) question that
 * never appears in any public answer.
 *
 * Threads: the test drives libsoup on its own main context; jobcast runs as a child process. */
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "ctl_test.h"
#include "ctl_test_server.h"

#define TOKEN "questions-test-producer-token"
#define JSON "application/json"
#define FORM "application/x-www-form-urlencoded"

typedef struct {
    CtlTestServer *srv; /* owned */
    CtlTestWs *ws;      /* owned: a producer */
} Fixture;

static void setup(Fixture *f, gconstpointer data)
{
    f->srv = ctl_test_server_new();
    ctl_test_server_start(f->srv, TOKEN, NULL);
    f->ws = ctl_test_ws_producer(f->srv->soup, f->srv->port, "Bearer " TOKEN);
}

static void teardown(Fixture *f, gconstpointer data)
{
    ctl_test_ws_free(f->ws);
    ctl_test_server_free(f->srv);
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
static JsonObject *ok(CtlTestWs *w, const char *method, const char *params, JsonNode **keep)
{
    *keep = call_on(w, method, params);
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

/* The next notification named method on w (others are skipped). (transfer full) */
static JsonNode *next_note(CtlTestWs *w, const char *method)
{
    for (;;) {
        JsonNode *n = ctl_test_ws_next(w);
        JsonObject *o = json_node_get_object(n);
        if (json_object_has_member(o, "method") &&
            g_strcmp0(json_object_get_string_member(o, "method"), method) == 0)
            return n;
        json_node_unref(n);
    }
}

/* POST /api/questions; *status gets the status. (transfer full) the body. */
static char *ask(Fixture *f, const char *type, const char *body, guint *status)
{
    return ctl_test_server_request(f->srv, "POST", "/api/questions", type, body, NULL, status,
                                   NULL);
}

/* A JSON question for posting_id with text (a JSON string literal, quotes included). */
static guint ask_json(Fixture *f, gint64 posting_id, const char *text_literal)
{
    guint status = 0;
    g_autofree char *body = g_strdup_printf("{\"posting_id\":%" G_GINT64_FORMAT ",\"text\":%s}",
                                            posting_id, text_literal);
    g_autofree char *reply = ask(f, JSON, body, &status);
    return status;
}

static gint64 stored(Fixture *f)
{
    return ctl_test_server_db_int(f->srv, "SELECT count(*) FROM questions");
}

static char *page(Fixture *f, gint64 posting_id)
{
    guint status = 0;
    g_autofree char *path = g_strdup_printf("/a/%" G_GINT64_FORMAT, posting_id);
    char *body = ctl_test_server_request(f->srv, "GET", path, NULL, NULL, NULL, &status, NULL);
    g_assert_cmpuint(status, ==, 200);
    return body;
}

/* A host's connection (an account made by the producer). (transfer full) */
static CtlTestWs *host_ws(Fixture *f)
{
    g_autoptr(JsonNode) keep = NULL;
    JsonObject *r = ok(f->ws, "accounts.add", "{\"name\":\"anchor\",\"role\":\"host\"}", &keep);
    g_autofree char *auth = g_strdup_printf("Bearer %s", json_object_get_string_member(r, "token"));
    return ctl_test_ws_producer(f->srv->soup, f->srv->port, auth);
}

static gint64 question_id(JsonObject *result)
{
    return json_object_get_int_member(json_object_get_object_member(result, "question"), "id");
}

/* The ids of posting 1's questions as the connection w lists them, newest first. */
static GArray *listed(CtlTestWs *w, gint64 posting_id, GString *texts)
{
    g_autoptr(JsonNode) keep = NULL;
    g_autofree char *params = g_strdup_printf("{\"posting_id\":%" G_GINT64_FORMAT "}", posting_id);
    JsonObject *r = ok(w, "questions.list", params, &keep);
    JsonArray *a = json_object_get_array_member(r, "questions");
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(gint64));
    for (guint i = 0; i < json_array_get_length(a); i++) {
        JsonObject *q = json_array_get_object_element(a, i);
        gint64 id = json_object_get_int_member(q, "id");
        g_array_append_val(ids, id);
        if (texts != NULL)
            g_string_append_printf(texts, "%s|", json_object_get_string_member(q, "text"));
    }
    return ids;
}

/* ---- the producer's queue ---- */

static void test_queue(Fixture *f, gconstpointer data)
{
    CtlTestWs *other = ctl_test_ws_producer(f->srv->soup, f->srv->port, "Bearer " TOKEN);
    g_assert_cmpuint(ask_json(f, 1, "\"包住宿吗？\""), ==, 201);
    /* Both producers hear of it, with the question. */
    g_autoptr(JsonNode) n1 = next_note(other, "questions.changed");
    JsonObject *p1 = json_object_get_object_member(json_node_get_object(n1), "params");
    g_assert_cmpint(json_object_get_int_member(p1, "posting_id"), ==, 1);
    JsonObject *q1 = json_object_get_object_member(p1, "question");
    g_assert_cmpstr(json_object_get_string_member(q1, "text"), ==, "包住宿吗？");
    g_assert_cmpstr(json_object_get_string_member(q1, "state"), ==, "new");
    g_assert_cmpuint(ask_json(f, 1, "\"  56岁可以报名吗？ \""), ==, 201);
    g_assert_cmpuint(ask_json(f, 2, "\"别的岗位\""), ==, 201);

    g_autoptr(GString) texts = g_string_new(NULL);
    g_autoptr(GArray) ids = listed(f->ws, 1, texts);
    g_assert_cmpuint(ids->len, ==, 2);
    g_assert_cmpstr(texts->str, ==, "56岁可以报名吗？|包住宿吗？|"); /* newest first, trimmed */
    gint64 newest = g_array_index(ids, gint64, 0);
    gint64 oldest = g_array_index(ids, gint64, 1);

    g_autoptr(JsonNode) a = NULL;
    g_autofree char *by_id = g_strdup_printf("{\"id\":%" G_GINT64_FORMAT "}", oldest);
    JsonObject *r = ok(f->ws, "questions.approve", by_id, &a);
    g_assert_cmpint(question_id(r), ==, oldest);
    /* The other producer hears of the approval (after the questions asked since). */
    for (;;) {
        g_autoptr(JsonNode) n2 = next_note(other, "questions.changed");
        JsonObject *q2 = json_object_get_object_member(
            json_object_get_object_member(json_node_get_object(n2), "params"), "question");
        if (json_object_get_int_member(q2, "id") == oldest &&
            g_strcmp0(json_object_get_string_member(q2, "state"), "approved") == 0)
            break;
    }

    g_autoptr(JsonNode) b = NULL;
    g_autofree char *answer = g_strdup_printf(
        "{\"id\":%" G_GINT64_FORMAT ",\"answer\":\"包住，四人间，有空调\"}", oldest);
    r = ok(f->ws, "questions.answer", answer, &b);
    JsonObject *q = json_object_get_object_member(r, "question");
    g_assert_cmpstr(json_object_get_string_member(q, "state"), ==, "answered");
    g_assert_cmpstr(json_object_get_string_member(q, "answer"), ==, "包住，四人间，有空调");

    /* On air: only a public one, one at a time. */
    g_autofree char *newest_id = g_strdup_printf("{\"id\":%" G_GINT64_FORMAT "}", newest);
    g_autoptr(JsonNode) refused = call_on(f->ws, "questions.on_air", newest_id);
    g_assert_cmpint(error_code(refused), ==, -32602);
    g_autoptr(JsonNode) c = NULL;
    r = ok(f->ws, "questions.on_air", by_id, &c);
    g_assert_true(
        json_object_get_boolean_member(json_object_get_object_member(r, "question"), "on_air"));
    g_assert_cmpint(ctl_test_server_db_int(f->srv, "SELECT count(*) FROM questions WHERE on_air"),
                    ==, 1);
    g_autoptr(JsonNode) d = NULL;
    ok(f->ws, "questions.off_air", NULL, &d);
    g_assert_cmpint(ctl_test_server_db_int(f->srv, "SELECT count(*) FROM questions WHERE on_air"),
                    ==, 0);

    /* Bad calls change nothing. */
    static const char *const bad[] = {"{}", "{\"id\":0}", "{\"id\":\"1\"}", "{\"id\":-4}"};
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(JsonNode) e = call_on(f->ws, "questions.approve", bad[i]);
        g_assert_cmpint(error_code(e), ==, -32602);
    }
    g_autoptr(JsonNode) missing = call_on(f->ws, "questions.hide", "{\"id\":9999}");
    g_assert_cmpint(error_code(missing), ==, -32004);
    g_autofree char *long_answer = g_strnfill(301, 'x');
    g_autofree char *too_long =
        g_strdup_printf("{\"id\":%" G_GINT64_FORMAT ",\"answer\":\"%s\"}", oldest, long_answer);
    g_autoptr(JsonNode) e2 = call_on(f->ws, "questions.answer", too_long);
    g_assert_cmpint(error_code(e2), ==, -32602);
    ctl_test_ws_free(other);
}

/* The form path, without JavaScript: the apply page comes back with a note or the error. */
/* The opens stats.get counts for posting_id (0 when it has no funnel yet). */
static gint64 opens_of(Fixture *f, gint64 posting_id)
{
    g_autoptr(JsonNode) keep = NULL;
    JsonObject *funnel =
        json_object_get_object_member(ok(f->ws, "stats.get", NULL, &keep), "funnel");
    g_autofree char *key = g_strdup_printf("%" G_GINT64_FORMAT, posting_id);
    if (!json_object_has_member(funnel, key))
        return 0;
    return json_object_get_int_member(json_object_get_object_member(funnel, key), "opens");
}

/* Without a script: a stored question is answered 303 to a page that says so (a refresh of it
 * asks nothing again, and opening it is no new page open), carrying the viewer's source on. */
static void test_form(Fixture *f, gconstpointer data)
{
    guint status = 0;
    g_autofree char *location = NULL;
    g_autofree char *okay = ctl_test_server_request(
        f->srv, "POST", "/api/questions", FORM,
        "posting_id=2&src=poster&text=%E5%8C%85%E4%BD%8F%E5%90%97", NULL, &status, &location);
    g_assert_cmpuint(status, ==, 303);
    g_assert_cmpstr(location, ==, "/a/2/asked?src=poster#ask");
    g_assert_cmpint(stored(f), ==, 1);
    for (int i = 0; i < 2; i++) {
        g_autofree char *asked = ctl_test_server_request(f->srv, "GET", "/a/2/asked?src=poster",
                                                         NULL, NULL, NULL, &status, NULL);
        g_assert_cmpuint(status, ==, 200);
        g_assert_nonnull(strstr(asked, "问题已收到"));
        g_assert_nonnull(strstr(asked, "name=\"src\" value=\"poster\""));
    }
    g_assert_cmpint(stored(f), ==, 1);
    g_assert_cmpint(opens_of(f, 2), ==, 0);
    g_autofree char *opened = page(f, 2);
    g_assert_cmpint(opens_of(f, 2), ==, 1);
    g_autofree char *plain = ask(f, FORM, "posting_id=1&text=%E5%8C%85%E4%BD%8F%E5%90%97", &status);
    g_assert_cmpuint(status, ==, 303);
    g_assert_cmpint(stored(f), ==, 2);
    g_autofree char *bad = ask(f, FORM, "posting_id=1&text=%E2%80%8B", &status);
    g_assert_cmpuint(status, ==, 400);
    g_assert_nonnull(strstr(bad, "问题里要有文字"));
    g_assert_cmpint(stored(f), ==, 2);
}

/* ---- hostile ---- */

static void test_empty(Fixture *f, gconstpointer data)
{
    static const char *const bodies[] = {
        "{\"posting_id\":1,\"text\":\"\"}",
        "{\"posting_id\":1,\"text\":\"   \\u3000 \"}",
        "{\"posting_id\":1}",
        "{\"posting_id\":1,\"text\":null}",
        "{\"posting_id\":1,\"text\":42}",
        "{\"posting_id\":\"1\",\"text\":\"包住吗\"}",
        "{\"text\":\"包住吗\"}",
        "[]",
        "{\"posting_id\":1,\"text\":\"x\"}{}",
    };
    for (gsize i = 0; i < G_N_ELEMENTS(bodies); i++) {
        guint status = 0;
        g_autofree char *reply = ask(f, JSON, bodies[i], &status);
        if (status != 400 || strstr(reply, "\"invalid\"") == NULL)
            g_error("%s: %u %s", bodies[i], status, reply);
    }
    guint status = 0;
    g_autofree char *form = ask(f, FORM, "posting_id=1&text=", &status);
    g_assert_cmpuint(status, ==, 400);
    g_autofree char *nobody = ask(f, FORM, "posting_id=1", &status);
    g_assert_cmpuint(status, ==, 400);
    g_autofree char *other = ask(f, "text/plain", "hello", &status);
    g_assert_cmpuint(status, ==, 415);
    g_assert_cmpuint(ask_json(f, 999999, "\"包住吗\""), ==, 404);
    g_assert_cmpint(stored(f), ==, 0);
}

static void test_oversized(Fixture *f, gconstpointer data)
{
    GString *t = g_string_new("\"");
    for (int i = 0; i < 121; i++)
        g_string_append(t, "问");
    g_string_append(t, "\"");
    g_assert_cmpuint(ask_json(f, 1, t->str), ==, 400);
    g_string_erase(t, 1, strlen("问")); /* 120: the most */
    g_assert_cmpuint(ask_json(f, 1, t->str), ==, 201);
    g_string_free(t, TRUE);
    g_assert_cmpint(stored(f), ==, 1);
    /* A body over the cap: 413, nothing read. */
    GString *big = g_string_new("{\"posting_id\":1,\"text\":\"");
    while (big->len < 20000)
        g_string_append(big, "aaaaaaaaaa");
    g_string_append(big, "\"}");
    guint status = 0;
    g_autofree char *reply = ask(f, JSON, big->str, &status);
    g_assert_cmpuint(status, ==, 413);
    g_string_free(big, TRUE);
    g_assert_cmpint(stored(f), ==, 1);
}

static void test_invisible(Fixture *f, gconstpointer data)
{
    static const char *const texts[] = {
        "\"\\u200b\\u200b\\u200b\"",  /* zero-width spaces */
        "\"\\u202e\\u2066\"",         /* bidi overrides */
        "\"\\u3164\\u115f\"",         /* Hangul fillers */
        "\"？！。…\"",                /* no letter */
        "\"包\\u0007住\"",            /* a control character */
        "\"包\\n住\"",                /* a line break */
        "\"\\ue000\"",                /* private use */
        "\"a\\u0301\\u0301\\u0301\"", /* three combining marks in a row */
        "\"包住\\udb40\\udc41\"",     /* a tag character */
    };
    for (gsize i = 0; i < G_N_ELEMENTS(texts); i++) {
        guint status = ask_json(f, 1, texts[i]);
        if (status != 400)
            g_error("%s: %u", texts[i], status);
    }
    g_assert_cmpint(stored(f), ==, 0);
}

static void test_flood(Fixture *f, gconstpointer data)
{
    for (int i = 0; i < 3; i++)
        g_assert_cmpuint(ask_json(f, 1, "\"包住吗？\""), ==, 201);
    guint status = 0;
    g_autofree char *reply = ask(f, JSON, "{\"posting_id\":2,\"text\":\"第四个\"}", &status);
    g_assert_cmpuint(status, ==, 429);
    g_assert_nonnull(strstr(reply, "\"rate_limited\""));
    g_autofree char *page429 = ask(f, FORM, "posting_id=1&text=abc", &status);
    g_assert_cmpuint(status, ==, 429);
    g_assert_cmpint(stored(f), ==, 3);
    /* A refused question costs nothing: the limit counts stored ones, and the sign-up limit is
     * its own. */
    g_autofree char *signup = ctl_test_server_request(
        f->srv, "POST", "/api/apply", JSON,
        "{\"posting_id\":1,\"name\":\"王五\",\"phone\":\"13800002222\",\"consent\":true}", NULL,
        &status, NULL);
    g_assert_cmpuint(status, ==, 201);
}

static void test_archived(Fixture *f, gconstpointer data)
{
    g_autoptr(JsonNode) keep = NULL;
    ok(f->ws, "postings.archive", "{\"posting_id\":2}", &keep);
    guint status = 0;
    g_autofree char *json = ask(f, JSON, "{\"posting_id\":2,\"text\":\"还招吗\"}", &status);
    g_assert_cmpuint(status, ==, 410);
    g_assert_nonnull(strstr(json, "\"closed\""));
    g_autofree char *form = ask(f, FORM, "posting_id=2&text=abc", &status);
    g_assert_cmpuint(status, ==, 410);
    g_assert_cmpint(stored(f), ==, 0);
}

/* Neither a new nor a hidden question appears in any public answer: the apply page, a host's
 * list, a host's notifications; approved and answered ones do, escaped. */
static void test_hidden_never_public(Fixture *f, gconstpointer data)
{
    CtlTestWs *host = host_ws(f);
    g_assert_cmpuint(ask_json(f, 1, "\"秘密问题一号\""), ==, 201);
    g_assert_cmpuint(ask_json(f, 1, "\"还没审核的问题\""), ==, 201);
    g_assert_cmpuint(ask_json(f, 1, "\"<b>公开</b>问题\""), ==, 201);
    /* The host hears that posting 1 changed, never what was asked. */
    g_autoptr(JsonNode) note = next_note(host, "questions.changed");
    g_autofree char *note_text = json_to_string(note, FALSE);
    g_assert_null(strstr(note_text, "秘密"));
    g_assert_false(json_object_has_member(
        json_object_get_object_member(json_node_get_object(note), "params"), "question"));

    gint64 secret =
        ctl_test_server_db_int(f->srv, "SELECT id FROM questions WHERE text LIKE '秘密%'");
    gint64 shown =
        ctl_test_server_db_int(f->srv, "SELECT id FROM questions WHERE text LIKE '<b>%'");
    g_autoptr(JsonNode) a = NULL;
    g_autoptr(JsonNode) b = NULL;
    g_autoptr(JsonNode) c = NULL;
    g_autofree char *approve = g_strdup_printf("{\"id\":%" G_GINT64_FORMAT "}", secret);
    ok(f->ws, "questions.approve", approve, &a); /* approved, then hidden */
    ok(f->ws, "questions.hide", approve, &b);
    g_autofree char *answer =
        g_strdup_printf("{\"id\":%" G_GINT64_FORMAT ",\"answer\":\"<i>包住</i>\"}", shown);
    ok(f->ws, "questions.answer", answer, &c);

    g_autofree char *html = page(f, 1);
    g_assert_null(strstr(html, "秘密问题一号"));
    g_assert_null(strstr(html, "还没审核的问题"));
    g_assert_null(strstr(html, "<b>公开"));
    g_assert_nonnull(strstr(html, "&lt;b&gt;公开&lt;/b&gt;问题"));
    g_assert_nonnull(strstr(html, "&lt;i&gt;包住&lt;/i&gt;"));
    g_autofree char *other_page = page(f, 2);
    g_assert_null(strstr(other_page, "公开&lt;/b&gt;"));

    g_autoptr(GString) texts = g_string_new(NULL);
    g_autoptr(GArray) ids = listed(host, 1, texts);
    g_assert_cmpuint(ids->len, ==, 1);
    g_assert_cmpstr(texts->str, ==, "<b>公开</b>问题|");
    /* A host cannot change anything. */
    g_autoptr(JsonNode) refused = call_on(host, "questions.approve", approve);
    g_assert_cmpint(error_code(refused), ==, -32001);
    /* A hidden question cannot go on air. */
    g_autoptr(JsonNode) on_air = call_on(f->ws, "questions.on_air", approve);
    g_assert_cmpint(error_code(on_air), ==, -32602);
    ctl_test_ws_free(host);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, setup, fn, teardown)
    ADD("/control/questions/queue-and-two-producers", test_queue);
    ADD("/control/questions/form-without-script", test_form);
    ADD("/security/questions/empty", test_empty);
    ADD("/security/questions/oversized", test_oversized);
    ADD("/security/questions/invisible-only", test_invisible);
    ADD("/security/questions/flood", test_flood);
    ADD("/security/questions/archived-posting", test_archived);
    ADD("/security/questions/hidden-never-public", test_hidden_never_public);
#undef ADD
    return g_test_run();
}
