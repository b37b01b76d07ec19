/* str_encoder: what the program's video encoder did, counted where it happens: frames it put
 * out, and frames it was late with (it took longer than one frame's duration between taking a
 * frame in and putting it out, so it fell behind the picture's pace: on a machine too slow for
 * the profile, every such frame delays the program and its viewers).
 *
 * Threads: two pad probes on the encoder, on its sink and source pads, both run on the program's
 * streaming thread (x264enc encodes and pushes from its chain function, on the thread that
 * brought the frame); they alone touch the ring of arrivals. str_encoder_fill_status() runs on
 * the main thread and reads atomics only. */
#pragma once

#include <gst/gst.h>

#include "str_status.h"

G_BEGIN_DECLS

typedef struct StrEncoder StrEncoder;

/* Watches encoder (a ref is taken), whose frames last 1/fps s. */
StrEncoder *str_encoder_attach(GstElement *encoder, int fps);

/* Fills s->encoder. */
void str_encoder_fill_status(StrEncoder *e, StrStatus *s);

/* Removes the probes and drops the ref. NULL is allowed. */
void str_encoder_free(StrEncoder *e);

G_END_DECLS
