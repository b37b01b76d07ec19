/* str_slate: the program's live background, "直播马上回来" on a plain colour with silence
 * (internal to streamer/).
 *
 * Threads: built on the main thread; then one frame is drawn once and repeated by imagefreeze on
 * its own streaming thread, so the slate costs a buffer ref per frame, not a redraw. */
#pragma once

#include <gst/gst.h>

#include "str_profile.h"

G_BEGIN_DECLS

/* The slate's colour (ARGB), so that tests can recognise it in a recording. */
#define STR_SLATE_ARGB 0xff1f3a5fu

/* Adds the slate to program below everything else on new pads of video_mix (jobcastswitch, zorder
 * 0) and audio_mix (audiomixer). *video_pad receives the switch pad it feeds (transfer none)
 * so that the program can end it: imagefreeze repeats its frame through an upstream EOS. On
 * failure, FALSE with error set. */
gboolean str_slate_add(GstBin *program, const StrProfile *profile, GstElement *video_mix,
                       GstElement *audio_mix, GstPad **video_pad, GError **error);

G_END_DECLS
