/* ctl_store_sources: the apply-page funnel by source, stored: page opens and sign-ups per
 * posting and source (stream, poster, code), kept across restarts.
 *
 * Main thread only, on the store's main connection. Like the funnel's, the counts arrive as
 * increments every few seconds (ctl_sources.c), in one transaction. */
#pragma once

#include <glib.h>

#include "ctl_store.h"

G_BEGIN_DECLS

/* One posting's figures from one source. */
typedef struct {
    gint64 posting_id;
    int source; /* a CtlSource (ctl_sources.h) */
    gint64 opens;
    gint64 signups;
} CtlSourceRow;

/* Every row stored. (transfer full) GArray of CtlSourceRow, NULL with error set. */
GArray *ctl_store_sources_load(CtlStore *store, GError **error);
/* Adds the increments in deltas (a GArray of CtlSourceRow) in one transaction; nothing on
 * failure. */
gboolean ctl_store_sources_add(CtlStore *store, GArray *deltas, GError **error);

G_END_DECLS
