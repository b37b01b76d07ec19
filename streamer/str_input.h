/* str_input: the program's source, opened from an input URI in its own small pipeline that may
 * fail, be torn down and be reopened without touching the program (internal to streamer/).
 *
 * Threads: created, attached, started, stopped and freed on the main thread, where its bus
 * watch and timers also run. The input pipeline's sinks (a fakesink for pictures, an appsink for
 * sound) hand raw frames and samples to two appsrcs in the program on the input's streaming
 * threads; that hand-over (str_input.c, under StrInput.lock) is the only crossing and never
 * blocks.
 *
 * The program puts the input over a live slate (jobcastswitch, audiomixer): when the input stops
 * delivering, the switch lets the slate through after half a second; when it delivers again,
 * it is back on air. */
#pragma once

#include <gst/gst.h>

#include "str_profile.h"
#include "str_status.h"

G_BEGIN_DECLS

typedef struct StrInput StrInput;

/* Validates uri and prepares (does not open) the input: "test:",
 * "file:///path[?loop=1][&audio=file:///sound.wav]" (a separate sound track, e.g. for Y4M),
 * "srt://[HOST]:PORT[?mode=listener|caller]" (no host = listener on every address), "rtsp://",
 * "rtmp://", "v4l2:///dev/videoN". On an unsupported or malformed URI or a missing file, NULL
 * with JC_ERROR_INVALID. */
StrInput *str_input_new(const char *uri, const StrProfile *profile, GError **error);

/* Adds the two appsrcs to program and links them to new pads of video_mix (jobcastswitch) and
 * audio_mix (an audiomixer), above the slate. On failure, FALSE with error set. */
gboolean str_input_attach(StrInput *in, GstElement *program, GstElement *video_mix,
                          GstElement *audio_mix, GError **error);

/* Opens the input (call once the program is playing); on failure it retries by itself with
 * back-off (2 s, x1.5, at most 10 s, jittered). */
void str_input_start(StrInput *in);

/* Closes the input for good (no retry). */
void str_input_stop(StrInput *in);

/* TRUE while the input delivers sound (an audio sample within the last half second). Any
 * thread. */
gboolean str_input_has_sound(StrInput *in);

/* Fills s->input. Main thread. */
void str_input_fill_status(StrInput *in, StrStatus *s);

/* Stops and frees the input. The program must be in NULL already. NULL is allowed. */
void str_input_free(StrInput *in);

G_END_DECLS
