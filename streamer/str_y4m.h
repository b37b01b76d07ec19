/* str_y4m: the input's fast path for raw Y4M files (test clips, the benchmark's input):
 * filesrc reading one picture per read straight into y4mdec (internal to streamer/).
 *
 * Threads: str_y4m_add_reader runs where the input session is built (main thread); the block
 * sizes are then set from filesrc's own streaming thread. */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/* When uri (file://) names a raw Y4M file, adds filesrc -> y4mdec reading it to bin and returns
 * y4mdec (transfer none) for the caller to link onward. When the file is not Y4M (or cannot be
 * read: the caller's decoder will say why), NULL with error unset. When the elements cannot be
 * made, NULL with error set. */
GstElement *str_y4m_add_reader(GstBin *bin, const char *uri, GError **error);

G_END_DECLS
