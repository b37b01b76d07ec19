/* str_input: builds the program's source from an input URI (internal to streamer/).
 *
 * Threads: built on the main thread; its elements then run on their own streaming threads.
 * An input is a GstBin with two ghost source pads, "video" (raw video at the profile's size and
 * frame rate, any format) and "audio" (raw audio, any layout), so that later inputs (camera, SRT,
 * file) and a slate switch can be slotted in without touching the encoders. */
#pragma once

#include "str_pipeline.h"

G_BEGIN_DECLS

/* Builds the input bin for uri. (transfer floating) Only "test:" exists so far (moving ball with
 * a clock + a 440 Hz tone). On an unsupported URI, NULL with JC_ERROR_INVALID; on a missing
 * element, NULL with JC_ERROR_PIPELINE. */
GstElement *str_input_new(const char *uri, const StrProfile *profile, GError **error);

G_END_DECLS
