/* str_preview: the program's thumbnail for the control page, a branch after the overlay that
 * keeps the newest JPEG (internal to streamer/).
 *
 * Threads: attached and freed on the main thread. The program's thread cuts the rate (a pad
 * probe), the branch's own thread encodes and publishes the JPEG under StrPreview.lock;
 * str_preview_jpeg() takes a ref under it from any thread. The program never waits for the
 * preview: a slow one only loses frames in its leaky queue. */
#pragma once

#include <gst/gst.h>

#include "str_profile.h"

G_BEGIN_DECLS

typedef struct StrPreview StrPreview;

/* A preview with no picture yet. (transfer full) */
StrPreview *str_preview_new(void);

/* Adds videorate -> leaky queue -> videoscale (480 px wide) -> jpegenc -> appsink to program on
 * a new pad of tee (the program's raw video after the overlay). On failure, FALSE with error set
 * (elements already added stay in program). */
gboolean str_preview_attach(StrPreview *pv, GstBin *program, GstElement *tee,
                            const StrProfile *profile, GError **error);

/* The newest JPEG (transfer full), NULL before the first; about 4 a second while someone calls
 * this (within the last 10 s), else one every 2 s. If seq is not NULL it receives the frame's
 * sequence number (1 for the first, +1 for each). Any thread. */
GBytes *str_preview_jpeg(StrPreview *pv, gint64 *seq);

/* Frees the preview. The program must be in NULL already. NULL is allowed. */
void str_preview_free(StrPreview *pv);

G_END_DECLS
