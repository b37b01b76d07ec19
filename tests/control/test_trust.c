/* /security/...: the public side of control played by a hostile client. A real control server on
 * 127.0.0.1 (port 0, 127.0.0.1 a trusted proxy so that X-Forwarded-For is believed) over a real
 * store in a temp dir; requests are written and answers read as raw bytes, so that nothing a
 * client library normalises can hide a difference. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "ctl_control.h"
#include "ctl_ratelimit.h"
#include "ctl_store.h"
#include "ctl_test.h"

typedef struct {
    char *dir;
    char *db_path;
    CtlStore *store;
    CtlControl *control;
    int port;
} Fixture;

static void setup(Fixture *f, gconstpointer data)
{
    static const char *const trusted[] = {"127.0.0.1", "10.9.9.9", NULL};
    g_autoptr(GError) error = NULL;
    f->dir = g_dir_make_tmp("jobcast-trust-XXXXXX", &error);
    g_assert_no_error(error);
    f->db_path = g_build_filename(f->dir, "jobcast.db", NULL);
    f->store = ctl_store_open(f->db_path, &error);
    g_assert_no_error(error);
    ctl_test_seed(f->store);
    CtlControlConfig cfg = {
        .listen_host = "127.0.0.1",
        .listen_port = 0,
        .producer_token = "trust-producer-token",
        .store = f->store,
        .trusted_proxies = trusted,
        .signup_rate_per_minute = 3,
    };
    f->control = ctl_control_new(&cfg, &error);
    g_assert_no_error(error);
    f->port = ctl_control_port(f->control);
}

static void teardown(Fixture *f, gconstpointer data)
{
    ctl_control_free(f->control);
    ctl_store_close(f->store);
    ctl_test_remove_dir(f->dir);
    g_free(f->db_path);
    g_free(f->dir);
}

/* A POST /api/apply from a client behind the trusted proxy (xff may be NULL). (transfer full) */
static char *post_apply(Fixture *f, const char *type, const char *body, const char *xff)
{
    g_autofree char *fwd =
        xff != NULL ? g_strdup_printf("X-Forwarded-For: %s\r\n", xff) : g_strdup("");
    g_autofree char *req = g_strdup_printf("POST /api/apply HTTP/1.1\r\n"
                                           "Host: 127.0.0.1\r\n"
                                           "Content-Type: %s\r\n"
                                           "Content-Length: %zu\r\n"
                                           "%s"
                                           "\r\n%s",
                                           type, strlen(body), fwd, body);
    return ctl_test_raw(f->port, req);
}

static char *get_page(Fixture *f, const char *path)
{
    g_autofree char *req = g_strdup_printf("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", path);
    return ctl_test_raw(f->port, req);
}

static guint status_of(const char *reply)
{
    g_assert_true(g_str_has_prefix(reply, "HTTP/1.1 "));
    return (guint)g_ascii_strtoull(reply + 9, NULL, 10);
}

static const char *body_of(const char *reply)
{
    const char *end = strstr(reply, "\r\n\r\n");
    g_assert_nonnull(end);
    return end + 4;
}

/* The value of header name (case-insensitive), NULL when absent. (transfer full) */
static char *header_of(const char *reply, const char *name)
{
    g_autofree char *head = g_strndup(reply, (gsize)(body_of(reply) - reply));
    g_auto(GStrv) lines = g_strsplit(head, "\r\n", -1);
    gsize len = strlen(name);
    for (char **l = lines; *l != NULL; l++) {
        if (g_ascii_strncasecmp(*l, name, len) == 0 && (*l)[len] == ':')
            return g_strstrip(g_strdup(*l + len + 1));
    }
    return NULL;
}

static gint64 count_rows(Fixture *f, const char *where)
{
    g_autofree char *sql = g_strdup_printf("SELECT count(*) FROM signups WHERE %s", where);
    sqlite3 *db = NULL;
    g_assert_cmpint(sqlite3_open_v2(f->db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    sqlite3_stmt *st = NULL;
    g_assert_cmpint(sqlite3_prepare_v2(db, sql, -1, &st, NULL), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_step(st), ==, SQLITE_ROW);
    gint64 n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

/* ---- no oracle in the sign-up answer ---- */

/* A phone submitted twice: an attacker who compares the answers learns nothing. */
static void test_signup_same_answer_json(Fixture *f, gconstpointer data)
{
    const char body[] =
        "{\"posting_id\":2,\"name\":\"李四\",\"phone\":\"13900001111\",\"consent\":true}";
    g_autofree char *first = post_apply(f, "application/json", body, "10.1.0.1");
    g_autofree char *again = post_apply(f, "application/json", body, "10.1.0.1");
    g_test_message("first:\n%s\nagain:\n%s", first, again);
    g_assert_cmpuint(status_of(first), ==, 201);
    /* Each submission's own withdraw code is the only difference, in the same shape. */
    g_autoptr(GRegex) shape = g_regex_new(
        "^\\{\"received\":true,\"thanks_url\":\"/a/2/thanks\\?t=[0-9A-Z]{12}\"\\}$", 0, 0, NULL);
    g_assert_true(g_regex_match(shape, body_of(first), 0, NULL));
    g_assert_true(g_regex_match(shape, body_of(again), 0, NULL));
    g_autoptr(GRegex) token = g_regex_new("t=[0-9A-Z]{12}", 0, 0, NULL);
    g_autofree char *masked1 = g_regex_replace_literal(token, first, -1, 0, "t=T", 0, NULL);
    g_autofree char *masked2 = g_regex_replace_literal(token, again, -1, 0, "t=T", 0, NULL);
    g_assert_cmpstr(masked2, ==, masked1);
    /* The first one was stored, once. */
    g_assert_cmpint(count_rows(f, "posting_id = 2 AND phone = '13900001111'"), ==, 1);
}

/* The form: both get a 303 to the same page, under a random token that names no sign-up. */
static void test_signup_same_answer_form(Fixture *f, gconstpointer data)
{
    const char body[] = "posting_id=3&name=%E7%8E%8B%E4%BA%94&phone=13800002222&consent=on";
    const char type[] = "application/x-www-form-urlencoded";
    g_autofree char *first = post_apply(f, type, body, "10.1.0.2");
    g_autofree char *again = post_apply(f, type, body, "10.1.0.2");
    g_assert_cmpuint(status_of(first), ==, 303);
    g_assert_cmpuint(status_of(again), ==, 303);
    g_autofree char *loc1 = header_of(first, "location");
    g_autofree char *loc2 = header_of(again, "location");
    g_assert_nonnull(loc1);
    g_assert_nonnull(loc2);
    g_autoptr(GRegex) shape = g_regex_new("^/a/3/thanks\\?t=[0-9A-Z]{12}$", 0, 0, NULL);
    g_assert_true(g_regex_match(shape, loc1, 0, NULL));
    g_assert_true(g_regex_match(shape, loc2, 0, NULL));
    g_assert_cmpstr(loc1, !=, loc2); /* fresh randomness each time */
    /* Apart from the token, the answers are the same bytes. */
    g_autoptr(GRegex) token = g_regex_new("t=[0-9A-Z]{12}", 0, 0, NULL);
    g_autofree char *masked1 = g_regex_replace_literal(token, first, -1, 0, "t=T", 0, NULL);
    g_autofree char *masked2 = g_regex_replace_literal(token, again, -1, 0, "t=T", 0, NULL);
    g_assert_cmpstr(masked1, ==, masked2);
    /* ...and so are the pages they lead to, but for each one's own withdraw code (and the status
     * link made from it). */
    g_autofree char *page1 = get_page(f, loc1);
    g_autofree char *page2 = get_page(f, loc2);
    g_assert_cmpuint(status_of(page1), ==, 200);
    g_autoptr(GRegex) code =
        g_regex_new("[0-9a-f]{64}|[0-9A-Z]{4}-?[0-9A-Z]{4}-?[0-9A-Z]{4}", 0, 0, NULL);
    g_autofree char *shown1 = g_regex_replace_literal(code, page1, -1, 0, "CODE", 0, NULL);
    g_autofree char *shown2 = g_regex_replace_literal(code, page2, -1, 0, "CODE", 0, NULL);
    g_assert_cmpstr(shown1, ==, shown2);
    g_assert_nonnull(strstr(page1, "报名成功"));
    /* The old shape that named a sign-up and a duplicate says nothing more. */
    g_autofree char *old = get_page(f, "/a/3/thanks?s=1&dup=1");
    g_assert_nonnull(strstr(old, "报名成功"));
    g_assert_nonnull(strstr(old, "class=\"withdraw-box\" hidden")); /* no code to act on */
    g_assert_cmpint(count_rows(f, "posting_id = 3 AND phone = '13800002222'"), ==, 1);
}

/* ---- proxies parsed right ---- */

/* A sign-up (a new phone each time, so none is a duplicate) through the trusted proxy 127.0.0.1
 * with the given X-Forwarded-For; returns the status. */
static guint apply_via(Fixture *f, int phone, const char *xff)
{
    g_autofree char *body = g_strdup_printf(
        "{\"posting_id\":1,\"name\":\"x\",\"phone\":\"135%08d\",\"consent\":true}", phone);
    g_autofree char *reply = post_apply(f, "application/json", body, xff);
    return status_of(reply);
}

/* 40 hops: 38 the client made up (varied on every request), then the address the client's
 * proxy saw, then that proxy (10.9.9.9, trusted). The per-address limit (3 a minute) must
 * still bite on the real client, however the made-up part is varied. */
static void test_proxy_long_header(Fixture *f, gconstpointer data)
{
    for (int i = 0; i < 5; i++) {
        GString *xff = g_string_new(NULL);
        for (int h = 0; h < 31; h++)
            g_string_append_printf(xff, "192.0.2.%d, ", (h + i) % 250 + 1);
        for (int h = 0; h < 7; h++)
            g_string_append_printf(xff, "%d,", i * 10 + h);
        g_string_append(xff, " 10.5.0.1, 10.9.9.9");
        g_autofree char *header = g_string_free(xff, FALSE);
        guint status = apply_via(f, i, header);
        g_test_message("request %d: %u", i, status);
        g_assert_cmpuint(status, ==, i < 3 ? 201 : 429);
    }
    g_assert_cmpint(count_rows(f, "client_addr = '10.5.0.1'"), ==, 3);
    g_assert_cmpuint(apply_via(f, 9, "192.0.2.1, 10.5.0.2, 10.9.9.9"), ==, 201); /* another */
}

/* A hop that is no address ends the walk at the address before it (the trusted proxy that
 * passed it on): varying garbage must not make a new client each time. */
static void test_proxy_malformed_hop(Fixture *f, gconstpointer data)
{
    for (int i = 0; i < 5; i++) {
        g_autofree char *header = g_strdup_printf("9.9.9.9, evil-%d, 10.9.9.9", i);
        g_assert_cmpuint(apply_via(f, i, header), ==, i < 3 ? 201 : 429);
    }
    g_assert_cmpint(count_rows(f, "client_addr = '10.9.9.9'"), ==, 3);

    const char *const trusted[] = {"127.0.0.1", "10.9.9.9", NULL};
    static const struct {
        const char *xff;
        const char *client;
    } cases[] = {
        {"1.2.3.4, garbage, 10.9.9.9", "10.9.9.9"},
        {"1.2.3.4, 10.9.9.9, ", "127.0.0.1"}, /* an empty last hop: the peer */
        {"1.2.3.4,,10.9.9.9", "10.9.9.9"},
        {"1.2.3.4, 5.6.7.8:80", "127.0.0.1"}, /* a port: not an address */
        {"1.2.3.4, 5.6.7.8 9.9.9.9", "127.0.0.1"},
        {"1.2.3.4, ::ffff:5.6.7.8", "5.6.7.8"},
        {"1.2.3.4, 2001:DB8::0:1", "2001:db8::1"}, /* one spelling per address */
        {"10.9.9.9, 127.0.0.1", "10.9.9.9"},       /* all trusted: the left-most */
        {"01.2.3.4", "127.0.0.1"},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *got = ctl_client_address("127.0.0.1", cases[i].xff, trusted);
        g_test_message("%s -> %s", cases[i].xff, got);
        g_assert_cmpstr(got, ==, cases[i].client);
    }
    /* A header far longer than 32 hops: read from the right all the same. */
    GString *xff = g_string_new(NULL);
    for (int h = 0; h < 1000; h++)
        g_string_append(xff, "6.6.6.6,");
    g_string_append(xff, "7.7.7.7, 10.9.9.9, 10.9.9.9");
    g_autofree char *header = g_string_free(xff, FALSE);
    g_autofree char *got = ctl_client_address("127.0.0.1", header, trusted);
    g_assert_cmpstr(got, ==, "7.7.7.7");
}

/* ---- closed means closed ---- */

static void test_closed_posting_refuses(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_assert_true(ctl_store_archive_posting(f->store, 2, -1, TRUE, &error));
    g_assert_no_error(error);
    /* JSON: 410 closed, nothing stored. */
    const char body[] =
        "{\"posting_id\":2,\"name\":\"李四\",\"phone\":\"13900001111\",\"consent\":true}";
    g_autofree char *json = post_apply(f, "application/json", body, "10.1.0.3");
    g_assert_cmpuint(status_of(json), ==, 410);
    g_autoptr(JsonParser) parser = json_parser_new();
    JsonObject *o = ctl_test_parse_object(body_of(json), parser);
    JsonObject *err = json_object_get_object_member(o, "error");
    g_assert_cmpstr(json_object_get_string_member(err, "code"), ==, "closed");
    /* The form: a page that links the open postings, not the closed one. */
    const char form[] = "posting_id=2&name=%E7%8E%8B%E4%BA%94&phone=13800002222&consent=on";
    g_autofree char *page = post_apply(f, "application/x-www-form-urlencoded", form, "10.1.0.3");
    g_assert_cmpuint(status_of(page), ==, 410);
    g_assert_nonnull(strstr(page, "已停止报名"));
    g_assert_nonnull(strstr(page, "href=\"/a/1\""));
    g_assert_nonnull(strstr(page, "href=\"/a/3\""));
    g_assert_null(strstr(page, "href=\"/a/2\""));
    g_assert_cmpint(count_rows(f, "posting_id = 2"), ==, 0);
    /* Its apply page says so too; an open posting still takes sign-ups. */
    g_autofree char *get = get_page(f, "/a/2");
    g_assert_cmpuint(status_of(get), ==, 410);
    g_assert_nonnull(strstr(get, "href=\"/a/1\""));
    g_autofree char *open = post_apply(f, "application/json",
                                       "{\"posting_id\":1,\"name\":\"李四\",\"phone\":"
                                       "\"13900001111\",\"consent\":true}",
                                       "10.1.0.3");
    g_assert_cmpuint(status_of(open), ==, 201);
    g_assert_cmpint(count_rows(f, "posting_id = 1"), ==, 1);
}

/* ---- names are names ---- */

/* A sign-up with this name from its own client address; returns the reply. (transfer full) */
static char *apply_name(Fixture *f, const char *name, int n)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "posting_id");
    json_builder_add_int_value(b, 1);
    json_builder_set_member_name(b, "name");
    json_builder_add_string_value(b, name);
    json_builder_set_member_name(b, "phone");
    g_autofree char *phone = g_strdup_printf("137%08d", n);
    json_builder_add_string_value(b, phone);
    json_builder_set_member_name(b, "consent");
    json_builder_add_boolean_value(b, TRUE);
    json_builder_end_object(b);
    g_autoptr(JsonNode) root = json_builder_get_root(b);
    g_autofree char *body = json_to_string(root, FALSE);
    g_autofree char *xff = g_strdup_printf("10.7.%d.%d", n / 200, n % 200 + 1);
    return post_apply(f, "application/json", body, xff);
}

static void test_names_are_names(Fixture *f, gconstpointer data)
{
    GString *stacked = g_string_new("a");
    for (int i = 0; i < 40; i++)
        g_string_append(stacked, "\u0301");
    const char *bad[] = {
        "\u200b",                         /* zero width space */
        "\ufeff",                         /* BOM */
        "\u200b\ufeff\u2060",             /* only invisible */
        "\U000E0041\U000E0042\U000E007F", /* tag characters */
        "张\U000E0041三",                 /* a tag character among letters */
        "张\u200b三",                     /* an invisible one among letters */
        "\u3164",                         /* Hangul filler: draws nothing */
        "张\x01三",                       /* a control character */
        "张\xc2\x85三",                   /* C1 control (NEL) */
        "\u0301\u0302",                   /* marks on nothing */
        "a\u0301\u0302\u0303",            /* three combining marks in a row */
        stacked->str,                     /* forty of them */
        "123",                            /* no letter */
        "\U0001F600",                     /* an emoji alone: no letter */
        "\u202e王五",                     /* a bidi override */
    };
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autofree char *reply = apply_name(f, bad[i], (int)i);
        g_test_message("bad %zu: %s", i, reply);
        g_assert_cmpuint(status_of(reply), ==, 400);
        g_autoptr(JsonParser) parser = json_parser_new();
        JsonObject *o = ctl_test_parse_object(body_of(reply), parser);
        JsonObject *err = json_object_get_object_member(o, "error");
        g_assert_cmpstr(json_object_get_string_member(err, "code"), ==, "invalid");
        g_assert_cmpstr(json_object_get_string_member(err, "field"), ==, "name");
    }
    g_string_free(stacked, TRUE);
    g_assert_cmpint(count_rows(f, "1"), ==, 0);

    const char *good[] = {
        "王五", "Zoë", "Zoe\u0308", "Nguyễn Văn A", "a\u0301\u0302", "म\u094D\u200Dष", "李 ❤\ufe0f",
    };
    for (gsize i = 0; i < G_N_ELEMENTS(good); i++) {
        g_autofree char *reply = apply_name(f, good[i], 100 + (int)i);
        g_test_message("good %zu: %s", i, reply);
        g_assert_cmpuint(status_of(reply), ==, 201);
    }
    g_assert_cmpint(count_rows(f, "1"), ==, G_N_ELEMENTS(good));
}

#define ADD(path, fn) g_test_add(path, Fixture, NULL, setup, fn, teardown)

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    ADD("/security/signup/same-answer-json", test_signup_same_answer_json);
    ADD("/security/signup/same-answer-form", test_signup_same_answer_form);
    ADD("/security/proxy/forwarded-for-40-hops", test_proxy_long_header);
    ADD("/security/proxy/malformed-hop-ends-walk", test_proxy_malformed_hop);
    ADD("/security/posting/closed-refuses-signups", test_closed_posting_refuses);
    ADD("/security/name/invisible-and-stacked-refused", test_names_are_names);
    return g_test_run();
}
