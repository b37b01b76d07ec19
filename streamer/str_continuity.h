/* str_continuity: does the program keep time? What a viewer would see as a stutter, counted where
 * it happens: frames arriving at the program's videorate (after the overlay, before anything
 * fills a hole).
 *
 * Two ways the picture stops moving, both counted:
 *   - a stall: the program's thread itself stops (something downstream blocked it), so no frame
 *     arrives for a while; measured as the wall-clock gap between arrivals.
 *   - a hole: frames arrive on time but some are missing (a late input frame the switch let go);
 *     videorate repeats the frame before, and counts it.
 * Threads: the probe runs on the program's streaming thread and is the only writer; the readers
 * (str_continuity_fill_status) run on the main thread and read atomics. */
#pragma once

#include <gst/gst.h>

#include "str_status.h"

G_BEGIN_DECLS

typedef struct StrContinuity StrContinuity;

/* Watches frames entering videorate (a ref is taken). */
StrContinuity *str_continuity_attach(GstElement *videorate);

/* Fills s->continuity. */
void str_continuity_fill_status(StrContinuity *c, StrStatus *s);

/* Removes the probe and drops the ref. NULL is allowed. */
void str_continuity_free(StrContinuity *c);

G_END_DECLS
