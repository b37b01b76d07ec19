/* str_outputs: the program's outputs by name, added, replaced and removed while it plays
 * (internal to streamer/).
 *
 * Threads: main thread only (see str_outputs.c for the one probe that runs on a streaming
 * thread). The program pipeline must be set to NULL before str_outputs_free(). */
#pragma once

#include <gst/gst.h>

#include "str_output.h"

G_BEGIN_DECLS

typedef struct StrOutputs StrOutputs;

/* An empty set feeding from the program's encoded video_tee and audio_tee (all borrowed: they
 * outlive the set). (transfer full) */
StrOutputs *str_outputs_new(GstBin *program, GstElement *video_tee, GstElement *audio_tee);

/* Builds and attaches an output called name for uri; once the set runs (str_outputs_start) it
 * is started at once. FALSE with JC_ERROR_CONFLICT when the name is taken, JC_ERROR_INVALID for
 * a bad name or URI, JC_ERROR_PIPELINE when an element is missing; nothing changed then. */
gboolean str_outputs_add(StrOutputs *s, const char *name, const char *uri, GError **error);

/* Makes output name run uri: adds it when there is none of that name; leaves it alone when it
 * already runs uri and is connecting or live; else replaces it (a new URI, or a retry at once of
 * one waiting to retry or given up). On error (as str_outputs_add) the old one is untouched. */
gboolean str_outputs_set(StrOutputs *s, const char *name, const char *uri, GError **error);

/* Removes output name while the program goes on: its destination gets the end of stream (at
 * most 3 s, then it is stopped), its appsinks leave the program between two buffers. FALSE
 * when there is none of that name. */
gboolean str_outputs_remove(StrOutputs *s, const char *name);

/* The program plays: starts every output, and from now on each one added. */
void str_outputs_start(StrOutputs *s);

/* The show ends: drains every output (str_output_drain); drained is called once per output
 * that was not idle. Returns how many calls are due. */
guint str_outputs_drain(StrOutputs *s, StrOutputDrainedFunc drained, gpointer user_data);

/* Stops every output at once, the leaving ones too; nothing is started any more. */
void str_outputs_stop(StrOutputs *s);

/* Appends a StrOutputStatus * per output, in the order they were added. */
void str_outputs_fill_status(StrOutputs *s, GPtrArray *out);

/* Frees the set and its outputs (the program is NULL by now). NULL is allowed. */
void str_outputs_free(StrOutputs *s);

G_END_DECLS
