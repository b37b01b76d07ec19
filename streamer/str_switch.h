/* str_switch: the program's video switch, "jobcastswitch": the input's own frames while it
 * delivers, the slate when it does not (internal to streamer/).
 *
 * It replaces a compositor that copied every input frame over the slate: the switch passes the
 * frame it chose on as it is (the overlay then draws into it in place), so a show costs no copy
 * of its picture between the input and the encoder.
 *
 * Pads: request pads "sink_%u" with the compositor's "zorder" (the highest pad with a recent
 * frame wins) and "max-last-buffer-repeat" (how long a pad's last frame keeps it on air: within
 * that time a late frame is waited for, the picture holds; after it the pad below takes over).
 * Every pad must carry the program's caps (format, size); the switch does not convert.
 *
 * Threads: the aggregator's source thread does all the work; properties are set on the main
 * thread before the pipeline plays. */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/* Registers "jobcastswitch" with GStreamer (once; any thread). */
gboolean str_switch_register(void);

G_END_DECLS
