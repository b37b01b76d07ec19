/* Tests of jc_uri: what a log line or the status may show of a media URI. */
#include "jc_uri.h"

static void check_redact(const char *uri, const char *want)
{
    g_autofree char *got = jc_uri_redact(uri);
    g_assert_cmpstr(got, ==, want);
}

static void check_scrub(const char *text, const char *uri, const char *want)
{
    g_autofree char *got = jc_uri_scrub(text, uri);
    g_assert_cmpstr(got, ==, want);
}

static void test_rtmp_key(void)
{
    check_redact("rtmp://a.rtmp.youtube.com/live2/abcd-efgh-1234",
                 "rtmp://a.rtmp.youtube.com/live2/***");
    check_redact("rtmp://push.example.com:1935/live/stream?auth_key=1700000000-0-0-abc",
                 "rtmp://push.example.com:1935/live/***?***");
}

static void test_rtmps_userinfo_and_query(void)
{
    check_redact("rtmps://user:pw@host:443/app?key=s3cret", "rtmps://***@host:443/***?***");
    check_redact("RTMPS://host/app/KEY", "rtmps://host/app/***");
}

static void test_rtmp_key_shapes(void)
{
    /* A key without an application, or with a slash after it, is still the key. One segment
     * may be only an application name: hidden all the same (stars cost nothing there). */
    check_redact("rtmp://host/KEY123", "rtmp://host/***");
    check_redact("rtmp://host/live/KEY123/", "rtmp://host/live/***/");
    check_redact("rtmps://host:443/live/KEY123//", "rtmps://host:443/live/***//");
    check_redact("rtmp://host/", "rtmp://host/");
    check_redact("rtmp://host", "rtmp://host");
    check_scrub("refused: rtmp://h/KEY123/ gone", "rtmp://h/KEY123/",
                "refused: rtmp://h/***/ gone");
}

static void test_srt_query(void)
{
    check_redact("srt://relay.example.com:9000?passphrase=hunter2&streamid=show",
                 "srt://relay.example.com:9000?***");
    check_redact("srt://relay.example.com:9000", "srt://relay.example.com:9000");
    check_redact("srt://:9000?mode=listener", "srt://:9000?***");
}

static void test_rtsp_userinfo(void)
{
    /* Not rtmp: the path is a camera's stream name, not a key. */
    check_redact("rtsp://admin:12345@192.168.1.64:554/Streaming/Channels/101",
                 "rtsp://***@192.168.1.64:554/Streaming/Channels/101");
}

static void test_ipv6_host(void)
{
    check_redact("rtmp://[::1]:1935/live/key", "rtmp://[::1]:1935/live/***");
}

static void test_fragment(void)
{
    check_redact("rtsp://cam/stream#token", "rtsp://cam/stream#***");
}

static void test_local_unchanged(void)
{
    check_redact("file:///tmp/out.mkv", "file:///tmp/out.mkv");
    check_redact("file:///tmp/show.mp4?loop=1", "file:///tmp/show.mp4?loop=1");
    check_redact("v4l2:///dev/video0", "v4l2:///dev/video0");
    check_redact("test:", "test:");
}

static void test_malformed(void)
{
    /* Nothing of an unparseable URI is shown but its scheme. */
    check_redact("rtmp://user:pw@host:99999/live/key", "rtmp://***");
    check_redact("rtmp://host/live/%zzkey", "rtmp://***");
    check_redact("not a uri", "***");
}

static void test_scrub_key(void)
{
    check_scrub("Could not connect to rtmp://h/live/abcd-1234: refused", "rtmp://h/live/abcd-1234",
                "Could not connect to rtmp://h/live/***: refused");
}

static void test_scrub_srt_and_password(void)
{
    check_scrub("srt://h:9000?passphrase=hunter2xyz failed", "srt://h:9000?passphrase=hunter2xyz",
                "srt://h:9000?*** failed");
    check_scrub("login admin:s3cret@cam refused, s3cret wrong", "rtsp://admin:s3cret@cam/x",
                "login ***@cam refused, *** wrong");
}

static void test_scrub_nothing_secret(void)
{
    check_scrub("cannot open rtmp://host/", "rtmp://host/", "cannot open rtmp://host/");
    check_scrub("anything", NULL, "anything");
    check_scrub("anything", "not a uri", "anything");
    /* Too short to look for: "p" would wreck every word. */
    check_scrub("a pipe", "rtsp://u:p@cam/x", "a pipe");
}

static void test_scrub_same_as_redact(void)
{
    /* A message quoting the whole URI shows what the status shows. */
    const char *uri = "rtmps://user:pass@host/app/streamkey?token=t0k3n";
    g_autofree char *safe = jc_uri_redact(uri);
    g_autofree char *said = jc_uri_scrub(uri, uri);
    g_assert_cmpstr(safe, ==, "rtmps://***@host/app/***?***");
    g_assert_cmpstr(said, ==, "rtmps://***@host/app/***?***");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/common/uri/rtmp-key", test_rtmp_key);
    g_test_add_func("/common/uri/rtmps-userinfo-and-query", test_rtmps_userinfo_and_query);
    g_test_add_func("/common/uri/rtmp-key-without-app-or-with-slash", test_rtmp_key_shapes);
    g_test_add_func("/common/uri/srt-passphrase-query", test_srt_query);
    g_test_add_func("/common/uri/rtsp-user-password", test_rtsp_userinfo);
    g_test_add_func("/common/uri/ipv6-host", test_ipv6_host);
    g_test_add_func("/common/uri/fragment", test_fragment);
    g_test_add_func("/common/uri/local-unchanged", test_local_unchanged);
    g_test_add_func("/common/uri/malformed", test_malformed);
    g_test_add_func("/common/uri/scrub-key", test_scrub_key);
    g_test_add_func("/common/uri/scrub-srt-and-password", test_scrub_srt_and_password);
    g_test_add_func("/common/uri/scrub-nothing-secret", test_scrub_nothing_secret);
    g_test_add_func("/common/uri/scrub-same-as-redact", test_scrub_same_as_redact);
    return g_test_run();
}
