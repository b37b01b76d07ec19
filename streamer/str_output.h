/* str_output: one isolated destination (RTMP server or file) fed from the encoded program
 * (internal to streamer/).
 *
 * Threads: created, started, drained, stopped and freed on the main thread; its bus is watched on
 * the main context. Two appsinks in the program pipeline hand encoded buffers over on the
 * program's streaming threads; that hand-over (str_output.c, under StrOutput.lock) is the only
 * crossing, and it never blocks: a slow destination loses buffers, never stalls the program.
 *
 * Lifecycle: new (validates the URI, builds the output pipeline) -> attach (adds the feeding
 * branches to the program) -> start -> [fails -> back-off -> restarts]* -> drain or stop -> free.
 * The program pipeline must be set to NULL before str_output_free(): its appsinks call into the
 * output. */
#pragma once

#include <gst/gst.h>

#include "str_status.h"

G_BEGIN_DECLS

typedef struct StrOutput StrOutput;

/* Called once on the main thread when a drain has finished (EOS written or output failed). */
typedef void (*StrOutputDrainedFunc)(gpointer user_data);

/* Builds the output called name (logs and status) for uri ("rtmp://", "rtmps://",
 * "srt://host:port[?...]" (MPEG-TS, caller), "file:///....mkv|.mp4|.flv"), not started.
 * On a bad name (jc_output_name_check), an unknown scheme or a malformed URI, NULL with
 * JC_ERROR_INVALID. */
StrOutput *str_output_new(const char *name, const char *uri, GError **error);

/* Adds to program an appsink on a new pad of each tee, brought to the program's state first (so
 * a program on air takes it at once). On failure, FALSE with error set (sinks already added stay
 * in program: str_output_sinks names them). */
gboolean str_output_attach(StrOutput *o, GstBin *program, GstElement *video_tee,
                           GstElement *audio_tee, GError **error);

/* Starts the output pipeline; on failure it retries by itself with back-off (2 s, x1.5, at most
 * 60 s, jittered up to 10 %) for as long as the show runs. Only a destination that refuses us
 * (not authorized: a rejected key) is given up ("failed"). */
void str_output_start(StrOutput *o);

/* Stops retrying and lets the end of stream through. Returns TRUE when the output is already idle
 * (drained will not be called), FALSE when drained will be called once it has finished. */
gboolean str_output_drain(StrOutput *o, StrOutputDrainedFunc drained, gpointer user_data);

/* Ends the output while the program goes on (it is being removed): stops retrying and writes
 * the end of stream itself (nothing more is taken from the program from now on, so its appsinks
 * may be detached at once). Returns TRUE when the output is already idle (drained will not be
 * called), FALSE when drained will be called once the destination has the end of stream. */
gboolean str_output_end(StrOutput *o, StrOutputDrainedFunc drained, gpointer user_data);

/* The name and the URI as given to str_output_new. (transfer none) */
const char *str_output_name(StrOutput *o);
const char *str_output_uri(StrOutput *o);

/* TRUE while the output is connecting or live, FALSE when it waits to retry, failed or
 * stopped. Main thread. */
gboolean str_output_trying(StrOutput *o);

/* The appsinks str_output_attach added to the program (NULL before). (transfer none) */
void str_output_sinks(StrOutput *o, GstElement **video, GstElement **audio);

/* Stops the output at once (pipeline to NULL, no retry, no drained callback). */
void str_output_stop(StrOutput *o);

/* Fills s with the output's state (see StrOutputStatus). Main thread. */
void str_output_fill_status(StrOutput *o, StrOutputStatus *s);

/* Stops and frees the output. NULL is allowed. */
void str_output_free(StrOutput *o);

G_END_DECLS
