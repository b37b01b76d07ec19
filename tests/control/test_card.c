/* Tests of GET/POST /api/card.png: the producer's card preview. A real control on 127.0.0.1 with
 * a stand-in card function (it runs on a worker thread like the real one; the drawing itself is
 * tested in tests/app/test_card_preview.c) that answers "PNG|title|pay|layout|url|signups". */
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "ctl_control.h"
#include "ctl_store.h"
#include "ctl_test.h"
#include "ctl_test_server.h"

#define TOKEN "test-producer-token"
#define BEARER "Bearer " TOKEN

typedef struct {
    CtlTestControl t;
} Fixture;

static void on_air(const CtlPosting *posting, const char *apply_url, gpointer data)
{
}

/* Worker thread: reads only req. */
static GBytes *fake_card(const CtlCardRequest *req, gpointer data, GError **error)
{
    g_assert_false(g_main_context_is_owner(g_main_context_default()));
    char *text = g_strdup_printf("PNG|%s|%g-%g|%s|%s|%" G_GINT64_FORMAT, req->posting->title,
                                 req->posting->pay_min, req->posting->pay_max, req->layout,
                                 req->apply_url, req->signups);
    return g_bytes_new_take(text, strlen(text));
}

static void setup(Fixture *f, gconstpointer data)
{
    ctl_test_control_open(&f->t);
    CtlControlConfig cfg = {.producer_token = TOKEN, .on_air = on_air};
    ctl_test_control_start(&f->t, &cfg);
    ctl_control_set_card_func(f->t.control, fake_card, NULL);
}

static void teardown(Fixture *f, gconstpointer data)
{
    ctl_test_control_close(&f->t);
}

static char *post_card(Fixture *f, const char *body, const char *authorization, const char *cookie,
                       const char *origin, guint *status)
{
    g_autoptr(SoupMessage) msg =
        ctl_test_post(f->t.port, "/api/card.png", "application/json", body, strlen(body));
    SoupMessageHeaders *h = soup_message_get_request_headers(msg);
    if (authorization != NULL)
        soup_message_headers_replace(h, "Authorization", authorization);
    if (cookie != NULL)
        soup_message_headers_replace(h, "Cookie", cookie);
    if (origin != NULL)
        soup_message_headers_replace(h, "Origin", origin);
    char *text = ctl_test_http_text(f->t.soup, msg);
    *status = soup_message_get_status(msg);
    return text;
}

/* A producer's session cookie, through GET /login?token=. (transfer full) */
static char *session_cookie(Fixture *f)
{
    g_autoptr(SoupMessage) msg = ctl_test_get(f->t.port, "/login?token=" TOKEN, NULL);
    g_autofree char *body = ctl_test_http_text(f->t.soup, msg);
    const char *set =
        soup_message_headers_get_one(soup_message_get_response_headers(msg), "Set-Cookie");
    g_assert_nonnull(set);
    return g_strndup(set, strcspn(set, ";"));
}

static void test_saved_posting(Fixture *f, gconstpointer data)
{
    g_autoptr(SoupMessage) msg = ctl_test_get(f->t.port, "/api/card.png?posting_id=2", BEARER);
    g_autofree char *body = ctl_test_http_text(f->t.soup, msg);
    g_assert_cmpuint(soup_message_get_status(msg), ==, 200);
    g_assert_cmpstr(
        soup_message_headers_get_content_type(soup_message_get_response_headers(msg), NULL), ==,
        "image/png");
    g_autoptr(CtlPosting) p = ctl_store_get_posting(f->t.store, 2, NULL);
    g_assert_true(g_str_has_prefix(body, "PNG|"));
    g_assert_nonnull(strstr(body, p->title));
    g_assert_nonnull(strstr(body, "|16:9|"));
    g_assert_nonnull(strstr(body, "/a/2|"));
}

static void test_needs_credentials(Fixture *f, gconstpointer data)
{
    g_autoptr(SoupMessage) msg = ctl_test_get(f->t.port, "/api/card.png?posting_id=2", NULL);
    g_autofree char *body = ctl_test_http_text(f->t.soup, msg);
    g_assert_cmpuint(soup_message_get_status(msg), ==, 401);
    guint status = 0;
    g_autofree char *post = post_card(f, "{}", NULL, NULL, NULL, &status);
    g_assert_cmpuint(status, ==, 401);
}

static void test_unknown_posting(Fixture *f, gconstpointer data)
{
    g_autoptr(SoupMessage) msg = ctl_test_get(f->t.port, "/api/card.png?posting_id=999", BEARER);
    g_autofree char *body = ctl_test_http_text(f->t.soup, msg);
    g_assert_cmpuint(soup_message_get_status(msg), ==, 404);
    g_autoptr(SoupMessage) bad = ctl_test_get(f->t.port, "/api/card.png?posting_id=x", BEARER);
    g_autofree char *bad_body = ctl_test_http_text(f->t.soup, bad);
    g_assert_cmpuint(soup_message_get_status(bad), ==, 400);
}

static void test_draft(Fixture *f, gconstpointer data)
{
    guint status = 0;
    g_autofree char *body = post_card(f,
                                      "{\"title\":\"草稿岗位\",\"company\":\"某公司\",\"pay_min\":"
                                      "100,\"pay_max\":200,\"pay_unit\":\"day\",\"headcount\":3}",
                                      BEARER, NULL, NULL, &status);
    g_assert_cmpuint(status, ==, 200);
    g_assert_true(g_str_has_prefix(body, "PNG|草稿岗位|100-200|16:9|"));
}

/* With posting_id the draft's fields go over the saved posting. */
static void test_draft_over_saved(Fixture *f, gconstpointer data)
{
    guint status = 0;
    g_autofree char *body =
        post_card(f, "{\"posting_id\":3,\"pay_max\":99999}", BEARER, NULL, NULL, &status);
    g_assert_cmpuint(status, ==, 200);
    g_autoptr(CtlPosting) p = ctl_store_get_posting(f->t.store, 3, NULL);
    g_autofree char *want = g_strdup_printf("PNG|%s|%g-99999|", p->title, p->pay_min);
    g_assert_true(g_str_has_prefix(body, want));
}

/* A bad field is named, as postings.create would name it. */
static void test_invalid_field(Fixture *f, gconstpointer data)
{
    guint status = 0;
    g_autofree char *body = post_card(f,
                                      "{\"title\":\"x\",\"company\":\"y\",\"pay_min\":500,"
                                      "\"pay_max\":100,\"pay_unit\":\"day\",\"headcount\":1}",
                                      BEARER, NULL, NULL, &status);
    g_assert_cmpuint(status, ==, 400);
    g_autoptr(JsonParser) parser = json_parser_new();
    JsonObject *o = ctl_test_parse_object(body, parser);
    JsonObject *e = json_object_get_object_member(o, "error");
    g_assert_cmpstr(json_object_get_string_member(e, "field"), ==, "pay_max");
    g_free(post_card(f, "[1]", BEARER, NULL, NULL, &status));
    g_assert_cmpuint(status, ==, 400);
}

/* The session cookie alone is not enough: the page's own Origin must come with it. */
static void test_cookie_needs_origin(Fixture *f, gconstpointer data)
{
    g_autofree char *cookie = session_cookie(f);
    const char *draft = "{\"posting_id\":2}";
    guint status = 0;
    g_free(post_card(f, draft, NULL, cookie, NULL, &status));
    g_assert_cmpuint(status, ==, 403);
    g_free(post_card(f, draft, NULL, cookie, "http://evil.example", &status));
    g_assert_cmpuint(status, ==, 403);
    g_autofree char *origin = g_strdup_printf("http://127.0.0.1:%d", f->t.port);
    g_free(post_card(f, draft, NULL, cookie, origin, &status));
    g_assert_cmpuint(status, ==, 200);
}

static void test_too_large(Fixture *f, gconstpointer data)
{
    GString *big = g_string_new("{\"title\":\"");
    for (int i = 0; i < 20000; i++)
        g_string_append_c(big, 'x');
    g_string_append(big, "\"}");
    guint status = 0;
    g_free(post_card(f, big->str, BEARER, NULL, NULL, &status));
    g_assert_cmpuint(status, ==, 413);
    g_string_free(big, TRUE);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add("/control/card/" path, Fixture, NULL, setup, fn, teardown)
    ADD("saved-posting-drawn-off-main", test_saved_posting);
    ADD("needs-credentials", test_needs_credentials);
    ADD("unknown-posting-404-bad-id-400", test_unknown_posting);
    ADD("draft-drawn", test_draft);
    ADD("draft-over-saved-posting", test_draft_over_saved);
    ADD("invalid-field-named", test_invalid_field);
    ADD("cookie-needs-same-origin", test_cookie_needs_origin);
    ADD("body-over-16k-413", test_too_large);
    return g_test_run();
}
