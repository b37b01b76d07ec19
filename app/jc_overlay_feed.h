/* jc_overlay_feed: the program's overlay layers for control's /overlay page (an OBS browser
 * source): what the render worker published, listed with each layer's rectangle, scroll and
 * transition, its pixels as PNG, and a notice to control whenever a new composition is out.
 *
 * Threads: main thread, apart from the PNG encoding (control's worker threads, through
 * CtlOverlayHooks.layer_png, reading only a rectangle's ref). The feed reaches the renderer only
 * through the director, within one main-thread call. */
#pragma once

#include <glib.h>

#include "ctl_control.h"
#include "jc_director.h"

G_BEGIN_DECLS

typedef struct JcOverlayFeed JcOverlayFeed;

/* Installs the overlay hooks on control and starts watching director's renderer for new
 * compositions (every JC_OVERLAY_FEED_POLL_MS, a lock and a compare). director and control are
 * borrowed and must outlive the feed. (transfer full) */
JcOverlayFeed *jc_overlay_feed_new(JcDirector *director, CtlControl *control);

#define JC_OVERLAY_FEED_POLL_MS 40

/* The layers of the composition on air as control's /api/overlay/layers answers them.
 * (transfer full) */
JsonNode *jc_overlay_feed_layers(JcOverlayFeed *f);

/* Stops watching and takes the hooks off control. NULL is allowed. */
void jc_overlay_feed_free(JcOverlayFeed *f);

G_END_DECLS
