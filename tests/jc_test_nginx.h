/* jc_test_nginx: a real RTMP server for the tests that push or pull streams: Debian's nginx
 * with its RTMP module, started on loopback in a test's own folder, dying with the test. One
 * configuration for every test, so the streamer's and the end-to-end tests meet the same server.
 *
 * Threads: the test's main thread. Failures abort the test (a missing nginx or module fails it;
 * it never skips). */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The RTMP module nginx loads: Debian's, or $JOBCAST_TEST_NGINX_RTMP_MODULE when set (e.g. a
 * path that does not exist, to see the RTMP tests fail). (transfer none) */
const char *jc_test_nginx_rtmp_module(void);

/* A free TCP port on 127.0.0.1 (bound, read, released). */
guint16 jc_test_free_port(void);

/* nginx-rtmp on 127.0.0.1:rtmp, its files in dir. Application "live" records every stream into
 * dir (key-*.flv, one file per publish), "other" plays live only. With http != 0 it also serves
 * its statistics on http://127.0.0.1:http/stat, and application "locked" refuses every publish
 * (on_publish answered 403). Returns once it accepts connections. (transfer full) */
GSubprocess *jc_test_nginx_start(const char *dir, guint16 rtmp, guint16 http);

/* Stops nginx (SIGTERM), waits for it and drops the reference. */
void jc_test_nginx_stop(GSubprocess *nginx);

/* TRUE while the statistics on http list a stream called name as published. */
gboolean jc_test_nginx_publishing(guint16 http, const char *name);

G_END_DECLS
