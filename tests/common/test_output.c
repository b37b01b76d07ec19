/* Tests of the output name and URI rule (jc_output.c): what --output, the config file and the
 * outputs.* methods accept, and that a refusal never quotes a stream key. */
#include <string.h>

#include "jc_error.h"
#include "jc_output.h"

static void expect_bad_name(const char *name)
{
    g_autoptr(GError) error = NULL;
    g_assert_false(jc_output_name_check(name, &error));
    g_assert_error(error, JC_ERROR, JC_ERROR_INVALID);
    g_assert_true(g_str_has_prefix(error->message, "name: "));
}

static void test_name_rules(void)
{
    g_assert_true(jc_output_name_check("douyin", NULL));
    g_assert_true(jc_output_name_check("out1", NULL));
    g_assert_true(jc_output_name_check("a", NULL));
    g_assert_true(jc_output_name_check("kuaishou-backup-2", NULL));
    g_assert_true(jc_output_name_check("abcdefghijklmnopqrstuvwxyz012345", NULL)); /* 32 */
    expect_bad_name(NULL);
    expect_bad_name("");
    expect_bad_name("abcdefghijklmnopqrstuvwxyz0123456"); /* 33 */
    expect_bad_name("Douyin");
    expect_bad_name("dou yin");
    expect_bad_name("dou_yin");
    expect_bad_name("抖音");
    expect_bad_name("a/b");
    expect_bad_name("a\"b");
}

static void expect_bad_uri(const char *uri, const char *says)
{
    g_autoptr(GError) error = NULL;
    g_assert_false(jc_output_uri_check(uri, NULL, &error));
    g_assert_error(error, JC_ERROR, JC_ERROR_INVALID);
    g_test_message("%s", error->message);
    g_assert_nonnull(strstr(error->message, says));
    g_assert_null(strstr(error->message, "sekrit"));
}

static void test_uri_rules(void)
{
    JcOutputKind kind = JC_OUTPUT_FILE;
    g_assert_true(jc_output_uri_check("rtmp://live.example.com/live/KEY", &kind, NULL));
    g_assert_cmpint(kind, ==, JC_OUTPUT_RTMP);
    g_assert_true(jc_output_uri_check("rtmps://live.example.com:443/app/k?a=b", &kind, NULL));
    g_assert_cmpint(kind, ==, JC_OUTPUT_RTMP);
    g_assert_true(jc_output_uri_check("srt://relay.example.com:9000?passphrase=x", &kind, NULL));
    g_assert_cmpint(kind, ==, JC_OUTPUT_SRT);
    g_assert_true(jc_output_uri_check("file:///tmp/show.mkv", &kind, NULL));
    g_assert_cmpint(kind, ==, JC_OUTPUT_FILE);
    expect_bad_uri(NULL, "missing");
    expect_bad_uri("", "empty");
    expect_bad_uri("gopher://x", "unsupported scheme");
    expect_bad_uri("rtmp://", "needs a host and a path");
    expect_bad_uri("rtmp://host", "needs a host and a path");
    expect_bad_uri("srt://relay.example.com?passphrase=sekrit-pass", "needs a host and a port");
    expect_bad_uri("file://relative.mkv", "absolute path");
    expect_bad_uri("file:///tmp/show.avi", ".mkv, .mp4 or .flv");
    expect_bad_uri("rtmp://host/live/sek rit", "printable ASCII");
    expect_bad_uri("rtmp://host/live/sekrit\n", "printable ASCII");
    g_autofree char *longer = g_strdup_printf("rtmp://host/live/%0*d", JC_OUTPUT_URI_MAX, 7);
    expect_bad_uri(longer, "at most 2048 bytes");
}

static void test_spec_named(void)
{
    g_autofree char *name = NULL;
    g_autofree char *uri = NULL;
    g_assert_true(
        jc_output_spec_parse("douyin=rtmp://push.example.com/live/k?a=b", 3, &name, &uri, NULL));
    g_assert_cmpstr(name, ==, "douyin");
    g_assert_cmpstr(uri, ==, "rtmp://push.example.com/live/k?a=b");
}

static void test_spec_plain_numbered(void)
{
    g_autofree char *name = NULL;
    g_autofree char *uri = NULL;
    /* An '=' inside the URI (its query) does not make a name. */
    g_assert_true(jc_output_spec_parse("rtmp://push.example.com/live/k?a=b", 2, &name, &uri, NULL));
    g_assert_cmpstr(name, ==, "out2");
    g_assert_cmpstr(uri, ==, "rtmp://push.example.com/live/k?a=b");
}

static void test_spec_bad(void)
{
    static const char *const bad[] = {
        "=rtmp://h/live/k",        /* empty name */
        "Douyin=rtmp://h/live/k",  /* upper case */
        "dou yin=rtmp://h/live/k", /* space */
        "douyin=",                 /* no URI */
        "douyin=gopher://x",       /* bad scheme */
        "abcdefghijklmnopqrstuvwxyz0123456=rtmp://h/live/k",
    };
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) error = NULL;
        char *name = (char *)"x";
        char *uri = (char *)"x";
        g_assert_false(jc_output_spec_parse(bad[i], 1, &name, &uri, &error));
        g_assert_error(error, JC_ERROR, JC_ERROR_INVALID);
        g_assert_null(name);
        g_assert_null(uri);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/common/output/name-rules", test_name_rules);
    g_test_add_func("/common/output/uri-rules", test_uri_rules);
    g_test_add_func("/common/output/spec-named", test_spec_named);
    g_test_add_func("/common/output/spec-plain-numbered", test_spec_plain_numbered);
    g_test_add_func("/common/output/spec-bad", test_spec_bad);
    return g_test_run();
}
