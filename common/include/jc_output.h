/* jc_output: the one rule for an output's name and URI, shared by the command line, the control
 * protocol and the streamer.
 *
 * A name is 1-32 characters of a-z, 0-9 and '-'. A URI is rtmp://HOST/APP/KEY,
 * rtmps://HOST/APP/KEY, srt://HOST:PORT[?...] or file:///ABSOLUTE/PATH.mkv|.mp4|.flv, at most
 * JC_OUTPUT_URI_MAX bytes of printable ASCII. Error messages quote a URI only redacted
 * (jc_uri_redact): a stream key never reaches a message.
 *
 * Threads: pure functions, any thread. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define JC_OUTPUT_NAME_MAX 32
#define JC_OUTPUT_URI_MAX 2048

typedef enum {
    JC_OUTPUT_RTMP, /* rtmp:// or rtmps:// (FLV) */
    JC_OUTPUT_SRT,  /* srt:// (MPEG-TS, caller) */
    JC_OUTPUT_FILE, /* file:// (Matroska, MP4 or FLV by the extension) */
} JcOutputKind;

/* TRUE when name is 1-32 of a-z, 0-9 and '-'. On failure, FALSE with JC_ERROR_INVALID whose
 * message starts with "name: ". */
gboolean jc_output_name_check(const char *name, GError **error);

/* TRUE when uri is an output this jobcast can push to; *kind (may be NULL) says which. On
 * failure, FALSE with JC_ERROR_INVALID naming the redacted URI and what is wrong. */
gboolean jc_output_uri_check(const char *uri, JcOutputKind *kind, GError **error);

/* An --output value: "NAME=URI" when the text before the first '=' holds no ':' (a URI's scheme
 * always ends with one before any '='), else a plain URI named "outN", N being position (1 for
 * the first --output). Both parts are checked as above. *name and *uri: (transfer full). On
 * failure, FALSE with JC_ERROR_INVALID and both left NULL. */
gboolean jc_output_spec_parse(const char *spec, guint position, char **name, char **uri,
                              GError **error);

G_END_DECLS
