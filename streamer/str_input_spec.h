/* str_input_spec: an input URI read into what the input's session builders need (internal to
 * streamer/): which kind of source, what its element is given, and the options in the query.
 *
 * Threads: pure functions on the caller's struct; the input calls them on the main thread. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
    STR_INPUT_TEST, /* test: the synthetic camera and tone */
    STR_INPUT_FILE, /* file:///path: uridecodebin, or the Y4M reader */
    STR_INPUT_SRT,  /* srt://[HOST]:PORT: srtsrc */
    STR_INPUT_PULL, /* rtsp://, rtmp://, rtmps://: uridecodebin pulling from a server */
    STR_INPUT_V4L2, /* v4l2:///dev/videoN: a camera */
} StrInputKind;

typedef struct {
    StrInputKind kind;
    char *source;       /* owned: what the source element is given (file URI without query,
                           device path, SRT or pull URI); NULL for test: */
    char *audio_source; /* owned: file: a separate audio file's URI (?audio=), NULL if none */
    gboolean loop;      /* file: start again at the end (?loop=1) */
    gboolean listener;  /* srt: wait for a caller (no host, or ?mode=listener) */
} StrInputSpec;

/* Reads uri into spec (zeroed by the caller). safe_uri is uri as messages may show it. On an
 * unsupported or malformed URI or a missing file, FALSE with JC_ERROR_INVALID naming safe_uri;
 * spec may then hold parts to clear. */
gboolean str_input_spec_parse(const char *uri, const char *safe_uri, StrInputSpec *spec,
                              GError **error);

/* Frees what spec owns. */
void str_input_spec_clear(StrInputSpec *spec);

G_END_DECLS
