/* jc_test_nginx: see jc_test_nginx.h. */
#include "jc_test_nginx.h"

#include <signal.h>
#include <string.h>

#include "jc_test_child.h"

#define NGINX_RTMP_MODULE "/usr/lib/nginx/modules/ngx_rtmp_module.so"

const char *jc_test_nginx_rtmp_module(void)
{
    const char *env = g_getenv("JOBCAST_TEST_NGINX_RTMP_MODULE");
    return env != NULL && *env != '\0' ? env : NGINX_RTMP_MODULE;
}

guint16 jc_test_free_port(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GSocket) sock =
        g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
    g_assert_no_error(error);
    g_autoptr(GInetAddress) lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) any = g_inet_socket_address_new(lo, 0);
    g_assert_true(g_socket_bind(sock, any, FALSE, &error));
    g_autoptr(GSocketAddress) bound = g_socket_get_local_address(sock, &error);
    g_assert_no_error(error);
    return g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound));
}

static char *config(const char *dir, guint16 rtmp, guint16 http)
{
    GString *c = g_string_new(NULL);
    g_string_append_printf(c,
                           "load_module %s;\n"
                           "daemon off;\nmaster_process off;\npid %s/nginx.pid;\n"
                           "error_log %s/error.log;\nevents { worker_connections 64; }\n"
                           "rtmp { server { listen 127.0.0.1:%u;\n"
                           "  application live { live on; record all; record_path %s;"
                           " record_unique on; }\n"
                           "  application other { live on; }\n",
                           jc_test_nginx_rtmp_module(), dir, dir, rtmp, dir);
    if (http == 0) {
        g_string_append(c, "} }\n");
        return g_string_free(c, FALSE);
    }
    g_string_append_printf(c,
                           "  application locked { live on; on_publish http://127.0.0.1:%u/deny; }"
                           " } }\n"
                           "http { access_log off; client_body_temp_path %s; proxy_temp_path %s;\n"
                           "  fastcgi_temp_path %s; uwsgi_temp_path %s; scgi_temp_path %s;\n"
                           "  server { listen 127.0.0.1:%u;\n"
                           "    location /stat { rtmp_stat all; }\n"
                           "    location /deny { return 403; } } }\n",
                           http, dir, dir, dir, dir, dir, http);
    return g_string_free(c, FALSE);
}

static gboolean accepts(GSocketClient *client, guint16 port)
{
    if (port == 0)
        return TRUE;
    g_autoptr(GSocketConnection) c =
        g_socket_client_connect_to_host(client, "127.0.0.1", port, NULL, NULL);
    return c != NULL;
}

GSubprocess *jc_test_nginx_start(const char *dir, guint16 rtmp, guint16 http)
{
    g_autofree char *nginx = g_find_program_in_path("nginx");
    if (nginx == NULL || !g_file_test(jc_test_nginx_rtmp_module(), G_FILE_TEST_EXISTS))
        g_error("nginx with its RTMP module (%s) is not installed: run scripts/setup.sh",
                jc_test_nginx_rtmp_module());
    g_autofree char *conf_path = g_build_filename(dir, "nginx.conf", NULL);
    g_autofree char *conf = config(dir, rtmp, http);
    g_assert_true(g_file_set_contents(conf_path, conf, -1, NULL));
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_NONE);
    g_subprocess_launcher_set_child_setup(launcher, die_with_parent, NULL, NULL);
    GSubprocess *proc =
        g_subprocess_launcher_spawn(launcher, &error, nginx, "-p", dir, "-c", conf_path, NULL);
    g_assert_no_error(error);
    g_autoptr(GSocketClient) client = g_socket_client_new();
    for (int i = 0; i < 250; i++) {
        if (accepts(client, rtmp) && accepts(client, http))
            return proc;
        g_usleep(20000);
    }
    g_error("nginx did not accept connections on %u within 5 s (see %s/error.log)", rtmp, dir);
}

void jc_test_nginx_stop(GSubprocess *nginx)
{
    g_subprocess_send_signal(nginx, SIGTERM);
    g_assert_true(g_subprocess_wait(nginx, NULL, NULL));
    g_object_unref(nginx);
}

/* nginx's statistics page (XML), over plain HTTP/1.0. (transfer full) */
static char *stat_page(guint16 http)
{
    g_autoptr(GSocketClient) client = g_socket_client_new();
    g_autoptr(GError) error = NULL;
    g_autoptr(GSocketConnection) c =
        g_socket_client_connect_to_host(client, "127.0.0.1", http, NULL, &error);
    g_assert_no_error(error);
    const char *req = "GET /stat HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    GOutputStream *out = g_io_stream_get_output_stream(G_IO_STREAM(c));
    g_assert_true(g_output_stream_write_all(out, req, strlen(req), NULL, NULL, &error));
    GInputStream *in = g_io_stream_get_input_stream(G_IO_STREAM(c));
    GString *text = g_string_new(NULL);
    char buf[4096];
    gssize n;
    while ((n = g_input_stream_read(in, buf, sizeof buf, NULL, &error)) > 0)
        g_string_append_len(text, buf, n);
    g_assert_no_error(error);
    return g_string_free(text, FALSE);
}

gboolean jc_test_nginx_publishing(guint16 http, const char *name)
{
    g_autofree char *stat = stat_page(http);
    g_autofree char *tag = g_strdup_printf("<name>%s</name>", name);
    const char *at = strstr(stat, tag);
    if (at == NULL)
        return FALSE;
    const char *end = strstr(at, "</stream>");
    const char *pub = strstr(at, "<publishing/>");
    return pub != NULL && (end == NULL || pub < end);
}
