/* Tests for the network outputs beyond plain RTMP: SRT push (MPEG-TS, caller) read back by an
 * ffprobe listening on loopback, and RTMPS through a TLS terminator (stunnel, a certificate made
 * by the test) in front of nginx-rtmp.
 *
 * Threads: the test runs a GMainLoop on the main thread (see str_test.h). */
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#include "jc_error.h"

#include "str_output.h"
#include "str_pipeline.h"
#include "jc_uri.h"
#include "str_test.h"

static void test_srt_uri_redacted(void)
{
    g_autofree char *safe = jc_uri_redact("srt://relay.example.com:9000?passphrase=hunter2"
                                          "hunter2&streamid=publish/abc");
    g_assert_cmpstr(safe, ==, "srt://relay.example.com:9000?***");
    g_autofree char *plain = jc_uri_redact("srt://relay.example.com:9000");
    g_assert_cmpstr(plain, ==, "srt://relay.example.com:9000");
}

static void test_srt_needs_port(void)
{
    g_autoptr(GError) error = NULL;
    StrOutput *o = str_output_new("relay", "srt://relay.example.com", &error);
    g_assert_null(o);
    g_assert_error(error, JC_ERROR, JC_ERROR_INVALID);
}

static gboolean have_element(const char *name)
{
    GstElementFactory *f = gst_element_factory_find(name);
    if (f == NULL) {
        g_test_skip("a GStreamer element is not installed");
        return FALSE;
    }
    gst_object_unref(f);
    return TRUE;
}

static void test_srt_push(void)
{
    Run r;
    run_init(&r);
    if (!have_element("srtsink")) {
        g_main_loop_unref(r.loop);
        return;
    }
    guint16 port = jc_test_free_port();
    /* ffprobe is the listener (a relay or a platform's ingest); jobcast calls it. */
    g_autofree char *listen = g_strdup_printf("srt://127.0.0.1:%u?mode=listener", port);
    g_autofree char *uri = g_strdup_printf("srt://127.0.0.1:%u?latency=120", port);
    Probe pr = {.run = &r};
    g_autoptr(GSubprocess) probe = pull_start(&pr, listen);
    const char *outputs[] = {uri, NULL};
    StrConfig cfg = config(&r, NULL);
    cfg.outputs = outputs;
    StrPipeline *p = start_playing(&cfg, &r);
    g_assert_true(wait_output_live(&r, p, 0, 10000));
    g_assert_true(wait_for(&r, &pr.done, 20000));
    g_autoptr(StrStatus) s = str_pipeline_status(p);
    StrOutputStatus *o = g_ptr_array_index(s->outputs, 0);
    g_autofree char *shown = g_strdup_printf("srt://127.0.0.1:%u?***", port);
    g_assert_cmpstr(o->uri, ==, shown);
    stop_clean(p, &r);
    str_pipeline_free(p);
    check_pulled(pr.out);
    g_free(pr.out);
    g_main_loop_unref(r.loop);
}

/* ---- RTMPS ---------------------------------------------------------------------------------- */

/* A self-signed certificate and key for localhost in dir (cert.pem, key.pem). */
static void make_cert(const char *dir)
{
    g_autofree char *cert = g_build_filename(dir, "cert.pem", NULL);
    g_autofree char *key = g_build_filename(dir, "key.pem", NULL);
    const char *argv[] = {"openssl", "req",     "-x509", "-newkey",       "rsa:2048",
                          "-nodes",  "-keyout", key,     "-out",          cert,
                          "-days",   "1",       "-subj", "/CN=localhost", NULL};
    g_autoptr(GBytes) out = run_tool(argv);
    g_assert_true(g_file_test(cert, G_FILE_TEST_IS_REGULAR));
}

/* stunnel accepting TLS on 127.0.0.1:tls_port and passing it to 127.0.0.1:plain_port.
 * (transfer full) */
static GSubprocess *start_stunnel(const char *dir, guint16 tls_port, guint16 plain_port)
{
    g_autofree char *conf_path = g_build_filename(dir, "stunnel.conf", NULL);
    g_autofree char *conf = g_strdup_printf("foreground = yes\npid =\ndebug = 3\n"
                                            "[rtmps]\naccept = 127.0.0.1:%u\n"
                                            "connect = 127.0.0.1:%u\ncert = %s/cert.pem\n"
                                            "key = %s/key.pem\n",
                                            tls_port, plain_port, dir, dir);
    g_assert_true(g_file_set_contents(conf_path, conf, -1, NULL));
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(
        G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
    g_subprocess_launcher_set_child_setup(launcher, die_with_parent, NULL, NULL);
    GSubprocess *proc = g_subprocess_launcher_spawn(launcher, &error, "stunnel", conf_path, NULL);
    g_assert_no_error(error);
    g_autoptr(GSocketClient) client = g_socket_client_new();
    for (int i = 0; i < 200; i++) {
        g_autoptr(GSocketConnection) c =
            g_socket_client_connect_to_host(client, "127.0.0.1", tls_port, NULL, NULL);
        if (c != NULL) {
            return proc;
        }
        g_usleep(20000);
    }
    g_assert_not_reached();
}

static gboolean have_stunnel(void)
{
    g_autofree char *path = g_find_program_in_path("stunnel");
    if (path == NULL) {
        g_test_skip("stunnel (Debian: stunnel4) is not installed");
        return FALSE;
    }
    return have_nginx_rtmp();
}

static void test_rtmps_push(void)
{
    if (!have_stunnel()) {
        return;
    }
    Run r;
    run_init(&r);
    g_autofree char *dir = make_tmp();
    make_cert(dir);
    guint16 rtmp_port = jc_test_free_port();
    guint16 tls_port = jc_test_free_port();
    GSubprocess *nginx = jc_test_nginx_start(dir, rtmp_port, 0);
    g_autoptr(GSubprocess) tunnel = start_stunnel(dir, tls_port, rtmp_port);
    /* Two outputs to the same relay: one told to accept the self-signed certificate, one not
     * (it must be refused, and keep retrying without disturbing the first). */
    g_autofree char *insecure =
        g_strdup_printf("rtmps://127.0.0.1:%u/live/key?tls-insecure=1", tls_port);
    g_autofree char *strict = g_strdup_printf("rtmps://127.0.0.1:%u/other/strict", tls_port);
    const char *outputs[] = {insecure, strict, NULL};
    StrConfig cfg = config(&r, dir);
    cfg.outputs = outputs;
    StrPipeline *p = start_playing(&cfg, &r);
    g_assert_true(wait_output_live(&r, p, 0, 10000));
    /* Never "live", not even for a moment between its attempts (a bug once: bytes entering the
     * sink before the TLS handshake failed counted as a connection). */
    for (int i = 0; i < 30; i++) {
        run_for(&r, 100);
        g_autoptr(StrStatus) now = str_pipeline_status(p);
        StrOutputStatus *strict_now = g_ptr_array_index(now->outputs, 1);
        g_assert_cmpstr(strict_now->state, !=, "live");
    }
    g_autoptr(StrStatus) s = str_pipeline_status(p);
    StrOutputStatus *good = g_ptr_array_index(s->outputs, 0);
    StrOutputStatus *bad = g_ptr_array_index(s->outputs, 1);
    g_assert_cmpstr(good->state, ==, "live");
    g_autofree char *shown = g_strdup_printf("rtmps://127.0.0.1:%u/live/***", tls_port);
    g_assert_cmpstr(good->uri, ==, shown);
    g_assert_cmpstr(bad->state, !=, "live");
    g_assert_nonnull(bad->error);
    g_test_message("strict output: %s (%s)", bad->state, bad->error);
    stop_clean(p, &r);
    g_autofree char *recording = g_strdup(str_pipeline_recording_path(p));
    str_pipeline_free(p);
    g_subprocess_send_signal(tunnel, SIGTERM);
    g_subprocess_wait(tunnel, NULL, NULL);
    jc_test_nginx_stop(nginx);
    g_autoptr(GPtrArray) files = received_files(dir);
    g_assert_cmpuint(files->len, ==, 1);
    g_assert_cmpfloat(check_playable(g_ptr_array_index(files, 0)), >=, 2.5);
    g_assert_cmpfloat(check_playable(recording), >=, 3.0);
    remove_tree(dir);
    g_main_loop_unref(r.loop);
}

int main(int argc, char **argv)
{
    g_log_set_writer_func(str_test_log_writer, NULL, NULL);
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/streamer/output/srt-uri-redacted", test_srt_uri_redacted);
    g_test_add_func("/streamer/output/srt-needs-port", test_srt_needs_port);
    g_test_add_func("/streamer/output/srt-push", test_srt_push);
    g_test_add_func("/streamer/output/rtmps-push", test_rtmps_push);
    int rc = g_test_run();
    if (gst_is_initialized()) {
        gst_deinit();
    }
    return rc;
}
