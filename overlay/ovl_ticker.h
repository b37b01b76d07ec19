/* ovl_ticker: the scrolling ticker (滚动字幕), a band across the top of the safe area whose line
 * of text moves right to left at a steady speed without being drawn again.
 *
 * The text is drawn once into a long strip (the text, a gap, and the text again, as far as one
 * band width more), and the strip's rectangle carries an OvlTicker describing the band it scrolls
 * in. jobcastoverlay blends, each frame, the band-wide window of the strip that starts at
 * ovl_ticker_offset() for the frame's running time: the scroll costs a blend of the band, never
 * a render. (An element that does not know tickers shows the strip still, from the band's left.)
 * A fixed label ("更多岗位") sits at the band's left, as a rectangle of its own.
 *
 * Threads: rendering on the render worker; OvlTicker is immutable and read by the element. */
#pragma once

#include <glib.h>
#include <gst/video/video.h>

#include "ovl_card.h"
#include "ovl_theme.h"

G_BEGIN_DECLS

/* How a ticker strip scrolls. */
typedef struct {
    OvlRect band;    /* the visible window, in frame pixels (band.x even) */
    int period;      /* strip columns per cycle (text + gap), even */
    double px_per_s; /* scrolling speed */
} OvlTicker;

/* Draws the ticker for frames of width x height: returns a composition of the fixed label and
 * the scrolling strip (transfer full); band, if not NULL, receives the whole band (label
 * included). NULL for empty text. Too long a text is ellipsized to a strip of at most 16384 px. */
GstVideoOverlayComposition *ovl_ticker_render(const char *text, int width, int height,
                                              OvlRect *band);

/* The same in theme's look and safe area (NULL: built-in). (transfer full) */
GstVideoOverlayComposition *ovl_ticker_render_themed(const OvlTheme *theme, const char *text,
                                                     int width, int height, OvlRect *band);

/* The scroll of a strip made by ovl_ticker_render(), or NULL for any other rectangle.
 * (transfer none) Valid as long as rect is. Takes GStreamer's qdata lock: call once per new
 * rectangle, not per frame. */
const OvlTicker *ovl_ticker_of(GstVideoOverlayRectangle *rect);

/* The strip column shown at the band's left edge at running_time (ns): steady speed, wrapping
 * every period, always even (4:2:0 chroma stays aligned). */
int ovl_ticker_offset(const OvlTicker *ticker, GstClockTime running_time);

G_END_DECLS
