/* ovl_slate: the break slate (休息中). During a break the card gives way to a panel in the middle
 * of the safe area with the slate's words and, when an apply link is on air, its QR code: viewers
 * can still sign up while the host is away. The ticker and brand bug stay.
 *
 * Threads: the render worker (any thread may call; nothing is shared). */
#pragma once

#include <glib.h>
#include <gst/video/video.h>

#include "ovl_card.h"
#include "ovl_theme.h"

G_BEGIN_DECLS

/* Draws the slate for frames of width x height in theme's look and safe area: a composition of the
 * panel and, when apply_url is not empty, the QR code after it (transfer full). *box receives the
 * panel's rectangle. On error (JC_ERROR_RENDER: the frame is too small for the words and a QR of
 * ovl_card_min_module_px()) NULL is returned with error set. */
GstVideoOverlayComposition *ovl_slate_render(const OvlTheme *theme, const char *text,
                                             const char *apply_url, int width, int height,
                                             OvlRect *box, GError **error);

G_END_DECLS
