/* Tests of the pure layers under the control server: JSON-RPC 2.0 handling (ctl_rpc) and
 * sign-up validation (ctl_apply). No sockets here; test_control.c drives the real server. */
#include <string.h>

#include "ctl_access.h"
#include "ctl_apply.h"
#include "ctl_csv.h"
#include "ctl_ratelimit.h"
#include "ctl_rpc.h"
#include "jc_error.h"

typedef struct {
    int calls;
} Counter;

/* "echo" returns its params; "fail" fails with the JcErrorCode in params.code. */
static JsonNode *method_echo(JsonObject *params, gpointer data, GError **error)
{
    Counter *counter = data;
    counter->calls++;
    JsonNode *node = json_node_new(JSON_NODE_OBJECT);
    json_node_set_object(node, params);
    return node;
}

static JsonNode *method_fail(JsonObject *params, gpointer data, GError **error)
{
    Counter *counter = data;
    counter->calls++;
    g_set_error_literal(error, JC_ERROR, (gint)json_object_get_int_member(params, "code"),
                        "it failed");
    return NULL;
}

static const CtlRpcMethod methods[] = {
    {"echo", method_echo, 0, NULL},
    {"fail", method_fail, 0, NULL},
    {"change", method_echo, CTL_RPC_PRODUCER, NULL},
};

/* Runs msg and returns the parsed reply (NULL when there was none). */
static JsonNode *run(const char *msg, Counter *counter)
{
    g_autofree char *reply =
        ctl_rpc_handle(methods, G_N_ELEMENTS(methods), msg, strlen(msg), counter);
    if (reply == NULL)
        return NULL;
    g_autoptr(JsonParser) parser = json_parser_new();
    g_assert_true(json_parser_load_from_data(parser, reply, -1, NULL));
    JsonNode *root = json_node_copy(json_parser_get_root(parser));
    JsonObject *o = json_node_get_object(root);
    g_assert_cmpstr(json_object_get_string_member(o, "jsonrpc"), ==, "2.0");
    g_assert_true(json_object_has_member(o, "id"));
    return root;
}

/* Asserts that msg gets the error code, with id null when expect_null_id. */
static void assert_error(const char *msg, int code, gboolean expect_null_id)
{
    Counter counter = {0};
    g_autoptr(JsonNode) root = run(msg, &counter);
    g_assert_nonnull(root);
    JsonObject *o = json_node_get_object(root);
    g_assert_false(json_object_has_member(o, "result"));
    JsonObject *err = json_object_get_object_member(o, "error");
    g_assert_nonnull(err);
    g_assert_cmpint(json_object_get_int_member(err, "code"), ==, code);
    g_assert_nonnull(json_object_get_string_member(err, "message"));
    if (expect_null_id)
        g_assert_true(json_object_get_null_member(o, "id"));
    g_assert_cmpint(counter.calls, ==, 0);
}

static void test_valid_request(void)
{
    Counter counter = {0};
    g_autoptr(JsonNode) root =
        run("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"echo\",\"params\":{\"a\":1}}", &counter);
    g_assert_cmpint(counter.calls, ==, 1);
    JsonObject *o = json_node_get_object(root);
    g_assert_cmpint(json_object_get_int_member(o, "id"), ==, 7);
    g_assert_false(json_object_has_member(o, "error"));
    JsonObject *result = json_object_get_object_member(o, "result");
    g_assert_cmpint(json_object_get_int_member(result, "a"), ==, 1);

    /* A string id comes back as is; params may be left out. */
    g_autoptr(JsonNode) root2 =
        run("{\"jsonrpc\":\"2.0\",\"id\":\"x-1\",\"method\":\"echo\"}", &counter);
    g_assert_cmpstr(json_object_get_string_member(json_node_get_object(root2), "id"), ==, "x-1");
    g_assert_cmpint(counter.calls, ==, 2);
}

static void test_malformed_json(void)
{
    assert_error("{\"jsonrpc\":\"2.0\",", CTL_RPC_PARSE_ERROR, TRUE);
    assert_error("", CTL_RPC_PARSE_ERROR, TRUE);
    assert_error("not json", CTL_RPC_PARSE_ERROR, TRUE);
}

/* Two values in one message: no JSON, and json-glib 1.6 would take it and leak the first. */
static void test_second_value_refused(void)
{
    assert_error("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\"}{}", CTL_RPC_PARSE_ERROR, TRUE);
    assert_error("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\"} [1]", CTL_RPC_PARSE_ERROR,
                 TRUE);
    assert_error("1 {}", CTL_RPC_PARSE_ERROR, TRUE);
    assert_error("\"a\" []", CTL_RPC_PARSE_ERROR, TRUE);
    g_assert_cmpint(ctl_json_shape("{}{}", 4, 8), ==, CTL_JSON_SECOND_VALUE);
    g_assert_cmpint(ctl_json_shape("[1]\n[2]", 7, 8), ==, CTL_JSON_SECOND_VALUE);
    static const char nested[] = " {\"a\":[{},[]],\"b\":\"}{\"}\r\n";
    g_assert_cmpint(ctl_json_shape(nested, strlen(nested), 8), ==, CTL_JSON_PLAIN);
    g_assert_cmpint(ctl_json_shape("{} 2", 4, 8), ==,
                    CTL_JSON_PLAIN); /* json-glib refuses this one itself */
}

static void test_not_an_object(void)
{
    assert_error("42", CTL_RPC_INVALID_REQUEST, TRUE);
    assert_error("\"state.get\"", CTL_RPC_INVALID_REQUEST, TRUE);
    assert_error("null", CTL_RPC_INVALID_REQUEST, TRUE);
    /* Batches are refused as a whole (docs/protocol.md). */
    assert_error("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\"}]", CTL_RPC_INVALID_REQUEST,
                 TRUE);
}

static void test_missing_jsonrpc(void)
{
    Counter counter = {0};
    g_autoptr(JsonNode) root = run("{\"id\":3,\"method\":\"echo\"}", &counter);
    JsonObject *o = json_node_get_object(root);
    g_assert_cmpint(json_object_get_int_member(json_object_get_object_member(o, "error"), "code"),
                    ==, CTL_RPC_INVALID_REQUEST);
    g_assert_cmpint(json_object_get_int_member(o, "id"), ==, 3); /* the id was readable */
    g_assert_cmpint(counter.calls, ==, 0);
    assert_error("{\"jsonrpc\":\"1.0\",\"id\":3,\"method\":\"echo\"}", CTL_RPC_INVALID_REQUEST,
                 FALSE);
    assert_error("{\"jsonrpc\":2,\"id\":3,\"method\":\"echo\"}", CTL_RPC_INVALID_REQUEST, FALSE);
}

static void test_wrong_types(void)
{
    assert_error("{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"echo\"}",
                 CTL_RPC_INVALID_REQUEST, TRUE);
    assert_error("{\"jsonrpc\":\"2.0\",\"id\":[1],\"method\":\"echo\"}", CTL_RPC_INVALID_REQUEST,
                 TRUE);
    assert_error("{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"echo\"}", CTL_RPC_INVALID_REQUEST,
                 TRUE);
    assert_error("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":5}", CTL_RPC_INVALID_REQUEST, FALSE);
    assert_error("{\"jsonrpc\":\"2.0\",\"id\":1}", CTL_RPC_INVALID_REQUEST, FALSE);
    assert_error("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\",\"params\":[1,2]}",
                 CTL_RPC_INVALID_PARAMS, FALSE);
    assert_error("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\",\"params\":\"x\"}",
                 CTL_RPC_INVALID_REQUEST, FALSE);
}

static void test_oversized(void)
{
    const char head[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\",\"params\":{}}";
    /* Exactly at the cap (padded with JSON whitespace) is fine... */
    GString *msg = g_string_new(head);
    while (msg->len < CTL_RPC_MAX_MESSAGE)
        g_string_append_c(msg, ' ');
    Counter counter = {0};
    g_autofree char *ok =
        ctl_rpc_handle(methods, G_N_ELEMENTS(methods), msg->str, msg->len, &counter);
    g_assert_nonnull(strstr(ok, "\"result\""));
    g_assert_cmpint(counter.calls, ==, 1);
    /* ...one byte more is refused before parsing. */
    g_string_append_c(msg, ' ');
    g_autofree char *big =
        ctl_rpc_handle(methods, G_N_ELEMENTS(methods), msg->str, msg->len, &counter);
    g_assert_nonnull(strstr(big, "-32600"));
    g_assert_nonnull(strstr(big, "too_large"));
    g_assert_cmpint(counter.calls, ==, 1);
    g_string_free(msg, TRUE);
}

static void test_deep_nesting(void)
{
    GString *msg =
        g_string_new("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\",\"params\":{\"a\":");
    for (int i = 0; i < 20000; i++)
        g_string_append_c(msg, '[');
    Counter counter = {0};
    g_autofree char *reply =
        ctl_rpc_handle(methods, G_N_ELEMENTS(methods), msg->str, msg->len, &counter);
    g_assert_nonnull(strstr(reply, "-32600"));
    g_string_free(msg, TRUE);
    /* Brackets inside strings do not count. */
    g_assert_cmpint(ctl_json_shape("{\"a\":\"[[[[[[\\\"[[[\"}", 19, 2), ==, CTL_JSON_PLAIN);
    g_assert_cmpint(ctl_json_shape("[[[1]]]", 7, 2), ==, CTL_JSON_TOO_DEEP);
}

static void test_notification_no_reply(void)
{
    Counter counter = {0};
    g_assert_null(run("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":{}}", &counter));
    g_assert_cmpint(counter.calls, ==, 1); /* it ran, silently */
    g_assert_null(run("{\"jsonrpc\":\"2.0\",\"method\":\"nope\"}", &counter));
    g_assert_null(
        run("{\"jsonrpc\":\"2.0\",\"method\":\"fail\",\"params\":{\"code\":1}}", &counter));
    g_assert_cmpint(counter.calls, ==, 2);
    /* An explicit null id is a request, not a notification. */
    g_autoptr(JsonNode) root =
        run("{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"echo\"}", &counter);
    g_assert_nonnull(root);
    g_assert_true(json_object_get_null_member(json_node_get_object(root), "id"));
}

static void test_unknown_method(void)
{
    Counter counter = {0};
    g_autoptr(JsonNode) root =
        run("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"show.fly\"}", &counter);
    JsonObject *o = json_node_get_object(root);
    g_assert_cmpint(json_object_get_int_member(o, "id"), ==, 9);
    g_assert_cmpint(json_object_get_int_member(json_object_get_object_member(o, "error"), "code"),
                    ==, CTL_RPC_METHOD_NOT_FOUND);
}

static void test_application_errors(void)
{
    Counter counter = {0};
    g_autoptr(JsonNode) root =
        run("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"fail\",\"params\":{\"code\":1}}", &counter);
    JsonObject *err = json_object_get_object_member(json_node_get_object(root), "error");
    g_assert_cmpint(json_object_get_int_member(err, "code"), ==, CTL_RPC_NOT_FOUND);
    g_assert_cmpstr(
        json_object_get_string_member(json_object_get_object_member(err, "data"), "reason"), ==,
        "not_found");
    g_autoptr(JsonNode) root2 =
        run("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"fail\",\"params\":{\"code\":0}}", &counter);
    err = json_object_get_object_member(json_node_get_object(root2), "error");
    g_assert_cmpint(json_object_get_int_member(err, "code"), ==, CTL_RPC_INVALID_PARAMS);
}

/* ---- apply validation ---- */

static void check_phone(const char *raw, const char *want)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *got = ctl_apply_normalise_phone(raw, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(got, ==, want);
}

static void check_phone_rejected(const char *raw)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *got = ctl_apply_normalise_phone(raw, &error);
    g_assert_null(got);
    g_assert_error(error, JC_ERROR, JC_ERROR_INVALID);
}

static void test_phone_normalised(void)
{
    check_phone("13812345678", "13812345678");
    check_phone("１３８１２３４５６７８", "13812345678");       /* full-width digits */
    check_phone("138 1234 5678", "13812345678");                /* spaces */
    check_phone("138-1234-5678", "13812345678");                /* dashes */
    check_phone("138－1234－5678", "13812345678");              /* full-width dashes */
    check_phone("+86 138 1234 5678", "13812345678");            /* country code */
    check_phone("＋８６１３８１２３４５６７８", "13812345678"); /* all full-width */
    check_phone("0086-13812345678", "13812345678");
    check_phone("8613812345678", "13812345678");
    check_phone("  19912345678\t", "19912345678");
    check_phone("138\u30001234\u30005678", "13812345678"); /* ideographic spaces */
}

static void test_phone_rejected(void)
{
    check_phone_rejected(NULL);
    check_phone_rejected("");
    check_phone_rejected("1381234567");   /* 10 digits */
    check_phone_rejected("138123456789"); /* 12 digits */
    check_phone_rejected("12812345678");  /* second digit 2 */
    check_phone_rejected("23812345678");  /* not a mobile */
    check_phone_rejected("138a2345678");
    check_phone_rejected("138.1234.5678");
    check_phone_rejected("+1 138 1234 5678"); /* another country */
    check_phone_rejected("138+12345678");     /* plus in the middle */
    check_phone_rejected("+8686 13812345678");
    check_phone_rejected("\xff\xfe");
    g_autofree char *long_input = g_strnfill(200, '1');
    check_phone_rejected(long_input);
}

static void test_name_limits(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *trimmed = ctl_apply_normalise_name("  张三 \u3000", &error);
    g_assert_no_error(error);
    g_assert_cmpstr(trimmed, ==, "张三");

    /* 40 characters (CJK: 120 bytes) pass, 41 do not. */
    GString *forty = g_string_new(NULL);
    for (int i = 0; i < 40; i++)
        g_string_append(forty, "王");
    g_autofree char *ok = ctl_apply_normalise_name(forty->str, NULL);
    g_assert_cmpstr(ok, ==, forty->str);
    g_string_append(forty, "王");
    g_assert_null(ctl_apply_normalise_name(forty->str, NULL));
    g_string_free(forty, TRUE);

    const char *bad[] = {NULL,     "",      "   ",      "\u3000",      "张\n三",
                         "张\t三", "a\x01", "\xe5\xbc", "abc\u202edef"};
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) e = NULL;
        g_assert_null(ctl_apply_normalise_name(bad[i], &e));
        g_assert_error(e, JC_ERROR, JC_ERROR_INVALID);
    }
    g_autofree char *one = ctl_apply_normalise_name("A", NULL);
    g_assert_cmpstr(one, ==, "A");
}

static void assert_json_field(const char *body, const char *want_field)
{
    CtlApplyForm form = {0};
    const char *field = "unset";
    g_autoptr(GError) error = NULL;
    gboolean ok = ctl_apply_parse_json(body, strlen(body), &form, &field, &error);
    if (ok) {
        g_autofree char *name = NULL;
        g_autofree char *phone = NULL;
        ok = ctl_apply_validate(&form, &name, &phone, &field, &error);
    }
    g_assert_false(ok);
    g_assert_cmpstr(field, ==, want_field);
    g_assert_error(error, JC_ERROR, JC_ERROR_INVALID);
    ctl_apply_form_clear(&form);
}

static void test_apply_json_types(void)
{
    assert_json_field("{", NULL);
    assert_json_field("[1]", NULL);
    assert_json_field("{\"posting_id\":\"1\",\"name\":\"a\",\"phone\":\"13812345678\","
                      "\"consent\":true}",
                      "posting_id");
    assert_json_field("{\"posting_id\":-4,\"name\":\"a\",\"phone\":\"13812345678\","
                      "\"consent\":true}",
                      "posting_id");
    assert_json_field("{\"posting_id\":1,\"name\":5,\"phone\":\"13812345678\",\"consent\":true}",
                      "name");
    assert_json_field("{\"posting_id\":1,\"name\":\"a\",\"phone\":13812345678,\"consent\":true}",
                      "phone");
    assert_json_field("{\"posting_id\":1,\"name\":\"a\",\"phone\":\"13812345678\","
                      "\"consent\":\"yes\"}",
                      "consent");
    assert_json_field("{\"posting_id\":1,\"name\":\"a\",\"phone\":\"13812345678\","
                      "\"consent\":false}",
                      "consent");
    assert_json_field("{\"posting_id\":1,\"name\":\" \",\"phone\":\"13812345678\","
                      "\"consent\":true}",
                      "name");

    const char good[] = "{\"posting_id\":2,\"name\":\" 李四 \",\"phone\":\"+86 139-0000-1111\","
                        "\"consent\":true}";
    CtlApplyForm form = {0};
    const char *field = NULL;
    g_assert_true(ctl_apply_parse_json(good, strlen(good), &form, &field, NULL));
    g_autofree char *name = NULL;
    g_autofree char *phone = NULL;
    g_assert_true(ctl_apply_validate(&form, &name, &phone, &field, NULL));
    g_assert_cmpint(form.posting_id, ==, 2);
    g_assert_cmpstr(name, ==, "李四");
    g_assert_cmpstr(phone, ==, "13900001111");
    ctl_apply_form_clear(&form);
}

static void test_apply_form_parse(void)
{
    const char body[] = "posting_id=3&name=%E7%8E%8B+%E4%BA%94&phone=138+1234+5678&consent=on";
    CtlApplyForm form = {0};
    const char *field = NULL;
    g_assert_true(ctl_apply_parse_form(body, strlen(body), &form, &field, NULL));
    g_assert_cmpint(form.posting_id, ==, 3);
    g_assert_cmpstr(form.name, ==, "王 五");
    g_assert_cmpstr(form.phone, ==, "138 1234 5678");
    g_assert_true(form.consent);
    ctl_apply_form_clear(&form);

    const char no_consent[] = "posting_id=3&name=a&phone=13812345678";
    g_assert_true(ctl_apply_parse_form(no_consent, strlen(no_consent), &form, &field, NULL));
    g_autofree char *name = NULL;
    g_autofree char *phone = NULL;
    g_assert_false(ctl_apply_validate(&form, &name, &phone, &field, NULL));
    g_assert_cmpstr(field, ==, "consent");
    ctl_apply_form_clear(&form);

    const char bad_id[] = "posting_id=x&name=a";
    g_assert_false(ctl_apply_parse_form(bad_id, strlen(bad_id), &form, &field, NULL));
    g_assert_cmpstr(field, ==, "posting_id");
    ctl_apply_form_clear(&form);
}

static void test_mask_phone(void)
{
    g_autofree char *m = ctl_apply_mask_phone("13812345678");
    g_assert_cmpstr(m, ==, "138****5678");
}

static void test_page_render_escapes(void)
{
    g_autoptr(GHashTable) vars = g_hash_table_new(g_str_hash, g_str_equal);
    g_hash_table_insert(vars, "t", "<script>alert(\"x\")</script> & 'q'");
    g_autofree char *out = ctl_page_render("<p title=\"{{t}}\">{{t}}{{missing}}</p>{{", vars);
    g_assert_null(strstr(out, "<script>"));
    g_assert_nonnull(strstr(out, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; "
                                 "&apos;q&apos;"));
    g_assert_true(g_str_has_suffix(out, "</p>{{"));
}

/* A producer-only method called by a read-only caller: -32001, and the handler never runs. */
static void test_rpc_role_forbidden(void)
{
    Counter counter = {0};
    const char *msg = "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"change\"}";
    g_autofree char *reply =
        ctl_rpc_handle_as(methods, G_N_ELEMENTS(methods), msg, strlen(msg), FALSE, &counter);
    g_assert_nonnull(reply);
    g_assert_nonnull(strstr(reply, "-32001"));
    g_assert_nonnull(strstr(reply, "forbidden"));
    g_assert_cmpint(counter.calls, ==, 0);
    g_free(reply);
    reply = ctl_rpc_handle_as(methods, G_N_ELEMENTS(methods), msg, strlen(msg), TRUE, &counter);
    g_assert_nonnull(strstr(reply, "\"result\""));
    g_assert_cmpint(counter.calls, ==, 1);
    /* Read methods stay open to read-only callers. */
    const char *echo = "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"echo\"}";
    g_free(reply);
    reply = ctl_rpc_handle_as(methods, G_N_ELEMENTS(methods), echo, strlen(echo), FALSE, &counter);
    g_assert_nonnull(strstr(reply, "\"result\""));
}

static char *csv(const char *value)
{
    GString *out = g_string_new(NULL);
    ctl_csv_cell(out, value);
    return g_string_free(out, FALSE);
}

static void test_csv_cells(void)
{
    const struct {
        const char *in;
        const char *out;
    } cases[] = {
        {"王五", "王五"},
        {"", ""},
        {"=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\""},
        {"+86 138", "\"'+86 138\""},
        {"-1", "\"'-1\""},
        {"@SUM(A1)", "\"'@SUM(A1)\""},
        {"a,b", "\"a,b\""},
        {"line\nbreak", "\"line\nbreak\""},
        {"13800001111", "13800001111"},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *got = csv(cases[i].in);
        g_assert_cmpstr(got, ==, cases[i].out);
    }
}

static void test_rate_limit_buckets(void)
{
    CtlRateLimit *rl = ctl_rate_limit_new(60, 3, 100); /* one a second, bursts of 3 */
    gint64 t = 1000000;
    for (int i = 0; i < 3; i++)
        g_assert_true(ctl_rate_limit_take(rl, "1.2.3.4", t));
    g_assert_false(ctl_rate_limit_take(rl, "1.2.3.4", t));
    g_assert_true(ctl_rate_limit_take(rl, "5.6.7.8", t));           /* its own bucket */
    g_assert_true(ctl_rate_limit_take(rl, "1.2.3.4", t + 1000000)); /* refilled one */
    g_assert_false(ctl_rate_limit_take(rl, "1.2.3.4", t + 1000000));
    ctl_rate_limit_free(rl);
}

static void test_rate_limit_bounded(void)
{
    CtlRateLimit *rl = ctl_rate_limit_new(60, 1, 10);
    for (int i = 0; i < 1000; i++) {
        char key[32];
        g_snprintf(key, sizeof key, "10.0.%d.%d", i / 256, i % 256);
        g_assert_true(ctl_rate_limit_take(rl, key, 1000));
    }
    ctl_rate_limit_free(rl);
}

static void test_client_address(void)
{
    const char *trusted[] = {"127.0.0.1", "10.0.0.2", NULL};
    g_autofree char *a = ctl_client_address("::ffff:1.2.3.4", "9.9.9.9", trusted);
    g_assert_cmpstr(a, ==, "1.2.3.4"); /* untrusted peer: its header is ignored */
    g_autofree char *b = ctl_client_address("127.0.0.1", "9.9.9.9", trusted);
    g_assert_cmpstr(b, ==, "9.9.9.9");
    g_autofree char *c = ctl_client_address("127.0.0.1", "6.6.6.6, 9.9.9.9, 10.0.0.2", trusted);
    g_assert_cmpstr(c, ==, "9.9.9.9"); /* the right-most untrusted hop, not the spoofable left */
    g_autofree char *d = ctl_client_address("127.0.0.1", NULL, trusted);
    g_assert_cmpstr(d, ==, "127.0.0.1");
    g_autofree char *e = ctl_client_address("127.0.0.1", "9.9.9.9", NULL);
    g_assert_cmpstr(e, ==, "127.0.0.1"); /* no trusted proxies: never believed */
}

/* Trusted proxies are compared as addresses, not as text: another spelling of the same address
 * is the same proxy, and an IPv4-mapped IPv6 peer is its IPv4 address. */
static void test_trusted_proxy_spellings(void)
{
    const char *trusted[] = {"::1", "10.0.0.2", NULL};
    g_autofree char *a = ctl_client_address("0:0::1", "9.9.9.9", trusted);
    g_assert_cmpstr(a, ==, "9.9.9.9");
    g_autofree char *b = ctl_client_address("::ffff:10.0.0.2", "8.8.8.8", trusted);
    g_assert_cmpstr(b, ==, "8.8.8.8");
    g_autofree char *c = ctl_client_address("10.0.0.3", "8.8.8.8", trusted);
    g_assert_cmpstr(c, ==, "10.0.0.3"); /* not a proxy: the header is not believed */
    g_autofree char *d = ctl_client_address("10.0.0.2", "8.8.8.8, 0::1", trusted);
    g_assert_cmpstr(d, ==, "8.8.8.8"); /* a trusted hop in another spelling is skipped */
}

/* The Origin a cookie-riding request must show: this server, over http or https, nothing
 * more. */
static void test_origin_matches(void)
{
    g_assert_true(ctl_access_origin_matches("http://127.0.0.1:8080", "127.0.0.1:8080"));
    g_assert_true(ctl_access_origin_matches("https://studio.example", "studio.example"));
    g_assert_true(ctl_access_origin_matches("HTTP://Studio.Example", "studio.example"));
    g_assert_true(ctl_access_origin_matches("http://[::1]:8080", "[::1]:8080"));
    g_assert_false(ctl_access_origin_matches("http://127.0.0.1:8081", "127.0.0.1:8080"));
    g_assert_false(ctl_access_origin_matches("http://evil.example", "studio.example"));
    g_assert_false(ctl_access_origin_matches("http://studio.example.evil", "studio.example"));
    g_assert_false(ctl_access_origin_matches("ftp://studio.example", "studio.example"));
    g_assert_false(ctl_access_origin_matches("http://studio.example/x", "studio.example"));
    g_assert_false(ctl_access_origin_matches("http://u@studio.example", "studio.example"));
    g_assert_false(ctl_access_origin_matches("null", "studio.example"));
    g_assert_false(ctl_access_origin_matches("", "studio.example"));
}

/* A method that answers later: no reply now, and the id it was given is the request's. */
typedef struct {
    JsonNode **current_id; /* where ctl_rpc_handle_full puts the id during the call */
    JsonNode *seen;        /* owned: the id the method saw */
} Later;

static JsonNode *method_later(JsonObject *params, gpointer data, GError **error)
{
    Later *l = data;
    l->seen = json_node_copy(*l->current_id);
    return ctl_rpc_later();
}

static void test_answer_later(void)
{
    static const CtlRpcMethod later_methods[] = {{"later", method_later, 0, NULL}};
    JsonNode *current = NULL;
    Later l = {&current, NULL};
    const char *msg = "{\"jsonrpc\":\"2.0\",\"id\":\"x-7\",\"method\":\"later\"}";
    char *reply = ctl_rpc_handle_full(later_methods, 1, msg, strlen(msg), TRUE, &current, &l);
    g_assert_null(reply);
    g_assert_null(current); /* only valid during the call */
    g_assert_nonnull(l.seen);
    g_assert_cmpstr(json_node_get_string(l.seen), ==, "x-7");
    /* The reply built later carries it. */
    JsonObject *o = json_object_new();
    json_object_set_boolean_member(o, "done", TRUE);
    JsonNode *result = json_node_new(JSON_NODE_OBJECT);
    json_node_take_object(result, o);
    g_autofree char *late = ctl_rpc_build_result(l.seen, result);
    g_assert_cmpstr(late, ==, "{\"jsonrpc\":\"2.0\",\"id\":\"x-7\",\"result\":{\"done\":true}}");
    json_node_unref(l.seen);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/control/rpc/valid-request", test_valid_request);
    g_test_add_func("/control/rpc/trusted-proxy-spellings", test_trusted_proxy_spellings);
    g_test_add_func("/control/rpc/origin-matches", test_origin_matches);
    g_test_add_func("/control/rpc/malformed-json", test_malformed_json);
    g_test_add_func("/control/rpc/not-an-object", test_not_an_object);
    g_test_add_func("/control/rpc/second-value-refused", test_second_value_refused);
    g_test_add_func("/control/rpc/missing-jsonrpc", test_missing_jsonrpc);
    g_test_add_func("/control/rpc/wrong-types", test_wrong_types);
    g_test_add_func("/control/rpc/oversized", test_oversized);
    g_test_add_func("/control/rpc/deep-nesting", test_deep_nesting);
    g_test_add_func("/control/rpc/notification-no-reply", test_notification_no_reply);
    g_test_add_func("/control/rpc/unknown-method", test_unknown_method);
    g_test_add_func("/control/rpc/application-errors", test_application_errors);
    g_test_add_func("/control/apply/phone-normalised", test_phone_normalised);
    g_test_add_func("/control/apply/phone-rejected", test_phone_rejected);
    g_test_add_func("/control/apply/name-limits", test_name_limits);
    g_test_add_func("/control/apply/json-types", test_apply_json_types);
    g_test_add_func("/control/apply/form-parse", test_apply_form_parse);
    g_test_add_func("/control/apply/mask-phone", test_mask_phone);
    g_test_add_func("/control/apply/page-render-escapes", test_page_render_escapes);
    g_test_add_func("/control/rpc/role-forbidden", test_rpc_role_forbidden);
    g_test_add_func("/control/export/csv-cells", test_csv_cells);
    g_test_add_func("/control/rpc/answer-later", test_answer_later);
    g_test_add_func("/control/ratelimit/buckets", test_rate_limit_buckets);
    g_test_add_func("/control/ratelimit/bounded", test_rate_limit_bounded);
    g_test_add_func("/control/ratelimit/client-address", test_client_address);
    return g_test_run();
}
