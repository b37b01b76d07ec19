/* ovl_chrome: the live room's chrome around the card: the brand bug (the room's name, top right
 * of the safe area) and the lower third (the host's name and title, just above the card, or at
 * the bottom of the safe area when no card is on). Each is one small rectangle, drawn when its
 * words change, never per frame.
 *
 * Threads: the render worker (any thread may call; nothing is shared). */
#pragma once

#include <glib.h>
#include <gst/video/video.h>

#include "ovl_card.h"
#include "ovl_theme.h"

G_BEGIN_DECLS

/* The brand bug for frames of width x height in theme's look, right-aligned in theme's safe area
 * with its top at top (below the ticker band, if any): the theme's logo (if any), then text. NULL
 * for empty text. *box receives where it went. (transfer full) */
GstVideoOverlayRectangle *ovl_chrome_brand(const OvlTheme *theme, const char *text, int width,
                                           int height, int top, OvlRect *box);

/* The lower third: name (bold) over title (may be NULL), left-aligned in the safe area, its
 * bottom at bottom. NULL when name is empty. *box receives where it went. (transfer full) */
GstVideoOverlayRectangle *ovl_chrome_lower_third(const OvlTheme *theme, const char *name,
                                                 const char *title, int width, int height,
                                                 int bottom, OvlRect *box);

/* A viewer's question on air (the question lower third): "观众提问" over the question (up to two
 * lines, ellipsized), left-aligned in the safe area, its bottom at bottom. NULL when text is
 * empty. *box receives where it went. (transfer full) */
GstVideoOverlayRectangle *ovl_chrome_question(const OvlTheme *theme, const char *text, int width,
                                              int height, int bottom, OvlRect *box);

G_END_DECLS
