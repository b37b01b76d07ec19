/* jc_uri: URIs as they may be shown in logs and status, with their secrets hidden.
 *
 * The secrets of a media URI are its user info (user:password), its query (an SRT passphrase
 * and stream id, a platform's auth parameters) and, for rtmp:// and rtmps:// URLs, the stream
 * key: the last non-empty segment of the path, with or without an application before it and a
 * slash after it (rtmp://host/app/KEY, rtmp://host/app/KEY/, rtmp://host/KEY). Local URIs
 * (file://, v4l2://, test:) carry none and are shown as given.
 *
 * Threads: pure functions, any thread. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* uri with every secret replaced by three stars: rtmp://host/live/KEY shows the stars in place
 * of KEY, rtmps://u:p@host/app?q in place of u:p and q, srt://host:9000?q in place of q. Local
 * URIs are returned unchanged. A string GLib cannot parse as a URI is shown as its scheme, "://"
 * and the stars (the stars alone without a scheme): nothing of it can be trusted to be
 * harmless. Never NULL for a non-NULL uri. (transfer full) */
char *jc_uri_redact(const char *uri);

/* text (an error message that may quote uri) with every secret of uri replaced by three stars.
 * Secrets under four characters are left (they would wreck the text and protect nothing). A
 * NULL or unparseable uri leaves text unchanged. (transfer full) */
char *jc_uri_scrub(const char *text, const char *uri);

G_END_DECLS
